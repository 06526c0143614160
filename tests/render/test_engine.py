"""The generated files on a real engine: `docker compose config` accepts every compose pair, and
generated Dockerfiles build and run (FastAPI with uv.lock, Django with collectstatic, Flask with
requirements.txt and no server dependency).

Builds use `--network host` (the package index) and the offline stand-in base images; everything
created is labelled dockwright.test=1 and removed, also on failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from cases import CASES
from info_factory import django_info, make_info

from dockwright.detect.model import DjangoInfo, ProjectInfo
from dockwright.plan import make_plan
from dockwright.render import render_files

pytestmark = pytest.mark.engine

DOCKER = os.environ.get("DOCKWRIGHT_DOCKER", "/usr/bin/docker")
LABEL = "dockwright.test=1"


def docker(
    *args: str, check: bool = True, timeout: float = 600, **kwargs: object
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DOCKER_BUILDKIT": "1"}
    result = subprocess.run(
        [DOCKER, *args], capture_output=True, text=True, timeout=timeout, env=env, check=False, **kwargs
    )  # type: ignore[call-overload]
    if check and result.returncode != 0:
        raise AssertionError(
            f"docker {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    return result  # type: ignore[no-any-return]


def write_files(root: Path, info: ProjectInfo, **plan_kwargs: object) -> dict[str, str]:
    files = render_files(make_plan(info, **plan_kwargs))  # type: ignore[arg-type]
    for name, content in files.items():
        (root / name).write_text(content, encoding="utf-8")
    return files


# --- docker compose config ------------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(CASES))
def test_compose_files_pass_docker_compose_config(case: str, tmp_path: Path) -> None:
    files = render_files(CASES[case]())
    for name, content in files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    shutil.copy(tmp_path / ".env.example", tmp_path / ".env")  # what the user does first
    for chain in (["-f", "compose.yaml"], ["-f", "compose.yaml", "-f", "compose.override.yaml"]):
        result = docker("compose", "--project-directory", str(tmp_path), *chain, "config", "-q", cwd=tmp_path)
        assert result.stderr.strip() == "", result.stderr


def test_compose_refuses_to_start_without_env(tmp_path: Path) -> None:
    """No silent empty database password: compose itself demands the .env values."""
    for name, content in render_files(CASES["django-pip-postgres-celery"]()).items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    (tmp_path / ".env").write_text("", encoding="utf-8")
    result = docker("compose", "-f", "compose.yaml", "config", "-q", check=False, cwd=tmp_path)
    assert result.returncode != 0 and "POSTGRES_USER" in result.stderr


# --- real builds ------------------------------------------------------------------------------------


class Image:
    def __init__(self, root: Path, tag: str) -> None:
        self.root, self.tag = root, tag
        self.containers: list[str] = []
        self.ports: dict[str, int] = {}

    def build(self) -> str:
        result = docker(
            "build", "--network", "host", "--progress", "plain", "--label", LABEL,
            "--build-arg", "REVISION=0123abc", "-t", self.tag, str(self.root),
        )  # fmt: skip
        return result.stderr + result.stdout

    def run(self, *args: str, port: int) -> str:
        """Start the image; its port is published on 127.0.0.1 at a free host port (see ``url``)."""
        name = f"dw-test-{uuid.uuid4().hex[:10]}"
        self.containers.append(name)  # before run: a failed start still leaves a container to remove
        self.ports[name] = port
        docker(
            "run", "-d", "--name", name, "--label", LABEL, "--read-only", "--tmpfs", "/tmp",
            "-p", f"127.0.0.1::{port}", *args, self.tag,
        )  # fmt: skip
        return name

    def url(self, container: str, path: str) -> str:
        published = docker("port", container, f"{self.ports[container]}/tcp").stdout.split()[0]
        host, _, host_port = published.rpartition(":")
        assert host == "127.0.0.1"
        return f"http://127.0.0.1:{host_port}{path}"

    def cleanup(self) -> None:
        for name in self.containers:
            docker("rm", "-f", "-v", name, check=False)
        docker("rmi", "-f", self.tag, check=False)


@pytest.fixture
def image(tmp_path: Path) -> Iterator[Image]:
    img = Image(tmp_path, f"dockwright-test/render-{uuid.uuid4().hex[:10]}:1")
    try:
        yield img
    finally:
        img.cleanup()


def wait_healthy(container: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    status = ""
    while time.monotonic() < deadline:
        status = docker("inspect", "-f", "{{.State.Health.Status}}", container).stdout.strip()
        if status == "healthy":
            return
        if docker("inspect", "-f", "{{.State.Running}}", container).stdout.strip() != "true":
            break
        time.sleep(1)
    logs = docker("logs", container, check=False)
    raise AssertionError(f"{container} not healthy ({status}):\n{logs.stdout}\n{logs.stderr}")


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:  # 127.0.0.1 only
        return response.status, response.read().decode()


def check_hardening(container: str, *, writable: str | None = None) -> None:
    """Non-root, code not writable, HOME writable, no installers shipped, SIGTERM stops cleanly."""
    assert docker("exec", container, "id", "-u").stdout.strip() == "10001"
    assert docker("exec", container, "touch", "/app/new-file", check=False).returncode != 0
    assert (
        docker(
            "exec", container, "sh", "-c", 'mkdir -p "$XDG_CACHE_HOME" && touch "$HOME/x" "$XDG_CACHE_HOME/y"'
        ).returncode
        == 0
    )
    venv = docker("exec", container, "sh", "-c", "ls /opt/venv/lib/python3*/site-packages").stdout.split()
    shipped = {p.split("-")[0].lower() for p in venv}
    assert not shipped & {"pip", "setuptools", "uv", "wheel"}, venv
    assert (
        docker("exec", container, "sh", "-c", "test -e /opt/uv || command -v uv", check=False).returncode != 0
    )
    if writable:
        # the declared directory is writable by the app user (it is a volume in compose, here a layer)
        probe = docker("run", "--rm", "--label", LABEL, "--entrypoint", "sh", docker_image(container), "-c",
                       f"touch {writable}/ok && echo ok")  # fmt: skip
        assert probe.stdout.strip() == "ok"
    started = time.monotonic()
    docker("stop", "-t", "20", container)
    assert time.monotonic() - started < 10, "SIGTERM did not stop the server promptly"
    assert docker("inspect", "-f", "{{.State.ExitCode}}", container).stdout.strip() == "0"


def docker_image(container: str) -> str:
    return docker("inspect", "-f", "{{.Config.Image}}", container).stdout.strip()


FASTAPI_MAIN = """\
from fastapi import FastAPI

