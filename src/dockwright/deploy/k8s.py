"""Kubernetes manifests from the container plan: the same port, user, health path and commands.

``k8s_manifests(plan, image=..., replicas=...)`` is pure: it returns ``{filename: yaml}`` and never
touches a cluster. The numbers that are policy (probe timing, pre-stop pause, request/limit ratio)
live in ``K8sPolicy`` so they are chosen in one place and explained once.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Literal

from dockwright.deploy.imageref import ImageRef, parse_pinned_image
from dockwright.deploy.yamlio import dump
from dockwright.errors import DockwrightError
from dockwright.plan.model import ContainerPlan, ServicePlan

PreStop = Literal["sleep", "exec"]

# Backing stores are never deployed by dockwright (managed services or an operator run them).
BACKING_STORES = frozenset({"postgres", "mysql", "redis", "rabbitmq"})
WORKER_KINDS = ("celery-worker", "celery-beat")


@dataclass(frozen=True)
class K8sPolicy:
    # Endpoint removal reaches kube-proxy and ingress controllers a few seconds after the pod is
    # marked terminating; the pause keeps serving during that window so no request hits a closed socket.
    prestop_pause_s: int = 10
    # Slack between the server's own graceful timeout and SIGKILL, for interpreter shutdown.
    shutdown_margin_s: int = 5
    # Probe cadence. Startup gets a wider window than the image HEALTHCHECK's start period: nodes
    # pull and start cold, and liveness only begins once startup succeeded.
    probe_period_s: int = 5
    startup_window_factor: int = 3
    # CPU request as a fraction of the limit: HPA utilisation is measured against the request.
    cpu_request_ratio: float = 0.5
    hpa_cpu_utilization: int = 70
    # Celery's warm shutdown waits for running tasks; raise this to your longest task.
    worker_grace_s: int = 120
    migrate_deadline_s: int = 900
    migrate_ttl_s: int = 86400  # keep the finished Job (and its logs) a day, then let the cluster remove it


DEFAULT_POLICY = K8sPolicy()


# ---------------------------------------------------------------------------------------------
# small pure helpers


def dns_name(name: str, *, max_len: int = 63) -> str:
    """An RFC 1123 label from a project name (lowercase alphanumerics and '-')."""
    label = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
    label = re.sub(r"-{2,}", "-", label)[:max_len].rstrip("-")
    if not label:
        raise DockwrightError(f"project name {name!r} gives no valid Kubernetes name; rename the project")
    return label


_DOCKER_MEM = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([bkmgt]?)(?:i?b)?\s*$", re.IGNORECASE)
_BINARY_SUFFIX = {"": "", "b": "", "k": "Ki", "m": "Mi", "g": "Gi", "t": "Ti"}


def memory_quantity(docker_memory: str) -> str:
    """Docker's ``512m`` (binary units) as the Kubernetes quantity ``512Mi``."""
    match = _DOCKER_MEM.match(docker_memory)
    if not match:
        raise DockwrightError(f"memory limit {docker_memory!r} is not a size like 512m or 1g")
    number, unit = match.group(1), match.group(2).lower()
    if "." in number:  # Kubernetes quantities accept decimals only with SI suffixes; go one unit down
        order = "bkmgt"
        index = order.index(unit or "b")
        if index == 0:
            raise DockwrightError(f"memory limit {docker_memory!r}: fractional bytes")
        return f"{round(float(number) * 1024)}{_BINARY_SUFFIX[order[index - 1]]}"
    return f"{int(number)}{_BINARY_SUFFIX[unit]}"


def millicores(cpu: str) -> int:
    try:
        value = float(cpu)
    except ValueError as err:
        raise DockwrightError(f"CPU limit {cpu!r} is not a number of CPUs like 1.0 or 0.5") from err
    if value <= 0:
        raise DockwrightError(f"CPU limit {cpu!r} must be positive")
    return max(1, round(value * 1000))


