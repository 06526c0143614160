"""detect_project: read a project directory and return its ProjectInfo, every decision with evidence.

Each step is a small function over parsed files; this module only wires them together and turns
"not found" / "ambiguous" into one-line DetectionErrors that say what was looked for.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from dockwright.detect import django as django_detect
from dockwright.detect.dependencies import (
    EXTRA_DISTRIBUTIONS,
    DependencySet,
    Pyproject,
    detect_dependencies,
    installed_distributions,
    load_pyproject,
    runtime_names,
)
from dockwright.detect.envvars import find_env_vars
from dockwright.detect.files import ProjectFiles, PyModule
from dockwright.detect.frameworks import (
    AppCandidate,
    find_app_candidates,
    framework_dependencies,
    looked_for,
    signature,
)
from dockwright.detect.health import Route, choose_health, find_routes
from dockwright.detect.model import (
    DjangoInfo,
    Evidence,
    Framework,
    Interface,
    Migrations,
    ProjectInfo,
    Server,
)
from dockwright.detect.native import native_needs
from dockwright.detect.project_install import decide_project_install
from dockwright.detect.python_version import choose_python, collect_constraints
from dockwright.detect.services import detect_services, sqlite_dirs
from dockwright.errors import DetectionError

DEFAULT_PORT = 8000
MAX_LISTED = 8  # candidates named in an "ambiguous app" error; the line must stay readable
_RUNNING = f"{sys.version_info.major}.{sys.version_info.minor}"
# With one of these services the stack sets DATABASE_URL; a SQLite default is a dev fallback.
DATABASE_SERVICES = ("postgres", "mysql")
SERVERS: dict[Interface, Server] = {"asgi": "uvicorn", "wsgi": "gunicorn"}
# Distributions that bring each server along (fastapi[standard] installs uvicorn, ...).
SERVER_DISTRIBUTIONS: dict[Server, tuple[str, ...]] = {"uvicorn": ("uvicorn",), "gunicorn": ("gunicorn",)}
# Commands in a Procfile / code whose argument names the app target.
SERVER_COMMANDS = ("gunicorn", "uvicorn", "hypercorn", "daphne", "granian", "waitress-serve")
# Django contrib apps that have models, hence migrations even without project migrations.
DJANGO_APPS_WITH_MODELS = frozenset(
    {
        "django.contrib.admin",
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "django.contrib.sites",
        "django.contrib.flatpages",
        "django.contrib.redirects",
    }
)
_APP_TARGET = re.compile(r"^([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*):([A-Za-z_]\w*)(\(\))?$")


@dataclass
class AppChoice:
    framework: Framework
    interface: Interface
    target: str
    app_dir: str
    evidence: list[Evidence] = field(default_factory=list)
    django: django_detect.DjangoProject | None = None


def detect_project(
    root: Path,
    *,
    python: str | None = None,
    app: str | None = None,
    port: int | None = None,
    today: dt.date | None = None,
) -> ProjectInfo:
    """Everything needed to containerise the project at ``root``; raises DetectionError (one line)."""
    root = Path(root)
    if not root.is_dir():
        raise DetectionError(f"{root}: not a directory")
    root = root.resolve()
    if port is not None and not 1 <= port <= 65535:
        raise DetectionError(f"--port must be between 1 and 65535, got {port}")
    files = ProjectFiles.scan(root)
    if not files.python_files and not any(
        f in files.file_set for f in ("pyproject.toml", "Pipfile", "requirements.txt")
    ):
        raise DetectionError(
            f"{root}: not a Python project: no .py files, pyproject.toml, Pipfile or requirements.txt"
        )
    pyproject = load_pyproject(files)
    deps = detect_dependencies(files, pyproject)
    python_minor, python_evidence = choose_python(
        collect_constraints(files, pyproject), override=python, today=today or dt.date.today()
    )
    dependencies = runtime_names(deps.requirements, python_minor)
    installed = installed_distributions(deps, python_minor)
    choice = choose_app(files, set(dependencies) | installed, app)
    if deps.manager is None:
        raise DetectionError(
            "no dependency manifest: looked for uv.lock, poetry.lock, pdm.lock, Pipfile.lock, pyproject.toml"
            " and requirements*.txt / requirements/*.txt"
        )
    declared_in = _declaration_sites(deps)

    evidence: list[Evidence] = list(choice.evidence)
    evidence.extend(deps.evidence)
    evidence.extend(python_evidence)

    native = native_needs(installed)
    for need in native:
        file, line = declared_in.get(need.package, (deps.lock_file or "", None))
        evidence.append(Evidence(f"native {need.package}", file, line, need.reason))

    service_report = detect_services(files, installed | set(dependencies), declared_in)
    evidence.extend(service_report.evidence)

    django_info, static_root, writable, sqlite, django_evidence = _django_details(files, choice)
    evidence.extend(django_evidence)
    sqlite += [(_from_app_dir(choice.app_dir, d), file, line) for d, file, line in sqlite_dirs(files)]
    evidence.extend(_sqlite_writable(sqlite, service_report.services, writable))

    migrations, migration_evidence = _migrations(files, choice)
    evidence.extend(migration_evidence)

    health, health_evidence = _health(files, choice)
    evidence.append(health_evidence)
    server, server_dist, server_evidence = _server(choice.interface, installed, declared_in, deps.lock_file)
    evidence.append(server_evidence)

    package, package_evidence = _is_package(files, pyproject, deps)
    is_package = package is not None
    evidence.extend(package_evidence)
    install_project = False
    if package is not None and pyproject is not None:
        install_project, install_evidence = decide_project_install(files, pyproject, package)
        evidence.append(install_evidence)
    evidence.extend(_flask_instance_folder(files, choice, install_project, writable))
    name, name_evidence = _project_name(root, pyproject)
    evidence.append(name_evidence)
    env_vars = find_env_vars(files)
    if files.unparsable:  # last: every scan above may have met one
        evidence.append(_unparsable_evidence(files.unparsable))
    manifests = list(dict.fromkeys(deps.manifests + _readme_manifest(files, pyproject, install_project)))

    return ProjectInfo(
        root=root.as_posix(),
        name=name,
        framework=choice.framework,
        interface=choice.interface,
        app=choice.target,
        app_dir=choice.app_dir,
        server=server,
        server_in_dependencies=server_dist is not None,
        dependency_manager=deps.manager,
        manifests=tuple(manifests),
        lock_file=deps.lock_file,
        requirements_files=tuple(deps.requirements_files),
        dependencies=dependencies,
        is_package=is_package,
        install_project=install_project,
        python=python_minor,
        native=native,
        services=service_report.services,
        celery_app=service_report.celery_app,
        django=django_info,
        migrations=migrations,
        static_root=static_root,
        health_path=health.path if health else None,
        port=port or DEFAULT_PORT,
        writable_dirs=tuple(writable),
        env_vars=env_vars,
        evidence=tuple(evidence),
    )


# --- decisions over the whole project ----------------------------------------------------------


def _declaration_sites(deps: DependencySet) -> dict[str, tuple[str, int | None]]:
    """Distribution -> (file, line) where it is declared; extras and locked packages included."""
    sites = {r.name: (r.file, r.line) for r in deps.requirements}
    for r in deps.requirements:
        for extra in r.extras:
            if extra_dist := EXTRA_DISTRIBUTIONS.get((r.name, extra)):
                sites.setdefault(extra_dist, (r.file, r.line))
    for locked_name, _ in deps.locked or []:
        sites.setdefault(locked_name, (deps.lock_file or "", None))
    return sites


def _sqlite_writable(
    sqlite: list[tuple[str, str, int]], services: tuple[str, ...], writable: list[str]
) -> list[Evidence]:
    """Add SQLite directories to ``writable`` unless a database service makes SQLite a dev fallback."""
    evidence = []
    database = next((s for s in services if s in DATABASE_SERVICES), None)
    for directory, file, line in sqlite:
        if database is not None:
            why = f"SQLite in {directory}/ is only a fallback: {database} is used, nothing made writable"
        elif directory in writable:
            continue
        else:
            writable.append(directory)
            why = f"SQLite database in {directory}/: the directory must be writable"
        evidence.append(Evidence("writable dir", file, line, why))
    return evidence


def _health(files: ProjectFiles, choice: AppChoice) -> tuple[Route | None, Evidence]:
    root_urlconf = None
    if choice.django and choice.django.settings:
        value = choice.django.settings.get("ROOT_URLCONF")
        root_urlconf = value if isinstance(value, str) else None
    routes = find_routes(files, root_urlconf, choice.app_dir)
    health = choose_health(routes)
    if health is not None:
        return health, Evidence("health", health.file, health.line, f"{health.how} serves GET {health.path}")
    unsure = choose_health(routes, certain=False)
    if unsure is not None:
        why = (
            f"{unsure.how} is under a router prefix computed at run time: not used; the plan uses a TCP probe"
        )
        return None, Evidence("health", unsure.file, unsure.line, why)
    return None, Evidence("health", "", None, "no health route found: the plan uses a TCP probe")


def _server(
    interface: Interface,
    installed: set[str],
    declared_in: dict[str, tuple[str, int | None]],
    lock_file: str | None,
) -> tuple[Server, str | None, Evidence]:
    server = SERVERS[interface]
    dist = next((d for d in SERVER_DISTRIBUTIONS[server] if d in installed), None)
    if dist is None:
        why = f"{interface.upper()} app: {server} (not a dependency: the image adds it)"
        return server, None, Evidence("server", "", None, why)
    file, line = declared_in.get(dist, (lock_file or "", None))
    return (
        server,
        dist,
        Evidence("server", file, line, f"{interface.upper()} app: {server}, already a dependency"),
    )


def _flask_instance_folder(
    files: ProjectFiles, choice: AppChoice, installed: bool, writable: list[str]
) -> list[Evidence]:
    """Flask/Quart apps that use ``app.instance_path`` write there (SQLite, uploads, config)."""
    if choice.framework not in ("flask", "quart"):
        return []
    for module in files.modules("instance_path"):
        for node in ast.walk(module.tree):
            if not (isinstance(node, ast.Attribute) and node.attr == "instance_path"):
                continue
            if installed:
                why = (
                    "app.instance_path of an installed package is <venv>/var/<name>-instance;"
                    " warning: pass instance_path= to the app or make that directory writable"
                )
                return [Evidence("writable dir", module.path, node.lineno, why)]
            # Not installed: Flask puts the instance folder next to the app's top-level package.
            instance = f"{choice.app_dir}/instance" if choice.app_dir else "instance"
            if instance not in writable:
                writable.append(instance)
            why = f"app.instance_path is used: {instance}/ must be writable"
            return [Evidence("writable dir", module.path, node.lineno, why)]
    return []


def _unparsable_evidence(unparsable: list[str]) -> Evidence:
    why = (
        f"{len(unparsable)} file(s) skipped: Python {_RUNNING} cannot parse them"
        " (newer syntax or bad encoding); run dockwright on a newer Python to include them"
    )
    return Evidence("parse", unparsable[0], None, why)


# --- the app ---------------------------------------------------------------------------------


def _django_candidates(
    files: ProjectFiles, dependencies: set[str]
) -> tuple[list[AppCandidate], dict[str, django_detect.DjangoProject], list[str]]:
    candidates: list[AppCandidate] = []
    by_target: dict[str, django_detect.DjangoProject] = {}
    problems: list[str] = []
    for project in django_detect.find_projects(files):
        asgi_reason = django_detect.wants_asgi(project, dependencies)
        entry = project.asgi if asgi_reason else project.wsgi
        if entry is None:
            problems.extend(f"Django: {p}" for p in project.problems)
            continue
        why = f"Django {entry.interface.upper()} entry point {entry.attr}"
        if asgi_reason:
            why += f" ({asgi_reason})"
        candidate = AppCandidate(
            entry.target, "django", entry.interface, project.app_dir, entry.module.path, entry.line, why
        )
        candidates.append(candidate)
        for other in (project.wsgi, project.asgi):
            if other is not None:
                by_target[other.target] = project
    return candidates, by_target, problems


def choose_app(files: ProjectFiles, dependencies: set[str], override: str | None) -> AppChoice:
    candidates, hints = find_app_candidates(files)
    django_candidates, django_projects, problems = _django_candidates(files, dependencies)
    if files.unparsable:
        problems.append(
            f"{len(files.unparsable)} file(s) Python {_RUNNING} cannot parse, e.g. {files.unparsable[0]}"
        )
    candidates = django_candidates + candidates
    if override is not None:
        return _app_from_override(files, override, candidates, django_projects, dependencies)
    if not candidates:
        named = _named_by_project(files)
        if len(named) == 1:
            # The app is built in a way AST scanning cannot follow, but the project says how it runs.
            ((file, line, target),) = named.values()
            try:
                return _app_from_override(
                    files,
                    target,
                    candidates,
                    django_projects,
                    dependencies,
                    reason=f"{file}:{line} runs {target}",
                )
            except DetectionError:
                pass
        detail = "; ".join(hints + problems)
        message = f"no Python web app found: looked for {looked_for()}"
        raise DetectionError(message + (f" ({detail})" if detail else "") + "; pass --app module:attr")
    if len(candidates) > 1:
        named = _named_by_project(files)
        chosen = [c for c in candidates if c.target.removesuffix("()") in named]
        if len(chosen) != 1:
            listed = ", ".join(f"{c.target} ({c.file}:{c.line})" for c in candidates[:MAX_LISTED])
            if len(candidates) > MAX_LISTED:
                listed += f" and {len(candidates) - MAX_LISTED} more"
            raise DetectionError(f"several candidate apps: {listed}; choose one with --app TARGET")
        candidate = chosen[0]
        file, line, _ = named[candidate.target.removesuffix("()")]
        extra = [Evidence("app", file, line, f"{candidate.target} is the one the project itself runs")]
    else:
        candidate = candidates[0]
        extra = []
    return _choice(candidate, django_projects, dependencies, extra)


def _choice(
    candidate: AppCandidate,
    django_projects: dict[str, django_detect.DjangoProject],
    dependencies: set[str],
    extra: list[Evidence],
) -> AppChoice:
    project = django_projects.get(candidate.target)
    framework_why = candidate.why
    if candidate.framework in dependencies or any(
        d in dependencies for d in signature(candidate.framework).distributions
    ):
        framework_why += f"; {candidate.framework} is a dependency"
    elif candidate.framework not in ("asgi", "wsgi"):
        framework_why += f"; warning: {candidate.framework} is not in the runtime dependencies"
    evidence = [
        Evidence("framework", candidate.file, candidate.line, framework_why),
        Evidence(
            "app",
            candidate.file,
            candidate.line,
            f"{candidate.target} importable with {candidate.app_dir or 'the project root'} on PYTHONPATH",
        ),
        *extra,
    ]
    if project is not None:
        evidence.extend(project.evidence)
    return AppChoice(
        candidate.framework, candidate.interface, candidate.target, candidate.app_dir, evidence, project
    )


def _named_by_project(files: ProjectFiles) -> dict[str, tuple[str, int | None, str]]:
    """App targets the project runs itself (Procfile web commands, ``uvicorn.run("main:app")``),
    keyed without a factory's ``()``, valued (file, line, target as written)."""
    named: dict[str, tuple[str, int | None, str]] = {}
    if files.exists("Procfile"):
        for number, line in enumerate(files.read_text("Procfile").splitlines(), start=1):
            if not line.startswith("web:"):
                continue
            try:
                words = shlex.split(line[4:])
            except ValueError:
                continue
            if any(PurePosixPath(w).name in SERVER_COMMANDS for w in words):
                for word in words:
                    target = word.strip("'\"")
                    if _APP_TARGET.match(target):
                        named.setdefault(target.removesuffix("()"), ("Procfile", number, target))
    for module in files.modules("uvicorn", "hypercorn"):
        for node in ast.walk(module.tree):
            if (
                isinstance(node, ast.Call)
                and module.qualname(node.func) in ("uvicorn.run", "hypercorn.run")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and _APP_TARGET.match(node.args[0].value)
            ):
                target = node.args[0].value
                named.setdefault(target.removesuffix("()"), (module.path, node.lineno, target))
    return named


