"""CI pipelines from the container plan: build with BuildKit, test inside the image, lint, verify,
scan, and push only what passed, only from the default branch (or a release tag on it).

``ci_pipeline(plan, provider)`` is pure and returns ``{path: yaml}``. ``find_test_setup(root)``
is the one function that reads the project: how its tests run and what they need installed.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from dockwright import __version__
from dockwright.deploy import versions
from dockwright.deploy.k8s import dns_name
from dockwright.deploy.yamlio import dump
from dockwright.errors import DockwrightError
from dockwright.plan.model import ContainerPlan

Provider = Literal["github", "gitlab"]
PROVIDERS: tuple[Provider, ...] = ("github", "gitlab")

# Where each provider expects its pipeline file.
PIPELINE_FILES: dict[Provider, str] = {
    "github": ".github/workflows/container.yml",
    "gitlab": ".gitlab-ci.yml",
}

# Requirement files that hold test/dev dependencies, in the order projects commonly use them.
DEV_REQUIREMENT_FILES = (
    "requirements-dev.txt",
    "requirements-test.txt",
    "requirements_dev.txt",
    "requirements_test.txt",
    "dev-requirements.txt",
    "test-requirements.txt",
    "requirements/dev.txt",
    "requirements/test.txt",
    "requirements/development.txt",
    "requirements/testing.txt",
    "requirements/tests.txt",
)
DEV_GROUP_NAMES = ("test", "tests", "dev", "testing")
TEST_CONFIG_FILES = ("pytest.ini", "conftest.py", "setup.cfg", "tox.ini", "pyproject.toml")
# mode=max caches every stage (the builder too); the OCI image-manifest layout is what GHCR,
# ECR and GitLab's registry accept for cache manifests.
CACHE_TO_OPTIONS = "mode=max,image-manifest=true,oci-mediatypes=true"
OCI_LABELS = (
    '--label "org.opencontainers.image.revision=$CI_COMMIT_SHA" '
    '--label "org.opencontainers.image.source=$CI_PROJECT_URL"'
)
BUILD_SECRET_ID = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")


@dataclass(frozen=True)
class ProjectTests:
    """How the project's tests run inside the built image."""

    tests_path: str  # copied next to the app code in the test image, e.g. "tests"
    config_files: tuple[str, ...]  # pytest.ini, pyproject.toml... copied alongside
    requirements: tuple[str, ...]  # requirement lines installed on top of the app's venv
    command: tuple[str, ...]  # e.g. ("python", "-m", "pytest", "-p", "no:cacheprovider", "tests")
    source: str  # where the requirements came from, shown as a comment
    # Set on the test run: the image's own ENV (e.g. production DJANGO_SETTINGS_MODULE) would
    # otherwise win over the settings module the project's pytest configuration names.
    env: tuple[tuple[str, str], ...] = ()


# ---------------------------------------------------------------------------------------------
# reading the project (the edge)


def find_test_setup(root: Path) -> ProjectTests | None:
    """The project's tests and their dependencies, or None when it has no tests directory."""
    tests = next((name for name in ("tests", "test") if (root / name).is_dir()), None)
    if tests is None:
        return None
    requirements, source = _dev_requirements(root)
    configs = tuple(name for name in TEST_CONFIG_FILES if (root / name).is_file())
    uses_pytest = any("pytest" in line.lower() for line in requirements) or _configures_pytest(root, configs)
    if not uses_pytest and (root / "manage.py").is_file():
        command: tuple[str, ...] = ("python", "manage.py", "test")
    else:
        if not any(re.match(r"^pytest\b", line, re.IGNORECASE) for line in requirements):
            requirements = (*requirements, "pytest")
        # The image's root filesystem is read-only: no cache directory.
        command = ("python", "-m", "pytest", "-p", "no:cacheprovider", tests)
    env = (
        tuple(sorted(_pytest_django_settings(root).items()))
        if command[:3] == ("python", "-m", "pytest")
        else ()
    )
    return ProjectTests(tests, configs, requirements, command, source, env)


