"""Fix round-trips: a fixed file re-lints without the finding, still parses, and fixing is idempotent."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from lint_support import run_cli, write_project
from test_rules import CASES, Case

from dockwright.lint.compose_model import load_compose
from dockwright.lint.config import LintConfig
from dockwright.lint.dockerfile_model import parse_dockerfile
from dockwright.lint.registry import all_rules
from dockwright.lint.runner import Linter, discover

FIXABLE = [c for c in CASES if c.lines and all_rules()[c.code].fix != "none"]


def _parses(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    if path.name.endswith(".dockerignore"):
        return
    if path.suffix in (".yaml", ".yml"):
        load_compose(text)
    else:
        parse_dockerfile(text)


@pytest.mark.parametrize("case", FIXABLE, ids=[f"{c.code}-{c.id}" for c in FIXABLE])
def test_fix_round_trip(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, case.files)
    monkeypatch.chdir(tmp_path)
    linter = Linter(LintConfig(select=(case.code,)), all_rules())
    files = discover([tmp_path])
    before = [f for f in linter.lint(files) if f.code == case.code]
    offered = [f for f in before if f.fix is not None]
    changes, applied = linter.fix(files, unsafe=True)
    if not offered:
        assert not changes
        return
    assert applied >= 1
    for path, (_, new) in changes.items():
        path.write_text(new, encoding="utf-8")
        _parses(path)
    # a fresh linter (no in-memory overrides) sees the fixed files on disk
    fresh = Linter(LintConfig(select=(case.code,)), all_rules())
    after = [f for f in fresh.lint(discover([tmp_path])) if f.code == case.code and f.fix is not None]
    assert len(after) < len(offered), [f.message for f in after]
    # idempotent: a second run changes nothing more
    again, _ = Linter(LintConfig(select=(case.code,)), all_rules()).fix(discover([tmp_path]), unsafe=True)
    assert all(old == new for old, new in again.values()) or not again


def test_every_fixable_rule_has_a_fix_case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    offered: set[str] = set()
    for index, case in enumerate(FIXABLE):
        root = tmp_path / str(index)
        write_project(root, case.files)
        linter = Linter(LintConfig(select=(case.code,)), all_rules())
        if any(f.fix is not None for f in linter.lint(discover([root]))):
            offered.add(case.code)
    expected = {code for code, rule in all_rules().items() if rule.fix != "none"}
    assert expected - offered == set()


BAD = {
    "Dockerfile": """
        FROM python:3.13-slim-trixie
        WORKDIR /app
        COPY requirements.txt .
        RUN pip install -r requirements.txt
        COPY . .
        RUN apt-get update && apt-get install -y --no-install-recommends libpq5
        CMD uvicorn app:app --reload --port 8000
    """,
    "requirements.txt": "fastapi\nuvicorn\n",
    "compose.yaml": """
        version: "3.8"
        services:
          web:
            build: .
    """,
}


def test_cli_fix_writes_atomically_and_keeps_mode(tmp_path: Path) -> None:
    write_project(tmp_path, BAD)
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.chmod(0o640)
    result = run_cli("lint", "--fix", cwd=tmp_path)
    assert "Fixed" in result.stdout, result.stdout + result.stderr
    text = dockerfile.read_text()
    assert "pip install --no-cache-dir -r requirements.txt" in text
    assert "ENV PYTHONUNBUFFERED=1" in text
    assert "rm -rf /var/lib/apt/lists/*" in text
    assert "--reload" in text  # unsafe fix: not applied without --unsafe-fixes
    assert (tmp_path / ".dockerignore").exists()
    assert not (tmp_path / "compose.yaml").read_text().startswith("version")
    assert stat.S_IMODE(dockerfile.stat().st_mode) == 0o640
    assert not list(tmp_path.glob(".*.tmp"))
    parse_dockerfile(text)
    # second run: nothing left to fix
    again = run_cli("lint", "--fix", cwd=tmp_path)
    assert "Fixed" not in again.stdout


def test_cli_unsafe_fixes(tmp_path: Path) -> None:
    write_project(tmp_path, BAD)
    run_cli("lint", "--fix", "--unsafe-fixes", cwd=tmp_path)
    text = (tmp_path / "Dockerfile").read_text()
    assert "--reload" not in text
    assert '"--host", "0.0.0.0"' in text


def test_cli_diff_does_not_write(tmp_path: Path) -> None:
    write_project(tmp_path, BAD)
    before = (tmp_path / "Dockerfile").read_text()
    result = run_cli("lint", "--diff", cwd=tmp_path)
    assert result.returncode == 1
    assert "+RUN pip install --no-cache-dir -r requirements.txt" in result.stdout
    assert "--- a/.dockerignore" in result.stdout
    assert (tmp_path / "Dockerfile").read_text() == before
    assert not (tmp_path / ".dockerignore").exists()


def test_fix_never_breaks_parsing_on_conflicting_edits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several rules fix the same RUN/CMD: each pass takes non-overlapping fixes; the result parses."""
    write_project(
        tmp_path,
        {
            "Dockerfile": """
                FROM python:3.13-slim-trixie
                RUN apt-get update && apt-get install -y libpq5 && pip install flask
                ADD app.py /app/
                CMD flask run --reload
            """,
        },
    )
    monkeypatch.chdir(tmp_path)
    linter = Linter(LintConfig(), all_rules())
    changes, applied = linter.fix(discover([tmp_path]), unsafe=True)
    new = changes[Path("Dockerfile")][1]
    parse_dockerfile(new)
    assert (
        "--no-install-recommends" in new and "--no-cache-dir" in new and "rm -rf /var/lib/apt/lists/*" in new
    )
    assert "COPY app.py /app/" in new
    assert applied >= 5


def test_fix_reports_each_file_once(tmp_path: Path) -> None:
    """A file created by a fix (.dockerignore) is linted once after --fix, not twice."""
    import json

    write_project(tmp_path, {"Dockerfile": "FROM python:3.13-slim-trixie\nCOPY . /app\n"})
    result = run_cli("lint", "--fix", "--format", "json", cwd=tmp_path)
    data = json.loads(result.stdout)
    assert data["files"] == 2
    keys = [(f["path"], f["line"], f["code"]) for f in data["findings"]]
    assert len(keys) == len(set(keys))