def _app_from_override(
    files: ProjectFiles,
    target: str,
    candidates: list[AppCandidate],
    django_projects: dict[str, django_detect.DjangoProject],
    dependencies: set[str],
    *,
    reason: str | None = None,
) -> AppChoice:
    """The app named by --app (or by the project's own start command, ``reason``), validated."""
    why_given = reason or f"--app {target} given"
    match = _APP_TARGET.match(target)
    if not match:
        raise DetectionError(
            f"--app must look like package.module:attribute or package.module:factory(), got {target!r}"
        )
    module_name, attr, call = match.groups()
    search = list(dict.fromkeys(["", "src", *(c.app_dir for c in candidates)]))
    rel = app_dir = None
    for directory in search:
        rel = files.module_file(module_name, directory)
        if rel is not None:
            app_dir = directory
            break
    if rel is None or app_dir is None:
        stem = module_name.replace(".", "/")
        where = ", ".join(f"{d}/" if d else "the project root" for d in search)
        raise DetectionError(f"--app {target}: no {stem}.py or {stem}/__init__.py under {where}")
    module = files.module(rel)
    if module is None:
        raise DetectionError(f"--app {target}: {rel} is not valid Python", file=rel)
    if not _defines(module, attr):
        raise DetectionError(f"--app {target}: {rel} defines no {attr!r} at module level", file=rel)
    normalised = f"{module_name}:{attr}{call or ''}"
    for candidate in candidates:
        if candidate.file == rel and candidate.target.split(":")[1].removesuffix("()") == attr:
            found = AppCandidate(
                normalised,
                candidate.framework,
                candidate.interface,
                app_dir,
                rel,
                candidate.line,
                candidate.why,
            )
            extra = [Evidence("app", "", None, why_given)]
            project = django_projects.get(candidate.target)
            choice = _choice(found, {normalised: project} if project else {}, dependencies, extra)
            return choice
    project = django_projects.get(f"{module_name}:{attr}")
    if project is not None:
        entry = next(
            e for e in (project.wsgi, project.asgi) if e is not None and e.target == f"{module_name}:{attr}"
        )
        found = AppCandidate(
            normalised,
            "django",
            entry.interface,
            app_dir,
            rel,
            entry.line,
            f"Django {entry.interface.upper()} entry point",
        )
        return _choice(found, {normalised: project}, dependencies, [Evidence("app", "", None, why_given)])
    framework, interface, why = _framework_of_unknown(module, attr, dependencies)
    line = _definition_line(module, attr)
    evidence = [
        Evidence("framework", rel, line, why),
        Evidence("app", rel, line, why_given),
    ]
    return AppChoice(framework, interface, normalised, app_dir, evidence)