def _pytest_django_settings(root: Path) -> dict[str, str]:
    """DJANGO_SETTINGS_MODULE from the project's pytest configuration, in pytest's search order."""
    import configparser

    for name, section in (
        ("pytest.ini", "pytest"),
        ("pyproject.toml", ""),
        ("tox.ini", "pytest"),
        ("setup.cfg", "tool:pytest"),
    ):
        path = root / name
        if not path.is_file():
            continue
        if name == "pyproject.toml":
            try:
                options = tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {}).get("pytest", {})
            except tomllib.TOMLDecodeError as err:
                raise DockwrightError(f"invalid TOML: {err}", file=path) from err
            value = options.get("ini_options", {}).get("DJANGO_SETTINGS_MODULE")
        else:
            parser = configparser.ConfigParser(interpolation=None)
            try:
                parser.read(path, encoding="utf-8")
            except configparser.Error as err:
                raise DockwrightError(f"invalid ini file: {err}", file=path) from err
            if not parser.has_section(section):
                continue
            value = parser.get(section, "DJANGO_SETTINGS_MODULE", fallback=None)
        if value:
            return {"DJANGO_SETTINGS_MODULE": str(value).strip()}
        if name == "pytest.ini" or (name == "pyproject.toml" and options.get("ini_options")):
            return {}  # pytest stops at the first configuration file it finds
    return {}


def _configures_pytest(root: Path, configs: tuple[str, ...]) -> bool:
    if "pytest.ini" in configs or "conftest.py" in configs or (root / "tests" / "conftest.py").is_file():
        return True
    pyproject = root / "pyproject.toml"
    return pyproject.is_file() and "[tool.pytest" in pyproject.read_text(encoding="utf-8", errors="replace")


def _dev_requirements(root: Path) -> tuple[tuple[str, ...], str]:
    for name in DEV_REQUIREMENT_FILES:
        if (root / name).is_file():
            return tuple(_flatten_requirements(root / name, root, set())), name
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as err:
            raise DockwrightError(f"invalid TOML: {err}", file=pyproject) from err
        found = _pyproject_dev_requirements(data)
        if found:
            return found
    return (), "none found"


def _flatten_requirements(path: Path, root: Path, seen: set[Path]) -> list[str]:
    """Requirement lines with -r/-c includes inlined; local paths, editables and index options
    (which can carry credentials) dropped."""
    resolved = path.resolve()
    if resolved in seen:
        return []
    seen.add(resolved)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise DockwrightError(f"cannot read: {err.strerror}", file=path) from err
    lines: list[str] = []
    for number, raw in enumerate(text.replace("\\\n", " ").splitlines(), start=1):
        line = " ".join(re.sub(r"(^|\s)#.*$", "", raw).split())
        if not line:
            continue
        include = re.match(r"^(?:-r|--requirement|-c|--constraint)(?:\s+|=)(\S+)$", line)
        if include:
            target = path.parent / include.group(1)
            if not target.is_file():
                raise DockwrightError(
                    f"included file {include.group(1)!r} does not exist", file=path, line=number
                )
            lines.extend(_flatten_requirements(target, root, seen))
            continue
        if line.startswith(
            ("-e", "--editable", "-i", "--index-url", "--extra-index-url", "-f", "--find-links")
        ):
            continue
        if line.startswith((".", "/", "file:")):
            continue  # the project itself is already in the image
        lines.append(line)
    return list(dict.fromkeys(lines))


def _pyproject_dev_requirements(data: dict[str, Any]) -> tuple[tuple[str, ...], str] | None:
    groups = data.get("dependency-groups")
    if isinstance(groups, dict):
        for name in DEV_GROUP_NAMES:
            if name in groups:
                return tuple(_expand_group(groups, name, set())), f"pyproject.toml [dependency-groups] {name}"
    extras = data.get("project", {}).get("optional-dependencies", {})
    for name in DEV_GROUP_NAMES:
        if isinstance(extras.get(name), list):
            return tuple(
                str(r) for r in extras[name]
            ), f"pyproject.toml [project.optional-dependencies] {name}"
    pdm = data.get("tool", {}).get("pdm", {}).get("dev-dependencies", {})
    for name in DEV_GROUP_NAMES:
        if isinstance(pdm.get(name), list):
            return tuple(
                str(r) for r in pdm[name] if not str(r).startswith("-e")
            ), f"[tool.pdm.dev-dependencies] {name}"
    poetry_groups = data.get("tool", {}).get("poetry", {}).get("group", {})
    for name in DEV_GROUP_NAMES:
        deps = poetry_groups.get(name, {}).get("dependencies")
        if isinstance(deps, dict):
            # Poetry's constraint syntax is not pip's: names only, resolved against the app's pins.
            return tuple(sorted(deps)), f"[tool.poetry.group.{name}.dependencies] (names only)"
    return None


