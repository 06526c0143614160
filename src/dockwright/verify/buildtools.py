"""Compilers and build-only packages that must not reach a final image: tables and pure matchers.

Evidence comes from two places, because either alone misses cases: the dpkg database in the image
(packages installed with apt, even without a binary on PATH, e.g. ``libpq-dev`` headers) and the
executables on the image's PATH (a compiler copied or installed without dpkg).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

# (pattern over dpkg package names, why it is build-only)
BUILD_PACKAGE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^build-essential$"), "meta-package of the C toolchain"),
    (
        re.compile(
            r"^(?:gcc|g\+\+|cpp|gfortran|clang|llvm)(?:-\d+(?:\.\d+)?)?(?:-[a-z0-9_-]+-linux-gnu[a-z]*)?$"
        ),
        "compiler",
    ),
    (re.compile(r"^binutils(?:-[a-z0-9_-]+-linux-gnu[a-z]*)?$"), "assembler and linker"),
    (
        re.compile(r"^(?:make|cmake|autoconf|automake|libtool|pkg-config|pkgconf|dpkg-dev|bison|flex)$"),
        "build tool",
    ),
    (re.compile(r"^(?:rustc|cargo|golang(?:-[\d.]+)?(?:-go)?)$"), "compiler"),
    (re.compile(r"^[a-z0-9][a-z0-9.+-]*-dev$"), "development headers"),
)

# Packages whose names look like toolchain parts but are runtime libraries every image has.
RUNTIME_EXCEPTIONS = frozenset({"gcc-12-base", "gcc-13-base", "gcc-14-base", "gcc-15-base", "libgcc-s1"})
_GCC_BASE = re.compile(r"^gcc-\d+-base$")

_COMPILER_BINARY = re.compile(
    r"^(?:[a-z0-9_]+-linux-gnu[a-z]*-)?(?:gcc|g\+\+|cc|c\+\+|clang|clang\+\+|cpp|gfortran|ld|as)(?:-\d+(?:\.\d+)?)?$"
)
OTHER_BUILD_BINARIES = frozenset({"make", "cmake", "rustc", "cargo", "go", "tcc"})


def parse_dpkg_status(text: str) -> dict[str, str]:
    """Installed packages (``Status: install ok installed``) -> version, from /var/lib/dpkg/status."""
    installed: dict[str, str] = {}
    for stanza in re.split(r"\n\s*\n", text):
        fields: dict[str, str] = {}
        for line in stanza.splitlines():
            if line[:1] in (" ", "\t") or ":" not in line:
                continue
            key, _, value = line.partition(":")
            fields[key.strip()] = value.strip()
        name = fields.get("Package")
        status = fields.get("Status", "install ok installed")  # distroless status.d has no Status
        if name and status.endswith(" installed"):
            installed[name] = fields.get("Version", "")
    return installed


def build_package_reason(name: str) -> str | None:
    """Why an installed package is build-only, or None for a runtime package."""
    base = name.split(":", 1)[0]
    if base in RUNTIME_EXCEPTIONS or _GCC_BASE.match(base):
        return None
    for pattern, reason in BUILD_PACKAGE_RULES:
        if pattern.match(base):
            return reason
    return None


def is_build_binary(name: str) -> bool:
    return bool(_COMPILER_BINARY.match(name)) or name in OTHER_BUILD_BINARIES


@dataclass(frozen=True)
class BuildToolFinding:
    what: str  # "gcc-14 (package)", "/usr/bin/gcc"
    why: str

    def __str__(self) -> str:
        return f"{self.what}: {self.why}"


def package_findings(installed: Mapping[str, str]) -> list[BuildToolFinding]:
    findings = []
    for name, version in sorted(installed.items()):
        reason = build_package_reason(name)
        if reason:
            findings.append(BuildToolFinding(f"package {name} {version}".strip(), reason))
    return findings


def path_findings(files: Iterable[str], path_env: str) -> list[BuildToolFinding]:
    """Compiler-like executables in the image's PATH directories (``files``: paths without leading /)."""
    dirs = {d.strip("/") for d in path_env.split(":") if d.strip("/")}
    found = []
    for path in sorted(files):
        pure = PurePosixPath(path)
        if str(pure.parent) in dirs and is_build_binary(pure.name):
            found.append(BuildToolFinding(f"/{path}", "compiler or build tool on PATH"))
    return found
