"""Django projects: entry points, the settings module (split settings included) and what it declares.

Settings are *evaluated* over the AST with a tiny interpreter that understands the idioms settings
files use for paths (``BASE_DIR / "static"``, ``os.path.join(BASE_DIR, "static")``,
``Path(__file__).resolve().parent.parent``) and environment reads with defaults. Nothing is imported.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from dockwright.detect.files import ProjectFiles, PyModule
from dockwright.detect.model import Evidence, Interface

# Calls whose result is a Django entry point, and the interface they serve.
DJANGO_ENTRY_CALLS: dict[str, Interface] = {
    "django.core.wsgi.get_wsgi_application": "wsgi",
    "django.core.asgi.get_asgi_application": "asgi",
    "channels.routing.ProtocolTypeRouter": "asgi",
    "channels.routing.get_default_application": "asgi",
}
# Installed apps or distributions that mean "serve Django over ASGI".
ASGI_SIGNALS = frozenset({"channels", "daphne"})
# Calls that read an environment variable; the value is their default, when one is given.
ENV_READERS = frozenset({"os.environ.get", "os.getenv", "os.environ.setdefault", "decouple.config"})
ENV_OBJECT_CONSTRUCTORS = frozenset({"environ.Env", "environ.environ.Env"})
_PATH_CONSTRUCTORS = frozenset(
    {"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "pathlib.PurePosixPath"}
)
_SAME_PATH = frozenset(
    {"os.path.abspath", "os.path.realpath", "os.path.normpath", "os.path.expanduser", "os.fspath", "str"}
)
_SAME_PATH_METHODS = frozenset({"resolve", "absolute", "expanduser"})


@dataclass(frozen=True)
class RelPath:
    """A path computed by settings code: relative to the project root unless ``absolute``."""

    parts: tuple[str, ...]
    absolute: bool = False

    def join(self, *more: str) -> RelPath | None:
        parts = list(self.parts)
        absolute = self.absolute
        for chunk in more:
            if chunk.startswith("/"):
                parts, absolute = [], True
            for piece in chunk.split("/"):
                if piece in ("", "."):
                    continue
                if piece == "..":
                    if not parts:
                        return None
                    parts.pop()
                else:
                    parts.append(piece)
        return RelPath(tuple(parts), absolute)

    @property
    def parent(self) -> RelPath | None:
        return RelPath(self.parts[:-1], self.absolute) if self.parts else None

    def as_posix(self) -> str:
        text = "/".join(self.parts)
        return "/" + text if self.absolute else (text or ".")


class _EnvObject:
    """Marks ``env = environ.Env()`` so that ``env("X", default=...)`` is understood."""


@dataclass
class Setting:
    value: Any  # str, bool, int, RelPath, list, dict, None (unknown)
    file: str
    line: int
    node: ast.expr


@dataclass
class Settings:
    module: str
    file: str
    values: dict[str, Setting] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)  # the settings file and everything it star-imports

    def get(self, name: str) -> Any:
        setting = self.values.get(name)
        return setting.value if setting else None


class SettingsEvaluator:
    def __init__(self, files: ProjectFiles, app_dir: str) -> None:
        self.files = files
        self.app_dir = app_dir

    def load(self, module: str) -> Settings | None:
        rel = self.files.module_file(module, self.app_dir)
        if rel is None:
            return None
        settings = Settings(module=module, file=rel)
        self._exec_file(rel, module, settings, set())
        return settings

    def _exec_file(self, rel: str, module: str, settings: Settings, stack: set[str]) -> None:
        parsed = self.files.module(rel)
        if parsed is None or rel in stack:
            return
        settings.files.append(rel)
        namespace: dict[str, Setting] = settings.values
        outer_file = namespace.get("__file__")
        namespace["__file__"] = Setting(RelPath(tuple(rel.split("/"))), rel, 0, ast.Constant(None))
        self._exec_body(parsed, parsed.tree.body, module, settings, stack | {rel}, in_try=False)
        if outer_file is None:
            del namespace["__file__"]
        else:
            namespace["__file__"] = outer_file

    def _exec_body(
        self,
        parsed: PyModule,
        body: list[ast.stmt],
        module: str,
        settings: Settings,
        stack: set[str],
        in_try: bool,
    ) -> None:
        for node in body:
            if isinstance(node, ast.ImportFrom):
                self._import_from(node, module, settings, stack, in_try, parsed)
            elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                value = self.eval(node.value, settings, parsed)
                for target in targets:
                    if isinstance(target, ast.Name):
                        settings.values[target.id] = Setting(value, parsed.path, node.lineno, node.value)
            elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
                current = settings.get(node.target.id)
                extra = self.eval(node.value, settings, parsed)
                if isinstance(current, list) and isinstance(extra, list):
                    settings.values[node.target.id] = Setting(
                        current + extra, parsed.path, node.lineno, node.value
                    )
            elif isinstance(node, ast.If):
                self._exec_body(parsed, node.body + node.orelse, module, settings, stack, in_try)
            elif isinstance(node, ast.Try):
                self._exec_body(parsed, node.body, module, settings, stack, in_try=True)

    def _import_from(
        self,
        node: ast.ImportFrom,
        module: str,
        settings: Settings,
        stack: set[str],
        in_try: bool,
        parsed: PyModule,
    ) -> None:
        if node.level:
            package = module.split(".")
            if not parsed.path.endswith("__init__.py"):
                package = package[:-1]
            package = package[: len(package) - (node.level - 1)]
            target = ".".join([*package, *(node.module.split(".") if node.module else [])])
        else:
            target = node.module or ""
        rel = self.files.module_file(target, self.app_dir)
        if rel is None:
            return
        star = any(alias.name == "*" for alias in node.names)
        if star:
            # `try: from .local import *` pulls in developer overrides; production never has them.
            if not in_try:
                self._exec_file(rel, target, settings, stack)
            return
        imported = Settings(module=target, file=rel)
        self._exec_file(rel, target, imported, stack)
        for alias in node.names:
            if alias.name in imported.values:
                settings.values[alias.asname or alias.name] = imported.values[alias.name]

    def eval(self, node: ast.expr, settings: Settings, parsed: PyModule) -> Any:
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            setting = settings.values.get(node.id)
            return setting.value if setting else None
        if isinstance(node, ast.List | ast.Tuple):
            return [self.eval(e, settings, parsed) for e in node.elts]
        if isinstance(node, ast.Dict):
            mapping: dict[Any, Any] = {}
            for key_node, value_node in zip(node.keys, node.values, strict=True):
                key = self.eval(key_node, settings, parsed) if key_node is not None else None
                if isinstance(key, str | int | bool):  # settings dicts are keyed by literals
                    mapping[key] = self.eval(value_node, settings, parsed)
            return mapping
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            left, right = self.eval(node.left, settings, parsed), self.eval(node.right, settings, parsed)
            if isinstance(left, RelPath) and isinstance(right, str):
                return left.join(right)
            return None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self.eval(node.left, settings, parsed), self.eval(node.right, settings, parsed)
            if isinstance(left, str) and isinstance(right, str):
                return left + right
            if isinstance(left, RelPath) and isinstance(right, str) and right.startswith("/"):
                return left.join(right.lstrip("/"))  # BASE_DIR + "/static" with os.path strings
            if isinstance(left, list) and isinstance(right, list):
                return left + right
            return None
        if isinstance(node, ast.JoinedStr):
            return self._fstring(node, settings, parsed)
        if isinstance(node, ast.Attribute):
            base = self.eval(node.value, settings, parsed)
            if node.attr == "parent" and isinstance(base, RelPath):
                return base.parent
            return None
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "parents"
        ):
            base = self.eval(node.value.value, settings, parsed)
            index = self.eval(node.slice, settings, parsed)
            if isinstance(base, RelPath) and isinstance(index, int):
                result: RelPath | None = base
                for _ in range(index + 1):
                    result = result.parent if result else None
                return result
            return None
        if isinstance(node, ast.Call):
            return self._call(node, settings, parsed)
        return None

    def _fstring(self, node: ast.JoinedStr, settings: Settings, parsed: PyModule) -> Any:
        pieces: list[Any] = []
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                pieces.append(self.eval(value.value, settings, parsed))
            else:
                pieces.append(self.eval(value, settings, parsed))
        if pieces and isinstance(pieces[0], RelPath) and all(isinstance(p, str) for p in pieces[1:]):
            return pieces[0].join("".join(pieces[1:]))
        if all(isinstance(p, str) for p in pieces):
            return "".join(pieces)
        if all(isinstance(p, str | RelPath) for p in pieces):
            return "".join(p.as_posix() if isinstance(p, RelPath) else p for p in pieces)
        return None

    def _call(self, node: ast.Call, settings: Settings, parsed: PyModule) -> Any:
        func = node.func
        # A bare name nobody imported is a builtin (str, ...), not a module attribute.
        qual = (
            func.id
            if isinstance(func, ast.Name) and func.id not in parsed.aliases
            else parsed.qualname(func) or ""
        )
        args = [self.eval(a, settings, parsed) for a in node.args]
        if qual in _PATH_CONSTRUCTORS or qual == "os.path.join":
            if args and isinstance(args[0], RelPath) and all(isinstance(a, str) for a in args[1:]):
                return args[0].join(*args[1:])
            if args and all(isinstance(a, str) for a in args):
                return (
                    RelPath(()).join(*args)
                    if not str(args[0]).startswith("/")
                    else RelPath((), True).join(*args)
                )
            return None
        if qual == "os.path.dirname":
            return args[0].parent if args and isinstance(args[0], RelPath) else None
        if qual in _SAME_PATH:
            return args[0] if args else None
        if qual in ENV_OBJECT_CONSTRUCTORS:
            return _EnvObject()
        if isinstance(func, ast.Attribute):
            receiver = self.eval(func.value, settings, parsed)
            if func.attr in _SAME_PATH_METHODS and isinstance(receiver, RelPath):
                return receiver
            if (
                func.attr == "joinpath"
                and isinstance(receiver, RelPath)
                and all(isinstance(a, str) for a in args)
            ):
                return receiver.join(*args)
            if isinstance(receiver, _EnvObject):
                return self._default(node, settings, parsed, positional=False)
        if isinstance(func, ast.Name) and isinstance(self.eval(func, settings, parsed), _EnvObject):
            return self._default(node, settings, parsed, positional=False)
        if qual in ENV_READERS:
            return self._default(node, settings, parsed, positional=qual != "decouple.config")
        return None

    def _default(self, node: ast.Call, settings: Settings, parsed: PyModule, *, positional: bool) -> Any:
        for keyword in node.keywords:
            if keyword.arg == "default":
                return self.eval(keyword.value, settings, parsed)
        if positional and len(node.args) >= 2:
            return self.eval(node.args[1], settings, parsed)
        return None


# --- entry points ----------------------------------------------------------------------------


@dataclass
class DjangoEntry:
    module: PyModule
    interface: Interface
    attr: str
    line: int

    @property
    def target(self) -> str:
        return f"{self.module.name}:{self.attr}"


def _calls_in(value: ast.AST, module: PyModule) -> set[str]:
    return {q for n in ast.walk(value) if isinstance(n, ast.Call) and (q := module.qualname(n.func))}


def find_entries(files: ProjectFiles) -> list[DjangoEntry]:
    entries = []
    words = tuple(q.rsplit(".", 1)[1] for q in DJANGO_ENTRY_CALLS)
    for module in files.modules(*words):
        if not module.name:
            continue
        for node in module.tree.body:
            if not isinstance(node, ast.Assign | ast.AnnAssign) or node.value is None:
                continue
            interfaces = {
                DJANGO_ENTRY_CALLS[q] for q in _calls_in(node.value, module) if q in DJANGO_ENTRY_CALLS
            }
            if not interfaces:
                continue
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            interface: Interface = "asgi" if "asgi" in interfaces else "wsgi"
            for target in targets:
                if isinstance(target, ast.Name):
                    entries.append(DjangoEntry(module, interface, target.id, node.lineno))
    return entries


def settings_module_declared(module: PyModule) -> tuple[str, int] | None:
    """``os.environ.setdefault("DJANGO_SETTINGS_MODULE", "x.settings")`` (or a plain assignment)."""
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Call) and len(node.args) >= 2:
            qual = module.qualname(node.func) or ""
            first, second = node.args[0], node.args[1]
            if (
                qual.endswith(("environ.setdefault", "environ.get", "getenv"))
                and isinstance(first, ast.Constant)
                and first.value == "DJANGO_SETTINGS_MODULE"
                and isinstance(second, ast.Constant)
                and isinstance(second.value, str)
            ):
                return second.value, node.lineno
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            for target in node.targets:
                if (
                    isinstance(target, ast.Subscript)
                    and isinstance(target.slice, ast.Constant)
                    and target.slice.value == "DJANGO_SETTINGS_MODULE"
                ):
                    return node.value.value, node.lineno
    return None


@dataclass
class DjangoProject:
    app_dir: str
    manage_py: str | None
    settings: Settings | None
    settings_module: str | None
    wsgi: DjangoEntry | None
    asgi: DjangoEntry | None
    evidence: list[Evidence] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def find_projects(files: ProjectFiles) -> list[DjangoProject]:
    """One DjangoProject per directory holding Django entry points (or per manage.py without any)."""
    groups: dict[str, list[DjangoEntry]] = {}
    for entry in find_entries(files):
        groups.setdefault(parent_dir(entry.module.path), []).append(entry)
    manage_files = [
        m for m in files.modules("DJANGO_SETTINGS_MODULE") if PurePosixPath(m.path).name == "manage.py"
    ]
    projects: list[DjangoProject] = []
    used_manage: set[str] = set()
    for entries in groups.values():
        app_dir = entries[0].module.app_dir
        manage = _manage_for(manage_files, app_dir)
        if manage is not None:
            used_manage.add(manage.path)
        projects.append(_build_project(files, app_dir, manage, entries))
    for manage in manage_files:
        if manage.path not in used_manage and settings_module_declared(manage):
            projects.append(_build_project(files, parent_dir(manage.path), manage, []))
    return projects


def parent_dir(rel: str) -> str:
    """Directory of a relative path, "" for the project root."""
    parent = str(PurePosixPath(rel).parent)
    return "" if parent == "." else parent


def _manage_for(manage_files: list[PyModule], app_dir: str) -> PyModule | None:
    return next((m for m in manage_files if parent_dir(m.path) == app_dir), None)


def _build_project(
    files: ProjectFiles, app_dir: str, manage: PyModule | None, entries: list[DjangoEntry]
) -> DjangoProject:
    wsgi = next((e for e in entries if e.interface == "wsgi"), None)
    asgi = next((e for e in entries if e.interface == "asgi"), None)
    project = DjangoProject(app_dir, manage.path if manage else None, None, None, wsgi, asgi)
    # wsgi.py names the settings production uses; manage.py often points at local/dev settings.
    declared: tuple[str, int, str] | None = None
    for source in [e.module for e in (wsgi, asgi) if e] + ([manage] if manage else []):
        found = settings_module_declared(source)
        if found:
            declared = (found[0], found[1], source.path)
            break
    if declared is None and entries:
        package = entries[0].module.name.rsplit(".", 1)[0]
        if files.module_file(f"{package}.settings", app_dir):
            declared = (f"{package}.settings", 0, entries[0].module.path)
    if declared is None:
        project.problems.append("DJANGO_SETTINGS_MODULE is not set in wsgi.py, asgi.py or manage.py")
        return project
    module, line, source_file = declared
    project.settings_module = module
    project.evidence.append(
        Evidence("django settings", source_file, line or None, f"DJANGO_SETTINGS_MODULE defaults to {module}")
    )
    settings = SettingsEvaluator(files, app_dir).load(module)
    if settings is None:
        project.problems.append(f"settings module {module} not found")
        return project
    project.settings = settings
    for name, attr in (("WSGI_APPLICATION", "wsgi"), ("ASGI_APPLICATION", "asgi")):
        setting = settings.values.get(name)
        if setting is None or not isinstance(setting.value, str) or "." not in setting.value:
            continue
        dotted, obj = setting.value.rsplit(".", 1)
        rel = files.module_file(dotted, app_dir)
        if rel is None:
            project.problems.append(
                f"{name} = {setting.value!r} but {dotted} does not exist ({setting.file}:{setting.line})"
            )
            continue
        parsed = files.module(rel)
        if parsed is None:
            continue
        entry = DjangoEntry(parsed, attr, obj, setting.line)  # type: ignore[arg-type]
        setattr(project, attr, entry)
        project.evidence.append(
            Evidence("django entry point", setting.file, setting.line, f"{name} = {setting.value!r}")
        )
    return project


def installed_apps(settings: Settings | None) -> list[str]:
    if settings is None:
        return []
    value = settings.get("INSTALLED_APPS")
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def wants_asgi(project: DjangoProject, dependencies: set[str]) -> str | None:
    """Why this Django project must be served over ASGI, or None."""
    if project.asgi is None:
        return None
    if project.settings and "ASGI_APPLICATION" in project.settings.values:
        return "ASGI_APPLICATION is set (Channels / async Django)"
    apps = installed_apps(project.settings)
    for signal in sorted(ASGI_SIGNALS):
        if signal in apps:
            return f"{signal} is in INSTALLED_APPS"
        if signal in dependencies:
            return f"depends on {signal}"
    if project.wsgi is None:
        return "only an ASGI entry point exists"
    return None
