"""docs/detect.md stays true: its JSON schema validates real output, its example is real output."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from .conftest import FIXTURES, detect, run_cli

DOC = Path(__file__).resolve().parents[2] / "docs" / "detect.md"


def _json_block(heading: str) -> Any:
    text = DOC.read_text(encoding="utf-8")
    section = text.split(f"### {heading}\n", 1)[1]
    match = re.search(r"```json\n(.*?)\n```", section, re.DOTALL)
    assert match, f"no json block under {heading}"
    return json.loads(match.group(1))


def test_schema_is_valid() -> None:
    jsonschema.Draft202012Validator.check_schema(_json_block("Schema"))


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()))
def test_every_fixture_output_matches_the_schema(name: str) -> None:
    data = json.loads(json.dumps(detect(FIXTURES / name).to_dict()))
    jsonschema.validate(data, _json_block("Schema"))


def test_documented_example_is_real_output() -> None:
    result = run_cli("detect", "--json", str(FIXTURES / "django-split-settings"))
    assert result.returncode == 0, result.stderr
    actual = json.loads(result.stdout)
    documented = _json_block("Example")
    documented["root"] = actual["root"]
    assert documented == actual


def test_documented_text_example_is_real_output() -> None:
    result = run_cli("detect", str(FIXTURES / "fastapi-uv-src"))
    assert result.returncode == 0, result.stderr
    actual = [line.rstrip() for line in result.stdout.splitlines()]
    actual[0] = "dockwright detect /home/me/acme-orders"
    text = DOC.read_text(encoding="utf-8").split("## Example: text output\n", 1)[1]
    block = re.search(r"```text\n(.*?)\n```", text, re.DOTALL)
    assert block is not None
    assert block.group(1).splitlines() == actual
