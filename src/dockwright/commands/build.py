"""``dockwright build [PATH]``: build the image with BuildKit, tag it from git, summarise its layers.

Exit codes: 0 built, 1 the build failed (its log is shown), 2 bad input or no usable engine.
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from dockwright.errors import DockwrightError

if TYPE_CHECKING:
    from dockwright.engine.build import BuildSummary

_STEP = re.compile(r"^#(\d+) \[([^\]]+)\] (.+)$")
_DONE = re.compile(r"^#(\d+) (DONE [\d.]+s|CACHED|ERROR.*)$")


def project_name(root: Path) -> str:
    """detect's project name when the project can be detected, else the directory name (DNS-safe)."""
    from dockwright.detect import detect_project
    from dockwright.engine.build import dns_safe_name

    try:
        name = detect_project(root).name
    except DockwrightError:
        name = root.name  # a Dockerfile for something detect does not understand still builds
    return dns_safe_name(name)


class ProgressPrinter:
    """Shows which step runs now (on a terminal) and one line per finished step; keeps the raw log."""

    def __init__(self, name: str, interactive: bool) -> None:
        from rich.console import Console

        self.console = Console(stderr=True, highlight=False)
        self.interactive = interactive
        self.steps: dict[str, str] = {}
        self.started = time.monotonic()
        self.status = self.console.status(f"building {name}") if interactive else None

    def __enter__(self) -> ProgressPrinter:
        if self.status is not None:
            self.status.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.status is not None:
            self.status.__exit__(None, None, None)

    def line(self, text: str) -> None:
        if not self.interactive:
            # Not a terminal (CI, pipes): the plain BuildKit log itself is the progress.
            click.echo(text, err=True)
            return
        from rich.markup import escape

        if match := _STEP.match(text):
            self.steps[match.group(1)] = f"[{match.group(2)}] {match.group(3)}"
            if self.status is not None:
                elapsed = time.monotonic() - self.started
                self.status.update(f"{elapsed:5.1f} s  {escape(self.steps[match.group(1)][:100])}")
        elif (match := _DONE.match(text)) and match.group(1) in self.steps:
            outcome = match.group(2)
            mark = (
                "[dim]cached[/]"
                if outcome == "CACHED"
                else "[red]error[/]"
                if outcome.startswith("ERROR")
                else ""
            )
            took = outcome.removeprefix("DONE ") if outcome.startswith("DONE") else ""
            self.console.print(
                f"  {mark or '[green]done[/]  '} {took:>7} {escape(self.steps[match.group(1)][:110])}"
            )


def print_summary(summary: BuildSummary, seconds: float) -> None:
    from rich.console import Console
    from rich.markup import escape

    from dockwright.engine.images import format_bytes

    console = Console(highlight=False, soft_wrap=True)
    console.print(f"[bold green]built[/] {summary.image_id[:19]} in {seconds:.1f} s")
    console.print(f"  tags         {', '.join(summary.tags)}")
    if summary.base is not None and summary.added_size is not None:
        console.print(
            f"  size         {format_bytes(summary.size)} "
            f"(base {escape(summary.base.ref)} {format_bytes(summary.base.size)}, "
            f"added {format_bytes(summary.added_size)})"
        )
    else:
        console.print(f"  size         {format_bytes(summary.size)} (base image not found locally)")
    largest = summary.largest()
    if largest:
        console.print("  largest layers added:")
        for layer in largest:
            console.print(f"    {format_bytes(layer.size):>9}  {escape(layer.instruction[:100])}")


@click.command(name="build")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path), default=".")
@click.option(
    "-f",
    "--file",
    "dockerfile",
    type=click.Path(path_type=Path),
    help="Dockerfile (default PATH/Dockerfile).",
)
@click.option(
    "--tag",
    "tags",
    multiple=True,
    metavar="NAME[:TAG]",
    help="Extra tag; without ':TAG' it names the repository of the <sha> and latest tags.",
)
@click.option("--platform", help="Target platform, e.g. linux/arm64.")
@click.option("--push", is_flag=True, help="Push every tag after the build.")
@click.option("--network", help="Network for RUN steps (e.g. host).")
@click.option("--no-cache", is_flag=True, help="Build without the layer cache.")
@click.option("--target", help="Build only up to this stage.")
@click.option(
    "--secret", "secrets", multiple=True, metavar="id=NAME,src=FILE", help="Build secret (RUN --mount)."
)
@click.option("--build-arg", "build_args", multiple=True, metavar="K=V", help="Build arg (never a secret).")
def command(
    path: Path,
    dockerfile: Path | None,
    tags: tuple[str, ...],
    platform: str | None,
    push: bool,
    network: str | None,
    no_cache: bool,
    target: str | None,
    secrets: tuple[str, ...],
    build_args: tuple[str, ...],
) -> int:
    """Build the image at PATH with BuildKit and summarise what it added.

    \b
    Exit codes: 0 built, 1 the build failed (its log is shown), 2 bad input or no usable engine.
    """
    from dockwright.engine.build import (
        BuildRequest,
        check_build_arg,
        check_secret_spec,
        git_state,
        image_tags,
        oci_build_args,
        oci_labels,
        oci_values,
        summarise,
    )
    from dockwright.engine.client import get_docker

    root = path.resolve()
    dockerfile = (dockerfile or root / "Dockerfile").resolve()
    if not dockerfile.is_file():
        raise DockwrightError(
            "no Dockerfile here; run `dockwright init` first or pass --file", file=dockerfile
        )
    if platform and "," in platform:
        raise DockwrightError(f"--platform {platform}: one platform per build (the image is loaded locally)")
    text = dockerfile.read_text(encoding="utf-8", errors="replace")
    user_args = dict(check_build_arg(item) for item in build_args)
    secret_specs = [check_secret_spec(spec, root) for spec in secrets]

    name = project_name(root)
    git = git_state(root)
    values = oci_values(name, git)
    request = BuildRequest(
        root=root,
        dockerfile=dockerfile,
        tags=image_tags(name, git, tags),
        build_args={**oci_build_args(values, text), **user_args},
        labels=oci_labels(values),
        secrets=secret_specs,
        network=network,
        platform=platform,
        no_cache=no_cache,
        target=target,
    )
    docker = get_docker()
    interactive = sys.stderr.isatty()
    started = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="dockwright-build-") as tmp,
        ProgressPrinter(name, interactive) as progress,
    ):
        result = docker.build(
            request.docker_args(), cwd=root, iidfile=Path(tmp) / "iid", on_line=progress.line
        )
    if result.returncode != 0 or result.image_id is None:
        if interactive:
            click.echo(result.log, err=True)
        click.echo(
            f"dockwright: build failed (docker exited {result.returncode}); the log is above", err=True
        )
        return 1
    summary = summarise(docker, result.image_id, request.tags, text, request.build_args)
    print_summary(summary, time.monotonic() - started)
    if not git.revision:
        click.echo("  note: not a git repository (or no commit yet): no revision tag", err=True)
    if push:
        for tag in request.tags:
            click.echo(f"pushing {tag}", err=True)
            digest = docker.push(tag)
            click.echo(f"  pushed       {tag}" + (f"@{digest}" if digest else ""))
    return 0
