"""Writing generated files the way every dockwright command does: never lose a user's file.

An existing file that differs is left alone and reported unless ``force``; with ``force`` the diff
is shown first. ``dry_run`` prints the files and writes nothing. Writes are atomic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dockwright.fsutil import atomic_write, unified_diff


@dataclass(frozen=True)
class WriteResult:
    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    skipped: tuple[str, ...]  # exist with different content; need --force


def write_files(
    files: dict[str, str],
    out_dir: Path,
    *,
    force: bool,
    dry_run: bool,
    echo: Callable[[str], None],
    display_root: Path | None = None,
) -> WriteResult:
    written: list[str] = []
    unchanged: list[str] = []
    skipped: list[str] = []
    for rel, content in files.items():
        target = out_dir / rel
        shown = _display(target, display_root)
        old = target.read_text(encoding="utf-8") if target.is_file() else None
        if dry_run:
            echo(f"--- {shown}{' (unchanged)' if old == content else ''}")
            echo(content.rstrip("\n"))
            continue
        if old == content:
            unchanged.append(shown)
            continue
        if old is not None:
            echo(unified_diff(old, content, shown).rstrip("\n"))
            if not force:
                skipped.append(shown)
                continue
        atomic_write(target, content)
        written.append(shown)
    for shown in written:
        echo(f"wrote {shown}")
    for shown in unchanged:
        echo(f"unchanged {shown}")
    for shown in skipped:
        echo(f"kept {shown}: it differs from what dockwright would write (diff above; --force replaces it)")
    return WriteResult(tuple(written), tuple(unchanged), tuple(skipped))


def _display(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return str(path)
