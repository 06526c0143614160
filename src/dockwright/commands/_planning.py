"""Shared by plan, init, k8s and ci: the options and the project -> plan edge, so every file agrees."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from dockwright.detect.model import ProjectInfo
from dockwright.plan import facts
from dockwright.plan.model import ContainerPlan

F = TypeVar("F", bound=Callable[..., Any])


def plan_options(func: F) -> F:
    """PATH and the options that steer detection and planning."""
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
    for option in reversed(options):
        func = option(func)
    return func


def build_plan(
    root: Path,
    *,
    python: str | None,
    app: str | None,
    port: int | None,
    debian: str,
    base_image: str | None,
    workers: int | None,
) -> tuple[ProjectInfo, ContainerPlan]:
    """The command line's options -> ``dockwright.plan.plan_project`` (the public API)."""
    from dockwright.plan.project import plan_project

    return plan_project(
        root, python=python, app=app, port=port, debian=debian, base_image=base_image, workers=workers
    )
