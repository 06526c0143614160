"""Choosing the CPython minor for the image from the project's own declarations.

Never the interpreter running dockwright (``docker init`` and flyctl tie images to the developer's
machine that way). Every source is a constraint; the newest *stable* minor (released, not end of
life) that satisfies all of them wins, and every source is recorded as evidence.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from dockwright.detect.dependencies import Pyproject
from dockwright.detect.files import ProjectFiles
from dockwright.detect.model import Evidence
from dockwright.detect.parsing import line_of_key, load_json, load_toml, read_text
from dockwright.errors import DetectionError


@dataclass(frozen=True)
class CPythonRelease:
    minor: str
    released: dt.date  # x.y.0 final
    end_of_life: dt.date  # end of security support (PEP 602 cadence: five years)


# The release calendar (PEPs 596, 619, 664, 693, 719, 745, 790). Add a row each October.
CPYTHON_RELEASES: tuple[CPythonRelease, ...] = (
    CPythonRelease("3.9", dt.date(2020, 10, 5), dt.date(2025, 10, 31)),
    CPythonRelease("3.10", dt.date(2021, 10, 4), dt.date(2026, 10, 31)),
    CPythonRelease("3.11", dt.date(2022, 10, 24), dt.date(2027, 10, 31)),
    CPythonRelease("3.12", dt.date(2023, 10, 2), dt.date(2028, 10, 31)),
    CPythonRelease("3.13", dt.date(2024, 10, 7), dt.date(2029, 10, 31)),
    CPythonRelease("3.14", dt.date(2025, 10, 7), dt.date(2030, 10, 31)),
    CPythonRelease("3.15", dt.date(2026, 10, 1), dt.date(2031, 10, 31)),
)
_MINOR = re.compile(r"^3\.\d{1,2}$")
_PATCHES_TRIED = range(0, 40)  # a minor satisfies a range when any of its patch releases does


@dataclass(frozen=True)
class PythonConstraint:
    source: str  # ".python-version", "requires-python", ...
    file: str
    line: int | None
    text: str  # as written
    allows: Callable[[str], bool]
    exact: bool  # a pin of one minor (.python-version, runtime.txt) rather than a range


def minor_key(minor: str) -> tuple[int, int]:
    major, rest = minor.split(".")
    return int(major), int(rest)


def stable_releases(today: dt.date) -> list[CPythonRelease]:
    return [r for r in CPYTHON_RELEASES if r.released <= today < r.end_of_life]


def _specifier_allows(spec: SpecifierSet) -> Callable[[str], bool]:
    def allows(minor: str) -> bool:
        return any(spec.contains(f"{minor}.{patch}", prereleases=False) for patch in _PATCHES_TRIED)

    return allows


def _pin(minor: str) -> Callable[[str], bool]:
    return lambda candidate: candidate == minor


def _parse_specifier(text: str, file: str, line: int | None) -> SpecifierSet:
    try:
        return SpecifierSet(text)
    except InvalidSpecifier:
        raise DetectionError(f"invalid Python version constraint {text!r}", file=file, line=line) from None


def poetry_constraint(text: str, file: str, line: int | None) -> Callable[[str], bool]:
    """Poetry's syntax (``^3.11``, ``~3.11``, ``3.11.*``, ``>=3.10,<3.13``, ``a || b``) as a predicate."""
    alternatives = []
    for alternative in text.split("||"):
        specs = []
        for part in re.split(r"[,\s]+(?=[<>=!~^*\d])", alternative.strip()):
            part = part.strip().rstrip(",")
            if not part or part == "*":
                continue
            caret = re.match(r"^\^(\d+)(?:\.(\d+))?(?:\.(\d+))?$", part)
            tilde = re.match(r"^~(\d+)(?:\.(\d+))?(?:\.(\d+))?$", part)
            if caret:
                major, minor = int(caret.group(1)), int(caret.group(2) or 0)
                upper = f"{major + 1}.0" if major > 0 else f"0.{minor + 1}"
                specs.append(f">={part[1:]},<{upper}")
            elif tilde:
                tilde_major, tilde_minor = int(tilde.group(1)), tilde.group(2)
                upper = (
                    f"{tilde_major}.{int(tilde_minor) + 1}"
                    if tilde_minor is not None
                    else f"{tilde_major + 1}.0"
                )
                specs.append(f">={part[1:]},<{upper}")
            elif re.match(r"^\d", part):
                specs.append(f"=={part}")
            else:
                specs.append(part)
        alternatives.append(_specifier_allows(_parse_specifier(",".join(specs), file, line)))
    return lambda minor: any(allows(minor) for allows in alternatives)


def _pin_from_text(value: str) -> str | None:
    """``3.12`` / ``3.12.4`` / ``cpython-3.12`` / ``python-3.12.4`` -> ``3.12``; None when no version."""
    match = re.search(r"(?<![\d.])(3)\.(\d{1,2})(?:\.\d+)?", value)
    return f"{match.group(1)}.{match.group(2)}" if match else None


