"""Facts about the world that planning decisions read: image tags, tool pins, install recipes.

Everything a maintainer bumps when the ecosystem moves lives here, as data, so ``planner.py``
holds only decisions. Versions are checked against the package index at the time of writing.
"""

from __future__ import annotations

from dataclasses import dataclass

# Debian releases the official python images are built on, and the CPython minors each one ships.
# trixie is Debian stable (the default); bookworm is oldstable: its images stop at 3.14, new CPython
# minors are published for the current Debian stable only.
DEBIAN_PYTHON_MINORS: dict[str, tuple[str, ...]] = {
    "trixie": ("3.9", "3.10", "3.11", "3.12", "3.13", "3.14", "3.15"),
    "bookworm": ("3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14"),
}
DEFAULT_DEBIAN = "trixie"


def python_image(python: str, debian: str) -> str:
    """Official image for a CPython minor on a Debian release: slim (no compilers), never alpine."""
    return f"python:{python}-slim-{debian}"


# Backing services: pinned major on the same Debian release as the app where the image offers it.
@dataclass(frozen=True)
class ServiceImage:
    image: str
    port: int
    data_dir: str  # where the image keeps its data: a named volume is mounted there
    healthcheck: tuple[str, ...]  # compose CMD-form test; ${VAR} are filled in by compose from .env
    env: tuple[tuple[str, str], ...]  # container variable -> ${VAR} from .env (":?" makes it required)


SERVICE_IMAGES: dict[str, ServiceImage] = {
    "postgres": ServiceImage(
        image="postgres:17-trixie",
        port=5432,
        data_dir="/var/lib/postgresql/data",
        # -h 127.0.0.1: during first-start initialisation the image listens on the socket only, so a
        # TCP probe does not report "ready" for the temporary server that is about to restart.
        healthcheck=(
            "CMD",
            "pg_isready",
            "-h",
            "127.0.0.1",
            "-U",
            "${POSTGRES_USER}",
            "-d",
            "${POSTGRES_DB}",
        ),
        env=(
            ("POSTGRES_USER", "${POSTGRES_USER:?set POSTGRES_USER in .env}"),
            ("POSTGRES_PASSWORD", "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}"),
            ("POSTGRES_DB", "${POSTGRES_DB:?set POSTGRES_DB in .env}"),
        ),
    ),
    "mysql": ServiceImage(
        image="mysql:8.4",  # the LTS series
        port=3306,
        data_dir="/var/lib/mysql",
        # mysqladmin ping exits 0 whenever the server answers, even "access denied": no password needed.
        healthcheck=("CMD", "mysqladmin", "ping", "-h", "127.0.0.1", "--silent"),
        env=(
            ("MYSQL_DATABASE", "${MYSQL_DATABASE:?set MYSQL_DATABASE in .env}"),
            ("MYSQL_USER", "${MYSQL_USER:?set MYSQL_USER in .env}"),
            ("MYSQL_PASSWORD", "${MYSQL_PASSWORD:?set MYSQL_PASSWORD in .env}"),
            ("MYSQL_ROOT_PASSWORD", "${MYSQL_ROOT_PASSWORD:?set MYSQL_ROOT_PASSWORD in .env}"),
        ),
    ),
    "redis": ServiceImage(
        image="redis:8-trixie",
        port=6379,
        data_dir="/data",
        healthcheck=("CMD", "redis-cli", "ping"),
        env=(),
    ),
    "rabbitmq": ServiceImage(
        image="rabbitmq:4.1",  # no -management: the UI is not needed to run workers
        port=5672,
        data_dir="/var/lib/rabbitmq",
        healthcheck=("CMD", "rabbitmq-diagnostics", "-q", "ping"),
        env=(
            ("RABBITMQ_DEFAULT_USER", "${RABBITMQ_DEFAULT_USER:?set RABBITMQ_DEFAULT_USER in .env}"),
            ("RABBITMQ_DEFAULT_PASS", "${RABBITMQ_DEFAULT_PASS:?set RABBITMQ_DEFAULT_PASS in .env}"),
        ),
    ),
}