def _expand_group(groups: dict[str, Any], name: str, seen: set[str]) -> list[str]:
    if name in seen:
        return []
    seen.add(name)
    lines: list[str] = []
    for item in groups.get(name, []):
        if isinstance(item, str):
            lines.append(item)
        elif isinstance(item, dict) and "include-group" in item:
            lines.extend(_expand_group(groups, str(item["include-group"]), seen))
    return lines


# ---------------------------------------------------------------------------------------------
# shell steps shared by both providers


def _sh_quote(value: str) -> str:
    return value if re.fullmatch(r"[A-Za-z0-9_./:=@%+-]+", value) else "'" + value.replace("'", "'\\''") + "'"


def in_image_test_script(plan: ContainerPlan, setup: ProjectTests, image_var: str = "LOCAL_IMAGE") -> str:
    """Build a throwaway image FROM the candidate with the test dependencies added, then run the
    tests in it as the app user on a read-only root: the code and venv under test are the ones
    that ship, the shipped image itself never gets the test tools."""
    workdir = plan.runtime.workdir.rstrip("/") or "/"
    copies = [f'cp -R {_sh_quote(setup.tests_path)} "$ctx/{setup.tests_path}"']
    copies += [f'cp {_sh_quote(name)} "$ctx/{name}"' for name in setup.config_files]
    dockerfile = [
        f"FROM ${image_var}",
        "USER 0",
        # uv-built venvs have no pip; ensurepip ships with CPython and works offline.
        "RUN python -m pip --version >/dev/null 2>&1 || python -m ensurepip --default-pip",
        "COPY test-requirements.txt /tmp/test-requirements.txt",
        "RUN python -m pip install --no-cache-dir --disable-pip-version-check -r /tmp/test-requirements.txt",
        f"COPY {setup.tests_path} {workdir}/{setup.tests_path}",
        *(f"COPY {name} {workdir}/{name}" for name in setup.config_files),
        f"USER {plan.runtime.uid}:{plan.runtime.gid}",
    ]
    lines = [
        "set -eu",
        'ctx="$(mktemp -d)"',
        *copies,
        f"# test dependencies from {setup.source}",
        "cat > \"$ctx/test-requirements.txt\" <<'REQUIREMENTS'",
        *setup.requirements,
        "REQUIREMENTS",
        'cat > "$ctx/Dockerfile" <<DOCKERFILE',
        *dockerfile,
        "DOCKERFILE",
        # The docker driver sees the loaded candidate; a docker-container builder would try to pull it.
        f'BUILDX_BUILDER=default docker build --tag "${image_var}-tests" "$ctx"',
        "docker run --rm --read-only --tmpfs /tmp --cap-drop ALL "
        + "".join(f"--env {_sh_quote(f'{k}={v}')} " for k, v in setup.env)
        + f'"${image_var}-tests" '
        + " ".join(_sh_quote(arg) for arg in setup.command),
    ]
    return "\n".join(lines) + "\n"


COMPOSE_PROJECT = "dwci"  # compose project of the backing services started for verify


def _shell_word(value: str) -> str:
    """Double-quoted so compose-style ${VAR} references expand from the sourced .env; refuses
    characters that would need more escaping than that (never produced by the plan)."""
    if re.search(r'["`\\!]', value):
        raise DockwrightError(f"cannot quote {value!r} for the pipeline shell")
    return f'"{value}"'


def backing_services(plan: ContainerPlan) -> tuple[str, ...]:
    """Compose services that are backing stores (pinned images), e.g. ("postgres", "redis")."""
    return tuple(s.name for s in plan.services if s.image is not None)


