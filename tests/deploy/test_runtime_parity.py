"""Runtime parity: the generated Deployment promises nothing the image cannot do.

A tiny Starlette app goes through detect -> plan -> render (the real Dockerfile) and is built on
the real engine. Then the web container of the generated Deployment is translated, field by field,
into `docker run` flags: the UID/GID and fsGroup, read-only root with the emptyDir mounts as tmpfs,
every capability dropped, no privilege escalation, the default seccomp profile, the resource
limits, the env, and the grace period the kubelet leaves after the preStop pause. A field the
translation does not know fails the test, so a new promise in the manifests needs a new check here.

On that container: the startup/readiness probe answers within the startup window, the root
filesystem refuses writes while the emptyDir paths accept them, the processes run as the UID, and
a SIGTERM in the middle of a slow request lets the request finish with 200 and the server exit 0
well before the kill.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from dockwright.deploy.ci import find_test_setup, in_image_test_script
from dockwright.deploy.k8s import K8sPolicy, k8s_manifests
from dockwright.deploy.yamlio import load

pytestmark = pytest.mark.engine

REPO = Path(__file__).resolve().parents[2]
LABEL = "dockwright.test=1"
# Cleanup removes only what this run created, never other tests' containers that share LABEL.
RUN_LABEL = f"dockwright.test.run=parity-{secrets.token_hex(4)}"
SLOW_REQUEST_S = 3.0

APP = """\
import asyncio

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route


