"""``dockwright lint``: check Dockerfiles, .dockerignore and compose files; fix what is safe."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from dockwright.errors import DockwrightError

if TYPE_CHECKING:
    from dockwright.lint.model import Target


def _codes(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(code.strip().upper() for value in values for code in value.split(",") if code.strip())


@click.command(name="lint")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "sarif", "github"]),
    default="text",
    show_default=True,
    help="Output format; sarif is SARIF 2.1.0 for code scanning, github prints workflow annotations.",
)
@click.option("--fix", is_flag=True, help="Apply safe fixes and write the files (atomically).")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff, also apply fixes marked unsafe.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff instead of writing them.")
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info"]),
    default="warning",
    show_default=True,
    help="Exit 1 when findings of this severity or higher remain.",
)
@click.option(
    "--select", multiple=True, help="Only these rule codes or prefixes (comma-separated, repeatable)."
)
@click.option(
    "--extend-select", multiple=True, help="Add rule codes or prefixes to the selection (e.g. opt-in DW106)."
)
@click.option("--ignore", multiple=True, help="Skip these rule codes or prefixes.")
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="pyproject.toml to read [tool.dockwright] from (default: the nearest one above the first path).",
)
def command(
    paths: tuple[Path, ...],
    output_format: str,
    fix: bool,
    unsafe_fixes: bool,
    diff: bool,
    fail_on: str,
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    config_path: Path | None,
) -> int:
    """Check Dockerfile*, *.dockerfile, .dockerignore and compose*.y*ml files under PATHS (default: .).

    \b
    Findings print as `file:line: CODE [severity] message`; `[*]` marks a fix.
    `dockwright explain CODE` documents a rule. Silence one finding with a comment on
    the line above the instruction: `# dockwright: ignore=DW601`.
    Exit codes: 0 clean, 1 findings at or above --fail-on remain (or --diff has changes), 2 bad input.
    """
    from dockwright.fsutil import atomic_write, unified_diff
    from dockwright.lint.config import find_pyproject, load_config, validate_selectors
    from dockwright.lint.model import Severity
    from dockwright.lint.output import render_github, render_json, render_sarif, render_text
    from dockwright.lint.registry import all_rules
    from dockwright.lint.runner import Linter, discover, display

    targets = list(paths) or [Path(".")]
    rules = all_rules()
    if config_path is not None and not config_path.is_file():
        raise DockwrightError("no such file", file=config_path)
    config = load_config(config_path or find_pyproject(targets[0]))
    validate_selectors(
        (*config.ignore, *(config.select or ()), *config.extend_select),
        rules,
        config.source or "pyproject.toml",
    )
    if select:
        config.select = _codes(select)
    if extend_select:
        config.extend_select = (*config.extend_select, *_codes(extend_select))
    if ignore:
        config.ignore = (*config.ignore, *_codes(ignore))
    validate_selectors((*_codes(select), *_codes(extend_select), *_codes(ignore)), rules, "command line")

    files = discover(targets)
    if not files:
        raise DockwrightError(
            "no Dockerfile, .dockerignore or compose file found in " + ", ".join(str(t) for t in targets)
        )
    linter = Linter(config, rules)

    if fix or diff:
        changes, applied = linter.fix(files, unsafe=unsafe_fixes)
        if diff:
            out = "".join(
                unified_diff(old or "", new, display(path)) for path, (old, new) in sorted(changes.items())
            )
            click.echo(out, nl=False)
            click.echo(
                f"{applied} fix{'es' if applied != 1 else ''} in {len(changes)} file(s) would be applied.",
                err=True,
            )
            return 1 if changes else 0
        for path, (_, new) in sorted(changes.items()):
            try:
                atomic_write(path, new)
            except OSError as err:
                raise DockwrightError(f"cannot write the fix: {err.strerror or err}", file=path) from None
        rediscovered = discover(targets)
        files = rediscovered + _new_files(changes, rediscovered)
        if output_format == "text" and applied:
            click.echo(f"Fixed {applied} finding{'s' if applied != 1 else ''} in {len(changes)} file(s).")

    findings = linter.lint(files)
    threshold = Severity.parse(fail_on)
    if output_format == "json":
        click.echo(render_json(findings, len(files)), nl=False)
    elif output_format == "sarif":
        selected = [(rule, config.severity_of(rule)) for rule in linter.rules.values()]
        click.echo(render_sarif(findings, selected), nl=False)
    elif output_format == "github":
        click.echo(render_github(findings), nl=False)
    else:
        click.echo(render_text(findings, len(files), unsafe_fixes), nl=False)
    return 1 if any(f.severity >= threshold for f in findings) else 0


def _new_files(
    changes: dict[Path, tuple[str | None, str]], files: list[tuple[Path, Target]]
) -> list[tuple[Path, Target]]:
    """Files a fix created (a new .dockerignore) that discovery did not list."""
    from dockwright.lint.runner import kind_of

    known = {p.absolute() for p, _ in files}
    extra: list[tuple[Path, Target]] = []
    for path in changes:
        kind = kind_of(path)
        if kind is not None and path.absolute() not in known:
            extra.append((path, kind))
    return extra