def cpu_quantity(milli: int) -> str:
    return str(milli // 1000) if milli % 1000 == 0 else f"{milli}m"


def web_workers(plan: ContainerPlan) -> int:
    """Worker processes for the pod's CPU limit.

    Python's os.cpu_count() sees every core of the node, not the pod's CPU limit, so a default of
    "2 x cores + 1" on a 64-core node forks 129 workers into a 512Mi pod. Set it from the limit.
    """
    cores = max(1, math.ceil(millicores(plan.cpu_limit) / 1000))
    command = " ".join(plan.runtime.command)
    if plan.server == "uvicorn":
        return cores  # async: one event loop per core
    if "UvicornWorker" in command or re.search(
        r"(?:-k|--worker-class)[ =](?:gevent|eventlet|gthread)", command
    ):
        return cores
    return 2 * cores + 1  # sync gunicorn workers block on I/O


def _has_option(command: tuple[str, ...], *options: str) -> bool:
    return any(arg == opt or arg.startswith(opt + "=") for arg in command for opt in options)


def worker_args(service: ServicePlan, plan: ContainerPlan) -> list[str]:
    """The Celery command, with what a read-only, CPU-limited pod needs added when missing."""
    args = list(service.command)
    if service.kind == "celery-worker" and not _has_option(service.command, "-c", "--concurrency"):
        # Same reason as web_workers: Celery's default concurrency is the node's core count.
        args.append(f"--concurrency={max(2, 2 * math.ceil(millicores(service.cpu_limit) / 1000))}")
    if service.kind == "celery-beat" and not _has_option(service.command, "-s", "--schedule"):
        args.append("--schedule=/tmp/celerybeat-schedule")  # the root filesystem is read-only
    return args


# ---------------------------------------------------------------------------------------------
# pod building blocks


@dataclass(frozen=True)
class _Names:
    app: str
    web: str
    config: str
    secret: str

    @classmethod
    def of(cls, plan: ContainerPlan) -> _Names:
        app = dns_name(plan.name, max_len=40)  # leaves room for "-migrate-<12 hex>" and friends
        return cls(app=app, web=app, config=f"{app}-config", secret=f"{app}-secrets")


def _labels(names: _Names, component: str) -> dict[str, str]:
    return {
        "app.kubernetes.io/name": names.app,
        "app.kubernetes.io/component": component,
        "app.kubernetes.io/part-of": names.app,
    }


def _selector(names: _Names, component: str) -> dict[str, str]:
    # Selectors are immutable after creation: only labels that never change between releases.
    return {"app.kubernetes.io/name": names.app, "app.kubernetes.io/component": component}


def _store_container_vars() -> frozenset[str]:
    """Settings of the Postgres/MySQL/RabbitMQ containers themselves (compose runs those; here a
    managed service does), so the pods get the connection URL instead."""
    from dockwright.plan import facts

    return frozenset(row[0] for rows in facts.SERVICE_ENV.values() for row in rows)


@dataclass(frozen=True)
class PodEnvVar:
    name: str
    secret: bool
    optional: bool  # the app (or the image) has a default: a missing key must not block the pod


def pod_env(plan: ContainerPlan) -> tuple[PodEnvVar, ...]:
    """What the app processes read, split into Secret and ConfigMap keys.

    Connection URLs that compose wires (DATABASE_URL, REDIS_URL, CELERY_BROKER_URL) carry
    credentials on a real cluster, so they are secret even where the .env.example is not."""
    store_only = _store_container_vars()
    wired = set(plan.app_environment)
    out: list[PodEnvVar] = []
    for var in plan.env:
        if var.name in store_only and var.name not in wired:
            continue
        secret = var.secret or var.name in wired
        # The plan's contract: an empty placeholder marks a variable the app reads with a default.
        has_default = (not var.placeholder and var.name not in wired) or var.name in plan.runtime.env
        out.append(PodEnvVar(var.name, secret, optional=has_default and not secret))
    known = {var.name for var in out}
    out += [PodEnvVar(name, True, optional=False) for name in wired if name not in known]
    return tuple(sorted(out, key=lambda v: v.name))


def _env(plan: ContainerPlan, names: _Names, extra: dict[str, str]) -> list[dict[str, Any]]:
    """Explicit references, key by key: a missing key stops the pod with CreateContainerConfigError
    naming it, instead of an app that starts with half its settings. Values are never written."""
    entries: list[dict[str, Any]] = [{"name": key, "value": value} for key, value in sorted(extra.items())]
    for var in pod_env(plan):
        if var.name in extra:
            continue
        source = "secretKeyRef" if var.secret else "configMapKeyRef"
        ref: dict[str, Any] = {"name": names.secret if var.secret else names.config, "key": var.name}
        if var.optional:
            ref["optional"] = True  # the app or the image has a default (e.g. DJANGO_SETTINGS_MODULE)
        entries.append({"name": var.name, "valueFrom": {source: ref}})
    return entries


def _writable_mounts(plan: ContainerPlan) -> list[tuple[str, str]]:
    """(volume name, mount path): /tmp plus every directory the image lets the app write."""
    # An emptyDir on the workdir would hide the code, so a data file kept next to the code
    # (SQLite in the app directory) cannot be writable under a read-only root: the README says so.
    skip = {"/tmp", plan.runtime.workdir.rstrip("/")}
    paths = ["/tmp", *(d for d in plan.runtime.writable_dirs if d.rstrip("/") not in skip)]
    mounts: list[tuple[str, str]] = []
    seen: set[str] = set()
    names: set[str] = set()
    for path in paths:
        path = path.rstrip("/") or "/"
        if not path.startswith("/") or path in seen:
            continue
        seen.add(path)
        base = dns_name(path.strip("/").replace("/", "-") or "root", max_len=50)
        name = f"{base}-dir" if base != "tmp" else "tmp"
        suffix = 2
        while name in names:  # "/app/data" and "/app-data" would otherwise share a volume name
            name = f"{base}-dir-{suffix}"
            suffix += 1
        names.add(name)
        mounts.append((name, path))
    return mounts


def _pod_security(plan: ContainerPlan) -> dict[str, Any]:
    return {
        "runAsNonRoot": True,
        "runAsUser": plan.runtime.uid,
        "runAsGroup": plan.runtime.gid,
        "fsGroup": plan.runtime.gid,
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def _container_security() -> dict[str, Any]:
    return {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "capabilities": {"drop": ["ALL"]},
    }


def _resources(plan: ContainerPlan, policy: K8sPolicy, service: ServicePlan | None = None) -> dict[str, Any]:
    limit_milli = millicores(service.cpu_limit if service else plan.cpu_limit)
    memory = memory_quantity(service.memory_limit if service else plan.memory_limit)
    return {
        # Memory request == limit: memory cannot be throttled, only OOM-killed, so never overcommit it.
        "requests": {
            "cpu": cpu_quantity(max(1, round(limit_milli * policy.cpu_request_ratio))),
            "memory": memory,
        },
        "limits": {"cpu": cpu_quantity(limit_milli), "memory": memory},
    }


def _probe_handler(plan: ContainerPlan) -> dict[str, Any]:
    if plan.runtime.healthcheck.path:
        return {"httpGet": {"path": plan.runtime.healthcheck.path, "port": "http"}}
    return {"tcpSocket": {"port": "http"}}  # no health route found: at least the port must accept


def _probes(plan: ContainerPlan, policy: K8sPolicy) -> dict[str, Any]:
    hc = plan.runtime.healthcheck
    handler = _probe_handler(plan)
    startup_window = max(hc.start_period_s, 10) * policy.startup_window_factor
    return {
        "startupProbe": {
            **handler,
            "periodSeconds": policy.probe_period_s,
            "timeoutSeconds": hc.timeout_s,
            "failureThreshold": math.ceil(startup_window / policy.probe_period_s),
        },
        "readinessProbe": {
            **handler,
            "periodSeconds": policy.probe_period_s,
            "timeoutSeconds": hc.timeout_s,
            "failureThreshold": 2,
        },
        # Same endpoint, slower to give up than readiness: a pod is taken out of rotation quickly
        # but restarted only when it stays unhealthy (interval x retries of the image HEALTHCHECK).
        "livenessProbe": {
            **handler,
            "periodSeconds": hc.interval_s,
            "timeoutSeconds": hc.timeout_s,
            "failureThreshold": max(hc.retries, 3),
        },
    }


def _prestop(policy: K8sPolicy, mode: PreStop) -> dict[str, Any]:
    if mode == "sleep":
        # The kubelet sleeps itself: nothing has to exist in the image (distroless has no `sleep`).
        return {"preStop": {"sleep": {"seconds": policy.prestop_pause_s}}}
    # Clusters older than 1.30: the only program every image of ours has is python.
    return {
        "preStop": {
            "exec": {"command": ["python", "-c", f"import time; time.sleep({policy.prestop_pause_s})"]}
        }
    }


def web_grace_period(plan: ContainerPlan, policy: K8sPolicy = DEFAULT_POLICY) -> int:
    """The grace countdown includes the preStop hook, so it must cover the pause plus the time the
    server needs after SIGTERM (its graceful timeout and some slack, or the plan's stop grace)."""
    after_sigterm = max(plan.graceful_timeout_s + policy.shutdown_margin_s, plan.stop_grace_period_s)
    return policy.prestop_pause_s + after_sigterm


def _pod_spec(
    plan: ContainerPlan,
    image: ImageRef,
    names: _Names,
    *,
    container: dict[str, Any],
    grace_s: int,
    restart_never: bool = False,
) -> dict[str, Any]:
    mounts = _writable_mounts(plan)
    spec: dict[str, Any] = {
        # The app never talks to the Kubernetes API; a mounted token would only help an attacker.
        "automountServiceAccountToken": False,
        # Service links inject FOO_PORT=tcp://... for every Service in the namespace, which clobbers
        # settings such as POSTGRES_PORT or REDIS_PORT that apps read.
        "enableServiceLinks": False,
        "securityContext": _pod_security(plan),
        "terminationGracePeriodSeconds": grace_s,
        "containers": [
            {
                "name": container.pop("name"),
                "image": str(image),
                "imagePullPolicy": "IfNotPresent",  # the reference is immutable
                **container,
                "securityContext": _container_security(),
                "volumeMounts": [{"name": name, "mountPath": path} for name, path in mounts],
            }
        ],
        "volumes": [{"name": name, "emptyDir": {"sizeLimit": "256Mi"}} for name, _ in mounts],
    }
    if restart_never:
        spec["restartPolicy"] = "Never"
    return spec


def _metadata(name: str, labels: dict[str, str]) -> dict[str, Any]:
    return {"name": name, "labels": labels}


# ---------------------------------------------------------------------------------------------
# resources


def _web_deployment(
    plan: ContainerPlan, image: ImageRef, names: _Names, policy: K8sPolicy, prestop: PreStop
) -> dict[str, Any]:
    labels = _labels(names, "web")
    container: dict[str, Any] = {
        "name": "web",
        "ports": [{"name": "http", "containerPort": plan.runtime.port, "protocol": "TCP"}],
        "env": _env(plan, names, {plan.workers_env: str(web_workers(plan))}),
        "resources": _resources(plan, policy),
        **_probes(plan, policy),
        "lifecycle": _prestop(policy, prestop),
    }
    pod = _pod_spec(plan, image, names, container=container, grace_s=web_grace_period(plan, policy))
    pod["topologySpreadConstraints"] = [
        {
            "maxSkew": 1,
            "topologyKey": key,
            "whenUnsatisfiable": "ScheduleAnyway",
            "labelSelector": {"matchLabels": _selector(names, "web")},
        }
        for key in ("kubernetes.io/hostname", "topology.kubernetes.io/zone")
    ]
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": _metadata(names.web, labels),
        "spec": {
            # No `replicas`: the HorizontalPodAutoscaler owns the count, and a value here would reset
            # it on every `kubectl apply`.
            "revisionHistoryLimit": 5,
            "minReadySeconds": 5,
            "progressDeadlineSeconds": 600,
            "selector": {"matchLabels": _selector(names, "web")},
            "strategy": {
                "type": "RollingUpdate",
                # Never drop below the current capacity; add one new pod at a time.
                "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1},
            },
            "template": {"metadata": {"labels": labels}, "spec": pod},
        },
    }


def _service(plan: ContainerPlan, names: _Names) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": _metadata(names.web, _labels(names, "web")),
        "spec": {
            "type": "ClusterIP",
            "selector": _selector(names, "web"),
            "ports": [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}],
        },
    }


