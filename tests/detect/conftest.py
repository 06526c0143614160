"""Helpers for detect tests: tiny real projects written into tmp dirs, and the real CLI."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from dockwright.detect import ProjectInfo, detect_project

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "projects"
# Detection depends on the release calendar; tests pin "today" so they do not rot.
TODAY = dt.date(2026, 11, 23)


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def detect(root: Path, **kwargs: object) -> ProjectInfo:
    kwargs.setdefault("today", TODAY)
    return detect_project(root, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def project(tmp_path: Path) -> Callable[[dict[str, str]], Path]:
    """Write a project from {relative path: text} and return its root."""

    def make(files: dict[str, str]) -> Path:
        return write_tree(tmp_path / "proj", files)

    return make


@pytest.fixture
def fixture_copy(tmp_path: Path) -> Callable[[str], Path]:
    """A writable copy of tests/fixtures/projects/<name> (fixtures themselves stay read-only)."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(FIXTURES / name, target)
        return target

    return copy


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dockwright", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )
