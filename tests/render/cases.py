"""Named ProjectInfo + planning options covering every framework family, manager and service mix."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from info_factory import PSYCOPG2, django_info, flask_info, make_info

from dockwright.detect.model import ProjectInfo
from dockwright.plan import make_plan
from dockwright.plan.model import ContainerPlan

GITIGNORE = "# local\n*.log\n/secrets/\nnode_modules/\n!important.log\n"


def _case(info: Callable[[], ProjectInfo], **kwargs: Any) -> Callable[[], ContainerPlan]:
    return lambda: make_plan(info(), gitignore=GITIGNORE, **kwargs)


CASES: dict[str, Callable[[], ContainerPlan]] = {
    # FastAPI, uv.lock, not a package, no services, env vars read by the code
    "fastapi-uv": _case(lambda: make_info(env_vars=("API_TOKEN", "LOG_LEVEL"), server_in_dependencies=False)),
    # FastAPI as an installed src-layout package, four workers -> gunicorn + uvicorn workers
    "fastapi-uv-package-workers": _case(
        lambda: make_info(
            app="shop.main:app", app_dir="src", is_package=True, install_project=True, name="shop"
        ),
        workers=4,
    ),
    # Django: requirements with includes, psycopg2 from source, Postgres, Redis, Celery, collectstatic
    "django-pip-postgres-celery": _case(django_info),
    # Flask factory, src layout package, poetry.lock, Redis, an upload directory
    "flask-poetry-src-redis": _case(flask_info),
    # Quart, pdm.lock, MySQL + RabbitMQ + Celery worker, Alembic migrations
    "quart-pdm-mysql-rabbitmq": _case(
        lambda: make_info(
            name="chat",
            framework="quart",
            app="chat.app:app",
            dependency_manager="pdm",
            lock_file="pdm.lock",
            dependencies=("quart", "sqlalchemy", "aiomysql", "celery", "alembic"),
            services=("mysql", "rabbitmq", "celery-worker"),
            celery_app="chat.tasks",
            migrations="alembic",
            env_vars=("DATABASE_URL", "SESSION_SECRET", "CELERY_BROKER_URL"),
        )
    ),
    # Starlette on bookworm, Pipfile.lock, no health route (TCP probe), SQLite data directory, psycopg2
    "starlette-pipenv-bookworm": _case(
        lambda: make_info(
            name="notes",
            framework="starlette",
            app="notes:app",
            python="3.11",
            dependency_manager="pipenv",
            manifests=("Pipfile",),
            lock_file="Pipfile.lock",
            health_path=None,
            writable_dirs=("data",),
            native=(PSYCOPG2,),
        ),
        debian="bookworm",
    ),
    # Plain WSGI app, PEP 621 without a lock, factory, private base image, port 5000
    "wsgi-pep621-base-image": _case(
        lambda: make_info(
            name="legacy",
            framework="wsgi",
            interface="wsgi",
            app="legacy.web:make_app()",
            server="gunicorn",
            server_in_dependencies=False,
            dependency_manager="pep621",
            lock_file=None,
            is_package=True,
            install_project=True,
            port=5000,
            health_path="/ping",
        ),
        base_image="registry.internal/python:3.13-slim-trixie",
    ),
}
