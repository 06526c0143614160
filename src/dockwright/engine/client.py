"""The Docker CLI, probed once, and every docker command dockwright runs.

This module is the ONLY place that starts ``docker``. It picks a client that can build with BuildKit:

- a client with the buildx plugin builds with ``docker buildx build --load``;
- a client older than 23.0 (e.g. Debian's 20.10 ``/usr/bin/docker``) builds with BuildKit natively
  when ``DOCKER_BUILDKIT=1`` is set;
- a newer client without buildx cannot use BuildKit at all ("BuildKit is enabled but the buildx
  component is missing"), so it is skipped, and when no candidate works the error says what to install.

``DOCKWRIGHT_DOCKER`` names the binary to use and disables the search.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from dockwright.errors import EngineError

Builder = Literal["buildx", "buildkit"]

# Docker 23.0 made `docker build` an alias of buildx; from then on BuildKit needs the plugin.
FIRST_CLIENT_WITHOUT_NATIVE_BUILDKIT = (23, 0)

INSTALL_HINT = (
    "install the buildx plugin (Debian/Ubuntu: `apt-get install docker-buildx` or Docker's "
    "`docker-buildx-plugin`; or put the buildx binary at ~/.docker/cli-plugins/docker-buildx), "
    "or point DOCKWRIGHT_DOCKER at a client that builds with BuildKit natively (docker 18.09-22.x)"
)


def parse_version(text: str) -> tuple[int, int]:
    """``"20.10.24+dfsg1"`` -> ``(20, 10)``; unparseable -> ``(0, 0)``."""
    parts = text.strip().lstrip("v").split(".")
    try:
        return int(parts[0]), int("".join(ch for ch in parts[1] if ch.isdigit()) or 0)
    except (IndexError, ValueError):
        return (0, 0)


def choose_builder(client_version: str, has_buildx: bool) -> Builder | None:
    """How a client builds with BuildKit, or None when it cannot."""
    if has_buildx:
        return "buildx"
    version = parse_version(client_version)
    if (18, 9) <= version < FIRST_CLIENT_WITHOUT_NATIVE_BUILDKIT:
        return "buildkit"
    return None


def candidate_binaries(env: Mapping[str, str]) -> list[str]:
    """DOCKWRIGHT_DOCKER alone when set, else every ``docker`` on PATH, then Debian's /usr/bin/docker."""
    override = env.get("DOCKWRIGHT_DOCKER")
    if override:
        return [override]
    found: list[str] = []
    for directory in env.get("PATH", os.defpath).split(os.pathsep):
        path = os.path.join(directory or ".", "docker")
        if os.access(path, os.X_OK) and not os.path.isdir(path):
            real = os.path.realpath(path)
            if real not in {os.path.realpath(p) for p in found}:
                found.append(path)
    if os.access("/usr/bin/docker", os.X_OK) and os.path.realpath("/usr/bin/docker") not in {
        os.path.realpath(p) for p in found
    }:
        found.append("/usr/bin/docker")
    return found


def _tail(text: str, lines: int = 20) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


@dataclass(frozen=True)
class BuildResult:
    image_id: str | None
    returncode: int
    log: str


