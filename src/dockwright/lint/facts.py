"""Facts about the world that lint rules consult, kept as data rather than scattered if-chains."""

from __future__ import annotations

import re

# Python distributions that make alpine (musl) a poor base: they compile from source there, or
# their musl wheels lag behind the glibc (manylinux) ones. name -> why (one clause).
ALPINE_TROUBLE: dict[str, str] = {
    "psycopg2": "builds from source and needs gcc, musl-dev and postgresql-dev",
    "mysqlclient": "builds from source and needs gcc and mariadb-dev",
    "uwsgi": "builds from source and needs gcc and linux-headers",
    "python-ldap": "builds from source and needs openldap-dev",
    "pycairo": "builds from source and needs cairo-dev",
    "numpy": "has far fewer musl wheels than glibc ones and is slower with musl's allocator",
    "pandas": "has far fewer musl wheels than glibc ones and compiles for minutes without them",
    "scipy": "needs a Fortran toolchain when no musl wheel matches",
    "lxml": "needs libxml2-dev and libxslt-dev when no musl wheel matches",
    "pillow": "needs jpeg-dev and zlib-dev when no musl wheel matches",
    "cryptography": "needs a Rust toolchain when no musl wheel matches",
    "grpcio": "compiles for a long time when no musl wheel matches",
    "psycopg": "its C speedups (psycopg[c]) build from source on musl",
    "gevent": "compiles from source when no musl wheel matches",
    "pyarrow": "ships no musl wheels and needs the Arrow C++ libraries",
    "torch": "ships no musl wheels",
    "tensorflow": "ships no musl wheels",
}

# OS packages that only a build needs (compilers, headers); apk and apt names
BUILD_ONLY_PACKAGES = frozenset(
    {
        "build-essential",
        "build-base",
        "gcc",
        "g++",
        "clang",
        "make",
        "cmake",
        "musl-dev",
        "linux-headers",
        "cargo",
        "rustc",
        "gfortran",
        "pkg-config",
        "pkgconf",
        "autoconf",
        "automake",
        "libtool",
    }
)


def is_build_only_package(name: str) -> bool:
    base = re.split(r"[=<>:]", name, maxsplit=1)[0]
    return base in BUILD_ONLY_PACKAGES or base.endswith("-dev") or base.endswith("-devel")


# python image tags: full images have a compiler toolchain and ~900 MB; slim ~120 MB
PYTHON_IMAGE = re.compile(r"^(?:(?:docker\.io/)?(?:library/)?)python$")

# Python servers and how they are told where to listen; default host when not told
SERVER_DEFAULT_HOST: dict[str, str] = {
    "uvicorn": "127.0.0.1",
    "hypercorn": "127.0.0.1",
    "daphne": "127.0.0.1",
    "granian": "127.0.0.1",
    "flask": "127.0.0.1",
    "gunicorn": "127.0.0.1",  # unless $PORT is set (then 0.0.0.0:$PORT)
    "waitress-serve": "0.0.0.0",
}

# environment settings that switch a framework into debug mode
DEBUG_SWITCHES = frozenset({"FLASK_DEBUG", "DJANGO_DEBUG", "DEBUG", "QUART_DEBUG", "APP_DEBUG"})
DEBUG_ENVIRONMENTS = frozenset({"FLASK_ENV", "QUART_ENV"})  # debug when set to "development"


def is_debug_setting(name: str, value: str) -> bool:
    clean = value.strip().strip("\"'").lower()
    if name.upper() in DEBUG_SWITCHES:
        return clean in ("1", "true", "yes", "on")
    return name.upper() in DEBUG_ENVIRONMENTS and clean == "development"


LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})

# environment variable names whose value is a credential
SECRET_NAME = re.compile(
    r"(?i)(?:^|_)(?:password|passwd|pwd|pass|secret|secret_key|token|api_key|apikey|private_key|"
    r"access_key|secret_access_key|auth_token|credentials?|client_secret)$"
)
# names that mention a secret but hold something else (a path, a switch, a length, an algorithm)
NOT_SECRET_NAME = re.compile(r"(?i)(?:_file|_path|_dir|_url_env|_length|_len|_algorithm|_backend|_hashers)$")
# values that are credentials whatever the name
SECRET_VALUE = re.compile(
    r"AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{30,}|sk-[A-Za-z0-9_-]{20,}|"
    r"xox[baprs]-[A-Za-z0-9-]{10,}|-----BEGIN [A-Z ]*PRIVATE KEY-----|glpat-[A-Za-z0-9_-]{20}"
)
# a URL with a password in it: scheme://user:password@host
URL_WITH_PASSWORD = re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]+:(?P<password>[^@\s/]+)@", re.IGNORECASE)


