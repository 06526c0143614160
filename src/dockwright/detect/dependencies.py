"""Dependency manager, lock file, manifests and runtime dependencies, read from files only.

Lock files win over plain manifests (a user with ``uv.lock`` and an exported requirements.txt wants
uv), several lock files are refused unless ``pyproject.toml`` says which tool owns the project, and
dev/test groups never count as runtime dependencies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from packaging.markers import InvalidMarker, Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from dockwright.detect.files import ProjectFiles
from dockwright.detect.model import DependencyManager, Evidence
from dockwright.detect.parsing import (
    line_of_key,
    line_of_string,
    line_of_table,
    load_json,
    load_toml,
    read_text,
)
from dockwright.errors import DetectionError

# Lock files and the manager that owns each one, in the order they are reported.
LOCK_FILES: tuple[tuple[DependencyManager, str], ...] = (
    ("uv", "uv.lock"),
    ("poetry", "poetry.lock"),
    ("pdm", "pdm.lock"),
    ("pipenv", "Pipfile.lock"),
)
# [tool.X] tables that mean a manager owns the project even without its lock file (in this order).
TOOL_TABLE_MANAGERS: dict[str, DependencyManager] = {"poetry": "poetry", "pdm": "pdm", "uv": "uv"}
# Words in a requirements file name that mark it as development-only (requirements-dev.txt,
# requirements/test.txt, ...).
DEV_REQUIREMENT_WORDS = frozenset(
    {
        "dev",
        "develop",
        "development",
        "test",
        "tests",
        "testing",
        "lint",
        "linting",
        "docs",
        "doc",
        "local",
        "ci",
        "typing",
        "types",
        "mypy",
        "style",
        "format",
        "debug",
        "tox",
        "coverage",
        "qa",
        "precommit",
        "pre-commit",
        "bench",
        "benchmark",
        "benchmarks",
    }
)
# Preference among production requirement files that no other production file includes.
PROD_REQUIREMENT_ORDER = ("requirements", "production", "prod", "deploy", "runtime", "main", "base", "common")
# Extras that install a separate distribution, so tables keyed by distribution see them.
EXTRA_DISTRIBUTIONS: dict[tuple[str, str], str] = {
    ("psycopg", "binary"): "psycopg-binary",
    ("psycopg", "c"): "psycopg-c",
    ("psycopg", "pool"): "psycopg-pool",
    ("uvicorn", "standard"): "uvicorn",
    ("fastapi", "standard"): "uvicorn",
    ("fastapi", "all"): "uvicorn",
    ("celery", "redis"): "redis",
}
# Linux container markers are evaluated in (python_version is set per decision).
LINUX_MARKER_ENVIRONMENT = {
    "os_name": "posix",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "platform_machine": "x86_64",
    "platform_python_implementation": "CPython",
    "implementation_name": "cpython",
    "extra": "",
}
_OPTION_WITH_VALUE = re.compile(
    r"^(-i|--index-url|--extra-index-url|-f|--find-links|--trusted-host|--no-binary|--only-binary"
    r"|--prefer-binary|--pre|--require-hashes|--use-feature|--no-index)\b"
)
_HASH_OPTION = re.compile(r"\s--hash[=\s]\S+")
_EGG_FRAGMENT = re.compile(r"#egg=([A-Za-z0-9_.\-]+)")


@dataclass(frozen=True)
class DeclaredRequirement:
    """A runtime requirement as written in a manifest."""

    name: str  # canonical (PEP 503) name
    extras: frozenset[str]
    marker: str | None
    file: str
    line: int | None

    def applies(self, python: str) -> bool:
        """Whether a Linux CPython ``python`` container installs it (markers evaluated)."""
        return marker_applies(self.marker, python)


@dataclass(frozen=True)
class Pyproject:
    data: dict[str, Any]
    text: str
    file: str = "pyproject.toml"

    def table(self, *keys: str) -> dict[str, Any]:
        node: Any = self.data
        for key in keys:
            node = node.get(key) if isinstance(node, dict) else None
        return node if isinstance(node, dict) else {}


@dataclass
class DependencySet:
    manager: DependencyManager | None
    lock_file: str | None = None
    manifests: list[str] = field(default_factory=list)
    requirements_files: list[str] = field(default_factory=list)
    requirements: list[DeclaredRequirement] = field(default_factory=list)
    # (name, marker) of every production package the lock resolves; None without a lock.
    locked: list[tuple[str, str | None]] | None = None
    requirements_install_project: bool = False  # a requirements file lists "." / "-e ."
    evidence: list[Evidence] = field(default_factory=list)


def _first_line(err: Exception) -> str:
    """packaging's errors draw a caret diagram below the message; one line is enough."""
    return str(err).splitlines()[0] if str(err) else type(err).__name__


