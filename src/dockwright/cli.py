"""Command-line entry point.

Kept thin on purpose: each command lives in ``dockwright.commands.<name>`` and is imported only
when it runs, so ``dockwright --version`` starts without loading rich, Jinja2 or the parsers.

Exit codes: 0 ok, 1 findings or failed checks, 2 usage or input error.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from dockwright import __version__

# name -> (module, one-line help shown in `dockwright --help` without importing the module)
COMMANDS: dict[str, tuple[str, str]] = {
    "detect": ("dockwright.commands.detect", "Explain what dockwright finds in a project, with evidence."),
    "plan": ("dockwright.commands.plan", "Print the container plan (JSON) that init renders."),
    "init": ("dockwright.commands.init", "Write Dockerfile, .dockerignore, compose files, .env.example."),
    "lint": ("dockwright.commands.lint", "Check Dockerfile, .dockerignore and compose files."),
    "explain": ("dockwright.commands.explain", "Show the documentation of a lint rule."),
    "build": ("dockwright.commands.build", "Build the image with BuildKit and summarise its layers."),
    "verify": ("dockwright.commands.verify", "Prove an image on a real engine: health, non-root, SIGTERM..."),
    "k8s": ("dockwright.commands.k8s", "Write Kubernetes manifests from the same plan."),
    "ci": ("dockwright.commands.ci", "Write a CI pipeline (GitHub Actions or GitLab CI)."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module = importlib.import_module(COMMANDS[cmd_name][0])
        command: click.Command = module.command
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, help_) for name, (_, help_) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dockwright")
def app() -> None:
    """dockwright: production-grade containers for Python web apps.

    \b
    Exit codes: 0 ok, 1 findings or failed checks, 2 usage or input error.
    """


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; user errors become one line on stderr and exit 2, never a traceback."""
    from dockwright.errors import DockwrightError

    try:
        result: Any = app.main(args=argv, prog_name="dockwright", standalone_mode=False)
    except DockwrightError as err:
        click.echo(f"dockwright: error: {err}", err=True)
        sys.exit(err.exit_code)
    except click.exceptions.Abort:
        click.echo("dockwright: aborted", err=True)
        sys.exit(130)
    except click.ClickException as err:
        err.show()
        sys.exit(2 if err.exit_code in (1, 2) else err.exit_code)
    except KeyboardInterrupt:
        click.echo("dockwright: interrupted", err=True)
        sys.exit(130)
    except Exception as err:  # last line of defence: one line, not a traceback
        if os.environ.get("DOCKWRIGHT_DEBUG"):
            raise
        click.echo(
            f"dockwright: internal error: {type(err).__name__}: {err} "
            "(set DOCKWRIGHT_DEBUG=1 for a traceback)",
            err=True,
        )
        sys.exit(3)
    sys.exit(result if isinstance(result, int) else 0)
