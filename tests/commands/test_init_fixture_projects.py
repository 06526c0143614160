"""`dockwright init` on every fixture project detect is tested with (real files, real CLI): the
output must pass dockwright's own linter, hadolint and `docker compose config` for each of them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "projects"
PROJECTS = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()) if FIXTURES.is_dir() else []
HADOLINT = Path(sys.executable).parent / "hadolint"
DOCKER = os.environ.get("DOCKWRIGHT_DOCKER", "/usr/bin/docker")


def test_there_are_fixture_projects() -> None:
    assert len(PROJECTS) >= 5


@pytest.mark.engine
@pytest.mark.parametrize("name", PROJECTS)
def test_init_output_for_fixture_project_is_valid(name: str, tmp_path: Path) -> None:
    project = tmp_path / name
    shutil.copytree(FIXTURES / name, project)
    result = subprocess.run(
        [sys.executable, "-m", "dockwright", "init", str(project)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    ours = subprocess.run(
        [sys.executable, "-m", "dockwright", "lint", str(project)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ours.returncode == 0 and "All checks passed" in ours.stdout, ours.stdout + ours.stderr
    lint = subprocess.run(
        [str(HADOLINT), "--no-color", str(project / "Dockerfile")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert lint.returncode == 0 and lint.stdout == "", lint.stdout
    shutil.copy(project / ".env.example", project / ".env")
    config = subprocess.run(
        [DOCKER, "compose", "-f", "compose.yaml", "-f", "compose.override.yaml", "config", "-q"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert config.returncode == 0 and config.stderr == "", config.stderr
