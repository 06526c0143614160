"""``dockwright explain CODE``: print a lint rule's documentation (what, why, example, fix)."""

from __future__ import annotations

import click

from dockwright.errors import DockwrightError


@click.command(name="explain")
@click.argument("code", required=False)
@click.option("--list", "list_rules", is_flag=True, help="List every rule: code, severity, fix, name.")
def command(code: str | None, list_rules: bool) -> int:
    """Show the documentation of lint rule CODE (e.g. DW301), or --list all rules."""
    from dockwright.lint.docs import explain_text
    from dockwright.lint.registry import all_rules, get_rule

    if list_rules or code is None:
        for rule in all_rules().values():
            opt = " (opt-in)" if not rule.default_enabled else ""
            click.echo(f"{rule.code}  {rule.severity.label:<7}  {rule.fix:<6}  {rule.name}{opt}")
        return 0
    found = get_rule(code)
    if found is None:
        raise DockwrightError(f"unknown rule {code!r}; `dockwright explain --list` shows all rules")
    click.echo(explain_text(found), nl=False)
    return 0