def marker_applies(marker: str | None, python: str) -> bool:
    if not marker:
        return True
    try:
        parsed = Marker(marker)
    except InvalidMarker:
        return True  # cannot tell: keep the dependency rather than silently drop it
    environment = {**LINUX_MARKER_ENVIRONMENT, "python_version": python, "python_full_version": f"{python}.0"}
    try:
        return bool(parsed.evaluate(environment))
    except Exception:
        return True


def load_pyproject(files: ProjectFiles) -> Pyproject | None:
    if not files.exists("pyproject.toml"):
        return None
    return Pyproject(
        data=load_toml(files.root, "pyproject.toml"), text=read_text(files.root, "pyproject.toml")
    )


def detect_dependencies(files: ProjectFiles, pyproject: Pyproject | None) -> DependencySet:
    """Choose the dependency manager and read its manifests; ``manager`` is None when there are none."""
    locks = [(manager, lock) for manager, lock in LOCK_FILES if files.exists(lock)]
    owners = _tool_owners(files, pyproject)
    evidence: list[Evidence] = []
    manager: DependencyManager | None
    lock_file: str | None = None
    if len(locks) > 1:
        owned = [(m, lock) for m, lock in locks if m in owners]
        if len(owned) != 1:
            names = ", ".join(lock for _, lock in locks)
            raise DetectionError(
                f"several lock files ({names}) and pyproject.toml does not say which tool owns the project;"
                " delete the stale lock file",
                file=locks[0][1],
            )
        manager, lock_file = owned[0]
        others = ", ".join(lock for _, lock in locks if lock != lock_file)
        evidence.append(
            Evidence(
                "dependency manager",
                lock_file,
                None,
                f"{lock_file} matches [tool.{manager}]; ignoring {others}",
            )
        )
    elif locks:
        manager, lock_file = locks[0]
        evidence.append(
            Evidence("dependency manager", lock_file, None, f"{lock_file} is {manager}'s lock file")
        )
    elif files.exists("Pipfile"):
        raise DetectionError(
            "Pipfile has no Pipfile.lock next to it; run `pipenv lock` so the image installs what you tested",
            file="Pipfile",
        )
    else:
        manager = None
        for tool, tool_manager in TOOL_TABLE_MANAGERS.items():
            if tool in owners:
                manager = tool_manager
                assert pyproject is not None
                line = line_of_key(pyproject.text, f"tool.{tool}") or line_of_table(
                    pyproject.text, f"tool.{tool}"
                )
                evidence.append(
                    Evidence(
                        "dependency manager",
                        "pyproject.toml",
                        line,
                        f"[tool.{tool}] without a lock file: {tool} resolves at build time (commit a lock)",
                    )
                )
                break
        if manager is None and _requirement_files(files):
            manager = "pip"
        elif manager is None and pyproject is not None and "project" in pyproject.data:
            manager = "pep621"
            evidence.append(
                Evidence(
                    "dependency manager",
                    "pyproject.toml",
                    line_of_table(pyproject.text, "project"),
                    "PEP 621 [project] table and no lock file or requirements file",
                )
            )
    result = DependencySet(manager=manager, lock_file=lock_file, evidence=evidence)
    if manager is None:
        return result
    if manager in ("uv", "poetry", "pdm") and pyproject is None:
        raise DetectionError(f"{lock_file} without pyproject.toml: {manager} needs both", file=lock_file)
    if manager == "pip":
        _read_pip(files, result)
    elif manager == "pipenv":
        _read_pipenv(files, result)
    else:
        assert pyproject is not None
        _read_pyproject(files, pyproject, manager, result)
    if lock_file is not None:
        result.locked = read_lock(files, manager, lock_file)
        result.evidence.append(
            Evidence("lock file", lock_file, None, f"installs exactly what {lock_file} pins")
        )
    return result