def _hpa(names: _Names, replicas: int, max_replicas: int, policy: K8sPolicy) -> dict[str, Any]:
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": _metadata(names.web, _labels(names, "web")),
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": names.web},
            "minReplicas": replicas,
            "maxReplicas": max_replicas,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "target": {"type": "Utilization", "averageUtilization": policy.hpa_cpu_utilization},
                    },
                }
            ],
        },
    }


def _pdb(names: _Names) -> dict[str, Any]:
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": _metadata(names.web, _labels(names, "web")),
        "spec": {
            # maxUnavailable (not minAvailable) so a single-replica app can still be drained.
            "maxUnavailable": 1,
            "selector": {"matchLabels": _selector(names, "web")},
            # A crash-looping pod must not block node drains.
            "unhealthyPodEvictionPolicy": "AlwaysAllow",
        },
    }


def migrate_job_name(plan: ContainerPlan, image: ImageRef) -> str:
    return f"{_Names.of(plan).app}-migrate-{image.short_id}"


def _migrate_job(plan: ContainerPlan, image: ImageRef, names: _Names, policy: K8sPolicy) -> dict[str, Any]:
    labels = _labels(names, "migrate")
    container: dict[str, Any] = {
        "name": "migrate",
        "args": list(plan.migrate_command),
        "env": _env(plan, names, {}),
        "resources": _resources(plan, policy),
    }
    pod = _pod_spec(plan, image, names, container=container, grace_s=30, restart_never=True)
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        # One Job per image: a Job's pod template is immutable, and each release must migrate once.
        "metadata": _metadata(migrate_job_name(plan, image), labels),
        "spec": {
            "backoffLimit": 2,  # retries cover a database that is still failing over, not a broken migration
            "activeDeadlineSeconds": policy.migrate_deadline_s,
            "ttlSecondsAfterFinished": policy.migrate_ttl_s,
            "template": {"metadata": {"labels": labels}, "spec": pod},
        },
    }


