"""What lint knows about the project around a Dockerfile: its files, dependencies and lock files.

Everything is read through a ``Workspace`` so that ``--fix`` can re-lint edited files from memory
before anything is written, and tests can lint a tiny project in a temp dir.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from dockwright.lint.ignorefile import IgnoreFile

LOCK_FILES = ("uv.lock", "poetry.lock", "Pipfile.lock", "pdm.lock")
_REQ_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
DEV_REQUIREMENT = re.compile(r"(?i)(?:^|[/_.-])(?:dev|test|tests|testing|lint|docs|ci|local)(?:[/_.-]|$)")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


class Workspace:
    """Reads files from disk, with in-memory overrides for pending fixes."""

    def __init__(self) -> None:
        self.overrides: dict[Path, str] = {}
        self._cache: dict[Path, str | None] = {}

    def read(self, path: Path) -> str | None:
        path = path.absolute()
        if path in self.overrides:
            return self.overrides[path]
        if path not in self._cache:
            try:
                self._cache[path] = path.read_text(encoding="utf-8", errors="replace")
            except (OSError, ValueError):
                self._cache[path] = None
        return self._cache[path]

    def exists(self, path: Path) -> bool:
        path = path.absolute()
        if path in self.overrides:
            return True
        return path.exists()

    def write(self, path: Path, text: str) -> None:
        self.overrides[path.absolute()] = text

    def project(self, directory: Path) -> ProjectFacts:
        return ProjectFacts(self, directory.absolute())


@dataclass
class ProjectFacts:
    workspace: Workspace
    directory: Path  # the build context: the Dockerfile's directory

    def has(self, relative: str) -> bool:
        return self.workspace.exists(self.directory / relative)

    def read(self, relative: str) -> str | None:
        return self.workspace.read(self.directory / relative)

    @cached_property
    def lock_files(self) -> tuple[str, ...]:
        return tuple(name for name in LOCK_FILES if self.has(name))

    @cached_property
    def pyproject(self) -> dict[str, Any]:
        text = self.read("pyproject.toml")
        if not text:
            return {}
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            return {}

    @cached_property
    def requirement_files(self) -> tuple[str, ...]:
        try:
            names = sorted(p.name for p in self.directory.glob("requirements*.txt"))
            names += sorted(f"requirements/{p.name}" for p in (self.directory / "requirements").glob("*.txt"))
        except OSError:
            names = []
        return tuple(names)

    def requirement_names(self, relative: str, seen: frozenset[str] = frozenset()) -> set[str]:
        text = self.read(relative)
        names: set[str] = set()
        if text is None or relative in seen:
            return names
        base = relative.rsplit("/", 1)[0] + "/" if "/" in relative else ""
        for line in text.splitlines():
            line = line.split(" #", 1)[0].strip()
            if line.startswith(("-r ", "--requirement ", "-c ", "--constraint ")):
                include = line.split(None, 1)[1].strip()
                names |= self.requirement_names(base + include, seen | {relative})
                continue
            if not line or line.startswith(("#", "-")):
                continue
            match = _REQ_NAME.match(line)
            if match:
                names.add(normalise(match.group(1)))
        return names

    @cached_property
    def dependencies(self) -> frozenset[str]:
        """Normalised names of the runtime dependencies (requirements files and pyproject)."""
        names: set[str] = set()
        for relative in self.requirement_files:
            if not DEV_REQUIREMENT.search(relative.rsplit(".", 1)[0].replace("requirements", "")):
                names |= self.requirement_names(relative)
        project = self.pyproject.get("project", {})
        for spec in project.get("dependencies", []) if isinstance(project, dict) else []:
            match = _REQ_NAME.match(str(spec))
            if match:
                names.add(normalise(match.group(1)))
        poetry = self.pyproject.get("tool", {}).get("poetry", {})
        if isinstance(poetry, dict):
            for name in poetry.get("dependencies", {}) or {}:
                if name.lower() != "python":
                    names.add(normalise(name))
        return frozenset(names)

    @cached_property
    def has_dev_dependencies(self) -> bool:
        """True when pyproject declares a dev group that an unrestricted install would pull in."""
        data = self.pyproject
        tool = data.get("tool", {}) if isinstance(data.get("tool"), dict) else {}
        groups = data.get("dependency-groups", {})
        poetry = tool.get("poetry", {}) if isinstance(tool.get("poetry"), dict) else {}
        uv = tool.get("uv", {}) if isinstance(tool.get("uv"), dict) else {}
        pdm = tool.get("pdm", {}) if isinstance(tool.get("pdm"), dict) else {}
        return bool(
            (isinstance(groups, dict) and groups)
            or poetry.get("group")
            or poetry.get("dev-dependencies")
            or uv.get("dev-dependencies")
            or pdm.get("dev-dependencies")
        )

    @cached_property
    def requires_python(self) -> str | None:
        """``[project] requires-python`` (or poetry's ``python`` dependency), as written."""
        project = self.pyproject.get("project", {})
        if isinstance(project, dict) and isinstance(project.get("requires-python"), str):
            return str(project["requires-python"])
        poetry = self.pyproject.get("tool", {}).get("poetry", {})
        deps = poetry.get("dependencies", {}) if isinstance(poetry, dict) else {}
        python = deps.get("python") if isinstance(deps, dict) else None
        return python if isinstance(python, str) else None

    @cached_property
    def python_version_file(self) -> str | None:
        """The first version in ``.python-version`` (pyenv/uv), e.g. "3.12"."""
        text = self.read(".python-version")
        if not text:
            return None
        for line in text.splitlines():
            line = line.split("#", 1)[0].strip()
            if re.fullmatch(r"\d+\.\d+(\.\d+)?", line):
                return line
        return None

    @cached_property
    def dockerignore(self) -> IgnoreFile | None:
        text = self.read(".dockerignore")
        return None if text is None else IgnoreFile.parse(text)
