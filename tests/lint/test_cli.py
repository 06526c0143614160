"""`dockwright lint` and `dockwright explain` end to end, as a user runs them (real subprocesses)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest
from lint_support import run_cli, write_project

from dockwright.lint.registry import all_rules

PROJECT = {
    "Dockerfile": """
        # dockwright: ignore=DW601
        FROM python:3.13-slim-trixie
        ENV PYTHONUNBUFFERED=1
        WORKDIR /app
        COPY requirements.txt .
        RUN pip install --no-cache-dir -r requirements.txt
        COPY . .
        USER 10001
        CMD ["uvicorn", "app:app", "--port", "8000"]
    """,
    "requirements.txt": "fastapi\n",
    ".dockerignore": ".git\n.env\n.env.*\n.venv\n**/__pycache__\n",
    "compose.yaml": """
        services:
          web:
            build: .
            depends_on: [db]
          db:
            image: postgres:17-trixie
            volumes:
              - pg:/var/lib/postgresql/data
            healthcheck:
              test: ["CMD-SHELL", "pg_isready"]
        volumes:
          pg:
    """,
}
# what PROJECT must produce: DW601 (reported on FROM) is ignored inline; DW608 on the CMD; DW801 on depends_on
EXPECTED = {("Dockerfile", 9, "DW608"), ("compose.yaml", 4, "DW801")}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write_project(tmp_path, PROJECT)
    return tmp_path


def test_text_output_and_exit_code(project: Path) -> None:
    result = run_cli("lint", cwd=project)
    assert result.returncode == 1, result.stderr
    assert "Dockerfile:9: DW608 [error]" in result.stdout
    assert "compose.yaml:4: DW801 [warning]" in result.stdout
    assert "DW601" not in result.stdout  # inline ignore on the line above FROM
    assert "Found 2 findings" in result.stdout


def test_json_output(project: Path) -> None:
    result = run_cli("lint", "--format", "json", cwd=project)
    data = json.loads(result.stdout)
    assert {(f["path"], f["line"], f["code"]) for f in data["findings"]} == EXPECTED
    assert data["files"] == 3
    assert data["summary"] == {"error": 1, "warning": 1, "info": 0}


def test_github_annotations(project: Path) -> None:
    result = run_cli("lint", "--format", "github", cwd=project)
    lines = result.stdout.splitlines()
    assert "::error file=Dockerfile,line=9,endLine=9,title=DW608::DW608 " in lines[0]
    assert lines[1].startswith("::warning file=compose.yaml,line=4,")


# The parts of the SARIF 2.1.0 schema that code-scanning uploads rely on, written from the OASIS
# spec. The complete official schema is not shipped offline; when DOCKWRIGHT_SARIF_SCHEMA points to
# sarif-schema-2.1.0.json the output is also validated against it (see test below).
SARIF_STRUCTURE = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "$schema": {"type": "string"},
        "version": {"const": "2.1.0"},
        "runs": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["tool"],
                "properties": {
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {
                            "driver": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "rules": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "required": ["id"],
                                            "properties": {
                                                "id": {"type": "string"},
                                                "shortDescription": {
                                                    "type": "object",
                                                    "required": ["text"],
                                                },
                                                "defaultConfiguration": {
                                                    "type": "object",
                                                    "properties": {
                                                        "level": {
                                                            "enum": ["none", "note", "warning", "error"]
                                                        }
                                                    },
                                                },
                                            },
                                        },
                                    },
                                },
                            }
                        },
                    },
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["message"],
                            "properties": {
                                "ruleId": {"type": "string"},
                                "ruleIndex": {"type": "integer", "minimum": -1},
                                "level": {"enum": ["none", "note", "warning", "error"]},
                                "message": {"type": "object", "required": ["text"]},
                                "locations": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "physicalLocation": {
                                                "type": "object",
                                                "required": ["artifactLocation"],
                                                "properties": {
                                                    "artifactLocation": {
                                                        "type": "object",
                                                        "required": ["uri"],
                                                        "properties": {"uri": {"type": "string"}},
                                                    },
                                                    "region": {
                                                        "type": "object",
                                                        "properties": {
                                                            "startLine": {"type": "integer", "minimum": 1},
                                                            "endLine": {"type": "integer", "minimum": 1},
                                                        },
                                                    },
                                                },
                                            }
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}


def _sarif(project: Path) -> dict[str, object]:
    result = run_cli("lint", "--format", "sarif", cwd=project)
    assert result.returncode == 1, result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_sarif_structure(project: Path) -> None:
    data = _sarif(project)
    jsonschema.validate(data, SARIF_STRUCTURE)
    run = data["runs"][0]  # type: ignore[index]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert {
        (r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["ruleId"]) for r in results
    } == {
        ("Dockerfile", "DW608"),
        ("compose.yaml", "DW801"),
    }
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    assert len(rules) == sum(1 for r in all_rules().values() if r.default_enabled)


def test_sarif_against_official_schema(project: Path) -> None:
    schema_path = os.environ.get("DOCKWRIGHT_SARIF_SCHEMA")
    if not schema_path:
        pytest.skip("set DOCKWRIGHT_SARIF_SCHEMA to the official sarif-schema-2.1.0.json to run this check")
    schema = json.loads(Path(schema_path).read_text())
    validator = jsonschema.validators.validator_for(schema)(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(_sarif(project)), key=str)
    assert not errors, [e.message for e in errors[:5]]


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("--fail-on", "error"), 1),  # DW608 is an error
        (("--fail-on", "error", "--ignore", "DW608"), 0),  # only a warning remains
        (("--select", "DW8"), 1),
        (("--select", "DW1,DW2"), 0),
        (("--fail-on", "info", "--select", "DW106"), 1),  # opt-in rule, selected by code
    ],
)
def test_fail_on_and_selection(project: Path, args: tuple[str, ...], code: int) -> None:
    assert run_cli("lint", *args, cwd=project).returncode == code


def test_pyproject_config(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        "[project]\nname = 'x'\n\n[tool.dockwright]\n"
        'ignore = ["DW801"]\n'
        'severity = { DW608 = "info" }\n'
        'per-file-ignores = { "compose*.yaml" = ["DW802"] }\n'
    )
    result = run_cli("lint", "--format", "json", cwd=project)
    data = json.loads(result.stdout)
    assert [(f["code"], f["severity"]) for f in data["findings"]] == [("DW608", "info")]
    assert result.returncode == 0  # info is below the default --fail-on warning


def test_per_file_ignores(tmp_path: Path) -> None:
    write_project(
        tmp_path,
        {
            "pyproject.toml": (
                '[tool.dockwright]\nper-file-ignores = { "docker/dev.Dockerfile" = ["DW603"] }\n'
            ),
            "docker/dev.Dockerfile": 'FROM python:3.13-slim-trixie\nCMD ["uvicorn", "a:app", "--reload"]\n',
            "Dockerfile": 'FROM python:3.13-slim-trixie\nCMD ["uvicorn", "a:app", "--reload"]\n',
        },
    )
    result = run_cli("lint", "--select", "DW603", "--format", "json", cwd=tmp_path)
    assert [f["path"] for f in json.loads(result.stdout)["findings"]] == ["Dockerfile"]


@pytest.mark.parametrize(
    ("files", "args", "message"),
    [
        ({}, ("missing-dir",), "missing-dir: no such file or directory"),
        ({"README.md": "x"}, (), "no Dockerfile, .dockerignore or compose file found"),
        ({"Dockerfile": "FROM x\n"}, ("--select", "DW999"), "unknown rule code or prefix 'DW999'"),
        (
            {"Dockerfile": "FROM x\n", "pyproject.toml": "[tool.dockwright\n"},
            (),
            "pyproject.toml: invalid TOML",
        ),
        (
            {
                "Dockerfile": "FROM x\n",
                "pyproject.toml": '[tool.dockwright]\nseverity = { DW101 = "loud" }\n',
            },
            (),
            "unknown severity 'loud'",
        ),
    ],
)
def test_input_errors_exit_2_without_traceback(
    tmp_path: Path, files: dict[str, str], args: tuple[str, ...], message: str
) -> None:
    write_project(tmp_path, files)
    result = run_cli("lint", *args, cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith("dockwright: error:")
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_unparseable_files_are_findings_not_crashes(tmp_path: Path) -> None:
    write_project(
        tmp_path,
        {
            "Dockerfile": "FROM python:3.13-slim-trixie\nRUN <<EOF\necho unterminated\n",
            "compose.yaml": "services:\n  web: [unclosed\n",
            "other.dockerfile": "\x00\x01binary",
        },
    )
    result = run_cli("lint", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert {(f["path"], f["code"]) for f in findings} == {
        ("Dockerfile", "DW001"),
        ("compose.yaml", "DW001"),
        ("other.dockerfile", "DW001"),
    }


def test_discovery_of_names(tmp_path: Path) -> None:
    names = [
        "Dockerfile",
        "Dockerfile.prod",
        "web.dockerfile",
        ".dockerignore",
        "compose.yaml",
        "compose.prod.yml",
        "docker-compose.yml",
        "docker-compose.override.yaml",
    ]
    write_project(tmp_path, {name: "" for name in names} | {"notes.yaml": "", ".venv/Dockerfile": ""})
    result = run_cli("lint", "--format", "json", "--select", "DW001", cwd=tmp_path)
    assert json.loads(result.stdout)["files"] == len(names)


def test_explain(tmp_path: Path) -> None:
    result = run_cli("explain", "dw301", cwd=tmp_path)
    assert result.returncode == 0
    for heading in (
        "What it does",
        "Why is this bad?",
        "Example",
        "Use instead",
        "Fix",
        "Same as",
        "References",
    ):
        assert heading in result.stdout
    assert "hadolint DL3042" in result.stdout
    listing = run_cli("explain", "--list", cwd=tmp_path)
    assert len(listing.stdout.splitlines()) == len(all_rules())
    unknown = run_cli("explain", "DW999", cwd=tmp_path)
    assert unknown.returncode == 2 and "unknown rule" in unknown.stderr


def test_pre_commit_hook_definition() -> None:
    from ruamel.yaml import YAML

    root = Path(__file__).resolve().parents[2]
    hooks = YAML(typ="safe").load((root / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "dockwright-lint")
    assert hook["entry"].split()[:2] == ["dockwright", "lint"]
    import re

    pattern = re.compile(hook["files"])
    for name in (
        "Dockerfile",
        "docker/Dockerfile.prod",
        "app.dockerfile",
        ".dockerignore",
        "compose.yaml",
        "docker-compose.dev.yml",
    ):
        assert pattern.search(name), name
    assert not pattern.search("README.md")


def test_version_does_not_import_the_linter(tmp_path: Path) -> None:
    """Start-up stays light: `dockwright --version` loads neither the rules nor their parsers.
    (The start-up time itself is measured in bench/lint_bench.py, not asserted here.)"""
    result = run_cli("--version", cwd=tmp_path)
    assert result.returncode == 0
    env = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}
    import subprocess
    import sys

    traced = subprocess.run(
        [sys.executable, "-m", "dockwright", "--version"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
    )
    imported = {line.rsplit("|", 1)[-1].strip() for line in traced.stderr.splitlines() if "|" in line}
    heavy = {
        name for name in imported if name.split(".")[0] in ("bashlex", "dockerfile", "ruamel", "jsonschema")
    }
    assert not heavy
    assert not {name for name in imported if name.startswith("dockwright.lint")}


def test_inline_ignore_in_compose_same_line(tmp_path: Path) -> None:
    write_project(
        tmp_path,
        {"compose.yaml": "services:\n  db:\n    image: postgres  # dockwright: ignore=DW805\n"},
    )
    result = run_cli("lint", "--select", "DW805", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
