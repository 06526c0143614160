"""scripts/provision-engine is idempotent: on a provisioned machine a second (and a concurrent) run
changes nothing, reuses the running engine and keeps every stand-in image as it is."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "verify"))  # shared helpers live beside verify's tests
from verify_support import DOCKER, run

pytestmark = pytest.mark.engine

SCRIPT = Path(__file__).parents[2] / "scripts" / "provision-engine"
STANDINS = ("python:3.11-slim-bookworm", "python:3.13-slim-trixie", "postgres:17-trixie", "redis:8-trixie")


def _ids() -> dict[str, str]:
    return {
        tag: run([DOCKER, "image", "inspect", "--format", "{{.Id}}", tag]).stdout.strip() for tag in STANDINS
    }


def _lock_holders(state_dir: Path) -> list[str]:
    """Processes other than ourselves with the provisioning lock file open."""
    lock = (state_dir / "lock").resolve()
    holders = []
    for fd_dir in Path("/proc").glob("[0-9]*/fd"):
        try:
            if any(Path(os.readlink(fd)) == lock for fd in fd_dir.iterdir()):
                holders.append((fd_dir.parent / "comm").read_text().strip())
        except OSError:  # processes come and go while we look
            continue
    return holders


def test_no_process_keeps_the_provisioning_lock_once_provisioning_is_done() -> None:
    """Regression: dockerd, started in the background, inherited the lock's descriptor, so on a fresh
    machine every later provisioning (and `--stop` in .ci/run's exit trap) waited on it forever."""
    if os.geteuid() != 0:
        pytest.skip("provisioning runs as root only; the non-root refusal is checked below")
    state_dir = Path(os.environ.get("DOCKWRIGHT_STATE_DIR", "/var/lib/dockwright-ci"))
    assert _lock_holders(state_dir) == []


def test_provisioning_twice_at_once_changes_nothing() -> None:
    if os.geteuid() != 0:
        proc = subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True, check=False)
        assert proc.returncode == 1 and "must run as root" in proc.stderr
        return
    before = _ids()
    runs = [
        subprocess.Popen(["bash", str(SCRIPT)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    try:
        outputs = [proc.communicate(timeout=600) for proc in runs]
    finally:
        for proc in runs:  # a hung run must not outlive the test (it would hold the provisioning lock)
            if proc.poll() is None:
                proc.kill()
    for proc, (_, err) in zip(runs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert "reusing the Docker engine that already answers" in err
        for tag in STANDINS:
            assert f"{tag} present" in err
        assert "engine ready" in err
    assert _ids() == before
    # The stand-ins carry the majors their tags promise.
    redis = run([DOCKER, "run", "--rm", "--label", "dockwright.test=1", "--entrypoint", "redis-server",
                 "redis:8-trixie", "--version"]).stdout  # fmt: skip
    assert " v=8." in redis
    postgres = run([DOCKER, "run", "--rm", "--label", "dockwright.test=1", "--entrypoint", "postgres",
                    "postgres:17-trixie", "--version"]).stdout  # fmt: skip
    assert "(PostgreSQL) 17." in postgres
    for tag, version in (("python:3.11-slim-bookworm", "3.11."), ("python:3.13-slim-trixie", "3.13.")):
        out = run([DOCKER, "run", "--rm", "--label", "dockwright.test=1", tag, "python", "--version"]).stdout
        assert out.startswith(f"Python {version}")
