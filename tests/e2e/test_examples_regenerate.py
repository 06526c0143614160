"""The committed container files of every example are exactly what ``dockwright init`` writes today.

So regenerating is always a no-op, and a change to detect/plan/render that changes an example's
output shows up here as a diff to review and commit (run ``dockwright init --force examples/NAME``).
No engine needed: this runs the same detect -> plan -> render path as ``init``, in process.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from e2e_support import EXAMPLES, EXAMPLES_DIR, GENERATED_FILES, copy_example, dockwright

from dockwright.fsutil import unified_diff
from dockwright.render import files_for_project


def rendered(project: Path) -> dict[str, str]:
    """What ``dockwright init PROJECT`` (default options) writes, file name -> content."""
    return files_for_project(project)


@pytest.mark.parametrize("name", EXAMPLES)
def test_committed_files_are_what_init_generates(name: str) -> None:
    project = EXAMPLES_DIR / name
    files = rendered(project)
    assert sorted(files) == sorted(GENERATED_FILES)
    diffs = []
    for rel, content in files.items():
        path = project / rel
        committed = path.read_text(encoding="utf-8") if path.exists() else ""
        if committed != content:
            diffs.append(unified_diff(committed, content, f"examples/{name}/{rel}") or f"{rel}: missing")
    assert not diffs, "regenerate with `dockwright init --force examples/" + name + "`:\n" + "\n".join(diffs)


@pytest.mark.parametrize("name", EXAMPLES)
def test_init_on_a_fresh_copy_writes_the_committed_files(name: str, tmp_path: Path) -> None:
    """The CLI too: init writes the same bytes into a copy without them; a second run changes nothing."""
    project = copy_example(name, tmp_path)
    dockwright("init", str(project))
    for rel in GENERATED_FILES:
        assert (project / rel).read_bytes() == (EXAMPLES_DIR / name / rel).read_bytes(), rel
    assert not (project / ".env").exists(), "init must never write a real .env"
    again = dockwright("init", str(project), check=False)
    assert again.returncode == 0, again.stdout + again.stderr
    for rel in GENERATED_FILES:
        assert (project / rel).read_bytes() == (EXAMPLES_DIR / name / rel).read_bytes(), rel
