"""make_plan decisions, asserted on the plan before any template runs."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from info_factory import PSYCOPG2, django_info, flask_info, make_info

from dockwright.detect.model import DjangoInfo
from dockwright.errors import DockwrightError
from dockwright.plan import facts, make_plan
from dockwright.plan.dockerignore import ignores, translate_gitignore, translate_gitignore_line
from dockwright.plan.planner import default_web_concurrency, group_copies
from dockwright.render import render_files


def test_plan_is_json_printable_and_stable() -> None:
    plan = make_plan(django_info())
    text = json.dumps(plan.to_dict(), sort_keys=True)
    assert json.loads(text)["runtime"]["uid"] == 10001
    assert make_plan(django_info()) == plan  # pure: same input, same plan


# --- base image ---------------------------------------------------------------------------------


def test_base_image_defaults_to_slim_trixie_with_the_python_arg() -> None:
    plan = make_plan(make_info(python="3.12"))
    assert plan.base_image == "python:3.12-slim-trixie"
    assert plan.base_image_from_arg
    assert plan.debian == "trixie"


def test_bookworm_on_request() -> None:
    assert make_plan(make_info(python="3.11"), debian="bookworm").base_image == "python:3.11-slim-bookworm"


def test_base_image_override_replaces_the_whole_reference() -> None:
    ref = "registry.internal/python@sha256:" + "a" * 64
    plan = make_plan(make_info(), base_image=ref)
    assert plan.base_image == ref
    assert not plan.base_image_from_arg


@pytest.mark.parametrize(
    ("python", "debian", "message"),
    [("3.13", "buster", "unknown Debian release"), ("3.7", "trixie", "no official python:3.7-slim-trixie")],
)
def test_impossible_base_images_are_input_errors(python: str, debian: str, message: str) -> None:
    with pytest.raises(DockwrightError, match=message):
        make_plan(make_info(python=python), debian=debian)


# --- builder: install from the lock with uv, dependencies before code ---------------------------


def test_uv_project_syncs_the_frozen_lock_without_dev_groups_then_installs_the_package() -> None:
    plan = make_plan(make_info(is_package=True, install_project=True))
    b = plan.builder
    assert b.manifests == ("pyproject.toml", "uv.lock")
    assert b.install_commands == (
        "uv sync --frozen --no-default-groups --no-install-project",
        facts.PROJECT_PTH,
    )
    assert b.project_install_commands == (
        "uv pip install --python /opt/venv/bin/python --no-deps --editable . --target /opt/project",
    )
    assert b.installer == "uv"
    assert b.cache_mounts == ("/root/.cache/uv",)
    assert b.env["UV_PROJECT_ENVIRONMENT"] == "/opt/venv"
    assert b.env["UV_PYTHON"] == "/opt/venv/bin/python"  # never another interpreter (.python-version)


def test_not_a_package_means_no_project_install() -> None:
    plan = make_plan(make_info(is_package=False))
    assert plan.builder.project_install_commands == ()
    assert facts.PROJECT_PTH not in plan.builder.install_commands
    assert "/opt/project" not in plan.runtime.env["PATH"]


def test_a_package_is_installed_outside_the_dependency_venv() -> None:
    """Regression: the project was installed into /opt/venv after COPY . ., so every code change
    changed the final image's venv layer (12 MB re-pushed) and shipped the code twice."""
    plan = make_plan(make_info(is_package=True, install_project=True))
    (install,) = plan.builder.project_install_commands
    assert "--target /opt/project" in install and "--no-deps" in install and "--editable" in install
    # the venv's pointer to /opt/project is written with the dependencies, before the code exists
    assert plan.builder.install_commands[-1] == facts.PROJECT_PTH
    assert 'site.addsitedir("/opt/project")' in facts.PROJECT_PTH
    assert plan.runtime.env["PATH"].startswith("/opt/project/bin:/opt/venv/bin:")  # console scripts
    assert "PYTHONPATH" not in plan.dev_environment  # the editable install already points at /app


