"""Helpers for the end-to-end tests: example copies, the dockwright CLI, compose stacks, HTTP.

Everything here runs real processes: ``python -m dockwright`` and the docker CLI. Servers are
reached on 127.0.0.1 only, and every compose project is labelled ``dockwright.test=1`` and taken
down with its volumes by the caller (see ``ComposeStack.down``).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLES_DIR = REPO / "examples"
EXAMPLES = ("fastapi-postgres-redis", "django-postgres-celery", "flask-redis")
# What `dockwright init` writes; committed in each example and compared by test_examples_regenerate.
GENERATED_FILES = ("Dockerfile", ".dockerignore", "compose.yaml", "compose.override.yaml", ".env.example")
TEST_LABEL = "dockwright.test=1"
# Debian's 20.10 client builds with BuildKit natively; newer clients here lack the buildx plugin.
DOCKER = os.environ.get("DOCKWRIGHT_DOCKER", "/usr/bin/docker")
# Files of a developer's checkout that must not leak into a test copy of an example.
COPY_IGNORE = shutil.ignore_patterns(
    "__pycache__", ".pytest_cache", ".venv", ".env", "staticfiles", "db.sqlite3"
)


def docker_env() -> dict[str, str]:
    return {**os.environ, "DOCKER_BUILDKIT": "1", "DOCKWRIGHT_DOCKER": DOCKER}


def run(
    args: Sequence[str], *, cwd: Path | None = None, timeout: float = 600, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run a command, capture its output, and fail with that output when ``check`` and it fails."""
    proc = subprocess.run(
        list(args), cwd=cwd, env=docker_env(), capture_output=True, text=True, timeout=timeout, check=False
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"`{' '.join(args)}` exited {proc.returncode}\n--- stdout\n{proc.stdout[-6000:]}\n"
            f"--- stderr\n{proc.stderr[-6000:]}"
        )
    return proc


def dockwright(
    *args: str, cwd: Path | None = None, timeout: float = 900, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """The installed CLI, exactly as a user runs it."""
    return run([sys.executable, "-m", "dockwright", *args], cwd=cwd, timeout=timeout, check=check)


def copy_example(name: str, dest: Path, *, keep_generated: bool = False) -> Path:
    """A copy of ``examples/<name>`` in ``dest``; without the generated files unless ``keep_generated``."""
    target = dest / name
    shutil.copytree(EXAMPLES_DIR / name, target, ignore=COPY_IGNORE)
    if not keep_generated:
        for rel in GENERATED_FILES:
            (target / rel).unlink(missing_ok=True)
    return target


def unique_name(prefix: str) -> str:
    """A compose project / image name no other run uses (lowercase, DNS-safe)."""
    return f"{prefix}-{os.getpid()}-{secrets.token_hex(3)}"


# --- .env ------------------------------------------------------------------------------------------


def parse_env_file(text: str) -> dict[str, str]:
    """KEY=VALUE lines of a dotenv file (comments and blank lines skipped, no interpolation)."""
    values: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        key = key.removeprefix("export ").strip()
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key] = value
    return values


def write_env_from_example(project: Path, overrides: Mapping[str, str]) -> dict[str, str]:
    """Write ``.env`` the way a user does: start from .env.example, replace what must be real.

    Every variable that looks secret gets a fresh random value, so no test depends on a placeholder
    being usable as a password.
    """
    values = parse_env_file((project / ".env.example").read_text(encoding="utf-8"))
    for key in values:
        if any(word in key for word in ("PASSWORD", "SECRET", "TOKEN")):
            values[key] = secrets.token_urlsafe(24)
    values.update(overrides)
    (project / ".env").write_text("".join(f"{k}={v}\n" for k, v in values.items()), encoding="utf-8")
    return values


# --- compose ---------------------------------------------------------------------------------------


