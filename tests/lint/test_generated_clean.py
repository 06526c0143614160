"""Every file set `dockwright init` generates lints clean (all default rules, every severity).

The projects are hand-built ProjectInfo cases rendered with the real plan + render code, written to
a temp dir next to plausible manifests (so project-aware rules such as DW302/DW303/DW706 see a lock
file and a dev dependency group), then linted. A finding here is a generator defect to fix in
plan/render, not a reason to weaken a rule.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from info_factory import PSYCOPG2, django_info, flask_info, make_info

from dockwright.detect.model import ProjectInfo
from dockwright.lint.config import LintConfig
from dockwright.lint.registry import all_rules
from dockwright.lint.runner import Linter, discover
from dockwright.plan import make_plan
from dockwright.render import render_files

PYPROJECT = """\
[project]
name = "{name}"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = [{deps}]

[dependency-groups]
dev = ["pytest>=8"]

[tool.poetry.group.dev.dependencies]
pytest = "^8"
"""

CASES: dict[str, Callable[[], ProjectInfo]] = {
    "fastapi-uv": lambda: make_info(env_vars=("API_TOKEN",)),
    "fastapi-uv-src-package": lambda: make_info(
        app="shop.main:app", app_dir="src", is_package=True, install_project=True
    ),
    "django-pip-postgres-celery": django_info,
    "flask-poetry-redis": flask_info,
    "quart-pdm-mysql": lambda: make_info(
        name="chat",
        framework="quart",
        app="chat.app:app",
        dependency_manager="pdm",
        lock_file="pdm.lock",
        dependencies=("quart", "aiomysql", "alembic"),
        services=("mysql", "rabbitmq"),
        migrations="alembic",
    ),
    "starlette-pipenv-psycopg2": lambda: make_info(
        name="notes",
        framework="starlette",
        app="notes:app",
        python="3.11",
        dependency_manager="pipenv",
        manifests=("Pipfile",),
        lock_file="Pipfile.lock",
        health_path=None,
        native=(PSYCOPG2,),
        dependencies=("starlette", "psycopg2", "uvicorn"),
    ),
    "flask-pip-no-lock": lambda: make_info(
        name="legacy",
        framework="flask",
        interface="wsgi",
        app="app:app",
        server="gunicorn",
        server_in_dependencies=False,
        dependency_manager="pip",
        manifests=("requirements.txt",),
        lock_file=None,
        requirements_files=("requirements.txt",),
        dependencies=("flask",),
        port=5000,
    ),
}


def _write_project(root: Path, info: ProjectInfo) -> None:
    deps = ", ".join(f'"{d}"' for d in info.dependencies)
    for manifest in info.manifests:
        path = root / manifest
        path.parent.mkdir(parents=True, exist_ok=True)
        if manifest == "pyproject.toml":
            path.write_text(PYPROJECT.format(name=info.name, deps=deps))
        elif manifest.endswith(".txt"):
            path.write_text("\n".join(info.dependencies) + "\n")
        else:
            path.write_text("[packages]\n")
    if info.lock_file:
        (root / info.lock_file).write_text("# lock file placeholder\n")
    (root / ".env").write_text("SECRET=local-only\n")


@pytest.mark.parametrize("case", sorted(CASES))
def test_generated_files_lint_clean(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    info = CASES[case]()
    _write_project(tmp_path, info)
    for name, text in render_files(make_plan(info)).items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    monkeypatch.chdir(tmp_path)
    findings = Linter(LintConfig(), all_rules()).lint(discover([tmp_path]))
    assert [f"{f.path}:{f.line} {f.code} {f.message}" for f in findings] == []
