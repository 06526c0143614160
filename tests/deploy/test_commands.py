"""`dockwright k8s` and `dockwright ci` as a user runs them, on copies of the real examples."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import pytest

from dockwright.deploy.yamlio import load

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = ("fastapi-postgres-redis", "django-postgres-celery", "flask-redis")
DIGEST = "sha256:" + "0123456789abcdef" * 4
IGNORE = shutil.ignore_patterns(
    "__pycache__", ".pytest_cache", ".venv", ".env", "k8s", ".github", ".gitlab-ci.yml"
)


def dockwright(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dockwright", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


@pytest.fixture(params=EXAMPLES)
def example(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    target = tmp_path / str(request.param)
    shutil.copytree(REPO / "examples" / str(request.param), target, ignore=IGNORE)
    return target


def test_k8s_on_example_writes_valid_manifests_named_by_the_commit(example: Path) -> None:
    git(example, "init", "-q")
    git(example, "add", "-A")
    git(example, "commit", "-q", "-m", "example")
    sha = git(example, "rev-parse", "HEAD")
    result = dockwright("k8s", str(example), "--repository", "ghcr.io/acme/app")
    assert result.returncode == 0, result.stderr
    out = example / "k8s"
    deployment = load((out / "deployment.yaml").read_text())
    assert deployment["spec"]["template"]["spec"]["containers"][0]["image"] == f"ghcr.io/acme/app:{sha}"
    for path in sorted(out.glob("*.yaml")):
        data = load(path.read_text())
        if data["kind"] != "Kustomization":
            kubernetes_validate.validate(data, "1.33.0", strict=True)
    assert "wrote k8s/deployment.yaml" in result.stdout
    again = dockwright("k8s", str(example), "--repository", "ghcr.io/acme/app")
    assert again.returncode == 0 and "unchanged k8s/deployment.yaml" in again.stdout


def test_k8s_never_overwrites_without_force(example: Path) -> None:
    image = f"ghcr.io/acme/app@{DIGEST}"
    assert dockwright("k8s", str(example), "--image", image).returncode == 0
    service = example / "k8s" / "service.yaml"
    edited = service.read_text().replace("port: 80", "port: 8080")
    service.write_text(edited)
    kept = dockwright("k8s", str(example), "--image", image)
    assert kept.returncode == 1
    assert re.search(r"^-\s+port: 8080$", kept.stdout, re.M) and re.search(
        r"^\+\s+port: 80$", kept.stdout, re.M
    )
    assert "kept k8s/service.yaml" in kept.stdout and "--force" in kept.stdout
    assert service.read_text() == edited
    forced = dockwright("k8s", str(example), "--image", image, "--force")
    assert forced.returncode == 0 and "port: 80\n" in service.read_text()


def test_k8s_dry_run_writes_nothing(example: Path) -> None:
    result = dockwright("k8s", str(example), "--image", f"app@{DIGEST}", "--dry-run")
    assert result.returncode == 0 and "kind: Deployment" in result.stdout
    assert not (example / "k8s").exists()


@pytest.mark.parametrize(
    ("image", "message"),
    [("app:latest", "mutable 'latest' tag"), ("app", "has no tag"), ("app:main", "not a commit SHA")],
)
def test_k8s_refuses_mutable_images_in_one_line(tmp_path: Path, image: str, message: str) -> None:
    project = tmp_path / "flask-redis"
    shutil.copytree(REPO / "examples" / "flask-redis", project, ignore=IGNORE)
    result = dockwright("k8s", str(project), "--image", image)
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("dockwright: error: ") and message in line
    assert not (project / "k8s").exists()


def test_k8s_outside_git_needs_an_image(tmp_path: Path) -> None:
    project = tmp_path / "flask-redis"
    shutil.copytree(REPO / "examples" / "flask-redis", project, ignore=IGNORE)
    if git_available_above(project):
        pytest.skip("the temporary directory is inside a git checkout")
    result = dockwright("k8s", str(project), "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and "pass --image" in result.stderr


def git_available_above(path: Path) -> bool:
    return subprocess.run(["git", "-C", str(path), "rev-parse"], capture_output=True).returncode == 0


@pytest.mark.parametrize(
    ("provider", "schema"), [("github", "vendor.github-workflows"), ("gitlab", "vendor.gitlab-ci")]
)
def test_ci_on_example_writes_a_valid_pipeline(example: Path, provider: str, schema: str) -> None:
    result = dockwright("ci", str(example), "--provider", provider, "--build-secret", "pip-index-url")
    assert result.returncode == 0, result.stderr
    path = example / (".github/workflows/container.yml" if provider == "github" else ".gitlab-ci.yml")
    check = subprocess.run(
        [str(Path(sys.executable).with_name("check-jsonschema")), "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout
    text = path.read_text()
    assert "pytest" in text  # every example has a test suite, run inside the image
    assert "build-arg" not in text
    again = dockwright("ci", str(example), "--provider", provider, "--build-secret", "pip-index-url")
    assert again.returncode == 0 and "unchanged" in again.stdout


def test_ci_needs_a_known_provider(example: Path) -> None:
    result = dockwright("ci", str(example), "--provider", "jenkins")
    assert result.returncode == 2 and "jenkins" in result.stderr


def test_ci_needs_the_files_init_writes(tmp_path: Path) -> None:
    project = tmp_path / "fastapi-postgres-redis"
    shutil.copytree(REPO / "examples" / "fastapi-postgres-redis", project, ignore=IGNORE)
    (project / "compose.yaml").unlink(missing_ok=True)
    result = dockwright("ci", str(project), "--provider", "github")
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert "compose.yaml" in line and "run `dockwright init` first" in line
    assert not (project / ".github").exists()
