"""Shared by plan, init, k8s and ci: the options and the project -> plan edge, so every file agrees."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import click

from dockwright.detect.model import ProjectInfo
from dockwright.plan import facts
from dockwright.plan.model import ContainerPlan


@dataclass(frozen=True)
class PlanOptions:
    """The command-line options that steer detection and planning, as ``plan_project`` takes them."""

    python: str | None
    app: str | None
    port: int | None
    debian: str
    base_image: str | None
    workers: int | None

    def plan(self, root: Path) -> tuple[ProjectInfo, ContainerPlan]:
        """detect -> plan for ``root``, exactly as ``dockwright init`` does, so every file agrees."""
        from dockwright.plan.project import plan_project

        return plan_project(root, **asdict(self))


def plan_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """PATH and the options that steer detection and planning, passed on as ``path`` and ``options``."""

    @functools.wraps(func)
    def with_options(**kwargs: Any) -> Any:
        fields = {name: kwargs.pop(name) for name in PlanOptions.__dataclass_fields__}
        return func(options=PlanOptions(**fields), **kwargs)

    options = (
        click.argument("path", type=click.Path(file_okay=False, path_type=Path), default="."),
        click.option(
            "--python", "python", metavar="X.Y", help="CPython minor to use instead of the detected one."
        ),
        click.option(
            "--app",
            "app",
            metavar="TARGET",
            help="App the server loads, e.g. pkg.main:app or pkg:create_app().",
        ),
        click.option(
            "--port",
            type=click.IntRange(1, 65535),
            help="Port the server listens on (default: detected or 8000).",
        ),
        click.option(
            "--debian",
            type=click.Choice(sorted(facts.DEBIAN_PYTHON_MINORS)),
            default=facts.DEFAULT_DEBIAN,
            show_default=True,
            help="Debian release of the python:X.Y-slim-<debian> base image.",
        ),
        click.option(
            "--base-image", metavar="REF", help="Whole base image reference (private mirror, digest)."
        ),
        click.option(
            "--workers",
            type=click.IntRange(min=1),
            help="Default WEB_CONCURRENCY; more than 1 for an ASGI app runs gunicorn with uvicorn workers.",
        ),
    )
    decorated: Callable[..., Any] = with_options
    for option in reversed(options):
        decorated = option(decorated)
    return decorated
