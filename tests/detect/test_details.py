"""Smaller decisions: manifests, native needs, services, health routes, env vars, writable dirs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from dockwright.detect.dependencies import is_dev_requirements
from dockwright.detect.health import health_rank

from .conftest import detect

Project = Callable[[dict[str, str]], Path]
WSGI_PY = "from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n"
FASTAPI = {"main.py": "from fastapi import FastAPI\napp = FastAPI()\n"}


# --- requirements files ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "dev"),
    [
        ("requirements.txt", False),
        ("requirements-dev.txt", True),
        ("requirements_test.txt", True),
        ("requirements/dev.txt", True),
        ("requirements/local.txt", True),
        ("requirements/lint.txt", True),
        ("requirements/docs.txt", True),
        ("requirements/base.txt", False),
        ("requirements/production.txt", False),
        ("requirements-prod.txt", False),
    ],
)
def test_dev_requirement_files(name: str, dev: bool) -> None:
    assert is_dev_requirements(name) is dev


def test_requirements_syntax(project: Project) -> None:
    root = project(
        {
            **FASTAPI,
            "requirements.txt": """
                --index-url https://index.example/simple
                --extra-index-url https://index.example/other
                fastapi[all]==0.115.6 \\
                    --hash=sha256:aaaa \\
                    --hash=sha256:bbbb
                Django_Filter==24.3  # normalised name
                uvicorn ; python_version >= "3.8"
                pywin32 ; sys_platform == "win32"
                -e git+https://index.example/repo.git#egg=internal_lib
                https://index.example/wheels/foo-1.0-py3-none-any.whl
                ./vendor/localpkg
                -r base.txt
            """,
            "base.txt": "psycopg[c]>=3.2\n",
            "vendor/localpkg/pyproject.toml": '[project]\nname = "localpkg"\nversion = "1"\n',
        }
    )
    info = detect(root)
    assert info.dependencies == ("fastapi", "django-filter", "uvicorn", "internal-lib", "psycopg")
    # a local path requirement must be in the image before pip runs (railpack#234's failure)
    assert info.manifests == ("requirements.txt", "base.txt", "vendor/localpkg")
    assert info.server_in_dependencies
    assert [(n.package, n.build, n.runtime) for n in info.native] == [
        ("psycopg-c", ("build-essential", "libpq-dev"), ("libpq5",))
    ]


def _self_installing_project(project: Project, pyproject_extra: str = "") -> Path:
    """A src-layout hatchling package whose requirements.txt installs it ("-e .")."""
    return project(
        {
            "pyproject.toml": '[project]\nname = "svc"\nversion = "0"\nreadme = "README.md"\n'
            + pyproject_extra
            + '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n',
            "README.md": "svc\n",
            "src/svc/__init__.py": "",
            "src/svc/web.py": "from fastapi import FastAPI\napp = FastAPI()\n",
            "requirements.txt": "fastapi\n-e .\n",
        }
    )


def test_requirements_installing_the_project(project: Project) -> None:
    info = detect(_self_installing_project(project))
    assert (info.app, info.app_dir) == ("svc.web:app", "src")
    assert info.is_package
    # nothing needs the installed distribution: it runs from src/, and the build backend's readme
    # is no manifest (no build happens)
    assert not info.install_project
    assert info.manifests == ("requirements.txt", "pyproject.toml")


def test_requirements_installing_a_project_with_console_scripts(project: Project) -> None:
    info = detect(_self_installing_project(project, '[project.scripts]\nsvc-admin = "svc.cli:main"\n'))
    assert info.is_package and info.install_project
    assert info.manifests == ("requirements.txt", "pyproject.toml", "README.md")
    install = next(e for e in info.evidence if e.what == "package install")
    assert (install.file, install.line) == ("pyproject.toml", 5)
    assert "console scripts" in install.why


# --- native needs ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("requirement", "expected"),
    [
        ("psycopg2==2.9.10", [("psycopg2", ("build-essential", "libpq-dev"), ("libpq5",))]),
        ("psycopg2-binary==2.9.10", []),
        ("psycopg[binary]==3.2.3", []),
        ("psycopg[c]==3.2.3", [("psycopg-c", ("build-essential", "libpq-dev"), ("libpq5",))]),
        ("psycopg==3.2.3", [("psycopg", (), ("libpq5",))]),
        (
            "mysqlclient==2.2.6",
            [
                (
                    "mysqlclient",
                    ("build-essential", "default-libmysqlclient-dev", "pkg-config"),
                    ("libmariadb3",),
                )
            ],
        ),
        ("lxml==5.3.0", []),
        ("Pillow==11.0.0", []),
        ("cryptography==44.0.0", []),
        ("gevent==24.11.1", []),
        ("uWSGI==2.0.28", [("uwsgi", ("build-essential",), ())]),
        (
            "pycairo==1.27.0",
            [("pycairo", ("build-essential", "pkg-config", "libcairo2-dev"), ("libcairo2",))],
        ),
        (
            "python-ldap==3.4.4",
            [("python-ldap", ("build-essential", "libldap-dev", "libsasl2-dev"), ("ldap-utils",))],
        ),
    ],
)
def test_native_needs(
    requirement: str, expected: list[tuple[str, tuple[str, ...], tuple[str, ...]]], project: Project
) -> None:
    info = detect(project({**FASTAPI, "requirements.txt": f"fastapi\n{requirement}\n"}))
    assert [(n.package, n.build, n.runtime) for n in info.native] == expected
    for need in info.native:
        evidence = [e for e in info.evidence if e.what == f"native {need.package}"]
        assert evidence and evidence[0].file == "requirements.txt" and evidence[0].line == 2


def test_native_need_from_a_transitive_locked_package(project: Project) -> None:
    root = project(
        {
            **FASTAPI,
            "pyproject.toml": (
                '[project]\nname = "x"\nversion = "0"\ndependencies = ["fastapi", "some-orm"]\n'
            ),
            "uv.lock": """
                version = 1
                [[package]]
                name = "x"
                version = "0"
                source = { virtual = "." }
                dependencies = [{ name = "fastapi" }, { name = "some-orm" }]

                [[package]]
                name = "some-orm"
                version = "1"
                source = { registry = "https://index.example/simple" }
                dependencies = [{ name = "psycopg2" }]

                [[package]]
                name = "psycopg2"
                version = "2.9.10"
                source = { registry = "https://index.example/simple" }

                [[package]]
                name = "fastapi"
                version = "1"
                source = { registry = "https://index.example/simple" }
            """,
        }
    )
    info = detect(root)
    assert [n.package for n in info.native] == ["psycopg2"]
    assert info.dependencies == ("fastapi", "some-orm")  # direct dependencies only


# --- services --------------------------------------------------------------------------------


def test_services_from_urls_and_env_example(project: Project) -> None:
    root = project(
        {
            **FASTAPI,
            "requirements.txt": "fastapi\nsqlalchemy\ncelery\n",
            "worker.py": (
                "from celery import Celery\n"
                "app = Celery('w', broker='amqp://guest@rabbit//')\n"
                "app.conf.beat_schedule = {'tick': {'task': 't', 'schedule': 60}}\n"
            ),
            ".env.example": "DATABASE_URL=mysql+pymysql://u:p@db/app\n# REDIS_URL=redis://ignored-comment\n",
        }
    )
    info = detect(root)
    assert info.services == ("mysql", "rabbitmq", "celery-worker", "celery-beat")
    assert info.celery_app == "worker:app"
    sources = {e.what: (e.file, e.line) for e in info.evidence}
    assert sources["service mysql"] == (".env.example", 1)
    assert sources["service celery-beat"] == ("worker.py", 3)


def test_celery_dependency_without_app_adds_no_worker(project: Project) -> None:
    info = detect(project({**FASTAPI, "requirements.txt": "fastapi\ncelery\n"}))
    assert "celery-worker" not in info.services and info.celery_app is None
    assert any(e.what == "celery" for e in info.evidence)


def test_django_channels_is_served_over_asgi(project: Project) -> None:
    root = project(
        {
            "requirements.txt": "django\nchannels\nchannels-redis\n",
            "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'chat.settings')\n",
            "chat/__init__.py": "",
            "chat/settings.py": (
                "from pathlib import Path\nBASE_DIR = Path(__file__).resolve().parent.parent\n"
                "INSTALLED_APPS = ['daphne', 'channels']\n"
                "ASGI_APPLICATION = 'chat.asgi.application'\nWSGI_APPLICATION = 'chat.wsgi.application'\n"
                "CHANNEL_LAYERS = {'default': {'BACKEND': 'channels_redis.core.RedisChannelLayer'}}\n"
                "DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3',"
                " 'NAME': BASE_DIR / 'data' / 'db.sqlite3'}}\n"
            ),
            "chat/wsgi.py": WSGI_PY,
            "chat/asgi.py": (
                "from channels.routing import ProtocolTypeRouter\n"
                "from django.core.asgi import get_asgi_application\n"
                "application = ProtocolTypeRouter({'http': get_asgi_application()})\n"
            ),
        }
    )
    info = detect(root)
    assert (info.app, info.interface, info.server) == ("chat.asgi:application", "asgi", "uvicorn")
    assert info.services == ("redis",)
    assert info.writable_dirs == ("data",)
    assert info.migrations is None  # no migrations folder, no contrib app with models


# --- app discovery ---------------------------------------------------------------------------


def test_generic_wsgi_and_asgi_callables(project: Project) -> None:
    info = detect(
        project(
            {
                "requirements.txt": "gunicorn\n",
                "hello.py": (
                    "def application(environ, start_response):\n"
                    "    start_response('200 OK', [])\n    return [b'hi']\n"
                ),
            }
        )
    )
    assert (info.framework, info.app, info.server) == ("wsgi", "hello:application", "gunicorn")
    info = detect(
        project(
            {
                "requirements.txt": "uvicorn\n",
                "hello.py": "async def app(scope, receive, send):\n    pass\n",
            }
        )
    )
    assert (info.framework, info.app, info.server) == ("asgi", "hello:app", "uvicorn")


def test_mounted_sub_app_is_not_a_candidate(project: Project) -> None:
    root = project(
        {
            "requirements.txt": "fastapi\nstarlette\n",
            "admin.py": "from starlette.applications import Starlette\nadmin_app = Starlette()\n",
            "main.py": (
                "from fastapi import FastAPI\nfrom admin import admin_app\n"
                "app = FastAPI()\napp.mount('/admin', admin_app)\n"
            ),
        }
    )
    assert detect(root).app == "main:app"


def test_procfile_settles_an_ambiguity(project: Project) -> None:
    files = {
        "requirements.txt": "fastapi\n",
        "public.py": "from fastapi import FastAPI\napp = FastAPI()\n",
        "internal.py": "from fastapi import FastAPI\napp = FastAPI()\n",
        "Procfile": "release: alembic upgrade head\nweb: uvicorn internal:app --host 0.0.0.0\n",
    }
    info = detect(project(files))
    assert info.app == "internal:app"
    assert ("Procfile", 2) in {(e.file, e.line) for e in info.evidence if e.what == "app"}


def test_subclassed_framework_app(project: Project) -> None:
    root = project(
        {
            "requirements.txt": "flask\n",
            "core/__init__.py": "",
            "core/base.py": "from flask import Flask\nclass MyFlask(Flask):\n    pass\n",
            "core/app.py": "from core.base import MyFlask\napp = MyFlask(__name__)\n",
        }
    )
    info = detect(root)
    assert (info.framework, info.app) == ("flask", "core.app:app")


# --- health, env vars, writable dirs, migrations ----------------------------------------------


@pytest.mark.parametrize(
    ("path", "ok"),
    [("/health", True), ("/api/v1/healthz", True), ("/ping", True), ("/users/{id}", False), ("/", False)],
)
def test_health_rank(path: str, ok: bool) -> None:
    assert (health_rank(path) is not None) is ok


def test_health_preference_order(project: Project) -> None:
    source = "from fastapi import FastAPI\napp = FastAPI()\n" + "".join(
        f"@app.get('/{name}')\ndef r{i}():\n    pass\n"
        for i, name in enumerate(["ping", "livez", "ready", "healthz"])
    )
    assert detect(project({"requirements.txt": "fastapi\n", "main.py": source})).health_path == "/healthz"


def test_env_vars(project: Project) -> None:
    root = project(
        {
            **FASTAPI,
            "requirements.txt": "fastapi\n",
            "settings.py": """
                import os
                from os import environ, getenv
                from decouple import config
                import dj_database_url
                from pydantic import Field
                from pydantic_settings import BaseSettings

                A = os.environ["API_TOKEN"]
                B = environ.get("B_FLAG", "0")
                C = getenv("C_HOST")
                D = config("D_SECRET", default="x")
                E = dj_database_url.config()
                HOME = os.environ["HOME"]

                class Settings(BaseSettings):
                    redis_url: str = "redis://localhost"
                    token: str = Field("", alias="SERVICE_TOKEN")

                    class Config:
                        env_prefix = "app_"
            """,
            "tests/test_x.py": "import os\nos.environ['ONLY_IN_TESTS']\n",
        }
    )
    assert detect(root).env_vars == (
        "API_TOKEN",
        "APP_REDIS_URL",
        "B_FLAG",
        "C_HOST",
        "DATABASE_URL",
        "D_SECRET",
        "SERVICE_TOKEN",
    )


def test_sqlite_fallback_is_not_made_writable_when_a_database_is_used(project: Project) -> None:
    """locallibrary/bakerydemo style: SQLite in BASE_DIR unless DATABASE_URL is set."""
    root = project(
        {
            "requirements.txt": "django\ndj-database-url\npsycopg[binary]\n",
            "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'lib.settings')\n",
            "lib/__init__.py": "",
            "lib/wsgi.py": WSGI_PY,
            "lib/settings.py": (
                "from pathlib import Path\nimport dj_database_url\n"
                "BASE_DIR = Path(__file__).resolve().parent.parent\n"
                "DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3',"
                " 'NAME': BASE_DIR / 'db.sqlite3'}}\n"
                "DATABASES['default'].update(dj_database_url.config(conn_max_age=500))\n"
            ),
        }
    )
    info = detect(root)
    assert info.services == ("postgres",)
    assert info.writable_dirs == ()  # never the whole app directory
    assert "DATABASE_URL" in info.env_vars
    assert any("only a fallback" in e.why for e in info.evidence if e.what == "writable dir")
    (root / "requirements.txt").write_text("django\n")
    assert detect(root).writable_dirs == (
        ".",
    )  # SQLite really is the database: its directory must be writable


def test_sqlite_url_directory_is_writable(project: Project) -> None:
    root = project(
        {
            "requirements.txt": "flask\nflask-sqlalchemy\nflask-migrate\n",
            "app.py": (
                "from flask import Flask\napp = Flask(__name__)\n"
                "app.config['SQLALCHEMY_DATABASE_URI'] = 'sqlite:///instance/app.db'\n"
            ),
            "migrations/alembic.ini": "[alembic]\n",
            "migrations/env.py": "from alembic import context\n",
        }
    )
    info = detect(root)
    assert info.writable_dirs == ("instance",)
    assert info.migrations == "alembic"


def test_name_is_dns_safe(project: Project) -> None:
    root = project(
        {
            **FASTAPI,
            "pyproject.toml": '[project]\nname = "My_Cool.App"\nversion = "0"\ndependencies = ["fastapi"]\n',
        }
    )
    assert detect(root).name == "my-cool-app"


def test_unparsable_files_are_reported_not_fatal(project: Project) -> None:
    root = project(
        {
            **FASTAPI,
            "requirements.txt": "fastapi\n",
            "legacy.py": "import os\nprint os.environ['LEGACY']  # Python 2\n",
        }
    )
    info = detect(root)
    assert info.app == "main:app"
    assert [(e.file, e.what) for e in info.evidence if e.what == "parse"] == [("legacy.py", "parse")]


@pytest.mark.parametrize(
    ("api_prefix", "expected"),
    [('"/api/v1"', "/api/v1/utils/health-check/"), ("settings.API_V1_STR", None)],
)
def test_nested_router_prefixes(api_prefix: str, expected: str | None, project: Project) -> None:
    """full-stack-fastapi-template: a wrong health path is worse than none."""
    root = project(
        {
            "requirements.txt": "fastapi\n",
            "app/__init__.py": "",
            "app/config.py": "class Settings:\n    API_V1_STR = '/api/v1'\nsettings = Settings()\n",
            "app/routes/__init__.py": "",
            "app/routes/utils.py": (
                "from fastapi import APIRouter\nrouter = APIRouter(prefix='/utils')\n\n"
                "@router.get('/health-check/')\nasync def health_check():\n    return True\n"
            ),
            "app/api.py": (
                "from fastapi import APIRouter\nfrom app.routes import utils\n"
                "api_router = APIRouter()\napi_router.include_router(utils.router)\n"
            ),
            "app/main.py": (
                "from fastapi import FastAPI\nfrom app.api import api_router\n"
                "from app.config import settings\n"
                f"app = FastAPI()\napp.include_router(api_router, prefix={api_prefix})\n"
            ),
        }
    )
    info = detect(root)
    assert info.health_path == expected
    health = next(e for e in info.evidence if e.what == "health")
    assert (health.file, health.line) == ("app/routes/utils.py", 4)


def test_uv_workspace_member_holds_the_app(project: Project) -> None:
    """full-stack-fastapi-template layout: a virtual workspace root, the app in a member."""
    root = project(
        {
            "pyproject.toml": (
                '[dependency-groups]\ndev = ["typer"]\n\n[tool.uv.workspace]\nmembers = ["backend"]\n'
            ),
            "backend/pyproject.toml": (
                '[project]\nname = "app"\nversion = "0"\n'
                'dependencies = ["fastapi[standard]", "psycopg[binary]"]\n'
            ),
            "backend/app/__init__.py": "",
            "backend/app/main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
            "uv.lock": """
                version = 1
                [manifest]
                members = ["app"]

                [[package]]
                name = "app"
                version = "0"
                source = { editable = "backend" }
                dependencies = [
                    { name = "fastapi", extra = ["standard"] },
                    { name = "psycopg", extra = ["binary"] },
                ]

                [[package]]
                name = "fastapi"
                version = "1"
                source = { registry = "https://index.example/simple" }
                [package.optional-dependencies]
                standard = [{ name = "uvicorn" }]

                [[package]]
                name = "uvicorn"
                version = "1"
                source = { registry = "https://index.example/simple" }

                [[package]]
                name = "psycopg"
                version = "3"
                source = { registry = "https://index.example/simple" }
                [package.optional-dependencies]
                binary = [{ name = "psycopg-binary" }]

                [[package]]
                name = "psycopg-binary"
                version = "3"
                source = { registry = "https://index.example/simple" }

                [[package]]
                name = "typer"
                version = "1"
                source = { registry = "https://index.example/simple" }
            """,
        }
    )
    info = detect(root)
    assert (info.app, info.app_dir) == ("app.main:app", "backend")
    assert info.manifests == ("pyproject.toml", "uv.lock", "backend/pyproject.toml")
    assert info.dependencies == ("fastapi", "psycopg")
    assert info.server_in_dependencies
    assert info.native == ()  # psycopg[binary]
    assert info.services == ("postgres",)


def test_django_in_src_with_settings_package(project: Project) -> None:
    root = project(
        {
            "pyproject.toml": (
                '[project]\nname = "shop"\nversion = "0"\ndependencies = ["django", "whitenoise"]\n'
            ),
            "src/manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings')\n",
            "src/shop/__init__.py": "",
            "src/shop/settings/__init__.py": "from .production import *  # noqa\n",
            "src/shop/settings/production.py": (
                "import os\nfrom os.path import abspath, dirname\n"
                "BASE_DIR = dirname(dirname(dirname(abspath(__file__))))\n"
                "INSTALLED_APPS = ['django.contrib.staticfiles']\n"
                "STATIC_ROOT = BASE_DIR + '/collected'\nMEDIA_ROOT = '/var/lib/shop/media'\n"
            ),
            "src/shop/wsgi.py": (
                "from django.core.wsgi import get_wsgi_application\nfrom whitenoise import WhiteNoise\n"
                "application = WhiteNoise(get_wsgi_application())\n"
            ),
        }
    )
    info = detect(root)
    assert (info.app, info.app_dir) == ("shop.wsgi:application", "src")
    assert info.django is not None
    assert (info.django.manage_py, info.django.settings_module) == ("src/manage.py", "shop.settings")
    # static_root is root-relative, django.static_root app-dir-relative; absolute paths stay absolute
    assert (info.static_root, info.django.static_root) == ("src/collected", "collected")
    assert info.writable_dirs == ("/var/lib/shop/media",)
    info = detect(root, app="shop.wsgi:application", python="3.13")
    assert (info.app, info.framework, info.python) == ("shop.wsgi:application", "django", "3.13")


def test_windows_editors_bom_and_crlf(project: Project, tmp_path: Path) -> None:
    root = project(FASTAPI)
    (root / "requirements.txt").write_bytes(b"\xef\xbb\xbffastapi==0.115.6\r\n--requirement=base.txt\r\n")
    (root / "base.txt").write_bytes(b"uvicorn\r\n")
    (root / ".python-version").write_bytes(b"\xef\xbb\xbf3.12\r\n")
    info = detect(root)
    assert info.dependencies == ("fastapi", "uvicorn")
    assert info.python == "3.12"


def test_procfile_names_an_app_built_by_a_library(project: Project) -> None:
    root = project(
        {
            "requirements.txt": "flask\ngunicorn\nconnexion-helpers\n",
            "service.py": "from helpers import build\napp = build(__name__)\n",
            "Procfile": "web: gunicorn 'service:app' --workers 2\n",
        }
    )
    info = detect(root)
    assert (info.framework, info.app, info.server) == ("flask", "service:app", "gunicorn")
    assert "Procfile:1 runs service:app" in {e.why for e in info.evidence if e.what == "app"}


def test_flask_instance_folder_and_factory_built_celery(project: Project) -> None:
    """pallets/flask examples: sqlite in app.instance_path; Celery() built in an init function."""
    root = project(
        {
            "requirements.txt": "flask\ncelery\nredis\n",
            "web/__init__.py": (
                "import os\nfrom celery import Celery\nfrom flask import Flask\n\n"
                "def celery_init_app(app):\n    celery = Celery(app.name)\n    return celery\n\n"
                "def create_app():\n    app = Flask(__name__)\n"
                "    app.config['DATABASE'] = os.path.join(app.instance_path, 'web.sqlite')\n"
                "    celery_init_app(app)\n    return app\n"
            ),
            "make_celery.py": (
                "from web import create_app\nflask_app = create_app()\n"
                "celery_app = flask_app.extensions['celery']\n"
            ),
        }
    )
    info = detect(root)
    assert info.app == "make_celery:flask_app"
    assert info.writable_dirs == ("instance",)
    assert info.celery_app == "make_celery:celery_app"
    assert info.services == ("redis", "celery-worker")


def test_django_settings_module_outside_the_project(project: Project) -> None:
    root = project(
        {
            "requirements.txt": "django\n",
            "site_cfg/__init__.py": "",
            "site_cfg/wsgi.py": (
                "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'deploy_settings')\n" + WSGI_PY
            ),
        }
    )
    info = detect(root)
    assert info.app == "site_cfg.wsgi:application"
    assert info.django is not None and info.django.settings_module == "deploy_settings"
    assert info.static_root is None
    assert any("deploy_settings is not in the project" in e.why for e in info.evidence)


def test_poetry_path_dependency_is_a_manifest(project: Project) -> None:
    root = project(
        {
            **FASTAPI,
            "pyproject.toml": (
                '[tool.poetry]\nname = "svc"\nversion = "0"\npackage-mode = false\n'
                '[tool.poetry.dependencies]\npython = "^3.12"\nfastapi = "*"\n'
                'shared = { path = "libs/shared", develop = true }\n'
            ),
            "libs/shared/pyproject.toml": '[project]\nname = "shared"\nversion = "0"\n',
        }
    )
    info = detect(root)
    assert info.manifests == ("pyproject.toml", "libs/shared")
    assert info.dependencies == ("fastapi", "shared")
    assert info.is_package is False


@pytest.mark.parametrize(
    ("router", "expected"),
    [
        ("", "/system/health"),
        ("api = Router(path='/api', route_handlers=[SystemController])\n", "/api/system/health"),
        ("api = Router(path=settings.API, route_handlers=[SystemController])\n", None),
    ],
)
def test_litestar_controller_and_router_paths(router: str, expected: str | None, project: Project) -> None:
    root = project(
        {
            "requirements.txt": "litestar\n",
            "ops.py": (
                "from litestar import Controller, get\n\n"
                "class SystemController(Controller):\n    path = '/system'\n\n"
                "    @get('/health')\n    async def health(self) -> str:\n        return 'ok'\n"
            ),
            "main.py": (
                "from litestar import Litestar, Router\nfrom ops import SystemController\nimport settings\n"
                + router
                + "app = Litestar(route_handlers=[SystemController])\n"
            ),
        }
    )
    assert detect(root).health_path == expected


def test_starlette_routes_under_mounts(project: Project) -> None:
    root = project(
        {
            "requirements.txt": "starlette\n",
            "app.py": (
                "from starlette.applications import Starlette\nfrom starlette.routing import Mount, Route\n\n"
                "async def ok(request):\n    return None\n\n"
                "ops_routes = [Route('/healthz', ok)]\n"
                "app = Starlette(routes=[\n"
                "    Mount('/api', routes=[Route('/ping', ok)]),\n"
                "    Mount('/ops', routes=ops_routes),\n"
                "])\n"
            ),
        }
    )
    info = detect(root)
    assert info.health_path == "/ops/healthz"
    assert next((e.file, e.line) for e in info.evidence if e.what == "health") == ("app.py", 7)
    source = (root / "app.py").read_text().replace("    Mount('/ops', routes=ops_routes),\n", "")
    source = source.replace("ops_routes = [Route('/healthz', ok)]\n", "")
    (root / "app.py").write_text(source)
    assert detect(root).health_path == "/api/ping"  # inline Mount prefix


def test_django_i18n_patterns_paths_are_not_fixed(project: Project) -> None:
    root = project(
        {
            "requirements.txt": "django\n",
            "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site_cfg.settings')\n",
            "site_cfg/__init__.py": "",
            "site_cfg/wsgi.py": WSGI_PY,
            "site_cfg/settings.py": "ROOT_URLCONF = 'site_cfg.urls'\n",
            "site_cfg/urls.py": (
                "from django.conf.urls.i18n import i18n_patterns\nfrom django.urls import path\n"
                "urlpatterns = i18n_patterns(path('health/', lambda r: None))\n"
                "urlpatterns += [path('ping/', lambda r: None)]\n"
            ),
        }
    )
    assert detect(root).health_path == "/ping/"  # /health/ is served as /<lang>/health/


def test_env_vars_read_through_project_helpers(project: Project) -> None:
    # A settings helper that reads the variable its parameter names: calls with a literal count.
    root = project(
        {
            **FASTAPI,
            "requirements.txt": "fastapi\n",
            "settings.py": """
                import os

                def env_list(name, default=""):
                    raw = os.environ.get(name, default)
                    return [item for item in raw.split(",") if item]

                def flag(default, key):
                    return os.getenv(key, default) == "1"

                def unrelated(name):
                    return name.upper()

                ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
                DEBUG = flag("0", "APP_DEBUG")
                OTHER = unrelated("NOT_A_VARIABLE")
            """,
        }
    )
    assert detect(root).env_vars == ("APP_DEBUG", "DJANGO_ALLOWED_HOSTS")