# Resource limits per compose service kind (cpus, memory): enough for a development stack on a laptop
# and a starting point for production sizing.
SERVICE_LIMITS: dict[str, tuple[str, str]] = {
    "postgres": ("1.0", "512m"),
    "mysql": ("1.0", "768m"),
    "redis": ("0.5", "256m"),
    "rabbitmq": ("1.0", "512m"),
    "celery-worker": ("1.0", "512m"),
    "celery-beat": ("0.25", "256m"),
    "migrate": ("1.0", "512m"),
}

# Variables of the backing services, written to .env.example with safe placeholders.
SERVICE_ENV: dict[str, tuple[tuple[str, str, str, bool], ...]] = {
    # name, placeholder, comment, secret
    "postgres": (
        ("POSTGRES_USER", "app", "database role the app connects as", False),
        ("POSTGRES_PASSWORD", "change-me", "database password: choose a long random one", True),
        ("POSTGRES_DB", "app", "database name", False),
    ),
    "mysql": (
        ("MYSQL_USER", "app", "database user the app connects as", False),
        ("MYSQL_PASSWORD", "change-me", "database password: choose a long random one", True),
        ("MYSQL_ROOT_PASSWORD", "change-me-too", "MySQL root password (used by the image only)", True),
        ("MYSQL_DATABASE", "app", "database name", False),
    ),
    "rabbitmq": (
        ("RABBITMQ_DEFAULT_USER", "app", "message broker user", False),
        ("RABBITMQ_DEFAULT_PASS", "change-me", "message broker password", True),
    ),
}

# Connection URLs compose hands to the app (service host names exist only on the compose network).
# Scheme per SQLAlchemy driver when the project uses one; plain scheme otherwise (Django, dj-database-url).
POSTGRES_URL_SCHEMES: tuple[tuple[str, str], ...] = (
    ("asyncpg", "postgresql+asyncpg"),
    ("psycopg", "postgresql+psycopg"),
)
MYSQL_URL_SCHEMES: tuple[tuple[str, str], ...] = (
    ("aiomysql", "mysql+aiomysql"),
    ("asyncmy", "mysql+asyncmy"),
    ("pymysql", "mysql+pymysql"),
)

# --- Installing dependencies -------------------------------------------------------------------
# uv is the installer in every builder: it is several times faster than pip and installs exactly what
# the lock (or an export of it) pins. The base image's pip puts it in a directory of its own in the
# builder stage (`pip install --target`), so neither uv nor pip ever reaches the final image.
UV_REQUIREMENT = "uv==0.13.9"
# Tools that only translate a lock file into a hashed requirements list (never used to install).
POETRY_EXPORT_TOOL = ("poetry>=2.1,<3", "poetry-plugin-export>=1.9,<2")
PDM_EXPORT_TOOL = ("pdm>=2.22,<3",)
PIPENV_EXPORT_TOOL = ("pipenv>=2024.4",)

VENV = "/opt/venv"
UV_TOOL_DIR = "/opt/uv"  # `pip install --target` puts the uv binary in UV_TOOL_DIR/bin
# An installed project (a package) lives here, outside the venv: its dist-info, console scripts and an
# editable .pth pointing at its code in /app. The dependency venv stays byte-identical across code
# changes, so the final image's venv layer is a cache hit and the code exists only once.
PROJECT_DIR = "/opt/project"
UV_CACHE = "/root/.cache/uv"
PIP_CACHE = "/root/.cache/pip"
EXPORTED_REQUIREMENTS = "/tmp/requirements.lock.txt"


def _uvx(tool: tuple[str, ...], command: str) -> str:
    frm, *extra = tool
    withs = "".join(f" --with '{w}'" for w in extra)
    return f"uv tool run --from '{frm}'{withs} {command}"


# A requirements line that installs the project itself (".", "./", "-e .", "--editable=.[extra]"). The
# dependency step runs before the code is copied, so in the builder's copies of the requirement files
# these lines are dropped; the project is installed (non-editable) after its code instead.
SELF_INSTALL_SED = r"/^[[:space:]]*((-e|--editable)([[:space:]]+|=))?\.\/?(\[[^]]*\])?[[:space:]]*(#.*)?$/d"