def _worker_deployment(
    plan: ContainerPlan, service: ServicePlan, image: ImageRef, names: _Names, policy: K8sPolicy
) -> dict[str, Any]:
    component = "worker" if service.kind == "celery-worker" else "beat"
    labels = _labels(names, component)
    container: dict[str, Any] = {
        "name": component,
        # args, not command: keeps the image's ENTRYPOINT (e.g. tini) in front of Celery.
        "args": worker_args(service, plan),
        "env": _env(plan, names, {}),
        "resources": _resources(plan, policy, service),
        # No probes: `celery inspect ping` goes through the broker, so a broker outage would restart
        # every worker at once, and each probe starts a full interpreter. Celery exits on fatal
        # errors and the kubelet restarts it.
    }
    strategy: dict[str, Any] = (
        # Two schedulers would send every periodic task twice: stop the old one before the new starts.
        {"type": "Recreate"}
        if component == "beat"
        else {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}}
    )
    spec: dict[str, Any] = {
        "replicas": 1,  # scale workers on queue length (e.g. KEDA), not CPU; beat must stay at 1
        "revisionHistoryLimit": 5,
        "selector": {"matchLabels": _selector(names, component)},
        "strategy": strategy,
        "template": {
            "metadata": {"labels": labels},
            "spec": _pod_spec(plan, image, names, container=container, grace_s=policy.worker_grace_s),
        },
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": _metadata(f"{names.app}-{component}", labels),
        "spec": spec,
    }


