"""Build-only packages and compilers: dpkg status parsing and the package/binary tables."""

from __future__ import annotations

import pytest

from dockwright.verify.buildtools import (
    build_package_reason,
    is_build_binary,
    package_findings,
    parse_dpkg_status,
    path_findings,
)

STATUS = """Package: gcc-14-base
Status: install ok installed
Version: 14.2.0-19
Description: GCC, the GNU Compiler Collection (base package)
 This package contains files common to all languages.

Package: gcc-14
Status: install ok installed
Version: 14.2.0-19

Package: libpq-dev
Status: deinstall ok config-files
Version: 17.1

Package: libpq5
Status: install ok installed
Version: 17.1
"""


def test_parse_dpkg_status_keeps_installed_packages_only() -> None:
    assert parse_dpkg_status(STATUS) == {"gcc-14-base": "14.2.0-19", "gcc-14": "14.2.0-19", "libpq5": "17.1"}


@pytest.mark.parametrize(
    "name",
    ["gcc", "gcc-14", "g++-12", "cpp-14-x86-64-linux-gnu", "gcc-14-x86-64-linux-gnu", "build-essential",
     "make", "binutils", "libpq-dev", "python3.13-dev", "libc6-dev", "linux-libc-dev", "pkgconf", "clang-19",
     "rustc"],
)  # fmt: skip
def test_build_packages(name: str) -> None:
    assert build_package_reason(name) is not None


@pytest.mark.parametrize(
    "name", ["gcc-14-base", "libgcc-s1", "libpq5", "libstdc++6", "python3", "libc6", "libmake1"]
)
def test_runtime_packages(name: str) -> None:
    assert build_package_reason(name) is None


def test_binaries() -> None:
    for name in ("gcc", "cc", "c++", "gcc-14", "x86_64-linux-gnu-gcc-14", "clang", "ld", "make", "rustc"):
        assert is_build_binary(name), name
    for name in ("python3", "gunicorn", "ccache-stats", "ldd", "as-tool"):
        assert not is_build_binary(name), name


def test_findings_name_packages_and_path_binaries() -> None:
    findings = package_findings(parse_dpkg_status(STATUS))
    assert [str(f) for f in findings] == ["package gcc-14 14.2.0-19: compiler"]
    files = ["usr/bin/gcc", "usr/bin/python3", "opt/tools/gcc", "usr/local/bin/cc"]
    assert [f.what for f in path_findings(files, "/usr/local/bin:/usr/bin:/bin")] == [
        "/usr/bin/gcc",
        "/usr/local/bin/cc",
    ]