@pytest.mark.parametrize(
    ("manager", "lock", "expected"),
    [
        ("poetry", "poetry.lock", "poetry export --only main"),
        ("pdm", "pdm.lock", "pdm export --prod"),
        ("pipenv", "Pipfile.lock", "pipenv requirements --hash"),
    ],
)
def test_other_locks_are_exported_then_installed_by_uv(manager: str, lock: str, expected: str) -> None:
    plan = make_plan(make_info(dependency_manager=manager, lock_file=lock, manifests=("pyproject.toml",)))
    export, *_, install = plan.builder.install_commands
    assert expected in export
    assert export.startswith("uv tool run --from")  # the exporter runs in a throwaway tool env
    assert install.startswith("uv pip install --python /opt/venv/bin/python -r /tmp/requirements.lock.txt")
    assert lock in plan.builder.manifests


def test_requirements_files_and_their_includes_are_copied_per_directory() -> None:
    info = django_info(
        manifests=("requirements.txt", "requirements/base.txt", "requirements/prod.txt", "constraints.txt"),
        requirements_files=("requirements/prod.txt",),
    )
    b = make_plan(info).builder
    assert b.install_commands == ("uv pip install --python /opt/venv/bin/python -r requirements/prod.txt",)
    steps = [(s.sources, s.dest) for s in b.copy_manifests]
    assert steps == [
        (("requirements.txt", "constraints.txt"), "./"),
        (("requirements/base.txt", "requirements/prod.txt"), "requirements/"),
    ]


def test_group_copies_keeps_order_and_drops_duplicates() -> None:
    steps = group_copies(["a.txt", "r/b.txt", "a.txt", "r/c.txt"])
    assert [(s.sources, s.dest) for s in steps] == [(("a.txt",), "./"), (("r/b.txt", "r/c.txt"), "r/")]


def test_pep621_without_lock_is_installed_from_pyproject_and_says_so() -> None:
    plan = make_plan(make_info(dependency_manager="pep621", lock_file=None))
    assert plan.builder.install_commands == (
        "uv pip install --python /opt/venv/bin/python -r pyproject.toml",
    )
    assert any("no lock file" in n for n in plan.notes)


def test_build_tools_only_in_the_builder_and_only_when_needed() -> None:
    plain = make_plan(make_info())
    assert plain.builder.apt_packages == () and plain.runtime.apt_packages == ()
    native = make_plan(make_info(native=(PSYCOPG2,)))
    assert native.builder.apt_packages == ("build-essential", "libpq-dev")
    assert native.runtime.apt_packages == ("libpq5",)


def test_uv_and_pip_stay_in_the_builder() -> None:
    b = make_plan(make_info()).builder
    assert b.venv_command == "python -m venv --without-pip /opt/venv"
    # bench/FINDINGS.md section 1: `pip install --target` is the fastest bootstrap (no venv, no
    # ensurepip) and, unlike installing into the base interpreter, exempt from PEP 668.
    assert b.tool_install == (
        "python -m pip install --target /opt/uv --disable-pip-version-check"
        " --root-user-action=ignore 'uv==0.13.9'",
    )
    assert b.env["PATH"] == "/opt/venv/bin:/opt/uv/bin:$PATH"


# --- server -------------------------------------------------------------------------------------


def test_asgi_runs_uvicorn_in_exec_form_bound_to_all_interfaces() -> None:
    plan = make_plan(make_info())
    cmd = plan.runtime.command
    assert cmd[:2] == ("uvicorn", "main:app")
    assert cmd[cmd.index("--host") + 1] == "0.0.0.0"
    assert "--timeout-graceful-shutdown" in cmd
    assert "--workers" not in cmd  # uvicorn reads WEB_CONCURRENCY itself
    assert plan.runtime.env["WEB_CONCURRENCY"] == "1"
    assert plan.runtime.entrypoint == ()  # uvicorn handles SIGTERM and reaps its workers: no init needed