def _tool_owners(files: ProjectFiles, pyproject: Pyproject | None) -> set[str]:
    owners: set[str] = set()
    if pyproject is not None:
        tool = pyproject.table("tool")
        owners.update(name for name in ("uv", "poetry", "pdm") if name in tool)
    if files.exists("Pipfile"):
        owners.add("pipenv")
    return owners


# --- requirements files ---------------------------------------------------------------------


def _requirement_files(files: ProjectFiles) -> list[str]:
    """requirements*.txt at the root and *.txt under requirements/ (``.in`` only without a .txt)."""
    found = []
    for rel in files.files:
        path = PurePosixPath(rel)
        top_level = len(path.parts) == 1 and path.name.startswith("requirements")
        in_folder = len(path.parts) == 2 and path.parts[0] == "requirements"
        if not (top_level or in_folder):
            continue
        if path.suffix == ".txt" or (
            path.suffix == ".in" and not files.exists(str(path.with_suffix(".txt")))
        ):
            found.append(rel)
    return found


def is_dev_requirements(rel: str) -> bool:
    words = set(re.split(r"[-_.]+", PurePosixPath(rel).stem.lower()))
    return bool(words & DEV_REQUIREMENT_WORDS)


def _read_pip(files: ProjectFiles, result: DependencySet) -> None:
    candidates = _requirement_files(files)
    prod = [rel for rel in candidates if not is_dev_requirements(rel)]
    if not prod:
        raise DetectionError(
            "only development requirement files found ("
            + ", ".join(candidates)
            + "); add a requirements.txt",
            file=candidates[0],
        )
    included: set[str] = set()
    for rel in prod:
        included.update(inc for inc, _ in _parse_requirements(files, rel, set()).includes)
    entries = [rel for rel in prod if rel not in included] or prod

    def rank(rel: str) -> tuple[int, str]:
        stem = PurePosixPath(rel).stem.lower()
        words = re.split(r"[-_.]+", stem)
        for index, word in enumerate(PROD_REQUIREMENT_ORDER):
            if stem == word or (word != "requirements" and word in words):
                return index, rel
        return len(PROD_REQUIREMENT_ORDER), rel

    entry = min(entries, key=rank)
    parsed = _parse_requirements(files, entry, set())
    result.requirements_files = [entry]
    result.manifests = [entry, *(inc for inc, _ in parsed.includes if inc != entry), *parsed.local_paths]
    result.requirements = parsed.requirements
    result.requirements_install_project = parsed.installs_project
    if parsed.installs_project and files.exists("pyproject.toml"):
        result.manifests.append("pyproject.toml")
    skipped = [rel for rel in candidates if rel not in result.manifests]
    why = f"production requirements: pip install -r {entry}"
    if skipped:
        why += f" (not installed: {', '.join(skipped)})"
    result.evidence.append(Evidence("dependency manager", entry, None, why))


@dataclass
class _ParsedRequirements:
    requirements: list[DeclaredRequirement] = field(default_factory=list)
    includes: list[tuple[str, str]] = field(default_factory=list)  # (file, "-r" | "-c"), in order
    installs_project: bool = False
    local_paths: list[str] = field(default_factory=list)  # ./libs/x, -e ./vendor/y: needed to install