# The project itself, after its code is copied: metadata, console scripts and an editable .pth into
# PROJECT_DIR (dependencies are already in the venv, so --no-deps). The venv finds PROJECT_DIR through
# PROJECT_PTH, written with the dependencies (its content never changes, so neither does that layer).
PROJECT_INSTALL = f"uv pip install --python {VENV}/bin/python --no-deps --editable . --target {PROJECT_DIR}"
PROJECT_PTH = (
    f"echo 'import site; site.addsitedir(\"{PROJECT_DIR}\")' > "
    '"$(python -c \'import sysconfig; print(sysconfig.get_path("purelib"))\')/dockwright-project.pth"'
)


def drop_self_install(requirement_files: tuple[str, ...]) -> str:
    return f"sed -i -E '{SELF_INSTALL_SED}' {' '.join(requirement_files)}"


@dataclass(frozen=True)
class ManagerRecipe:
    """How one dependency manager's lock becomes the packages in /opt/venv."""

    install: tuple[str, ...]  # before the code is copied: dependencies only
    install_project: tuple[str, ...]  # after the code is copied, when the project is a package
    lock_honoured: str  # one sentence for the Dockerfile comment


def manager_recipe(manager: str, lock_file: str | None, requirements: tuple[str, ...]) -> ManagerRecipe:
    """The install commands for ``manager``; every one installs from the lock when there is one."""
    uv_pip = f"uv pip install --python {VENV}/bin/python"
    if manager == "uv":
        return ManagerRecipe(
            # --frozen: install exactly uv.lock, never re-resolve. --no-default-groups: dev/test groups
            # stay out. --no-install-project: the code is not here yet (dependency layer stays cached).
            install=("uv sync --frozen --no-default-groups --no-install-project",),
            install_project=(PROJECT_INSTALL,),
            lock_honoured="uv.lock installed as locked (uv sync --frozen)",
        )
    if manager == "poetry":
        return ManagerRecipe(
            install=(
                _uvx(
                    POETRY_EXPORT_TOOL,
                    f"poetry export --only main --format requirements.txt --output {EXPORTED_REQUIREMENTS}",
                ),
                f"{uv_pip} -r {EXPORTED_REQUIREMENTS}",
            ),
            install_project=(PROJECT_INSTALL,),
            lock_honoured="poetry.lock exported (main group only, with hashes) and installed by uv",
        )
    if manager == "pdm":
        return ManagerRecipe(
            install=(
                _uvx(
                    PDM_EXPORT_TOOL,
                    f"pdm export --prod --format requirements --output {EXPORTED_REQUIREMENTS}",
                ),
                f"{uv_pip} -r {EXPORTED_REQUIREMENTS}",
            ),
            install_project=(PROJECT_INSTALL,),
            lock_honoured="pdm.lock exported (production groups, with hashes) and installed by uv",
        )
    if manager == "pipenv":
        return ManagerRecipe(
            install=(
                _uvx(PIPENV_EXPORT_TOOL, f"pipenv requirements --hash > {EXPORTED_REQUIREMENTS}"),
                # a Pipfile entry `path = "."` exports as "-e .": the code is not here yet
                drop_self_install((EXPORTED_REQUIREMENTS,)),
                f"{uv_pip} -r {EXPORTED_REQUIREMENTS}",
            ),
            install_project=(PROJECT_INSTALL,),
            lock_honoured="Pipfile.lock [default] exported with hashes and installed by uv",
        )
    if manager == "pip":
        files = " ".join(f"-r {r}" for r in requirements) or "-r requirements.txt"
        return ManagerRecipe(
            install=(f"{uv_pip} {files}",),
            install_project=(PROJECT_INSTALL,),
            lock_honoured="the pinned requirement files installed by uv",
        )
    if manager == "pep621":
        # No lock file: the ranges in [project].dependencies are resolved at build time.
        return ManagerRecipe(
            install=(f"{uv_pip} -r pyproject.toml",),
            install_project=(PROJECT_INSTALL,),
            lock_honoured="no lock file: [project].dependencies resolved at build time (add uv.lock to pin)",
        )
    raise ValueError(f"unknown dependency manager {manager!r}")