def _kubectl(namespace: str | None) -> str:
    return f"kubectl -n {namespace}" if namespace else "kubectl"


def _settings_commands(plan: ContainerPlan, names: _Names, namespace: str | None) -> list[str]:
    """kubectl commands that create the Secret/ConfigMap the pods reference (only those used)."""
    env = pod_env(plan)
    kubectl = _kubectl(namespace)
    commands = []
    if any(v.secret for v in env):
        commands.append(f"{kubectl} create secret generic {names.secret} --from-env-file=secret.env")
    if any(not v.secret for v in env):
        commands.append(f"{kubectl} create configmap {names.config} --from-env-file=config.env")
    return commands


def _migrate_commands(
    plan: ContainerPlan, image: ImageRef, policy: K8sPolicy, namespace: str | None
) -> list[str]:
    job = migrate_job_name(plan, image)
    wait_s = policy.migrate_deadline_s + 60  # the Job's own deadline ends it first
    kubectl = _kubectl(namespace)
    return [
        "kubectl apply -f migrate-job.yaml",
        f"{kubectl} wait --for=condition=complete --timeout={wait_s}s job/{job} \\",
        f"  || {{ {kubectl} logs job/{job}; exit 1; }}",
    ]


def _kustomization(
    resources: list[str],
    plan: ContainerPlan,
    image: ImageRef,
    names: _Names,
    policy: K8sPolicy,
    namespace: str | None,
) -> str:
    header = [
        f"Kubernetes manifests for {names.app}, generated by `dockwright k8s` from the container plan.",
        "Apply order (kustomize cannot order a Job before a Deployment; see README.md):",
    ]
    steps: list[list[str]] = []
    if settings := _settings_commands(plan, names, namespace):
        steps.append(settings)
    if plan.migrate_command:
        steps.append(_migrate_commands(plan, image, policy, namespace))
    steps.append(["kubectl apply -k ."])
    for number, commands in enumerate(steps, start=1):
        header += [f"  {number}. {commands[0]}", *(f"     {c}" for c in commands[1:])]
    data = {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": resources,
    }
    return dump(data, header=header)


