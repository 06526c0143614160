"""Git facts the deploy commands tag images by."""

from __future__ import annotations

import subprocess
from pathlib import Path


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
