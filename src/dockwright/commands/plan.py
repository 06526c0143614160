"""``dockwright plan``: print the container plan that ``init`` renders, as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import click

from dockwright.commands._planning import PlanOptions, plan_options


@click.command(name="plan")
@plan_options
def command(
    path: Path,
    options: PlanOptions,
) -> int:
    """Print the container plan (JSON): base image, install steps, user, command, healthcheck, services.

    Nothing is written. `dockwright init` renders exactly this plan into files.
    """
    _, plan = options.plan(path)
    click.echo(json.dumps(plan.to_dict(), indent=2))
    return 0