def _defines(module: PyModule, attr: str) -> bool:
    return _definition_line(module, attr) is not None or attr in module.aliases


def _definition_line(module: PyModule, attr: str) -> int | None:
    for node in module.tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and node.name == attr:
            return node.lineno
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == attr for t in targets):
                return node.lineno
        if isinstance(node, ast.ImportFrom | ast.Import) and any(
            (a.asname or a.name) == attr for a in node.names
        ):
            return node.lineno
    return None


def _framework_of_unknown(
    module: PyModule, attr: str, dependencies: set[str]
) -> tuple[Framework, Interface, str]:
    for node in module.tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == attr:
            params = [a.arg for a in node.args.args]
            if isinstance(node, ast.AsyncFunctionDef) and len(params) == 3:
                return "asgi", "asgi", f"{attr}({', '.join(params)}) is an ASGI callable"
            if isinstance(node, ast.FunctionDef) and len(params) == 2:
                return "wsgi", "wsgi", f"{attr}({', '.join(params)}) is a WSGI callable"
    supported = [s for s in framework_dependencies(dependencies) if s.framework not in ("asgi", "wsgi")]
    if supported:
        sig = supported[0]
        return (
            sig.framework,
            sig.interface,
            f"{module.path} does not show how {attr} is built; {sig.framework} is a dependency",
        )
    raise DetectionError(
        f"--app: cannot tell whether {attr} in {module.path} is an ASGI or a WSGI app"
        " (no framework among the dependencies)",
        file=module.path,
    )