def test_factory_target_uses_uvicorn_factory_flag() -> None:
    cmd = make_plan(make_info(app="shop.app:create_app()")).runtime.command
    assert cmd[:3] == ("uvicorn", "shop.app:create_app", "--factory")


def test_factory_with_arguments_goes_through_gunicorn_which_evaluates_them() -> None:
    plan = make_plan(make_info(app="shop.app:create_app('prod')"))
    assert plan.server == "gunicorn"
    assert plan.runtime.command[-1] == "shop.app:create_app('prod')"


def test_wsgi_runs_gunicorn_with_access_log_on_stdout_and_graceful_timeout() -> None:
    plan = make_plan(django_info())
    cmd = plan.runtime.command
    assert cmd[0] == "gunicorn" and cmd[-1] == "config.wsgi:application"
    assert cmd[cmd.index("--bind") + 1] == "0.0.0.0:8000"
    assert cmd[cmd.index("--access-logfile") + 1] == "-"
    assert cmd[cmd.index("--graceful-timeout") + 1] == str(plan.graceful_timeout_s)
    assert plan.graceful_timeout_s < plan.stop_grace_period_s
    assert plan.runtime.env["WEB_CONCURRENCY"] == "3"  # 2 x 1 CPU + 1


def test_several_asgi_workers_select_gunicorn_with_uvicorn_workers() -> None:
    plan = make_plan(make_info(), workers=4)
    cmd = plan.runtime.command
    assert plan.server == "gunicorn"
    assert cmd[cmd.index("--worker-class") + 1] == "uvicorn_worker.UvicornWorker"
    assert plan.runtime.env["WEB_CONCURRENCY"] == "4"
    assert any(r.startswith("uvicorn-worker") for r in plan.builder.server_requirements)


def test_detected_gunicorn_for_asgi_also_uses_uvicorn_workers() -> None:
    cmd = make_plan(make_info(server="gunicorn")).runtime.command
    assert "uvicorn_worker.UvicornWorker" in cmd


@pytest.mark.parametrize(("server", "expected"), [("uvicorn", 1), ("gunicorn", 5), ("gunicorn-asgi", 2)])
def test_default_worker_counts_follow_the_cpu_limit(server: str, expected: int) -> None:
    assert default_web_concurrency(server, "2.0") == expected


def test_workers_must_be_positive() -> None:
    with pytest.raises(DockwrightError):
        make_plan(make_info(), workers=0)


def test_server_is_added_only_when_the_project_does_not_depend_on_it() -> None:
    missing = make_plan(django_info(server_in_dependencies=False))
    assert missing.builder.server_requirements == ("gunicorn>=23,<28",)
    present = make_plan(flask_info())
    assert present.builder.server_requirements == ()


# --- runtime ------------------------------------------------------------------------------------


def test_runtime_env_has_no_secrets_and_a_writable_home() -> None:
    env = make_plan(django_info()).runtime.env
    assert env["PYTHONDONTWRITEBYTECODE"] == "1" and env["PYTHONUNBUFFERED"] == "1"
    assert env["PATH"].startswith("/opt/venv/bin:")
    assert env["HOME"] == "/tmp" and env["XDG_CACHE_HOME"].startswith("/tmp/")
    assert not [k for k in env if "SECRET" in k or "PASSWORD" in k]


def test_non_root_user_with_fixed_ids_and_only_declared_dirs_writable() -> None:
    """The docker-init trap: a non-root user that cannot write its upload/data directories."""
    plan = make_plan(flask_info(writable_dirs=("var/uploads", "data")))
    r = plan.runtime
    assert (r.user, r.uid, r.gid) == ("app", 10001, 10001)
    assert r.writable_dirs == ("/app/var/uploads", "/app/data")
    assert [m.target for m in plan.app_volumes] == ["/app/var/uploads", "/app/data"]


def test_django_media_root_is_writable() -> None:
    assert "/app/media" in make_plan(django_info()).runtime.writable_dirs


