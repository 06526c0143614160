"""`dockwright build` on the real engine: git tags, OCI labels, summary, secrets, failures.

Builds FROM the offline stand-in python:3.13-slim-trixie (scripts/provision-engine); every image is
labelled dockwright.test=1 by the Dockerfiles below and removed by tag afterwards.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "verify"))  # shared helpers live beside verify's tests
from verify_support import DOCKER, copy_app, dockwright, git, inspect, remove_image, run, unique

pytestmark = pytest.mark.engine

DOCKERFILE = """\
FROM python:3.13-slim-trixie
LABEL dockwright.test=1
ENV PYTHONUNBUFFERED=1
RUN useradd --uid 10001 --user-group --no-create-home app
WORKDIR /app
COPY app.py /app/app.py
USER app
EXPOSE 8000
ARG OCI_REVISION
ARG OCI_CREATED
LABEL test.revision-from-build-arg=$OCI_REVISION test.created-from-build-arg=$OCI_CREATED
CMD ["python", "app.py"]
"""


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Path]:
    project = copy_app(tmp_path / unique("dwtest-build"))
    (project / "Dockerfile").write_text(DOCKERFILE)
    git(project, "init", "-q")
    git(project, "add", ".")
    git(project, "commit", "-qm", "first")
    yield project
    for ref in run([DOCKER, "image", "ls", "-q", f"{project.name}"], check=False).stdout.split():
        remove_image(ref)


def test_tags_labels_and_summary(repo: Path) -> None:
    sha = git(repo, "rev-parse", "--short", "HEAD")
    proc = dockwright("build", str(repo), timeout=600)
    assert proc.returncode == 0, proc.stderr
    name = repo.name
    assert f"tags         {name}:{sha}, {name}:latest" in proc.stdout
    image = inspect(f"{name}:{sha}")
    assert image["Id"] == inspect(f"{name}:latest")["Id"]
    assert re.search(rf"built {re.escape(image['Id'][:19])} in [\d.]+ s", proc.stdout)
    labels = image["Config"]["Labels"]
    assert labels["org.opencontainers.image.revision"] == sha
    assert labels["test.revision-from-build-arg"] == sha  # the declared ARG received the value
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", labels["test.created-from-build-arg"])
    assert labels["org.opencontainers.image.title"] == name
    # Summary: total, base and added size, and the layers the Dockerfile made with their instruction.
    assert re.search(
        r"size +[\d.]+ MB \(base python:3\.13-slim-trixie [\d.]+ MB, added [\d.]+ kB\)", proc.stdout
    )
    assert "largest layers added:" in proc.stdout
    assert re.search(r"kB  COPY app\.py /app/app\.py", proc.stdout)
    assert "RUN useradd" in proc.stdout
    # Not a terminal: the plain BuildKit log is the progress display (on stderr).
    assert re.search(r"^#\d+ \[\d/\d\] COPY app.py /app/app.py", proc.stderr, re.MULTILINE)


def test_changed_tree_is_tagged_dirty(repo: Path) -> None:
    sha = git(repo, "rev-parse", "--short", "HEAD")
    (repo / "app.py").write_text((repo / "app.py").read_text() + "\n# edited\n")
    proc = dockwright("build", str(repo), "--tag", f"{repo.name}:extra", "--platform", "linux/amd64")
    assert proc.returncode == 0, proc.stderr
    assert inspect(f"{repo.name}:extra")["Architecture"] == "amd64"
    assert f"{repo.name}:{sha}-dirty, {repo.name}:latest, {repo.name}:extra" in proc.stdout
    assert inspect(f"{repo.name}:{sha}-dirty")["Config"]["Labels"]["org.opencontainers.image.revision"] == (
        f"{sha}-dirty"
    )


def test_secret_reaches_the_build_and_never_the_image(repo: Path, tmp_path: Path) -> None:
    value = "dw-build-secret-" + unique("v")
    secret_file = tmp_path / "token.txt"
    secret_file.write_text(value)
    # BuildKit leaves secret contents out of the cache key, so a unique step keeps the cache from
    # answering with a layer built from another run's secret.
    (repo / "Dockerfile").write_text(
        DOCKERFILE.replace(
            "USER app\n",
            f"RUN --mount=type=secret,id=dwtoken,required=true echo {repo.name} >/dev/null"
            " && sha256sum /run/secrets/dwtoken | cut -c1-64 > /app/token.sha256\nUSER app\n",
        )
    )
    proc = dockwright("build", str(repo), "--secret", f"id=dwtoken,src={secret_file}")
    assert proc.returncode == 0, proc.stderr
    tag = f"{repo.name}:latest"
    # The build used it (its hash is in the image) ...
    seen = run(
        [DOCKER, "run", "--rm", "--label", "dockwright.test=1", tag, "cat", "/app/token.sha256"]
    ).stdout
    assert seen.strip() == hashlib.sha256(value.encode()).hexdigest()
    # ... but no layer, config or history holds it.
    archive = tmp_path / "image.tar"
    run([DOCKER, "save", "-o", str(archive), tag])
    assert value.encode() not in archive.read_bytes()
    history = run([DOCKER, "history", "--no-trunc", tag]).stdout
    assert value not in history and value not in json.dumps(inspect(tag))


def test_secret_looking_build_arg_is_refused_before_building(repo: Path) -> None:
    proc = dockwright("build", str(repo), "--build-arg", "PIP_TOKEN=abc123")
    assert proc.returncode == 2
    assert proc.stderr.startswith("dockwright: error: --build-arg PIP_TOKEN: refused")
    assert "--secret id=pip_token,src=FILE" in proc.stderr
    assert run([DOCKER, "image", "inspect", f"{repo.name}:latest"], check=False).returncode != 0


def test_failed_build_exits_1_with_the_log(repo: Path) -> None:
    (repo / "Dockerfile").write_text(
        DOCKERFILE.replace("WORKDIR /app\n", "RUN echo dw-broken-step && exit 3\n")
    )
    proc = dockwright("build", str(repo))
    assert proc.returncode == 1
    assert "dw-broken-step" in proc.stderr
    assert "dockwright: build failed" in proc.stderr


def test_several_platforms_need_a_registry(repo: Path) -> None:
    proc = dockwright("build", str(repo), "--platform", "linux/amd64,linux/arm64")
    assert proc.returncode == 2 and "one platform per build" in proc.stderr


def test_missing_dockerfile_is_an_input_error(tmp_path: Path) -> None:
    proc = dockwright("build", str(tmp_path))
    assert proc.returncode == 2
    assert "Dockerfile: no Dockerfile here; run `dockwright init` first" in proc.stderr


def test_outside_git_only_latest(tmp_path: Path) -> None:
    project = copy_app(tmp_path / unique("dwtest-nogit"))
    (project / "Dockerfile").write_text(DOCKERFILE)
    try:
        proc = dockwright("build", str(project))
        assert proc.returncode == 0, proc.stderr
        assert f"tags         {project.name}:latest\n" in proc.stdout
        assert "not a git repository" in proc.stderr
    finally:
        remove_image(f"{project.name}:latest")


def test_name_comes_from_detect_when_the_project_is_understood(tmp_path: Path) -> None:
    project = copy_app(tmp_path / "checkout")
    (project / "Dockerfile").write_text(DOCKERFILE)
    name = unique("dwtest-detected")
    (project / "pyproject.toml").write_text(
        f'[project]\nname = "{name.upper()}"\nversion = "1"\ndependencies = []\n'
    )
    try:
        proc = dockwright("build", str(project))
        assert proc.returncode == 0, proc.stderr
        assert f"tags         {name}:latest\n" in proc.stdout  # pyproject's name, DNS-safe; not "checkout"
    finally:
        remove_image(f"{name}:latest")


REGISTRY_STANDIN = Path(__file__).parent / "fixtures" / "registry"


@pytest.fixture
def registry() -> Iterator[str]:
    """A throwaway registry (stand-in built from Debian's docker-registry) on 127.0.0.1 at a free port."""
    run([DOCKER, "build", "-q", "--network", "host", "--label", "dockwright.test=1",
         "-t", "dwtest-registry:standin", str(REGISTRY_STANDIN)])  # fmt: skip
    name = unique("dwtest-registry")
    run([DOCKER, "run", "-d", "--name", name, "--label", "dockwright.test=1", "-p", "127.0.0.1::5000",
         "dwtest-registry:standin"])  # fmt: skip
    try:
        port = run([DOCKER, "port", name, "5000/tcp"]).stdout.split(":")[-1].strip()
        address = f"127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://{address}/v2/", timeout=2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, run([DOCKER, "logs", name]).stderr
                time.sleep(0.2)
        yield address
    finally:
        run([DOCKER, "rm", "-f", "-v", name], check=False)


def test_push_sends_every_tag(repo: Path, registry: str) -> None:
    sha = git(repo, "rev-parse", "--short", "HEAD")
    repository = f"{registry}/{repo.name}"
    try:
        proc = dockwright("build", str(repo), "--tag", repository, "--push")
        assert proc.returncode == 0, proc.stderr
        assert f"tags         {repository}:{sha}, {repository}:latest" in proc.stdout
        with urllib.request.urlopen(f"http://{registry}/v2/{repo.name}/tags/list", timeout=5) as answer:
            pushed = json.load(answer)
        assert sorted(pushed["tags"]) == sorted([sha, "latest"])
        assert re.search(rf"pushed +{re.escape(repository)}:latest@sha256:[0-9a-f]{{64}}", proc.stdout)
    finally:
        remove_image(f"{repository}:latest")
