"""Safe writes of user files: never a lost or half-written file.

Writes go to a temporary file in the same directory and are renamed over the target, so a crash
leaves either the old file or the new one. Callers decide about overwriting; ``unified_diff`` is
what they show before they do.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from pathlib import Path


def atomic_write(path: Path, content: str, *, mode: int | None = None) -> None:
    """Write ``content`` to ``path`` atomically, keeping the old file's permissions when it had one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if mode is None:
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def unified_diff(old: str, new: str, name: str) -> str:
    """A git-style unified diff of ``old`` -> ``new`` for file ``name`` ('' when identical)."""
    return "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            fromfile=f"a/{name}",
            tofile=f"b/{name}",
        )
    )
