"""Choosing the CPython minor: every source is a constraint, the newest stable one that fits wins."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from dockwright.detect.python_version import (
    CPYTHON_RELEASES,
    choose_python,
    poetry_constraint,
    stable_releases,
)
from dockwright.errors import DetectionError

from .conftest import TODAY, detect

Project = Callable[[dict[str, str]], Path]
APP = {"app.py": "from flask import Flask\napp = Flask(__name__)\n"}


def test_release_table_is_consistent() -> None:
    minors = [r.minor for r in CPYTHON_RELEASES]
    assert minors == [f"3.{n}" for n in range(9, 16)]
    assert all(r.released < r.end_of_life for r in CPYTHON_RELEASES)
    # 2026-11-23: 3.10 reached end of life in October, 3.15.0 was released in October.
    assert [r.minor for r in stable_releases(TODAY)] == ["3.11", "3.12", "3.13", "3.14", "3.15"]
    assert [r.minor for r in stable_releases(dt.date(2026, 9, 1))] == ["3.10", "3.11", "3.12", "3.13", "3.14"]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"requirements.txt": "flask\n"}, "3.15"),
        ({"requirements.txt": "flask\n", ".python-version": "3.12.4\n"}, "3.12"),
        ({"requirements.txt": "flask\n", ".python-version": "cpython-3.13\n"}, "3.13"),
        ({"requirements.txt": "flask\n", "runtime.txt": "python-3.11.9\n"}, "3.11"),
        ({"requirements.txt": "flask\n", ".tool-versions": "nodejs 20.1.0\npython 3.14.1\n"}, "3.14"),
        (
            {"pyproject.toml": '[project]\nname = "x"\nversion = "0"\nrequires-python = ">=3.10,<3.14"\n'},
            "3.13",
        ),
        ({"pyproject.toml": '[project]\nname = "x"\nversion = "0"\nrequires-python = "~=3.12.1"\n'}, "3.12"),
        (
            {"pyproject.toml": '[project]\nname = "x"\nversion = "0"\nrequires-python = "!=3.15.*,>=3.11"\n'},
            "3.14",
        ),
        (
            {
                "pyproject.toml": (
                    '[tool.poetry]\nname = "x"\n[tool.poetry.dependencies]\npython = "~3.12"\nflask = "*"\n'
                ),
            },
            "3.12",
        ),
        (
            {
                "Pipfile": '[packages]\nflask = "*"\n[requires]\npython_version = "3.11"\n',
                "Pipfile.lock": '{"default": {"flask": {}}}',
            },
            "3.11",
        ),
        # an end-of-life pin alone moves to the closest supported release
        ({"requirements.txt": "flask\n", "runtime.txt": "python-3.10.2\n"}, "3.11"),
        # an end-of-life pin that the ranges also demand: honoured, with a warning
        (
            {
                "pyproject.toml": '[project]\nname = "x"\nversion = "0"\nrequires-python = "<3.11"\n',
                ".python-version": "3.10\n",
            },
            "3.10",
        ),
    ],
)
def test_sources(files: dict[str, str], expected: str, project: Project) -> None:
    info = detect(project({**APP, **files}))
    assert info.python == expected
    decision = [e for e in info.evidence if e.what == "python"]
    assert len(decision) == 1
    if len(files) > 1 or "requirements.txt" not in files:
        assert [e for e in info.evidence if e.what == "python constraint"], "each source is recorded"


def test_all_sources_must_agree(project: Project) -> None:
    info = detect(
        project(
            {
                **APP,
                "pyproject.toml": '[project]\nname = "x"\nversion = "0"\nrequires-python = ">=3.12"\n',
                ".python-version": "3.11\n",
            }
        )
    )
    # contradictory: the range wins, the pin moves to the closest release it allows, with a warning
    assert info.python == "3.12"
    assert "warning" in next(e.why for e in info.evidence if e.what == "python")


@pytest.mark.parametrize(
    ("constraint", "allowed"),
    [
        ("^3.11", ["3.11", "3.12", "3.13", "3.14", "3.15"]),
        ("~3.12", ["3.12"]),
        (">=3.10,<3.13", ["3.10", "3.11", "3.12"]),
        ("3.12.*", ["3.12"]),
        ("^3.9 || ^3.14", ["3.9", "3.10", "3.11", "3.12", "3.13", "3.14", "3.15"]),
        ("~3.11 || ~3.13", ["3.11", "3.13"]),
        ("*", ["3.9", "3.10", "3.11", "3.12", "3.13", "3.14", "3.15"]),
    ],
)
def test_poetry_constraints(constraint: str, allowed: list[str]) -> None:
    allows = poetry_constraint(constraint, "pyproject.toml", 1)
    assert [r.minor for r in CPYTHON_RELEASES if allows(r.minor)] == allowed


def test_override_validation() -> None:
    assert choose_python([], override="3.13", today=TODAY)[0] == "3.13"
    minor, evidence = choose_python([], override="3.8", today=TODAY)
    assert minor == "3.8" and "not a stable, supported CPython release" in evidence[-1].why
    with pytest.raises(DetectionError, match=r"major\.minor"):
        choose_python([], override="3.12.1", today=TODAY)