def _parse_requirements(files: ProjectFiles, rel: str, seen: set[str]) -> _ParsedRequirements:
    """Parse a pip requirements file and, recursively, its ``-r`` (and list its ``-c``) includes."""
    result = _ParsedRequirements()
    if rel in seen:
        return result
    seen.add(rel)
    text = read_text(files.root, rel)
    base_dir = PurePosixPath(rel).parent
    for line_no, line in _logical_lines(text):
        option = re.match(r"^(-r|--requirement|-c|--constraint)(?:\s+|=)(\S+)", line)
        if option:
            kind = "-r" if option.group(1) in ("-r", "--requirement") else "-c"
            target = _normalise_rel(base_dir / option.group(2))
            if target is None or not files.exists(target):
                raise DetectionError(
                    f"{option.group(1)} {option.group(2)}: no such file in the project",
                    file=rel,
                    line=line_no,
                )
            result.includes.append((target, kind))
            if kind == "-r":
                nested = _parse_requirements(files, target, seen)
                result.requirements.extend(nested.requirements)
                result.includes.extend(nested.includes)
                result.installs_project |= nested.installs_project
                result.local_paths.extend(nested.local_paths)
            else:
                result.includes.extend(_parse_requirements(files, target, seen).includes)
            continue
        if _OPTION_WITH_VALUE.match(line):
            continue
        editable = re.match(r"^(-e|--editable)(?:\s+|=)(.+)$", line)
        spec = editable.group(2).strip() if editable else line
        if spec.startswith("-"):
            raise DetectionError(f"unknown pip option: {spec.split()[0]}", file=rel, line=line_no)
        local = _local_path(spec, base_dir)
        if local is not None and local != "":
            if not files.exists(local) and not files.dir_exists(local):
                raise DetectionError(
                    f"{spec}: no such file or directory in the project", file=rel, line=line_no
                )
            result.local_paths.append(local)
        requirement = _requirement_from_line(spec, rel, line_no)
        if requirement == "project":
            result.installs_project = True
        elif isinstance(requirement, DeclaredRequirement):
            result.requirements.append(requirement)
    return result


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """Non-empty lines without comments or hashes, backslash continuations joined."""
    out: list[tuple[int, str]] = []
    pending = ""
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = re.sub(r"(^|\s)#.*$", "", raw).rstrip()
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = _HASH_OPTION.sub("", pending + line).strip()
        pending = ""
        if line:
            out.append((start, line))
    if pending.strip():
        out.append((start, _HASH_OPTION.sub("", pending).strip()))
    return out


def _normalise_rel(path: PurePosixPath) -> str | None:
    parts: list[str] = []
    for part in path.parts:
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts)


def _local_path(spec: str, base_dir: PurePosixPath) -> str | None:
    """The project-relative path of a local requirement (``./libs/x``, ``../shared``), if it is one;
    "" for the project itself; None for named or remote requirements."""
    path = spec.split("#")[0].split(";")[0].split("[")[0].strip()
    if path.startswith("file:"):
        path = path.removeprefix("file:").removeprefix("//")
    if not path.startswith(("./", "../", ".")) or "://" in path:
        return None
    return _normalise_rel(base_dir / path)


def _requirement_from_line(spec: str, rel: str, line_no: int) -> DeclaredRequirement | str | None:
    if spec in (".", "./") or spec.startswith((".[", "./[")):
        return "project"
    if spec.startswith((".", "/")) or (spec.endswith((".whl", ".tar.gz", ".zip")) and "@" not in spec):
        egg = _EGG_FRAGMENT.search(spec)
        return _declared(egg.group(1), frozenset(), None, rel, line_no) if egg else None
    if "://" in spec and not re.match(r"^[A-Za-z0-9_.\-\[\], ]+@", spec):
        egg = _EGG_FRAGMENT.search(spec)
        return _declared(egg.group(1), frozenset(), None, rel, line_no) if egg else None
    try:
        parsed = Requirement(spec)
    except InvalidRequirement as err:
        raise DetectionError(
            f"invalid requirement {spec!r}: {_first_line(err)}", file=rel, line=line_no
        ) from None
    return _declared(
        parsed.name, frozenset(parsed.extras), str(parsed.marker) if parsed.marker else None, rel, line_no
    )


def _declared(
    name: str, extras: frozenset[str], marker: str | None, rel: str, line: int | None
) -> DeclaredRequirement:
    return DeclaredRequirement(
        canonicalize_name(name), frozenset(e.lower() for e in extras), marker, rel, line
    )


# --- pyproject-based managers ----------------------------------------------------------------


