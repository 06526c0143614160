"""ProjectInfo: everything detect learned about a project, each decision backed by evidence.

Plain frozen dataclasses so that detect -> plan is a pure function and ``to_dict()`` gives the
stable JSON that ``dockwright detect --json`` prints (schema and example in docs/detect.md).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Framework = Literal["fastapi", "starlette", "litestar", "quart", "sanic", "django", "flask", "asgi", "wsgi"]
Interface = Literal["asgi", "wsgi"]
Server = Literal["uvicorn", "gunicorn"]
DependencyManager = Literal["pip", "pep621", "poetry", "uv", "pdm", "pipenv"]
Service = Literal["postgres", "mysql", "redis", "rabbitmq", "celery-worker", "celery-beat"]
Migrations = Literal["django", "alembic"]


@dataclass(frozen=True)
class Evidence:
    """Why detect decided something: ``what`` it decided, where (``file``:``line``), and ``why``."""

    what: str
    file: str  # relative to the project root, POSIX separators
    line: int | None
    why: str


@dataclass(frozen=True)
class NativeNeed:
    """A dependency that needs OS packages: ``build`` in the builder stage, ``runtime`` in the final one."""

    package: str  # normalised distribution name, e.g. "psycopg2"
    build: tuple[str, ...]  # apt packages for compiling, e.g. ("build-essential", "libpq-dev")
    runtime: tuple[str, ...]  # apt packages at run time, e.g. ("libpq5",)
    reason: str  # one sentence shown in detect output


@dataclass(frozen=True)
class DjangoInfo:
    settings_module: str  # e.g. "config.settings.production"
    wsgi_application: str | None  # e.g. "config.wsgi:application"
    asgi_application: str | None  # e.g. "config.asgi:application"
    static_root: str | None  # container path relative to the app dir, e.g. "staticfiles"
    media_root: str | None  # relative path the app writes uploads to, if declared
    manage_py: str  # relative path to manage.py, e.g. "manage.py" or "src/manage.py"


@dataclass(frozen=True)
class ProjectInfo:
    """What a project is, as far as building and running its container is concerned.

    Paths are relative to ``root`` with POSIX separators. ``app`` is always the exact string the
    server loads (``pkg.module:attr`` or ``pkg.module:factory()``), importable with ``app_dir``
    on ``PYTHONPATH`` (``""`` for the project root, ``"src"`` for a src layout).
    """

    root: str
    name: str  # image/project name: pyproject name or directory name, DNS-safe
    framework: Framework
    interface: Interface
    app: str
    app_dir: str
    server: Server
    server_in_dependencies: bool  # the project already depends on the chosen server
    dependency_manager: DependencyManager
    manifests: tuple[str, ...]  # files to COPY before installing dependencies (incl. -r/-c includes)
    lock_file: str | None
    requirements_files: tuple[str, ...]  # production requirement files passed to pip -r (pip only)
    dependencies: tuple[str, ...]  # normalised names of runtime (non-dev) dependencies
    is_package: bool  # the project is a package its manager would build (build-system + package dir)
    # The package must be installed in the image (scripts, entry points, metadata, build hooks);
    # False for a plain app and for a package that runs from its source directory on PYTHONPATH.
    install_project: bool
    python: str  # chosen CPython minor, "3.13"
    native: tuple[NativeNeed, ...]
    services: tuple[Service, ...]
    celery_app: str | None  # celery -A target, e.g. "config" or "app.worker:celery"
    django: DjangoInfo | None
    migrations: Migrations | None
    static_root: str | None  # files collected at build time (Django collectstatic), else None
    health_path: str | None  # an existing health route, e.g. "/healthz"; None: plan adds a TCP-level probe
    port: int
    writable_dirs: tuple[str, ...]  # relative dirs the app writes to (media, uploads, SQLite data)
    env_vars: tuple[str, ...]  # environment variables the code reads (os.environ / getenv / env())
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON object of ``dockwright detect --json``."""
        data = asdict(self)
        data["services"] = list(self.services)
        return data
