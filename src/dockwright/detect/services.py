"""Backing services (databases, brokers) and Celery processes the app needs, with evidence.

Signals are data: the distributions that talk to each service, URL schemes, and Django backend
strings found in settings, code defaults and ``.env.example``-style files (never ``.env`` itself).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from dockwright.detect.files import ProjectFiles
from dockwright.detect.model import Evidence, Service

SERVICE_ORDER: tuple[Service, ...] = (
    "postgres",
    "mysql",
    "redis",
    "rabbitmq",
    "celery-worker",
    "celery-beat",
)
SERVICE_DISTRIBUTIONS: dict[Service, tuple[str, ...]] = {
    "postgres": (
        "psycopg",
        "psycopg2",
        "psycopg2-binary",
        "psycopg-binary",
        "psycopg-c",
        "asyncpg",
        "pg8000",
        "aiopg",
        "psycopg2cffi",
    ),
    "mysql": ("mysqlclient", "pymysql", "aiomysql", "asyncmy", "mysql-connector-python", "mariadb"),
    "redis": ("redis", "aioredis", "django-redis", "channels-redis", "rq", "django-rq", "arq", "redis-om"),
    "rabbitmq": ("pika", "aio-pika", "aiormq"),
}
# Substrings of string literals that name a service: URL schemes and Django backends.
SERVICE_STRINGS: tuple[tuple[str, Service], ...] = (
    ("postgres://", "postgres"),
    ("postgresql://", "postgres"),
    ("postgresql+", "postgres"),
    ("postgis://", "postgres"),
    ("django.db.backends.postgresql", "postgres"),
    ("django.contrib.gis.db.backends.postgis", "postgres"),
    ("mysql://", "mysql"),
    ("mysql+", "mysql"),
    ("mariadb://", "mysql"),
    ("django.db.backends.mysql", "mysql"),
    ("redis://", "redis"),
    ("rediss://", "redis"),
    ("django_redis.cache.RedisCache", "redis"),
    ("django.core.cache.backends.redis.RedisCache", "redis"),
    ("channels_redis.core.RedisChannelLayer", "redis"),
    ("amqp://", "rabbitmq"),
    ("amqps://", "rabbitmq"),
    ("pyamqp://", "rabbitmq"),
)
ENV_EXAMPLE_FILES = (
    ".env.example",
    ".env.sample",
    ".env.template",
    ".env.dist",
    "example.env",
    "env.example",
)
CELERY_CONSTRUCTORS = frozenset({"celery.Celery", "celery.app.Celery", "celery.app.base.Celery"})
# Names whose presence means periodic tasks, i.e. a beat process.
BEAT_SETTINGS = frozenset(
    {"beat_schedule", "CELERY_BEAT_SCHEDULE", "CELERYBEAT_SCHEDULE", "add_periodic_task"}
)
BEAT_DISTRIBUTIONS = ("django-celery-beat", "redbeat", "celery-redbeat")
# Module-level names projects export a factory-built Celery app under.
CELERY_EXPORT_NAMES = ("celery_app", "celery")
# Module names that usually hold the Celery app, preferred when there are several.
CELERY_MODULE_NAMES = ("celery", "celery_app", "worker", "tasks")


@dataclass(frozen=True)
class StringHit:
    service: Service
    file: str
    line: int
    text: str


def string_hits(files: ProjectFiles) -> list[StringHit]:
    hits: list[StringHit] = []
    for module in files.modules(*(needle for needle, _ in SERVICE_STRINGS)):
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) < 400:
                for needle, service in SERVICE_STRINGS:
                    if needle in node.value:
                        hits.append(StringHit(service, module.path, node.lineno, needle))
    for rel in ENV_EXAMPLE_FILES:
        if not files.exists(rel):
            continue
        for number, line in enumerate(files.read_text(rel).splitlines(), start=1):
            value = line.split("=", 1)[1] if "=" in line and not line.lstrip().startswith("#") else ""
            for needle, service in SERVICE_STRINGS:
                if needle in value:
                    hits.append(StringHit(service, rel, number, needle))
    return hits


@dataclass(frozen=True)
class CeleryApp:
    target: str
    file: str
    line: int


def find_celery_apps(files: ProjectFiles) -> list[CeleryApp]:
    apps: list[CeleryApp] = []
    for module in files.modules("Celery"):
        if not module.name:
            continue
        for node in module.tree.body:
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Call)
                and module.qualname(node.value.func) in CELERY_CONSTRUCTORS
            ):
                apps.extend(
                    CeleryApp(f"{module.name}:{t.id}", module.path, node.lineno)
                    for t in node.targets
                    if isinstance(t, ast.Name)
                )

    if not apps:
        # Celery() built inside a factory (Flask's celery_init_app): the module-level name the
        # project exports for `celery -A` is the best target there is.
        for module in files.modules("celery"):
            for node in module.tree.body:
                if module.name and isinstance(node, ast.Assign):
                    apps.extend(
                        CeleryApp(f"{module.name}:{t.id}", module.path, node.lineno)
                        for t in node.targets
                        if isinstance(t, ast.Name) and t.id in CELERY_EXPORT_NAMES
                    )

    def preference(app: CeleryApp) -> tuple[int, str]:
        stem = app.target.split(":")[0].rsplit(".", 1)[-1]
        rank = CELERY_MODULE_NAMES.index(stem) if stem in CELERY_MODULE_NAMES else len(CELERY_MODULE_NAMES)
        return rank, app.target

    return sorted(apps, key=preference)


def beat_signal(files: ProjectFiles) -> tuple[str, int, str] | None:
    """(file, line, why) of the first sign of periodic tasks in the code or settings."""
    for module in files.modules(*BEAT_SETTINGS, "django_celery_beat"):
        for node in ast.walk(module.tree):
            name = None
            if isinstance(node, ast.Attribute) and node.attr in BEAT_SETTINGS:
                name = node.attr
            elif isinstance(node, ast.Name) and node.id in BEAT_SETTINGS and isinstance(node.ctx, ast.Store):
                name = node.id
            elif isinstance(node, ast.keyword) and node.arg in BEAT_SETTINGS:
                name = node.arg
            elif isinstance(node, ast.Constant) and node.value == "django_celery_beat":
                name = "django_celery_beat in INSTALLED_APPS"
            if name:
                return (
                    module.path,
                    getattr(node, "lineno", 0),
                    f"{name}: periodic tasks need a beat process",
                )
    return None


@dataclass
class ServiceReport:
    services: tuple[Service, ...]
    celery_app: str | None
    evidence: list[Evidence]


def detect_services(
    files: ProjectFiles,
    dependencies: set[str],
    declared_in: dict[str, tuple[str, int | None]],
) -> ServiceReport:
    """``declared_in`` maps a dependency name to where it is declared (file, line) for evidence."""
    found: dict[Service, Evidence] = {}
    notes: list[Evidence] = []
    for service, distributions in SERVICE_DISTRIBUTIONS.items():
        for dist in distributions:
            if dist in dependencies:
                file, line = declared_in.get(dist, ("", None))
                found[service] = Evidence(f"service {service}", file, line, f"depends on {dist}")
                break
    for hit in string_hits(files):
        if hit.service not in found:
            found[hit.service] = Evidence(f"service {hit.service}", hit.file, hit.line, f"uses {hit.text!r}")
    celery_app: str | None = None
    if "celery" in dependencies:
        apps = find_celery_apps(files)
        if apps:
            celery_app = apps[0].target
            others = f" (also found: {', '.join(a.target for a in apps[1:])})" if len(apps) > 1 else ""
            found["celery-worker"] = Evidence(
                "service celery-worker", apps[0].file, apps[0].line, f"Celery() app {celery_app}{others}"
            )
            beat = beat_signal(files)
            beat_dist = next((d for d in BEAT_DISTRIBUTIONS if d in dependencies), None)
            if beat is not None:
                found["celery-beat"] = Evidence("service celery-beat", beat[0], beat[1], beat[2])
            elif beat_dist is not None:
                file, line = declared_in.get(beat_dist, ("", None))
                found["celery-beat"] = Evidence("service celery-beat", file, line, f"depends on {beat_dist}")
        else:
            file, line = declared_in.get("celery", ("", None))
            notes.append(
                Evidence(
                    "celery",
                    file,
                    line,
                    "depends on celery but constructs no Celery() app: no worker service",
                )
            )
    services = tuple(s for s in SERVICE_ORDER if s in found)
    return ServiceReport(services, celery_app, [found[s] for s in services] + notes)


def sqlite_dirs(files: ProjectFiles) -> list[tuple[str, str, int]]:
    """Directories of SQLite files named in ``sqlite:///`` URLs (relative to the working dir)."""
    out = []
    for module in files.modules("sqlite:"):
        for node in ast.walk(module.tree):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
                continue
            match = re.match(r"^sqlite(?:\+\w+)?:///(.+)$", node.value)
            if not match or match.group(1).startswith(":memory:"):
                continue
            path = match.group(1).split("?")[0]
            directory = path.rsplit("/", 1)[0] if "/" in path else "."
            if directory.startswith("./"):
                directory = directory[2:] or "."
            out.append((directory or "/", module.path, node.lineno))
    return out