def _read_pyproject(
    files: ProjectFiles, pyproject: Pyproject, manager: DependencyManager, result: DependencySet
) -> None:
    result.manifests = ["pyproject.toml"] + ([result.lock_file] if result.lock_file else [])
    result.requirements.extend(_pep621_requirements(pyproject))
    if manager == "poetry":
        result.requirements.extend(_poetry_requirements(pyproject))
    if manager == "uv":
        # Path dependencies and workspace members must be present before `uv sync` can resolve.
        for member in pyproject.table("tool", "uv", "workspace").get("members", []) or []:
            if not isinstance(member, str) or "*" in member:
                continue
            member_file = f"{member.rstrip('/')}/pyproject.toml"
            if files.exists(member_file):
                result.manifests.append(member_file)
                # The workspace's members are what `uv sync` installs: their runtime deps count.
                member_text = read_text(files.root, member_file)
                member_project = Pyproject(load_toml(files.root, member_file), member_text, member_file)
                result.requirements.extend(_pep621_requirements(member_project))
    if manager == "uv":
        sources = pyproject.table("tool", "uv", "sources")
    elif manager == "poetry":
        sources = pyproject.table("tool", "poetry", "dependencies")
    else:
        sources = {}
    # Path dependencies ({path = "libs/shared"}) must be in the image before the install runs.
    for source in sources.values():
        if isinstance(source, dict) and isinstance(source.get("path"), str):
            path = _normalise_rel(PurePosixPath(source["path"]))
            if path:
                result.manifests.append(path)


def _pep621_requirements(pyproject: Pyproject) -> list[DeclaredRequirement]:
    out = []
    deps = pyproject.table("project").get("dependencies", [])
    if not isinstance(deps, list):
        raise DetectionError(
            "[project] dependencies must be a list of strings",
            file=pyproject.file,
            line=line_of_key(pyproject.text, "dependencies", "project"),
        )
    for spec in deps:
        line = line_of_string(pyproject.text, str(spec))
        if not isinstance(spec, str):
            raise DetectionError("[project] dependencies must be strings", file=pyproject.file, line=line)
        try:
            parsed = Requirement(spec)
        except InvalidRequirement as err:
            raise DetectionError(
                f"invalid dependency {spec!r}: {_first_line(err)}", file=pyproject.file, line=line
            ) from None
        marker = str(parsed.marker) if parsed.marker else None
        out.append(_declared(parsed.name, frozenset(parsed.extras), marker, pyproject.file, line))
    return out


def _poetry_requirements(pyproject: Pyproject) -> list[DeclaredRequirement]:
    """[tool.poetry.dependencies] only: groups (dev, test, ...) are never installed in the image."""
    out = []
    for name, spec in pyproject.table("tool", "poetry", "dependencies").items():
        if name.lower() == "python":
            continue
        extras: frozenset[str] = frozenset()
        marker = None
        if isinstance(spec, dict):
            if spec.get("optional"):
                continue
            extras = frozenset(str(e) for e in spec.get("extras", []) or [])
            marker = spec.get("markers") if isinstance(spec.get("markers"), str) else None
        line = line_of_key(pyproject.text, name, "tool.poetry.dependencies")
        out.append(_declared(name, extras, marker, pyproject.file, line))
    return out


def _read_pipenv(files: ProjectFiles, result: DependencySet) -> None:
    if not files.exists("Pipfile"):
        raise DetectionError("Pipfile.lock without the Pipfile it was locked from", file="Pipfile.lock")
    pipfile = load_toml(files.root, "Pipfile")
    text = read_text(files.root, "Pipfile")
    result.manifests = ["Pipfile", "Pipfile.lock"]
    packages = pipfile.get("packages", {})
    for name, spec in packages.items() if isinstance(packages, dict) else []:
        extras: frozenset[str] = frozenset()
        marker = None
        if isinstance(spec, dict):
            if spec.get("path") in (".", "./"):
                result.requirements_install_project = True
                continue
            if isinstance(spec.get("path"), str) and (local := _normalise_rel(PurePosixPath(spec["path"]))):
                result.manifests.append(local)
            extras = frozenset(str(e) for e in spec.get("extras", []) or [])
            marker = spec.get("markers") if isinstance(spec.get("markers"), str) else None
        result.requirements.append(
            _declared(name, extras, marker, "Pipfile", line_of_key(text, name, "packages"))
        )


