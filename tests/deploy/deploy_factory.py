"""Hand-built ContainerPlans so the generators are tested without detect/plan.

A uniquely named module (not conftest.py) so `from deploy_factory import ...` can never pick up
another directory's conftest."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from dockwright.plan.model import (
    BuilderStage,
    ContainerPlan,
    EnvVar,
    HealthCheck,
    RuntimeStage,
    ServicePlan,
)

SHA_IMAGE = "ghcr.io/acme/shop:3f2a9c1d7e4b"
DIGEST_IMAGE = "ghcr.io/acme/shop@sha256:" + "ab" * 32


def build_plan(
    *,
    name: str = "shop",
    framework: str = "fastapi",
    server: str = "uvicorn",
    health_path: str | None = "/healthz",
    migrate: tuple[str, ...] = (),
    services: tuple[str, ...] = (),
    env: tuple[EnvVar, ...] | None = None,
    writable_dirs: tuple[str, ...] = (),
    command: tuple[str, ...] | None = None,
    graceful_timeout_s: int = 30,
    **overrides: Any,
) -> ContainerPlan:
    port = 8000
    if command is None:
        command = (
            ("uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", str(port))
            if server == "uvicorn"
            else ("gunicorn", "config.wsgi:application", "--bind", f"0.0.0.0:{port}")
        )
    service_plans = tuple(_service(kind) for kind in services)
    if env is None:
        env = (
            EnvVar("DATABASE_URL", "postgresql://app:change-me@db:5432/app", "database", secret=True),
            EnvVar("SECRET_KEY", "change-me", "signing key", secret=True),
            EnvVar("LOG_LEVEL", "info", "log level", secret=False),
        )
    plan = ContainerPlan(
        name=name,
        python_version="3.13",
        debian="trixie",
        base_image="python:3.13-slim-trixie",
        builder=BuilderStage(
            apt_packages=(),
            manifests=("requirements.txt",),
            install_commands=("pip install -r requirements.txt",),
            project_install_commands=(),
            installer="pip",
        ),
        runtime=RuntimeStage(
            apt_packages=(),
            env={"PYTHONUNBUFFERED": "1"},
            user="app",
            uid=10001,
            gid=10001,
            workdir="/app",
            pythonpath=None,
            writable_dirs=writable_dirs,
            port=port,
            command=command,
            entrypoint=(),
            healthcheck=HealthCheck(
                path=health_path,
                command=("python", "-c", "import urllib.request"),
            ),
            collectstatic=(),
            compile_bytecode=True,
        ),
        framework=framework,
        server=server,
        workers_env="WEB_CONCURRENCY",
        graceful_timeout_s=graceful_timeout_s,
        migrate_command=migrate,
        services=service_plans,
        env=env,
        dockerignore=(".git",),
    )
    return replace(plan, **overrides) if overrides else plan


def _service(kind: str) -> ServicePlan:
    commands = {
        "celery-worker": ("celery", "-A", "config", "worker", "--loglevel=INFO"),
        "celery-beat": ("celery", "-A", "config", "beat", "--loglevel=INFO"),
        "migrate": ("python", "manage.py", "migrate", "--noinput"),
    }
    image = {"postgres": "postgres:17-trixie", "redis": "redis:8-trixie"}.get(kind)
    return ServicePlan(
        name=kind,
        kind=kind,
        image=image,
        command=commands.get(kind, ()),
        environment={},
        healthcheck=(),
        volume=None,
        volume_target=None,
        port=None,
    )


def django_plan() -> ContainerPlan:
    return build_plan(
        name="django-site",
        framework="django",
        server="gunicorn",
        health_path="/health/",
        migrate=("python", "manage.py", "migrate", "--noinput"),
        services=("postgres", "redis", "celery-worker", "celery-beat", "migrate"),
        writable_dirs=("/app/media",),
    )