@dataclass(frozen=True)
class Docker:
    """A probed docker client. Methods raise EngineError (exit 2) when docker itself fails."""

    binary: str
    client_version: str
    server_version: str
    builder: Builder

    # ---- plumbing -------------------------------------------------------------------------------
    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.builder == "buildkit":
            env["DOCKER_BUILDKIT"] = "1"
        return env

    def run(
        self,
        args: Sequence[str],
        *,
        check: bool = True,
        timeout: float | None = 600,
        input_text: str | None = None,
        cwd: str | Path | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """Run ``docker ARGS`` and capture its output; ``check`` turns a failure into EngineError."""
        cmd = [self.binary, *args]
        try:
            proc = subprocess.run(
                cmd,
                capture_output=True,
                text=True,
                timeout=timeout,
                input=input_text,
                env=self.env(),
                cwd=cwd,
                check=False,
            )
        except subprocess.TimeoutExpired as err:
            raise EngineError(f"`docker {' '.join(args[:3])}` did not finish within {timeout:.0f} s") from err
        if check and proc.returncode != 0:
            raise EngineError(f"`docker {' '.join(args[:3])}` failed: {_tail(proc.stderr or proc.stdout, 5)}")
        return proc

    def json(self, args: Sequence[str]) -> Any:
        return json.loads(self.run(args).stdout)

    # ---- images ---------------------------------------------------------------------------------
    def image_inspect(self, ref: str) -> dict[str, Any] | None:
        proc = self.run(["image", "inspect", ref], check=False)
        if proc.returncode != 0:
            return None
        data: list[dict[str, Any]] = json.loads(proc.stdout)
        return data[0]

    def images_inspect_all(self) -> list[dict[str, Any]]:
        """Inspect every local image (for finding the base of an image by its layer chain)."""
        ids = sorted(set(self.run(["image", "ls", "-q", "--no-trunc"]).stdout.split()))
        if not ids:
            return []
        # Another process may delete an image between the listing and the inspect: docker then still
        # prints the others and exits 1 ("No such image"), so the vanished ones are simply left out.
        proc = self.run(["image", "inspect", *ids], check=False)
        try:
            data: list[dict[str, Any]] = json.loads(proc.stdout or "[]")
        except json.JSONDecodeError:
            data = []
        if proc.returncode != 0 and not data and "No such image" not in proc.stderr:
            raise EngineError(f"docker image inspect failed: {proc.stderr.strip()}")
        return data

    def history(self, ref: str) -> list[dict[str, str]]:
        """``docker history`` rows, newest first, sizes in bytes, commands untruncated."""
        out = self.run(["history", "--no-trunc", "--human=false", "--format", "{{json .}}", ref]).stdout
        return [json.loads(line) for line in out.splitlines() if line.strip()]

    def save(self, ref: str, dest: Path) -> None:
        self.run(["save", "-o", str(dest), ref], timeout=1800)

    def tag(self, source: str, target: str) -> None:
        self.run(["tag", source, target])

    def push(self, ref: str) -> str | None:
        """Push ``ref``; the digest the registry now serves it under (None if docker did not say)."""
        out = self.run(["push", ref], timeout=3600).stdout
        match = re.search(r"digest: (sha256:[0-9a-f]{64})", out)
        return match.group(1) if match else None

    def build(
        self,
        args: Sequence[str],
        *,
        cwd: Path,
        iidfile: Path,
        on_line: Callable[[str], None] | None = None,
    ) -> BuildResult:
        """Build with BuildKit, streaming each plain-progress line to ``on_line``."""
        if self.builder == "buildx":
            cmd = [self.binary, "buildx", "build", "--load"]
        else:
            cmd = [self.binary, "build"]
        cmd += ["--progress", "plain", "--iidfile", str(iidfile), *args]
        proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
        lines: list[str] = []
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                lines.append(line)
                if on_line is not None:
                    on_line(line.rstrip("\n"))
            returncode = proc.wait()
        finally:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=30)
        image_id = iidfile.read_text().strip() if returncode == 0 and iidfile.exists() else None
        return BuildResult(image_id=image_id, returncode=returncode, log="".join(lines))

    # ---- containers -----------------------------------------------------------------------------
    def run_detached(self, image: str, options: Sequence[str], command: Sequence[str] = ()) -> str:
        """``docker run -d OPTIONS IMAGE [COMMAND]`` -> container id."""
        return self.run(["run", "-d", *options, image, *command], timeout=120).stdout.strip()

    def container_inspect(self, container: str) -> dict[str, Any]:
        data: list[dict[str, Any]] = self.json(["container", "inspect", container])
        return data[0]

    def port(self, container: str, port: int) -> int:
        """The 127.0.0.1 host port docker picked for ``port``."""
        out = self.run(["port", container, f"{port}/tcp"]).stdout
        for line in out.splitlines():
            host, _, host_port = line.strip().rpartition(":")
            if host in {"127.0.0.1", "0.0.0.0"} and host_port.isdigit():
                return int(host_port)
        raise EngineError(
            f"container {container[:12]} does not publish port {port} on 127.0.0.1: {out.strip()}"
        )

    def logs(self, container: str, *, tail: int | None = None) -> str:
        args = ["logs", *(["--tail", str(tail)] if tail is not None else []), container]
        proc = self.run(args, check=False)
        return proc.stdout + proc.stderr

    def top_uids(self, container: str) -> list[str]:
        """Effective UIDs of the container's processes, as the host's ps sees them."""
        out = self.run(["top", container, "-eo", "uid"], check=False).stdout
        return [line.strip() for line in out.splitlines()[1:] if line.strip()]

    def exec(self, container: str, command: Sequence[str]) -> subprocess.CompletedProcess[str]:
        return self.run(["exec", container, *command], check=False, timeout=60)

    def stop(self, container: str, timeout_s: int) -> None:
        self.run(["stop", "-t", str(timeout_s), container], timeout=timeout_s + 30)

    def remove_labelled(self, label: str) -> list[str]:
        """Remove every container, network and volume carrying ``label`` (``key=value``)."""
        removed: list[str] = []
        containers = self.run(["ps", "-aq", "--filter", f"label={label}"], check=False).stdout.split()
        if containers:
            self.run(["rm", "-f", "-v", *containers], check=False)
            removed += containers
        networks = self.run(["network", "ls", "-q", "--filter", f"label={label}"], check=False).stdout.split()
        if networks:
            self.run(["network", "rm", *networks], check=False)
            removed += networks
        volumes = self.run(["volume", "ls", "-q", "--filter", f"label={label}"], check=False).stdout.split()
        if volumes:
            self.run(["volume", "rm", "-f", *volumes], check=False)
            removed += volumes
        return removed

    def create_network(self, name: str, labels: Iterable[str]) -> str:
        label_args = [arg for label in labels for arg in ("--label", label)]
        return self.run(["network", "create", *label_args, name]).stdout.strip()

    # ---- compose --------------------------------------------------------------------------------
    def compose(
        self, args: Sequence[str], *, cwd: Path, project: str | None = None, timeout: float = 600
    ) -> subprocess.CompletedProcess[str]:
        """``docker compose [-p PROJECT] ARGS`` in ``cwd``; the caller checks the return code."""
        project_args = ["-p", project] if project else []
        return self.run(["compose", *project_args, *args], check=False, cwd=cwd, timeout=timeout)