# --- Django details, migrations, packaging -------------------------------------------------------


def _from_app_dir(app_dir: str, path: str) -> str:
    """A path relative to the app dir (the server's working dir) as a path relative to the root."""
    if path.startswith("/") or not app_dir:
        return path
    return app_dir if path == "." else f"{app_dir}/{path}"


def _django_details(
    files: ProjectFiles, choice: AppChoice
) -> tuple[DjangoInfo | None, str | None, list[str], list[tuple[str, str, int]], list[Evidence]]:
    project = choice.django
    writable: list[str] = []
    sqlite: list[tuple[str, str, int]] = []  # (directory relative to root, file, line)
    evidence: list[Evidence] = []
    if project is None or project.settings_module is None:
        if project is not None:
            why = "warning: no wsgi.py, asgi.py or manage.py sets DJANGO_SETTINGS_MODULE: set it at run time"
            evidence.append(Evidence("django settings", "", None, why))
        return None, None, writable, sqlite, evidence
    manage = project.manage_py or (f"{choice.app_dir}/manage.py" if choice.app_dir else "manage.py")
    wsgi = project.wsgi.target if project.wsgi else None
    asgi = project.asgi.target if project.asgi else None
    if project.settings is None:
        why = (
            f"warning: settings module {project.settings_module} is not in the project: static/media unknown"
        )
        evidence.append(Evidence("django settings", "", None, why))
        return (
            DjangoInfo(project.settings_module, wsgi, asgi, None, None, manage),
            None,
            writable,
            sqlite,
            evidence,
        )
    settings = project.settings

    def locate(name: str) -> tuple[str, str] | None:
        """(relative to root, relative to app dir) of a path setting."""
        value = settings.get(name)
        if isinstance(value, django_detect.RelPath):
            root_rel = value.as_posix()
        elif isinstance(value, str) and value:
            root_rel = _from_app_dir(choice.app_dir, value.rstrip("/") or "/")
        else:
            return None
        if root_rel.startswith("/") or not choice.app_dir:
            return root_rel, root_rel
        prefix = choice.app_dir + "/"
        app_rel = root_rel[len(prefix) :] if root_rel.startswith(prefix) else root_rel
        return root_rel, app_rel or "."

    apps = django_detect.installed_apps(settings)
    static = locate("STATIC_ROOT")
    static_root = static_app = None
    setting = settings.values.get("STATIC_ROOT")
    if static and (not apps or "django.contrib.staticfiles" in apps):
        static_root, static_app = static
        assert setting is not None
        evidence.append(
            Evidence(
                "static",
                setting.file,
                setting.line,
                f"STATIC_ROOT = {static_root}: collectstatic at build time",
            )
        )
    elif static:
        evidence.append(
            Evidence(
                "static",
                setting.file if setting else "",
                setting.line if setting else None,
                "STATIC_ROOT set but django.contrib.staticfiles not installed: no collectstatic",
            )
        )
    elif "django.contrib.staticfiles" in apps:
        evidence.append(
            Evidence(
                "static",
                settings.file,
                None,
                "staticfiles installed but STATIC_ROOT unset (or from the environment): no collectstatic",
            )
        )
    media = locate("MEDIA_ROOT")
    if media:
        writable.append(media[0])
        media_setting = settings.values["MEDIA_ROOT"]
        evidence.append(
            Evidence(
                "writable dir",
                media_setting.file,
                media_setting.line,
                f"MEDIA_ROOT = {media[0]}: uploads are written there",
            )
        )
    databases = settings.get("DATABASES")
    default = databases.get("default") if isinstance(databases, dict) else None
    if isinstance(default, dict) and "sqlite3" in str(default.get("ENGINE", "")):
        db_name = default.get("NAME")
        parent: str | None = None
        if isinstance(db_name, django_detect.RelPath) and db_name.parent is not None:
            parent = db_name.parent.as_posix()
        elif isinstance(db_name, str) and db_name != ":memory:":
            parent = _from_app_dir(choice.app_dir, db_name.rsplit("/", 1)[0] if "/" in db_name else ".")
        if parent:
            db_setting = settings.values["DATABASES"]
            sqlite.append((parent, db_setting.file, db_setting.line))
    info = DjangoInfo(project.settings_module, wsgi, asgi, static_app, media[1] if media else None, manage)
    return info, static_root, writable, sqlite, evidence


