"""``dockwright detect``: explain what dockwright finds in a project, each decision with its evidence."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from dockwright.detect.model import Evidence, ProjectInfo


@click.command(name="detect")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option(
    "--json", "as_json", is_flag=True, help="Print the ProjectInfo as JSON (schema: docs/detect.md)."
)
@click.option("--python", "python", metavar="X.Y", help="Use this CPython minor instead of the detected one.")
@click.option(
    "--app", "app", metavar="TARGET", help="The app to serve, e.g. pkg.main:app or pkg:create_app()."
)
@click.option("--port", "port", type=int, help="Port the app listens on (default 8000).")
def command(path: Path, as_json: bool, python: str | None, app: str | None, port: int | None) -> int:
    """Explain what dockwright finds in PATH (default: the current directory), with evidence.

    Reads files only: the project is never imported or executed.
    """
    from dockwright.detect import detect_project

    info = detect_project(path, python=python, app=app, port=port)
    if as_json:
        click.echo(json.dumps(info.to_dict(), indent=2))
    else:
        render_text(info)
    return 0


def _where(evidence: Evidence) -> str:
    if not evidence.file:
        return "-"
    return f"{evidence.file}:{evidence.line}" if evidence.line else evidence.file


def _package_summary(info: ProjectInfo) -> str:
    if info.install_project:
        return "installed after the code (editable)"
    if info.is_package:
        return "runs from source on PYTHONPATH (not installed)"
    return "not installed (plain app)"


def decisions(info: ProjectInfo) -> list[tuple[str, str]]:
    """(label, value) rows of the text report, in reading order."""
    services = ", ".join(info.services) or "none"
    native = ", ".join(n.package for n in info.native) or "none"
    rows = [
        ("name", info.name),
        ("framework", f"{info.framework} ({info.interface.upper()})"),
        ("app", info.app + (f"  (PYTHONPATH {info.app_dir})" if info.app_dir else "")),
        ("server", info.server + ("" if info.server_in_dependencies else "  (added: not a dependency)")),
        (
            "dependencies",
            f"{info.dependency_manager}"
            + (f", lock {info.lock_file}" if info.lock_file else ", no lock file"),
        ),
        ("manifests", ", ".join(info.manifests)),
        ("package", _package_summary(info)),
        ("python", info.python),
        ("native needs", native),
        ("services", services),
        ("celery app", info.celery_app or "-"),
        ("migrations", info.migrations or "-"),
        ("static files", info.static_root or "-"),
        ("health", info.health_path or "none (TCP probe)"),
        ("port", str(info.port)),
        ("writable dirs", ", ".join(info.writable_dirs) or "-"),
        ("env vars", ", ".join(info.env_vars) or "-"),
    ]
    if info.django is not None:
        rows.insert(3, ("django settings", info.django.settings_module))
    return rows


def render_text(info: ProjectInfo) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    # Text() cells: "[build-system]" and the like are data, never rich markup.
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 120)
    console.print(Text.assemble(("dockwright detect ", "bold"), info.root))
    summary = Table(show_header=False, box=None, pad_edge=False)
    summary.add_column("decision", style="bold")
    summary.add_column("value", overflow="fold")
    for label, value in decisions(info):
        summary.add_row(label, Text(value))
    console.print(summary)
    console.print()
    evidence = Table(title="evidence", show_lines=False)
    evidence.add_column("what", style="bold", no_wrap=True)
    evidence.add_column("where", no_wrap=True)
    evidence.add_column("why", overflow="fold")
    for item in info.evidence:
        evidence.add_row(Text(item.what), Text(_where(item)), Text(item.why))
    console.print(evidence)
    warnings = [item for item in info.evidence if "warning" in item.why]
    if warnings:
        console.print(Text("warnings:", style="bold yellow"))
    for item in warnings:
        where = f"{_where(item)}: " if item.file else ""
        console.print(Text(f"  {where}{item.why}"))
