"""Choosing a docker client: pure decisions, then real fake-binaries on disk, then the real engine."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from dockwright.engine.client import candidate_binaries, choose_builder, get_docker, parse_version
from dockwright.errors import EngineError


@pytest.mark.parametrize(
    ("text", "expected"),
    [("20.10.24+dfsg1", (20, 10)), ("28.2.2", (28, 2)), ("v23.0.1", (23, 0)), ("garbage", (0, 0))],
)
def test_parse_version(text: str, expected: tuple[int, int]) -> None:
    assert parse_version(text) == expected


def test_choose_builder_prefers_buildx_and_knows_which_clients_build_natively() -> None:
    assert choose_builder("28.2.2", has_buildx=True) == "buildx"
    assert choose_builder("20.10.24+dfsg1", has_buildx=False) == "buildkit"
    assert choose_builder("18.09.0", has_buildx=False) == "buildkit"
    # 23.0 made `docker build` use buildx: without the plugin there is no BuildKit at all.
    assert choose_builder("23.0.0", has_buildx=False) is None
    assert choose_builder("28.2.2", has_buildx=False) is None
    assert choose_builder("17.06.0", has_buildx=False) is None


def _fake_docker(directory: Path, client_version: str, *, server: bool, buildx: bool) -> Path:
    """A shell script answering `docker version` and `docker buildx version` like a real client."""
    directory.mkdir(parents=True, exist_ok=True)
    server_json = '"Server":{"Version":"20.10.24"}' if server else '"Server":null'
    script = directory / "docker"
    script.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = version ]; then\n'
        f'  echo \'{{"Client":{{"Version":"{client_version}"}},{server_json}}}\'\n'
        f"  {'exit 0' if server else 'echo Cannot connect to the Docker daemon >&2; exit 1'}\n"
        "fi\n"
        f'if [ "$1" = buildx ]; then {"exit 0" if buildx else "exit 1"}; fi\n'
        "exit 1\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_override_is_the_only_candidate(tmp_path: Path) -> None:
    fake = _fake_docker(tmp_path / "a", "20.10.5", server=True, buildx=False)
    assert candidate_binaries({"DOCKWRIGHT_DOCKER": str(fake), "PATH": "/usr/bin"}) == [str(fake)]


def test_candidates_follow_path_order_without_duplicates(tmp_path: Path) -> None:
    first = _fake_docker(tmp_path / "first", "28.0.0", server=True, buildx=False)
    second = _fake_docker(tmp_path / "second", "20.10.5", server=True, buildx=False)
    found = candidate_binaries(
        {"PATH": os.pathsep.join([str(first.parent), str(second.parent), str(first.parent)])}
    )
    assert found[:2] == [str(first), str(second)]


def test_a_new_client_without_buildx_is_skipped_for_one_that_builds_natively(tmp_path: Path) -> None:
    new = _fake_docker(tmp_path / "new", "28.2.2", server=True, buildx=False)
    old = _fake_docker(tmp_path / "old", "20.10.24", server=True, buildx=False)
    docker = get_docker({"PATH": f"{new.parent}{os.pathsep}{old.parent}"})
    assert docker.binary == str(old)
    assert docker.builder == "buildkit"
    assert docker.env()["DOCKER_BUILDKIT"] == "1"


def test_buildx_plugin_wins(tmp_path: Path) -> None:
    new = _fake_docker(tmp_path / "bx", "28.2.2", server=True, buildx=True)
    docker = get_docker({"DOCKWRIGHT_DOCKER": str(new)})
    assert docker.builder == "buildx"


def test_no_buildkit_anywhere_says_what_to_install(tmp_path: Path) -> None:
    new = _fake_docker(tmp_path / "only", "28.2.2", server=True, buildx=False)
    with pytest.raises(EngineError) as err:
        get_docker({"DOCKWRIGHT_DOCKER": str(new)})
    message = str(err.value)
    assert "no buildx plugin" in message
    assert "docker-buildx" in message and "DOCKWRIGHT_DOCKER" in message


def test_no_engine_says_so(tmp_path: Path) -> None:
    fake = _fake_docker(tmp_path / "down", "20.10.24", server=False, buildx=False)
    with pytest.raises(EngineError, match="no Docker engine answers"):
        get_docker({"DOCKWRIGHT_DOCKER": str(fake)})


def test_missing_binary(tmp_path: Path) -> None:
    with pytest.raises(EngineError, match="not an executable"):
        get_docker({"DOCKWRIGHT_DOCKER": str(tmp_path / "nope")})


@pytest.mark.engine
def test_the_real_engine_is_found_with_a_buildkit_capable_client() -> None:
    docker = get_docker()
    assert docker.server_version
    assert docker.builder in {"buildx", "buildkit"}
    proc = docker.run(["info", "--format", "{{.ServerVersion}}"])
    assert proc.stdout.strip() == docker.server_version
