"""``dockwright init``: detect -> plan -> render, then write the files without ever losing user work.

An existing file that differs is left alone and reported unless ``--force``, which shows the
unified diff first; ``--dry-run`` prints every file (and the diffs) and writes nothing. Writes are
atomic. A real ``.env`` is never written: only ``.env.example``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import click

from dockwright.commands._planning import PlanOptions, plan_options
from dockwright.errors import DockwrightError
from dockwright.fsutil import atomic_write, unified_diff
from dockwright.plan.dockerignore import ignores
from dockwright.plan.project import read_gitignore


class Action(Enum):
    CREATE = "wrote"
    REPLACE = "replaced"
    UNCHANGED = "unchanged"
    SKIP = "skipped"


@dataclass(frozen=True)
class FileChange:
    name: str
    action: Action
    new: str
    diff: str  # against the existing file; "" when it is new or identical


def is_secret_env_file(name: str) -> bool:
    """``.env`` and its variants hold real secrets: dockwright never writes them."""
    base = Path(name).name
    return (base == ".env" or base.startswith(".env.")) and base != ".env.example"


def decide(name: str, new: str, existing: str | None, *, force: bool) -> FileChange:
    """What init does with one file; pure, so every case is tested without a file system."""
    if is_secret_env_file(name):
        raise DockwrightError(f"refusing to write {name}: real environment files are never generated")
    if existing is None:
        return FileChange(name, Action.CREATE, new, "")
    if existing == new:
        return FileChange(name, Action.UNCHANGED, new, "")
    diff = unified_diff(existing, new, name)
    return FileChange(name, Action.REPLACE if force else Action.SKIP, new, diff)


def _read_existing(path: Path) -> str | None:
    if not path.exists() and not path.is_symlink():
        return None
    if path.is_dir():
        raise DockwrightError("a directory is in the way of a generated file", file=path)
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return path.read_bytes().decode("utf-8", errors="replace")
    except OSError as err:
        raise DockwrightError(f"cannot read: {err.strerror}", file=path) from err


@click.command(name="init")
@plan_options
@click.option(
    "--dry-run", is_flag=True, help="Print every file (and diffs against existing ones); write nothing."
)
@click.option(
    "--force", is_flag=True, help="Replace existing files that differ (the unified diff is shown first)."
)
def command(
    path: Path,
    options: PlanOptions,
    dry_run: bool,
    force: bool,
) -> int:
    """Write Dockerfile, .dockerignore, compose.yaml, compose.override.yaml and .env.example.

    Existing files are never overwritten without --force (which shows the diff first); a real .env is
    never written.
    """
    from dockwright.render import render_files

    info, plan = options.plan(path)
    files = render_files(plan)
    changes = [
        decide(name, content, _read_existing(path / name), force=force) for name, content in files.items()
    ]

    lock = info.lock_file or ", ".join(info.requirements_files) or info.dependency_manager
    click.echo(
        f"dockwright init: {path} - {info.framework} app {info.app}, served by {plan.server} on port "
        f"{plan.runtime.port}, Python {plan.python_version}, dependencies from {lock}"
    )
    for note in plan.notes:
        click.echo(f"note: {note}")
    if not ignores(read_gitignore(path), ".env"):
        click.echo(
            "warning: .gitignore does not ignore .env: add a line `.env` before creating it, so the "
            "secrets in it are never committed.",
            err=True,
        )
    if dry_run:
        for change in changes:
            click.echo(f"\n===== {change.name} ({_dry_label(change)}) =====")
            click.echo(change.new, nl=False)
            if change.diff:
                click.echo(f"----- diff against the existing {change.name} -----")
                click.echo(change.diff, nl=False)
        click.echo("\n--dry-run: nothing was written.")
        return 0

    for change in changes:
        if change.action is Action.REPLACE:
            click.echo(change.diff, nl=False)
        if change.action in (Action.CREATE, Action.REPLACE):
            atomic_write(path / change.name, change.new)
    click.echo("")
    width = max(len(a.value) for a in Action)
    for change in changes:
        detail = ""
        if change.action is Action.SKIP:
            detail = "  (exists and differs: kept; --dry-run shows the diff, --force replaces it)"
        click.echo(f"  {change.action.value:<{width}}  {change.name}{detail}")
    click.echo(
        "\nNext: cp .env.example .env, replace the placeholders, then `docker compose up --build` "
        f"(the app answers on http://{plan.publish_host}:{plan.runtime.port})."
    )
    return 0


def _dry_label(change: FileChange) -> str:
    return {
        Action.CREATE: "would be written",
        Action.REPLACE: "would replace the existing file",
        Action.UNCHANGED: "identical to the existing file",
        Action.SKIP: "exists and differs: would be kept without --force",
    }[change.action]
