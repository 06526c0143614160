"""The pipeline's engine steps, executed for real: backing services from the project's own
compose.yaml, migrations with the candidate image, then `dockwright verify` on their network.

The steps are taken verbatim from the generated GitHub workflow and run with bash. Two test-only
substitutions, both for this machine's rules, not for the pipeline's logic: a unique compose
project name (parallel runs), and a compose override that labels everything `dockwright.test=1`.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dockwright.deploy.ci import COMPOSE_PROJECT, PIPELINE_FILES, ci_pipeline, find_test_setup
from dockwright.deploy.yamlio import load

pytestmark = pytest.mark.engine

REPO = Path(__file__).resolve().parents[2]
DOCKER = os.environ.get("DOCKWRIGHT_DOCKER", "/usr/bin/docker")
LABELS = {"dockwright.test": "1"}


def label_override(project: Path) -> None:
    # compose loads env_file: .env even for `config`; the pipeline step writes the real one later.
    shutil.copy(project / ".env.example", project / ".env")
    config = subprocess.run(
        [DOCKER, "compose", "-f", "compose.yaml", "config", "--format", "json"],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "POSTGRES_USER": "x", "POSTGRES_PASSWORD": "x", "POSTGRES_DB": "x"},
    )
    base = json.loads(config.stdout)
    override = {
        "services": {name: {"labels": LABELS} for name in base["services"]},
        "networks": {name: {"labels": LABELS} for name in base.get("networks", {"default": {}})},
        "volumes": {name: {"labels": LABELS} for name in base.get("volumes", {})},
    }
    (project / "compose.labels.yaml").write_text(json.dumps(override))


def test_services_migrate_and_verify_steps_pass_for_the_fastapi_example(tmp_path: Path) -> None:
    from dockwright.detect import detect_project
    from dockwright.engine import get_docker
    from dockwright.plan import make_plan
    from dockwright.render import render_files

    project = tmp_path / "fastapi-postgres-redis"
    shutil.copytree(
        REPO / "examples" / "fastapi-postgres-redis",
        project,
        ignore=shutil.ignore_patterns("__pycache__", ".env"),
    )
    plan = make_plan(detect_project(project))
    for name, content in render_files(plan).items():
        (project / name).write_text(content)
    workflow = load(ci_pipeline(plan, "github", tests=find_test_setup(project))[PIPELINE_FILES["github"]])
    steps = {step["name"]: step for step in workflow["jobs"]["image"]["steps"]}
    start = steps["Start backing services (compose.yaml) and migrate"]["run"]
    verify = steps["dockwright verify"]["run"]
    stop = steps["Stop backing services"]["run"]

    compose_project = f"dwci{secrets.token_hex(4)}"
    label_override(project)

    def adapt(script: str) -> str:
        return (
            script.replace(f"-p {COMPOSE_PROJECT} ", f"-p {compose_project} ")
            .replace(f"project={COMPOSE_PROJECT}", f"project={compose_project}")
            .replace("-f compose.yaml ", "-f compose.yaml -f compose.labels.yaml ")
        )

    docker = get_docker()
    tag = f"dwci-fastapi-{secrets.token_hex(4)}:ci"
    github_env = tmp_path / "github_env"
    github_env.write_text("")
    env = {
        **os.environ,
        "LOCAL_IMAGE": tag,
        "GITHUB_ENV": str(github_env),
        "DOCKER_BUILDKIT": "1",
        "DOCKWRIGHT_DOCKER": DOCKER,
        # `docker` and `dockwright` as the runner has them.
        "PATH": f"{Path(DOCKER).parent}:{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    try:
        built = docker.build(
            ["--network", "host", "--label", "dockwright.test=1", "--tag", tag, "."],
            cwd=project,
            iidfile=tmp_path / "iid",
        )
        assert built.returncode == 0, built.log[-4000:]
        started = subprocess.run(
            ["bash", "-c", adapt(start)], cwd=project, env=env, capture_output=True, text=True, timeout=600
        )
        assert started.returncode == 0, started.stdout[-3000:] + started.stderr[-3000:]
        assert "change-me" not in (project / ".env").read_text()  # the secret placeholder was replaced
        assert "Running upgrade" in started.stderr + started.stdout  # alembic ran against Postgres
        network = dict(line.split("=", 1) for line in github_env.read_text().splitlines())["VERIFY_NETWORK"]
        assert network.startswith(compose_project)
        verified = subprocess.run(
            ["bash", "-c", verify],
            cwd=project,
            env={**env, "VERIFY_NETWORK": network},
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert verified.returncode == 0, verified.stdout[-4000:] + verified.stderr[-3000:]
    finally:
        subprocess.run(["bash", "-c", adapt(stop)], cwd=project, env=env, capture_output=True, timeout=120)
        docker.run(["image", "rm", "-f", tag], check=False)
