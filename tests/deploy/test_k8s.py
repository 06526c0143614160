"""k8s_manifests: schema-valid, hardened, and consistent with the container plan."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml as pyyaml  # YAML 1.1, the dialect kubectl reads
from deploy_factory import DIGEST_IMAGE, SHA_IMAGE, build_plan, django_plan

from dockwright.deploy.k8s import K8sPolicy, k8s_manifests, memory_quantity, web_grace_period, web_workers
from dockwright.deploy.yamlio import load
from dockwright.errors import DockwrightError
from dockwright.plan.model import ContainerPlan, EnvVar

# A current release and the newest schema kubernetes-validate ships, strict (unknown fields fail).
K8S_VERSIONS = ("1.33.0", kubernetes_validate.utils.latest_version())

PLANS = {
    "fastapi-http": lambda: build_plan(),
    "flask-tcp-gunicorn": lambda: build_plan(
        name="Flask_Shop", framework="flask", server="gunicorn", health_path=None
    ),
    "django-celery": django_plan,
    "no-env": lambda: build_plan(env=()),
}


def docs(files: dict[str, str]) -> dict[str, dict[str, Any]]:
    return {name: load(text) for name, text in files.items() if name.endswith(".yaml")}


def kind_of(files: dict[str, str], kind: str) -> list[dict[str, Any]]:
    return [d for d in docs(files).values() if d["kind"] == kind]


def web(files: dict[str, str]) -> dict[str, Any]:
    deployment: dict[str, Any] = load(files["deployment.yaml"])
    return deployment


@pytest.mark.parametrize("version", K8S_VERSIONS)
@pytest.mark.parametrize("plan_name", sorted(PLANS))
@pytest.mark.parametrize("prestop", ["sleep", "exec"])
def test_every_manifest_validates_strictly(plan_name: str, version: str, prestop: str) -> None:
    files = k8s_manifests(PLANS[plan_name](), image=SHA_IMAGE, replicas=2, prestop=prestop)  # type: ignore[arg-type]
    checked = 0
    for data in docs(files).values():
        if data["kind"] == "Kustomization":
            continue
        kubernetes_validate.validate(data, version, strict=True)
        checked += 1
    assert checked >= 4


def test_strict_validation_would_catch_a_typo() -> None:
    # Guards the test above: the schemas really are strict about unknown fields.
    data = load(k8s_manifests(build_plan(), image=SHA_IMAGE, replicas=1)["deployment.yaml"])
    data["spec"]["template"]["spec"]["containers"][0]["securityContex"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(data, K8S_VERSIONS[0], strict=True)


def test_expected_files_for_django_with_celery() -> None:
    files = k8s_manifests(django_plan(), image=SHA_IMAGE, replicas=2)
    assert sorted(files) == [
        "README.md",
        "beat-deployment.yaml",
        "deployment.yaml",
        "hpa.yaml",
        "kustomization.yaml",
        "migrate-job.yaml",
        "pdb.yaml",
        "service.yaml",
        "worker-deployment.yaml",
    ]


def test_fastapi_without_migrations_or_workers_has_no_job_or_worker() -> None:
    files = k8s_manifests(build_plan(), image=SHA_IMAGE, replicas=2)
    assert "migrate-job.yaml" not in files
    assert not any(name.startswith(("worker", "beat")) for name in files)
    assert "migrate" not in files["kustomization.yaml"]


# --- image references ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("ghcr.io/acme/shop:latest", "mutable 'latest'"),
        ("ghcr.io/acme/shop", "has no tag"),
        ("shop:main", "not a commit SHA"),
        ("shop:1.2", "not a commit SHA"),
        ("shop:3f2a9c1-dirty", "uncommitted changes"),
        ("Shop:3f2a9c1", "not a valid repository name"),
        ("shop@sha256:abc", "digest must be"),
        ("", "empty"),
    ],
)
def test_mutable_or_invalid_images_are_refused(ref: str, message: str) -> None:
    with pytest.raises(DockwrightError, match=message) as err:
        k8s_manifests(build_plan(), image=ref, replicas=1)
    if "valid" not in message and "empty" not in message:
        assert "@sha256:" in str(err.value)  # a refusal says what to pass instead


@pytest.mark.parametrize(
    "ref",
    [
        SHA_IMAGE,
        DIGEST_IMAGE,
        "registry.example:5000/team/shop:sha-3f2a9c1",
        "shop:1.4.2@sha256:" + "0" * 64,
        "shop:latest@sha256:" + "1" * 64,  # the digest pins it, whatever the tag says
        "shop:" + "a" * 40,
    ],
)
def test_pinned_images_are_used_verbatim(ref: str) -> None:
    files = k8s_manifests(build_plan(), image=ref, replicas=1)
    assert web(files)["spec"]["template"]["spec"]["containers"][0]["image"] == ref


def test_job_name_follows_the_image_so_each_release_migrates_once() -> None:
    plan = django_plan()
    a = load(k8s_manifests(plan, image="shop:1111111aaaaa", replicas=1)["migrate-job.yaml"])
    b = load(k8s_manifests(plan, image=DIGEST_IMAGE, replicas=1)["migrate-job.yaml"])
    assert a["metadata"]["name"] == "django-site-migrate-1111111aaaaa"
    assert b["metadata"]["name"] == "django-site-migrate-" + "ab" * 6


# --- pod hardening and runtime contract ----------------------------------------------------------


@pytest.mark.parametrize("plan_name", sorted(PLANS))
def test_every_pod_is_hardened(plan_name: str) -> None:
    plan = PLANS[plan_name]()
    files = k8s_manifests(plan, image=SHA_IMAGE, replicas=2)
    templates = [
        d["spec"]["template"]["spec"] for d in docs(files).values() if d["kind"] in ("Deployment", "Job")
    ]
    assert templates
    for pod in templates:
        assert pod["securityContext"] == {
            "runAsNonRoot": True,
            "runAsUser": plan.runtime.uid,
            "runAsGroup": plan.runtime.gid,
            "fsGroup": plan.runtime.gid,
            "seccompProfile": {"type": "RuntimeDefault"},
        }
        assert pod["automountServiceAccountToken"] is False
        assert pod["enableServiceLinks"] is False
        (container,) = pod["containers"]
        assert container["securityContext"] == {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        }
        mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
        assert "/tmp" in mounts
        for directory in plan.runtime.writable_dirs:
            assert directory in mounts
        volumes = {v["name"]: v for v in pod["volumes"]}
        assert all("emptyDir" in volumes[name] for name in mounts.values())
        assert container["resources"]["limits"]["memory"] == memory_quantity(plan.memory_limit)
        assert container["resources"]["requests"]["memory"] == container["resources"]["limits"]["memory"]


def test_web_container_matches_the_plan() -> None:
    plan = build_plan(graceful_timeout_s=25)
    files = k8s_manifests(plan, image=SHA_IMAGE, replicas=3)
    deployment = web(files)
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["ports"] == [{"name": "http", "containerPort": plan.runtime.port, "protocol": "TCP"}]
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert container["lifecycle"]["preStop"] == {"sleep": {"seconds": K8sPolicy().prestop_pause_s}}
    grace = pod["terminationGracePeriodSeconds"]
    assert grace == web_grace_period(plan)
    assert grace > plan.graceful_timeout_s + K8sPolicy().prestop_pause_s
    assert "command" not in container and "args" not in container  # the image's own CMD runs
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    assert "replicas" not in deployment["spec"]  # the HPA owns the count
    hpa = load(files["hpa.yaml"])
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (3, 9)
    assert hpa["spec"]["metrics"][0]["resource"]["name"] == "cpu"
    service = load(files["service.yaml"])
    assert service["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]
    assert service["spec"]["ports"][0]["targetPort"] == "http"
    pdb = load(files["pdb.yaml"])
    assert pdb["spec"]["selector"] == deployment["spec"]["selector"]
    assert pdb["spec"]["maxUnavailable"] == 1  # a single replica can still be drained


def test_startup_probe_window_covers_the_healthcheck_start_period() -> None:
    plan = build_plan()
    container = web(k8s_manifests(plan, image=SHA_IMAGE, replicas=1))["spec"]["template"]["spec"][
        "containers"
    ][0]
    startup = container["startupProbe"]
    assert startup["periodSeconds"] * startup["failureThreshold"] >= plan.runtime.healthcheck.start_period_s


def test_no_health_path_gives_tcp_probes() -> None:
    files = k8s_manifests(build_plan(health_path=None), image=SHA_IMAGE, replicas=1)
    container = web(files)["spec"]["template"]["spec"]["containers"][0]
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container[probe]["tcpSocket"] == {"port": "http"}
        assert "httpGet" not in container[probe]


def test_exec_prestop_needs_only_python() -> None:
    files = k8s_manifests(build_plan(), image=SHA_IMAGE, replicas=1, prestop="exec")
    container = web(files)["spec"]["template"]["spec"]["containers"][0]
    command = container["lifecycle"]["preStop"]["exec"]["command"]
    assert command[:2] == ["python", "-c"]  # no shell, no `sleep` binary (distroless has neither)


def test_secrets_are_referenced_by_key_and_no_value_is_written() -> None:
    plan = build_plan()
    files = k8s_manifests(plan, image=SHA_IMAGE, replicas=1)
    env = {e["name"]: e for e in web(files)["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["DATABASE_URL"]["valueFrom"] == {
        "secretKeyRef": {"name": "shop-secrets", "key": "DATABASE_URL"}
    }
    assert env["SECRET_KEY"]["valueFrom"]["secretKeyRef"]["name"] == "shop-secrets"
    assert env["LOG_LEVEL"]["valueFrom"] == {"configMapKeyRef": {"name": "shop-config", "key": "LOG_LEVEL"}}
    everything = "".join(files.values())
    for var in plan.env:
        assert var.placeholder not in everything
    readme = files["README.md"]
    assert "`DATABASE_URL`, `SECRET_KEY`" in readme and "`LOG_LEVEL`" in readme


def test_workers_are_sized_from_the_cpu_limit_not_the_node() -> None:
    uvicorn = build_plan(cpu_limit="2")
    gunicorn = build_plan(server="gunicorn", cpu_limit="1.5")
    async_gunicorn = build_plan(
        server="gunicorn",
        command=("gunicorn", "app:app", "-k", "uvicorn.workers.UvicornWorker"),
    )
    assert (web_workers(uvicorn), web_workers(gunicorn), web_workers(async_gunicorn)) == (2, 5, 1)
    env = web(k8s_manifests(gunicorn, image=SHA_IMAGE, replicas=1))["spec"]["template"]["spec"]["containers"][
        0
    ]["env"]
    assert {"name": "WEB_CONCURRENCY", "value": "5"} in env


def test_workers_env_from_plan_is_not_also_read_from_the_configmap() -> None:
    plan = build_plan(env=(EnvVar("WEB_CONCURRENCY", "2", "workers", secret=False),))
    env = web(k8s_manifests(plan, image=SHA_IMAGE, replicas=1))["spec"]["template"]["spec"]["containers"][0][
        "env"
    ]
    assert [e["name"] for e in env] == ["WEB_CONCURRENCY"]


def test_celery_worker_and_beat() -> None:
    plan = django_plan()
    files = k8s_manifests(plan, image=SHA_IMAGE, replicas=2)
    worker = load(files["worker-deployment.yaml"])
    beat = load(files["beat-deployment.yaml"])
    (wc,) = worker["spec"]["template"]["spec"]["containers"]
    (bc,) = beat["spec"]["template"]["spec"]["containers"]
    assert wc["args"][:4] == ["celery", "-A", "config", "worker"]
    assert "--concurrency=2" in wc["args"]
    assert "--schedule=/tmp/celerybeat-schedule" in bc["args"]  # read-only root
    for container in (wc, bc):
        assert not {"livenessProbe", "readinessProbe", "startupProbe", "ports", "lifecycle"} & set(container)
    assert beat["spec"]["replicas"] == 1 and beat["spec"]["strategy"] == {"type": "Recreate"}
    assert worker["spec"]["selector"] != load(files["deployment.yaml"])["spec"]["selector"]
    assert (
        not kind_of(files, "Service")[0]["spec"]["selector"].items()
        >= {"app.kubernetes.io/component": "worker"}.items()
    )


def test_explicit_celery_concurrency_is_kept() -> None:
    plan = django_plan()
    worker = replace(plan.services[2], command=("celery", "-A", "config", "worker", "-c", "8"))
    plan = replace(plan, services=(worker,))
    args = load(k8s_manifests(plan, image=SHA_IMAGE, replicas=1)["worker-deployment.yaml"])["spec"][
        "template"
    ]["spec"]["containers"][0]["args"]
    assert args == ["celery", "-A", "config", "worker", "-c", "8"]


def test_migration_job_runs_the_plan_command_outside_the_web_pods() -> None:
    plan = django_plan()
    files = k8s_manifests(plan, image=SHA_IMAGE, replicas=2)
    job = load(files["migrate-job.yaml"])
    pod = job["spec"]["template"]["spec"]
    assert pod["restartPolicy"] == "Never"
    assert pod["containers"][0]["args"] == list(plan.migrate_command)
    assert job["spec"]["activeDeadlineSeconds"] > 0 and job["spec"]["backoffLimit"] >= 1
    kustomization = load(files["kustomization.yaml"])
    assert "migrate-job.yaml" not in kustomization["resources"]  # applied and awaited first
    assert "kubectl wait --for=condition=complete" in files["kustomization.yaml"]
    assert "kubectl wait --for=condition=complete" in files["README.md"]
    for name, data in docs(files).items():
        if data["kind"] == "Deployment":
            assert "migrate" not in " ".join(
                data["spec"]["template"]["spec"]["containers"][0].get("args", [])
            ), name


def test_backing_stores_are_not_deployed_and_readme_says_why() -> None:
    files = k8s_manifests(django_plan(), image=SHA_IMAGE, replicas=2)
    assert "postgres:17" not in "".join(files.values()) and "redis:8" not in "".join(files.values())
    assert "managed services" in files["README.md"] and "operator" in files["README.md"]


def test_invalid_numbers_are_input_errors() -> None:
    with pytest.raises(DockwrightError, match="at least 1"):
        k8s_manifests(build_plan(), image=SHA_IMAGE, replicas=0)
    with pytest.raises(DockwrightError, match="below"):
        k8s_manifests(build_plan(), image=SHA_IMAGE, replicas=4, max_replicas=2)
    with pytest.raises(DockwrightError, match="memory limit"):
        k8s_manifests(build_plan(memory_limit="lots"), image=SHA_IMAGE, replicas=1)
    with pytest.raises(DockwrightError, match="CPU limit"):
        k8s_manifests(build_plan(cpu_limit="fast"), image=SHA_IMAGE, replicas=1)


@pytest.mark.parametrize(
    ("docker", "k8s"), [("512m", "512Mi"), ("1g", "1Gi"), ("1.5g", "1536Mi"), ("256MiB", "256Mi")]
)
def test_memory_units(docker: str, k8s: str) -> None:
    assert memory_quantity(docker) == k8s


def test_names_are_dns_labels() -> None:
    files = k8s_manifests(build_plan(name="My_Great.App"), image=SHA_IMAGE, replicas=1)
    assert web(files)["metadata"]["name"] == "my-great-app"


# --- output properties ---------------------------------------------------------------------------


@pytest.mark.parametrize("plan_name", sorted(PLANS))
def test_output_is_deterministic_and_reads_the_same_in_yaml_1_1(plan_name: str) -> None:
    plan: ContainerPlan = PLANS[plan_name]()
    first = k8s_manifests(plan, image=SHA_IMAGE, replicas=2)
    assert first == k8s_manifests(plan, image=SHA_IMAGE, replicas=2)
    for name, text in first.items():
        if name.endswith(".yaml"):
            assert pyyaml.safe_load(text) == load(text), name  # no 'on'/'0755'-style surprises
            assert "&id" not in text and "*id" not in text


def test_kustomization_lists_existing_files(tmp_path: Path) -> None:
    files = k8s_manifests(django_plan(), image=SHA_IMAGE, replicas=2)
    for resource in load(files["kustomization.yaml"])["resources"]:
        assert resource in files


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl (with built-in kustomize) not installed")
def test_kubectl_kustomize_builds_and_the_result_validates(tmp_path: Path) -> None:
    for name, text in k8s_manifests(django_plan(), image=SHA_IMAGE, replicas=2).items():
        (tmp_path / name).write_text(text)
    built = subprocess.run(
        ["kubectl", "kustomize", str(tmp_path)], capture_output=True, text=True, check=True
    )
    kinds = []
    for data in pyyaml.safe_load_all(built.stdout):
        kubernetes_validate.validate(data, K8S_VERSIONS[0], strict=True)
        kinds.append(data["kind"])
    assert sorted(kinds) == [
        "Deployment",
        "Deployment",
        "Deployment",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "Service",
    ]


def test_managed_service_settings_reach_the_pods_as_secret_urls() -> None:
    # What plan.make_plan produces for an app on Postgres: the compose container's own settings
    # (POSTGRES_*) plus the URL compose wires from them.
    plan = build_plan(
        services=("postgres", "redis"),
        env=(
            EnvVar("POSTGRES_USER", "app", "role", secret=False),
            EnvVar("POSTGRES_PASSWORD", "change-me", "password", secret=True),
            EnvVar("POSTGRES_DB", "app", "db", secret=False),
            EnvVar("DATABASE_URL", "", "set by compose.yaml", secret=False),
            EnvVar("FEATURE_FLAGS", "", "read by the app", secret=False),
        ),
        app_environment={
            "DATABASE_URL": "postgresql://${POSTGRES_USER}:${POSTGRES_PASSWORD}@postgres:5432/${POSTGRES_DB}",
            "REDIS_URL": "redis://redis:6379/0",
        },
    )
    files = k8s_manifests(plan, image=SHA_IMAGE, replicas=1)
    env = {e["name"]: e for e in web(files)["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert set(env) == {"WEB_CONCURRENCY", "DATABASE_URL", "REDIS_URL", "FEATURE_FLAGS"}
    assert "secretKeyRef" in env["DATABASE_URL"]["valueFrom"]  # a URL with credentials is a secret
    assert "secretKeyRef" in env["REDIS_URL"]["valueFrom"]
    assert "configMapKeyRef" in env["FEATURE_FLAGS"]["valueFrom"]
    assert "postgres:5432" not in "".join(files.values())  # compose host names mean nothing here
    assert "`POSTGRES_DB`, `POSTGRES_PASSWORD`, `POSTGRES_USER`" in files["README.md"]


def test_no_settings_means_no_secret_to_create() -> None:
    files = k8s_manifests(build_plan(env=()), image=SHA_IMAGE, replicas=1)
    assert "kubectl create" not in files["kustomization.yaml"] and "kubectl create" not in files["README.md"]
    assert "secretKeyRef" not in files["deployment.yaml"]


def test_worker_resources_come_from_the_worker_service() -> None:
    plan = django_plan()
    worker = replace(plan.services[2], cpu_limit="2", memory_limit="1g")
    plan = replace(plan, services=(worker,))
    files = k8s_manifests(plan, image=SHA_IMAGE, replicas=1)
    container = load(files["worker-deployment.yaml"])["spec"]["template"]["spec"]["containers"][0]
    assert container["resources"]["limits"] == {"cpu": "2", "memory": "1Gi"}
    assert "--concurrency=4" in container["args"]


def test_settings_with_app_defaults_are_optional_keys() -> None:
    plan = build_plan(
        env=(
            EnvVar("CACHE_TTL_SECONDS", "", "read by the app; optional", secret=False),
            EnvVar("LOG_LEVEL", "info", "log level", secret=False),
            EnvVar("API_TOKEN", "", "a credential", secret=True),
        ),
    )
    files = k8s_manifests(plan, image=SHA_IMAGE, replicas=1)
    env = {e["name"]: e for e in web(files)["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["CACHE_TTL_SECONDS"]["valueFrom"]["configMapKeyRef"]["optional"] is True
    assert "optional" not in env["LOG_LEVEL"]["valueFrom"]["configMapKeyRef"]
    assert "optional" not in env["API_TOKEN"]["valueFrom"]["secretKeyRef"]  # secrets are never optional
    assert "optional ConfigMap keys (the app has a default): `CACHE_TTL_SECONDS`" in files["README.md"]


def test_writable_dirs_get_distinct_valid_volumes() -> None:
    plan = build_plan(writable_dirs=("/app/data", "/app-data", "/tmp", "/app/media/"))
    files = k8s_manifests(plan, image=SHA_IMAGE, replicas=1)
    pod = web(files)["spec"]["template"]["spec"]
    mounts = {m["mountPath"]: m["name"] for m in pod["containers"][0]["volumeMounts"]}
    assert set(mounts) == {"/tmp", "/app/data", "/app-data", "/app/media"}
    assert len(set(mounts.values())) == 4
    kubernetes_validate.validate(web(files), K8S_VERSIONS[0], strict=True)


def test_namespace_and_pull_secret_reach_every_object() -> None:
    files = k8s_manifests(
        django_plan(), image=SHA_IMAGE, replicas=2, namespace="shop-prod", image_pull_secret="ghcr-pull"
    )
    for name, data in docs(files).items():
        if data["kind"] == "Kustomization":
            continue
        assert data["metadata"]["namespace"] == "shop-prod", name
        template = data.get("spec", {}).get("template")
        if template is not None:
            assert template["spec"]["imagePullSecrets"] == [{"name": "ghcr-pull"}], name
        kubernetes_validate.validate(data, K8S_VERSIONS[0], strict=True)
    assert "kubectl -n shop-prod create secret generic" in files["README.md"]
    assert "kubectl -n shop-prod wait --for=condition=complete" in files["kustomization.yaml"]
    assert "kubectl -n shop-prod rollout status" in files["README.md"]


@pytest.mark.parametrize("kwargs", [{"namespace": "Prod_NS"}, {"image_pull_secret": "-bad"}])
def test_invalid_namespace_or_secret_name(kwargs: dict[str, str]) -> None:
    with pytest.raises(DockwrightError, match="not a valid name"):
        k8s_manifests(build_plan(), image=SHA_IMAGE, replicas=1, **kwargs)  # type: ignore[arg-type]
