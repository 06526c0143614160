"""A package is installed in the image only when something needs the installed distribution;
otherwise it runs from its source directory (no build backend on every code change)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import detect

Project = Callable[[dict[str, str]], Path]

HATCHLING = '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
PROJECT = '[project]\nname = "svc"\nversion = "1"\ndependencies = ["flask"]\n'
APP = {"src/svc/__init__.py": "from flask import Flask\napp = Flask(__name__)\n"}


def _install(project: Project, files: dict[str, str]) -> tuple[bool, tuple[str, int | None, str]]:
    info = detect(project({**APP, **files}))
    assert info.is_package
    evidence = next(e for e in info.evidence if e.what == "package install")
    return info.install_project, (evidence.file, evidence.line, evidence.why)


def test_a_plain_hatchling_package_runs_from_source(project: Project) -> None:
    installed, (file, _, why) = _install(project, {"pyproject.toml": PROJECT + HATCHLING})
    assert not installed
    assert file == "src/svc" and "PYTHONPATH" in why


@pytest.mark.parametrize(
    ("extra", "line", "why"),
    [
        ('[project.scripts]\nsvc = "svc:main"\n', 5, "console scripts"),
        ('[project.entry-points."flask.commands"]\nseed = "svc:seed"\n', 5, "entry points"),
        ('[tool.poetry.scripts]\nsvc = "svc:main"\n', 5, "console scripts"),
        ('[tool.hatch.build.hooks.vcs]\nversion-file = "src/svc/_version.py"\n', 5, "build hooks"),
        ('[tool.hatch.build.targets.wheel.sources]\n"src/svc" = "service"\n', 5, "remaps"),
        ('[tool.setuptools_scm]\nwrite_to = "src/svc/_v.py"\n', 5, "setuptools_scm"),
    ],
)
def test_what_needs_the_installed_distribution(project: Project, extra: str, line: int, why: str) -> None:
    installed, (file, found_line, found_why) = _install(
        project, {"pyproject.toml": PROJECT + extra + HATCHLING}
    )
    assert installed
    assert (file, found_line) == ("pyproject.toml", line)
    assert why in found_why


def test_a_version_from_vcs_needs_the_install(project: Project) -> None:
    pyproject = (
        '[project]\nname = "svc"\ndynamic = ["version"]\n'
        + HATCHLING
        + '[tool.hatch.version]\nsource = "vcs"\n'
    )
    installed, (_, line, why) = _install(project, {"pyproject.toml": pyproject})
    assert installed and line == 7 and "'vcs'" in why
    # a version read from a file in the source tree is there without a build
    regex = pyproject.replace('source = "vcs"', 'path = "src/svc/__init__.py"')
    assert not _install(
        project,
        {"pyproject.toml": regex, "src/svc/__init__.py": APP["src/svc/__init__.py"] + '__version__ = "1"\n'},
    )[0]


def test_code_that_reads_its_own_metadata_needs_the_install(project: Project) -> None:
    installed, (file, line, why) = _install(
        project,
        {
            "pyproject.toml": PROJECT + HATCHLING,
            "src/svc/version.py": (
                '"""Version."""\nfrom importlib.metadata import version\nVERSION = version("svc")\n'
            ),
        },
    )
    assert installed and (file, line) == ("src/svc/version.py", 2) and "metadata" in why


def test_tests_reading_metadata_do_not_count(project: Project) -> None:
    # tests run elsewhere: only the package's own code counts
    files = {"pyproject.toml": PROJECT + HATCHLING, "tests/test_v.py": "import importlib.metadata\n"}
    assert not _install(project, files)[0]


@pytest.mark.parametrize(
    ("files", "why"),
    [
        ({"setup.py": "from setuptools import setup\nsetup()\n"}, "setup.py runs at build time"),
        ({"hatch_build.py": "x = 1\n"}, "hatch_build.py runs at build time"),
    ],
)
def test_build_scripts_need_the_install(project: Project, files: dict[str, str], why: str) -> None:
    installed, (_, _, found) = _install(project, {"pyproject.toml": PROJECT + HATCHLING, **files})
    assert installed and why in found


def test_a_compiling_backend_needs_the_install(project: Project) -> None:
    maturin = '[build-system]\nrequires = ["maturin>=1"]\nbuild-backend = "maturin"\n'
    installed, (file, line, why) = _install(project, {"pyproject.toml": PROJECT + maturin})
    assert installed and (file, line) == ("pyproject.toml", 5) and "maturin" in why