app = FastAPI()


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok", "version": "VERSION"}
"""


def test_fastapi_uv_lock_builds_runs_and_rebuilds_code_without_reinstalling(image: Image) -> None:
    root = image.root
    (root / "pyproject.toml").write_text(
        '[project]\nname = "tiny"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'
        'dependencies = ["fastapi>=0.110"]\n\n[dependency-groups]\ndev = ["pytest>=8"]\n',
        encoding="utf-8",
    )
    (root / "main.py").write_text(FASTAPI_MAIN.replace("VERSION", "1"), encoding="utf-8")
    (root / ".env").write_text("SECRET=must-not-reach-the-image\n", encoding="utf-8")
    env = {**os.environ, "UV_NATIVE_TLS": "1"}
    subprocess.run([sys.executable, "-m", "uv", "lock", "-q"], cwd=root, check=True, env=env, timeout=300)
    write_files(
        root, make_info(root=str(root), name="tiny", dependencies=("fastapi",), server_in_dependencies=False)
    )

    image.build()
    listing = docker(
        "run", "--rm", "--label", LABEL, "--entrypoint", "ls", image.tag, "-a", "/app"
    ).stdout.split()
    assert ".env" not in listing and "Dockerfile" not in listing and "main.py" in listing
    venv = docker("run", "--rm", "--label", LABEL, "--entrypoint", "sh", image.tag, "-c",
                  "ls /opt/venv/lib/python3*/site-packages").stdout  # fmt: skip
    assert "pytest" not in venv  # dev group not installed
    labels = docker(
        "inspect", "-f", '{{index .Config.Labels "org.opencontainers.image.revision"}}', image.tag
    )
    assert labels.stdout.strip() == "0123abc"

    container = image.run(port=8000)
    wait_healthy(container)
    assert get(image.url(container, "/healthz")) == (200, '{"status":"ok","version":"1"}')
    check_hardening(container)

    # A code-only change: the dependency layer comes from the cache, uv sync does not run again.
    (root / "main.py").write_text(FASTAPI_MAIN.replace("VERSION", "2"), encoding="utf-8")
    log = image.build()
    sync_steps = [line for line in log.splitlines() if "uv sync --frozen" in line and line.startswith("#")]
    assert sync_steps, log
    step_id = sync_steps[0].split()[0]
    assert f"{step_id} CACHED" in log, log


DJANGO_FILES = {
    "manage.py": """\
        import os
        import sys

        if __name__ == "__main__":
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
            from django.core.management import execute_from_command_line

            execute_from_command_line(sys.argv)
    """,
    "config/__init__.py": "",
    "config/settings.py": """\
        import os
        from pathlib import Path

        BASE_DIR = Path(__file__).resolve().parent.parent
        SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]  # no default: refuses to import without it
        DEBUG = False
        ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",")
        INSTALLED_APPS = [
            "django.contrib.admin",
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "django.contrib.staticfiles",
        ]
        ROOT_URLCONF = "config.urls"
        WSGI_APPLICATION = "config.wsgi.application"
        STATIC_URL = "/static/"
        STATIC_ROOT = BASE_DIR / "staticfiles"
        MEDIA_ROOT = BASE_DIR / "media"
        DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "/tmp/db.sqlite3"}}
    """,
    "config/urls.py": """\
        from django.http import JsonResponse
        from django.urls import path

        urlpatterns = [path("healthz/", lambda request: JsonResponse({"ok": True}))]
    """,
    "config/wsgi.py": """\
        import os

        from django.core.wsgi import get_wsgi_application

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        application = get_wsgi_application()
    """,
}


def test_django_collectstatic_at_build_and_secret_not_in_image(image: Image) -> None:
    root = image.root
    (root / "requirements.txt").write_text("django>=5.1,<6\n", encoding="utf-8")
    for rel, content in DJANGO_FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(textwrap.dedent(content), encoding="utf-8")
    info = django_info(
        root=str(root),
        name="site",
        manifests=("requirements.txt",),
        requirements_files=("requirements.txt",),
        dependencies=("django",),
        native=(),
        services=(),
        celery_app=None,
        migrations=None,
        django=DjangoInfo(
            "config.settings", "config.wsgi:application", None, "staticfiles", "media", "manage.py"
        ),
        env_vars=("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"),
    )
    write_files(root, info)
    image.build()

    env_lines = docker("inspect", "-f", "{{range .Config.Env}}{{println .}}{{end}}", image.tag).stdout
    assert "SECRET" not in env_lines and "DJANGO_SETTINGS_MODULE=config.settings" in env_lines
    history = docker("history", "--no-trunc", "--format", "{{.CreatedBy}}", image.tag).stdout
    assert "collectstatic-build-only" not in history  # the builder stage is not part of the image
    static = docker(
        "run", "--rm", "--label", LABEL, "--entrypoint", "ls", image.tag, "/app/staticfiles/admin/css"
    )
    assert "base.css" in static.stdout.split()

    container = image.run(
        "-e", f"DJANGO_SECRET_KEY=test-only-{uuid.uuid4().hex}",
        "-e", "DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost",
        port=8000,
    )  # fmt: skip
    wait_healthy(container)
    assert get(image.url(container, "/healthz/")) == (200, '{"ok": true}')
    cmdlines = docker("exec", container, "sh", "-c", "cat /proc/[0-9]*/cmdline | tr '\\0' ' '; echo").stdout
    assert cmdlines.count("gunicorn --bind") == 4, cmdlines  # the arbiter + WEB_CONCURRENCY=3 workers
    check_hardening(container, writable="/app/media")


def test_flask_requirements_without_gunicorn_gets_it_added(image: Image) -> None:
    root = image.root
    (root / "requirements.txt").write_text("flask>=3,<4\n", encoding="utf-8")
    (root / "app.py").write_text(
        "from flask import Flask\n\n\ndef create_app():\n    app = Flask(__name__)\n\n"
        "    @app.get('/ping')\n    def ping():\n        return 'pong'\n\n    return app\n",
        encoding="utf-8",
    )
    info = make_info(
        root=str(root),
        name="pinger",
        framework="flask",
        interface="wsgi",
        app="app:create_app()",
        server="gunicorn",
        server_in_dependencies=False,
        dependency_manager="pip",
        manifests=("requirements.txt",),
        lock_file=None,
        requirements_files=("requirements.txt",),
        dependencies=("flask",),
        health_path="/ping",
        port=5000,
        writable_dirs=("uploads",),
    )
    files = write_files(root, info, debian="trixie")
    assert "gunicorn>=23,<28" in files["Dockerfile"]
    image.build()
    container = image.run(port=5000)
    wait_healthy(container)
    assert get(image.url(container, "/ping")) == (200, "pong")
    check_hardening(container, writable="/app/uploads")


def test_uv_src_package_with_gunicorn_uvicorn_workers(image: Image) -> None:
    """uv.lock + an installed src-layout package (editable install into /opt/project after the code)
    and several ASGI workers: gunicorn with uvicorn workers, both added by the builder."""
    root = image.root
    (root / "pyproject.toml").write_text(
        textwrap.dedent(
            """\
            [project]
            name = "shop"
            version = "0.1.0"
            requires-python = ">=3.11"
            dependencies = ["starlette>=0.37"]

            [build-system]
            requires = ["hatchling"]
            build-backend = "hatchling.build"
            """
        ),
        encoding="utf-8",
    )
    package = root / "src" / "shop"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "main.py").write_text(
        textwrap.dedent(
            """\
            import os

            from starlette.applications import Starlette
            from starlette.responses import PlainTextResponse
            from starlette.routing import Route


            async def health(request):
                return PlainTextResponse(f"ok from {os.getpid()} in {__file__}")


            app = Starlette(routes=[Route("/health", health)])
            """
        ),
        encoding="utf-8",
    )
    env = {**os.environ, "UV_NATIVE_TLS": "1"}
    subprocess.run([sys.executable, "-m", "uv", "lock", "-q"], cwd=root, check=True, env=env, timeout=300)
    # A patch-level pin that the base image does not have: uv must still use the image's interpreter.
    (root / ".python-version").write_text("3.13.1\n", encoding="utf-8")
    info = make_info(
        root=str(root),
        name="shop",
        framework="starlette",
        app="shop.main:app",
        app_dir="src",
        is_package=True,
        install_project=True,
        dependencies=("starlette",),
        server_in_dependencies=False,
        health_path="/health",
    )
    files = write_files(root, info, workers=2)
    assert "uvicorn-worker" in files["Dockerfile"] and "--target /opt/project" in files["Dockerfile"]
    image.build()
    container = image.run(port=8000)
    wait_healthy(container)
    status, body = get(image.url(container, "/health"))
    assert status == 200 and "/app/src/shop/main.py" in body  # the one copy of the code, through the install
    cmdlines = docker("exec", container, "sh", "-c", "cat /proc/[0-9]*/cmdline | tr '\\0' ' '; echo").stdout
    assert cmdlines.count("uvicorn_worker.UvicornWorker") == 3, cmdlines  # arbiter + 2 workers
    check_hardening(container)


COUNTER_INIT = """\
import importlib.metadata

