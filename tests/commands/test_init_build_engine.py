"""detect -> plan -> render -> a real build, through the CLI: a requirements.txt that installs the
project itself (`-e .`) and a local path dependency (`-e ./libs/shared`)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

DOCKER = os.environ.get("DOCKWRIGHT_DOCKER", "/usr/bin/docker")
LABEL = "dockwright.test=1"

FILES = {
    "pyproject.toml": '[project]\nname = "selfinst"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'
    'dependencies = ["flask>=3,<4"]\n\n'
    '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n',
    "requirements.txt": "flask>=3,<4\n-e ./libs/shared\n-e .\n",
    "libs/shared/pyproject.toml": '[project]\nname = "shared"\nversion = "0.1.0"\n\n'
    '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n',
    "libs/shared/shared/__init__.py": 'GREETING = "pong"\n',
    "selfinst/__init__.py": "",
    # The app reads its own installed version: detect sees that, so the project is installed.
    "selfinst/app.py": "from importlib.metadata import version\n\nfrom flask import Flask\n"
    "from shared import GREETING\n\napp = Flask(__name__)\n\n\n"
    '@app.get("/ping")\ndef ping() -> str:\n    return f"{GREETING} {version(\'selfinst\')}"\n',
}


def docker(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DOCKER_BUILDKIT": "1"}
    result = subprocess.run(
        [DOCKER, *args], capture_output=True, text=True, env=env, timeout=600, check=False
    )
    if check and result.returncode != 0:
        raise AssertionError(f"docker {' '.join(args)}: {result.stdout}\n{result.stderr}")
    return result


@pytest.mark.engine
def test_requirements_installing_the_project_build_and_run(tmp_path: Path) -> None:
    for rel, text in FILES.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    init = subprocess.run(
        [sys.executable, "-m", "dockwright", "init", str(tmp_path), "--python", "3.13"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert init.returncode == 0, init.stderr
    tag = f"dockwright-test/selfinst-{uuid.uuid4().hex[:10]}:1"
    name = f"dw-test-{uuid.uuid4().hex[:10]}"
    try:
        docker("build", "--network", "host", "--label", LABEL, "-t", tag, str(tmp_path))
        docker("run", "-d", "--name", name, "--label", LABEL, "--read-only", "--tmpfs", "/tmp",
               "-p", "127.0.0.1::8000", tag)  # fmt: skip
        host_port = docker("port", name, "8000/tcp").stdout.split()[0].rpartition(":")[2]
        deadline, body = time.monotonic() + 60, ""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{host_port}/ping", timeout=2) as response:
                    body = response.read().decode()
                break
            except OSError:
                time.sleep(0.5)
        assert body == "pong 0.1.0"
        # The project itself: installed (metadata findable) outside the dependency venv, so a code
        # change never changes the venv layer; its code exists once, in /app.
        site = docker("exec", name, "sh", "-c", "ls /opt/venv/lib/python3*/site-packages").stdout.split()
        assert "selfinst" not in site
        version = docker(
            "exec", name, "python", "-c", "import importlib.metadata as m; print(m.version('selfinst'))"
        )
        assert version.stdout.strip() == "0.1.0"
        assert "selfinst-0.1.0.dist-info" in docker("exec", name, "ls", "/opt/project").stdout.split()
    finally:
        docker("rm", "-f", name, check=False)
        docker("rmi", "-f", tag, check=False)
