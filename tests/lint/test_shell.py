"""The shell layer the rules rely on: RUN scripts become commands that answer "is this a pip install?"."""

from __future__ import annotations

import pytest

from dockwright.lint.dockerfile_model import parse_dockerfile
from dockwright.lint.shell import (
    is_apt_upgrade,
    package_install,
    parse_exec,
    parse_script,
    pip_install,
    tool_run,
)


@pytest.mark.parametrize(
    ("script", "names"),
    [
        (
            "apt-get update && apt-get install -y x && rm -rf /var/lib/apt/lists/*",
            ["apt-get", "apt-get", "rm"],
        ),
        ("set -eux; pip install a | tee log", ["set", "pip", "tee"]),
        ("if [ -f r.txt ]; then pip install -r r.txt; fi", ["[", "pip"]),
        ("for w in *.whl; do pip install $w; done", ["pip"]),
        ("echo $(python -V)", ["echo", "python"]),
        ('case "$X" in a) pip install y;; b) uv sync;; esac', ["pip", "uv"]),  # bashlex lacks case: fallback
        ("pip install x \\\n  && echo done", ["pip", "echo"]),
        ("# only a comment", []),
        ("PIP_NO_CACHE_DIR=1 pip install x", ["pip"]),
    ],
)
def test_scripts_become_commands(script: str, names: list[str]) -> None:
    assert [c.name for c in parse_script(script)] == names


@pytest.mark.parametrize(
    ("script", "tool", "requirements", "targets"),
    [
        ("pip install -r requirements.txt", "pip", ("requirements.txt",), ()),
        ("pip3 install --no-cache-dir flask==3.0 gunicorn", "pip", (), ("flask==3.0", "gunicorn")),
        ("python -m pip install --requirement=req/prod.txt", "pip", ("req/prod.txt",), ()),
        ("/opt/venv/bin/pip install -e .", "pip", (), ()),
        ("sudo -E pip install x", "pip", (), ("x",)),
        ("env PIP_INDEX_URL=x pip --disable-pip-version-check install y", "pip", (), ("y",)),
        ("uv pip install --system -r requirements.txt", "uv", ("requirements.txt",), ()),
    ],
)
def test_pip_install(script: str, tool: str, requirements: tuple[str, ...], targets: tuple[str, ...]) -> None:
    found = pip_install(parse_script(script)[0])
    assert found is not None
    assert (found.tool, found.requirements, found.targets) == (tool, requirements, targets)


@pytest.mark.parametrize(
    "script", ["pipx install black", "pip download x", "pip --version", "pipenv install", "echo pip install"]
)
def test_not_pip_install(script: str) -> None:
    assert all(pip_install(c) is None for c in parse_script(script))


def test_tool_runs_and_packages() -> None:
    run = tool_run(parse_script("uv sync --frozen --no-dev")[0])
    assert run is not None and (run.tool, run.subcommand) == ("uv", "sync")
    assert run.command.has_flag("--frozen") and not run.command.has_flag("--locked")
    poetry = tool_run(parse_script("poetry install --only=main --no-root")[0])
    assert poetry is not None and poetry.command.option_values("--only") == ["main"]
    apt = package_install(
        parse_script("apt-get -qy -o Dpkg::Options::=--force-confnew install libpq5 curl")[0]
    )
    assert apt is not None and apt.packages == ("libpq5", "curl") and apt.command.has_flag("-y")
    apk = package_install(parse_script("apk add --no-cache --virtual .build gcc")[0])
    assert (
        apk is not None and apk.packages == ("gcc",) and apk.command.option_values("--virtual") == [".build"]
    )
    assert is_apt_upgrade(parse_script("apt-get -y dist-upgrade")[0])
    assert not is_apt_upgrade(parse_script("apt-get install -y upgrade-helper")[0])


def test_exec_form_and_heredoc_runs() -> None:
    assert [c.name for c in parse_exec(["sh", "-c", "pip install x && exec gunicorn app"])] == ["pip", "exec"]
    assert [c.argv for c in parse_exec(["pip", "install", "x"])] == [("pip", "install", "x")]
    model = parse_dockerfile(
        "FROM python:3.13-slim-trixie\n"
        "RUN <<EOF\nset -e\npip install x\nEOF\n"
        "RUN python3 <<EOF\nimport os\nEOF\n"
        "RUN <<EOF\n#!/usr/bin/env python3\nprint('pip install not shell')\nEOF\n"
        'RUN ["pip", "install", "y"]\n'
    )
    runs = [i for i in model.instructions if i.cmd == "RUN"]
    assert [c.name for c in runs[0].commands] == ["set", "pip"]
    assert [c.name for c in runs[1].commands] == ["python3"]
    assert runs[2].commands == ()
    assert [c.argv for c in runs[3].commands] == [("pip", "install", "y")]


def test_stage_model_resolves_args_and_env() -> None:
    model = parse_dockerfile(
        "ARG PY=3.13\n"
        "FROM python:${PY}-slim-trixie AS base\n"
        "ENV PIP_NO_CACHE_DIR=1 VENV=/opt/venv\n"
        "ENV PATH=$VENV/bin:$PATH\n"
        "FROM base AS final\n"
        "RUN pip install x\n"
    )
    base, final = model.stages
    assert base.base == "python:3.13-slim-trixie" and base.base_resolved
    assert final.parent == base.index and model.final_lineage == {0, 1}
    run = final.instructions[-1]
    assert run.env["PIP_NO_CACHE_DIR"] == "1" and run.env["PATH"].startswith("/opt/venv/bin")