from flask import Flask


def create_app() -> Flask:
    app = Flask(__name__)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"version": importlib.metadata.version("counter"), "file": __file__, "edit": "EDIT"}

    return app


def hello() -> None:
    print("hello from", importlib.metadata.distribution("counter").metadata["Name"])
"""


def _steps(log: str) -> dict[str, bool]:
    """BuildKit plain log -> {instruction: cached} ("#7 [runtime 3/6] COPY ..." then "#7 CACHED")."""
    names: dict[str, str] = {}
    cached: set[str] = set()
    for line in log.splitlines():
        if m := re.match(r"#(\d+) \[(?:\S+ )?\d+/\d+\] (.+)$", line):
            names[m[1]] = m[2].strip()
        elif m := re.match(r"#(\d+) CACHED$", line):
            cached.add(m[1])
    return {name: step in cached for step, name in names.items()}


def test_installed_package_code_change_keeps_the_venv_layer(image: Image) -> None:
    """Regression: a PEP 621 src-layout package was installed into /opt/venv after `COPY . .`, so
    every code edit re-created the final image's venv layer (12 MB re-pushed for the Flask example)
    and shipped the code twice. Now a code-only rebuild leaves that layer a cache hit, the code lives
    only in /app, and console scripts and importlib.metadata still work."""
    root = image.root
    (root / "pyproject.toml").write_text(
        textwrap.dedent(
            """\
            [project]
            name = "counter"
            version = "2.5.0"
            requires-python = ">=3.11"
            dependencies = ["flask>=3"]

            [project.scripts]
            counter-hello = "counter:hello"

            [build-system]
            requires = ["hatchling"]
            build-backend = "hatchling.build"
            """
        ),
        encoding="utf-8",
    )
    package = root / "src" / "counter"
    package.mkdir(parents=True)
    module = package / "__init__.py"
    # unique per run: BuildKit's cache is content-addressed and outlives this test
    first_edit, second_edit = uuid.uuid4().hex, uuid.uuid4().hex
    module.write_text(COUNTER_INIT.replace("EDIT", first_edit), encoding="utf-8")
    info = make_info(
        root=str(root),
        name="counter",
        framework="flask",
        interface="wsgi",
        app="counter:create_app()",
        server="gunicorn",
        app_dir="src",
        is_package=True,
        install_project=True,
        dependency_manager="pep621",
        lock_file=None,
        dependencies=("flask",),
        server_in_dependencies=False,
    )
    write_files(root, info)
    image.build()
    first_layers = docker("image", "inspect", "-f", "{{json .RootFS.Layers}}", image.tag).stdout

    module.write_text(COUNTER_INIT.replace("EDIT", second_edit), encoding="utf-8")  # one line changes
    steps = _steps(image.build())
    venv_copy = [
        cached for name, cached in steps.items() if name == "COPY --from=builder /opt/venv /opt/venv"
    ]
    assert venv_copy == [True], [name for name, cached in steps.items() if not cached]
    assert steps["COPY . ."] is False, steps  # the change was seen
    second_layers = docker("image", "inspect", "-f", "{{json .RootFS.Layers}}", image.tag).stdout
    first, second = json.loads(first_layers), json.loads(second_layers)
    # everything up to the venv is shared; only the small project layer and the code differ
    assert first[:-2] == second[:-2] and first[-1] != second[-1]

    container = image.run(port=8000)
    wait_healthy(container)
    status, body = get(image.url(container, "/healthz"))
    assert status == 200
    assert json.loads(body) == {
        "version": "2.5.0",
        "file": "/app/src/counter/__init__.py",
        "edit": second_edit,
    }
    hello = docker("exec", container, "counter-hello").stdout
    assert hello.strip() == "hello from counter"
    copies = docker(
        "exec",
        "-u",
        "0",
        container,
        "sh",
        "-c",
        "find / -xdev -path '*counter/__init__.py' -not -path '/proc/*'",
    ).stdout.split()
    assert copies == ["/app/src/counter/__init__.py"]  # the code exists once
    check_hardening(container)


def test_pipfile_lock_is_exported_with_hashes_and_installed(image: Image) -> None:
    """Pipenv: the lock is generated here at test time (pipenv resolves through the simple API);
    the image installs its [default] section only. (Poetry cannot lock on these machines and PDM's
    resolver trips over the index mirror, so their recipes are covered by plan and golden tests.)"""
    root = image.root
    (root / "Pipfile").write_text(
        '[packages]\nflask = ">=3"\n\n[dev-packages]\npytest = "*"\n\n[requires]\npython_version = "3.13"\n',
        encoding="utf-8",
    )
    (root / "app.py").write_text(
        "from flask import Flask\n\napp = Flask(__name__)\n\n\n"
        '@app.get("/ping")\ndef ping() -> str:\n    return "pong"\n',
        encoding="utf-8",
    )
    env = {**os.environ, "UV_NATIVE_TLS": "1", "PIPENV_VERBOSITY": "-1"}
    lock = [sys.executable, "-m", "uv", "tool", "run", "--from", "pipenv>=2024.4", "pipenv", "lock"]
    subprocess.run(lock, cwd=root, check=True, env=env, timeout=300, capture_output=True)
    info = make_info(
        root=str(root),
        name="pinger",
        framework="flask",
        interface="wsgi",
        app="app:app",
        server="gunicorn",
        server_in_dependencies=False,
        dependency_manager="pipenv",
        manifests=("Pipfile",),
        lock_file="Pipfile.lock",
        dependencies=("flask",),
        health_path="/ping",
    )
    write_files(root, info)
    image.build()
    container = image.run(port=8000)
    wait_healthy(container)
    assert get(image.url(container, "/ping")) == (200, "pong")
    venv = docker("exec", container, "sh", "-c", "ls /opt/venv/lib/python3*/site-packages").stdout
    assert "flask" in venv and "pytest" not in venv  # [dev-packages] stay out
    check_hardening(container)


POETRY_LOCK = """\
# Written by hand for this test (poetry cannot resolve on these machines); the content-hash is
# computed by poetry itself at test time, so `poetry export` accepts it as fresh.

