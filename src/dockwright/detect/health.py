"""Existing health endpoints, found in route decorators, route tables and Django URLconfs.

A path is only reported when the code serves it to GET; router and blueprint prefixes are applied
(one level of include). No route found means the plan falls back to a TCP probe, never to a guessed
``/healthz`` the app does not serve.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from dockwright.detect.files import ProjectFiles, PyModule, statements

# Preference order of health route names; each group lists spellings of the same idea.
HEALTH_NAMES: tuple[tuple[str, ...], ...] = (
    ("health", "healthcheck", "health-check", "health_check", "_health"),
    ("healthz",),
    ("ready", "readyz", "readiness"),
    ("livez", "live", "liveness", "alive"),
    ("ping",),
)
# Decorator/method names that register a GET-able route on an app, router or blueprint.
ROUTE_METHODS = frozenset({"get", "route", "api_route"})
ROUTE_CALL_METHODS = frozenset({"add_url_rule", "add_api_route"})
# Free functions/classes that declare a route: Litestar handlers, Starlette Route.
ROUTE_FUNCTIONS = frozenset(
    {
        "litestar.get",
        "litestar.handlers.get",
        "litestar.route",
        "litestar.handlers.route",
        "starlette.routing.Route",
    }
)
STARLETTE_MOUNTS = frozenset({"starlette.routing.Mount"})
LITESTAR_ROUTERS = frozenset({"litestar.Router", "litestar.router.Router"})
DJANGO_PATH_FUNCTIONS = frozenset({"django.urls.path", "django.urls.re_path", "django.conf.urls.url"})
DJANGO_I18N_PATTERNS = frozenset({"django.conf.urls.i18n.i18n_patterns"})
DJANGO_INCLUDE = frozenset({"django.urls.include", "django.conf.urls.include"})
# Django apps whose URLconf *is* a health endpoint when included (django-health-check).
HEALTH_URLCONFS = frozenset({"health_check.urls"})
# Router/blueprint constructors and the keyword that carries their prefix.
ROUTER_PREFIX_KEYWORDS: dict[str, str] = {
    "fastapi.APIRouter": "prefix",
    "fastapi.routing.APIRouter": "prefix",
    "flask.Blueprint": "url_prefix",
    "quart.Blueprint": "url_prefix",
    "sanic.Blueprint": "url_prefix",
    "litestar.Router": "path",
}
INCLUDE_PREFIX_KEYWORDS: dict[str, str] = {
    "include_router": "prefix",
    "register_blueprint": "url_prefix",
    "blueprint": "url_prefix",
}


@dataclass(frozen=True)
class Route:
    path: str
    file: str
    line: int
    how: str
    certain: bool = True  # False: a router prefix is computed at run time, so the full path is unknown


def health_rank(path: str) -> tuple[int, int, int] | None:
    """Rank of a path by HEALTH_NAMES (lower is better), or None when it is not a health route."""
    if re.search(r"[{<(\[*]", path):
        return None
    segments = [s for s in path.lower().split("/") if s]
    if not segments:
        return None
    for group_index, group in enumerate(HEALTH_NAMES):
        if segments[-1] in group:
            return group_index, group.index(segments[-1]), len(segments)
    return None


def _str_arg(call: ast.Call, keywords: tuple[str, ...], position: int = 0) -> str | None:
    for keyword in call.keywords:
        if (
            keyword.arg in keywords
            and isinstance(keyword.value, ast.Constant)
            and isinstance(keyword.value.value, str)
        ):
            return keyword.value.value
    if len(call.args) > position:
        arg = call.args[position]
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            return arg.value
        if isinstance(arg, ast.List | ast.Tuple) and arg.elts:
            first = arg.elts[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                return first.value
    return None


def _allows_get(call: ast.Call) -> bool:
    for keyword in call.keywords:
        if keyword.arg in ("methods", "http_method") and isinstance(
            keyword.value, ast.List | ast.Tuple | ast.Set
        ):
            methods = {
                e.value.upper()
                for e in keyword.value.elts
                if isinstance(e, ast.Constant) and isinstance(e.value, str)
            }
            return "GET" in methods
    return True


def _join(*parts: str) -> str:
    joined = "/".join(p.strip("/") for p in parts if p.strip("/"))
    trailing = "/" if parts and parts[-1].endswith("/") and joined else ""
    return "/" + joined + trailing


def _tail(qualname: str) -> str:
    return ".".join(qualname.split(".")[-2:])


@dataclass
class _Prefixes:
    """Router prefixes and include edges, so a route's full path can be rebuilt (or known unknowable)."""

    own: dict[str, str | None] = field(default_factory=dict)  # router -> its prefix (None: not a literal)
    parent: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # router -> (includer, prefix)
    # Litestar: handler or controller name -> path of the Router(route_handlers=[...]) it is listed in
    handler: dict[str, str | None] = field(default_factory=dict)
    # Starlette: name of a route list -> path of the Mount(path, routes=name) it is mounted under
    mounted_lists: dict[str, str | None] = field(default_factory=dict)

    def resolve(self, router: str, depth: int = 0) -> str | None:
        """Full prefix of everything ``router`` serves; None when a prefix is computed at run time."""
        own = self.own.get(router, "")
        if own is None or depth > 8:
            return None
        if router not in self.parent:
            return own
        includer, include = self.parent[router]
        above = self.resolve(includer, depth + 1)
        if include is None or above is None:
            return None
        return _join(above, include, own)


