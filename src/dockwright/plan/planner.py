"""ProjectInfo -> ContainerPlan: every decision of the generated container setup, as data.

``make_plan`` is a pure function: no files, no subprocesses. The facts it draws on (image tags,
tool pins, install recipes) are tables in ``facts.py``; this module only decides.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable

from dockwright.detect.model import ProjectInfo
from dockwright.errors import DockwrightError
from dockwright.plan import facts
from dockwright.plan.dockerignore import keep_exceptions, translate_gitignore
from dockwright.plan.model import (
    BuilderStage,
    ContainerPlan,
    CopyStep,
    EnvVar,
    HealthCheck,
    RuntimeStage,
    ServicePlan,
    VolumeMount,
)

APP_DIR = "/app"
APP_USER = "app"
APP_UID = 10001  # fixed, above the ranges distributions allocate, so host bind mounts never collide
APP_SERVICE = "app"
WORKERS_ENV = "WEB_CONCURRENCY"
DEFAULT_CPU_LIMIT = "1.0"
DEFAULT_MEMORY_LIMIT = "512m"
# Bytecode: compiled once at build time. The read-only root and PYTHONDONTWRITEBYTECODE mean a
# container could never cache it, so without this every start recompiles every imported module.
COMPILE_BYTECODE = True


def make_plan(
    info: ProjectInfo,
    *,
    debian: str = facts.DEFAULT_DEBIAN,
    base_image: str | None = None,
    workers: int | None = None,
    gitignore: str | None = None,
) -> ContainerPlan:
    """Decide the whole container setup for ``info``.

    ``workers`` asks for a default worker count (``WEB_CONCURRENCY``); more than one for an ASGI app
    selects gunicorn with uvicorn workers. ``gitignore`` is the text of the project's .gitignore,
    appended to .dockerignore.
    """
    if workers is not None and workers < 1:
        raise DockwrightError(f"--workers must be at least 1, got {workers}")
    image, from_arg = resolve_base_image(info.python, debian, base_image)
    server = choose_server(info, workers)
    web_concurrency = workers if workers is not None else default_web_concurrency(server, DEFAULT_CPU_LIMIT)
    service_plans = plan_services(info)
    env = plan_env(info)
    writable = writable_dirs(info)
    volumes = tuple(
        # A volume on APP_DIR itself would hide the code: that directory stays in the image.
        VolumeMount(volume=_volume_name(_relative_to_app(d) or d.strip("/")), target=d)
        for d in writable
        if d != APP_DIR
    )
    migrate = migrate_command(info)
    runtime = RuntimeStage(
        apt_packages=_unique(p for need in info.native for p in need.runtime),
        env=runtime_env(info, web_concurrency),
        user=APP_USER,
        uid=APP_UID,
        gid=APP_UID,
        workdir=APP_DIR,
        pythonpath=_pythonpath(info),
        writable_dirs=writable,
        port=info.port,
        command=server_command(info, server),
        # gunicorn's arbiter and uvicorn's supervisor/server reap their children and handle SIGTERM as
        # PID 1 (exec-form CMD, no shell in between), so no init process is added.
        entrypoint=(),
        healthcheck=plan_healthcheck(info.health_path, info.port),
        collectstatic=collectstatic_command(info),
        compile_bytecode=COMPILE_BYTECODE,
        collectstatic_env=collectstatic_env(info),
        static_dir=static_output_dir(info),
        web_concurrency=web_concurrency,
    )
    return ContainerPlan(
        name=info.name,
        python_version=info.python,
        debian=debian,
        base_image=image,
        builder=plan_builder(info, server),
        runtime=runtime,
        framework=info.framework,
        server="gunicorn" if server != "uvicorn" else "uvicorn",
        workers_env=WORKERS_ENV,
        graceful_timeout_s=facts.GRACEFUL_TIMEOUT_S,
        migrate_command=migrate,
        services=service_plans,
        env=env,
        dockerignore=plan_dockerignore(info, gitignore or ""),
        memory_limit=DEFAULT_MEMORY_LIMIT,
        cpu_limit=DEFAULT_CPU_LIMIT,
        notes=plan_notes(info, server),
        base_image_from_arg=from_arg,
        stop_grace_period_s=facts.STOP_GRACE_PERIOD_S,
        app_environment=app_environment(info),
        app_volumes=volumes,
        app_depends_on=app_depends_on(info, service_plans),
        dev_command=dev_command(info, server),
        dev_environment=dev_environment(info),
        dev_preserved_dirs=dev_preserved_dirs(info),
    )


# --- Base image ----------------------------------------------------------------------------------


def resolve_base_image(python: str, debian: str, base_image: str | None) -> tuple[str, bool]:
    """(image reference, whether FROM is written with the PYTHON_VERSION build arg)."""
    if base_image is not None:
        if not base_image.strip() or any(c.isspace() for c in base_image):
            raise DockwrightError(f"--base-image must be an image reference, got {base_image!r}")
        return base_image, False
    minors = facts.DEBIAN_PYTHON_MINORS.get(debian)
    if minors is None:
        known = ", ".join(facts.DEBIAN_PYTHON_MINORS)
        raise DockwrightError(f"unknown Debian release {debian!r}: use one of {known}, or --base-image REF")
    if python not in minors:
        raise DockwrightError(
            f"there is no official python:{python}-slim-{debian} image (Debian {debian} images exist for "
            f"Python {minors[0]}-{minors[-1]}): pass --python X.Y, another --debian, or --base-image REF"
        )
    return facts.python_image(python, debian), True


# --- Server --------------------------------------------------------------------------------------

# "uvicorn": uvicorn alone (ASGI); "gunicorn": gunicorn sync workers (WSGI);
# "gunicorn-asgi": gunicorn arbiter with uvicorn workers (ASGI with several workers, or factory args).
ServerKind = str


def _split_target(app: str) -> tuple[str, str | None]:
    """``pkg.mod:create_app(1)`` -> (``pkg.mod:create_app``, ``1``); plain targets -> (app, None)."""
    match = re.fullmatch(r"(?P<target>[^()]+)\((?P<args>.*)\)", app.strip())
    if match is None:
        return app, None
    return match["target"], match["args"]


def choose_server(info: ProjectInfo, workers: int | None) -> ServerKind:
    if info.interface == "wsgi":
        return "gunicorn"
    _, args = _split_target(info.app)
    # uvicorn --factory cannot pass arguments; gunicorn evaluates literal arguments itself.
    if (
        info.server == "gunicorn"
        or (workers is not None and workers > 1)
        or (args is not None and args.strip())
    ):
        return "gunicorn-asgi"
    return "uvicorn"


def default_web_concurrency(server: ServerKind, cpu_limit: str) -> int:
    """Workers for one container with ``cpu_limit`` CPUs (the compose/k8s limit; cores seen inside a
    container are the host's, so they are not a safe basis): gunicorn sync 2*cores+1, async = cores,
    uvicorn alone 1 process."""
    cores = max(1, int(float(cpu_limit)))
    if server == "gunicorn":
        return 2 * cores + 1
    if server == "gunicorn-asgi":
        return cores
    return 1


def server_command(info: ProjectInfo, server: ServerKind) -> tuple[str, ...]:
    """Exec-form CMD: the server is PID 1, binds 0.0.0.0, reads its worker count from WEB_CONCURRENCY
    (both gunicorn and uvicorn do so natively), and logs access lines to stdout."""
    graceful = str(facts.GRACEFUL_TIMEOUT_S)
    if server == "uvicorn":
        target, args = _split_target(info.app)
        factory = ("--factory",) if args is not None else ()
        return (
            "uvicorn", target if args is not None else info.app, *factory,
            "--host", "0.0.0.0", "--port", str(info.port),
            "--timeout-graceful-shutdown", graceful,
            "--no-server-header",
        )  # fmt: skip
    worker = ("--worker-class", facts.GUNICORN_ASGI_WORKER) if server == "gunicorn-asgi" else ()
    return (
        "gunicorn", *worker,
        "--bind", f"0.0.0.0:{info.port}",
        "--timeout", str(facts.WORKER_TIMEOUT_S),
        "--graceful-timeout", graceful,
        "--access-logfile", "-",
        # heartbeat files in memory: /tmp may be a slow overlay directory when not a tmpfs
        "--worker-tmp-dir", "/dev/shm",
        info.app,
    )  # fmt: skip


def dev_command(info: ProjectInfo, server: ServerKind) -> tuple[str, ...]:
    """compose.override.yaml: one process that reloads on code changes."""
    if info.interface == "asgi":
        target, args = _split_target(info.app)
        if args is None or not args.strip():
            factory = ("--factory",) if args is not None else ()
            return ("uvicorn", target, *factory, "--host", "0.0.0.0", "--port", str(info.port), "--reload")
    worker = ("--worker-class", facts.GUNICORN_ASGI_WORKER) if server == "gunicorn-asgi" else ()
    return ("gunicorn", *worker, "--bind", f"0.0.0.0:{info.port}", "--workers", "1", "--reload",
            "--access-logfile", "-", info.app)  # fmt: skip


def server_requirements(info: ProjectInfo, server: ServerKind) -> tuple[str, ...]:
    """Server packages to add in the builder when the project does not depend on them itself."""
    deps = set(info.dependencies)
    if info.server_in_dependencies:
        # detect found it, maybe through an extra (fastapi[standard]): the lock's version is kept.
        deps.add(info.server)
    needed = {
        "uvicorn": ("uvicorn",),
        "gunicorn": ("gunicorn",),
        "gunicorn-asgi": ("gunicorn", "uvicorn-worker"),
    }
    wanted = needed[server]
    if server == "gunicorn-asgi" and "uvicorn-worker" not in deps:
        wanted = (*wanted, "uvicorn")  # uvicorn-worker's own dependency, pinned to our range
    return tuple(facts.SERVER_REQUIREMENTS[p] for p in wanted if p not in deps)


# --- Builder -------------------------------------------------------------------------------------


# Manifests without an extension that are files, not directories.
EXTENSIONLESS_MANIFESTS = frozenset({"Pipfile"})


def _is_directory(path: str) -> bool:
    """Local path dependencies (``-e ./libs/x``) are directories; manifests are files with a suffix."""
    name = posixpath.basename(path.rstrip("/"))
    return path.endswith("/") or ("." not in name and name not in EXTENSIONLESS_MANIFESTS)


def group_copies(paths: Iterable[str]) -> tuple[CopyStep, ...]:
    """COPY lines that recreate each path at the same place.

    Files are grouped per destination directory (COPY a/x b/y ./ would flatten them); a directory
    gets its own COPY onto its own path (COPY copies a directory's contents, not the directory).
    """
    groups: dict[str, list[str]] = {}
    steps: list[tuple[str, CopyStep | None]] = []
    for path in _unique(p.rstrip("/") for p in paths):
        if _is_directory(path):
            steps.append((path, CopyStep((path,), f"{path}/")))
            continue
        parent = posixpath.dirname(path)
        if parent not in groups:
            groups[parent] = []
            steps.append((parent, None))
        groups[parent].append(path)
    return tuple(
        step if step is not None else CopyStep(tuple(groups[key]), f"{key}/" if key else "./")
        for key, step in steps
    )


def plan_builder(info: ProjectInfo, server: ServerKind) -> BuilderStage:
    recipe = facts.manager_recipe(info.dependency_manager, info.lock_file, info.requirements_files)
    install = recipe.install
    if info.dependency_manager == "pip" and info.is_package:
        # detect marks a pip project as a package only when its requirements install it ("-e ."):
        # that line needs the code, which is not copied yet.
        txt = tuple(m for m in info.manifests if m.endswith(".txt"))
        install = (facts.drop_self_install(txt), *install)
    if info.install_project:
        # The venv learns where the project will be installed now, with its dependencies, so the
        # project install after the code never touches the venv (its layer stays cached).
        install = (*install, facts.PROJECT_PTH)
    manifests = _unique((*info.manifests, *((info.lock_file,) if info.lock_file else ())))
    env = {
        "UV_LINK_MODE": "copy",  # the cache mount is another filesystem: hard links are impossible
        "UV_COMPILE_BYTECODE": "1" if COMPILE_BYTECODE else "0",
        "UV_PYTHON_DOWNLOADS": "never",  # use the base image's interpreter, never a downloaded one
        "UV_PROJECT_ENVIRONMENT": facts.VENV,
        # The base image's interpreter, whatever .python-version pins: a patch-level pin (3.13.1) would
        # otherwise make `uv sync` look for another interpreter, and downloads are off.
        "UV_PYTHON": f"{facts.VENV}/bin/python",
        "VIRTUAL_ENV": facts.VENV,
        "PATH": f"{facts.VENV}/bin:{facts.UV_TOOL_DIR}/bin:$PATH",
    }
    if info.dependency_manager == "pipenv":
        env["PIPENV_VERBOSITY"] = "-1"  # no "running as root / courtesy notice" noise in the build log
    if info.dependency_manager == "pdm":
        env["PDM_CHECK_UPDATE"] = "false"  # the exporter must not ask the index for newer pdm releases
    return BuilderStage(
        apt_packages=_unique(p for need in info.native for p in need.build),
        manifests=manifests,
        install_commands=install,
        project_install_commands=recipe.install_project if info.install_project else (),
        installer="uv",
        copy_manifests=group_copies(manifests),
        # The base image's pip installs uv into a directory of its own (bench/FINDINGS.md section 1:
        # fastest measured bootstrap, no venv and no ensurepip; --target is exempt from PEP 668).
        tool_install=(
            f"python -m pip install --target {facts.UV_TOOL_DIR} --disable-pip-version-check"
            f" --root-user-action=ignore '{facts.UV_REQUIREMENT}'",
        ),
        # --without-pip: the app never needs pip at run time, so neither pip nor setuptools ship.
        venv_command=f"python -m venv --without-pip {facts.VENV}",
        server_requirements=server_requirements(info, server),
        env=env,
        cache_mounts=(facts.UV_CACHE,),
        lock_note=recipe.lock_honoured,
    )


# --- Runtime -------------------------------------------------------------------------------------


def _pythonpath(info: ProjectInfo) -> str | None:
    # An installed package is imported from the venv; otherwise the app's directory must be on the path.
    if info.install_project or not info.app_dir:
        return None
    return posixpath.join(APP_DIR, info.app_dir)


def runtime_env(info: ProjectInfo, web_concurrency: int) -> dict[str, str]:
    env = {
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",
        "PYTHONFAULTHANDLER": "1",  # a crash prints the Python stack instead of dying silently
        "VIRTUAL_ENV": facts.VENV,
        # An installed project's console scripts live next to it, outside the venv.
        "PATH": f"{facts.PROJECT_DIR}/bin:{facts.VENV}/bin:$PATH"
        if info.install_project
        else f"{facts.VENV}/bin:$PATH",
        # Writable HOME and caches under /tmp: libraries that cache (and gunicorn's control socket)
        # work for the non-root user and under --read-only with a tmpfs on /tmp.
        "HOME": "/tmp",
        "XDG_CACHE_HOME": "/tmp/.cache",
        WORKERS_ENV: str(web_concurrency),
    }
    pythonpath = _pythonpath(info)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    if info.django is not None:
        env["DJANGO_SETTINGS_MODULE"] = info.django.settings_module
    return env


def writable_dirs(info: ProjectInfo) -> tuple[str, ...]:
    """Absolute container paths the app user may write to.

    detect reports them relative to the project root (``media``; ``.`` when a SQLite file lives
    next to the code) or absolute (``MEDIA_ROOT = "/var/lib/shop/media"``); the code lives in
    ``APP_DIR``. ``..`` would escape the app directory, so it is refused.
    """
    paths: list[str] = []
    for d in info.writable_dirs:
        if ".." in d.split("/"):
            raise DockwrightError(f"writable directory {d!r} must not leave the project directory")
        paths.append(posixpath.normpath(d if d.startswith("/") else posixpath.join(APP_DIR, d)))
    return _unique(paths)


def _relative_to_app(path: str) -> str | None:
    """``/app/media`` -> ``media``; None for ``/app`` itself and for paths outside the app."""
    prefix = APP_DIR.rstrip("/") + "/"
    return path[len(prefix) :] if path.startswith(prefix) else None


def plan_healthcheck(path: str | None, port: int) -> HealthCheck:
    """Python standard library only (no curl in a slim image); TCP connect when there is no route."""
    if path is not None:
        url = f"http://127.0.0.1:{port}{path}"
        code = (
            "import sys, urllib.request\n"
            f"try: urllib.request.urlopen({url!r}, timeout=2)\n"
            "except Exception as exc: sys.exit(f'unhealthy: {exc}')"
        )
    else:
        code = (
            "import socket, sys\n"
            f"try: socket.create_connection(('127.0.0.1', {port}), timeout=2).close()\n"
            "except OSError as exc: sys.exit(f'unhealthy: {exc}')"
        )
    return HealthCheck(path=path, command=("python", "-c", code))


def collectstatic_command(info: ProjectInfo) -> tuple[str, ...]:
    if info.django is None or not (info.static_root or info.django.static_root):
        return ()
    return ("python", info.django.manage_py, "collectstatic", "--noinput")


# Harmless local values for settings that parse a connection URL at import time (collectstatic
# never connects).
COLLECTSTATIC_URLS = {
    "DATABASE_URL": "sqlite:////tmp/collectstatic.sqlite3",
    "REDIS_URL": "redis://localhost:6379/0",
    "CELERY_BROKER_URL": "memory://",
}
BUILD_ONLY_SECRET = "collectstatic-build-only-not-a-secret"


def collectstatic_env(info: ProjectInfo) -> dict[str, str]:
    """Throwaway values for settings modules that refuse to import without them; only on that RUN line.

    Every variable the code reads and .env.example gives a value gets one here too: secrets a
    build-only dummy, the rest their placeholder; optional ones stay unset so defaults apply.
    """
    if not collectstatic_command(info) or info.django is None:
        return {}
    env = {"DJANGO_SETTINGS_MODULE": info.django.settings_module}
    for name in info.env_vars:
        if name in facts.RESERVED_ENV or name == "DJANGO_SETTINGS_MODULE":
            continue
        placeholder, _, secret = _placeholder(name, info.port)
        if name in COLLECTSTATIC_URLS:
            env[name] = COLLECTSTATIC_URLS[name]
        elif secret or re.search(r"SECRET_KEY$", name):
            env[name] = BUILD_ONLY_SECRET
        elif placeholder:
            env[name] = placeholder
    env.setdefault("SECRET_KEY", BUILD_ONLY_SECRET)
    return env


def migrate_command(info: ProjectInfo) -> tuple[str, ...]:
    """Run once per deploy by a one-shot service, never chained into the web CMD."""
    if info.migrations == "django" and info.django is not None:
        return ("python", info.django.manage_py, "migrate", "--noinput")
    if info.migrations == "alembic":
        return ("alembic", "upgrade", "head")
    return ()


# --- Services ------------------------------------------------------------------------------------


def _broker(info: ProjectInfo) -> str | None:
    if "rabbitmq" in info.services:
        return "rabbitmq"
    if "redis" in info.services:
        return "redis"
    return None


def plan_services(info: ProjectInfo) -> tuple[ServicePlan, ...]:
    plans: list[ServicePlan] = []
    for kind in ("postgres", "mysql", "redis", "rabbitmq"):
        if kind not in info.services:
            continue
        spec = facts.SERVICE_IMAGES[kind]
        cpus, memory = facts.SERVICE_LIMITS[kind]
        plans.append(
            ServicePlan(
                name=kind,
                kind=kind,
                image=spec.image,
                command=(),
                environment=dict(spec.env),
                healthcheck=spec.healthcheck,
                volume=f"{kind}-data",
                volume_target=spec.data_dir,
                port=spec.port,
                cpu_limit=cpus,
                memory_limit=memory,
            )
        )
    stores = {p.name: "service_healthy" for p in plans}
    migrate = migrate_command(info)
    if migrate:
        cpus, memory = facts.SERVICE_LIMITS["migrate"]
        db_deps = {n: c for n, c in stores.items() if n in ("postgres", "mysql")}
        plans.append(
            ServicePlan(
                name="migrate",
                kind="migrate",
                image=None,
                command=migrate,
                environment={},
                healthcheck=(),
                volume=None,
                volume_target=None,
                port=None,
                depends_on=db_deps,
                cpu_limit=cpus,
                memory_limit=memory,
            )
        )
    after_migrate = {**stores, **({"migrate": "service_completed_successfully"} if migrate else {})}
    if info.celery_app:
        for kind in ("celery-worker", "celery-beat"):
            if kind not in info.services:
                continue
            cpus, memory = facts.SERVICE_LIMITS[kind]
            plans.append(
                ServicePlan(
                    name=kind.removeprefix("celery-"),
                    kind=kind,
                    image=None,
                    command=celery_command(kind, info.celery_app),
                    environment={},
                    healthcheck=celery_healthcheck(kind, info.celery_app),
                    volume=None,
                    volume_target=None,
                    port=None,
                    depends_on=after_migrate,
                    cpu_limit=cpus,
                    memory_limit=memory,
                )
            )
    return tuple(plans)


# The celery beat schedule lives in /tmp: /app is read-only for the app user.
CELERY_BEAT_SCHEDULE = "/tmp/celerybeat-schedule"


def celery_command(kind: str, celery_app: str) -> tuple[str, ...]:
    if kind == "celery-beat":
        return ("celery", "-A", celery_app, "beat", "--loglevel=INFO", f"--schedule={CELERY_BEAT_SCHEDULE}")
    return ("celery", "-A", celery_app, "worker", "--loglevel=INFO")


def celery_healthcheck(kind: str, celery_app: str) -> tuple[str, ...]:
    """The image's HEALTHCHECK probes the web port, so Celery processes need their own (and
    `docker compose up --wait` refuses containers whose healthcheck is disabled)."""
    if kind == "celery-worker":
        # the worker answers a broadcast ping addressed to its own node name (celery@<hostname>)
        return ("CMD-SHELL", f"celery -A {celery_app} inspect ping -d celery@$HOSTNAME --timeout 5")
    # beat opens its schedule file (a dbm, name plus any suffix) once it has started
    code = f"import glob, sys; sys.exit(0 if glob.glob('{CELERY_BEAT_SCHEDULE}*') else 1)"
    return ("CMD", "python", "-c", code)


def app_depends_on(info: ProjectInfo, services: tuple[ServicePlan, ...]) -> dict[str, str]:
    deps: dict[str, str] = {}
    for svc in services:
        if svc.image is not None:
            deps[svc.name] = "service_healthy"
        elif svc.kind == "migrate":
            deps[svc.name] = "service_completed_successfully"
    return deps


def _url_scheme(deps: tuple[str, ...], table: tuple[tuple[str, str], ...], default: str) -> str:
    for package, scheme in table:
        if package in deps:
            return scheme
    return default


def app_environment(info: ProjectInfo) -> dict[str, str]:
    """Connection settings compose gives every app process (host names exist only on its network)."""
    env: dict[str, str] = {}
    uses_sqlalchemy = "sqlalchemy" in info.dependencies or "sqlmodel" in info.dependencies
    if "postgres" in info.services:
        scheme = (
            _url_scheme(info.dependencies, facts.POSTGRES_URL_SCHEMES, "postgresql")
            if uses_sqlalchemy
            else "postgres"
        )
        env["DATABASE_URL"] = (
            f"{scheme}://${{POSTGRES_USER}}:${{POSTGRES_PASSWORD}}@postgres:5432/${{POSTGRES_DB}}"
        )
    elif "mysql" in info.services:
        scheme = (
            _url_scheme(info.dependencies, facts.MYSQL_URL_SCHEMES, "mysql") if uses_sqlalchemy else "mysql"
        )
        env["DATABASE_URL"] = f"{scheme}://${{MYSQL_USER}}:${{MYSQL_PASSWORD}}@mysql:3306/${{MYSQL_DATABASE}}"
    if "redis" in info.services:
        env["REDIS_URL"] = "redis://redis:6379/0"
    broker = _broker(info)
    if info.celery_app and broker == "rabbitmq":
        env["CELERY_BROKER_URL"] = "amqp://${RABBITMQ_DEFAULT_USER}:${RABBITMQ_DEFAULT_PASS}@rabbitmq:5672//"
    elif info.celery_app and broker == "redis":
        env["CELERY_BROKER_URL"] = "redis://redis:6379/1"
    return env


def dev_environment(info: ProjectInfo) -> dict[str, str]:
    # An installed project is an editable install pointing at APP_DIR: the mounted source is what runs.
    return {WORKERS_ENV: "1"}


def dev_preserved_dirs(info: ProjectInfo) -> tuple[str, ...]:
    """Directories under APP_DIR that the build fills and the development bind mount would hide.

    compose.override.yaml mounts an anonymous volume on each (Docker fills it from the image), like
    node_modules in JavaScript projects: collectstatic's output must stay visible, or the manifest
    storage of production settings fails every page that uses {% static %}.
    """
    path = static_output_dir(info)
    return (path,) if path and _relative_to_app(path) else ()


def static_output_dir(info: ProjectInfo) -> str | None:
    """The absolute directory collectstatic fills at build time (inside APP_DIR or not); None without."""
    if not collectstatic_command(info) or info.django is None:
        return None
    # info.static_root is relative to the project root (APP_DIR), django.static_root to the app's dir
    root = info.static_root or posixpath.join(info.app_dir or "", info.django.static_root or "")
    return posixpath.normpath(posixpath.join(APP_DIR, root))


# --- .env.example -------------------------------------------------------------------------------

WIRED_COMMENT = "set by compose.yaml from the values above; set it here only to run the app outside compose"


def _carries_credentials(url: str) -> bool:
    """A connection URL with a user:password part is a secret wherever it is stored."""
    return bool(re.match(r"[a-z0-9+.-]+://[^/@]+:[^/@]+@", url))


def _placeholder(name: str, port: int) -> tuple[str, str, bool]:
    for pattern, placeholder, comment, secret in facts.ENV_PLACEHOLDERS:
        if re.search(pattern, name):
            return placeholder.format(port=port), comment, secret
    return "", facts.OPTIONAL_COMMENT, False


def plan_env(info: ProjectInfo) -> tuple[EnvVar, ...]:
    """Every variable the stack reads, each with a safe placeholder (never a usable secret)."""
    out: dict[str, EnvVar] = {}
    for service in info.services:
        for name, placeholder, comment, secret in facts.SERVICE_ENV.get(service, ()):
            out[name] = EnvVar(name, placeholder, comment, secret)
    wired = app_environment(info)
    for name in info.env_vars:
        if name in facts.RESERVED_ENV or name in out:
            continue
        if name in wired:
            out[name] = EnvVar(name, "", WIRED_COMMENT, _carries_credentials(wired[name]))
            continue
        if name == "DJANGO_SETTINGS_MODULE" and info.django is not None:
            out[name] = EnvVar(
                name, info.django.settings_module, "settings module (also set in the image)", False
            )
            continue
        placeholder, comment, secret = _placeholder(name, info.port)
        out[name] = EnvVar(name, placeholder, comment, secret)
    for name in wired:
        out.setdefault(name, EnvVar(name, "", WIRED_COMMENT, _carries_credentials(wired[name])))
    return tuple(out.values())


# --- .dockerignore -------------------------------------------------------------------------------


def plan_dockerignore(info: ProjectInfo, gitignore: str) -> tuple[str, ...]:
    needed = {*info.manifests, *((info.lock_file,) if info.lock_file else ())}
    referenced = " ".join(
        (info.app_dir, info.app, *needed, *(info.django.manage_py for _ in (0,) if info.django is not None))
    )
    lines = list(facts.DOCKERIGNORE_BASE)
    skipped = [d for d in facts.TESTS_AND_DOCS if not re.search(rf"(^|[\s/.]){d}([\s/.:]|$)", referenced)]
    if skipped:
        lines.append("# Tests and docs: the image runs the app, not its test suite")
        lines.extend(skipped)
    in_app = (_relative_to_app(d) for d in writable_dirs(info))
    local_data = [*(d for d in in_app if d), *([info.static_root] if info.static_root else [])]
    if local_data:
        lines.append("# Local uploads/data and collected static files: created in the image, not copied")
        lines.extend(d.strip("/") for d in local_data)
    translated = translate_gitignore(gitignore)
    if translated:
        lines.append("# From .gitignore")
        lines.extend(translated)
    lines.append("# Files the build needs, whatever the patterns above match")
    lines.extend(keep_exceptions(sorted(needed)))
    if info.django is not None:
        lines.extend(keep_exceptions([info.django.manage_py]))
    return tuple(lines)


# --- Notes ---------------------------------------------------------------------------------------


def plan_notes(info: ProjectInfo, server: ServerKind) -> tuple[str, ...]:
    notes = []
    if not info.server_in_dependencies or server_requirements(info, server):
        notes.append(
            "the server is not among the project's dependencies: the builder adds it, pinned to a range"
        )
    if info.dependency_manager == "pep621":
        notes.append(
            "no lock file: dependency versions are resolved at build time; commit a uv.lock to pin them"
        )
    if info.port < 1024:
        notes.append(
            f"port {info.port} is privileged: the non-root user can bind it under Docker (which allows"
            " unprivileged low ports) but not everywhere (e.g. Kubernetes); prefer a port >= 1024"
        )
    if info.health_path is None:
        notes.append("no health route found: the HEALTHCHECK only checks that the port accepts connections")
    return tuple(notes)


# --- helpers -------------------------------------------------------------------------------------


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _volume_name(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") + "-data"