def test_writable_dirs_must_stay_inside_the_project() -> None:
    with pytest.raises(DockwrightError, match="must not leave the project directory"):
        make_plan(make_info(writable_dirs=("../etc",)))


def test_absolute_media_root_is_writable_where_the_settings_put_it() -> None:
    plan = make_plan(django_info(writable_dirs=("/var/lib/shop/media",)))
    assert plan.runtime.writable_dirs == ("/var/lib/shop/media",)
    assert [m.target for m in plan.app_volumes] == ["/var/lib/shop/media"]
    dockerfile = render_files(plan)["Dockerfile"]
    assert "mkdir -p /var/lib/shop/media" in dockerfile


def test_sqlite_next_to_the_code_keeps_the_code_read_only() -> None:
    # detect reports "." when the SQLite file lives in the project root and no database service is used.
    plan = make_plan(make_info(writable_dirs=(".",)))
    assert plan.runtime.writable_dirs == ("/app",)
    assert plan.app_volumes == ()  # a volume on /app would hide the code
    dockerfile = render_files(plan)["Dockerfile"]
    assert "chgrp 10001 /app && chmod 1775 /app" in dockerfile
    assert "chown 10001:10001 /app\n" not in dockerfile
    assert "." not in plan.dockerignore


def test_src_layout_not_installed_gets_pythonpath_installed_package_does_not() -> None:
    assert make_plan(make_info(app_dir="src", is_package=False)).runtime.pythonpath == "/app/src"
    assert (
        make_plan(make_info(app_dir="src", is_package=True, install_project=True)).runtime.pythonpath is None
    )
    # a package nothing needs installed runs from its source directory: no build backend per code change
    source_package = make_plan(make_info(app_dir="src", is_package=True, install_project=False))
    assert source_package.runtime.pythonpath == "/app/src"
    assert source_package.builder.project_install_commands == ()


def test_healthcheck_uses_python_stdlib_http_probe_on_the_health_path() -> None:
    hc = make_plan(make_info(health_path="/healthz", port=9000)).runtime.healthcheck
    assert hc.command[:2] == ("python", "-c")
    assert "urllib.request" in hc.command[2] and "http://127.0.0.1:9000/healthz" in hc.command[2]
    assert (hc.interval_s, hc.timeout_s, hc.start_period_s, hc.retries) == (10, 3, 20, 3)
    compile(hc.command[2], "<healthcheck>", "exec")


def test_no_health_route_means_a_tcp_probe() -> None:
    hc = make_plan(make_info(health_path=None)).runtime.healthcheck
    assert hc.path is None
    assert "socket.create_connection(('127.0.0.1', 8000)" in hc.command[2]
    compile(hc.command[2], "<healthcheck>", "exec")


# --- Django: collectstatic at build, migrations never in the web command --------------------------


def test_collectstatic_runs_at_build_with_a_throwaway_key_only_on_that_line() -> None:
    plan = make_plan(django_info())
    assert plan.runtime.collectstatic == ("python", "manage.py", "collectstatic", "--noinput")
    assert plan.runtime.collectstatic_env["DJANGO_SECRET_KEY"].startswith("collectstatic-build-only")
    assert "DJANGO_SECRET_KEY" not in plan.runtime.env and "SECRET_KEY" not in plan.runtime.env


def test_no_static_root_no_collectstatic() -> None:
    django = DjangoInfo("config.settings", "config.wsgi:application", None, None, None, "manage.py")
    plan = make_plan(django_info(django=django, static_root=None))
    assert plan.runtime.collectstatic == () and plan.runtime.collectstatic_env == {}
    assert plan.dev_preserved_dirs == ()


