"""The project as detect sees it: which files count, and each Python file parsed once.

Nothing here imports or runs project code. Virtual environments, build output, VCS data and caches
are pruned while walking, so a ``wsgi.py`` inside ``.venv/.../site-packages`` can never become a
candidate app (a mistake ``docker init`` users report).
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath

# Directory names never walked into: environments, dependencies, build output, VCS and tool caches.
IGNORED_DIR_NAMES = frozenset(
    {
        ".venv",
        "venv",
        "env",
        "virtualenv",
        "site-packages",
        "dist-packages",
        "node_modules",
        "build",
        "dist",
        "__pycache__",
        "htmlcov",
        "__pypackages__",
    }
)
# Directories whose Python files are never the production app (tests, docs, examples).
NON_APP_DIR_NAMES = frozenset(
    {"tests", "test", "testing", "docs", "doc", "examples", "example", "benchmarks", "bench"}
)
MAX_SOURCE_BYTES = 2_000_000  # generated or vendored blobs are not worth parsing


def is_ignored_dir(path: Path) -> bool:
    """Environments (any dir holding ``pyvenv.cfg``), caches, VCS data, build output."""
    name = path.name
    return (
        name in IGNORED_DIR_NAMES
        or name.startswith(".")  # .git, .tox, .nox, .mypy_cache, .venv-foo, ...
        or name.endswith(".egg-info")
        or (path / "pyvenv.cfg").exists()
    )


@dataclass
class PyModule:
    """One parsed Python source file of the project."""

    path: str  # relative to the project root, POSIX
    tree: ast.Module
    app_dir: str  # sys.path entry that makes ``name`` importable ("" = project root)
    name: str  # dotted module name, "" when the file is not importable (odd file names)
    is_app_code: bool  # False for tests, docs, examples, conftest.py
    source: str = ""

    def mentions(self, *words: str) -> bool:
        """Cheap text pre-filter so that whole-tree AST walks run only where they can match."""
        return any(word in self.source for word in words)

    @cached_property
    def aliases(self) -> dict[str, str]:
        """Local name -> fully qualified name, from every import statement in the file."""
        return import_aliases(self.tree, self.name, self.path.endswith("__init__.py"))

    def qualname(self, expr: ast.expr) -> str | None:
        """The dotted name ``expr`` refers to (``FastAPI`` -> ``fastapi.FastAPI``), or None."""
        if isinstance(expr, ast.Name):
            if expr.id in self.aliases:
                return self.aliases[expr.id]
            return f"{self.name}.{expr.id}" if self.name else expr.id
        if isinstance(expr, ast.Attribute):
            base = self.qualname(expr.value)
            return f"{base}.{expr.attr}" if base else None
        return None


_BLOCK_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")


def statements(tree: ast.AST) -> list[ast.stmt]:
    """Every statement in source order, nested ones included, without visiting expressions
    (much cheaper than ``ast.walk`` on large files)."""
    out: list[ast.stmt] = []

    def visit(node: ast.AST) -> None:
        for name in _BLOCK_FIELDS:
            children = getattr(node, name, None)
            if isinstance(children, list):
                for child in children:
                    if isinstance(child, ast.stmt):
                        out.append(child)
                    visit(child)

    visit(tree)
    return out


def import_aliases(tree: ast.Module, module: str, is_package: bool) -> dict[str, str]:
    package_parts = module.split(".") if module else []
    if not is_package and package_parts:
        package_parts = package_parts[:-1]
    aliases: dict[str, str] = {}
    for node in statements(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    first = alias.name.split(".")[0]
                    aliases[first] = first
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                keep = len(package_parts) - (node.level - 1)
                base_parts = package_parts[: max(keep, 0)]
                if node.module:
                    base_parts = [*base_parts, *node.module.split(".")]
                base = ".".join(base_parts)
            else:
                base = node.module or ""
            for alias in node.names:
                if alias.name == "*":
                    continue
                aliases[alias.asname or alias.name] = f"{base}.{alias.name}" if base else alias.name
    return aliases


@dataclass
class ProjectFiles:
    """Every relevant file of a project, walked once, Python sources parsed lazily and cached."""

    root: Path
    files: tuple[str, ...]  # every non-ignored file, relative POSIX paths, sorted
    _modules: dict[str, PyModule | None] = field(default_factory=dict)
    _texts: dict[str, str] = field(default_factory=dict)
    unparsable: list[str] = field(default_factory=list)  # files newer syntax or encoding errors hid

    @classmethod
    def scan(cls, root: Path) -> ProjectFiles:
        found: list[str] = []
        for dirpath, dirnames, filenames in os.walk(root):
            current = Path(dirpath)
            dirnames[:] = sorted(d for d in dirnames if not is_ignored_dir(current / d))
            rel_dir = current.relative_to(root).as_posix()
            for name in filenames:
                found.append(name if rel_dir == "." else f"{rel_dir}/{name}")
        return cls(root=root, files=tuple(sorted(found)))

    @cached_property
    def file_set(self) -> frozenset[str]:
        return frozenset(self.files)

    def exists(self, rel: str) -> bool:
        return rel in self.file_set

    def dir_exists(self, rel: str) -> bool:
        prefix = rel.rstrip("/") + "/"
        return any(f.startswith(prefix) for f in self.files)

    def read_text(self, rel: str) -> str:
        return (self.root / rel).read_text(encoding="utf-8", errors="replace")

    @cached_property
    def python_files(self) -> tuple[str, ...]:
        return tuple(f for f in self.files if f.endswith(".py"))

    def module(self, rel: str) -> PyModule | None:
        """The parsed module at ``rel``; None when it does not parse (Python 2, templates, ...)."""
        if rel not in self._modules:
            self._modules[rel] = self._parse(rel)
        return self._modules[rel]

    def modules(self, *words: str) -> list[PyModule]:
        """Parsed app-code modules (tests, docs, examples and migrations never), only those whose
        text mentions one of ``words`` when given: a cheap filter before the costly parse."""
        result = []
        for rel in self.python_files:
            if not is_app_code(rel):
                continue
            if words and not any(word in self._text(rel) for word in words):
                continue
            mod = self.module(rel)
            if mod is not None:
                result.append(mod)
        return result

    def _text(self, rel: str) -> str:
        if rel not in self._texts:
            try:
                self._texts[rel] = (
                    (self.root / rel).read_bytes()[:MAX_SOURCE_BYTES].decode("utf-8", "replace")
                )
            except OSError:
                self._texts[rel] = ""
        return self._texts[rel]

    def module_file(self, dotted: str, app_dir: str) -> str | None:
        """The file defining module ``dotted`` when ``app_dir`` is on sys.path, if it exists."""
        base = f"{app_dir}/" if app_dir else ""
        stem = dotted.replace(".", "/")
        for candidate in (f"{base}{stem}.py", f"{base}{stem}/__init__.py"):
            if candidate in self.file_set:
                return candidate
        return None

    def _parse(self, rel: str) -> PyModule | None:
        path = self.root / rel
        try:
            if path.stat().st_size > MAX_SOURCE_BYTES:
                return None
            data = path.read_bytes()
            tree = ast.parse(data, filename=rel)
        except (SyntaxError, ValueError, OSError):
            self.unparsable.append(rel)
            return None
        app_dir, name = self.locate_module(rel, tree)
        source = data.decode("utf-8", errors="replace")
        return PyModule(
            path=rel, tree=tree, app_dir=app_dir, name=name, is_app_code=is_app_code(rel), source=source
        )

    def locate_module(self, rel: str, tree: ast.Module) -> tuple[str, str]:
        """(sys.path entry, dotted name) under which the file at ``rel`` is imported.

        Regular packages (``__init__.py``) are followed upwards; the directory above the top-most
        package is the sys.path entry. A file in a plain directory is imported from the project root
        (or ``src/``) as a namespace package, unless its own imports show it expects its directory
        on sys.path (``from routers import x`` next to ``routers/``).
        """
        posix = PurePosixPath(rel)
        dirs = list(posix.parts[:-1])
        stem = posix.stem
        top = len(dirs)
        while top > 0 and "/".join([*dirs[:top], "__init__.py"]) in self.file_set:
            top -= 1
        if top == len(dirs) and dirs:
            base = 1 if dirs[0] == "src" else 0
            namespace_parts = dirs[base:]
            if all(p.isidentifier() for p in namespace_parts) and not self._imports_siblings(
                tree, dirs, dirs[:base]
            ):
                top = base
        package_parts = dirs[top:]
        parts = package_parts if stem == "__init__" else [*package_parts, stem]
        if not all(p.isidentifier() for p in parts):
            return "/".join(dirs[:top]), ""
        return "/".join(dirs[:top]), ".".join(parts)

    def _imports_siblings(self, tree: ast.Module, own_dir: list[str], base_dir: list[str]) -> bool:
        """True when an absolute import names a sibling of the file that the base dir lacks."""
        own = "/".join(own_dir)
        base = "/".join(base_dir)
        for node in tree.body:
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module.split(".")[0]]
            for name in names:
                if self._has_module(own, name) and not self._has_module(base, name):
                    return True
        return False

    def _has_module(self, directory: str, name: str) -> bool:
        prefix = f"{directory}/" if directory else ""
        return f"{prefix}{name}.py" in self.file_set or self.dir_exists(f"{prefix}{name}")


def is_app_code(rel: str) -> bool:
    """Tests, docs, examples and migration scripts are never the production app."""
    parts = PurePosixPath(rel).parts
    name = parts[-1]
    if name == "conftest.py" or name.startswith("test_") or name.endswith("_test.py"):
        return False
    if "migrations" in parts[:-1] and name != "env.py":
        return False  # Django/Alembic migration modules: many, large, and never the app
    return not any(p in NON_APP_DIR_NAMES for p in parts[:-1])
