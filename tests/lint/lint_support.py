"""Shared helpers for the lint tests: write a tiny project, lint it in-process or through the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from dockwright.lint.config import LintConfig
from dockwright.lint.model import Finding
from dockwright.lint.registry import all_rules
from dockwright.lint.runner import Linter, discover


def write_project(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def lint_dir(root: Path, select: tuple[str, ...] | None = None) -> list[Finding]:
    """Lint every file under ``root`` (cwd must be ``root`` so paths are relative)."""
    config = LintConfig(select=select)
    linter = Linter(config, all_rules())
    return linter.lint(discover([root]))


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "dockwright", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
