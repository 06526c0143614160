"""``dockwright plan``: print the container plan that ``init`` renders, as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import click

from dockwright.commands._planning import build_plan, plan_options


@click.command(name="plan")
@plan_options
def command(
    path: Path,
    python: str | None,
    app: str | None,
    port: int | None,
    debian: str,
    base_image: str | None,
    workers: int | None,
) -> int:
    """Print the container plan (JSON): base image, install steps, user, command, healthcheck, services.

    Nothing is written. `dockwright init` renders exactly this plan into files.
    """
    _, plan = build_plan(
        path, python=python, app=app, port=port, debian=debian, base_image=base_image, workers=workers
    )
    click.echo(json.dumps(plan.to_dict(), indent=2))
    return 0