def _keys(keys: list[str]) -> str:
    return ", ".join(f"`{k}`" for k in keys) or "none"


def _readme(
    plan: ContainerPlan,
    image: ImageRef,
    names: _Names,
    files: list[str],
    policy: K8sPolicy,
    prestop: PreStop,
    namespace: str | None,
) -> str:
    env = pod_env(plan)
    stores = sorted({s.kind for s in plan.services if s.kind in BACKING_STORES})
    dropped = sorted(
        v.name for v in plan.env if v.name in _store_container_vars() and v.name not in {e.name for e in env}
    )
    lines = [
        f"# Kubernetes manifests for {names.app}",
        "",
        f"Generated by `dockwright k8s` for image `{image}`.",
        f"Files: {', '.join(f'`{f}`' for f in files)}.",
        "",
        "## Settings the pods expect",
        "",
    ]
    secret_keys = [v.name for v in env if v.secret]
    config_keys = [v.name for v in env if not v.secret and not v.optional]
    optional_keys = [v.name for v in env if v.optional]
    if settings := _settings_commands(plan, names, namespace):
        lines += [
            "dockwright never writes values. Create these before the first rollout, from files "
            "you do not commit:",
            "",
            "```sh",
            *settings,
            "```",
            "",
            f"- Secret `{names.secret}` keys: {_keys(secret_keys)}",
            f"- ConfigMap `{names.config}` keys: {_keys(config_keys)}",
            f"- optional ConfigMap keys (the app has a default): {_keys(optional_keys)}",
            "",
            "Each key is referenced one by one: if a required key is missing, the pod stops with "
            "`CreateContainerConfigError` naming it.",
            "",
        ]
    else:
        lines += ["The app reads no settings from the environment beyond what the manifests set.", ""]
    if stores:
        lines += [
            "## Backing services are not deployed here",
            "",
            f"The app uses {', '.join(stores)}. Run them as managed services (Cloud SQL, RDS, Azure "
            "Database, ElastiCache, Memorystore...) or with an operator (CloudNativePG for Postgres, "
            "a Redis operator) and put their connection URLs in the Secret above.",
        ]
        if dropped:
            lines.append(
                f"The database container's own settings ({_keys(dropped)}) are not passed to the app: "
                "it connects through the URL."
            )
        lines.append("")
    if plan.framework == "django" and plan.runtime.healthcheck.path:
        lines += [
            "## Django and the probes",
            "",
            f"The kubelet probes `{plan.runtime.healthcheck.path}` with "
            f"`Host: <pod IP>:{plan.runtime.port}`, "
            "which `ALLOWED_HOSTS` rejects with 400. Answer the health path before host validation (a "
            "small middleware first in `MIDDLEWARE`), or add an `httpHeaders` Host entry to the probes.",
            "",
        ]
    extra_dirs = [d for d in plan.runtime.writable_dirs if d.rstrip("/") != "/tmp"]
    if extra_dirs:
        lines += [
            "## Writable directories",
            "",
            f"The root filesystem is read-only. {_keys(extra_dirs)} is an `emptyDir`: per pod, and lost "
            "when the pod goes away. Keep uploads in object storage, or replace the volume with a "
            "PersistentVolumeClaim (ReadWriteMany when there is more than one replica).",
            "",
        ]
    pause = (
        "the kubelet's `sleep` action (Kubernetes 1.30 or newer; nothing needs to exist in the image)"
        if prestop == "sleep"
        else "`python -c time.sleep` (for clusters older than 1.30, where the `sleep` action is missing)"
    )
    lines += [
        "## Shutdown",
        "",
        f"On termination the pod first pauses {policy.prestop_pause_s} s with {pause}, so Services and "
        "ingress controllers stop routing to it, then the server gets SIGTERM and finishes its in-flight "
        f"requests (graceful timeout {plan.graceful_timeout_s} s). `terminationGracePeriodSeconds` "
        f"({web_grace_period(plan, policy)} s) covers both.",
        "",
        "## Rollout",
        "",
        "```sh",
    ]
    if plan.migrate_command:
        lines += [
            "# 1. migrations, once per image, before any new web pod serves traffic",
            *_migrate_commands(plan, image, policy, namespace),
            "# 2. everything else",
        ]
    rollout = f"{_kubectl(namespace)} rollout status deployment/{names.web} --timeout=10m"
    lines += ["kubectl apply -k .", rollout, "```", ""]
    return "\n".join(lines)


