"""The detection mistakes users report about other generators (research doc, section c) — each one
is reproduced here and must be impossible in dockwright."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from dockwright.errors import DetectionError

from .conftest import FIXTURES, detect, write_tree

Project = Callable[[dict[str, str]], Path]

FLASK_APP = "from flask import Flask\napp = Flask(__name__)\n"
ASGIREF_WSGI = """
from django.core.wsgi import get_wsgi_application
application = get_wsgi_application()
"""


def test_wsgi_py_inside_venv_is_never_the_entrypoint(fixture_copy: Callable[[str], Path]) -> None:
    """docker init suggested `.venv/Lib/site-packages/asgiref/wsgi.py` as the app."""
    root = fixture_copy("django-split-settings")
    write_tree(
        root,
        {
            ".venv/pyvenv.cfg": "home = /usr/bin\n",
            ".venv/lib/python3.12/site-packages/asgiref/wsgi.py": ASGIREF_WSGI,
            ".venv/Lib/site-packages/asgiref/wsgi.py": ASGIREF_WSGI,
            # a virtualenv under any name is recognised by its pyvenv.cfg
            "py312/pyvenv.cfg": "home = /usr/bin\n",
            "py312/lib/python3.12/site-packages/flask_app/wsgi.py": FLASK_APP,
            "venv/lib/site-packages/x/wsgi.py": ASGIREF_WSGI,
            "node_modules/pkg/wsgi.py": ASGIREF_WSGI,
            "build/lib/config/wsgi.py": ASGIREF_WSGI,
        },
    )
    info = detect(root)
    assert info.app == "config.wsgi:application"
    assert all(".venv" not in e.file and "py312" not in e.file for e in info.evidence)


def test_no_hard_coded_main_app(project: Project) -> None:
    """Railpack hard-codes `main:app`; the app here lives in app.py under another name."""
    root = project(
        {
            "app.py": "from fastapi import FastAPI\n\nservice = FastAPI()\n",
            "main.py": "print('a CLI script, not an app')\n",
            "requirements.txt": "fastapi\n",
        }
    )
    assert detect(root).app == "app:service"


def test_pyproject_name_differs_from_import_package() -> None:
    """`python -m <project name>` fails when the distribution name is not the package name."""
    info = detect(FIXTURES / "fastapi-uv-src")
    assert info.name == "acme-orders-api"
    assert info.app.split(":")[0] == "acme.main"
    assert "acme_orders_api" not in info.app


def test_framework_declared_only_in_requirements_folder(project: Project) -> None:
    """Frameworks declared only in requirements/*.txt were not detected by other tools."""
    root = project(
        {
            "requirements/base.txt": "flask==3.1.0\n",
            "requirements/prod.txt": "-r base.txt\ngunicorn\n",
            "requirements/dev.txt": "-r base.txt\npytest\n",
            "hello.py": "from flask import Flask\napp = Flask(__name__)\n",
        }
    )
    info = detect(root)
    assert (info.framework, info.app, info.dependency_manager) == ("flask", "hello:app", "pip")
    assert info.requirements_files == ("requirements/prod.txt",)
    assert info.server_in_dependencies


def test_web_app_plus_celery_worker_and_cli_is_not_ambiguous(project: Project) -> None:
    """A web app + a Celery worker + a CLI made other tools give up or pick the wrong one."""
    root = project(
        {
            "requirements.txt": "fastapi\nuvicorn\ncelery[redis]\nclick\n",
            "svc/__init__.py": "",
            "svc/api.py": "from fastapi import FastAPI\napp = FastAPI()\n",
            "svc/worker.py": "from celery import Celery\ncelery = Celery('svc', broker='redis://redis:6379/0')\n",
            "svc/cli.py": "import click\n\n@click.command()\ndef main():\n    pass\n",
        }
    )
    info = detect(root)
    assert info.app == "svc.api:app"
    assert info.celery_app == "svc.worker:celery"
    assert info.services == ("redis", "celery-worker")


def test_factory_needing_arguments_is_explained(project: Project) -> None:
    root = project(
        {
            "requirements.txt": "flask\n",
            "web/__init__.py": (
                "from flask import Flask\n\n"
                "def create_app(config):\n    app = Flask(__name__)\n    return app\n"
            ),
        }
    )
    with pytest.raises(DetectionError, match=r"web/__init__\.py:3: factory create_app\(\) needs arguments"):
        detect(root)
    info = detect(root, app="web:create_app()")
    assert (info.app, info.framework) == ("web:create_app()", "flask")


def test_module_level_app_built_by_factory_wins_over_the_factory(project: Project) -> None:
    root = project(
        {
            "requirements.txt": "flask\ngunicorn\n",
            "web/__init__.py": "from flask import Flask\n\ndef create_app():\n    return Flask(__name__)\n",
            "wsgi.py": "from web import create_app\n\napp = create_app()\n",
        }
    )
    assert detect(root).app == "wsgi:app"


def test_gunicorn_not_in_dependencies_is_reported(project: Project) -> None:
    """Other tools started gunicorn without it being installed."""
    root = project(
        {"requirements.txt": "flask\n", "app.py": "from flask import Flask\napp = Flask(__name__)\n"}
    )
    info = detect(root)
    assert info.server == "gunicorn"
    assert info.server_in_dependencies is False


def test_python_version_never_from_the_running_interpreter(project: Project) -> None:
    """docker init / flyctl use the host's Python; an old pin is mapped, not rejected."""
    root = project(
        {
            "requirements.txt": "flask\n",
            "app.py": "from flask import Flask\napp = Flask(__name__)\n",
            ".python-version": "3.7.9\n",
        }
    )
    info = detect(root)
    assert info.python == "3.11"  # the closest supported release, not a rejection
    assert any("warning" in e.why for e in info.evidence if e.what == "python")


def test_no_fixed_health_path_the_app_does_not_serve(project: Project) -> None:
    root = project(
        {"requirements.txt": "fastapi\n", "main.py": "from fastapi import FastAPI\napp = FastAPI()\n"}
    )
    assert detect(root).health_path is None


def test_collectstatic_only_when_staticfiles_is_used(project: Project) -> None:
    """Heroku ran collectstatic for apps without staticfiles: 'Unknown command: collectstatic'."""
    files = {
        "requirements.txt": "django\n",
        "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site_cfg.settings')\n",
        "site_cfg/__init__.py": "",
        "site_cfg/wsgi.py": ASGIREF_WSGI,
        "site_cfg/settings.py": (
            "import os\nBASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))\n"
            "INSTALLED_APPS = ['django.contrib.contenttypes']\n"
            "STATIC_ROOT = os.path.join(BASE_DIR, 'static')\n"
        ),
    }
    root = project(files)
    info = detect(root)
    assert info.static_root is None
    assert info.django is not None and info.django.settings_module == "site_cfg.settings"
    settings = root / "site_cfg/settings.py"
    settings.write_text(
        settings.read_text().replace("'django.contrib.contenttypes'", "'django.contrib.staticfiles'")
    )
    info = detect(root)
    assert info.static_root == "static"  # os.path.join(BASE_DIR, 'static') evaluated, never imported


def test_several_lock_files_are_refused_unless_pyproject_says(project: Project) -> None:
    root = project(
        {
            "pyproject.toml": '[project]\nname = "x"\nversion = "0"\ndependencies = ["flask"]\n',
            "uv.lock": "version = 1\n",
            "poetry.lock": "[metadata]\n",
            "app.py": "from flask import Flask\napp = Flask(__name__)\n",
        }
    )
    with pytest.raises(DetectionError, match="several lock files"):
        detect(root)
    (root / "pyproject.toml").write_text(
        '[project]\nname = "x"\nversion = "0"\ndependencies = ["flask"]\n[tool.uv]\ndev-dependencies = []\n'
    )
    info = detect(root)
    assert info.dependency_manager == "uv"
    assert any("ignoring poetry.lock" in e.why for e in info.evidence)


def test_lock_file_wins_over_exported_requirements(project: Project) -> None:
    """A user with uv.lock and an exported requirements.txt wants uv (nixpacks PR #1304)."""
    root = project(
        {
            "pyproject.toml": '[project]\nname = "x"\nversion = "0"\ndependencies = ["flask"]\n',
            "uv.lock": 'version = 1\n[[package]]\nname = "x"\nversion = "0"\nsource = { virtual = "." }\n',
            "requirements.txt": "flask==3.1.0\n",
            "app.py": "from flask import Flask\napp = Flask(__name__)\n",
        }
    )
    info = detect(root)
    assert info.dependency_manager == "uv"
    assert "requirements.txt" not in info.manifests


def test_many_candidates_stay_one_readable_line(project: Project) -> None:
    files = {f"svc{i:02}.py": "from fastapi import FastAPI\napp = FastAPI()\n" for i in range(30)}
    root = project({**files, "requirements.txt": "fastapi\n"})
    with pytest.raises(DetectionError) as caught:
        detect(root)
    message = str(caught.value)
    assert message.count(":app (") == 8 and "and 22 more; choose one with --app TARGET" in message
