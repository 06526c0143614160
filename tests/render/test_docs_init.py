"""docs/init.md's worked example is real output: the plan and every file `init` writes for
examples/fastapi-postgres-redis, block by block (regenerate with DOCKWRIGHT_UPDATE_GOLDEN=1)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "init.md"
EXAMPLE = REPO / "examples" / "fastapi-postgres-redis"
UPDATE = os.environ.get("DOCKWRIGHT_UPDATE_GOLDEN") == "1"

# The line that introduces a block -> where its content comes from (a file of the example, or "plan").
BLOCKS = {
    "`dockwright plan examples/fastapi-postgres-redis`:": "plan",
    "The generated `Dockerfile`:": "Dockerfile",
    "`.dockerignore`:": ".dockerignore",
    "`compose.yaml`:": "compose.yaml",
    "`compose.override.yaml`:": "compose.override.yaml",
    "`.env.example`:": ".env.example",
}


def _actual(source: str) -> str:
    if source != "plan":
        return (EXAMPLE / source).read_text(encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "dockwright", "plan", "examples/fastapi-postgres-redis"],
        capture_output=True, text=True, cwd=REPO, check=True, timeout=60,
    )  # fmt: skip
    return proc.stdout


def _block(text: str, intro: str) -> re.Match[str]:
    match = re.search(re.escape(intro) + r"\n\n```[a-z]*\n(.*?)```\n", text, re.DOTALL)
    assert match is not None, f"docs/init.md has no code block after {intro!r}"
    return match


@pytest.mark.parametrize("intro", list(BLOCKS))
def test_documented_example_is_real_output(intro: str) -> None:
    text = DOC.read_text(encoding="utf-8")
    actual = _actual(BLOCKS[intro])
    actual = actual if actual.endswith("\n") else actual + "\n"
    match = _block(text, intro)
    if UPDATE and match.group(1) != actual:
        DOC.write_text(text[: match.start(1)] + actual + text[match.end(1) :], encoding="utf-8")
        return
    assert match.group(1) == actual, (
        f"docs/init.md block after {intro!r} is stale (DOCKWRIGHT_UPDATE_GOLDEN=1)"
    )
