"""Each example's own test suite passes, on the Python it pins (.python-version: 3.13).

The suites need no services (SQLite and fakeredis stand in), but they need Python 3.13 and the
examples' dependencies, which dockwright's development environment does not carry. So they run in
a throwaway container of the python:3.13-slim-trixie stand-in, installing each example's dev
dependencies the way its README says, from a read-only mount of the example.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from e2e_support import DOCKER, EXAMPLES_DIR, run

pytestmark = pytest.mark.engine
# The uv of the test environment (a test extra), mounted into the container: no download for it.
UV = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")

# What each example's README installs for its tests (paths relative to the example). uv instead of
# pip only for speed (parallel downloads): the same requirement files and dependency group.
DEV_INSTALL: dict[str, str] = {
    "fastapi-postgres-redis": "uv pip install -r requirements-dev.txt",
    "django-postgres-celery": "uv pip install -r requirements/dev.txt",
    "flask-redis": "uv pip install . --group dev",
}


@pytest.mark.parametrize("name", list(DEV_INSTALL))
def test_example_unit_tests_pass(name: str) -> None:
    assert UV, "uv is a test dependency (pip install -e '.[test]')"
    python = (EXAMPLES_DIR / name / ".python-version").read_text().strip()
    script = (
        "set -e; cp -r /src /tmp/app; cd /tmp/app; python -m venv /tmp/venv; . /tmp/venv/bin/activate; "
        f"{DEV_INSTALL[name]} --quiet; "
        "python -m pytest -q -p no:cacheprovider"
    )
    proc = run(
        [DOCKER, "run", "--rm", "--label", "dockwright.test=1",
         "--network", "host",  # the package index is reachable only through the host's network here
         "-v", f"{EXAMPLES_DIR / name}:/src:ro", "-v", f"{UV}:/usr/local/bin/uv:ro",
         f"python:{python}-slim-trixie", "sh", "-c", script],
        check=False, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    assert " passed" in proc.stdout and "failed" not in proc.stdout, proc.stdout[-2000:]
