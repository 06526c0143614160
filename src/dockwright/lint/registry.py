"""The rule registry: adding a rule is adding one decorated function to a family module.

Families are imported on first use so that ``dockwright --version`` never pays for them.
"""

from __future__ import annotations

import importlib
import textwrap
from collections.abc import Callable

from dockwright.lint.model import CheckFunction, FixSafety, Rule, Severity, Target

# module name -> (code prefix, human title); docs/rules.md follows this order
FAMILIES: dict[str, tuple[str, str]] = {
    "general": ("DW0", "Parsing"),
    "base_image": ("DW1", "Base image"),
    "caching": ("DW2", "Layer caching"),
    "installers": ("DW3", "pip, uv, poetry, pipenv"),
    "apt": ("DW4", "OS packages (apt, apk)"),
    "security": ("DW5", "Security"),
    "runtime": ("DW6", "Runtime"),
    "dockerignore": ("DW7", ".dockerignore"),
    "compose": ("DW8", "Compose"),
}

_RULES: dict[str, Rule] = {}
_loaded = False


def _doc(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


def rule(
    *,
    code: str,
    name: str,
    target: Target,
    severity: Severity,
    message: str,
    what: str,
    why: str,
    example: str,
    use_instead: str,
    fix: FixSafety,
    fix_notes: str = "",
    references: tuple[str, ...] = (),
    aliases: tuple[str, ...] = (),
    default_enabled: bool = True,
) -> Callable[[CheckFunction], CheckFunction]:
    """Register the decorated check function as rule ``code``."""

    def register(check: CheckFunction) -> CheckFunction:
        if code in _RULES:
            raise RuntimeError(f"duplicate rule code {code}")
        family = check.__module__.rsplit(".", 1)[-1]
        prefix = FAMILIES[family][0]
        if not code.startswith(prefix):
            raise RuntimeError(f"rule {code} in family {family} must start with {prefix}")
        _RULES[code] = Rule(
            code=code,
            name=name,
            target=target,
            severity=severity,
            message=message,
            what=_doc(what),
            why=_doc(why),
            example=_doc(example),
            use_instead=_doc(use_instead),
            fix=fix,
            fix_notes=_doc(fix_notes),
            references=references,
            aliases=aliases,
            check=check,
            default_enabled=default_enabled,
            family=family,
        )
        return check

    return register


def all_rules() -> dict[str, Rule]:
    """Every registered rule by code, in code order."""
    global _loaded
    if not _loaded:
        for family in FAMILIES:
            importlib.import_module(f"dockwright.lint.rules.{family}")
        _loaded = True
    return dict(sorted(_RULES.items()))


def get_rule(code: str) -> Rule | None:
    return all_rules().get(code.strip().upper())