[[package]]
name = "iniconfig"
version = "2.0.0"
description = "brain-dead simple config-ini parsing"
optional = false
python-versions = ">=3.7"
groups = ["dev"]
files = []

[[package]]
name = "itsdangerous"
version = "2.2.0"
description = "Safely pass data to untrusted environments and back."
optional = false
python-versions = ">=3.8"
groups = ["main"]
files = [
    {file = "itsdangerous-2.2.0-py3-none-any.whl", hash = "sha256:WHEEL_SHA256"},
    {file = "itsdangerous-2.2.0.tar.gz", hash = "sha256:SDIST_SHA256"},
]

[metadata]
lock-version = "2.1"
python-versions = ">=3.11"
content-hash = "CONTENT_HASH"
"""

ITSDANGEROUS_HASHES = {  # the published itsdangerous 2.2.0 files; uv verifies them while installing
    "WHEEL_SHA256": "c6242fc49e35958c8b15141343aa660db5fc54d4f13a1db01a3f5891b98700ef",
    "SDIST_SHA256": "e0050c0b7da1eea53ffaf149c0cfbb5c6e2e2b69c4bef22c81fa6eb73e5f6173",
}

PLAIN_WSGI = """\
import itsdangerous


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [f"pong {itsdangerous.__name__}".encode()]
"""


def _build_from_hand_written_lock(
    image: Image, *, manager: str, pyproject: str, tool: str, hash_code: str, lock: str, lock_file: str
) -> None:
    """Build and run a wsgi app whose lock was written by hand, its content hash computed by the tool.

    Poetry's and PDM's resolvers cannot run against this machine's index, so the lock is fixed text;
    the tool itself (run through ``uv tool run``) computes the content hash the export checks.
    """
    root = image.root
    (root / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    content_hash = subprocess.run(
        [sys.executable, "-m", "uv", "tool", "run", "--from", tool, "python", "-c", hash_code],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "UV_NATIVE_TLS": "1"},
        timeout=300,
    ).stdout.strip()
    lock = lock.replace("CONTENT_HASH", content_hash)
    for placeholder, sha in ITSDANGEROUS_HASHES.items():
        lock = lock.replace(placeholder, sha)
    (root / lock_file).write_text(lock, encoding="utf-8")
    (root / "wsgi.py").write_text(PLAIN_WSGI, encoding="utf-8")
    info = make_info(
        root=str(root),
        name=manager[:2],
        framework="wsgi",
        interface="wsgi",
        app="wsgi:app",
        server="gunicorn",
        server_in_dependencies=False,
        dependency_manager=manager,
        manifests=("pyproject.toml",),
        lock_file=lock_file,
        dependencies=("itsdangerous",),
        health_path="/ping",
    )
    write_files(root, info)
    image.build()
    container = image.run(port=8000)
    wait_healthy(container)
    assert get(image.url(container, "/ping")) == (200, "pong itsdangerous")
    venv = docker("exec", container, "sh", "-c", "ls /opt/venv/lib/python3*/site-packages").stdout
    assert "itsdangerous" in venv and "iniconfig" not in venv  # the dev group stays out
    check_hardening(container)


def test_poetry_lock_is_exported_with_hashes_and_installed(image: Image) -> None:
    _build_from_hand_written_lock(
        image,
        manager="poetry",
        pyproject='[project]\nname = "po"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'
        'dependencies = ["itsdangerous (>=2.2,<3)"]\n\n[tool.poetry]\npackage-mode = false\n\n'
        '[tool.poetry.group.dev.dependencies]\niniconfig = "*"\n',
        tool="poetry>=2.1,<3",
        hash_code="from poetry.factory import Factory; "
        "print(Factory().create_poetry('.').locker._get_content_hash())",
        lock=POETRY_LOCK,
        lock_file="poetry.lock",
    )


PDM_LOCK = """\
# Written by hand for this test (pdm's resolver trips over the index mirror here); the content_hash
# is computed by pdm itself at test time.