def services_script(plan: ContainerPlan) -> str:
    """Start the app's backing services from its own compose.yaml with throwaway credentials, and
    run its migrations with the candidate image, so verify checks a configured app, as it runs."""
    stores = backing_services(plan)
    lines = [
        "set -eu",
        "# .env from the committed .env.example; every secret gets a throwaway random value.",
        "cp .env.example .env",
        "random() { python3 -c 'import secrets; print(secrets.token_hex(24))'; }",
    ]
    for var in plan.env:
        if var.secret and var.placeholder:
            lines.append(f'sed -i "s|^{var.name}=.*|{var.name}=$(random)|" .env')
    lines += [
        f"docker compose -p {COMPOSE_PROJECT} -f compose.yaml up -d --wait {' '.join(stores)}",
        f'network="$(docker network ls --filter label=com.docker.compose.project={COMPOSE_PROJECT} '
        "--format '{{.Name}}' | head -n 1)\"",
        'echo "VERIFY_NETWORK=$network" >> "${GITHUB_ENV:-/dev/null}"',
    ]
    if plan.migrate_command:
        lines += [
            "set -a; . ./.env; set +a",
            f'docker run --rm --network "$network" --env-file .env {_wired_env_flags(plan)}"$LOCAL_IMAGE" '
            + " ".join(_sh_quote(arg) for arg in plan.migrate_command),
        ]
    return "\n".join(lines) + "\n"


def _wired_env_flags(plan: ContainerPlan) -> str:
    return "".join(f"--env {_shell_word(f'{k}={v}')} " for k, v in sorted(plan.app_environment.items()))


def verify_script(plan: ContainerPlan, network_expr: str) -> str:
    """``dockwright verify`` on the candidate; with backing services, on their network and with the
    connection settings compose would give the app."""
    if not backing_services(plan):
        return 'dockwright verify "$LOCAL_IMAGE"\n'
    command = f'dockwright verify "$LOCAL_IMAGE" --network "{network_expr}" --env-file .env '
    return "set -a; . ./.env; set +a\n" + (command + _wired_env_flags(plan)).rstrip() + "\n"


def required_files(plan: ContainerPlan) -> tuple[str, ...]:
    """Files the pipeline uses from the repository (written by `dockwright init`)."""
    return ("Dockerfile", *(("compose.yaml", ".env.example") if backing_services(plan) else ()))


def _trivy(image_var: str) -> str:
    return (
        "docker run --rm -v /var/run/docker.sock:/var/run/docker.sock "
        f"{versions.TRIVY_IMAGE} image --exit-code 1 --severity HIGH,CRITICAL --ignore-unfixed --no-progress "
        f'"${image_var}"'
    )


def _check_secret_ids(build_secrets: tuple[str, ...]) -> None:
    for secret in build_secrets:
        if not BUILD_SECRET_ID.match(secret):
            raise DockwrightError(f"build secret id {secret!r}: use lowercase letters, digits, '_' and '-'")


def _secret_env(secret: str) -> str:
    return secret.upper().replace("-", "_")


# ---------------------------------------------------------------------------------------------
# GitHub Actions


