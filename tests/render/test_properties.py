"""Rules that hold for every project shape, not only the golden ones (hypothesis explores the space).

They are the competitors' reported mistakes, made impossible: `migrate &&` in the start command, a
non-root user that cannot write its declared directories, collectstatic never run, a server the
image does not contain, a port published beyond 127.0.0.1, a variable compose reads but .env lacks.
"""

from __future__ import annotations

import re

import dockerfile
from hypothesis import given, settings
from hypothesis import strategies as st
from info_factory import PSYCOPG2, make_info
from ruamel.yaml import YAML

from dockwright.detect.model import DjangoInfo, ProjectInfo
from dockwright.plan import make_plan
from dockwright.render import render_files

MANAGERS = {
    "uv": ("uv.lock", ("pyproject.toml",)),
    "poetry": ("poetry.lock", ("pyproject.toml",)),
    "pdm": ("pdm.lock", ("pyproject.toml",)),
    "pipenv": ("Pipfile.lock", ("Pipfile",)),
    "pip": (None, ("requirements.txt", "requirements/base.txt")),
    "pep621": (None, ("pyproject.toml",)),
}
ASGI = ("fastapi", "starlette", "litestar", "quart", "asgi")
WSGI = ("flask", "wsgi")


@st.composite
def project_infos(draw: st.DrawFn) -> tuple[ProjectInfo, int | None]:
    kind = draw(st.sampled_from(("asgi", "wsgi", "django")))
    manager = draw(st.sampled_from(sorted(MANAGERS)))
    lock, manifests = MANAGERS[manager]
    services = draw(
        st.lists(st.sampled_from(("postgres", "mysql", "redis", "rabbitmq")), unique=True, max_size=3)
    )
    celery = draw(st.booleans())
    if celery:
        services += draw(st.lists(st.sampled_from(("celery-worker", "celery-beat")), unique=True, min_size=1))
    writable = draw(
        st.lists(st.sampled_from(("media", "data", "var/uploads", "db")), unique=True, max_size=2)
    )
    factory = draw(st.sampled_from(("", "()", "('prod')")))
    django = None
    migrations = draw(st.sampled_from((None, "alembic")))
    if kind == "django":
        static = draw(st.sampled_from((None, "staticfiles")))
        django = DjangoInfo("config.settings", "config.wsgi:application", None, static, None, "manage.py")
        framework, interface, app, migrations = "django", "wsgi", "config.wsgi:application", "django"
    elif kind == "asgi":
        framework, interface, app = draw(st.sampled_from(ASGI)), "asgi", f"pkg.main:app{factory}"
    else:
        framework, interface, app = draw(st.sampled_from(WSGI)), "wsgi", f"pkg.web:app{factory}"
    info = make_info(
        framework=framework,
        interface=interface,
        app=app,
        app_dir=draw(st.sampled_from(("", "src"))),
        server="uvicorn" if interface == "asgi" else "gunicorn",
        server_in_dependencies=draw(st.booleans()),
        dependency_manager=manager,
        manifests=manifests,
        lock_file=lock,
        requirements_files=("requirements.txt",) if manager == "pip" else (),
        dependencies=draw(
            st.lists(st.sampled_from(("sqlalchemy", "psycopg", "asyncpg", "pymysql")), unique=True)
        ),
        is_package=(package := draw(st.booleans())),
        install_project=package and draw(st.booleans()),
        python=draw(st.sampled_from(("3.11", "3.12", "3.13"))),
        native=(PSYCOPG2,) if draw(st.booleans()) else (),
        services=tuple(services),
        celery_app="pkg.tasks" if celery else None,
        django=django,
        migrations=migrations,
        static_root=django.static_root if django else None,
        health_path=draw(st.sampled_from((None, "/healthz", "/health/"))),
        port=draw(st.integers(min_value=1024, max_value=65535)),
        writable_dirs=tuple(writable),
        env_vars=tuple(
            draw(st.lists(st.sampled_from(("SECRET_KEY", "DATABASE_URL", "DEBUG", "X")), unique=True))
        ),
    )
    workers = draw(st.sampled_from((None, 1, 2, 8)))
    return info, workers


@settings(max_examples=150, deadline=None)
@given(project_infos())
def test_every_project_gets_files_that_keep_the_rules(case: tuple[ProjectInfo, int | None]) -> None:
    info, workers = case
    plan = make_plan(info, workers=workers)
    files = render_files(plan)
    commands = dockerfile.parse_string(files["Dockerfile"])
    runtime = commands[[i for i, c in enumerate(commands) if c.cmd == "FROM"][1] :]

    # The web command: exec form, the server itself, never migrations or a shell.
    cmd = next(c for c in runtime if c.cmd == "CMD")
    assert cmd.json and cmd.value[0] in ("uvicorn", "gunicorn")
    assert not {"migrate", "upgrade", "&&", ";", "sh", "bash"} & set(cmd.value)
    # The server is in the image: the project's own or added by the builder.
    added = " ".join(plan.builder.server_requirements)
    assert cmd.value[0] in info.dependencies or info.server_in_dependencies or cmd.value[0] in added
    if "uvicorn_worker.UvicornWorker" in cmd.value:
        assert "uvicorn-worker" in added or "uvicorn-worker" in info.dependencies

    # Non-root, and every directory the app declares is made writable before USER.
    users = [c.value[0] for c in runtime if c.cmd == "USER"]
    assert users == ["10001:10001"]
    chown = " ".join(c.original for c in runtime if c.cmd == "RUN" and "chown" in c.original)
    for d in plan.runtime.writable_dirs:
        assert d in chown
    assert plan.runtime.env["HOME"] == "/tmp"

    # collectstatic exactly when Django declares STATIC_ROOT, at build time, never in ENV.
    collect = [c for c in commands if c.cmd == "RUN" and "collectstatic" in c.original]
    assert len(collect) == (1 if info.django and info.django.static_root else 0)
    assert not [c for c in runtime if c.cmd == "ENV" and "SECRET" in c.original]

    # Compose: valid YAML, only 127.0.0.1 published, every ${VAR} it reads is in .env.example.
    compose = YAML(typ="safe").load(files["compose.yaml"])
    for svc in compose["services"].values():
        for port in svc.get("ports", []):
            assert port.startswith("127.0.0.1:")
    env_example = files[".env.example"]
    for var in set(re.findall(r"(?<!\$)\$\{([A-Z_]+)", files["compose.yaml"])):
        assert re.search(rf"^{var}=", env_example, re.M), var
    if plan.migrate_command:
        assert (
            compose["services"]["app"]["depends_on"]["migrate"]["condition"]
            == "service_completed_successfully"
        )
