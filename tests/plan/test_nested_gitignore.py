"""Nested .gitignore files reach .dockerignore rebased onto their directory, and Docker's own
matcher then excludes exactly what git would (checked on the engine)."""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import pytest

from dockwright.plan.dockerignore import rebase_gitignore
from dockwright.plan.project import plan_project, read_gitignore

DOCKER = os.environ.get("DOCKWRIGHT_DOCKER", "/usr/bin/docker")

FILES = {
    "main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
    "requirements.txt": "fastapi\nuvicorn\n",
    ".gitignore": "*.tmp\n",
    "web/.gitignore": "*.log\n!keep.log\n/local.db\n",
    "web/static/app.log": "x",  # web/.gitignore: *.log at any depth below web/
    "web/static/keep.log": "x",  # ... except keep.log
    "web/app.log": "x",  # "**/" matches no directory too
    "web/local.db": "x",  # anchored to web/
    "web/static/local.db": "x",  # anchored: not at depth
    "local.db": "x",  # the nested file says nothing about the root
    "other/app.log": "x",  # nor about a sibling directory
    "other/x.tmp": "x",  # the top-level file still applies
    ".venv/.gitignore": "*\n",  # a virtualenv's own .gitignore is never read
}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("*.log", "/web/**/*.log"),
        ("/local.db", "/web/local.db"),
        ("build/", "/web/**/build/"),
        ("a/b", "/web/a/b"),
        ("**/cache", "/web/**/cache"),
        ("!keep.log", "!/web/**/keep.log"),
        ("# comment", ""),
        ("\\#hash", "/web/**/#hash"),
    ],
)
def test_rebase_one_line(line: str, expected: str) -> None:
    assert rebase_gitignore(line, "web") == expected


def _project(root: Path) -> Path:
    root.mkdir(exist_ok=True)
    for rel, text in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def test_nested_gitignore_files_are_read_shallow_first_and_venvs_skipped(tmp_path: Path) -> None:
    (tmp_path / "web/deep").mkdir(parents=True)
    (tmp_path / "web/deep/.gitignore").write_text("*.bin\n")
    text = read_gitignore(_project(tmp_path))
    assert text.splitlines() == [
        "*.tmp",
        "# web/.gitignore",
        "/web/**/*.log",
        "!/web/**/keep.log",
        "/web/local.db",
        "# web/deep/.gitignore",
        "/web/deep/**/*.bin",
    ]
    _, plan = plan_project(tmp_path)
    assert "web/**/*.log" in plan.dockerignore and "!web/**/keep.log" in plan.dockerignore


@pytest.mark.engine
def test_docker_excludes_what_the_nested_gitignore_names(tmp_path: Path) -> None:
    root = tmp_path / "project"
    _project(root)
    _, plan = plan_project(root)
    (root / ".dockerignore").write_text("\n".join(plan.dockerignore) + "\n")
    dockerfile = tmp_path / "Dockerfile"  # outside the context: .dockerignore excludes Dockerfiles
    dockerfile.write_text("FROM python:3.13-slim-trixie\nCOPY . /ctx\n")
    tag = f"dockwright-test/gitignore-{uuid.uuid4().hex[:10]}"
    env = {**os.environ, "DOCKER_BUILDKIT": "1"}
    try:
        build = [DOCKER, "build", "-q", "--label", "dockwright.test=1", "-f", str(dockerfile), "-t", tag]
        subprocess.run([*build, str(root)], check=True, capture_output=True, env=env, timeout=300)
        listing = subprocess.run(
            [DOCKER, "run", "--rm", "--label", "dockwright.test=1", tag, "find", "/ctx", "-type", "f"],
            check=True, capture_output=True, text=True, timeout=120,
        ).stdout.split()  # fmt: skip
    finally:
        subprocess.run([DOCKER, "image", "rm", "-f", tag], capture_output=True, check=False)
    copied = {path.removeprefix("/ctx/") for path in listing}
    assert {"web/static/keep.log", "web/static/local.db", "local.db", "other/app.log", "main.py"} <= copied
    assert not {"web/static/app.log", "web/app.log", "web/local.db", "other/x.tmp"} & copied
