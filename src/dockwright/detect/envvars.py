"""Environment variables the code reads, so ``init`` can list them in ``.env.example``."""

from __future__ import annotations

import ast
import re

from dockwright.detect.files import ProjectFiles, PyModule, statements

# Calls whose first argument is the variable name.
ENV_READ_FUNCTIONS = frozenset(
    {
        "os.environ.get",
        "os.getenv",
        "os.environ.setdefault",
        "os.environ.pop",
        "decouple.config",
        "os.getenvb",
    }
)
# django-environ / environs objects: env("X"), env.str("X"), env.bool("X") ...
ENV_OBJECT_CONSTRUCTORS = frozenset({"environ.Env", "environ.environ.Env", "environs.Env", "environs.env"})
ENV_OBJECT_METHODS = frozenset(
    {
        "str",
        "bool",
        "int",
        "float",
        "list",
        "tuple",
        "dict",
        "json",
        "url",
        "path",
        "db",
        "db_url",
        "cache",
        "cache_url",
        "email",
        "email_url",
        "search_url",
        "decimal",
        "get_value",
    }
)
SETTINGS_BASES = frozenset(
    {"pydantic_settings.BaseSettings", "pydantic.BaseSettings", "pydantic.v1.BaseSettings"}
)
# Variables every process has; listing them in .env.example would be noise or harmful.
PROCESS_VARIABLES = frozenset(
    {"PATH", "HOME", "PWD", "SHELL", "USER", "LANG", "TERM", "TMPDIR", "HOSTNAME", "PYTHONPATH", "LC_ALL"}
)
# dj-database-url reads DATABASE_URL unless told otherwise.
DEFAULT_VARIABLE_OF: dict[str, str] = {"dj_database_url.config": "DATABASE_URL", "dj_database_url.parse": ""}
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _const_str(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and _NAME.match(node.value):
        return node.value
    return None


def _env_objects(module: PyModule, project_env_objects: frozenset[str] = frozenset()) -> set[str]:
    """Local names of env objects: built here, or imported from the project module that built one."""
    names = {
        alias
        for alias, qual in module.aliases.items()
        if (qual in ENV_OBJECT_CONSTRUCTORS and alias == "env") or _tail(qual) in project_env_objects
    }
    if not module.mentions("Env"):
        return names
    for node in statements(module.tree):
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and module.qualname(node.value.func) in ENV_OBJECT_CONSTRUCTORS
        ):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def _environ_aliases(module: PyModule) -> set[str]:
    """Local names bound to os.environ (``env = os.environ if environ is None else environ``)."""

    def is_environ(expr: ast.expr) -> bool:
        if isinstance(expr, ast.IfExp):
            return is_environ(expr.body) or is_environ(expr.orelse)
        if isinstance(expr, ast.BoolOp):
            return any(is_environ(value) for value in expr.values)
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "copy":
            return is_environ(expr.func.value)
        return isinstance(expr, ast.Attribute | ast.Name) and module.qualname(expr) == "os.environ"

    names: set[str] = set()
    if not module.mentions("environ"):
        return names
    for node in statements(module.tree):
        if isinstance(node, ast.Assign) and is_environ(node.value):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def _is_environ(module: PyModule, node: ast.expr, aliases: set[str]) -> bool:
    return module.qualname(node) == "os.environ" or (isinstance(node, ast.Name) and node.id in aliases)


def _tail(qualname: str) -> str:
    return ".".join(qualname.split(".")[-2:])


def _env_key(module: PyModule, node: ast.AST, environ: set[str]) -> ast.expr | None:
    """The key expression of an environment read (``os.environ[k]``, ``os.getenv(k)``...), else None."""
    if isinstance(node, ast.Subscript) and _is_environ(module, node.value, environ):
        return node.slice
    if isinstance(node, ast.Call) and node.args:
        func = node.func
        if module.qualname(func) in ENV_READ_FUNCTIONS:
            return node.args[0]
        if (
            isinstance(func, ast.Attribute)
            and func.attr in ("get", "setdefault", "pop")
            and _is_environ(module, func.value, environ)
        ):
            return node.args[0]
    return None


def _env_wrappers(module: PyModule, environ: set[str]) -> dict[str, int]:
    """Project helpers that read the variable named by one of their parameters.

    ``def env_list(name): return os.environ.get(name, "").split(",")`` maps ``env_list`` to 0, so
    ``env_list("ALLOWED_HOSTS")`` counts as reading ``ALLOWED_HOSTS``.
    """
    wrappers: dict[str, int] = {}
    for func in ast.walk(module.tree):
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        params = [a.arg for a in (*func.args.posonlyargs, *func.args.args)]
        for node in ast.walk(func):
            key = _env_key(module, node, environ)
            if isinstance(key, ast.Name) and key.id in params:
                wrappers[func.name] = params.index(key.id)
                break
    return wrappers


