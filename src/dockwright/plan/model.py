"""ContainerPlan: the decisions render turns into files, as plain JSON-printable data.

``dockwright plan`` prints ``to_dict()``; tests assert on it before any template runs. Kubernetes
and CI generators read the same plan, so the port, user, health path and commands agree everywhere.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class HealthCheck:
    path: str | None  # HTTP path probed; None means a TCP connect probe (no health route found)
    command: tuple[str, ...]  # exec-form HEALTHCHECK CMD using the Python standard library only
    interval_s: int = 10
    timeout_s: int = 3
    start_period_s: int = 20
    retries: int = 3


@dataclass(frozen=True)
class CopyStep:
    """One ``COPY sources... dest`` (COPY flattens several sources into one directory, so one per dir)."""

    sources: tuple[str, ...]
    dest: str


@dataclass(frozen=True)
class BuilderStage:
    apt_packages: tuple[str, ...]  # build-only OS packages (compilers, -dev headers); empty: no apt step
    manifests: tuple[str, ...]  # copied before the dependency install, for layer caching
    install_commands: tuple[str, ...]  # shell commands that fill /opt/venv from the lock/manifests
    project_install_commands: tuple[
        str, ...
    ]  # after COPY of the code, into PROJECT_DIR; () when not a package
    installer: str  # "uv", "pip", "poetry", "pdm", "pipenv": the tool that runs install_commands
    copy_manifests: tuple[CopyStep, ...] = ()  # the COPY lines for ``manifests``, grouped by directory
    tool_install: tuple[str, ...] = ()  # installs the installer (uv) in a throwaway directory of this stage
    venv_command: str = ""  # creates /opt/venv
    server_requirements: tuple[str, ...] = ()  # server packages the project does not depend on itself
    env: dict[str, str] = field(default_factory=dict)  # ENV of the builder stage only
    cache_mounts: tuple[str, ...] = ()  # BuildKit cache mount targets of the install RUN lines
    lock_note: str = ""  # how the lock file is honoured, one sentence


@dataclass(frozen=True)
class RuntimeStage:
    apt_packages: tuple[str, ...]  # runtime OS libraries only
    env: dict[str, str]  # ENV lines of the final stage (no secrets, ever)
    user: str
    uid: int
    gid: int
    workdir: str  # "/app"
    pythonpath: str | None  # e.g. "/app/src" for a src layout that is not installed
    writable_dirs: tuple[str, ...]  # absolute paths chowned to the app user
    port: int
    command: tuple[str, ...]  # exec-form CMD
    entrypoint: tuple[str, ...]  # e.g. ("tini", "--") when the server does not reap children; else ()
    healthcheck: HealthCheck
    collectstatic: tuple[str, ...]  # build-time command (Django), empty when not needed
    compile_bytecode: bool  # precompile .pyc at build time (chosen from bench/ measurements)
    collectstatic_env: dict[str, str] = field(default_factory=dict)  # throwaway values, that RUN line only
    static_dir: str | None = None  # absolute path collectstatic fills in the builder; copied from there
    web_concurrency: int = 1  # default of ``workers_env`` baked into the image (override at run time)


@dataclass(frozen=True)
class ServicePlan:
    """A compose service: a backing store (postgres/redis/...) or a process of the app (worker, migrate)."""

    name: str
    kind: str  # "postgres", "mysql", "redis", "rabbitmq", "celery-worker", "celery-beat", "migrate"
    image: str | None  # pinned image for backing stores; None: built from the app's Dockerfile
    command: tuple[str, ...]
    environment: dict[str, str]  # values are ${VAR} references into .env, never literal secrets
    healthcheck: tuple[str, ...]  # compose healthcheck test (CMD form), empty when none
    volume: str | None  # named volume for data
    volume_target: str | None
    port: int | None  # container port (databases are never published in compose.yaml)
    depends_on: dict[str, str] = field(default_factory=dict)  # service -> compose condition
    cpu_limit: str = "1.0"
    memory_limit: str = "512m"


@dataclass(frozen=True)
class EnvVar:
    name: str
    placeholder: str  # safe value written to .env.example; "" = optional, listed commented out (app default)
    comment: str
    secret: bool  # goes to a Secret (k8s) / never into an image


@dataclass(frozen=True)
class VolumeMount:
    volume: str  # named volume
    target: str  # absolute path in the container


@dataclass(frozen=True)
class ContainerPlan:
    name: str
    python_version: str  # "3.13"
    debian: str  # "trixie"
    base_image: str  # full reference of both stages, e.g. "python:3.13-slim-trixie"
    builder: BuilderStage
    runtime: RuntimeStage
    framework: str
    server: str  # "uvicorn" or "gunicorn"
    workers_env: str  # env var that sets the worker count, "WEB_CONCURRENCY"
    graceful_timeout_s: int
    migrate_command: tuple[str, ...]  # one-shot migrations, empty when none; never in the web CMD
    services: tuple[ServicePlan, ...]
    env: tuple[EnvVar, ...]
    dockerignore: tuple[str, ...]
    memory_limit: str = "512m"
    cpu_limit: str = "1.0"
    notes: tuple[str, ...] = field(default_factory=tuple)  # why-comments rendered into the Dockerfile
    base_image_from_arg: bool = (
        True  # FROM uses ``python:${PYTHON_VERSION}-slim-<debian>``; False: --base-image
    )
    stop_grace_period_s: int = 30  # time between SIGTERM and SIGKILL the platform must give
    app_environment: dict[str, str] = field(default_factory=dict)  # compose wiring (DATABASE_URL...)
    app_volumes: tuple[VolumeMount, ...] = ()  # named volumes on the writable dirs
    app_depends_on: dict[str, str] = field(default_factory=dict)  # service -> compose condition
    publish_host: str = "127.0.0.1"  # compose publishes the port on this address only
    dev_command: tuple[str, ...] = ()  # compose.override.yaml: server with reload
    dev_environment: dict[str, str] = field(default_factory=dict)
    # compose.override.yaml: anonymous volumes that keep build output (collected static files) visible
    # under the source bind mount
    dev_preserved_dirs: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
