"""ci_pipeline: valid against the published schemas, and doing what a careful pipeline must."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml as pyyaml
from deploy_factory import build_plan, django_plan

from dockwright.deploy.ci import (
    PIPELINE_FILES,
    ProjectTests,
    ci_pipeline,
    find_test_setup,
    in_image_test_script,
)
from dockwright.deploy.yamlio import load
from dockwright.errors import DockwrightError

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = (
    sorted(p for p in (REPO / "examples").iterdir() if p.is_dir()) if (REPO / "examples").is_dir() else []
)
SCHEMAS = {"github": "vendor.github-workflows", "gitlab": "vendor.gitlab-ci"}
RELEASE_IF = (
    "github.event_name == 'push' && "
    "(github.ref == format('refs/heads/{0}', github.event.repository.default_branch)"
)


def check_jsonschema(provider: str, path: Path) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("check-jsonschema")
    return subprocess.run(
        [str(exe), "--builtin-schema", SCHEMAS[provider], str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def write(tmp_path: Path, files: dict[str, str]) -> Path:
    ((name, text),) = files.items()
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def github(**kwargs: Any) -> dict[str, Any]:
    data: dict[str, Any] = load(
        ci_pipeline(kwargs.pop("plan", build_plan()), "github", **kwargs)[PIPELINE_FILES["github"]]
    )
    return data


def gitlab(**kwargs: Any) -> dict[str, Any]:
    data: dict[str, Any] = load(
        ci_pipeline(kwargs.pop("plan", build_plan()), "gitlab", **kwargs)[PIPELINE_FILES["gitlab"]]
    )
    return data


SETUP = ProjectTests(
    "tests",
    ("pytest.ini",),
    ("pytest==9.2.0", "httpx==0.28.1"),
    ("python", "-m", "pytest", "tests"),
    "requirements-dev.txt",
)


# --- schema validation (offline, check-jsonschema's vendored schemas) -----------------------------


@pytest.mark.parametrize("provider", ["github", "gitlab"])
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_pipelines_for_the_examples_validate(tmp_path: Path, provider: str, example: Path) -> None:
    files = ci_pipeline(
        django_plan(),
        provider,
        tests=find_test_setup(example),
        build_secrets=("pip-index-url",),  # type: ignore[arg-type]
    )
    result = check_jsonschema(provider, write(tmp_path, files))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("provider", ["github", "gitlab"])
def test_pipeline_without_tests_or_secrets_validates(tmp_path: Path, provider: str) -> None:
    files = ci_pipeline(build_plan(), provider, registry_image="registry.example:5000/team/shop")  # type: ignore[arg-type]
    result = check_jsonschema(provider, write(tmp_path, files))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("provider", ["github", "gitlab"])
def test_schema_check_rejects_a_broken_pipeline(tmp_path: Path, provider: str) -> None:
    # Guards the tests above: the schema really is applied.
    data = github() if provider == "github" else gitlab()
    if provider == "github":
        del data["jobs"]["image"]["runs-on"]
    else:
        data["container"]["when"] = "sometimes"
    path = tmp_path / "pipeline.yml"
    path.write_text(pyyaml.safe_dump(data))
    assert check_jsonschema(provider, path).returncode != 0


# --- GitHub Actions -------------------------------------------------------------------------------


def steps_by_name(workflow: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {step["name"]: step for step in workflow["jobs"]["image"]["steps"]}


def test_github_actions_are_pinned_and_permissions_minimal() -> None:
    workflow = github()
    for step in workflow["jobs"]["image"]["steps"]:
        if "uses" in step:
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+", step["uses"]), step["uses"]
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["jobs"]["image"]["permissions"] == {"contents": "read", "packages": "write"}
    assert "pin full commit SHAs" in ci_pipeline(build_plan(), "github")[PIPELINE_FILES["github"]]


def test_github_builds_tests_lints_verifies_scans_then_pushes_in_that_order() -> None:
    workflow = github(tests=SETUP)
    names = [step["name"] for step in workflow["jobs"]["image"]["steps"]]
    order = [
        "Build the candidate image",
        "Run the project's tests inside the image",
        "dockwright lint",
        "dockwright verify",
        "Scan the image with Trivy",
        "Release tags must point at the default branch",
        "Push (default branch and release tags only)",
    ]
    assert [n for n in names if n in order] == order
    steps = steps_by_name(workflow)
    build = steps["Build the candidate image"]["with"]
    assert build["load"] is True and build["push"] is False
    assert build["cache-from"].startswith("type=registry,")
    assert (
        "trivy" in steps["Scan the image with Trivy"]["run"]
        and "--exit-code 1" in steps["Scan the image with Trivy"]["run"]
    )
    assert "dockwright lint" in steps["dockwright lint"]["run"]
    assert 'dockwright verify "$LOCAL_IMAGE"' in steps["dockwright verify"]["run"]


def test_github_tags_by_sha_and_semver_and_pushes_only_from_default_branch() -> None:
    steps = steps_by_name(github())
    tags = steps["Tags: commit SHA, and the version on release tags"]["with"]["tags"]
    assert "type=sha,format=long,prefix=" in tags and "type=semver,pattern={{version}}" in tags
    push = steps["Push (default branch and release tags only)"]
    assert push["if"].startswith(RELEASE_IF)
    assert push["with"]["push"] is True and "mode=max" in push["with"]["cache-to"]
    pushing = [s for s in steps.values() if s.get("with", {}).get("push") is True]
    assert pushing == [push]  # nothing else pushes


def test_no_build_args_and_secrets_go_through_buildkit() -> None:
    for provider in ("github", "gitlab"):
        text = ci_pipeline(build_plan(), provider, build_secrets=("pip-index-url", "npm_token"))[
            PIPELINE_FILES[provider]
        ]  # type: ignore[arg-type]
        assert "build-arg" not in text and "build-args" not in text
    steps = steps_by_name(github(build_secrets=("pip-index-url",)))
    for name in ("Build the candidate image", "Push (default branch and release tags only)"):
        assert steps[name]["with"]["secrets"] == "pip-index-url=${{ secrets.PIP_INDEX_URL }}\n"
    script = " ".join(gitlab(build_secrets=("pip-index-url",))["container"]["script"])
    assert script.count("--secret id=pip-index-url,env=PIP_INDEX_URL") == 2


def test_github_custom_registry_uses_its_own_credentials() -> None:
    steps = steps_by_name(github(registry_image="registry.example:5000/team/shop"))
    assert steps["Log in to the registry"]["with"]["registry"] == "registry.example:5000"
    assert "REGISTRY_PASSWORD" in steps["Log in to the registry"]["with"]["password"]
    assert "registry.example:5000/team/shop" in steps["Image name"]["run"]


# --- GitLab CI ------------------------------------------------------------------------------------


def test_gitlab_pipeline() -> None:
    pipeline = gitlab(plan=django_plan(), tests=SETUP)
    assert pipeline["stages"] == ["lint", "image"]
    assert pipeline["lint"]["script"][-1] == "dockwright lint ."
    job = pipeline["container"]
    assert job["services"] == ["docker:29-dind"]
    script = "\n".join(job["script"])
    assert script.index("buildx build --load") < script.index("pytest") < script.index("dockwright verify")
    assert script.index("dockwright verify") < script.index("trivy") < script.index("buildx build --push")
    push_block = job["script"][-1]
    assert push_block.startswith(
        'if [ "${CI_COMMIT_BRANCH:-}" = "$CI_DEFAULT_BRANCH" ] || [ -n "${CI_COMMIT_TAG:-}" ]'
    )
    assert "merge-base --is-ancestor" in push_block and '--tag "$IMAGE:$CI_COMMIT_SHA"' in push_block
    assert "${CI_COMMIT_TAG#v}" in push_block
    assert "docker-container" in " ".join(job["before_script"])  # registry cache export needs it
    assert "--password-stdin" in " ".join(job["before_script"])


# --- the shell inside the pipelines ---------------------------------------------------------------


def scripts(provider: str) -> list[str]:
    if provider == "github":
        return [
            s["run"]
            for s in github(tests=SETUP, build_secrets=("x",))["jobs"]["image"]["steps"]
            if "run" in s
        ]
    job = gitlab(tests=SETUP, build_secrets=("x",))["container"]
    return [*job["before_script"], *job["script"]]


@pytest.mark.parametrize(("provider", "shell"), [("github", "bash"), ("gitlab", "sh")])
def test_scripts_parse_in_their_shell(provider: str, shell: str) -> None:
    for script in scripts(provider):
        result = subprocess.run([shell, "-n"], input=script, capture_output=True, text=True)
        assert result.returncode == 0, f"{script}\n{result.stderr}"


def test_tests_run_in_a_derived_image_as_the_app_user_on_a_read_only_root() -> None:
    plan = build_plan()
    (script,) = [s for s in scripts("github") if "pytest" in s]
    assert "FROM $LOCAL_IMAGE" in script
    assert f"USER {plan.runtime.uid}:{plan.runtime.gid}" in script
    assert "--read-only --tmpfs /tmp --cap-drop ALL" in script
    assert "pytest==9.2.0\nhttpx==0.28.1\n" in script
    assert "COPY tests /app/tests" in script and "COPY pytest.ini /app/pytest.ini" in script


# --- find_test_setup on real project trees -------------------------------------------------------


def test_requirements_includes_are_flattened_and_unsafe_lines_dropped(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "requirements.txt").write_text(
        "flask==3.1.3\n--index-url https://user:pw@index.example/simple\n"
    )
    (tmp_path / "requirements-dev.txt").write_text(
        "# dev\n-r requirements.txt\n-e .\npytest==9.2.0  # runner\n"
        "requests==2.32.3 \\\n    --hash=sha256:abc\n"
    )
    setup = find_test_setup(tmp_path)
    assert setup is not None
    assert setup.requirements == ("flask==3.1.3", "pytest==9.2.0", "requests==2.32.3 --hash=sha256:abc")
    assert setup.command[:3] == ("python", "-m", "pytest")
    assert setup.source == "requirements-dev.txt"


def test_missing_include_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "requirements-dev.txt").write_text("pytest\n-r nowhere.txt\n")
    with pytest.raises(DockwrightError) as err:
        find_test_setup(tmp_path)
    assert str(err.value).endswith("requirements-dev.txt:2: included file 'nowhere.txt' does not exist")


def test_dependency_groups_with_include_group(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        '[dependency-groups]\nlint = ["ruff"]\ntest = ["pytest>=8", {include-group = "lint"}]\n'
    )
    setup = find_test_setup(tmp_path)
    assert setup is not None and setup.requirements == ("pytest>=8", "ruff")
    assert setup.config_files == ("pyproject.toml",)


def test_poetry_group_gives_names_and_pytest_is_added(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.poetry.group.dev.dependencies]\nfakeredis = "^2.0"\n')
    setup = find_test_setup(tmp_path)
    assert setup is not None and setup.requirements == ("fakeredis", "pytest")


def test_django_without_pytest_uses_manage_py_test(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "manage.py").write_text("")
    setup = find_test_setup(tmp_path)
    assert setup is not None and setup.command == ("python", "manage.py", "test")


def test_no_tests_directory_means_no_test_step(tmp_path: Path) -> None:
    assert find_test_setup(tmp_path) is None
    text = ci_pipeline(build_plan(), "github", tests=None)[PIPELINE_FILES["github"]]
    assert "No tests/ directory was found" in text and "pytest" not in text


def test_invalid_toml_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "pyproject.toml").write_text("[project\n")
    with pytest.raises(DockwrightError, match=r"pyproject\.toml: invalid TOML"):
        find_test_setup(tmp_path)


# --- input errors and determinism ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"build_secrets": ("Bad Id",)}, "build secret id"),
        ({"registry_image": "ghcr.io/acme/shop:latest"}, "repository only"),
        ({"registry_image": "Not A Repo"}, "not a valid repository name"),
    ],
)
def test_bad_options_are_input_errors(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(DockwrightError, match=message):
        ci_pipeline(build_plan(), "github", **kwargs)


def test_unknown_provider() -> None:
    with pytest.raises(DockwrightError, match="unknown CI provider"):
        ci_pipeline(build_plan(), "jenkins")  # type: ignore[arg-type]


@pytest.mark.parametrize("provider", ["github", "gitlab"])
def test_deterministic_and_yaml_1_1_safe(provider: str) -> None:
    first = ci_pipeline(django_plan(), provider, tests=SETUP)  # type: ignore[arg-type]
    assert first == ci_pipeline(django_plan(), provider, tests=SETUP)  # type: ignore[arg-type]
    (text,) = first.values()
    assert pyyaml.safe_load(text) == load(text)


def test_verify_runs_against_the_apps_own_backing_services() -> None:
    plan = django_plan()
    steps = steps_by_name(github(plan=plan))
    start = steps["Start backing services (compose.yaml) and migrate"]["run"]
    assert "cp .env.example .env" in start
    assert "docker compose -p dwci -f compose.yaml up -d --wait postgres redis" in start
    assert start.index("up -d --wait") < start.index("manage.py migrate")
    for var in plan.env:
        if var.secret:
            assert f"s|^{var.name}=.*|{var.name}=$(random)|" in start  # no placeholder secret is used
    verify = steps["dockwright verify"]["run"]
    assert '--network "$VERIFY_NETWORK" --env-file .env' in verify
    assert steps["Stop backing services"]["if"] == "always()"
    gitlab_script = "\n".join(gitlab(plan=plan)["container"]["script"])
    assert gitlab_script.index("up -d --wait") < gitlab_script.index(
        'dockwright verify "$LOCAL_IMAGE" --network "$network"'
    )


def test_app_without_backing_services_is_verified_alone() -> None:
    steps = steps_by_name(github(plan=build_plan()))
    assert "Start backing services (compose.yaml) and migrate" not in steps
    assert steps["dockwright verify"]["run"] == 'dockwright verify "$LOCAL_IMAGE"\n'


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("pytest.ini", "[pytest]\nDJANGO_SETTINGS_MODULE = config.settings.test\n"),
        ("pyproject.toml", '[tool.pytest.ini_options]\nDJANGO_SETTINGS_MODULE = "config.settings.test"\n'),
        ("setup.cfg", "[tool:pytest]\nDJANGO_SETTINGS_MODULE = config.settings.test\n"),
    ],
)
def test_tests_run_with_the_settings_module_their_pytest_config_names(
    tmp_path: Path, name: str, text: str
) -> None:
    # The image's ENV names the production settings; the project's tests expect their own.
    (tmp_path / "tests").mkdir()
    (tmp_path / name).write_text(text)
    (tmp_path / "requirements-dev.txt").write_text("pytest-django\n")
    setup = find_test_setup(tmp_path)
    assert setup is not None and setup.env == (("DJANGO_SETTINGS_MODULE", "config.settings.test"),)
    script = in_image_test_script(build_plan(), setup)
    assert "--env DJANGO_SETTINGS_MODULE=config.settings.test " in script


def test_first_pytest_config_wins(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "pytest.ini").write_text("[pytest]\ntestpaths = tests\n")
    (tmp_path / "setup.cfg").write_text("[tool:pytest]\nDJANGO_SETTINGS_MODULE = other\n")
    setup = find_test_setup(tmp_path)
    assert setup is not None and setup.env == ()