def _place(resource: dict[str, Any], namespace: str | None, pull_secret: str | None) -> dict[str, Any]:
    """Namespace on the object (so `kubectl apply -f` and `-k` agree) and the registry credentials
    on its pod template."""
    if namespace:
        metadata = resource["metadata"]
        resource["metadata"] = {"name": metadata["name"], "namespace": namespace, **metadata}
    template = resource.get("spec", {}).get("template")
    if pull_secret and template is not None:
        template["spec"]["imagePullSecrets"] = [{"name": pull_secret}]
    return resource


def k8s_manifests(
    plan: ContainerPlan,
    *,
    image: str,
    replicas: int,
    max_replicas: int | None = None,
    prestop: PreStop = "sleep",
    namespace: str | None = None,
    image_pull_secret: str | None = None,
    policy: K8sPolicy = DEFAULT_POLICY,
) -> dict[str, str]:
    """Filename -> YAML for the web Deployment, Service, HPA, PDB, migration Job and Celery workers."""
    if replicas < 1:
        raise DockwrightError(f"--replicas must be at least 1 (got {replicas})")
    ceiling = max_replicas if max_replicas is not None else max(3, replicas * 3)
    if ceiling < replicas:
        raise DockwrightError(f"--max-replicas ({ceiling}) is below --replicas ({replicas})")
    for flag, value in (("--namespace", namespace), ("--image-pull-secret", image_pull_secret)):
        if value is not None and (
            len(value) > 63 or not re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", value)
        ):
            raise DockwrightError(f"{flag} {value!r} is not a valid name (lowercase letters, digits, '-')")
    ref = parse_pinned_image(image)
    names = _Names.of(plan)

    def place(resource: dict[str, Any]) -> dict[str, Any]:
        return _place(resource, namespace, image_pull_secret)

    header = [f"Generated by `dockwright k8s` from the container plan of {names.app}; see README.md."]
    files: dict[str, str] = {
        "deployment.yaml": dump(place(_web_deployment(plan, ref, names, policy, prestop)), header=header),
        "service.yaml": dump(place(_service(plan, names)), header=header),
        "hpa.yaml": dump(place(_hpa(names, replicas, ceiling, policy)), header=header),
        "pdb.yaml": dump(place(_pdb(names)), header=header),
    }
    for service in plan.services:
        if service.kind in WORKER_KINDS:
            component = "worker" if service.kind == "celery-worker" else "beat"
            files[f"{component}-deployment.yaml"] = dump(
                place(_worker_deployment(plan, service, ref, names, policy)), header=header
            )
    resources = list(files)
    if plan.migrate_command:
        files["migrate-job.yaml"] = dump(
            place(_migrate_job(plan, ref, names, policy)),
            header=[
                *header,
                "Not part of kustomization.yaml on purpose: apply it and wait for completion BEFORE the",
                "Deployment, so no new pod serves traffic against an unmigrated schema.",
            ],
        )
    files["kustomization.yaml"] = _kustomization(resources, plan, ref, names, policy, namespace)
    files["README.md"] = _readme(plan, ref, names, sorted([*files, "README.md"]), policy, prestop, namespace)
    return dict(sorted(files.items()))