def _prefix_argument(call: ast.Call, keyword: str) -> str | None:
    """The literal prefix keyword ("" when absent); None when it is an expression."""
    for kw in call.keywords:
        if kw.arg == keyword:
            if isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                return kw.value.value
            return None
    return ""


def find_routes(files: ProjectFiles, root_urlconf: str | None, django_app_dir: str) -> list[Route]:
    prefixes = _Prefixes()
    for module in files.modules("prefix", "path=", "Router(", "Blueprint(", "Mount("):
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
                keyword = ROUTER_PREFIX_KEYWORDS.get(module.qualname(node.value.func) or "")
                if keyword:
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            own = _prefix_argument(node.value, keyword)
                            prefixes.own[_tail(f"{module.name}.{target.id}")] = own
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                keyword = INCLUDE_PREFIX_KEYWORDS.get(node.func.attr)
                includer = module.qualname(node.func.value)
                child = module.qualname(node.args[0]) if node.args else None
                if keyword and includer and child:
                    prefixes.parent[_tail(child)] = (_tail(includer), _prefix_argument(node, keyword))
            if isinstance(node, ast.Call) and module.qualname(node.func) in LITESTAR_ROUTERS:
                _litestar_router(node, prefixes)
            if isinstance(node, ast.Call) and module.qualname(node.func) in STARLETTE_MOUNTS:
                routes_arg = next((k.value for k in node.keywords if k.arg == "routes"), None)
                if isinstance(routes_arg, ast.Name):
                    prefixes.mounted_lists[routes_arg.id] = _mount_path(node)
    routes: list[Route] = []
    for module in files.modules("route", "Route", ".get(", "@get", "add_url_rule"):
        routes.extend(_module_routes(module, prefixes))
    routes.extend(_django_routes(files, root_urlconf, django_app_dir))
    return routes


def _mount_path(call: ast.Call) -> str | None:
    for keyword in call.keywords:
        if keyword.arg == "path":
            value = keyword.value
            return value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else None
    first = call.args[0] if call.args else None
    return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None


def _starlette_prefixes(module: PyModule, prefixes: _Prefixes) -> dict[int, str | None]:
    """Route(...) call id -> the path of the Mount(...)s it sits in (None: computed at run time)."""
    found: dict[int, str | None] = {}

    def visit(node: ast.AST, prefix: str | None) -> None:
        if isinstance(node, ast.Call) and module.qualname(node.func) in STARLETTE_MOUNTS:
            path = _mount_path(node)
            prefix = None if prefix is None or path is None else _join(prefix, path)
        elif isinstance(node, ast.Call) and module.qualname(node.func) == "starlette.routing.Route":
            found[id(node)] = prefix
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id in prefixes.mounted_lists:
                    prefix = prefixes.mounted_lists[target.id]
        for child in ast.iter_child_nodes(node):
            visit(child, prefix)

    if module.mentions("Mount("):
        visit(module.tree, "")
    return found


def _litestar_router(call: ast.Call, prefixes: _Prefixes) -> None:
    path = _prefix_argument(call, "path")
    if path == "" and call.args:
        first = call.args[0]
        path = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
    for keyword in call.keywords:
        if keyword.arg == "route_handlers" and isinstance(keyword.value, ast.List | ast.Tuple):
            for handler in keyword.value.elts:
                if isinstance(handler, ast.Name | ast.Attribute):
                    name = handler.id if isinstance(handler, ast.Name) else handler.attr
                    prefixes.handler[name] = path


def _controller_prefixes(module: PyModule, prefixes: _Prefixes) -> dict[int, str | None]:
    """Litestar controllers: method node id -> router path + the class's ``path`` attribute."""
    owners: dict[int, str | None] = {}
    for node in statements(module.tree):
        if not isinstance(node, ast.ClassDef) or not any(
            (module.qualname(base) or "").endswith("Controller") for base in node.bases
        ):
            continue
        own: str | None = ""
        for stmt in node.body:
            if isinstance(stmt, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "path" for t in stmt.targets
            ):
                value = stmt.value
                own = (
                    value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else None
                )
        router = prefixes.handler.get(node.name, "")
        prefix = None if own is None or router is None else _join(router, own)
        for stmt in node.body:
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                owners[id(stmt)] = prefix
    return owners