def is_secret_name(name: str) -> bool:
    return bool(SECRET_NAME.search(name)) and not NOT_SECRET_NAME.search(name)


# files that must never be copied into an image
SECRET_FILES = re.compile(
    r"(?:^|/)(?:\.env(?:\.[\w.-]+)?|id_rsa|id_ed25519|id_ecdsa|\.netrc|\.pypirc|\.npmrc|credentials\.json|"
    r"service-account[\w.-]*\.json|[\w.-]+\.pem|[\w.-]+\.key|[\w.-]+\.p12|[\w.-]+\.pfx)$"
)
SAFE_ENV_EXAMPLES = re.compile(r"(?:^|/)\.env\.(?:example|sample|template|dist|defaults)$")

# compose: images of stateful backing services -> (kind, data directory, healthcheck example)
DATABASES: dict[str, tuple[str, str | None, str]] = {
    "postgres": (
        "postgres",
        "/var/lib/postgresql/data",
        '["CMD-SHELL", "pg_isready -U $${POSTGRES_USER:-postgres}"]',
    ),
    "postgis/postgis": ("postgres", "/var/lib/postgresql/data", '["CMD-SHELL", "pg_isready -U postgres"]'),
    "timescale/timescaledb": ("postgres", "/var/lib/postgresql/data", '["CMD-SHELL", "pg_isready"]'),
    "mysql": ("mysql", "/var/lib/mysql", '["CMD", "mysqladmin", "ping", "-h", "localhost"]'),
    "mariadb": (
        "mariadb",
        "/var/lib/mysql",
        '["CMD", "healthcheck.sh", "--connect", "--innodb_initialized"]',
    ),
    "mongo": ("mongo", "/data/db", '["CMD", "mongosh", "--quiet", "--eval", "db.adminCommand(\'ping\')"]'),
    "redis": ("redis", None, '["CMD", "redis-cli", "ping"]'),
    "valkey/valkey": ("redis", None, '["CMD", "valkey-cli", "ping"]'),
    "rabbitmq": ("rabbitmq", "/var/lib/rabbitmq", '["CMD", "rabbitmq-diagnostics", "-q", "ping"]'),
    "memcached": ("memcached", None, "none: memcached has no client in its image; probe from the app"),
    "elasticsearch": (
        "elasticsearch",
        "/usr/share/elasticsearch/data",
        '["CMD", "curl", "-f", "localhost:9200"]',
    ),
}

# ports of those services, for "published on all interfaces"
DATABASE_PORTS = frozenset({5432, 3306, 27017, 6379, 5672, 15672, 11211, 9200})


def database_kind(image: str) -> str | None:
    """``postgres:17-trixie`` -> "postgres"; None for anything that is not a known backing store."""
    name = image.split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        name = name[: len(name) - len(last)] + last.split(":", 1)[0]
    for prefix in ("docker.io/library/", "docker.io/", "library/"):
        if name.startswith(prefix):
            name = name[len(prefix) :]
    entry = DATABASES.get(name)
    return entry[0] if entry else None


def database_entry(image: str) -> tuple[str, str | None, str] | None:
    kind = database_kind(image)
    if kind is None:
        return None
    for entry in DATABASES.values():
        if entry[0] == kind:
            return entry
    return None


# default .dockerignore content written by the DW701 fix (and checked by DW702-DW705)
DOCKERIGNORE_DEFAULTS: tuple[tuple[str, str], ...] = (
    ("# version control", ""),
    (".git", "git"),
    (".gitignore", ""),
    ("# secrets and local settings", ""),
    (".env", "env"),
    (".env.*", "env"),
    ("!.env.example", ""),
    ("# virtualenvs", ""),
    (".venv", "venv"),
    ("venv", "venv"),
    ("# caches and build output", ""),
    ("**/__pycache__", "pycache"),
    ("**/*.py[cod]", "pycache"),
    (".pytest_cache", ""),
    (".mypy_cache", ""),
    (".ruff_cache", ""),
    (".coverage", ""),
    ("htmlcov", ""),
    ("*.egg-info", ""),
    ("node_modules", ""),
    ("# container files themselves", ""),
    ("Dockerfile*", ""),
    ("compose*.y*ml", ""),
    ("docker-compose*.y*ml", ""),
)