# --- Servers -----------------------------------------------------------------------------------
# Requirement specifiers added in the builder when the project does not depend on the server itself.
SERVER_REQUIREMENTS: dict[str, str] = {
    "gunicorn": "gunicorn>=23,<28",  # 23.0 fixed the request-smuggling CVEs
    "uvicorn": "uvicorn>=0.30,<1",  # 0.30 restarts dead --workers processes
    "uvicorn-worker": "uvicorn-worker>=0.3,<1",  # gunicorn worker class; uvicorn.workers is deprecated
}
GUNICORN_ASGI_WORKER = "uvicorn_worker.UvicornWorker"
WORKER_TIMEOUT_S = 30  # gunicorn kills a worker silent this long: explicit, so it is a decision
GRACEFUL_TIMEOUT_S = 25  # below the 30 s grace period compose (stop_grace_period) and k8s give
STOP_GRACE_PERIOD_S = 30

# Environment variables the image/platform sets: never listed in .env.example as app settings.
RESERVED_ENV = frozenset(
    {
        "PATH",
        "HOME",
        "PYTHONPATH",
        "PYTHONUNBUFFERED",
        "PYTHONDONTWRITEBYTECODE",
        "HOSTNAME",
        "VIRTUAL_ENV",
        "XDG_CACHE_HOME",
        "WEB_CONCURRENCY",
        "TMPDIR",
        "USER",
        "LANG",
        "PWD",
        "SHELL",
        "TERM",
    }
)

# Placeholders for app variables by name pattern (first match wins): (regex, placeholder, comment, secret).
# An empty placeholder means "optional": .env.example lists the variable commented out, so the app's own
# default applies (an empty value would override it, and e.g. int("") crashes at start-up).
ENV_PLACEHOLDERS: tuple[tuple[str, str, str, bool], ...] = (
    (
        r"(^|_)(SECRET_KEY|SECRET)$",
        "change-me-to-a-long-random-string",
        "generate one: python -c 'import secrets; print(secrets.token_urlsafe(50))'",
        True,
    ),
    (r"(PASSWORD|PASSWD|_PASS)$", "change-me", "a password: never commit the real value", True),
    (r"(TOKEN|API_KEY|_KEY|PRIVATE)$", "change-me", "a credential: never commit the real value", True),
    (r"(^|_)DEBUG$", "false", "never true in production", False),
    (
        r"ALLOWED_HOSTS$",
        "localhost,127.0.0.1",
        "host names the app answers to (the healthcheck uses 127.0.0.1)",
        False,
    ),
    (r"(^|_)PORT$", "{port}", "port the server listens on inside the container", False),
    (r"(^|_)LOG_LEVEL$", "", "log verbosity, e.g. info", False),
    (r"(^|_)(ENV|ENVIRONMENT)$", "", "deployment environment name, e.g. production", False),
)
OPTIONAL_COMMENT = "read by the app; optional: its default applies while this stays commented out"

# .dockerignore: never in a build context (secrets, VCS, caches, local environments, build output).
DOCKERIGNORE_BASE: tuple[str, ...] = (
    "# Version control",
    ".git",
    ".gitignore",
    ".gitattributes",
    ".hg",
    ".svn",
    "# Secrets and local settings (.env.example documents the variables and is kept)",
    ".env",
    ".env.*",
    "**/.env",
    "**/.env.*",
    "!.env.example",
    "*.pem",
    "*.key",
    "# Virtual environments",
    ".venv",
    "venv",
    "**/.venv",
    "**/site-packages",
    "# Caches and build output",
    "**/__pycache__",
    "**/*.py[cod]",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    ".tox",
    ".nox",
    ".coverage",
    "htmlcov",
    "**/*.egg-info",
    "build",
    "dist",
    "node_modules",
    "# Editors and OS",
    ".idea",
    ".vscode",
    "**/.DS_Store",
    "# Container files: editing them must not invalidate the COPY . layer",
    "Dockerfile",
    "Dockerfile.*",
    ".dockerignore",
    "compose.yaml",
    "compose.*.yaml",
    "docker-compose*.yml",
    "docker-compose*.yaml",
    "# Local data",
    "**/*.sqlite3",
)
TESTS_AND_DOCS = ("tests", "test", "docs")
