"""Build inputs: names, tags from git, OCI values, and refusing secrets as build args."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "verify"))  # shared helpers live beside verify's tests
from verify_support import git

from dockwright.engine.build import (
    BuildRequest,
    GitState,
    check_build_arg,
    check_secret_spec,
    declared_args,
    dns_safe_name,
    git_state,
    image_tags,
    oci_build_args,
    oci_labels,
    oci_values,
    public_source_url,
    split_reference,
)
from dockwright.errors import DockwrightError


@pytest.mark.parametrize(
    ("text", "expected"),
    [("My_App", "my-app"), ("hello world!", "hello-world"), ("---", "app"), ("a" * 80, "a" * 63)],
)
def test_dns_safe_name(text: str, expected: str) -> None:
    assert dns_safe_name(text) == expected


@pytest.mark.parametrize(
    ("remote", "expected"),
    [
        ("git@github.com:acme/api.git", "https://github.com/acme/api"),
        ("https://user:ghp_secret@github.com/acme/api.git", "https://github.com/acme/api"),
        ("ssh://git@gitlab.example:2222/team/api.git", "https://gitlab.example/team/api"),
        ("/srv/git/api.git", None),
    ],
)
def test_public_source_url_drops_credentials(remote: str, expected: str | None) -> None:
    assert public_source_url(remote) == expected


def test_split_reference_handles_registry_ports() -> None:
    assert split_reference("registry.example:5000/team/app:1.2") == ("registry.example:5000/team/app", "1.2")
    assert split_reference("registry.example:5000/team/app") == ("registry.example:5000/team/app", None)
    assert split_reference("app") == ("app", None)


def test_image_tags() -> None:
    clean = GitState("abc1234", False, None)
    dirty = GitState("abc1234", True, None)
    assert image_tags("api", clean, []) == ["api:abc1234", "api:latest"]
    assert image_tags("api", dirty, []) == ["api:abc1234-dirty", "api:latest"]
    assert image_tags("api", clean, ["ghcr.io/acme/api"]) == [
        "ghcr.io/acme/api:abc1234",
        "ghcr.io/acme/api:latest",
    ]
    assert image_tags("api", clean, ["api:1.0"]) == ["api:abc1234", "api:latest", "api:1.0"]
    assert image_tags("api", GitState(None, False, None), []) == ["api:latest"]


def test_oci_values() -> None:
    now = datetime(2026, 11, 23, 7, 0, 0, 123, tzinfo=UTC)
    values = oci_values("api", GitState("abc1234", True, "https://github.com/acme/api"), now)
    assert values == {
        "created": "2026-11-23T07:00:00Z",
        "title": "api",
        "revision": "abc1234-dirty",
        "version": "abc1234-dirty",
        "source": "https://github.com/acme/api",
    }
    assert oci_labels(values)["org.opencontainers.image.revision"] == "abc1234-dirty"


def test_oci_build_args_follow_what_the_dockerfile_declares() -> None:
    values = {"revision": "abc", "created": "2026-11-23T07:00:00Z", "source": "https://x.example/a"}
    generated = (
        'ARG SOURCE=""\nARG REVISION=""\nARG CREATED=""\n'
        'LABEL org.opencontainers.image.source="${SOURCE}" org.opencontainers.image.revision="${REVISION}"\n'
    )
    # CREATED is declared but no org.opencontainers.image.created label uses it: left alone.
    assert oci_build_args(values, generated) == {"SOURCE": "https://x.example/a", "REVISION": "abc"}
    assert oci_build_args(values, "ARG OCI_REVISION\nARG SOURCE\n") == {"OCI_REVISION": "abc"}
    assert oci_build_args(values, "FROM x\n") == {}


def test_declared_args() -> None:
    text = "FROM x\nARG OCI_REVISION\n  arg OCI_CREATED=unknown\nRUN echo ARG NOT_THIS\n"
    assert declared_args(text) == {"OCI_REVISION", "OCI_CREATED"}


@pytest.mark.parametrize(
    "item",
    [
        "DB_PASSWORD=hunter2",
        "GITHUB_TOKEN=abc",
        "DJANGO_SECRET_KEY=x1",
        "MY_API_KEY=1",
        "X=AKIAABCDEFGHIJKLMNOP",
    ],
)
def test_secret_looking_build_args_are_refused(item: str) -> None:
    with pytest.raises(DockwrightError, match="--secret id="):
        check_build_arg(item)


@pytest.mark.parametrize(
    "item", ["PYTHON_VERSION=3.13", "TOKENIZERS_PARALLELISM=false", "DB_PASSWORD_FILE=/run/s"]
)
def test_ordinary_build_args_pass(item: str) -> None:
    name, value = check_build_arg(item)
    assert f"{name}={value}" == item


def test_secret_spec_needs_an_id_and_an_existing_file(tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("t")
    assert check_secret_spec(f"id=pip,src={token}", tmp_path) == f"id=pip,src={token}"
    with pytest.raises(DockwrightError, match="no such file"):
        check_secret_spec(f"id=pip,src={tmp_path / 'missing'}", tmp_path)
    with pytest.raises(DockwrightError, match="expected id="):
        check_secret_spec(f"src={token}", tmp_path)


def test_secret_spec_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DW_TEST_TOKEN", "t")
    assert check_secret_spec("id=tok,env=DW_TEST_TOKEN", tmp_path) == "id=tok,env=DW_TEST_TOKEN"
    monkeypatch.delenv("DW_TEST_TOKEN")
    with pytest.raises(DockwrightError, match="DW_TEST_TOKEN is not set"):
        check_secret_spec("id=tok,env=DW_TEST_TOKEN", tmp_path)


def test_git_state_of_a_real_repository(tmp_path: Path) -> None:
    assert git_state(tmp_path) == GitState(None, False, None)
    git(tmp_path, "init", "-q")
    (tmp_path / "app.py").write_text("print('hi')\n")
    git(tmp_path, "add", "app.py")
    git(tmp_path, "commit", "-qm", "first")
    git(tmp_path, "remote", "add", "origin", "https://bot:tok@git.example/acme/api.git")
    sha = git(tmp_path, "rev-parse", "--short", "HEAD")
    assert git_state(tmp_path) == GitState(sha, False, "https://git.example/acme/api")
    (tmp_path / "app.py").write_text("print('changed')\n")
    assert git_state(tmp_path).dirty


def test_build_request_arguments() -> None:
    request = BuildRequest(
        root=Path("/p"),
        dockerfile=Path("/p/Dockerfile"),
        tags=["api:abc", "api:latest"],
        build_args={"OCI_REVISION": "abc"},
        labels={"org.opencontainers.image.revision": "abc"},
        secrets=["id=pip,src=/s"],
        network="host",
        no_cache=True,
    )
    assert request.docker_args() == [
        "--file", "/p/Dockerfile", "--tag", "api:abc", "--tag", "api:latest",
        "--build-arg", "OCI_REVISION=abc", "--label", "org.opencontainers.image.revision=abc",
        "--secret", "id=pip,src=/s", "--network", "host", "--no-cache", "/p",
    ]  # fmt: skip