def test_development_mount_keeps_the_collected_static_files_visible() -> None:
    """Regression: compose.override.yaml mounted `.:/app` over /app/staticfiles, so production
    settings' manifest storage answered 500 on every page using {% static %}."""
    assert make_plan(django_info()).dev_preserved_dirs == ("/app/staticfiles",)
    # relative to the app's directory when only Django's setting is known
    django = replace(django_info().django, static_root="collected")  # type: ignore[type-var]
    assert make_plan(django_info(django=django, static_root=None, app_dir="src")).dev_preserved_dirs == (
        "/app/src/collected",
    )
    # outside /app the bind mount hides nothing
    assert make_plan(django_info(static_root="/srv/static")).dev_preserved_dirs == ()
    assert make_plan(make_info()).dev_preserved_dirs == ()


@pytest.mark.parametrize("info", [django_info(), make_info(migrations="alembic", services=("postgres",))])
def test_migrations_run_in_a_one_shot_service_never_in_the_web_command(info: object) -> None:
    plan = make_plan(info)  # type: ignore[arg-type]
    assert plan.migrate_command
    assert not {"migrate", "upgrade", "&&", "sh", "bash"} & set(plan.runtime.command)
    migrate = next(s for s in plan.services if s.kind == "migrate")
    assert migrate.command == plan.migrate_command
    assert plan.app_depends_on["migrate"] == "service_completed_successfully"


def test_django_manage_py_in_a_subfolder() -> None:
    base = django_info().django
    assert base is not None
    plan = make_plan(django_info(django=replace(base, manage_py="src/manage.py")))
    assert plan.migrate_command == ("python", "src/manage.py", "migrate", "--noinput")
    assert plan.runtime.collectstatic[1] == "src/manage.py"


# --- services and environment --------------------------------------------------------------------


def test_services_are_pinned_healthchecked_and_the_app_waits_for_them() -> None:
    plan = make_plan(django_info())
    by_name = {s.name: s for s in plan.services}
    assert by_name["postgres"].image == "postgres:17-trixie"
    assert by_name["redis"].image == "redis:8-trixie"
    assert by_name["postgres"].healthcheck[:2] == ("CMD", "pg_isready")
    assert by_name["redis"].healthcheck == ("CMD", "redis-cli", "ping")
    assert plan.app_depends_on == {
        "postgres": "service_healthy",
        "redis": "service_healthy",
        "migrate": "service_completed_successfully",
    }
    assert by_name["worker"].command == ("celery", "-A", "config", "worker", "--loglevel=INFO")
    assert "--schedule=/tmp/celerybeat-schedule" in by_name["beat"].command  # /app is read-only


def test_mysql_and_rabbitmq() -> None:
    info = make_info(
        services=("mysql", "rabbitmq", "celery-worker"),
        celery_app="shop.tasks",
        dependencies=("pymysql", "sqlalchemy"),
    )
    plan = make_plan(info)
    assert {s.image for s in plan.services if s.image} == {"mysql:8.4", "rabbitmq:4.1"}
    assert plan.app_environment["DATABASE_URL"].startswith("mysql+pymysql://")
    assert plan.app_environment["CELERY_BROKER_URL"].startswith("amqp://")


def test_database_url_scheme_follows_the_sqlalchemy_driver() -> None:
    info = make_info(services=("postgres",), dependencies=("sqlalchemy", "psycopg"))
    assert make_plan(info).app_environment["DATABASE_URL"].startswith("postgresql+psycopg://")


def test_env_example_lists_every_variable_with_safe_placeholders() -> None:
    plan = make_plan(django_info())
    env = {v.name: v for v in plan.env}
    assert {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB", "DJANGO_SECRET_KEY", "DATABASE_URL"} <= set(
        env
    )
    assert env["DJANGO_SECRET_KEY"].secret and env["POSTGRES_PASSWORD"].secret
    assert env["DJANGO_DEBUG"].placeholder == "false"
    assert "127.0.0.1" in env["DJANGO_ALLOWED_HOSTS"].placeholder  # the healthcheck's Host
    # a secret is either an obvious placeholder or left unset (commented out in .env.example)
    assert all(v.placeholder in ("",) or "change-me" in v.placeholder for v in env.values() if v.secret)