def _github(
    plan: ContainerPlan,
    setup: ProjectTests | None,
    registry_image: str | None,
    build_secrets: tuple[str, ...],
) -> str:
    actions = versions.GITHUB_ACTIONS
    name = dns_name(plan.name)
    default_branch = "format('refs/heads/{0}', github.event.repository.default_branch)"
    on_release_ref = f"github.ref == {default_branch} || startsWith(github.ref, 'refs/tags/v')"
    release = f"github.event_name == 'push' && ({on_release_ref})"
    secrets_input = "\n".join(f"{s}=${{{{ secrets.{_secret_env(s)} }}}}" for s in build_secrets)
    cache_from = "type=registry,ref=${{ env.IMAGE }}:buildcache"

    def build_with(extra: dict[str, Any]) -> dict[str, Any]:
        spec: dict[str, Any] = {
            "context": ".",
            **extra,
            "labels": "${{ steps.meta.outputs.labels }}",
            "cache-from": cache_from,
        }
        if secrets_input:
            spec["secrets"] = secrets_input + "\n"
        return spec

    if registry_image:
        image_step = {"name": "Image name", "run": f'echo "IMAGE={registry_image}" >> "$GITHUB_ENV"\n'}
        login = {
            "registry": registry_image.split("/", 1)[0],
            "username": "${{ secrets.REGISTRY_USERNAME }}",
            "password": "${{ secrets.REGISTRY_PASSWORD }}",
        }
    else:
        # Registry paths must be lowercase; GitHub owner names often are not.
        image_step = {
            "name": "Image name",
            "run": 'echo "IMAGE=ghcr.io/${GITHUB_REPOSITORY,,}" >> "$GITHUB_ENV"\n',
        }
        login = {
            "registry": "ghcr.io",
            "username": "${{ github.actor }}",
            "password": "${{ secrets.GITHUB_TOKEN }}",
        }

    steps: list[dict[str, Any]] = [
        # Full history: a release tag is checked to be on the default branch before it is pushed.
        {"name": "Check out", "uses": actions["checkout"], "with": {"fetch-depth": 0}},
        image_step,
        {"name": "Set up BuildKit", "uses": actions["setup-buildx"]},
        {
            "name": "Log in to the registry",
            # Forks get no registry credentials; their builds still run, without the cache.
            "if": (
                "github.event_name != 'pull_request'"
                " || github.event.pull_request.head.repo.full_name == github.repository"
            ),
            "uses": actions["login"],
            "with": login,
        },
        {
            "name": "Tags: commit SHA, and the version on release tags",
            "id": "meta",
            "uses": actions["metadata"],
            "with": {
                "images": "${{ env.IMAGE }}",
                "tags": "type=sha,format=long,prefix=\ntype=semver,pattern={{version}}\n",
            },
        },
        {
            "name": "Build the candidate image",
            "uses": actions["build-push"],
            "with": build_with({"load": True, "push": False, "tags": "${{ env.LOCAL_IMAGE }}"}),
        },
    ]
    if setup is not None:
        steps.append(
            {"name": "Run the project's tests inside the image", "run": in_image_test_script(plan, setup)}
        )
    steps += [
        {"name": "Install dockwright", "run": f'pipx install "dockwright=={__version__}"\n'},
        {"name": "dockwright lint", "run": "dockwright lint --format github .\n"},
        *(
            [{"name": "Start backing services (compose.yaml) and migrate", "run": services_script(plan)}]
            if backing_services(plan)
            else []
        ),
        {"name": "dockwright verify", "run": verify_script(plan, "$VERIFY_NETWORK")},
        {"name": "Scan the image with Trivy", "run": _trivy("LOCAL_IMAGE") + "\n"},
        *(
            [
                {
                    "name": "Stop backing services",
                    "if": "always()",
                    "run": f"docker compose -p {COMPOSE_PROJECT} -f compose.yaml down --volumes || true\n",
                }
            ]
            if backing_services(plan)
            else []
        ),
        {
            "name": "Release tags must point at the default branch",
            "if": "startsWith(github.ref, 'refs/tags/v')",
            "run": (
                'git merge-base --is-ancestor "$GITHUB_SHA" "origin/$DEFAULT_BRANCH" || '
                '{ echo "::error::$GITHUB_REF_NAME is not on $DEFAULT_BRANCH; not pushing"; exit 1; }\n'
            ),
            "env": {"DEFAULT_BRANCH": "${{ github.event.repository.default_branch }}"},
        },
        {
            "name": "Push (default branch and release tags only)",
            "id": "push",
            "if": release,
            "uses": actions["build-push"],
            # Same inputs as the candidate: BuildKit's cache makes this the tested image, now pushed.
            "with": build_with(
                {
                    "push": True,
                    "tags": "${{ steps.meta.outputs.tags }}",
                    "cache-to": "type=registry,ref=${{ env.IMAGE }}:buildcache," + CACHE_TO_OPTIONS,
                }
            ),
        },
        {
            "name": "Deploy with the digest",
            "if": release,
            "run": (
                'echo "Pushed $IMAGE@$DIGEST. Kubernetes: dockwright k8s --image $IMAGE@$DIGEST" '
                '>> "$GITHUB_STEP_SUMMARY"\n'
            ),
            "env": {"DIGEST": "${{ steps.push.outputs.digest }}"},
        },
    ]
    workflow = {
        "name": f"container ({name})",
        "on": {"push": {"branches": ["**"], "tags": ["v*.*.*"]}, "pull_request": None},
        "permissions": {"contents": "read"},
        "concurrency": {
            "group": "container-${{ github.ref }}",
            # Never cancel a push half-way on the default branch; superseded PR runs may go.
            "cancel-in-progress": "${{ github.event_name == 'pull_request' }}",
        },
        "env": {"LOCAL_IMAGE": f"{name}:ci"},
        "jobs": {
            "image": {
                "runs-on": versions.GITHUB_RUNNER,
                "timeout-minutes": 45,
                "permissions": {"contents": "read", "packages": "write"},
                "steps": steps,
            }
        },
    }
    return dump(workflow, header=_header("github", setup, build_secrets))


