"""Framework signatures (data) and the AST search for app objects and app factories.

An app is found where it is *constructed*: ``app = FastAPI()``, ``application = Flask(__name__)``,
a subclass of a framework class, or a function that builds one and returns it (a factory). Fixed
guesses such as ``main:app`` are never used.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from dockwright.detect.files import ProjectFiles, PyModule, statements
from dockwright.detect.model import Framework, Interface


@dataclass(frozen=True)
class FrameworkSignature:
    framework: Framework
    interface: Interface
    distributions: tuple[str, ...]  # a dependency on any of these supports the framework
    constructors: tuple[str, ...]  # fully qualified names of the app classes/callables
    label: str  # shown in messages


# The registry: adding a framework is adding a row. Order matters only for display.
FRAMEWORKS: tuple[FrameworkSignature, ...] = (
    FrameworkSignature(
        "fastapi",
        "asgi",
        ("fastapi", "fastapi-slim"),
        ("fastapi.FastAPI", "fastapi.applications.FastAPI"),
        "FastAPI()",
    ),
    FrameworkSignature(
        "starlette", "asgi", ("starlette",), ("starlette.applications.Starlette",), "Starlette()"
    ),
    FrameworkSignature(
        "litestar", "asgi", ("litestar",), ("litestar.Litestar", "litestar.app.Litestar"), "Litestar()"
    ),
    FrameworkSignature("quart", "asgi", ("quart",), ("quart.Quart", "quart.app.Quart"), "Quart()"),
    FrameworkSignature("sanic", "asgi", ("sanic",), ("sanic.Sanic", "sanic.app.Sanic"), "Sanic()"),
    FrameworkSignature("flask", "wsgi", ("flask",), ("flask.Flask", "flask.app.Flask"), "Flask()"),
    FrameworkSignature("django", "wsgi", ("django",), (), "Django wsgi.py/asgi.py/WSGI_APPLICATION"),
    FrameworkSignature(
        "wsgi",
        "wsgi",
        ("falcon", "bottle", "pyramid"),
        ("falcon.App", "falcon.API", "bottle.Bottle", "bottle.default_app"),
        "falcon/bottle/pyramid WSGI apps",
    ),
    FrameworkSignature("asgi", "asgi", ("falcon",), ("falcon.asgi.App",), "falcon ASGI apps"),
)
# Method calls that return a WSGI app whatever the receiver (Pyramid's Configurator).
WSGI_APP_METHODS = frozenset({"make_wsgi_app"})
# Calls through which one app is mounted into another (so the inner one is not a candidate).
MOUNT_METHODS = frozenset({"mount", "add_route", "add_mount"})
# Parameter names that betray a bare WSGI/ASGI callable (text pre-filter).
PLAIN_APP_WORDS = ("start_response", "receive")
MOUNT_CONSTRUCTORS = frozenset({"starlette.routing.Mount", "starlette.routing.Host"})


def signature(framework: Framework) -> FrameworkSignature:
    return next(s for s in FRAMEWORKS if s.framework == framework)


def looked_for() -> str:
    """What app discovery searches for, from the registry (for "not found" messages)."""
    return ", ".join(s.label for s in FRAMEWORKS) + ", app factories and plain WSGI/ASGI callables"


def framework_dependencies(dependencies: set[str] | tuple[str, ...]) -> list[FrameworkSignature]:
    """Frameworks supported by the project's dependencies (specific ones before generic)."""
    return [s for s in FRAMEWORKS if any(d in dependencies for d in s.distributions)]


@dataclass(frozen=True)
class AppCandidate:
    target: str  # "pkg.module:attr" or "pkg.module:factory()"
    framework: Framework
    interface: Interface
    app_dir: str
    file: str
    line: int
    why: str
    factory: bool = False
    plain: bool = False  # a bare WSGI/ASGI function rather than a framework object