def _migrations(files: ProjectFiles, choice: AppChoice) -> tuple[Migrations | None, list[Evidence]]:
    if choice.framework == "django":
        folders = [
            f for f in files.files if f.endswith("/migrations/__init__.py") and not f.startswith("tests/")
        ]
        if folders:
            return "django", [
                Evidence(
                    "migrations", folders[0], None, "Django migrations folder: migrate as a one-shot step"
                )
            ]
        apps = django_detect.installed_apps(choice.django.settings if choice.django else None)
        with_models = sorted(set(apps) & DJANGO_APPS_WITH_MODELS)
        if with_models:
            settings_file = choice.django.settings.file if choice.django and choice.django.settings else ""
            return "django", [Evidence("migrations", settings_file, None, f"{with_models[0]} has migrations")]
    for rel in files.files:
        if PurePosixPath(rel).name == "alembic.ini":
            return "alembic", [
                Evidence("migrations", rel, None, "Alembic configuration: upgrade as a one-shot step")
            ]
    for rel in files.files:
        if rel.endswith("env.py") and files.exists(str(PurePosixPath(rel).parent / "script.py.mako")):
            return "alembic", [
                Evidence("migrations", rel, None, "Alembic environment (env.py + script.py.mako)")
            ]
    return None, []


def _is_package(
    files: ProjectFiles, pyproject: Pyproject | None, deps: DependencySet
) -> tuple[str | None, list[Evidence]]:
    """The package's location (``src/name``, ``name``, ``name.py``) when the project is a package its
    manager would install; None otherwise."""
    if pyproject is None or "build-system" not in pyproject.data:
        return None, []
    manager = deps.manager
    tool = pyproject.table("tool")
    opted_out = {
        "uv": tool.get("uv", {}).get("package") is False,
        "poetry": tool.get("poetry", {}).get("package-mode") is False,
        "pdm": tool.get("pdm", {}).get("distribution") is False,
    }
    if opted_out.get(manager or ""):
        return None, [
            Evidence("package", "pyproject.toml", None, f"[tool.{manager}] says the project is not a package")
        ]
    if manager == "pipenv" or (manager == "pip" and not deps.requirements_install_project):
        return None, []
    package = _package_location(files, pyproject)
    if package is None:
        return None, [
            Evidence(
                "package",
                "pyproject.toml",
                None,
                "[build-system] present but no package directory matches the project: not installed",
            )
        ]
    return package, [Evidence("package", package, None, "[build-system] builds this package")]


