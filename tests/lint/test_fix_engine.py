"""Fixes proven on a real engine: the fixed Dockerfile builds, and the DW602 fix makes `docker stop` fast.

Before the fix the shell-form CMD leaves /bin/sh as PID 1, which ignores SIGTERM, so `docker stop`
waits for its timeout; after `dockwright lint --fix` the app is PID 1, receives SIGTERM and exits.
Everything is built from the local stand-in base image (no registry) and labelled dockwright.test=1.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from lint_support import run_cli, write_project

from dockwright.engine.client import Docker, get_docker

LABEL = "dockwright.test=1"

APP = """
import signal
import sys
import time

signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
print("ready", flush=True)
while True:
    time.sleep(0.2)
"""

DOCKERFILE = """
FROM python:3.13-slim-trixie
WORKDIR /app
COPY . .
ADD app.py /app/app.py
RUN python -c "import sys; print(sys.version)"
CMD python app.py
"""


@pytest.fixture
def engine() -> Iterator[tuple[Docker, str]]:
    """The docker client and a label unique to this test run (containers are removed by it)."""
    client = get_docker()
    run_label = f"dockwright.test.run={uuid.uuid4().hex[:12]}"
    yield client, run_label
    client.remove_labelled(run_label)


def _build(docker: Docker, context: Path, tag: str) -> str:
    result = docker.build(
        ["--label", LABEL, "-t", tag, "."],
        cwd=context,
        iidfile=context.parent / f"{tag.replace(':', '-')}.iid",
    )
    assert result.returncode == 0, result.log[-2000:]
    assert result.image_id
    return result.image_id


def _stop_seconds(docker: Docker, image: str, run_label: str) -> float:
    container = docker.run_detached(image, ["--label", LABEL, "--label", run_label, "--network", "none"])
    deadline = time.monotonic() + 30
    while "ready" not in docker.logs(container) and time.monotonic() < deadline:
        time.sleep(0.2)
    start = time.monotonic()
    docker.run(["stop", "-t", "6", container], timeout=60)
    return time.monotonic() - start


@pytest.mark.engine
def test_fixed_dockerfile_builds_and_stops_gracefully(tmp_path: Path, engine: tuple[Docker, str]) -> None:
    docker, run_label = engine
    context = tmp_path / "project"
    write_project(context, {"Dockerfile": DOCKERFILE, "app.py": APP})
    images: list[str] = []
    try:
        images.append(_build(docker, context, f"dockwright-lint-before:{tmp_path.name.lower()}"))
        slow = _stop_seconds(docker, images[0], run_label)

        result = run_cli("lint", "--fix", cwd=context)
        assert "Fixed" in result.stdout, result.stdout + result.stderr
        fixed = (context / "Dockerfile").read_text()
        assert 'CMD ["python", "app.py"]' in fixed and "COPY app.py /app/app.py" in fixed
        assert (context / ".dockerignore").exists()

        images.append(_build(docker, context, f"dockwright-lint-after:{tmp_path.name.lower()}"))
        fast = _stop_seconds(docker, images[1], run_label)
    finally:
        docker.remove_labelled(run_label)
        for image in images:
            docker.run(["image", "rm", "-f", image], check=False)
    print(f"docker stop -t 6: {slow:.1f}s with the shell-form CMD, {fast:.1f}s after --fix")
    assert slow >= 5, f"shell-form CMD should make docker stop wait for its timeout, took {slow:.1f}s"
    assert fast < 3, f"exec-form CMD should stop promptly on SIGTERM, took {fast:.1f}s"
