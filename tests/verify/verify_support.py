"""Helpers for engine-backed tests of build and verify: the real CLI in a subprocess, the real engine.

Images come from tests/verify/fixtures/stdlib-app (a standard-library WSGI app) built FROM the
offline stand-in python:3.13-slim-trixie (scripts/provision-engine builds it: nothing can be pulled
here). Everything the tests create carries the label dockwright.test=1 and is removed afterwards.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

DOCKER = os.environ.get("DOCKWRIGHT_DOCKER", "/usr/bin/docker")
FIXTURE_APP = Path(__file__).parent / "fixtures" / "stdlib-app"
TEST_LABEL = "dockwright.test=1"


def run(
    args: list[str], *, check: bool = True, timeout: float = 600, **kwargs: Any
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DOCKER_BUILDKIT": "1"}
    proc = subprocess.run(
        args, capture_output=True, text=True, timeout=timeout, env=env, check=False, **kwargs
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"{args[:4]} exited {proc.returncode}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        )
    return proc


def dockwright(
    *args: str, check: bool = False, timeout: float = 600, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "dockwright", *args], check=check, timeout=timeout, cwd=cwd)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def copy_app(dest: Path) -> Path:
    shutil.copytree(FIXTURE_APP, dest)
    return dest


def docker_build(context: Path, dockerfile: str, tag: str, *extra: str) -> str:
    run(
        [
            DOCKER,
            "build",
            "-q",
            "--label",
            TEST_LABEL,
            "-f",
            str(context / dockerfile),
            "-t",
            tag,
            *extra,
            str(context),
        ]
    )
    return inspect(tag)["Id"]


def inspect(ref: str) -> dict[str, Any]:
    data: list[dict[str, Any]] = json.loads(run([DOCKER, "image", "inspect", ref]).stdout)
    return data[0]


def remove_image(ref: str) -> None:
    proc = run([DOCKER, "image", "inspect", "--format", "{{json .RepoTags}}", ref], check=False)
    if proc.returncode == 0:
        tags = json.loads(proc.stdout or "[]") or [ref]
        run([DOCKER, "image", "rm", "-f", *tags], check=False)


def containers_with_label(label: str) -> list[str]:
    return run([DOCKER, "ps", "-aq", "--filter", f"label={label}"]).stdout.split()


def git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    return subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