@dataclass
class _Factory:
    qualname: str
    framework: Framework
    module: PyModule
    node: ast.FunctionDef
    callable_without_args: bool
    used: bool = False


def _last_names(table: dict[str, Framework]) -> tuple[str, ...]:
    """Words a module must contain to construct one of ``table``'s apps (text pre-filter)."""
    return (*sorted({q.rsplit(".", 1)[-1] for q in table}), *sorted(WSGI_APP_METHODS))


def _constructor_table(files: ProjectFiles) -> dict[str, Framework]:
    """Qualified constructor name -> framework, including project subclasses of framework classes."""
    table: dict[str, Framework] = {c: s.framework for s in FRAMEWORKS for c in s.constructors}
    for _ in range(3):  # subclasses of subclasses
        for module in files.modules(*_last_names(table)):
            for node in module.tree.body:
                if isinstance(node, ast.ClassDef) and module.name:
                    for base in node.bases:
                        qual = module.qualname(base)
                        if qual in table:
                            table[f"{module.name}.{node.name}"] = table[qual]
    return table


def _constructed(module: PyModule, value: ast.expr, table: dict[str, Framework]) -> Framework | None:
    if not isinstance(value, ast.Call):
        return None
    qual = module.qualname(value.func)
    if qual in table:
        return table[qual]
    if isinstance(value.func, ast.Attribute) and value.func.attr in WSGI_APP_METHODS:
        return "wsgi"
    return None


def _assigned_names(node: ast.stmt) -> list[str]:
    if isinstance(node, ast.Assign):
        return [t.id for t in node.targets if isinstance(t, ast.Name)]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
        return [node.target.id]
    return []


def _find_factories(modules: list[PyModule], table: dict[str, Framework]) -> dict[str, _Factory]:
    factories: dict[str, _Factory] = {}
    for module in modules:
        for node in module.tree.body:
            if not isinstance(node, ast.FunctionDef):
                continue
            built: dict[str, Framework] = {}
            framework: Framework | None = None
            for inner in statements(node):
                if isinstance(inner, ast.Assign | ast.AnnAssign) and inner.value is not None:
                    kind = _constructed(module, inner.value, table)
                    if kind:
                        for name in _assigned_names(inner):
                            built[name] = kind
                elif isinstance(inner, ast.Return) and inner.value is not None:
                    if isinstance(inner.value, ast.Name) and inner.value.id in built:
                        framework = built[inner.value.id]
                    elif kind := _constructed(module, inner.value, table):
                        framework = kind
            if framework is None:
                continue
            args = node.args
            required = len(args.posonlyargs) + len(args.args) - len(args.defaults)
            required += sum(1 for d in args.kw_defaults if d is None)
            qual = f"{module.name}.{node.name}"
            factories[qual] = _Factory(qual, framework, module, node, required == 0)
    return factories


def _interface(framework: Framework) -> Interface:
    return signature(framework).interface