[metadata]
groups = ["default", "dev"]
strategy = ["inherit_metadata"]
lock_version = "4.5.0"
content_hash = "sha256:CONTENT_HASH"

[[metadata.targets]]
requires_python = ">=3.11"

[[package]]
name = "iniconfig"
version = "2.0.0"
requires_python = ">=3.7"
summary = "brain-dead simple config-ini parsing"
groups = ["dev"]
files = []

[[package]]
name = "itsdangerous"
version = "2.2.0"
requires_python = ">=3.8"
summary = "Safely pass data to untrusted environments and back."
groups = ["default"]
files = [
    {file = "itsdangerous-2.2.0-py3-none-any.whl", hash = "sha256:WHEEL_SHA256"},
    {file = "itsdangerous-2.2.0.tar.gz", hash = "sha256:SDIST_SHA256"},
]
"""


def test_pdm_lock_is_exported_with_hashes_and_installed(image: Image) -> None:
    _build_from_hand_written_lock(
        image,
        manager="pdm",
        pyproject='[project]\nname = "pd"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'
        'dependencies = ["itsdangerous>=2.2,<3"]\n\n[dependency-groups]\ndev = ["iniconfig"]\n\n'
        "[tool.pdm]\ndistribution = false\n",
        tool="pdm>=2.22,<3",
        hash_code="from pdm.core import Core; print(Core().create_project('.').pyproject.content_hash())",
        lock=PDM_LOCK,
        lock_file="pdm.lock",
    )
