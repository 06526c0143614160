"""docs/rules.md is generated from the registry, and every rule carries complete documentation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dockwright.lint.docs import explain_text, render_rules_markdown
from dockwright.lint.registry import FAMILIES, all_rules

ROOT = Path(__file__).resolve().parents[2]


def test_rules_md_is_up_to_date() -> None:
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == render_rules_markdown(), "regenerate: python -m dockwright.lint.docs > docs/rules.md"


@pytest.mark.parametrize("code", sorted(all_rules()))
def test_rule_documentation_is_complete(code: str) -> None:
    rule = all_rules()[code]
    assert re.fullmatch(r"DW\d{3}", rule.code)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
    assert rule.message.endswith(".") and "\n" not in rule.message
    for text in (rule.what, rule.why, rule.example, rule.use_instead):
        assert text.strip(), f"{code}: empty documentation section"
    assert rule.example != rule.use_instead
    assert rule.fix in ("safe", "unsafe", "none")
    assert rule.references, f"{code}: no references"
    assert all(ref.startswith("https://") for ref in rule.references)
    assert rule.code.startswith(FAMILIES[rule.family][0])
    assert f"{code} {rule.name}" in explain_text(rule)


def test_rule_names_are_unique() -> None:
    names = [rule.name for rule in all_rules().values()]
    assert len(names) == len(set(names))