def _package_location(files: ProjectFiles, pyproject: Pyproject) -> str | None:
    tool = pyproject.table("tool")
    configured: list[str] = []
    for entry in tool.get("poetry", {}).get("packages", []) or []:
        if isinstance(entry, dict) and isinstance(entry.get("include"), str):
            base = entry.get("from", "")
            configured.append(f"{base}/{entry['include']}" if base else entry["include"])
    wheel = tool.get("hatch", {}).get("build", {}).get("targets", {}).get("wheel", {})
    configured.extend(p for p in wheel.get("packages", []) or [] if isinstance(p, str))
    setuptools_packages = tool.get("setuptools", {}).get("packages")
    if isinstance(setuptools_packages, list):
        configured.extend(p.replace(".", "/") for p in setuptools_packages if isinstance(p, str))
    for path in configured:
        if files.dir_exists(path) or files.exists(f"{path}.py"):
            return path
    name = pyproject.table("project").get("name") or tool.get("poetry", {}).get("name")
    if isinstance(name, str):
        module = re.sub(r"[-.]+", "_", name).lower()
        for base in ("src/", ""):
            if files.exists(f"{base}{module}/__init__.py"):
                return f"{base}{module}"
            if files.exists(f"{base}{module}.py"):
                return f"{base}{module}.py"
    src_packages = sorted({f.split("/")[1] for f in files.files if re.match(r"^src/[^/]+/__init__\.py$", f)})
    if len(src_packages) == 1:
        return f"src/{src_packages[0]}"
    return None


