"""The native-needs table names Debian packages that really install on both supported releases.

Runs `apt-get install --simulate` inside the local stand-in base images (nothing is pulled; apt
reads Debian's package lists over the host network, as image builds do).
"""

from __future__ import annotations

import os
import subprocess

import pytest

from dockwright.detect.native import NATIVE_RULES

IMAGES = ("python:3.11-slim-bookworm", "python:3.13-slim-trixie")
DOCKER = os.environ.get("DOCKWRIGHT_DOCKER", "/usr/bin/docker")


@pytest.mark.engine
@pytest.mark.parametrize("image", IMAGES)
def test_every_native_package_installs(image: str) -> None:
    packages = sorted({p for rule in NATIVE_RULES for p in (*rule.build, *rule.runtime)})
    script = (
        "apt-get update -qq >/dev/null && "
        f"apt-get install --simulate --no-install-recommends -qq {' '.join(packages)} >/dev/null"
    )
    result = subprocess.run(
        [
            DOCKER,
            "run",
            "--rm",
            "--label",
            "dockwright.test=1",
            "--network",
            "host",
            image,
            "sh",
            "-c",
            script,
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