def module_env_vars(module: PyModule, project_env_objects: frozenset[str] = frozenset()) -> list[str]:
    found: list[str] = []
    env_objects = _env_objects(module, project_env_objects)
    environ = _environ_aliases(module)
    wrappers = _env_wrappers(module, environ)
    for node in ast.walk(module.tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in wrappers
            and len(node.args) > wrappers[node.func.id]
            and (name := _const_str(node.args[wrappers[node.func.id]]))
        ):
            found.append(name)
        if isinstance(node, ast.Subscript):
            if _is_environ(module, node.value, environ) and (name := _const_str(node.slice)):
                found.append(name)
        elif isinstance(node, ast.Call):
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr in ("get", "setdefault", "pop")
                and isinstance(func.value, ast.Name)
                and func.value.id in environ
                and (name := _const_str(node.args[0] if node.args else None))
            ):
                found.append(name)
            found.extend(_call_env_vars(module, node, env_objects))
        elif isinstance(node, ast.ClassDef):
            found.extend(_settings_class_vars(module, node))
    return found


def _call_env_vars(module: PyModule, node: ast.Call, env_objects: set[str]) -> list[str]:
    qual = module.qualname(node.func) or ""
    first = node.args[0] if node.args else None
    if qual in ENV_READ_FUNCTIONS:
        name = _const_str(first)
        return [name] if name else []
    if qual in DEFAULT_VARIABLE_OF:
        for keyword in node.keywords:
            if keyword.arg == "env" and (name := _const_str(keyword.value)):
                return [name]
        default = DEFAULT_VARIABLE_OF[qual]
        return [default] if default else []
    func = node.func
    is_env_call = isinstance(func, ast.Name) and func.id in env_objects
    is_env_method = (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id in env_objects
        and func.attr in ENV_OBJECT_METHODS
    )
    if is_env_call or is_env_method:
        name = _const_str(first) or _const_str(next((k.value for k in node.keywords if k.arg == "var"), None))
        return [name] if name else []
    return []


def _settings_class_vars(module: PyModule, node: ast.ClassDef) -> list[str]:
    if not any(module.qualname(base) in SETTINGS_BASES for base in node.bases):
        return []
    prefix = ""
    case_sensitive = False
    for stmt in node.body:
        # model_config = SettingsConfigDict(env_prefix="APP_") (v2) or class Config: env_prefix = "APP_" (v1)
        if (
            isinstance(stmt, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "model_config" for t in stmt.targets)
            and isinstance(stmt.value, ast.Call)
        ):
            for keyword in stmt.value.keywords:
                if keyword.arg == "env_prefix" and isinstance(keyword.value, ast.Constant):
                    prefix = str(keyword.value.value)
                if keyword.arg == "case_sensitive" and isinstance(keyword.value, ast.Constant):
                    case_sensitive = bool(keyword.value.value)
        if isinstance(stmt, ast.ClassDef) and stmt.name == "Config":
            for inner in stmt.body:
                if isinstance(inner, ast.Assign) and isinstance(inner.value, ast.Constant):
                    for target in inner.targets:
                        if isinstance(target, ast.Name) and target.id == "env_prefix":
                            prefix = str(inner.value.value)
                        if isinstance(target, ast.Name) and target.id == "case_sensitive":
                            case_sensitive = bool(inner.value.value)
    names = []
    for stmt in node.body:
        if not isinstance(stmt, ast.AnnAssign) or not isinstance(stmt.target, ast.Name):
            continue
        field_name = stmt.target.id
        if field_name.startswith("_") or field_name == "model_config":
            continue
        alias = _field_alias(stmt.value)
        if alias:
            names.append(alias)
            continue
        name = prefix + field_name
        names.append(name if case_sensitive else name.upper())
    return names


def _field_alias(value: ast.expr | None) -> str | None:
    if not isinstance(value, ast.Call):
        return None
    for keyword in value.keywords:
        if keyword.arg in ("alias", "validation_alias", "env") and (name := _const_str(keyword.value)):
            return name
    return None


def find_env_vars(files: ProjectFiles) -> tuple[str, ...]:
    """Sorted, unique names the app code reads (tests and docs excluded)."""
    names: set[str] = set()
    modules = files.modules("env", "getenv", "config", "Settings", "dj_database_url")
    built = frozenset(_tail(f"{m.name}.{name}") for m in modules for name in _env_objects(m))
    for module in modules:
        if module.mentions("env", "getenv", "config", "Settings", "dj_database_url"):
            names.update(module_env_vars(module, built))
    return tuple(sorted(names - PROCESS_VARIABLES))