def _readme_manifest(files: ProjectFiles, pyproject: Pyproject | None, installed: bool) -> list[str]:
    """Build backends read the readme/license files named in [project] when building the package."""
    if not installed or pyproject is None:
        return []
    project = pyproject.table("project")
    out = []
    for key in ("readme", "license"):
        value = project.get(key)
        path = value.get("file") if isinstance(value, dict) else value if key == "readme" else None
        if isinstance(path, str) and files.exists(path):
            out.append(path)
    poetry_readme = pyproject.table("tool", "poetry").get("readme")
    if isinstance(poetry_readme, str) and files.exists(poetry_readme):
        out.append(poetry_readme)
    return out


def _project_name(root: Path, pyproject: Pyproject | None) -> tuple[str, Evidence]:
    raw: object = None
    source = "directory name"
    if pyproject is not None:
        raw = pyproject.table("project").get("name") or pyproject.table("tool", "poetry").get("name")
        source = "pyproject.toml name"
    if not isinstance(raw, str) or not raw.strip():
        raw, source = root.name, "directory name"
    assert isinstance(raw, str)
    name = dns_name(raw)
    file = "pyproject.toml" if source != "directory name" else ""
    return name, Evidence("name", file, None, f"{source} {raw!r} -> {name!r}")


def dns_name(raw: str) -> str:
    """A DNS label (RFC 1123): lowercase letters, digits and dashes, at most 63 characters."""
    name = re.sub(r"[^a-z0-9]+", "-", raw.lower()).strip("-")[:63].strip("-")
    return name or "app"