def _probe_one(binary: str) -> tuple[Docker | None, str]:
    """(client, "") when ``binary`` works, else (None, why not)."""
    path = shutil.which(binary) or binary
    if not os.access(path, os.X_OK):
        return None, f"{binary}: not an executable"
    try:
        proc = subprocess.run(
            [path, "version", "--format", "{{json .}}"], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        return None, f"{path}: {err}"
    try:
        info: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[0]) if proc.stdout.strip() else {}
    except json.JSONDecodeError:
        info = {}
    client = (info.get("Client") or {}).get("Version", "")
    server = (info.get("Server") or {}) or {}
    if not client:
        return None, f"{path}: `docker version` printed no client version ({_tail(proc.stderr, 2)})"
    if not server.get("Version"):
        return None, (
            f"{path} (client {client}): no Docker engine answers ({_tail(proc.stderr, 2)}); "
            "start dockerd (on Debian as root: scripts/provision-engine)"
        )
    has_buildx = (
        subprocess.run([path, "buildx", "version"], capture_output=True, text=True, timeout=30).returncode
        == 0
    )
    builder = choose_builder(client, has_buildx)
    if builder is None:
        return None, f"{path} (client {client}) has no buildx plugin and cannot build with BuildKit natively"
    return Docker(binary=path, client_version=client, server_version=server["Version"], builder=builder), ""


_PROBED: dict[tuple[str, ...], Docker] = {}


def get_docker(env: Mapping[str, str] | None = None) -> Docker:
    """The first docker client that reaches an engine and builds with BuildKit (cached per process)."""
    env = os.environ if env is None else env
    candidates = candidate_binaries(env)
    key = tuple(candidates)
    if key in _PROBED:
        return _PROBED[key]
    if not candidates:
        raise EngineError(
            "no `docker` CLI found on PATH; install Docker (Debian: `apt-get install docker.io`)"
        )
    reasons: list[str] = []
    for binary in candidates:
        docker, why = _probe_one(binary)
        if docker is not None:
            _PROBED[key] = docker
            return docker
        reasons.append(why)
    if all("no Docker engine answers" in reason for reason in reasons):
        raise EngineError(reasons[0])
    raise EngineError("no usable Docker client: " + "; ".join(reasons) + f". Fix: {INSTALL_HINT}")
