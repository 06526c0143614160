"""What goes into a build: image name, tags from git, OCI label values, and the args docker gets.

Pure functions plus two read-only ``git`` calls. Secrets never become build args: docker records
every build arg in scope of a RUN in the image history, where anyone with the image can read it.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from dockwright.engine.client import Docker
from dockwright.engine.images import (
    BaseImage,
    HistoryLayer,
    final_stage_base,
    find_base,
    largest_layers,
    parse_history,
)
from dockwright.errors import DockwrightError
from dockwright.verify.secrets import content_reasons, is_secret_name

# OCI label fields dockwright fills: field -> label key. Each value reaches the image twice: as
# ``--label`` (so any Dockerfile gets it) and as a build arg when the Dockerfile declares one for it,
# named ``OCI_<FIELD>`` or plainly ``<FIELD>`` (dockwright's template: ``ARG REVISION`` feeding
# ``LABEL org.opencontainers.image.revision``); the plain name only when the Dockerfile also writes
# that label, so an unrelated ``ARG SOURCE`` is left alone.
OCI_LABELS: Mapping[str, str] = {
    "revision": "org.opencontainers.image.revision",
    "created": "org.opencontainers.image.created",
    "source": "org.opencontainers.image.source",
    "version": "org.opencontainers.image.version",
    "title": "org.opencontainers.image.title",
}

_ARG_LINE = re.compile(r"^\s*ARG\s+([A-Za-z_][A-Za-z0-9_]*)", re.MULTILINE | re.IGNORECASE)


def dns_safe_name(text: str) -> str:
    """An image repository name from a directory or project name: ``My_App`` -> ``my-app``."""
    name = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:63].strip("-")
    return name or "app"


@dataclass(frozen=True)
class GitState:
    revision: str | None  # short sha of HEAD, None outside a repository or before the first commit
    dirty: bool
    source: str | None  # the origin remote as a browsable URL, credentials removed


def _git(root: Path, *args: str) -> str | None:
    try:
        proc = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout.strip() if proc.returncode == 0 else None


def public_source_url(remote: str) -> str | None:
    """A remote as a URL safe to print in a label: credentials dropped, scp-style made https."""
    remote = remote.strip()
    if not remote:
        return None
    scp = re.match(r"^(?:[^@/]+@)?([^:/]+):(?!//)(.+)$", remote)
    if scp and "://" not in remote:
        return f"https://{scp.group(1)}/{scp.group(2).removesuffix('.git')}"
    parts = urlsplit(remote)
    if parts.scheme not in {"http", "https", "ssh", "git"}:
        return None
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}" if parts.scheme in {"http", "https"} else host
    return urlunsplit(("https", host, parts.path.removesuffix(".git"), "", ""))


def git_state(root: Path) -> GitState:
    revision = _git(root, "rev-parse", "--short", "HEAD")
    if revision is None:
        return GitState(None, False, None)
    status = _git(root, "status", "--porcelain", "--untracked-files=normal", "--", ".")
    remote = _git(root, "config", "--get", "remote.origin.url")
    return GitState(revision, bool(status), public_source_url(remote) if remote else None)


def split_reference(ref: str) -> tuple[str, str | None]:
    """``registry:5000/team/app:1.2`` -> (``registry:5000/team/app``, ``1.2``); no tag -> (ref, None)."""
    slash = ref.rfind("/")
    colon = ref.rfind(":")
    if colon > slash:
        return ref[:colon], ref[colon + 1 :]
    return ref, None


def image_tags(name: str, git: GitState, extra: Sequence[str]) -> list[str]:
    """``<repo>:<sha>[-dirty]`` and ``<repo>:latest`` plus every ``--tag`` that carries its own tag.

    A ``--tag`` without a tag (``ghcr.io/acme/api``) names the repository of the computed tags instead.
    """
    repository = name
    explicit: list[str] = []
    for ref in extra:
        repo, tag = split_reference(ref)
        if tag is None:
            repository = repo
        else:
            explicit.append(ref)
    tags: list[str] = []
    if git.revision:
        tags.append(f"{repository}:{git.revision}{'-dirty' if git.dirty else ''}")
    tags.append(f"{repository}:latest")
    for ref in explicit:
        if ref not in tags:
            tags.append(ref)
    return tags


def declared_args(dockerfile_text: str) -> set[str]:
    return {match.group(1) for match in _ARG_LINE.finditer(dockerfile_text)}


def oci_values(name: str, git: GitState, now: datetime | None = None) -> dict[str, str]:
    """OCI label values of this build (field -> value); unknown values are left out."""
    created = (now or datetime.now(UTC)).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    values = {"created": created, "title": name}
    if git.revision:
        values["revision"] = git.revision + ("-dirty" if git.dirty else "")
        values["version"] = values["revision"]
    if git.source:
        values["source"] = git.source
    return values


def oci_labels(values: Mapping[str, str]) -> dict[str, str]:
    return {OCI_LABELS[key]: value for key, value in values.items()}


def oci_build_args(values: Mapping[str, str], dockerfile_text: str) -> dict[str, str]:
    """The build args the Dockerfile declares for OCI label values (see OCI_LABELS)."""
    declared = declared_args(dockerfile_text)
    args: dict[str, str] = {}
    for key, value in values.items():
        if f"OCI_{key.upper()}" in declared:
            args[f"OCI_{key.upper()}"] = value
        if key.upper() in declared and OCI_LABELS[key] in dockerfile_text:
            args[key.upper()] = value
    return args


def check_build_arg(item: str) -> tuple[str, str]:
    """Refuse a ``--build-arg`` that looks secret: its value would sit in the image history."""
    name, sep, value = item.partition("=")
    if not sep or not name:
        raise DockwrightError(f"--build-arg {item}: expected KEY=VALUE")
    reasons = content_reasons(value)
    if is_secret_name(name) or reasons:
        why = f"its value looks like a {reasons[0]}" if reasons else "its name says it holds a secret"
        raise DockwrightError(
            f"--build-arg {name}: refused, {why}; build args are recorded in the image history. "
            f"Pass it as a build secret instead: --secret id={name.lower()},src=FILE and read it with "
            f"RUN --mount=type=secret,id={name.lower()}"
        )
    return name, value


def check_secret_spec(spec: str, root: Path) -> str:
    """Validate ``--secret id=NAME,src=FILE`` (or ``env=VAR``) before docker sees it."""
    fields = dict(part.partition("=")[::2] for part in spec.split(",") if part)
    if not fields.get("id"):
        raise DockwrightError(f"--secret {spec}: expected id=NAME,src=FILE (or id=NAME,env=VAR)")
    src = fields.get("src") or fields.get("source")
    if src is not None:
        path = Path(src).expanduser()
        if not path.is_absolute():
            path = Path.cwd() / path
        if not path.is_file():
            raise DockwrightError(f"--secret {fields['id']}: no such file {src}")
    env = fields.get("env")
    if env is not None and env not in os.environ:
        raise DockwrightError(f"--secret {fields['id']}: environment variable {env} is not set")
    return spec


@dataclass(frozen=True)
class BuildRequest:
    root: Path
    dockerfile: Path
    tags: list[str]
    build_args: dict[str, str]
    labels: dict[str, str]
    secrets: list[str] = field(default_factory=list)
    network: str | None = None
    platform: str | None = None
    no_cache: bool = False
    target: str | None = None

    def docker_args(self) -> list[str]:
        """Arguments after ``docker build``: everything but the progress and iidfile flags."""
        args = ["--file", str(self.dockerfile)]
        for tag in self.tags:
            args += ["--tag", tag]
        for name, value in sorted(self.build_args.items()):
            args += ["--build-arg", f"{name}={value}"]
        for name, value in sorted(self.labels.items()):
            args += ["--label", f"{name}={value}"]
        for spec in self.secrets:
            args += ["--secret", spec]
        if self.network:
            args += ["--network", self.network]
        if self.platform:
            args += ["--platform", self.platform]
        if self.no_cache:
            args.append("--no-cache")
        if self.target:
            args += ["--target", self.target]
        args.append(str(self.root))
        return args


@dataclass(frozen=True)
class BuildSummary:
    image_id: str
    tags: list[str]
    size: int
    base: BaseImage | None
    added_layers: list[HistoryLayer]  # the layers this Dockerfile made, oldest first

    @property
    def added_size(self) -> int | None:
        return None if self.base is None else self.size - self.base.size

    def largest(self, count: int = 5) -> list[HistoryLayer]:
        return largest_layers(self.added_layers, count)


def summarise(
    docker: Docker, image_id: str, tags: list[str], dockerfile_text: str, build_args: Mapping[str, str]
) -> BuildSummary:
    """Image id, size, base (the final stage's FROM, else by layer chain) and the layers added over it."""
    inspect = docker.image_inspect(image_id)
    if inspect is None:
        raise DockwrightError(f"the build reported image {image_id} but the engine does not have it")
    history = parse_history(docker.history(image_id))
    preferred = final_stage_base(dockerfile_text, build_args)
    candidates = []
    if preferred:
        found = docker.image_inspect(preferred)
        if found is not None:
            candidates.append(found)
    base = find_base(inspect, candidates, preferred=preferred) or find_base(
        inspect, docker.images_inspect_all(), preferred=preferred
    )
    added = history
    if base is not None:
        base_rows = len(docker.history(base.image_id))
        added = history[base_rows:]
    return BuildSummary(image_id, tags, int(inspect.get("Size") or 0), base, added)
