# ruff: noqa: E501 - the case table keeps each Dockerfile on one line so its line numbers are readable
"""Table-driven rule tests: for every rule, files that must trigger it on given lines, and near-misses
(common correct idioms) that must not trigger it at all.

Each case is a tiny project written to a temp dir and linted with only the rule under test selected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from lint_support import lint_dir, write_project

from dockwright.lint.registry import all_rules

SLIM = "python:3.13-slim-trixie"


@dataclass(frozen=True)
class Case:
    code: str
    id: str
    files: dict[str, str]
    lines: tuple[int, ...]  # expected finding lines in ``target``; () = near-miss, must stay silent
    target: str = "Dockerfile"
    extra: dict[str, str] = field(default_factory=dict)


def df(text: str, files: dict[str, str] | None = None, **extra: str) -> dict[str, str]:
    """A project with a Dockerfile and a harmless .dockerignore; ``requirements_dot_txt="..."`` adds
    requirements.txt (``__`` is a directory separator, ``_dot_`` a dot)."""
    project = {"Dockerfile": text, ".dockerignore": ".git\n.env\n.env.*\n.venv\n**/__pycache__\n"}
    project.update({name.replace("__", "/").replace("_dot_", "."): body for name, body in extra.items()})
    project.update(files or {})
    return project


CASES: list[Case] = [
    # ---------------------------------------------------------------- DW001/DW002 parsing
    Case("DW001", "unterminated-heredoc", df("FROM python:3.13-slim-trixie\nRUN <<EOF\necho hi\n"), (1,)),
    Case("DW002", "typo-instruction", df(f"FROM {SLIM}\nRUNN echo hi\n"), (2,)),
    Case(
        "DW002",
        "stray-line-after-missing-backslash",
        df(f"FROM {SLIM}\nRUN apt-get update\n    apt-get install -y x\n"),
        (3,),
    ),
    Case("DW002", "from-without-image", df("FROM\n"), (1,)),
    Case("DW002", "from-alias-missing", df("FROM python:3.13-slim-trixie AS\nRUN\n"), (1, 2)),
    Case("DW002", "copy-one-arg", df(f"FROM {SLIM}\nCOPY app.py\n"), (2,)),
    Case("DW002", "ok-copy-heredoc", df(f"FROM {SLIM}\nCOPY <<EOF /app/config.ini\n[x]\nEOF\n"), ()),
    Case("DW002", "ok-arg-before-from", df("ARG PY=3.13\nFROM python:${PY}-slim-trixie\n"), ()),
    # ---------------------------------------------------------------- DW1xx base image
    Case("DW101", "untagged", df("FROM python\n"), (1,)),
    Case("DW101", "latest", df("FROM python:latest AS base\n"), (1,)),
    Case("DW101", "arg-resolves-to-latest", df("ARG TAG=latest\nFROM python:${TAG}\n"), (2,)),
    Case("DW101", "ok-arg-resolves-to-version", df("ARG PY=3.13\nFROM python:${PY}-slim-trixie\n"), ()),
    Case("DW101", "ok-stage-reference", df(f"FROM {SLIM} AS base\nFROM base\n"), ()),
    Case("DW101", "ok-scratch-and-digest", df("FROM scratch\nFROM python@sha256:" + "a" * 64 + "\n"), ()),
    Case("DW101", "ok-unresolvable-arg", df("ARG BASE\nFROM ${BASE}\n"), ()),
    Case("DW102", "major-only", df("FROM python:3-slim\n"), (1,)),
    Case("DW102", "variant-only", df("FROM python:slim-bookworm\n"), (1,)),
    Case("DW102", "ok-minor", df("FROM python:3.12.7-slim-bookworm\n"), ()),
    Case("DW102", "ok-other-image", df("FROM node:20\n"), ()),
    Case(
        "DW103",
        "alpine-psycopg2",
        df("FROM python:3.13-alpine\n", requirements_dot_txt="psycopg2==2.9.9\nflask\n"),
        (1,),
    ),
    Case(
        "DW103",
        "alpine-numpy-in-pyproject",
        df(
            "FROM python:3.13-alpine3.20 AS build\nFROM build\n",
            pyproject_dot_toml='[project]\nname = "x"\ndependencies = ["numpy>=2"]\n',
        ),
        (1,),
    ),
    Case(
        "DW103", "ok-alpine-pure-python", df("FROM python:3.13-alpine\n", requirements_dot_txt="flask\n"), ()
    ),
    Case("DW103", "ok-slim-with-psycopg2", df(f"FROM {SLIM}\n", requirements_dot_txt="psycopg2\n"), ()),
    Case("DW104", "full-final", df("FROM python:3.13\n"), (1,)),
    Case("DW104", "full-debian-final", df("FROM python:3.13-bookworm\n"), (1,)),
    Case("DW104", "ok-full-builder-only", df(f"FROM python:3.13 AS builder\nFROM {SLIM}\n"), ()),
    Case("DW104", "ok-slim", df(f"FROM {SLIM}\n"), ()),
    Case("DW105", "slim-without-release", df("FROM python:3.13-slim\n"), (1,)),
    Case("DW105", "ok-release", df("FROM python:3.13-slim-bookworm\n"), ()),
    Case("DW105", "ok-alpine", df("FROM python:3.13-alpine\n"), ()),
    Case("DW106", "no-digest", df(f"FROM {SLIM}\n"), (1,)),
    Case("DW106", "ok-digest", df(f"FROM {SLIM}@sha256:" + "b" * 64 + "\n"), ()),
    Case(
        "DW107",
        "below-requires-python",
        df("FROM python:3.11-slim-bookworm\n", pyproject_dot_toml='[project]\nrequires-python = ">=3.12"\n'),
        (1,),
    ),
    Case(
        "DW107",
        "above-upper-bound",
        df(
            "ARG PY=3.13\nFROM python:${PY}-slim-trixie\n",
            pyproject_dot_toml='[project]\nrequires-python = ">=3.10,<3.13"\n',
        ),
        (2,),
    ),
    Case(
        "DW107",
        "poetry-caret",
        df(
            "FROM python:3.10-slim-bookworm\n",
            pyproject_dot_toml='[tool.poetry.dependencies]\npython = "^3.11"\n',
        ),
        (1,),
    ),
    Case(
        "DW107",
        "ok-inside",
        df(f"FROM {SLIM}\n", pyproject_dot_toml='[project]\nrequires-python = ">=3.11"\n'),
        (),
    ),
    Case(
        "DW107",
        "ok-patch-floor",
        df(f"FROM {SLIM}\n", pyproject_dot_toml='[project]\nrequires-python = ">=3.13.1"\n'),
        (),
    ),
    Case(
        "DW108", "differs", df("FROM python:3.12-slim-bookworm\n", files={".python-version": "3.13\n"}), (1,)
    ),
    Case(
        "DW108",
        "ok-same-minor",
        df("FROM python:3.13.1-slim-trixie\n", files={".python-version": "3.13.2\n"}),
        (),
    ),
    # ---------------------------------------------------------------- DW2xx caching
    Case(
        "DW201",
        "copy-all-before-requirements",
        df(
            f"FROM {SLIM}\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\n",
            requirements_dot_txt="flask\n",
        ),
        (3,),
    ),
    Case(
        "DW201",
        "code-dir-before-requirements",
        df(
            f"FROM {SLIM}\nWORKDIR /app\nCOPY app/ app/\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n",
            requirements_dot_txt="flask\n",
            app__main_dot_py="",
        ),
        (3,),
    ),
    Case(
        "DW201",
        "poetry-no-root-after-copy-all",
        df(
            f"FROM {SLIM}\nWORKDIR /app\nCOPY . .\nRUN poetry install --only main --no-root\n",
            pyproject_dot_toml="[tool.poetry]\n",
            poetry_dot_lock="x",
        ),
        (3,),
    ),
    Case(
        "DW201",
        "upgrade-pip-then-requirements",
        df(
            f"FROM {SLIM}\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -U pip && pip install --no-cache-dir -r requirements.txt\n",
            requirements_dot_txt="flask\n",
        ),
        (3,),
    ),
    Case(
        "DW201",
        "ok-requirements-first",
        df(
            f"FROM {SLIM}\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n"
        ),
        (),
    ),
    Case(
        "DW201",
        "ok-bind-mount-install",
        df(
            f"FROM {SLIM}\nWORKDIR /app\n"
            "RUN --mount=type=bind,source=requirements.txt,target=/tmp/r.txt pip install --no-cache-dir -r /tmp/r.txt\n"
            "COPY . .\n"
        ),
        (),
    ),
    Case(
        "DW202",
        "uv-sync-after-copy-all",
        df(f"FROM {SLIM}\nCOPY . /app\nRUN uv sync --frozen --no-dev\n"),
        (2,),
    ),
    Case(
        "DW202", "pip-install-dot", df(f"FROM {SLIM}\nCOPY . /app\nRUN pip install --no-cache-dir /app\n"), ()
    ),
    Case(
        "DW202",
        "ok-deps-then-project",
        df(
            f"FROM {SLIM}\nWORKDIR /app\nCOPY pyproject.toml uv.lock ./\n"
            "RUN uv sync --frozen --no-dev --no-install-project\nCOPY . .\nRUN uv sync --frozen --no-dev\n"
        ),
        (),
    ),
    # ---------------------------------------------------------------- DW3xx installers
    Case("DW301", "pip-no-flag", df(f"FROM {SLIM}\nRUN pip install flask\n"), (2,)),
    Case("DW301", "python-m-pip", df(f"FROM {SLIM}\nRUN python -m pip install -r requirements.txt\n"), (2,)),
    Case("DW301", "uv-pip", df(f"FROM {SLIM}\nRUN uv pip install --system flask\n"), (2,)),
    Case("DW301", "heredoc-run", df(f"FROM {SLIM}\nRUN <<EOF\nset -e\npip install flask\nEOF\n"), (2,)),
    Case(
        "DW301",
        "pip-with-uv-only-mount",
        df(f"FROM {SLIM}\nRUN --mount=type=cache,target=/root/.cache/uv pip install uv\n"),
        (2,),
    ),
    Case(
        "DW301",
        "ok-custom-cache-dir-mount",
        df(
            f"FROM {SLIM}\nENV PIP_CACHE_DIR=/pipcache\nRUN --mount=type=cache,target=/pipcache pip install x\n"
        ),
        (),
    ),
    Case("DW301", "ok-flag", df(f"FROM {SLIM}\nRUN pip install --no-cache-dir flask\n"), ()),
    Case(
        "DW301",
        "ok-env-set-once",
        df(f"FROM {SLIM}\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask\nRUN pip install gunicorn\n"),
        (),
    ),
    Case(
        "DW301",
        "ok-env-inherited-from-stage",
        df(f"FROM {SLIM} AS base\nENV PIP_NO_CACHE_DIR=true\nFROM base\nRUN pip install flask\n"),
        (),
    ),
    Case(
        "DW301",
        "ok-cache-mount",
        df(f"FROM {SLIM}\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask\n"),
        (),
    ),
    Case(
        "DW301",
        "ok-uv-cache-mount",
        df(f"FROM {SLIM}\nRUN --mount=type=cache,target=/root/.cache/uv uv sync --frozen\n"),
        (),
    ),
    Case(
        "DW301",
        "ok-builder-stage-only",
        df(
            f"FROM {SLIM} AS builder\nRUN pip install flask\nFROM {SLIM}\nCOPY --from=builder /usr/local /usr/local\n"
        ),
        (),
    ),
    Case(
        "DW301", "ok-heredoc-flag", df(f"FROM {SLIM}\nRUN <<EOF\npip install --no-cache-dir flask\nEOF\n"), ()
    ),
    Case("DW301", "ok-pipx-and-pipenv", df(f"FROM {SLIM}\nRUN pipx install black && pipenv --version\n"), ()),
    Case(
        "DW302",
        "pip-install-dot-with-uv-lock",
        df(f"FROM {SLIM}\nCOPY . /app\nRUN pip install --no-cache-dir /app .\n", uv_dot_lock="version = 1\n"),
        (3,),
    ),
    Case(
        "DW302",
        "uv-sync-not-frozen",
        df(f"FROM {SLIM}\nCOPY pyproject.toml uv.lock ./\nRUN uv sync --no-dev\n", uv_dot_lock="x"),
        (3,),
    ),
    Case(
        "DW302",
        "uv-sync-lock-not-copied",
        df(f"FROM {SLIM}\nCOPY pyproject.toml ./\nRUN uv sync --frozen\n", uv_dot_lock="x"),
        (3,),
    ),
    Case(
        "DW302",
        "poetry-lock-not-copied",
        df(f"FROM {SLIM}\nCOPY pyproject.toml ./\nRUN poetry install --only main\n", poetry_dot_lock="x"),
        (3,),
    ),
    Case(
        "DW302",
        "pipenv-without-deploy",
        df(
            f"FROM {SLIM}\nCOPY Pipfile Pipfile.lock ./\nRUN pipenv install --system\n", Pipfile_dot_lock="{}"
        ),
        (3,),
    ),
    Case(
        "DW302",
        "ok-uv-frozen",
        df(f"FROM {SLIM}\nCOPY pyproject.toml uv.lock ./\nRUN uv sync --frozen --no-dev\n", uv_dot_lock="x"),
        (),
    ),
    Case(
        "DW302",
        "ok-uv-lock-bind-mount",
        df(
            f"FROM {SLIM}\nRUN --mount=type=bind,source=uv.lock,target=uv.lock uv sync --locked\n",
            uv_dot_lock="x",
        ),
        (),
    ),
    Case(
        "DW302", "ok-no-lock-in-project", df(f"FROM {SLIM}\nCOPY . .\nRUN pip install --no-cache-dir .\n"), ()
    ),
    Case(
        "DW302",
        "ok-pipenv-deploy",
        df(
            f"FROM {SLIM}\nCOPY Pipfile Pipfile.lock ./\nRUN pipenv install --deploy --system\n",
            Pipfile_dot_lock="{}",
        ),
        (),
    ),
    Case(
        "DW303",
        "requirements-dev",
        df(f"FROM {SLIM}\nRUN pip install --no-cache-dir -r requirements-dev.txt\n"),
        (2,),
    ),
    Case(
        "DW303",
        "requirements-dir-test",
        df(f"FROM {SLIM}\nRUN pip install --no-cache-dir -r requirements/test.txt\n"),
        (2,),
    ),
    Case("DW303", "dev-extra", df(f"FROM {SLIM}\nRUN pip install --no-cache-dir -e '.[dev]'\n"), (2,)),
    Case(
        "DW303",
        "uv-sync-with-dev-group",
        df(
            f"FROM {SLIM}\nRUN uv sync --frozen\n",
            pyproject_dot_toml='[dependency-groups]\ndev = ["pytest"]\n',
        ),
        (2,),
    ),
    Case(
        "DW303",
        "poetry-all-groups-in-builder-copied",
        df(
            f"FROM {SLIM} AS builder\nRUN poetry install\nFROM {SLIM}\nCOPY --from=builder /app/.venv /app/.venv\n",
            pyproject_dot_toml="[tool.poetry.group.dev.dependencies]\npytest = '*'\n",
        ),
        (2,),
    ),
    Case(
        "DW303",
        "ok-requirements",
        df(f"FROM {SLIM}\nRUN pip install --no-cache-dir -r requirements.txt\n"),
        (),
    ),
    Case(
        "DW303",
        "ok-uv-no-dev",
        df(
            f"FROM {SLIM}\nRUN uv sync --frozen --no-dev\n",
            pyproject_dot_toml='[dependency-groups]\ndev = ["pytest"]\n',
        ),
        (),
    ),
    Case(
        "DW303",
        "ok-test-stage-not-shipped",
        df(
            f'FROM {SLIM} AS test\nRUN pip install --no-cache-dir -r requirements-dev.txt\nFROM {SLIM}\nCMD ["python"]\n'
        ),
        (),
    ),
    Case(
        "DW304",
        "system-pip-with-venv-copied",
        df(
            f"FROM {SLIM} AS builder\nRUN python -m venv /opt/venv\nFROM {SLIM}\nCOPY --from=builder /opt/venv /opt/venv\nRUN pip install --no-cache-dir gunicorn\n"
        ),
        (5,),
    ),
    Case(
        "DW304",
        "ok-venv-on-path",
        df(
            f"FROM {SLIM} AS builder\nRUN python -m venv /opt/venv\nFROM {SLIM}\nCOPY --from=builder /opt/venv /opt/venv\n"
            'ENV PATH="/opt/venv/bin:$PATH"\nRUN pip install --no-cache-dir gunicorn\n'
        ),
        (),
    ),
    Case(
        "DW304",
        "ok-installer-bootstrap",
        df(f"FROM {SLIM}\nRUN pip install --no-cache-dir uv && uv sync --frozen\n"),
        (),
    ),
    Case("DW304", "ok-no-venv-anywhere", df(f"FROM {SLIM}\nRUN pip install --no-cache-dir gunicorn\n"), ()),
    Case(
        "DW305",
        "copy-root-local",
        df(
            f"FROM {SLIM} AS builder\nRUN pip install --user flask\nFROM {SLIM}\nCOPY --from=builder /root/.local /root/.local\n"
        ),
        (4,),
    ),
    Case(
        "DW305",
        "ok-venv-copy",
        df(
            f"FROM {SLIM} AS b\nRUN python -m venv /opt/venv\nFROM {SLIM}\nCOPY --from=b /opt/venv /opt/venv\n"
        ),
        (),
    ),
    # ---------------------------------------------------------------- DW4xx apt/apk
    Case(
        "DW401", "no-recommends", df(f"FROM {SLIM}\nRUN apt-get update && apt-get install -y libpq5\n"), (2,)
    ),
    Case(
        "DW401",
        "ok-flag",
        df(f"FROM {SLIM}\nRUN apt-get update && apt-get install -y --no-install-recommends libpq5\n"),
        (),
    ),
    Case(
        "DW401",
        "ok-apt-option",
        df(f"FROM {SLIM}\nRUN apt-get -o APT::Install-Recommends=false install -y libpq5\n"),
        (),
    ),
    Case(
        "DW402",
        "no-cleanup",
        df(f"FROM {SLIM}\nRUN apt-get update \\\n && apt-get install -y --no-install-recommends libpq5\n"),
        (2,),
    ),
    Case(
        "DW402",
        "ok-cleanup",
        df(f"FROM {SLIM}\nRUN apt-get update && apt-get install -y libpq5 && rm -rf /var/lib/apt/lists/*\n"),
        (),
    ),
    Case(
        "DW402",
        "ok-cache-mounts",
        df(
            f"FROM {SLIM}\nRUN --mount=type=cache,target=/var/cache/apt --mount=type=cache,target=/var/lib/apt "
            "apt-get update && apt-get install -y libpq5\n"
        ),
        (),
    ),
    Case(
        "DW402",
        "ok-builder-stage",
        df(f"FROM {SLIM} AS b\nRUN apt-get update && apt-get install -y gcc\nFROM {SLIM}\n"),
        (),
    ),
    Case("DW403", "upgrade", df(f"FROM {SLIM}\nRUN apt-get update && apt-get -y upgrade\n"), (2,)),
    Case("DW403", "dist-upgrade", df(f"FROM {SLIM}\nRUN apt-get dist-upgrade -y\n"), (2,)),
    Case(
        "DW403",
        "ok-install-named-upgrade",
        df(f"FROM {SLIM}\nRUN apt-get install -y --no-install-recommends upgrade-tool\n"),
        (),
    ),
    Case(
        "DW404",
        "gcc-in-final",
        df(
            f"FROM {SLIM} AS b\nRUN echo build\nFROM {SLIM}\nRUN apt-get update && apt-get install -y build-essential libpq-dev\n"
        ),
        (4,),
    ),
    Case(
        "DW404",
        "ok-purged-in-same-run",
        df(
            f"FROM {SLIM} AS b\nFROM {SLIM}\nRUN apt-get install -y gcc && pip install x && apt-get purge -y gcc\n"
        ),
        (),
    ),
    Case("DW404", "ok-single-stage", df(f"FROM {SLIM}\nRUN apt-get install -y gcc\n"), ()),
    Case(
        "DW404",
        "ok-builder",
        df(
            f"FROM {SLIM} AS b\nRUN apt-get install -y gcc libpq-dev\nFROM {SLIM}\nRUN apt-get install -y libpq5\n"
        ),
        (),
    ),
    Case(
        "DW404",
        "ok-apk-virtual-deleted",
        df(
            "FROM python:3.13-alpine AS b\nFROM python:3.13-alpine\nRUN apk add --no-cache --virtual .build gcc musl-dev && pip install x && apk del .build\n"
        ),
        (),
    ),
    Case("DW405", "apk-no-cache", df("FROM python:3.13-alpine\nRUN apk update && apk add libpq\n"), (2,)),
    Case("DW405", "ok-apk-no-cache", df("FROM python:3.13-alpine\nRUN apk add --no-cache libpq\n"), ()),
    # ---------------------------------------------------------------- DW5xx security
    Case("DW501", "no-user", df(f'FROM {SLIM}\nCMD ["python"]\n'), (1,)),
    Case("DW501", "last-user-root", df(f"FROM {SLIM}\nUSER app\nUSER root\n"), (3,)),
    Case("DW501", "user-zero", df(f"FROM {SLIM}\nUSER 0:0\n"), (2,)),
    Case("DW501", "ok-builder-root", df(f"FROM {SLIM} AS builder\nUSER root\nFROM {SLIM}\nUSER 10001\n"), ()),
    Case("DW501", "ok-inherited-user", df(f'FROM {SLIM} AS base\nUSER app\nFROM base\nCMD ["python"]\n'), ()),
    Case(
        "DW501",
        "ok-distroless-nonroot",
        df(f"FROM {SLIM} AS b\nFROM gcr.io/distroless/python3-debian12:nonroot\n"),
        (),
    ),
    Case("DW501", "ok-arg-user", df(f"FROM {SLIM}\nARG UID=10001\nUSER ${{UID}}\n"), ()),
    Case("DW502", "env-secret-key", df(f"FROM {SLIM}\nENV DJANGO_SECRET_KEY=change-me\n"), (2,)),
    Case("DW502", "arg-token", df(f"FROM {SLIM} AS b\nARG GITHUB_TOKEN\nFROM {SLIM}\n"), (2,)),
    Case("DW502", "aws-key-value", df(f"FROM {SLIM}\nENV SOME_VALUE=AKIAABCDEFGHIJKLMNOP\n"), (2,)),
    Case(
        "DW502",
        "url-with-password",
        df(f"FROM {SLIM}\nENV DATABASE_URL=postgres://app:hunter2@db/app\n"),
        (2,),
    ),
    Case(
        "DW502",
        "index-url-with-token",
        df(f"FROM {SLIM} AS b\nRUN pip install --index-url https://me:s3cr3t@index.example/simple x\n"),
        (2,),
    ),
    Case(
        "DW502",
        "ok-index-url-from-secret-mount",
        df(
            f"FROM {SLIM}\nRUN --mount=type=secret,id=idx PIP_INDEX_URL=$(cat /run/secrets/idx) pip install x\n"
        ),
        (),
    ),
    Case(
        "DW502",
        "ok-dummy-url-in-builder-run",
        df(
            f"FROM {SLIM} AS b\nRUN DATABASE_URL=postgres://u:dummy@localhost/x python manage.py collectstatic\nFROM {SLIM}\n"
        ),
        (),
    ),
    Case(
        "DW502",
        "ok-file-pointer",
        df(f"FROM {SLIM}\nENV DB_PASSWORD_FILE=/run/secrets/db\nENV PASSWORD_MIN_LENGTH=12\n"),
        (),
    ),
    Case("DW502", "ok-empty-env", df(f'FROM {SLIM}\nENV SECRET_KEY=""\n'), ()),
    Case(
        "DW502",
        "ok-env-secret-in-builder",
        df(f"FROM {SLIM} AS b\nENV SECRET_KEY=build-only\nFROM {SLIM}\n"),
        (),
    ),
    Case(
        "DW502",
        "ok-run-scoped-variable",
        df(f"FROM {SLIM}\nRUN SECRET_KEY=dummy python manage.py collectstatic\n"),
        (),
    ),
    Case("DW503", "copy-env", df(f"FROM {SLIM}\nCOPY .env /app/.env\n"), (2,)),
    Case("DW503", "copy-key", df(f"FROM {SLIM}\nCOPY certs/server.key /etc/ssl/\n"), (2,)),
    Case(
        "DW503",
        "copy-all-with-env-not-ignored",
        {"Dockerfile": f"FROM {SLIM}\nCOPY . /app\n", ".env": "SECRET=x\n", ".dockerignore": ".git\n"},
        (2,),
    ),
    Case("DW503", "ok-env-example", df(f"FROM {SLIM}\nCOPY .env.example /app/\n"), ()),
    Case("DW503", "ok-copy-all-env-ignored", df(f"FROM {SLIM}\nCOPY . /app\n", _dot_env="X=1\n"), ()),
    Case("DW504", "add-url", df(f"FROM {SLIM}\nADD https://example.com/a.tar.gz /tmp/\n"), (2,)),
    Case(
        "DW504",
        "ok-checksum",
        df(f"FROM {SLIM}\nADD --checksum=sha256:{'c' * 64} https://example.com/a.tar.gz /tmp/\n"),
        (),
    ),
    Case("DW505", "add-local", df(f"FROM {SLIM}\nADD app.py /app/\n"), (2,)),
    Case("DW505", "ok-add-archive", df(f"FROM {SLIM}\nADD vendor.tar.gz /opt/\n"), ()),
    Case("DW506", "sudo", df(f"FROM {SLIM}\nRUN sudo apt-get update\n"), (2,)),
    Case("DW506", "ok-no-sudo", df(f"FROM {SLIM}\nRUN echo sudo is a word here\n"), ()),
    # ---------------------------------------------------------------- DW6xx runtime
    Case("DW601", "no-healthcheck", df(f'FROM {SLIM}\nCMD ["gunicorn", "app:app"]\n'), (1,)),
    Case(
        "DW601",
        "ok-builder-without",
        df(f'FROM {SLIM} AS b\nFROM {SLIM}\nHEALTHCHECK CMD ["python", "-c", "1"]\nCMD ["x"]\n'),
        (),
    ),
    Case("DW601", "ok-none", df(f'FROM {SLIM}\nHEALTHCHECK NONE\nCMD ["x"]\n'), ()),
    Case(
        "DW601",
        "ok-inherited",
        df(f'FROM {SLIM} AS base\nHEALTHCHECK CMD ["true"]\nFROM base\nCMD ["x"]\n'),
        (),
    ),
    Case("DW602", "shell-cmd", df(f"FROM {SLIM}\nCMD gunicorn app:app\n"), (2,)),
    Case("DW602", "shell-entrypoint", df(f"FROM {SLIM}\nENTRYPOINT python -m app\n"), (2,)),
    Case("DW602", "ok-exec-form", df(f'FROM {SLIM}\nCMD ["gunicorn", "app:app"]\n'), ()),
    Case("DW602", "ok-shell-with-exec", df(f"FROM {SLIM}\nCMD exec gunicorn -b 0.0.0.0:$PORT app:app\n"), ()),
    Case(
        "DW602", "ok-builder-shell-form", df(f'FROM {SLIM} AS b\nCMD echo hi\nFROM {SLIM}\nCMD ["x"]\n'), ()
    ),
    Case(
        "DW603",
        "uvicorn-reload",
        df(f'FROM {SLIM}\nCMD ["uvicorn", "app:app", "--reload", "--host", "0.0.0.0"]\n'),
        (2,),
    ),
    Case("DW603", "flask-run", df(f'FROM {SLIM}\nCMD ["flask", "run", "--host=0.0.0.0"]\n'), (2,)),
    Case("DW603", "runserver", df(f"FROM {SLIM}\nCMD python manage.py runserver 0.0.0.0:8000\n"), (2,)),
    Case(
        "DW603",
        "python-m-flask-in-sh-c",
        df(f'FROM {SLIM}\nCMD ["sh", "-c", "python -m flask run -h 0.0.0.0"]\n'),
        (2,),
    ),
    Case(
        "DW603",
        "in-entrypoint-script",
        df(
            f'FROM {SLIM}\nCOPY docker-entrypoint.sh /usr/local/bin/\nENTRYPOINT ["docker-entrypoint.sh"]\n',
            files={"docker-entrypoint.sh": "#!/bin/sh\nexec uvicorn app:app --reload --host 0.0.0.0\n"},
        ),
        (3,),
    ),
    Case("DW603", "ok-gunicorn", df(f'FROM {SLIM}\nCMD ["gunicorn", "app:app"]\n'), ()),
    Case(
        "DW603",
        "ok-reload-in-builder-stage",
        df(f'FROM {SLIM} AS dev\nCMD ["uvicorn", "a:app", "--reload"]\nFROM {SLIM}\nCMD ["x"]\n'),
        (),
    ),
    Case("DW603", "ok-fastapi-run", df(f'FROM {SLIM}\nCMD ["fastapi", "run", "app/main.py"]\n'), ()),
    Case(
        "DW604",
        "migrate-in-cmd",
        df(f'FROM {SLIM}\nCMD ["sh", "-c", "python manage.py migrate && exec gunicorn c.wsgi"]\n'),
        (2,),
    ),
    Case(
        "DW604",
        "alembic",
        df(f"FROM {SLIM}\nCMD alembic upgrade head && exec uvicorn a:app --host 0.0.0.0\n"),
        (2,),
    ),
    Case(
        "DW604",
        "in-entrypoint-script",
        df(
            f'FROM {SLIM}\nWORKDIR /app\nCOPY . .\nENTRYPOINT ["./entrypoint.sh"]\n',
            entrypoint_dot_sh='#!/bin/sh\nflask db upgrade\nexec "$@"\n',
        ),
        (4,),
    ),
    Case(
        "DW604",
        "ok-migrate-in-run",
        df(f'FROM {SLIM}\nRUN python manage.py collectstatic --noinput\nCMD ["gunicorn", "c.wsgi"]\n'),
        (),
    ),
    Case(
        "DW605",
        "script-without-exec",
        df(
            f'FROM {SLIM}\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\n',
            entrypoint_dot_sh="#!/bin/sh\nset -e\ngunicorn app:app\n",
        ),
        (3,),
    ),
    Case(
        "DW605",
        "ok-exec-in-script",
        df(
            f'FROM {SLIM}\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\nCMD ["gunicorn", "app:app"]\n',
            entrypoint_dot_sh='#!/bin/sh\nset -e\nif [ -n "$X" ]; then echo x; fi\nexec "$@"\n',
        ),
        (),
    ),
    Case("DW606", "missing", df(f'FROM {SLIM}\nCMD ["gunicorn", "app:app"]\n'), (1,)),
    Case("DW606", "ok-env", df(f"FROM {SLIM}\nENV PYTHONUNBUFFERED=1\n"), ()),
    Case("DW606", "ok-inherited", df(f"FROM {SLIM} AS base\nENV PYTHONUNBUFFERED=1\nFROM base\n"), ()),
    Case("DW606", "ok-python-u", df(f'FROM {SLIM}\nCMD ["python", "-u", "worker.py"]\n'), ()),
    Case("DW606", "ok-not-python", df('FROM nginx:1.27-bookworm\nCMD ["nginx"]\n'), ()),
    Case(
        "DW607",
        "no-workers-no-timeout",
        df(f'FROM {SLIM}\nCMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]\n'),
        (2,),
    ),
    Case(
        "DW607", "no-timeout", df(f'FROM {SLIM}\nENV WEB_CONCURRENCY=2\nCMD ["gunicorn", "app:app"]\n'), (3,)
    ),
    Case(
        "DW607",
        "ok-flags",
        df(f'FROM {SLIM}\nCMD ["gunicorn", "-w", "4", "--timeout", "60", "app:app"]\n'),
        (),
    ),
    Case(
        "DW607",
        "ok-cmd-args-env",
        df(f'FROM {SLIM}\nENV GUNICORN_CMD_ARGS="--workers 3 --timeout 60"\nCMD ["gunicorn", "app:app"]\n'),
        (),
    ),
    Case("DW607", "ok-config-file", df(f'FROM {SLIM}\nCMD ["gunicorn", "-c", "conf.py", "app:app"]\n'), ()),
    Case(
        "DW608", "uvicorn-default", df(f'FROM {SLIM}\nCMD ["uvicorn", "app:app", "--port", "8000"]\n'), (2,)
    ),
    Case(
        "DW608",
        "explicit-localhost",
        df(f'FROM {SLIM}\nCMD ["gunicorn", "-b", "127.0.0.1:8000", "app:app"]\n'),
        (2,),
    ),
    Case("DW608", "flask-default", df(f"FROM {SLIM}\nCMD flask run\n"), (2,)),
    Case("DW608", "gunicorn-default", df(f'FROM {SLIM}\nCMD ["gunicorn", "app:app"]\n'), (2,)),
    Case(
        "DW608", "ok-uvicorn-host", df(f'FROM {SLIM}\nCMD ["uvicorn", "app:app", "--host", "0.0.0.0"]\n'), ()
    ),
    Case(
        "DW608", "ok-gunicorn-port-env", df(f'FROM {SLIM}\nENV PORT=8000\nCMD ["gunicorn", "app:app"]\n'), ()
    ),
    Case("DW608", "ok-ipv6-any", df(f'FROM {SLIM}\nCMD ["hypercorn", "-b", "[::]:8000", "app:app"]\n'), ()),
    Case("DW608", "ok-uds", df(f'FROM {SLIM}\nCMD ["uvicorn", "app:app", "--uds", "/tmp/s"]\n'), ()),
    Case("DW609", "flask-debug", df(f"FROM {SLIM}\nENV FLASK_DEBUG=1\n"), (2,)),
    Case(
        "DW609",
        "django-debug-inherited",
        df(f"FROM {SLIM} AS base\nENV DJANGO_DEBUG=True\nFROM base\n"),
        (2,),
    ),
    Case("DW609", "flask-env-development", df(f"FROM {SLIM}\nENV FLASK_ENV=development\n"), (2,)),
    Case("DW609", "ok-debug-off", df(f"FROM {SLIM}\nENV FLASK_DEBUG=0 DJANGO_DEBUG=False\n"), ()),
    Case("DW609", "ok-debug-in-test-stage", df(f"FROM {SLIM} AS test\nENV DEBUG=1\nFROM {SLIM}\n"), ()),
    Case(
        "DW610",
        "curl-in-slim",
        df(f"FROM {SLIM}\nHEALTHCHECK CMD curl -f http://127.0.0.1:8000/ || exit 1\n"),
        (2,),
    ),
    Case(
        "DW610",
        "wget-exec-form-in-slim",
        df(f'FROM {SLIM}\nHEALTHCHECK CMD ["wget", "-qO-", "http://127.0.0.1:8000/"]\n'),
        (2,),
    ),
    Case(
        "DW610",
        "ok-curl-installed",
        df(
            f"FROM {SLIM}\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nHEALTHCHECK CMD curl -f http://127.0.0.1:8000/\n"
        ),
        (),
    ),
    Case(
        "DW610",
        "ok-full-image-has-curl",
        df("FROM python:3.13-trixie\nHEALTHCHECK CMD curl -f http://127.0.0.1:8000/\n"),
        (),
    ),
    Case(
        "DW610",
        "ok-alpine-busybox-wget",
        df("FROM python:3.13-alpine\nHEALTHCHECK CMD wget -qO- http://127.0.0.1:8000/\n"),
        (),
    ),
    Case("DW610", "ok-python-probe", df(f'FROM {SLIM}\nHEALTHCHECK CMD ["python", "-c", "print(1)"]\n'), ()),
    Case(
        "DW611",
        "expose-differs",
        df(f'FROM {SLIM}\nEXPOSE 8000\nCMD ["gunicorn", "--bind", "0.0.0.0:5000", "app:app"]\n'),
        (2,),
    ),
    Case(
        "DW611",
        "healthcheck-differs",
        df(
            f'FROM {SLIM}\nHEALTHCHECK CMD ["python", "-c", "import urllib.request as u; u.urlopen(\'http://127.0.0.1:8000/\')"]\nCMD flask run --host 0.0.0.0\n'
        ),
        (2,),
    ),
    Case(
        "DW611",
        "socket-probe-differs",
        df(
            f'FROM {SLIM}\nHEALTHCHECK CMD ["python", "-c", "import socket; socket.create_connection((\'127.0.0.1\', 8080))"]\nCMD ["uvicorn", "a:app", "--host", "0.0.0.0"]\n'
        ),
        (2,),
    ),
    Case(
        "DW611",
        "ok-same-port",
        df(
            f'FROM {SLIM}\nEXPOSE 8000/tcp\nHEALTHCHECK CMD ["python", "-c", "import urllib.request as u; u.urlopen(\'http://localhost:8000/\')"]\nCMD ["uvicorn", "a:app", "--host", "0.0.0.0"]\n'
        ),
        (),
    ),
    Case(
        "DW611",
        "ok-port-from-env",
        df(f"FROM {SLIM}\nEXPOSE 8000\nCMD exec gunicorn --bind 0.0.0.0:$PORT app:app\n"),
        (),
    ),
    Case(
        "DW611",
        "ok-flask-run-port-env",
        df(f'FROM {SLIM}\nENV FLASK_RUN_PORT=8000\nEXPOSE 8000\nCMD ["flask", "run"]\n'),
        (),
    ),
    Case(
        "DW612",
        "fastapi-sync-gunicorn",
        df(
            f'FROM {SLIM}\nCMD ["gunicorn", "-b", "0.0.0.0:8000", "app.main:app"]\n',
            requirements_dot_txt="fastapi\ngunicorn\n",
        ),
        (2,),
    ),
    Case(
        "DW612",
        "flask-under-uvicorn",
        df(
            f'FROM {SLIM}\nCMD ["uvicorn", "app:app", "--host", "0.0.0.0"]\n',
            requirements_dot_txt="flask\nuvicorn\n",
        ),
        (2,),
    ),
    Case(
        "DW612",
        "ok-uvicorn-worker",
        df(
            f'FROM {SLIM}\nCMD ["gunicorn", "-k", "uvicorn_worker.UvicornWorker", "app.main:app"]\n',
            requirements_dot_txt="fastapi\n",
        ),
        (),
    ),
    Case(
        "DW612",
        "ok-worker-class-in-env",
        df(
            f'FROM {SLIM}\nENV GUNICORN_CMD_ARGS="--worker-class uvicorn.workers.UvicornWorker"\nCMD ["gunicorn", "app.main:app"]\n',
            requirements_dot_txt="fastapi\n",
        ),
        (),
    ),
    Case(
        "DW612",
        "ok-flask-gunicorn",
        df(f'FROM {SLIM}\nCMD ["gunicorn", "app:app"]\n', requirements_dot_txt="flask\n"),
        (),
    ),
    Case(
        "DW612",
        "ok-flask-uvicorn-wsgi-interface",
        df(
            f'FROM {SLIM}\nCMD ["uvicorn", "--interface", "wsgi", "app:app"]\n',
            requirements_dot_txt="flask\n",
        ),
        (),
    ),
    Case(
        "DW612",
        "ok-adapter",
        df(f'FROM {SLIM}\nCMD ["uvicorn", "asgi:app"]\n', requirements_dot_txt="flask\nasgiref\n"),
        (),
    ),
    # ---------------------------------------------------------------- DW7xx .dockerignore
    Case("DW701", "missing-with-copy-all", {"Dockerfile": f"FROM {SLIM}\nWORKDIR /app\nCOPY . .\n"}, (3,)),
    Case("DW701", "ok-present", df(f"FROM {SLIM}\nCOPY . .\n"), ()),
    Case(
        "DW701",
        "ok-dockerfile-specific",
        {"app.Dockerfile": f"FROM {SLIM}\nCOPY . .\n", "app.Dockerfile.dockerignore": ".git\n"},
        (),
        "app.Dockerfile",
    ),
    Case(
        "DW701",
        "ok-dockerfile-in-subdir-context-is-root",
        {
            "docker/Dockerfile": f"FROM {SLIM}\nCOPY requirements.txt /app/\nCOPY . /app\n",
            "requirements.txt": "",
            ".dockerignore": ".git\n",
        },
        (),
        "docker/Dockerfile",
    ),
    Case(
        "DW701",
        "subdir-dockerfile-context-is-root-without-ignore",
        {
            "docker/Dockerfile": f"FROM {SLIM}\nCOPY requirements.txt /app/\nCOPY . /app\n",
            "requirements.txt": "",
        },
        (3,),
        "docker/Dockerfile",
    ),
    Case("DW701", "ok-no-context-copy", {"Dockerfile": f"FROM {SLIM}\nRUN echo hi\n"}, ()),
    Case("DW702", "no-git", {".dockerignore": ".env\n"}, (1,), ".dockerignore"),
    Case("DW702", "ok-git-glob", {".dockerignore": ".gi?\n"}, (), ".dockerignore"),
    Case("DW703", "no-env", {".dockerignore": ".git\n"}, (1,), ".dockerignore"),
    Case("DW703", "env-but-not-variants", {".dockerignore": ".git\n.env\n"}, (1,), ".dockerignore"),
    Case("DW703", "ok-env-star", {".dockerignore": ".env*\n!.env.example\n"}, (), ".dockerignore"),
    Case("DW704", "no-venv", {".dockerignore": ".git\n"}, (1,), ".dockerignore"),
    Case("DW704", "ok-venv", {".dockerignore": ".venv/\n"}, (), ".dockerignore"),
    Case("DW705", "top-level-pycache-only", {".dockerignore": "__pycache__\n"}, (1,), ".dockerignore"),
    Case("DW705", "ok-recursive", {".dockerignore": "**/__pycache__\n"}, (), ".dockerignore"),
    Case("DW705", "ok-pyc-glob", {".dockerignore": "**/*.pyc\n"}, (), ".dockerignore"),
    Case(
        "DW706",
        "excludes-requirements",
        {".dockerignore": ".git\n*.txt\n", "Dockerfile": f"FROM {SLIM}\nCOPY requirements.txt ./\n"},
        (2,),
        ".dockerignore",
    ),
    Case(
        "DW706",
        "ok-re-included",
        {
            ".dockerignore": "*.txt\n!requirements.txt\n",
            "Dockerfile": f"FROM {SLIM}\nCOPY requirements.txt ./\n",
        },
        (),
        ".dockerignore",
    ),
    Case("DW707", "trailing-comment", {".dockerignore": ".git\n.venv  # local\n"}, (2,), ".dockerignore"),
    Case("DW707", "ok-comment-line", {".dockerignore": "# local\n.venv\n"}, (), ".dockerignore"),
    # ---------------------------------------------------------------- DW8xx compose
    Case(
        "DW801",
        "list-form",
        {
            "compose.yaml": "services:\n  web:\n    build: .\n    depends_on:\n      - db\n  db:\n    image: postgres:17\n"
        },
        (5,),
        "compose.yaml",
    ),
    Case(
        "DW801",
        "list-form-with-healthcheck",
        {
            "compose.yaml": "services:\n  web:\n    build: .\n    depends_on:\n      - db\n      - worker\n"
            "  worker:\n    build: .\n  db:\n    image: postgres:17\n    healthcheck:\n      test: [CMD, pg_isready]\n"
        },
        (5,),
        "compose.yaml",
    ),
    Case(
        "DW801",
        "flow-list-with-healthcheck",
        {
            "compose.yaml": "services:\n  web:\n    build: .\n    depends_on: [db]\n"
            "  db:\n    image: postgres:17\n    healthcheck:\n      test: [CMD, pg_isready]\n"
        },
        (4,),
        "compose.yaml",
    ),
    Case(
        "DW801",
        "service-started",
        {
            "compose.yaml": "services:\n  web:\n    build: .\n    depends_on:\n      redis:\n        condition: service_started\n"
            "  redis:\n    image: redis:8\n"
        },
        (5,),
        "compose.yaml",
    ),
    Case(
        "DW801",
        "ok-healthy",
        {
            "compose.yaml": "services:\n  web:\n    build: .\n    depends_on:\n      db:\n        condition: service_healthy\n  db:\n    image: postgres:17\n"
        },
        (),
        "compose.yaml",
    ),
    Case(
        "DW801",
        "ok-depends-on-app-service",
        {
            "compose.yaml": "services:\n  web:\n    build: .\n    depends_on: [migrate]\n  migrate:\n    build: .\n"
        },
        (),
        "compose.yaml",
    ),
    Case(
        "DW802",
        "no-healthcheck",
        {"compose.yaml": "services:\n  db:\n    image: postgres:17-trixie\n"},
        (2,),
        "compose.yaml",
    ),
    Case(
        "DW802",
        "ok-healthcheck",
        {
            "compose.yaml": "services:\n  cache:\n    image: redis:8\n    healthcheck:\n      test: [CMD, redis-cli, ping]\n"
        },
        (),
        "compose.yaml",
    ),
    Case(
        "DW803",
        "literal-password",
        {
            "compose.yaml": "services:\n  db:\n    image: postgres:17\n    environment:\n      POSTGRES_PASSWORD: hunter2\n"
        },
        (5,),
        "compose.yaml",
    ),
    Case(
        "DW803",
        "list-env-url",
        {
            "compose.yaml": "services:\n  web:\n    build: .\n    environment:\n      - DATABASE_URL=postgres://u:pw@db/app\n"
        },
        (5,),
        "compose.yaml",
    ),
    Case(
        "DW803",
        "ok-reference",
        {
            "compose.yaml": "services:\n  db:\n    image: postgres:17\n    environment:\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set}\n"
        },
        (),
        "compose.yaml",
    ),
    Case(
        "DW803",
        "ok-override-file",
        {"compose.override.yaml": "services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: dev\n"},
        (),
        "compose.override.yaml",
    ),
    Case(
        "DW804",
        "all-interfaces",
        {"compose.yaml": 'services:\n  db:\n    image: postgres:17\n    ports:\n      - "5432:5432"\n'},
        (5,),
        "compose.yaml",
    ),
    Case(
        "DW804",
        "ok-localhost",
        {
            "compose.yaml": 'services:\n  db:\n    image: postgres:17\n    ports:\n      - "127.0.0.1:5432:5432"\n'
        },
        (),
        "compose.yaml",
    ),
    Case(
        "DW804",
        "ok-app-port",
        {"compose.yaml": 'services:\n  web:\n    build: .\n    ports:\n      - "8000:8000"\n'},
        (),
        "compose.yaml",
    ),
    Case(
        "DW805", "untagged", {"compose.yaml": "services:\n  db:\n    image: postgres\n"}, (3,), "compose.yaml"
    ),
    Case(
        "DW805",
        "ok-build-names-image",
        {"compose.yaml": "services:\n  web:\n    build: .\n    image: myapp\n"},
        (),
        "compose.yaml",
    ),
    Case(
        "DW806",
        "no-volume",
        {"compose.yaml": "services:\n  db:\n    image: postgres:17\n"},
        (2,),
        "compose.yaml",
    ),
    Case(
        "DW806",
        "ok-named-volume",
        {
            "compose.yaml": "services:\n  db:\n    image: postgres:17\n    volumes:\n      - pg:/var/lib/postgresql/data\nvolumes:\n  pg:\n"
        },
        (),
        "compose.yaml",
    ),
    Case(
        "DW806",
        "ok-redis-no-persistence",
        {"compose.yaml": "services:\n  cache:\n    image: redis:8\n"},
        (),
        "compose.yaml",
    ),
    Case(
        "DW807",
        "reload-and-bind",
        {
            "compose.yaml": "services:\n  web:\n    build: .\n    command: uvicorn a:app --reload\n    volumes:\n      - .:/app\n"
        },
        (4, 6),
        "compose.yaml",
    ),
    Case(
        "DW807",
        "ok-in-override",
        {
            "compose.override.yaml": "services:\n  web:\n    command: uvicorn a:app --reload\n    volumes:\n      - .:/app\n"
        },
        (),
        "compose.override.yaml",
    ),
    Case(
        "DW807",
        "debug-env",
        {"compose.yaml": "services:\n  web:\n    build: .\n    environment:\n      DJANGO_DEBUG: 'true'\n"},
        (5,),
        "compose.yaml",
    ),
    Case(
        "DW807",
        "code-dir-mount",
        {
            "compose.yaml": "services:\n  web:\n    build: .\n    volumes:\n      - ./src:/app/src\n",
            "src/app/__init__.py": "",
        },
        (5,),
        "compose.yaml",
    ),
    Case(
        "DW807",
        "ok-data-dir-mount",
        {
            "compose.yaml": "services:\n  web:\n    build: .\n    volumes:\n      - ./data:/app/data\n",
            "data/x.sqlite3": "",
        },
        (),
        "compose.yaml",
    ),
    Case(
        "DW807",
        "ok-config-file-mount",
        {
            "compose.yaml": "services:\n  web:\n    build: .\n    volumes:\n      - ./gunicorn.conf.py:/app/gunicorn.conf.py:ro\n"
        },
        (),
        "compose.yaml",
    ),
    Case(
        "DW808",
        "version",
        {"compose.yaml": "version: '3.8'\nservices:\n  web:\n    build: .\n"},
        (1,),
        "compose.yaml",
    ),
    Case("DW808", "ok-no-version", {"compose.yaml": "services:\n  web:\n    build: .\n"}, (), "compose.yaml"),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.code}-{c.id}" for c in CASES])
def test_rule(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, case.files)
    monkeypatch.chdir(tmp_path)
    findings = lint_dir(tmp_path, select=(case.code,))
    lines = tuple(sorted(f.line for f in findings if f.code == case.code and f.path == case.target))
    others = [f for f in findings if f.code == case.code and f.path != case.target]
    assert lines == case.lines, [f"{f.path}:{f.line} {f.message}" for f in findings]
    assert not others, others


def test_every_rule_has_trigger_and_near_miss() -> None:
    triggered = {c.code for c in CASES if c.lines}
    silent = {c.code for c in CASES if not c.lines}
    codes = set(all_rules())
    assert codes - triggered == set(), "rules without a must-trigger case"
    assert codes - silent - {"DW001"} == set(), "rules without a near-miss case"
