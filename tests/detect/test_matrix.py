"""Every framework × every dependency manager, generated as tiny real projects in tmp dirs.

Each project declares its framework only through its manager's own manifest (and lock), so a
manager that is misread shows up as a missing dependency or a wrong manager, and a framework that
is misdetected shows up as a wrong app target.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import detect

# framework -> (distribution, files of the app, expected target, interface)
FRAMEWORK_PROJECTS: dict[str, tuple[str, dict[str, str], str, str]] = {
    "fastapi": (
        "fastapi",
        {"api/__init__.py": "", "api/main.py": "from fastapi import FastAPI\napi = FastAPI()\n"},
        "api.main:api",
        "asgi",
    ),
    "starlette": (
        "starlette",
        {"web.py": "from starlette.applications import Starlette\napp = Starlette(routes=[])\n"},
        "web:app",
        "asgi",
    ),
    "litestar": (
        "litestar",
        {"svc.py": "import litestar\nservice = litestar.Litestar([])\n"},
        "svc:service",
        "asgi",
    ),
    "quart": (
        "quart",
        {"chat/__init__.py": "from quart import Quart\napp = Quart(__name__)\n"},
        "chat:app",
        "asgi",
    ),
    "sanic": (
        "sanic",
        {"server.py": "from sanic import Sanic\nserver = Sanic('svc')\n"},
        "server:server",
        "asgi",
    ),
    "flask": (
        "flask",
        {"site/__init__.py": "", "site/views.py": "import flask as fl\napplication = fl.Flask(__name__)\n"},
        "site.views:application",
        "wsgi",
    ),
    "django": (
        "django",
        {
            "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n",
            "mysite/__init__.py": "",
            "mysite/settings.py": "WSGI_APPLICATION = 'mysite.wsgi.application'\nINSTALLED_APPS = []\n",
            "mysite/wsgi.py": (
                "import os\nfrom django.core.wsgi import get_wsgi_application\n"
                "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n"
                "application = get_wsgi_application()\n"
            ),
        },
        "mysite.wsgi:application",
        "wsgi",
    ),
    "wsgi": (
        "falcon",
        {"things.py": "import falcon\napp = falcon.App()\n"},
        "things:app",
        "wsgi",
    ),
    "asgi": (
        "falcon",
        {"things.py": "import falcon.asgi\napp = falcon.asgi.App()\n"},
        "things:app",
        "asgi",
    ),
}


def _uv(dist: str) -> dict[str, str]:
    return {
        "pyproject.toml": f'[project]\nname = "proj"\nversion = "0"\ndependencies = ["{dist}"]\n'
        '[dependency-groups]\ndev = ["pytest"]\n',
        "uv.lock": (
            'version = 1\nrequires-python = ">=3.11"\n\n'
            '[[package]]\nname = "proj"\nversion = "0"\nsource = { virtual = "." }\n'
            f'dependencies = [{{ name = "{dist}" }}]\n\n'
            f'[[package]]\nname = "{dist}"\nversion = "1.0"\n'
            'source = { registry = "https://index.example/simple" }\n'
        ),
    }


def _poetry(dist: str) -> dict[str, str]:
    return {
        "pyproject.toml": '[tool.poetry]\nname = "proj"\nversion = "0"\n\n[tool.poetry.dependencies]\n'
        f'python = "^3.11"\n{dist} = "*"\n\n[tool.poetry.group.dev.dependencies]\npytest = "*"\n',
        "poetry.lock": (
            f'[[package]]\nname = "{dist}"\nversion = "1.0"\ndescription = ""\noptional = false\n'
            'python-versions = "*"\ngroups = ["main"]\nfiles = []\n\n'
            '[metadata]\nlock-version = "2.1"\npython-versions = "^3.11"\ncontent-hash = "0"\n'
        ),
    }


def _pdm(dist: str) -> dict[str, str]:
    return {
        "pyproject.toml": f'[project]\nname = "proj"\nversion = "0"\ndependencies = ["{dist}"]\n'
        '[tool.pdm.dev-dependencies]\ntest = ["pytest"]\n',
        "pdm.lock": (
            '[metadata]\ngroups = ["default"]\nlock_version = "4.5.0"\n\n'
            f'[[package]]\nname = "{dist}"\nversion = "1.0"\ngroups = ["default"]\nfiles = []\n'
        ),
    }


def _pipenv(dist: str) -> dict[str, str]:
    lock = {
        "_meta": {"requires": {"python_version": "3.12"}},
        "default": {dist: {"version": "==1.0"}},
        "develop": {},
    }
    return {
        "Pipfile": (
            f'[packages]\n{dist} = "*"\n\n[dev-packages]\npytest = "*"\n\n'
            '[requires]\npython_version = "3.12"\n'
        ),
        "Pipfile.lock": json.dumps(lock),
    }


def _pip(dist: str) -> dict[str, str]:
    return {"requirements.txt": f"{dist}==1.0\n", "requirements-dev.txt": "-r requirements.txt\npytest\n"}


def _pep621(dist: str) -> dict[str, str]:
    return {
        "pyproject.toml": f'[project]\nname = "proj"\nversion = "0"\nrequires-python = ">=3.11"\n'
        f'dependencies = ["{dist}>=1"]\n[project.optional-dependencies]\ndev = ["pytest"]\n'
    }


MANAGERS: dict[str, tuple[Callable[[str], dict[str, str]], str | None]] = {
    "uv": (_uv, "uv.lock"),
    "poetry": (_poetry, "poetry.lock"),
    "pdm": (_pdm, "pdm.lock"),
    "pipenv": (_pipenv, "Pipfile.lock"),
    "pip": (_pip, None),
    "pep621": (_pep621, None),
}


@pytest.mark.parametrize("manager", sorted(MANAGERS))
@pytest.mark.parametrize("framework", sorted(FRAMEWORK_PROJECTS))
def test_framework_and_manager(
    framework: str, manager: str, project: Callable[[dict[str, str]], Path]
) -> None:
    dist, app_files, target, interface = FRAMEWORK_PROJECTS[framework]
    writer, lock = MANAGERS[manager]
    root = project({**app_files, **writer(dist)})

    info = detect(root)

    assert (info.framework, info.app, info.interface) == (framework, target, interface)
    assert info.server == ("uvicorn" if interface == "asgi" else "gunicorn")
    assert info.dependency_manager == manager
    assert info.lock_file == lock
    assert info.dependencies == (dist,)  # dev groups never count
    assert "pytest" not in info.dependencies
    if lock:
        assert lock in info.manifests
    whats = {e.what for e in info.evidence}
    assert {"framework", "app", "dependency manager", "python", "server", "health"} <= whats
    framework_evidence = next(e for e in info.evidence if e.what == "framework")
    assert framework_evidence.file and framework_evidence.line
    json.dumps(info.to_dict())  # always serialisable