# --- lock files ------------------------------------------------------------------------------


def read_lock(
    files: ProjectFiles, manager: DependencyManager, lock_file: str
) -> list[tuple[str, str | None]]:
    """(name, marker) of every production package a lock file pins (dev groups excluded)."""
    if manager == "pipenv":
        data = load_json(files.root, lock_file)
        default = data.get("default", {}) if isinstance(data, dict) else {}
        if not isinstance(default, dict):
            raise DetectionError('"default" must be an object', file=lock_file)
        return [
            (canonicalize_name(name), spec.get("markers") if isinstance(spec, dict) else None)
            for name, spec in default.items()
        ]
    data = load_toml(files.root, lock_file)
    packages = data.get("package", [])
    if not isinstance(packages, list):
        raise DetectionError("[[package]] entries missing", file=lock_file)
    if manager == "uv":
        return _uv_production_closure(packages)
    out: list[tuple[str, str | None]] = []
    for package in packages:
        if not isinstance(package, dict) or "name" not in package:
            continue
        if manager == "poetry":
            groups = package.get("groups") or [package.get("category", "main")]
            if "main" not in groups or package.get("optional"):
                continue
        elif manager == "pdm" and "default" not in (package.get("groups") or ["default"]):
            continue
        marker = package.get("marker") or package.get("markers")
        out.append((canonicalize_name(str(package["name"])), marker if isinstance(marker, str) else None))
    return out


def _uv_production_closure(packages: list[Any]) -> list[tuple[str, str | None]]:
    """Walk uv.lock from the project's own package through runtime dependencies (no dev groups)."""
    by_name: dict[str, list[dict[str, Any]]] = {}
    roots: list[dict[str, Any]] = []
    for package in packages:
        if not isinstance(package, dict) or "name" not in package:
            continue
        by_name.setdefault(canonicalize_name(str(package["name"])), []).append(package)
        source = package.get("source", {})
        # The project itself and its workspace members are the local (editable/virtual) packages.
        if isinstance(source, dict) and ("editable" in source or "virtual" in source):
            roots.append(package)
    if not roots:
        return [(name, None) for name in by_name]
    seen: dict[str, str | None] = {}
    stack: list[tuple[str, tuple[str, ...], str | None]] = []
    for root in roots:
        for dep in root.get("dependencies", []) or []:
            stack.append(
                (canonicalize_name(dep["name"]), tuple(dep.get("extra", []) or ()), dep.get("marker"))
            )
    visited: set[tuple[str, tuple[str, ...]]] = set()
    while stack:
        name, extras, marker = stack.pop()
        if (name, extras) in visited:
            continue
        visited.add((name, extras))
        seen.setdefault(name, marker)
        for package in by_name.get(name, []):
            deps = list(package.get("dependencies", []) or [])
            optional = package.get("optional-dependencies", {}) or {}
            for extra in extras:
                deps.extend(optional.get(extra, []) or [])
            for dep in deps:
                stack.append(
                    (canonicalize_name(dep["name"]), tuple(dep.get("extra", []) or ()), dep.get("marker"))
                )
    return sorted(seen.items())


def runtime_names(requirements: list[DeclaredRequirement], python: str) -> tuple[str, ...]:
    """Normalised names of the runtime dependencies that apply on Linux for ``python``."""
    names: list[str] = []
    for req in requirements:
        if req.applies(python) and req.name not in names:
            names.append(req.name)
    return tuple(names)


def installed_distributions(deps: DependencySet, python: str) -> set[str]:
    """Every distribution the image will install that we can know of: declared, extras, locked."""
    names: set[str] = set()
    for req in deps.requirements:
        if not req.applies(python):
            continue
        names.add(req.name)
        for extra in req.extras:
            extra_dist = EXTRA_DISTRIBUTIONS.get((req.name, extra))
            if extra_dist:
                names.add(extra_dist)
    for name, marker in deps.locked or []:
        if marker_applies(marker, python):
            names.add(name)
    return names
