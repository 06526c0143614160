"""Hand-built ProjectInfo objects, so plan/render tests never depend on detect's internals."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from dockwright.detect.model import DjangoInfo, NativeNeed, ProjectInfo

PSYCOPG2 = NativeNeed(
    package="psycopg2",
    build=("build-essential", "libpq-dev"),
    runtime=("libpq5",),
    reason="psycopg2 compiles against libpq",
)


def make_info(**overrides: Any) -> ProjectInfo:
    """A FastAPI app with uv.lock; override any field."""
    base = ProjectInfo(
        root="/src/shop",
        name="shop",
        framework="fastapi",
        interface="asgi",
        app="main:app",
        app_dir="",
        server="uvicorn",
        server_in_dependencies=True,
        dependency_manager="uv",
        manifests=("pyproject.toml",),
        lock_file="uv.lock",
        requirements_files=(),
        dependencies=("fastapi", "uvicorn"),
        is_package=False,
        install_project=False,
        python="3.13",
        native=(),
        services=(),
        celery_app=None,
        django=None,
        migrations=None,
        static_root=None,
        health_path="/healthz",
        port=8000,
        writable_dirs=(),
        env_vars=(),
    )
    return replace(base, **overrides)


def django_info(**overrides: Any) -> ProjectInfo:
    """Django + Postgres (psycopg2 from source) + Redis + Celery worker/beat, requirements files."""
    django = DjangoInfo(
        settings_module="config.settings.production",
        wsgi_application="config.wsgi:application",
        asgi_application=None,
        static_root="staticfiles",
        media_root="media",
        manage_py="manage.py",
    )
    base = make_info(
        name="guestbook",
        framework="django",
        interface="wsgi",
        app="config.wsgi:application",
        server="gunicorn",
        server_in_dependencies=False,
        dependency_manager="pip",
        manifests=("requirements.txt", "requirements/base.txt"),
        lock_file=None,
        requirements_files=("requirements.txt",),
        dependencies=("django", "psycopg2", "celery", "redis", "dj-database-url"),
        native=(PSYCOPG2,),
        services=("postgres", "redis", "celery-worker", "celery-beat"),
        celery_app="config",
        django=django,
        migrations="django",
        static_root="staticfiles",
        health_path="/healthz/",
        writable_dirs=("media",),  # detect lists MEDIA_ROOT here, relative to the project root
        env_vars=("DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DJANGO_DEBUG", "DJANGO_ALLOWED_HOSTS"),
    )
    return replace(base, **overrides)


def flask_info(**overrides: Any) -> ProjectInfo:
    """Flask app factory in a src layout, PEP 621 package with a poetry.lock, Redis."""
    base = make_info(
        name="visits",
        framework="flask",
        interface="wsgi",
        app="visits:create_app()",
        app_dir="src",
        server="gunicorn",
        server_in_dependencies=True,
        dependency_manager="poetry",
        manifests=("pyproject.toml",),
        lock_file="poetry.lock",
        dependencies=("flask", "redis", "gunicorn"),
        is_package=True,
        install_project=True,
        services=("redis",),
        health_path="/healthz",
        env_vars=("REDIS_URL", "SECRET_KEY", "UPLOAD_DIR"),
        writable_dirs=("var/uploads",),
    )
    return replace(base, **overrides)