async def healthz(request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


async def slow(request: Request) -> PlainTextResponse:
    await asyncio.sleep(float(request.query_params.get("seconds", "1")))
    return PlainTextResponse("finished")


app = Starlette(routes=[Route("/healthz", healthz), Route("/slow", slow)])
"""
# Pins that resolve on the package index these machines reach (same as the FastAPI example).
REQUIREMENTS = "starlette==1.10.0\nuvicorn==0.54.0\n"

# Container fields the translation below understands; anything else fails the test.
KNOWN_CONTAINER_FIELDS = {
    "name", "image", "imagePullPolicy", "ports", "env", "resources", "startupProbe", "readinessProbe",
    "livenessProbe", "lifecycle", "securityContext", "volumeMounts", "args",
}  # fmt: skip
KNOWN_POD_FIELDS = {
    "automountServiceAccountToken", "enableServiceLinks", "securityContext", "terminationGracePeriodSeconds",
    "containers", "volumes", "topologySpreadConstraints", "restartPolicy",
}  # fmt: skip


@dataclass(frozen=True)
class DockerRun:
    flags: list[str]  # `docker run` options
    args: list[str]  # the container's args (after the image name)
    stop_timeout: int  # seconds between SIGTERM and SIGKILL: grace period minus the preStop pause


def docker_run_flags(workload: dict[str, Any], *, secret_values: dict[str, str]) -> DockerRun:
    """`docker run` equivalent of the (single) container of a Deployment or Job."""
    pod = workload["spec"]["template"]["spec"]
    assert set(pod) <= KNOWN_POD_FIELDS, f"untranslated pod fields: {set(pod) - KNOWN_POD_FIELDS}"
    (container,) = pod["containers"]
    assert set(container) <= KNOWN_CONTAINER_FIELDS, (
        f"untranslated: {set(container) - KNOWN_CONTAINER_FIELDS}"
    )
    pod_sc, sc = pod["securityContext"], container["securityContext"]
    assert pod_sc["runAsNonRoot"] is True and pod_sc["runAsUser"] != 0  # what the kubelet enforces
    assert pod_sc["seccompProfile"] == {"type": "RuntimeDefault"}  # docker's default profile: no flag
    flags = [
        "--label", LABEL, "--label", RUN_LABEL,
        "--user", f"{pod_sc['runAsUser']}:{pod_sc['runAsGroup']}",
        "--group-add", str(pod_sc["fsGroup"]),
    ]  # fmt: skip
    if sc["readOnlyRootFilesystem"]:
        flags.append("--read-only")
    if sc["allowPrivilegeEscalation"] is False:
        flags += ["--security-opt", "no-new-privileges"]
    for cap in sc["capabilities"]["drop"]:
        flags += ["--cap-drop", cap]
    volumes = {v["name"]: v for v in pod["volumes"]}
    for mount in container["volumeMounts"]:
        empty_dir = volumes[mount["name"]]["emptyDir"]  # the only volume type the manifests use
        size = empty_dir["sizeLimit"].replace("Mi", "m").replace("Gi", "g")
        flags += ["--tmpfs", f"{mount['mountPath']}:rw,exec,size={size},mode=1777"]
    limits = container["resources"]["limits"]
    cpu = limits["cpu"]
    flags += ["--memory", limits["memory"].replace("Mi", "m").replace("Gi", "g")]
    flags += ["--cpus", str(int(cpu[:-1]) / 1000 if cpu.endswith("m") else float(cpu))]
    for var in container.get("env", []):
        if "value" in var:
            flags += ["--env", f"{var['name']}={var['value']}"]
            continue
        ref = var["valueFrom"].get("secretKeyRef") or var["valueFrom"]["configMapKeyRef"]
        if var["name"] in secret_values:  # the value the Secret/ConfigMap would hold
            flags += ["--env", f"{var['name']}={secret_values[var['name']]}"]
        else:
            assert ref.get("optional") is True, f"required key {var['name']} has no test value"
    for port in container.get("ports", []):
        flags += ["--publish", f"127.0.0.1::{port['containerPort']}"]
    pause = container.get("lifecycle", {}).get("preStop", {}).get("sleep", {}).get("seconds", 0)
    return DockerRun(flags, list(container.get("args", [])), pod["terminationGracePeriodSeconds"] - pause)


def http_get(port: int, path: str, timeout: float = 5.0) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, ""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from dockwright.detect import detect_project
    from dockwright.engine import get_docker
    from dockwright.plan import make_plan
    from dockwright.render import render_files

    root = tmp_path_factory.mktemp("tiny") / "tiny"
    root.mkdir()
    (root / "main.py").write_text(APP)
    (root / "requirements.txt").write_text(REQUIREMENTS)
    (root / ".python-version").write_text("3.13\n")  # the offline stand-in base: python:3.13-slim-trixie
    plan = make_plan(detect_project(root))
    for name, content in render_files(plan).items():
        (root / name).write_text(content)
    docker = get_docker()
    tag = f"dwparity-{secrets.token_hex(4)}:{secrets.token_hex(6)}"  # a hex (commit-SHA style) tag
    result = docker.build(
        ["--network", "host", "--label", LABEL, "--tag", tag, "."], cwd=root, iidfile=root.parent / "iid"
    )
    assert result.returncode == 0, result.log[-4000:]
    try:
        yield docker, plan, tag
    finally:
        docker.remove_labelled(RUN_LABEL)  # this module's containers, even on failure
        docker.run(["image", "rm", "-f", tag], check=False)


def assert_parity(
    docker: Any,
    plan: Any,
    tag: str,
    *,
    values: dict[str, str],
    extra_flags: tuple[str, ...] = (),
    slow_path: str,
    slow_body: str,
) -> dict[str, float]:
    """Run ``tag`` exactly as the generated Deployment's web container and check every promise.

    Returns the measurements: seconds to the first 200 from the probe path, and from SIGTERM to exit.
    """
    deployment = load(k8s_manifests(plan, image=tag, replicas=2)["deployment.yaml"])
    run = docker_run_flags(deployment, secret_values=values)
    flags, stop_timeout = run.flags, run.stop_timeout
    container_spec = deployment["spec"]["template"]["spec"]["containers"][0]
    assert stop_timeout > plan.graceful_timeout_s  # the server's own shutdown fits in the grace period

    # The image's USER must be the UID the manifest runs as (files, HOME, writable dirs agree).
    image_user = docker.image_inspect(tag)["Config"]["User"]
    assert image_user.split(":")[0] in {str(plan.runtime.uid), plan.runtime.user}

    started_at = time.monotonic()
    container = docker.run_detached(tag, [*flags, *extra_flags, "--name", f"dwparity-{secrets.token_hex(4)}"])
    try:
        port = docker.port(container, plan.runtime.port)
        startup = container_spec["startupProbe"]
        path = startup["httpGet"]["path"]
        deadline = time.monotonic() + startup["periodSeconds"] * startup["failureThreshold"]
        status = 0
        while time.monotonic() < deadline:
            try:
                status, _ = http_get(port, path, timeout=startup["timeoutSeconds"])
            except OSError:
                status = 0
            if status == 200:
                break
            time.sleep(0.25)
        healthy_after = time.monotonic() - started_at
        assert status == 200, f"no 200 from {path} within the startup window\n{docker.logs(container)}"
        assert http_get(port, container_spec["readinessProbe"]["httpGet"]["path"])[0] == 200

        # PID 1 runs as the manifest's UID/GID with no capabilities, no new privileges, seccomp on.
        status_of_pid1 = docker.exec(container, ["cat", "/proc/1/status"]).stdout
        ids = {line.split(":")[0]: line.split()[1:] for line in status_of_pid1.splitlines() if ":" in line}
        assert ids["Uid"] == [str(plan.runtime.uid)] * 4 and ids["Gid"] == [str(plan.runtime.gid)] * 4
        assert ids["CapEff"] == ["0000000000000000"] and ids["NoNewPrivs"] == ["1"]
        assert ids["Seccomp"] == ["2"]  # filter mode: the default profile is active
        # The root filesystem refuses writes; every emptyDir accepts them.
        for mount in container_spec["volumeMounts"]:
            probe = f"open('{mount['mountPath']}/.w', 'w').write('x')"
            assert docker.exec(container, ["python", "-c", probe]).returncode == 0, mount
        refused = docker.exec(container, ["python", "-c", f"open('{plan.runtime.workdir}/.w', 'w')"])
        assert refused.returncode != 0 and "Read-only file system" in refused.stderr

        # SIGTERM during a request: the kubelet's preStop pause is over, then docker stop sends
        # SIGTERM and SIGKILLs after exactly what the grace period leaves.
        outcome: dict[str, Any] = {}

        def slow_request() -> None:
            try:
                outcome["response"] = http_get(port, slow_path, timeout=30)
            except OSError as err:
                outcome["error"] = err

        worker = threading.Thread(target=slow_request)
        worker.start()
        time.sleep(0.8)  # the request is in flight
        started = time.monotonic()
        docker.stop(container, stop_timeout)
        stopped_after = time.monotonic() - started
        worker.join(timeout=30)
        response = outcome.get("response")
        assert response is not None and response[0] == 200, f"{outcome}\n{docker.logs(container)}"
        assert slow_body in response[1]
        state = docker.container_inspect(container)["State"]
        assert state["ExitCode"] == 0, f"exit {state['ExitCode']} (137 = killed)\n{docker.logs(container)}"
        assert stopped_after < stop_timeout - 5, f"shutdown took {stopped_after:.1f}s of {stop_timeout}s"
        return {"healthy_after_s": round(healthy_after, 2), "stopped_after_s": round(stopped_after, 2)}
    finally:
        docker.run(["rm", "-f", container], check=False)


def test_image_runs_under_the_deployment_constraints(built: Any, record_property: Any) -> None:
    docker, plan, tag = built
    measured = assert_parity(
        docker,
        plan,
        tag,
        values={var.name: f"test-{var.name.lower()}" for var in plan.env},
        slow_path=f"/slow?seconds={SLOW_REQUEST_S}",
        slow_body="finished",
    )
    record_property("parity", measured)
    print(f"parity (uvicorn, tiny app): {measured}")


def test_example_flask_gunicorn_under_the_deployment_constraints(
    tmp_path: Path, record_property: Any
) -> None:
    """The flask-redis example (gunicorn, app factory, src layout) with its Redis on a stand-in."""
    from dockwright.detect import detect_project
    from dockwright.engine import get_docker
    from dockwright.plan import make_plan
    from dockwright.render import render_files

    root = tmp_path / "flask-redis"
    shutil.copytree(
        REPO / "examples" / "flask-redis", root, ignore=shutil.ignore_patterns("__pycache__", ".venv")
    )
    plan = make_plan(detect_project(root))
    assert plan.server == "gunicorn"
    for name, content in render_files(plan).items():
        (root / name).write_text(content)
    docker = get_docker()
    tag = f"dwparity-flask-{secrets.token_hex(4)}:{secrets.token_hex(6)}"
    network = f"dwparity-{secrets.token_hex(4)}"
    try:
        result = docker.build(
            ["--network", "host", "--label", LABEL, "--tag", tag, "."], cwd=root, iidfile=tmp_path / "iid"
        )
        assert result.returncode == 0, result.log[-4000:]
        # The pipeline's test step: the example's own suite inside this image.
        tested = run_ci_test_step(docker, root, plan, tag)
        assert tested.returncode == 0 and " passed" in tested.stdout, (
            tested.stdout[-3000:] + tested.stderr[-2000:]
        )
        docker.create_network(network, [LABEL, RUN_LABEL])
        # Offline stand-in for the managed Redis the README asks for (same tag compose pins).
        redis = docker.run_detached(
            "redis:8-trixie",
            ["--label", LABEL, "--label", RUN_LABEL, "--network", network, "--network-alias", "redis"],
        )
        for _ in range(60):
            if docker.exec(redis, ["redis-cli", "ping"]).stdout.strip() == "PONG":
                break
            time.sleep(0.5)
        values = {var.name: f"test-{var.name.lower()}" for var in plan.env}
        values.update({"REDIS_URL": "redis://redis:6379/0", "LOG_LEVEL": "INFO"})
        measured = assert_parity(
            docker,
            plan,
            tag,
            values=values,
            extra_flags=("--network", network),
            slow_path=f"/slow?seconds={SLOW_REQUEST_S}",
            slow_body='"slept"',
        )
        record_property("parity", measured)
        print(f"parity (gunicorn, flask-redis example): {measured}")
    finally:
        docker.remove_labelled(RUN_LABEL)
        docker.run(["image", "rm", "-f", tag], check=False)


def test_flags_follow_the_manifest_not_a_copy_of_it(built: Any) -> None:
    """The translation reads the manifest: change a policy, and the flags change with it."""
    _, plan, tag = built
    tight = K8sPolicy(prestop_pause_s=3, shutdown_margin_s=2)
    deployment = load(k8s_manifests(plan, image=tag, replicas=1, policy=tight)["deployment.yaml"])
    run = docker_run_flags(deployment, secret_values={v.name: "x" for v in plan.env})
    flags, stop_timeout = run.flags, run.stop_timeout
    grace = deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
    assert stop_timeout == grace - 3
    assert flags[flags.index("--user") + 1] == f"{plan.runtime.uid}:{plan.runtime.gid}"
    assert "--read-only" in flags and "ALL" in flags
    assert any(flag.startswith("/tmp:") for flag in flags)


def test_unknown_manifest_fields_are_refused(built: Any) -> None:
    _, plan, tag = built
    deployment = load(k8s_manifests(plan, image=tag, replicas=1)["deployment.yaml"])
    deployment["spec"]["template"]["spec"]["containers"][0]["workingDir"] = "/elsewhere"
    with pytest.raises(AssertionError, match="untranslated"):
        docker_run_flags(deployment, secret_values={})


def run_ci_test_step(docker: Any, project: Path, plan: Any, tag: str) -> subprocess.CompletedProcess[str]:
    """The pipelines' in-image test step, verbatim but for host networking (this machine reaches
    the package index only that way; CI runners do not need it)."""
    setup = find_test_setup(project)
    assert setup is not None
    script = in_image_test_script(plan, setup).replace(
        "docker build --tag", "docker build --network host --tag"
    )
    env = {
        **os.environ,
        "LOCAL_IMAGE": tag,
        "DOCKER_BUILDKIT": "1",
        "PATH": f"{Path(docker.binary).parent}:{os.environ['PATH']}",
    }
    try:
        return subprocess.run(
            ["bash", "-c", script], cwd=project, env=env, capture_output=True, text=True, timeout=900
        )
    finally:
        docker.run(["image", "rm", "-f", f"{tag}-tests"], check=False)


def test_ci_test_step_runs_the_project_tests_inside_the_image(built: Any, tmp_path: Path) -> None:
    """The shell step the pipelines run, executed for real against the built image: a passing
    suite passes, a failing one fails the step (so the step is not a no-op)."""
    docker, plan, tag = built
    project = tmp_path / "project"
    (project / "tests").mkdir(parents=True)
    (project / "requirements-dev.txt").write_text("pytest==9.2.0\n")
    (project / "tests" / "test_routes.py").write_text(
        "import os\n\nfrom main import app\n\n\n"
        "def test_routes():\n    assert [r.path for r in app.routes] == ['/healthz', '/slow']\n\n\n"
        "def test_runs_as_the_app_user():\n"
        f"    assert os.getuid() == {plan.runtime.uid}\n"
    )
    passing = run_ci_test_step(docker, project, plan, tag)
    assert passing.returncode == 0, passing.stdout[-3000:] + passing.stderr[-3000:]
    assert "2 passed" in passing.stdout, passing.stdout[-2000:]

    (project / "tests" / "test_broken.py").write_text("def test_broken():\n    assert 1 == 2\n")
    failing = run_ci_test_step(docker, project, plan, tag)
    assert failing.returncode != 0 and "1 failed" in failing.stdout


# Per example: what the operator puts in the Secret/ConfigMap (the managed services' URLs point at
# stand-ins here), extra settings detect cannot see, and what a successful migration prints.
EXAMPLE_STACKS: dict[str, dict[str, Any]] = {
    "fastapi-postgres-redis": {
        "values": {
            "DATABASE_URL": "postgresql+psycopg://app:{password}@postgres:5432/app",
            "REDIS_URL": "redis://redis:6379/0",
        },
        "extra_env": {},
        "migrated": ("Running upgrade", "Context impl PostgresqlImpl"),
        "slow_path": f"/slow?seconds={SLOW_REQUEST_S}",
    },
    "django-postgres-celery": {
        "values": {
            "DATABASE_URL": "postgres://app:{password}@postgres:5432/app",
            "REDIS_URL": "redis://redis:6379/0",
            "CELERY_BROKER_URL": "redis://redis:6379/1",
            "DJANGO_SECRET_KEY": "{password}-signing",
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "LOG_LEVEL": "INFO",
        },
        # Read through a helper detect cannot see, so not among the generated keys; an operator adds
        # it to the ConfigMap (probes pass without it: /healthz/ is answered before host validation).
        "extra_env": {"DJANGO_ALLOWED_HOSTS": "127.0.0.1"},
        "migrated": ("Applying guestbook", "No migrations to apply"),
        "slow_path": f"/slow/?seconds={SLOW_REQUEST_S}",
    },
}


@pytest.mark.parametrize("example", sorted(EXAMPLE_STACKS))
def test_example_stack_job_web_and_workers_under_their_constraints(
    example: str, tmp_path: Path, record_property: Any
) -> None:
    """An example with Postgres and Redis: the migration Job, the web Deployment and (Django) the
    Celery worker Deployment, each under its own manifest's constraints, against stand-ins."""
    from dockwright.detect import detect_project
    from dockwright.engine import get_docker
    from dockwright.plan import make_plan
    from dockwright.render import render_files

    stack = EXAMPLE_STACKS[example]
    root = tmp_path / example
    shutil.copytree(
        REPO / "examples" / example,
        root,
        ignore=shutil.ignore_patterns("__pycache__", ".venv", "staticfiles", "db.sqlite3", ".env"),
    )
    plan = make_plan(detect_project(root))
    assert plan.migrate_command
    for name, content in render_files(plan).items():
        (root / name).write_text(content)
    docker = get_docker()
    tag = f"dwparity-{example[:6]}-{secrets.token_hex(4)}:{secrets.token_hex(6)}"
    network = f"dwparity-{secrets.token_hex(4)}"
    password = secrets.token_urlsafe(16)
    # Non-secret settings: the .env.example placeholders `init` writes; URLs and secrets: the stack's.
    values = {var.name: var.placeholder for var in plan.env if var.placeholder and not var.secret}
    values.update({key: value.format(password=password) for key, value in stack["values"].items()})
    extra_env = [arg for key, value in stack["extra_env"].items() for arg in ("--env", f"{key}={value}")]
    worker_plans = [svc for svc in plan.services if svc.kind == "celery-worker"]
    if worker_plans and not any(svc.kind == "celery-beat" for svc in plan.services):
        # No example schedules periodic tasks; add beat as plan would, to prove its Deployment too.
        from dockwright.plan.planner import celery_command

        celery_app = worker_plans[0].command[worker_plans[0].command.index("-A") + 1]
        beat = replace(
            worker_plans[0],
            name="beat",
            kind="celery-beat",
            command=celery_command("celery-beat", celery_app),
        )
        plan = replace(plan, services=(*plan.services, beat))
    files = k8s_manifests(plan, image=tag, replicas=2)
    try:
        result = docker.build(
            ["--network", "host", "--label", LABEL, "--tag", tag, "."], cwd=root, iidfile=tmp_path / "iid"
        )
        assert result.returncode == 0, result.log[-4000:]
        # The pipeline's test step: the example's own suite inside this image.
        tested = run_ci_test_step(docker, root, plan, tag)
        assert tested.returncode == 0 and " passed" in tested.stdout, (
            tested.stdout[-3000:] + tested.stderr[-2000:]
        )
        docker.create_network(network, [LABEL, RUN_LABEL])
        labels = ["--label", LABEL, "--label", RUN_LABEL, "--network", network]
        postgres = docker.run_detached(
            "postgres:17-trixie",
            [*labels, "--network-alias", "postgres", "-e", "POSTGRES_USER=app",
             "-e", f"POSTGRES_PASSWORD={password}", "-e", "POSTGRES_DB=app"],
        )  # fmt: skip
        redis = docker.run_detached("redis:8-trixie", [*labels, "--network-alias", "redis"])
        for _ in range(120):
            pg = docker.exec(postgres, ["pg_isready", "-U", "app", "-d", "app"]).returncode == 0
            if pg and docker.exec(redis, ["redis-cli", "ping"]).stdout.strip() == "PONG":
                break
            time.sleep(0.5)

        # 1. The migration Job, run to completion before any web pod.
        job = docker_run_flags(load(files["migrate-job.yaml"]), secret_values=values)
        migrated = docker.run(["run", "--rm", *job.flags, "--network", network, tag, *job.args], check=False)
        output = migrated.stdout + migrated.stderr
        assert migrated.returncode == 0, output[-4000:]
        assert any(marker in output for marker in stack["migrated"]), output[-4000:]

        # 2. The web Deployment.
        measured = assert_parity(
            docker,
            plan,
            tag,
            values=values,
            extra_flags=("--network", network, *extra_env),
            slow_path=stack["slow_path"],
            slow_body="slept",
        )

        # 3. Celery worker Deployments: start under the same constraints, warm-stop on SIGTERM.
        for name in sorted(n for n in files if n in ("worker-deployment.yaml", "beat-deployment.yaml")):
            worker = docker_run_flags(load(files[name]), secret_values=values)
            container = docker.run_detached(
                tag, [*worker.flags, "--network", network, *extra_env], worker.args
            )
            ready = " ready." if name.startswith("worker") else "beat: Starting..."
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and ready not in docker.logs(container):
                time.sleep(0.5)
            logs = docker.logs(container)
            assert ready in logs, logs[-3000:]
            assert "Read-only file system" not in logs and "Permission denied" not in logs, logs[-3000:]
            for arg in worker.args:
                if arg.startswith("--concurrency="):
                    assert f"concurrency: {arg.split('=')[1]} (prefork)" in logs
            started = time.monotonic()
            docker.stop(container, worker.stop_timeout)
            stopped_after = time.monotonic() - started
            state = docker.container_inspect(container)["State"]
            assert state["ExitCode"] == 0, docker.logs(container)[-3000:]
            assert stopped_after < worker.stop_timeout - 5
            measured[f"{name.split('-')[0]}_stopped_after_s"] = round(stopped_after, 2)
        record_property("parity", measured)
        print(f"parity ({example}: job, web, workers): {measured}")
    finally:
        docker.remove_labelled(RUN_LABEL)
        docker.run(["image", "rm", "-f", tag], check=False)