def find_app_candidates(files: ProjectFiles) -> tuple[list[AppCandidate], list[str]]:
    """Every app the project constructs at module level or through a factory.

    Returns the candidates and hints (factories that need arguments) for the error message when
    there are none.
    """
    table = _constructor_table(files)
    class_names = _last_names(table)
    factories = _find_factories([m for m in files.modules(*class_names) if m.name], table)
    factory_names = {f.node.name for f in factories.values()}
    modules = [m for m in files.modules(*class_names, *factory_names, *PLAIN_APP_WORDS) if m.name]
    candidates: list[AppCandidate] = []
    mounted: set[str] = set()
    for module in files.modules(".mount(", "Mount(", ".add_route(", "Host("):
        mounted.update(_mounted_names(module))
    for module in modules:
        for node in module.tree.body:
            names = _assigned_names(node)
            value = getattr(node, "value", None)
            if not names or not isinstance(value, ast.expr):
                continue
            framework = _constructed(module, value, table)
            why = ""
            if framework is not None:
                assert isinstance(value, ast.Call)
                why = f"{ast.unparse(value.func)}(...) constructs a {framework} app"
            elif isinstance(value, ast.Call) and (factory := _lookup_factory(module, value.func, factories)):
                framework = factory.framework
                factory.used = True
                why = f"built by the factory {factory.qualname.rsplit('.', 1)[-1]}() ({factory.module.path})"
            if framework is None:
                continue
            for name in names:
                candidates.append(
                    AppCandidate(
                        f"{module.name}:{name}",
                        framework,
                        _interface(framework),
                        module.app_dir,
                        module.path,
                        node.lineno,
                        why,
                    )
                )
        candidates.extend(_plain_callables(module))
    hints: list[str] = []
    for factory in factories.values():
        if factory.used:
            continue
        module = factory.module
        target = f"{module.name}:{factory.node.name}()"
        if not factory.callable_without_args:
            hints.append(
                f"{module.path}:{factory.node.lineno}: factory {factory.node.name}() needs arguments"
            )
            continue
        candidates.append(
            AppCandidate(
                target,
                factory.framework,
                _interface(factory.framework),
                module.app_dir,
                module.path,
                factory.node.lineno,
                f"{factory.node.name}() builds and returns a {factory.framework} app (factory)",
                factory=True,
            )
        )
    kept = [c for c in candidates if c.target.replace(":", ".") not in mounted]
    # One object reachable under two names (app = application = FastAPI()) is one app.
    unique: dict[tuple[str, int], AppCandidate] = {}
    for candidate in kept:
        unique.setdefault((candidate.file, candidate.line), candidate)
    result = list(unique.values())
    if any(not c.plain for c in result):
        # Bare callables only count when nothing framework-made exists.
        result = [c for c in result if not c.plain]
    return result, hints


def _lookup_factory(module: PyModule, func: ast.expr, factories: dict[str, _Factory]) -> _Factory | None:
    qual = module.qualname(func)
    if qual is None:
        return None
    if qual in factories:
        return factories[qual]
    # Namespace layouts can give one file two dotted names; match on the last two components.
    tail = ".".join(qual.split(".")[-2:])
    matches = [f for name, f in factories.items() if name.endswith(tail) and "." in tail]
    return matches[0] if len(matches) == 1 else None


def _mounted_names(module: PyModule) -> set[str]:
    """Qualified names of objects this module mounts inside another app (sub-apps)."""
    names: set[str] = set()
    if not module.mentions(".mount(", "Mount(", ".add_route(", "Host("):
        return names
    for node in ast.walk(module.tree):
        if not isinstance(node, ast.Call):
            continue
        args: list[ast.expr] = []
        if isinstance(node.func, ast.Attribute) and node.func.attr in MOUNT_METHODS:
            args = list(node.args[1:]) + [k.value for k in node.keywords if k.arg in ("app", "application")]
        elif module.qualname(node.func) in MOUNT_CONSTRUCTORS:
            args = list(node.args[1:]) + [k.value for k in node.keywords if k.arg == "app"]
        for arg in args:
            qual = module.qualname(arg)
            if qual:
                names.add(qual)
    return names


def _plain_callables(module: PyModule) -> list[AppCandidate]:
    """``def application(environ, start_response)`` / ``async def app(scope, receive, send)``."""
    out = []
    for node in module.tree.body:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        params = [a.arg for a in node.args.args]
        interface: Interface | None = None
        if isinstance(node, ast.AsyncFunctionDef) and params == ["scope", "receive", "send"]:
            interface = "asgi"
        elif isinstance(node, ast.FunctionDef) and params == ["environ", "start_response"]:
            interface = "wsgi"
        if interface is None:
            continue
        out.append(
            AppCandidate(
                f"{module.name}:{node.name}",
                interface,
                interface,
                module.app_dir,
                module.path,
                node.lineno,
                f"module-level {interface.upper()} callable {node.name}({', '.join(params)})",
                plain=True,
            )
        )
    return out