def _module_routes(module: PyModule, prefixes: _Prefixes) -> list[Route]:
    routes = []
    controllers = _controller_prefixes(module, prefixes)
    mounts = _starlette_prefixes(module, prefixes)
    nodes: list[ast.AST] = list(statements(module.tree))
    if module.mentions("Route(", "add_url_rule(", "add_api_route("):
        nodes = list(ast.walk(module.tree))  # route tables are expressions: walk everything
    for node in nodes:
        calls: list[ast.Call] = []
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            calls = [d for d in node.decorator_list if isinstance(d, ast.Call)]
        elif isinstance(node, ast.Call):
            func_qual = module.qualname(node.func) or ""
            if func_qual in ROUTE_FUNCTIONS or (
                isinstance(node.func, ast.Attribute) and node.func.attr in ROUTE_CALL_METHODS
            ):
                calls = [node]
        for call in calls:
            func = call.func
            qual = module.qualname(func) or ""
            prefix: str | None = ""
            path = _str_arg(call, ("path", "rule", "uri"))
            if path is None or not _allows_get(call):
                continue
            decorator = "@" if call is not node else ""
            how = f"{decorator}{ast.unparse(func)}({path!r})"
            if isinstance(func, ast.Attribute) and func.attr in ROUTE_METHODS | ROUTE_CALL_METHODS:
                receiver = module.qualname(func.value)
                prefix = prefixes.resolve(_tail(receiver)) if receiver else ""
            elif qual not in ROUTE_FUNCTIONS:
                continue
            elif id(node) in controllers:
                prefix = controllers[id(node)]
            elif id(call) in mounts:
                prefix = mounts[id(call)]
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                prefix = prefixes.handler.get(node.name, "")
            if prefix is None:
                routes.append(Route(path, module.path, call.lineno, how, certain=False))
            else:
                routes.append(Route(_join(prefix, path), module.path, call.lineno, how))
    return routes


def _django_routes(files: ProjectFiles, root_urlconf: str | None, app_dir: str) -> list[Route]:
    """Walk Django URLconfs from ROOT_URLCONF through include() with their prefixes."""
    routes: list[Route] = []
    start = [root_urlconf] if root_urlconf else []
    if not start:
        start = [
            m.name for m in files.modules("urlpatterns") if m.name.endswith("urls") and m.app_dir == app_dir
        ][:1]
    seen: set[str] = set()
    queue: list[tuple[str, str, bool]] = [(name, "/", True) for name in start]
    while queue:
        name, prefix, certain = queue.pop(0)
        if name in seen:
            continue
        seen.add(name)
        rel = files.module_file(name, app_dir)
        module = files.module(rel) if rel else None
        if module is None:
            continue
        # i18n_patterns() prefixes the active language (/en/...): those paths are not fixed.
        localized = {
            id(inner)
            for call in ast.walk(module.tree)
            if isinstance(call, ast.Call) and module.qualname(call.func) in DJANGO_I18N_PATTERNS
            for inner in ast.walk(call)
        }
        for node in ast.walk(module.tree):
            if not isinstance(node, ast.Call) or module.qualname(node.func) not in DJANGO_PATH_FUNCTIONS:
                continue
            fixed = certain and id(node) not in localized
            raw = _str_arg(node, ("route",))
            if raw is None:
                continue
            route = _django_pattern(raw)
            path = _join(prefix, route) if route else prefix
            if route.endswith("/") and not path.endswith("/"):
                path += "/"
            included = node.args[1] if len(node.args) > 1 else None
            if isinstance(included, ast.Call) and module.qualname(included.func) in DJANGO_INCLUDE:
                target = _str_arg(included, ())
                if target in HEALTH_URLCONFS:
                    how = f"include({target!r}) (django-health-check)"
                    routes.append(Route(path, module.path, node.lineno, how, certain=fixed))
                elif target:
                    queue.append((target, path, fixed))
                continue
            how = f"{ast.unparse(node.func)}({raw!r})"
            routes.append(Route(path, module.path, node.lineno, how, certain=fixed))
    return routes


def _django_pattern(raw: str) -> str:
    """``^health/?$`` -> ``health/``; ``healthz/`` stays."""
    pattern = raw.lstrip("^").rstrip("$")
    pattern = pattern.replace("/?", "/").replace("\\/", "/")
    return pattern


def choose_health(routes: list[Route], *, certain: bool = True) -> Route | None:
    """The preferred health route (only routes whose full path is known, unless ``certain=False``)."""
    pool = [r for r in routes if r.certain == certain]
    ranked = [(rank, route) for route in pool if (rank := health_rank(route.path)) is not None]
    if not ranked:
        return None
    return min(ranked, key=lambda item: (item[0], item[1].file, item[1].line))[1]