# ---------------------------------------------------------------------------------------------
# GitLab CI


def _gitlab(
    plan: ContainerPlan,
    setup: ProjectTests | None,
    registry_image: str | None,
    build_secrets: tuple[str, ...],
) -> str:
    name = dns_name(plan.name)
    # Build secrets come from CI/CD variables of the same name, upper-cased (masked, protected).
    secret_flags = "".join(f" --secret id={s},env={_secret_env(s)}" for s in build_secrets)
    cache = '--cache-from "type=registry,ref=$IMAGE:buildcache"'
    build = f'docker buildx build --load --tag "$LOCAL_IMAGE" {cache}{secret_flags} \\\n'
    build += f"  {OCI_LABELS} .\n"
    push = "\n".join(
        [
            'if [ "${CI_COMMIT_BRANCH:-}" = "$CI_DEFAULT_BRANCH" ] || [ -n "${CI_COMMIT_TAG:-}" ]; then',
            '  extra=""',
            '  if [ -n "${CI_COMMIT_TAG:-}" ]; then',
            '    git fetch --quiet origin "$CI_DEFAULT_BRANCH"',
            '    git merge-base --is-ancestor "$CI_COMMIT_SHA" FETCH_HEAD \\',
            '      || { echo "$CI_COMMIT_TAG is not on $CI_DEFAULT_BRANCH; not pushing"; exit 1; }',
            '    extra="--tag $IMAGE:${CI_COMMIT_TAG#v}"',
            "  fi",
            "  # Same inputs as the candidate: BuildKit's cache makes this the tested image, now pushed.",
            f'  docker buildx build --push --tag "$IMAGE:$CI_COMMIT_SHA" $extra {cache}{secret_flags} \\',
            f'    --cache-to "type=registry,ref=$IMAGE:buildcache,{CACHE_TO_OPTIONS}" \\',
            f"    {OCI_LABELS} .",
            "fi",
        ]
    )
    script: list[str] = [build]
    if setup is not None:
        script.append(in_image_test_script(plan, setup))
    script += [
        # With the docker executor the dind service has its own network namespace: verify
        # needs the engine on localhost (Kubernetes executor, or a runner sharing the host socket).
        *([services_script(plan)] if backing_services(plan) else []),
        verify_script(plan, "$network"),
        _trivy("LOCAL_IMAGE"),
        push + "\n",
    ]
    if registry_image:
        login = (
            'echo "$REGISTRY_PASSWORD" | docker login --username "$REGISTRY_USERNAME" --password-stdin '
            + registry_image.split("/", 1)[0]
        )
    else:
        login = (
            'echo "$CI_REGISTRY_PASSWORD" | docker login --username "$CI_REGISTRY_USER" '
            '--password-stdin "$CI_REGISTRY"'
        )
    pipeline: dict[str, Any] = {
        "workflow": {
            "rules": [
                {"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'},
                {"if": "$CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS", "when": "never"},
                {"if": "$CI_COMMIT_BRANCH"},
                {"if": r"$CI_COMMIT_TAG =~ /^v[0-9]+\.[0-9]+\.[0-9]+/"},
            ]
        },
        "stages": ["lint", "image"],
        "variables": {
            "LOCAL_IMAGE": f"{name}:ci",
            "IMAGE": registry_image or "$CI_REGISTRY_IMAGE",
            "DOCKWRIGHT_VERSION": __version__,
        },
        "lint": {
            "stage": "lint",
            "image": plan.base_image,
            "script": [
                'python -m pip install --no-cache-dir "dockwright==$DOCKWRIGHT_VERSION"',
                "dockwright lint .",
            ],
        },
        # Not "image": that is GitLab's keyword for the default job image.
        "container": {
            "stage": "image",
            "image": versions.DOCKER_CLI_IMAGE,
            "services": [versions.DOCKER_DIND_IMAGE],
            "timeout": "45 minutes",
            "variables": {
                "DOCKER_HOST": "tcp://docker:2376",
                "DOCKER_TLS_CERTDIR": "/certs",
                "DOCKER_TLS_VERIFY": "1",
                "DOCKER_CERT_PATH": "/certs/client",
                "GIT_DEPTH": "0",  # full history: release tags are checked against the default branch
            },
            "before_script": [
                "apk add --no-cache git python3",
                "python3 -m venv /opt/dockwright",
                '/opt/dockwright/bin/pip install --no-cache-dir "dockwright==$DOCKWRIGHT_VERSION"',
                'export PATH="/opt/dockwright/bin:$PATH"',
                login,
                # The docker-container driver can export the cache to the registry; the default cannot.
                "docker buildx create --name ci --driver docker-container --use",
            ],
            "script": script,
        },
    }
    return dump(pipeline, header=_header("gitlab", setup, build_secrets))


def _header(provider: Provider, setup: ProjectTests | None, build_secrets: tuple[str, ...]) -> list[str]:
    lines = [
        f"Generated by `dockwright ci --provider {provider}` from the container plan.",
        "Builds with BuildKit and a registry cache, tests inside the built image, runs dockwright lint",
        "and verify, scans with Trivy, and pushes <commit sha> (and <version> on v* tags) only from the",
        "default branch. Secrets never go into build args (they stay in the image history): pass them",
        "as BuildKit secrets (`dockwright ci --build-secret ID`, RUN --mount=type=secret,id=ID).",
    ]
    if provider == "github":
        lines += [
            "Actions are pinned by major tag; pin full commit SHAs for a stricter supply-chain policy",
            "(tags can be moved, as the March 2026 Trivy incident showed).",
        ]
    if build_secrets:
        names = ", ".join(_secret_env(s) for s in build_secrets)
        where = "repository secrets" if provider == "github" else "masked CI/CD variables"
        lines.append(f"Build secrets read from {where}: {names}.")
    if setup is None:
        lines.append("No tests/ directory was found: add tests and re-run `dockwright ci --force`.")
    else:
        lines.append(
            f"Test dependencies come from {setup.source}; re-run `dockwright ci --force` when they change."
        )
    lines.append("")
    return lines


def ci_pipeline(
    plan: ContainerPlan,
    provider: Provider,
    *,
    tests: ProjectTests | None = None,
    registry_image: str | None = None,
    build_secrets: tuple[str, ...] = (),
) -> dict[str, str]:
    """{pipeline path: YAML} for ``provider``. ``registry_image`` overrides GHCR / the GitLab registry."""
    if provider not in PROVIDERS:
        raise DockwrightError(f"unknown CI provider {provider!r}; choose one of: {', '.join(PROVIDERS)}")
    _check_secret_ids(build_secrets)
    if registry_image is not None:
        from dockwright.deploy.imageref import split_image_ref

        ref = split_image_ref(registry_image)
        if ref.tag or ref.digest:
            raise DockwrightError(
                f"--registry-image {registry_image!r}: give the repository only, CI adds the tags"
            )
    render = _github if provider == "github" else _gitlab
    return {PIPELINE_FILES[provider]: render(plan, tests, registry_image, tuple(sorted(set(build_secrets))))}
