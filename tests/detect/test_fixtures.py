"""The realistic fixture projects under tests/fixtures/projects, decision by decision."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from dockwright.detect import DjangoInfo, NativeNeed

from .conftest import FIXTURES, detect


def evidence_for(info: object, what: str) -> list[tuple[str, int | None, str]]:
    return [(e.file, e.line, e.why) for e in info.evidence if e.what == what]  # type: ignore[attr-defined]


def test_fastapi_uv_src_layout() -> None:
    info = detect(FIXTURES / "fastapi-uv-src")
    assert info.framework == "fastapi"
    # src layout: import path without "src.", with src on PYTHONPATH; never `python -m acme_orders_api`
    assert (info.app, info.app_dir) == ("acme.main:app", "src")
    assert info.name == "acme-orders-api"
    assert info.dependency_manager == "uv" and info.lock_file == "uv.lock"
    # a package, but nothing needs it installed: it runs from src/ (no build, so no readme needed)
    assert info.manifests == ("pyproject.toml", "uv.lock")
    assert info.is_package is True and info.install_project is False
    assert info.dependencies == ("fastapi", "uvicorn", "asyncpg", "pydantic-settings")
    assert info.python == "3.13"  # requires-python >=3.12,<3.14: newest stable that fits
    assert info.services == ("postgres",)
    assert info.server == "uvicorn" and info.server_in_dependencies
    # router prefix + include_router prefix; the POST /health is not a probe target
    assert info.health_path == "/internal/ops/healthz"
    assert info.env_vars == ("ACME_DATABASE_URL", "ACME_DEBUG", "SENTRY_DSN")
    assert info.native == ()
    assert evidence_for(info, "health") == [
        ("src/acme/api/ops.py", 6, "@router.get('/healthz') serves GET /internal/ops/healthz")
    ]


def test_flask_poetry_factory() -> None:
    info = detect(FIXTURES / "flask-poetry-factory")
    assert (info.framework, info.interface) == ("flask", "wsgi")
    assert info.app == "shopfront:create_app()"
    assert info.app_dir == ""
    assert info.dependency_manager == "poetry" and info.lock_file == "poetry.lock"
    # optional (sentry-sdk) and dev-group (pytest, mysqlclient) dependencies never count
    assert info.dependencies == ("flask", "gunicorn", "psycopg2")
    assert [n.package for n in info.native] == ["psycopg2"]  # not mysqlclient: it is dev-only
    assert info.native[0] == NativeNeed(
        "psycopg2", ("build-essential", "libpq-dev"), ("libpq5",), info.native[0].reason
    )
    assert info.python == "3.15"  # ^3.11 allows every stable release up to 3.15
    assert info.is_package is True
    assert info.server == "gunicorn" and info.server_in_dependencies
    assert info.health_path == "/api/ping"  # blueprint registered with url_prefix="/api"
    assert info.services == ("postgres",)
    assert info.env_vars == ("DATABASE_URL", "SECRET_KEY")
    assert any("factory" in why for _, _, why in evidence_for(info, "framework"))


def test_django_split_settings_and_requirements_includes() -> None:
    info = detect(FIXTURES / "django-split-settings")
    assert (info.framework, info.app, info.interface) == ("django", "config.wsgi:application", "wsgi")
    # wsgi.py's settings (production), not manage.py's local settings
    assert info.django == DjangoInfo(
        settings_module="config.settings.production",
        wsgi_application="config.wsgi:application",
        asgi_application="config.asgi:application",
        static_root="staticfiles",
        media_root="blog/media",
        manage_py="manage.py",
    )
    assert info.static_root == "staticfiles"
    assert info.writable_dirs == ("blog/media",)
    assert info.dependency_manager == "pip"
    assert info.requirements_files == ("requirements/production.txt",)
    assert info.manifests == (
        "requirements/production.txt",
        "requirements/base.txt",
        "requirements/constraints.txt",
    )
    # local.txt (dev) never installed; the win32-only marker is dropped on Linux
    assert "django-debug-toolbar" not in info.dependencies and "pywin32" not in info.dependencies
    assert info.dependencies == (
        "django",
        "django-environ",
        "psycopg2",
        "celery",
        "django-celery-beat",
        "django-redis",
        "gunicorn",
        "sentry-sdk",
    )
    assert info.python == "3.12"  # runtime.txt python-3.12.8
    assert info.services == ("postgres", "redis", "celery-worker", "celery-beat")
    assert info.celery_app == "config.celery_app:app"
    assert info.migrations == "django"
    assert info.health_path == "/ops/healthz/"  # healthz beats ping; include() prefix applied
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"} <= set(info.env_vars)
    assert [n.package for n in info.native] == ["psycopg2"]
    assert evidence_for(info, "static") == [
        ("config/settings/base.py", 25, "STATIC_ROOT = staticfiles: collectstatic at build time")
    ]


def test_starlette_pdm_app_in_subfolder() -> None:
    info = detect(FIXTURES / "starlette-pdm")
    assert (info.framework, info.app, info.app_dir) == ("starlette", "pulse.app:application", "backend")
    assert info.dependency_manager == "pdm" and info.lock_file == "pdm.lock"
    assert info.is_package is False  # [tool.pdm] distribution = false
    assert info.health_path == "/ready"  # ready is preferred to ping
    assert info.services == ("redis",)
    assert "pytest" not in info.dependencies


def test_litestar_pipenv_mysqlclient() -> None:
    info = detect(FIXTURES / "litestar-pipenv")
    assert (info.framework, info.app) == ("litestar", "app:app")
    assert info.dependency_manager == "pipenv"
    assert info.manifests == ("Pipfile", "Pipfile.lock")
    assert info.python == "3.13"
    assert info.server_in_dependencies  # litestar[standard] brings uvicorn (seen in Pipfile.lock)
    assert info.native == (
        NativeNeed(
            "mysqlclient",
            ("build-essential", "default-libmysqlclient-dev", "pkg-config"),
            ("libmariadb3",),
            info.native[0].reason,
        ),
    )
    assert info.services == ("mysql",)  # psycopg2 is a dev package: no postgres
    assert info.health_path == "/health"  # health beats livez


def test_quart_pep621_namespace_subfolder() -> None:
    info = detect(FIXTURES / "quart-pep621")
    # service/app.py imports its sibling `views` directly, so service/ must be on PYTHONPATH
    assert (info.framework, info.app, info.app_dir) == ("quart", "app:app", "service")
    assert info.dependency_manager == "pep621" and info.lock_file is None
    assert info.python == "3.12"
    assert info.server == "uvicorn" and not info.server_in_dependencies
    assert info.health_path == "/health"


def test_sanic_requirements_includes(fixture_copy: Callable[[str], Path]) -> None:
    info = detect(FIXTURES / "sanic-requirements")
    assert (info.framework, info.app) == ("sanic", "server:app")
    assert info.requirements_files == ("requirements.txt",)
    assert info.manifests == ("requirements.txt", "requirements/common.txt", "requirements/constraints.txt")
    assert info.dependencies == ("aiomysql", "pyodbc", "sanic")  # constraints are not dependencies
    assert info.python == "3.12"
    assert [(n.package, n.build, n.runtime) for n in info.native] == [("pyodbc", (), ("libodbc2",))]
    assert info.services == ("mysql",)
    assert info.health_path == "/ping"


def test_overrides_python_app_port() -> None:
    info = detect(FIXTURES / "fastapi-uv-src", python="3.12", port=9000)
    assert info.python == "3.12" and info.port == 9000
    info = detect(FIXTURES / "fastapi-uv-src", python="3.11")
    assert info.python == "3.11"  # honoured, with a warning in the evidence
    assert any("does not satisfy" in why for _, _, why in evidence_for(info, "python"))
    info = detect(FIXTURES / "django-split-settings", app="config.asgi:application")
    assert (info.app, info.interface, info.server) == ("config.asgi:application", "asgi", "uvicorn")