def collect_constraints(files: ProjectFiles, pyproject: Pyproject | None) -> list[PythonConstraint]:
    constraints: list[PythonConstraint] = []
    for rel, source in ((".python-version", ".python-version"), ("runtime.txt", "runtime.txt")):
        if not files.exists(rel):
            continue
        text = read_text(files.root, rel)
        for number, raw in enumerate(text.splitlines(), start=1):
            value = raw.split("#")[0].strip()
            if not value:
                continue
            minor = _pin_from_text(value)
            if minor is None:
                if value != "system":
                    raise DetectionError(
                        f"cannot read a CPython version from {value!r}", file=rel, line=number
                    )
                break
            constraints.append(PythonConstraint(source, rel, number, value, _pin(minor), exact=True))
            break  # pyenv lists fallbacks after the first line; the first is the project's choice
    if files.exists(".tool-versions"):
        text = read_text(files.root, ".tool-versions")
        for number, raw in enumerate(text.splitlines(), start=1):
            fields = raw.split()
            if len(fields) >= 2 and fields[0] == "python" and (minor := _pin_from_text(fields[1])):
                constraints.append(
                    PythonConstraint(".tool-versions", ".tool-versions", number, fields[1], _pin(minor), True)
                )
                break
    if pyproject is not None:
        requires = pyproject.table("project").get("requires-python")
        if isinstance(requires, str):
            line = line_of_key(pyproject.text, "requires-python", "project")
            spec = _parse_specifier(requires, pyproject.file, line)
            constraints.append(
                PythonConstraint(
                    "requires-python", pyproject.file, line, requires, _specifier_allows(spec), False
                )
            )
        poetry_python = pyproject.table("tool", "poetry", "dependencies").get("python")
        if isinstance(poetry_python, str):
            line = line_of_key(pyproject.text, "python", "tool.poetry.dependencies")
            allows = poetry_constraint(poetry_python, pyproject.file, line)
            constraints.append(
                PythonConstraint("poetry python", pyproject.file, line, poetry_python, allows, False)
            )
    if files.exists("Pipfile"):
        requires_table = load_toml(files.root, "Pipfile").get("requires", {})
        text = read_text(files.root, "Pipfile")
        for key in ("python_full_version", "python_version"):
            pipfile_value = requires_table.get(key) if isinstance(requires_table, dict) else None
            if isinstance(pipfile_value, str) and (minor := _pin_from_text(pipfile_value)):
                line = line_of_key(text, key, "requires")
                constraints.append(
                    PythonConstraint(f"Pipfile {key}", "Pipfile", line, pipfile_value, _pin(minor), True)
                )
                break
    elif files.exists("Pipfile.lock"):
        meta = load_json(files.root, "Pipfile.lock")
        locked_value = (
            meta.get("_meta", {}).get("requires", {}).get("python_version")
            if isinstance(meta, dict)
            else None
        )
        if isinstance(locked_value, str) and (minor := _pin_from_text(locked_value)):
            constraints.append(
                PythonConstraint("Pipfile.lock", "Pipfile.lock", None, locked_value, _pin(minor), True)
            )
    return constraints


def choose_python(
    constraints: list[PythonConstraint], *, override: str | None, today: dt.date
) -> tuple[str, list[Evidence]]:
    """The CPython minor for the image and the evidence for it (every source, then the decision)."""
    evidence = [
        Evidence("python constraint", c.file, c.line, f"{c.source} says {c.text!r}") for c in constraints
    ]
    known = [r for r in CPYTHON_RELEASES if r.released <= today]
    stable = stable_releases(today)
    if override is not None:
        if not _MINOR.match(override):
            raise DetectionError(f"--python must look like 3.13 (major.minor), got {override!r}")
        unmet = [c for c in constraints if not c.allows(override)]
        why = f"--python {override} given"
        if unmet:
            why += "; warning: it does not satisfy " + ", ".join(f"{c.source} {c.text!r}" for c in unmet)
        if override not in {r.minor for r in stable}:
            why += "; warning: not a stable, supported CPython release today"
        evidence.append(Evidence("python", "", None, why))
        return override, evidence

    def satisfying(releases: list[CPythonRelease], pool: list[PythonConstraint]) -> list[CPythonRelease]:
        return [r for r in releases if all(c.allows(r.minor) for c in pool)]

    if not stable:
        raise DetectionError("the CPython release table has no supported release today; update dockwright")
    newest = max(stable, key=lambda r: minor_key(r.minor))
    if not constraints:
        evidence.append(
            Evidence("python", "", None, f"no version declared: newest stable CPython {newest.minor}")
        )
        return newest.minor, evidence
    sources = ", ".join(c.source for c in constraints)
    if chosen := satisfying(stable, constraints):
        minor = max(chosen, key=lambda r: minor_key(r.minor)).minor
        evidence.append(
            Evidence(
                "python",
                constraints[0].file,
                constraints[0].line,
                f"newest stable CPython satisfying {sources}: {minor}",
            )
        )
        return minor, evidence
    ranges = [c for c in constraints if not c.exact]
    pins = [c for c in constraints if c.exact]
    if pins and (supported := satisfying(stable, ranges)):
        # An end-of-life, unknown or contradictory pin (3.7, 3.10 in runtime.txt): move it to the
        # closest supported release the ranges allow instead of building on an unpatched Python.
        minor = min(supported, key=lambda r: minor_key(r.minor)).minor
        pinned = ", ".join(f"{c.source} {c.text!r}" for c in pins)
        evidence.append(
            Evidence(
                "python",
                pins[0].file,
                pins[0].line,
                f"{pinned} names no supported CPython release together with the other sources;"
                f" using the closest supported one, {minor} (warning: update the pin)",
            )
        )
        return minor, evidence
    if chosen := satisfying(known, constraints):
        # The ranges themselves exclude every supported release: the code says it needs an old one.
        minor = max(chosen, key=lambda r: minor_key(r.minor)).minor
        evidence.append(
            Evidence(
                "python",
                constraints[0].file,
                constraints[0].line,
                f"{sources} allow only end-of-life CPython; using {minor} (warning: no security fixes)",
            )
        )
        return minor, evidence
    chosen = satisfying(known, ranges) or stable
    minor = max(chosen, key=lambda r: minor_key(r.minor)).minor
    evidence.append(
        Evidence(
            "python",
            constraints[0].file,
            constraints[0].line,
            f"no known CPython satisfies {sources} together; using {minor} (warning: check the constraints)",
        )
    )
    return minor, evidence
