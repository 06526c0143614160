"""The public detect -> plan edge: a project directory in, its ContainerPlan out.

``dockwright init`` and ``dockwright plan`` go through ``plan_project``; so do tests and other tools
that need exactly what init would write (see ``dockwright.render.files_for_project``). This is the
one place of the plan stage that reads files (the project, its .gitignore).
"""

from __future__ import annotations

from pathlib import Path

from dockwright.detect.files import ProjectFiles
from dockwright.detect.model import ProjectInfo
from dockwright.errors import DockwrightError
from dockwright.plan import facts
from dockwright.plan.dockerignore import rebase_gitignore
from dockwright.plan.model import ContainerPlan
from dockwright.plan.planner import make_plan


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""
    except (OSError, UnicodeDecodeError) as err:
        raise DockwrightError(f"cannot read .gitignore: {err}", file=path) from err


def read_gitignore(root: Path) -> str:
    """The project's .gitignore rules as one root-level text ("" when there are none): the top-level
    file, then every nested .gitignore rebased onto its directory, shallow before deep (git gives
    the deeper file the last word). Virtualenvs, VCS data and caches are not searched."""
    parts = [_read(root / ".gitignore")]
    nested = [root / rel for rel in ProjectFiles.scan(root).files if rel.endswith("/.gitignore")]
    for path in sorted(nested, key=lambda p: (len(p.relative_to(root).parts), p.as_posix())):
        rebased = rebase_gitignore(_read(path), path.parent.relative_to(root).as_posix())
        if rebased:
            parts.append(f"# {path.relative_to(root).as_posix()}\n{rebased}")
    return "\n".join(part.rstrip("\n") for part in parts if part.strip()) + ("\n" if any(parts) else "")


def detect(
    root: Path, *, python: str | None = None, app: str | None = None, port: int | None = None
) -> ProjectInfo:
    from dockwright.detect import detect_project

    if not root.is_dir():
        raise DockwrightError(f"{root}: not a directory")
    info: ProjectInfo = detect_project(root, python=python, app=app, port=port)
    return info


def plan_project(
    root: Path,
    *,
    python: str | None = None,
    app: str | None = None,
    port: int | None = None,
    debian: str = facts.DEFAULT_DEBIAN,
    base_image: str | None = None,
    workers: int | None = None,
) -> tuple[ProjectInfo, ContainerPlan]:
    """Detect the project at ``root`` and plan its container setup, with ``dockwright init``'s options
    (defaults: the same as the command line's)."""
    info = detect(root, python=python, app=app, port=port)
    plan = make_plan(
        info, debian=debian, base_image=base_image, workers=workers, gitignore=read_gitignore(root)
    )
    return info, plan
