"""``dockwright verify IMAGE``: prove an image behaves the way its Dockerfile promises.

Exit codes: 0 every check passed, 1 a check failed (or could not run), 2 bad input or no engine.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from dockwright.errors import DockwrightError
from dockwright.verify.model import Report

STATUS_STYLE = {"pass": ("PASS", "green"), "fail": ("FAIL", "red"), "skip": ("SKIP", "yellow")}


def render_report(report: Report) -> None:
    from rich.console import Console
    from rich.markup import escape

    console = Console(highlight=False, soft_wrap=True)
    console.print(f"[bold]dockwright verify[/] {escape(report.image)} ({report.image_id[7:19]})")
    for check in report.checks:
        label, style = STATUS_STYLE[check.status]
        console.print(
            f"[{style}]{label}[/] [bold]{check.id:<18}[/] {escape(check.spec.title)} "
            f"[dim]({check.duration_s:.1f} s)[/]"
        )
        for line in check.evidence:
            console.print(f"       [dim]·[/] {escape(line)}")
    failed = report.failed
    skipped = [c.id for c in report.checks if c.status == "skip"]
    if report.passed:
        console.print(f"[green bold]all {len(report.checks)} checks passed[/] in {report.duration_s:.1f} s")
    else:
        parts = [f"{len(failed)} failed: {', '.join(failed)}"] if failed else []
        if skipped:
            parts.append(f"{len(skipped)} not run: {', '.join(skipped)}")
        console.print(f"[red bold]{'; '.join(parts)}[/] ({report.duration_s:.1f} s)")


def _env_item(value: str) -> str:
    if "=" not in value:
        raise DockwrightError(f"--env {value}: expected KEY=VALUE")
    return value


@click.command(name="verify")
@click.argument("image")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--size-budget",
    type=float,
    default=500.0,
    show_default=True,
    metavar="MB",
    help="Max MB the image adds over its base (over the total when the base is not local).",
)
@click.option("--port", type=int, help="Container port the app listens on (default: the EXPOSEd port).")
@click.option("--health-path", help="HTTP path to probe (default: the URL in the HEALTHCHECK, else /).")
@click.option(
    "--slow-path",
    help="A route that answers slowly (e.g. '/slow?seconds=2'): proves SIGTERM lets it finish.",
)
@click.option("--env", "env", multiple=True, metavar="K=V", help="Environment variable for the container.")
@click.option(
    "--env-file", "env_files", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--network", help="Docker network to join (e.g. the compose network with the database).")
@click.option("--stop-timeout", type=int, default=10, show_default=True, help="Seconds docker stop waits.")
@click.option("--label", "labels", multiple=True, metavar="K=V", help="Extra label on what verify creates.")
def command(
    image: str,
    as_json: bool,
    size_budget: float,
    port: int | None,
    health_path: str | None,
    slow_path: str | None,
    env: tuple[str, ...],
    env_files: tuple[Path, ...],
    network: str | None,
    stop_timeout: int,
    labels: tuple[str, ...],
) -> int:
    """Run IMAGE the way a careful orchestrator would and report each check with evidence.

    \b
    Exit codes: 0 every check passed, 1 a check failed or could not run, 2 bad input or no engine.
    """
    from dockwright.engine.client import get_docker
    from dockwright.verify.runner import VerifyOptions, verify_image

    for path in (health_path, slow_path):
        if path is not None and not path.startswith("/"):
            raise DockwrightError(f"{path}: an HTTP path starts with '/'")
    options = VerifyOptions(
        image=image,
        size_budget_mb=size_budget,
        port=port,
        health_path=health_path,
        slow_path=slow_path,
        env=[_env_item(item) for item in env],
        env_files=list(env_files),
        network=network,
        stop_timeout_s=stop_timeout,
        labels=list(labels),
    )
    docker = get_docker()
    if as_json:
        report = verify_image(docker, options)
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:
        from rich.console import Console

        status = Console(stderr=True).status("verifying")
        with status:
            report = verify_image(docker, options, progress=lambda msg: status.update(msg))
        render_report(report)
    return 0 if report.passed else 1
