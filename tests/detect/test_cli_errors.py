"""`dockwright detect` through the real CLI: output formats, and every error as one line, exit 2."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import FIXTURES, run_cli

Project = Callable[[dict[str, str]], Path]
FLASK_APP = {"app.py": "from flask import Flask\napp = Flask(__name__)\n"}

# name -> (files, expected stderr line after "dockwright: error: ")
ERROR_CASES: dict[str, tuple[dict[str, str], str]] = {
    "not a python project": (
        {"package.json": "{}\n", "index.js": "console.log(1)\n"},
        r"not a Python project: no \.py files, pyproject\.toml, Pipfile or requirements\.txt",
    ),
    "not a web project": (
        {"requirements.txt": "requests\n", "tool.py": "import requests\nprint(requests.get)\n"},
        r"no Python web app found: looked for FastAPI\(\), Starlette\(\), Litestar\(\), Quart\(\), "
        r"Sanic\(\), Flask\(\), Django wsgi\.py/asgi\.py/WSGI_APPLICATION, .*, app factories and plain "
        r"WSGI/ASGI callables; pass --app module:attr",
    ),
    "several candidates": (
        {
            "requirements.txt": "fastapi\nflask\n",
            "api.py": "from fastapi import FastAPI\napp = FastAPI()\n",
            "admin/__init__.py": "from flask import Flask\nadmin = Flask(__name__)\n",
        },
        r"several candidate apps: admin:admin \(admin/__init__\.py:2\), api:app \(api\.py:2\); "
        r"choose one with --app TARGET",
    ),
    "malformed pyproject": (
        {**FLASK_APP, "pyproject.toml": '[project]\nname = "x"\ndependencies = ["flask"\nversion = 1\n'},
        r"pyproject\.toml:4: invalid TOML: .*",
    ),
    "invalid dependency in pyproject": (
        {
            **FLASK_APP,
            "pyproject.toml": '[project]\nname = "x"\nversion = "0"\ndependencies = [\n  "flask >>= 3",\n]\n',
        },
        r"pyproject\.toml:5: invalid dependency 'flask >>= 3': .*",
    ),
    "malformed requirements": (
        {**FLASK_APP, "requirements.txt": "flask==3.1\n\ngunicorn >= 20 <\n"},
        r"requirements\.txt:3: invalid requirement 'gunicorn >= 20 <': Expected comma .*",
    ),
    "missing include": (
        {**FLASK_APP, "requirements.txt": "flask\n-r requirements/base.txt\n"},
        r"requirements\.txt:2: -r requirements/base\.txt: no such file in the project",
    ),
    "malformed uv.lock": (
        {
            **FLASK_APP,
            "pyproject.toml": '[project]\nname = "x"\nversion = "0"\ndependencies = ["flask"]\n',
            "uv.lock": 'version = 1\n\n[[package]]\nname = "flask\n',
        },
        r"uv\.lock:4: invalid TOML: .*",
    ),
    "malformed Pipfile.lock": (
        {
            **FLASK_APP,
            "Pipfile": '[packages]\nflask = "*"\n',
            "Pipfile.lock": '{\n  "default": {\n    "flask": ,\n',
        },
        r"Pipfile\.lock:3: invalid JSON: Expecting value",
    ),
    "malformed Pipfile": (
        {**FLASK_APP, "Pipfile": "[packages\nflask = '*'\n", "Pipfile.lock": "{}"},
        r"Pipfile:1: invalid TOML: .*",
    ),
    "Pipfile without lock": (
        {**FLASK_APP, "Pipfile": '[packages]\nflask = "*"\n'},
        r"Pipfile: Pipfile has no Pipfile\.lock next to it; run `pipenv lock`.*",
    ),
    "bad .python-version": (
        {**FLASK_APP, "requirements.txt": "flask\n", ".python-version": "latest\n"},
        r"\.python-version:1: cannot read a CPython version from 'latest'",
    ),
    "bad requires-python": (
        {**FLASK_APP, "pyproject.toml": '[project]\nname = "x"\nversion = "0"\nrequires-python = "3.12+"\n'},
        r"pyproject\.toml:4: invalid Python version constraint '3\.12\+'",
    ),
    "no manifest": (
        FLASK_APP,
        r"no dependency manifest: looked for uv\.lock, poetry\.lock, pdm\.lock, Pipfile\.lock, "
        r"pyproject\.toml.*",
    ),
}


@pytest.mark.parametrize("case", sorted(ERROR_CASES))
def test_errors_are_one_line_exit_2(case: str, project: Project) -> None:
    files, expected = ERROR_CASES[case]
    root = project(files)
    result = run_cli("detect", str(root))
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    prefix = "dockwright: error: "
    assert lines[0].startswith(prefix)
    message = lines[0][len(prefix) :]
    import re

    assert re.fullmatch(rf"(?:{re.escape(str(root))}: )?{expected}", message), message


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--python", "3"], "--python must look like 3.13 (major.minor), got '3'"),
        (["--python", "three"], "--python must look like 3.13 (major.minor), got 'three'"),
        (
            ["--app", "main"],
            "--app must look like package.module:attribute or package.module:factory(), got 'main'",
        ),
        (["--app", "shopfront.nothere:app"], "--app shopfront.nothere:app: no shopfront/nothere.py or"),
        (
            ["--app", "shopfront:nope"],
            "shopfront/__init__.py: --app shopfront:nope: shopfront/__init__.py defines no 'nope'",
        ),
        (["--port", "70000"], "--port must be between 1 and 65535, got 70000"),
    ],
)
def test_bad_flags(args: list[str], expected: str) -> None:
    result = run_cli("detect", str(FIXTURES / "flask-poetry-factory"), *args)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"dockwright: error: {expected}")


def test_missing_directory(tmp_path: Path) -> None:
    result = run_cli("detect", str(tmp_path / "nope"))
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr


def test_json_output_has_the_documented_keys() -> None:
    result = run_cli("detect", str(FIXTURES / "django-split-settings"), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    for key in ("framework", "app", "server", "dependency_manager", "python", "services", "evidence"):
        assert key in data
    assert data["app"] == "config.wsgi:application"
    assert data["services"] == ["postgres", "redis", "celery-worker", "celery-beat"]
    assert all(set(e) == {"what", "file", "line", "why"} for e in data["evidence"])


def test_text_output_lists_decisions_and_evidence(tmp_path: Path) -> None:
    result = run_cli("detect", str(FIXTURES / "fastapi-uv-src"), "--python", "3.12")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "acme.main:app" in out and "(PYTHONPATH src)" in out
    assert "uv, lock uv.lock" in out
    assert "/internal/ops/healthz" in out
    assert "src/acme/api/ops.py:6" in out  # evidence as file:line
    assert "--python 3.12 given" in out


def test_detect_defaults_to_current_directory() -> None:
    result = run_cli("detect", "--json", cwd=FIXTURES / "litestar-pipenv")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["app"] == "app:app"


def test_help() -> None:
    result = run_cli("detect", "--help")
    assert result.returncode == 0
    for flag in ("--json", "--python", "--app", "--port"):
        assert flag in result.stdout


def test_text_output_lists_warnings() -> None:
    result = run_cli("detect", str(FIXTURES / "fastapi-uv-src"), "--python", "3.11")
    assert result.returncode == 0, result.stderr
    tail = result.stdout.split("warnings:\n", 1)[1]
    assert "--python 3.11 given; warning: it does not satisfy requires-python '>=3.12,<3.14'" in tail


def test_missing_local_requirement_path(project: Project) -> None:
    root = project({**FLASK_APP, "requirements.txt": "flask\n-e ./libs/shared\n"})
    result = run_cli("detect", str(root))
    assert result.returncode == 2
    assert result.stderr == (
        "dockwright: error: requirements.txt:2: ./libs/shared: no such file or directory in the project\n"
    )