@dataclass
class ComposeStack:
    """One compose project of an example, run from the generated compose.yaml plus a test override.

    The override only adapts the stack to the test run: the already-built image instead of a build,
    a random host port (still on 127.0.0.1), and the test label on every container, network and
    volume. compose.override.yaml (the development setup) is deliberately not loaded.
    """

    project_dir: Path
    project: str
    image: str
    app_service: str = "app"
    files: list[str] = field(default_factory=lambda: ["compose.yaml", "compose.e2e.yaml"])

    def compose(
        self, *args: str, timeout: float = 300, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        file_args = [arg for name in self.files for arg in ("-f", name)]
        return run(
            [DOCKER, "compose", "-p", self.project, *file_args, *args],
            cwd=self.project_dir,
            timeout=timeout,
            check=check,
        )

    def config(self, *files: str) -> dict[str, Any]:
        file_args = [arg for name in files for arg in ("-f", name)]
        out = run(
            [DOCKER, "compose", "-p", self.project, *file_args, "config", "--format", "json"],
            cwd=self.project_dir,
        )
        data: dict[str, Any] = json.loads(out.stdout)
        return data

    def write_override(self, app_port: int) -> dict[str, Any]:
        """compose.e2e.yaml, derived from what compose.yaml declares (the test never edits that file)."""
        base = self.config("compose.yaml")
        labels = {"dockwright.test": "1"}
        services: dict[str, Any] = {}
        for name, service in base["services"].items():
            entry: dict[str, Any] = {"labels": labels}
            if "build" in service:
                entry["image"] = self.image
                entry["pull_policy"] = "never"
            if name == self.app_service:
                # Same container port, random free host port, loopback only.
                entry["ports"] = [f"127.0.0.1::{app_port}"]
            services[name] = entry
        override: dict[str, Any] = {
            "services": services,
            "networks": {name: {"labels": labels} for name in base.get("networks", {"default": {}})},
        }
        if base.get("volumes"):
            override["volumes"] = {name: {"labels": labels} for name in base["volumes"]}
        # JSON is YAML; `!override` has no JSON spelling, so the ports list is replaced textually.
        text = json.dumps(override, indent=2)
        text = text.replace('"ports": [', '"ports": !override [')
        (self.project_dir / "compose.e2e.yaml").write_text(text + "\n", encoding="utf-8")
        return override

    def up(self, *services: str, timeout_s: int = 180) -> None:
        """Start ``services`` (all when none) and wait until every one is healthy or completed."""
        wait = ["--wait", "--wait-timeout", str(timeout_s)]
        self.compose("up", "-d", *wait, "--no-build", *services, timeout=timeout_s + 60)

    def down(self) -> None:
        # 5 s: the apps stop in about a second (verify proves it); the postgres stand-in ignores SIGTERM.
        self.compose("down", "--volumes", "--remove-orphans", "--timeout", "5", check=False)

    def host_port(self, container_port: int, service: str | None = None) -> int:
        out = self.compose("port", service or self.app_service, str(container_port)).stdout.strip()
        host, _, port = out.rpartition(":")
        assert host == "127.0.0.1", f"the app is published on {host!r}, not on 127.0.0.1 only"
        return int(port)

    def logs(self, service: str | None = None) -> str:
        args = ["logs", "--no-color", *([service] if service else [])]
        return self.compose(*args, check=False).stdout


def remove_labelled_leftovers(project_prefix: str) -> None:
    """Remove containers, volumes and networks labelled as test resources of one compose project prefix."""
    for kind in ("container", "volume", "network"):
        filters = [
            "--filter",
            f"label={TEST_LABEL}",
            "--filter",
            f"label=com.docker.compose.project={project_prefix}",
        ]
        listing = run(
            [DOCKER, kind, "ls", *(["-a"] if kind == "container" else []), "-q", *filters], check=False
        )
        ids = listing.stdout.split()
        if ids:
            run([DOCKER, kind, "rm", *(["-f"] if kind == "container" else []), *ids], check=False)


# --- HTTP ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def http(method: str, url: str, body: Any = None, *, timeout: float = 10) -> Response:
    """One HTTP request (JSON body when given); 4xx/5xx are returned, not raised."""
    assert url.startswith("http://127.0.0.1:"), "tests only talk to servers on 127.0.0.1"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            return Response(reply.status, {k.lower(): v for k, v in reply.headers.items()}, reply.read())
    except urllib.error.HTTPError as err:
        return Response(err.code, {k.lower(): v for k, v in err.headers.items()}, err.read())


def wait_for(predicate: Any, *, timeout: float, interval: float = 0.5, what: str = "condition") -> Any:
    """Poll ``predicate()`` until it returns something truthy; fail naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}; last value: {last!r}")


# --- BuildKit plain progress ---------------------------------------------------------------------


@dataclass(frozen=True)
class BuildStep:
    vertex: str  # "#7"
    stage: str  # "builder", "stage-1", "internal"
    instruction: str  # "RUN pip install ..." as BuildKit printed it
    cached: bool


_STEP_LINE = re.compile(r"^(#\d+) \[(?:(\S+)\s+)?\d+/\d+\] (.+)$")
_CACHED_LINE = re.compile(r"^(#\d+) CACHED$")


def buildkit_steps(log: str) -> list[BuildStep]:
    """The Dockerfile steps of a ``--progress plain`` BuildKit log, each with whether it was a cache hit."""
    steps: dict[str, tuple[str, str]] = {}
    cached: set[str] = set()
    for line in log.splitlines():
        line = line.strip()
        if match := _STEP_LINE.match(line):
            steps.setdefault(match.group(1), (match.group(2) or "", match.group(3)))
        elif match := _CACHED_LINE.match(line):
            cached.add(match.group(1))
    return [BuildStep(v, stage, instr, v in cached) for v, (stage, instr) in steps.items()]


def remove_image(ref: str) -> None:
    """Remove an image by every tag it carries (``dockwright build`` adds <name>:<sha> and :latest)."""
    inspect = run([DOCKER, "image", "inspect", "--format", "{{json .RepoTags}}", ref], check=False)
    if inspect.returncode != 0:
        return
    tags = json.loads(inspect.stdout or "[]") or [ref]
    run([DOCKER, "image", "rm", *tags], check=False)


_OWNER_PID = re.compile(r"^dwe2e[a-z-]*?-(\d+)-[0-9a-f]{6}")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_stale_resources() -> list[str]:
    """Remove what an earlier, killed e2e run left behind: names carry the pid of the run that made them.

    Only names of the form ``dwe2e...-<pid>-<hex>`` whose pid no longer runs are touched, so a
    concurrent run (another pid) keeps its images and stacks.
    """
    removed: list[str] = []
    projects = run([DOCKER, "ps", "-a", "--filter", f"label={TEST_LABEL}", "--format",
                    '{{.Label "com.docker.compose.project"}}'], check=False).stdout.split()  # fmt: skip
    for project in sorted(set(projects)):
        match = _OWNER_PID.match(project)
        if match and not _pid_alive(int(match.group(1))):
            remove_labelled_leftovers(project)
            removed.append(project)
    for kind in ("volume", "network"):
        names = run([DOCKER, kind, "ls", "-q", "--filter", f"label={TEST_LABEL}", "--format", "{{.Name}}"],
                    check=False).stdout.split()  # fmt: skip
        stale = [n for n in names if (m := _OWNER_PID.match(n)) and not _pid_alive(int(m.group(1)))]
        if stale:
            run([DOCKER, kind, "rm", *stale], check=False)
            removed.extend(stale)
    images = run([DOCKER, "image", "ls", "--format", "{{.Repository}}:{{.Tag}}"], check=False).stdout.split()
    for image in images:
        match = _OWNER_PID.match(image)
        if match and not _pid_alive(int(match.group(1))):
            run([DOCKER, "image", "rm", image], check=False)
            removed.append(image)
    return removed


# --- examples built once per session -----------------------------------------------------------


@dataclass(frozen=True)
class BuiltExample:
    name: str
    project: Path  # a private copy of the example, initialised by `dockwright init`
    image: str  # the tag this test run gave the image
    image_id: str
    build_output: str  # stdout + stderr of `dockwright build`


class ExampleImages:
    """Builds each example at most once per session, on first use; removes the tags it made at the end."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.built: dict[str, BuiltExample] = {}
        self.failed: dict[str, str] = {}

    def get(self, name: str) -> BuiltExample:
        assert name in EXAMPLES, name
        if name in self.failed:  # one failed build fails every test of that example, quickly
            pytest.fail(f"building {name} failed earlier in this session:\n{self.failed[name]}")
        if name not in self.built:
            try:
                self.built[name] = self._build(name)
            except AssertionError as err:
                self.failed[name] = str(err)
                raise
        return self.built[name]

    def _build(self, name: str) -> BuiltExample:
        project = copy_example(name, self.workdir)
        dockwright("init", str(project))
        image = f"dwe2e-{unique_name(name)}:test"
        proc = build_image(project, image)
        image_id = run([DOCKER, "image", "inspect", "--format", "{{.Id}}", image]).stdout.strip()
        return BuiltExample(name, project, image, image_id, proc)

    def cleanup(self) -> None:
        """Remove every tag that points at an image this session built (the build cache stays)."""
        for built in self.built.values():
            remove_image(built.image_id)


def build_image(project: Path, tag: str) -> str:
    """``dockwright build`` with host networking (the only route to the package index here)."""
    proc = dockwright("build", str(project), "--tag", tag, "--network", "host", timeout=900)
    return proc.stdout + proc.stderr
