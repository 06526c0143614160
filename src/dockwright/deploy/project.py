"""The edge of the deploy commands: project directory -> ContainerPlan, and git facts for tags."""

from __future__ import annotations

import subprocess
from pathlib import Path

from dockwright.errors import DockwrightError
from dockwright.plan.model import ContainerPlan


def load_plan(
    root: Path, *, python: str | None = None, app: str | None = None, port: int | None = None
) -> ContainerPlan:
    """detect -> plan, exactly as ``dockwright init`` does, so every generated file agrees."""
    from dockwright.detect import detect_project
    from dockwright.plan import make_plan

    if not root.is_dir():
        raise DockwrightError(f"{root}: not a directory")
    info = detect_project(root, python=python, app=app, port=port)
    return make_plan(info)


def git_head(root: Path) -> tuple[str, bool] | None:
    """(full commit SHA of HEAD, working tree dirty) or None outside a git checkout."""
    try:
        sha = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout.strip()
        status = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout
    except (OSError, subprocess.CalledProcessError, subprocess.TimeoutExpired):
        return None
    return sha, bool(status.strip())