def test_reserved_variables_are_not_app_settings() -> None:
    plan = make_plan(make_info(env_vars=("PATH", "HOME", "API_TOKEN")))
    assert [v.name for v in plan.env] == ["API_TOKEN"]


# --- .dockerignore --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("*.log", "**/*.log"),
        ("/secret/", "secret"),
        ("build/", "**/build"),
        ("docs/_build", "docs/_build"),
        ("!keep.log", "!**/keep.log"),
        ("# comment", None),
        ("   ", None),
        ("\\#literal", "**/#literal"),
    ],
)
def test_gitignore_lines_become_anchored_dockerignore_patterns(line: str, expected: str | None) -> None:
    assert translate_gitignore_line(line) == expected


def test_dockerignore_keeps_secrets_out_and_the_lock_in() -> None:
    plan = make_plan(make_info(), gitignore="uv.lock\n*.log\n")
    lines = plan.dockerignore
    assert ".env" in lines and "!.env.example" in lines and ".git" in lines and ".venv" in lines
    assert "tests" in lines and "docs" in lines
    assert lines.index("**/uv.lock") < lines.index("!uv.lock")  # .gitignore cannot drop the lock
    assert "Dockerfile" in lines and "compose.yaml" in lines
    assert translate_gitignore("a\n\n#x\nb/\n") == ("**/a", "**/b")


def test_tests_are_kept_when_the_app_lives_in_them() -> None:
    lines = make_plan(make_info(app="tests.app:app")).dockerignore
    assert "tests" not in lines


@pytest.mark.parametrize(
    ("gitignore", "expected"),
    [("", False), (".env\n", True), ("*.env\n.env*\n", True), ("/.env\n", True), (".env\n!.env\n", False)],
)
def test_gitignore_ignores_env(gitignore: str, expected: bool) -> None:
    assert ignores(gitignore, ".env") is expected


def test_privileged_port_is_noted() -> None:
    assert any("privileged" in n for n in make_plan(make_info(port=80)).notes)
    assert not any("privileged" in n for n in make_plan(make_info(port=8000)).notes)


def test_collectstatic_gets_placeholders_for_variables_settings_may_require() -> None:
    info = django_info(env_vars=("DJANGO_SECRET_KEY", "EMAIL_HOST_PASSWORD", "DATABASE_URL", "SENTRY_DSN"))
    env = make_plan(info).runtime.collectstatic_env
    assert env["EMAIL_HOST_PASSWORD"] == env["DJANGO_SECRET_KEY"] == "collectstatic-build-only-not-a-secret"
    assert env["DATABASE_URL"].startswith("sqlite:")  # parsed at import, never connected to
    assert "SENTRY_DSN" not in env  # optional: the settings' default applies


def test_connection_urls_with_passwords_are_secrets() -> None:
    env = {v.name: v for v in make_plan(django_info()).env}
    assert env["DATABASE_URL"].secret  # postgres://user:password@...
    assert not env["REDIS_URL"].secret  # no credentials in it


def test_local_path_dependencies_are_copied_as_directories() -> None:
    steps = group_copies(
        ["requirements.txt", "libs/shared", "Pipfile", "vendor/pkg/", "requirements/base.txt"]
    )
    assert [(s.sources, s.dest) for s in steps] == [
        (("requirements.txt", "Pipfile"), "./"),
        (("libs/shared",), "libs/shared/"),
        (("vendor/pkg",), "vendor/pkg/"),
        (("requirements/base.txt",), "requirements/"),
    ]


def test_requirements_that_install_the_project_drop_that_line_until_the_code_is_there() -> None:
    info = make_info(
        dependency_manager="pip",
        lock_file=None,
        manifests=("requirements.txt", "pyproject.toml"),
        requirements_files=("requirements.txt",),
        is_package=True,
        install_project=True,
    )
    b = make_plan(info).builder
    assert b.install_commands[0].startswith("sed -i -E ") and b.install_commands[0].endswith(
        " requirements.txt"
    )
    assert b.project_install_commands == (facts.PROJECT_INSTALL,)
