#!/usr/bin/env python3
"""Image benchmark: dockwright's generated Dockerfile side by side with the Dockerfiles people write.

For each example app, in ONE run, alternating variants, repeated, medians:
  cold build (no layer cache, empty cache mounts, base image present), rebuild after a one-line code
  change (and whether the dependency install re-ran), rebuild after adding one dependency, image size,
  size over the base and over the floor (installed runtime deps + app), and container start to first
  HTTP response with and without precompiled bytecode.

    .venv/bin/python bench/images_bench.py                # full run (5 repetitions), writes results
    .venv/bin/python bench/images_bench.py --quick        # 1 repetition, 1 start per image
    .venv/bin/python bench/images_bench.py --update-benchmarks   # also rewrite BENCHMARKS.md ## images

Variants 2-4 are our own templates in bench/variants/, parameterised per app; variant 1 is what
`dockwright init` writes for the app today, regenerated into a temp copy (never the committed file).

What "cold" means here (the machine is shared, so we never prune anyone else's cache): every cold
build runs with `--no-cache`, and every `RUN --mount=type=cache` in the Dockerfile under test gets a
cache id unique to that build (`id=dwbench-<token>-...`), so its cache mount starts empty. The base
image is present. The warm rebuilds that follow use the same Dockerfile (same ids), so they see the
layer cache and the cache mounts that the cold build filled, as a user's second build would. After
each repetition, the cache records created while it ran are removed by id (records that existed
before are never touched; a build by someone else in that same window would lose its new records).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
VARIANTS_DIR = BENCH_DIR / "variants"
RESULTS_DIR = BENCH_DIR / "results"
DOCKER = os.environ.get("DOCKWRIGHT_DOCKER", "/usr/bin/docker")
LABEL = "dockwright.test=1"
IMAGE_PREFIX = "dwbench"
# Steps whose command installs Python packages; used to tell whether a rebuild re-ran the install.
INSTALL_STEP = re.compile(r"\b(pip3?|uv pip|uv|poetry|pdm|pipenv)\b[^\n]*?\b(install|sync)\b")
# Lines that count installed packages in pip / uv output.
PIP_INSTALLED = re.compile(r"Successfully installed (.+)$")
UV_INSTALLED = re.compile(r"Installed (\d+) packages?")
IGNORED_WHEN_COPYING = shutil.ignore_patterns(".git", ".venv", "venv", "__pycache__", "*.pyc", "node_modules")
# Files `dockwright init` generates; removed from the copies used by our own variants.
GENERATED_FILES = ("Dockerfile", ".dockerignore", "compose.yaml", "compose.override.yaml")


# --------------------------------------------------------------------------------------------------
# Apps and variants (data, not code paths)


@dataclass(frozen=True)
class AppSpec:
    name: str
    source: Path
    port: int
    probe_path: str  # HTTP path polled for "first response"
    cmd: tuple[str, ...]  # server command used by our templates (variants 2-4)
    code_file: str  # file that gets the one-line change
    dependency_to_add: str  # one small pure-Python requirement absent from the app
    base: str = "python:3.13-slim-trixie"
    build_steps: tuple[str, ...] = ()  # build-time commands for our templates (collectstatic)
    extra_requirements: tuple[str, ...] = ()  # what the image needs beyond the app's manifests (server)
    run_env: dict[str, str] = field(default_factory=dict)  # env needed to start without services
    ok_statuses: tuple[int, ...] = (200,)  # statuses that count as "the app answered"
    # Python that loads the app the way the server does; its CPU time is the load-robust start-up figure.
    import_code: str = "import app.main"
    dockwright_template: str | None = None  # hand-written stand-in for `dockwright init`, for dev apps


@dataclass(frozen=True)
class Variant:
    name: str
    title: str
    template: str | None  # bench/variants/<template>.Dockerfile.j2; None: `dockwright init`
    dockerignore: str | None = None  # bench/variants/<name>.dockerignore copied as .dockerignore
    params: dict[str, Any] = field(default_factory=dict)


VARIANTS: dict[str, Variant] = {
    v.name: v
    for v in (
        Variant("dockwright", "dockwright init", None),
        Variant(
            "dw-nopyc",
            "dockwright init, UV_COMPILE_BYTECODE removed",
            None,
            params={"transforms": ["no-bytecode"]},
        ),
        Variant("naive", "naive single-stage (root)", "naive"),
        Variant("guide", "guide multi-stage --prefix", "guide", "guide"),
        Variant("cachemount", "pip cache mount + non-root (docker init)", "cachemount", "cachemount"),
        # Experiments that steer the generator (bench/FINDINGS.md); same app, same base.
        *(
            Variant(
                f"x-{name}",
                title,
                "dockwright-approx",
                "dockwright-approx",
                {"installer": inst, "cache": cache, "compile": comp, "venv_pip": vpip},
            )
            for name, title, inst, cache, comp, vpip in (
                ("uv-cache-pyc", "uv, cache mount, bytecode, no pip in venv", "uv", True, True, False),
                ("uv-cache", "uv, cache mount, no bytecode, no pip in venv", "uv", True, False, False),
                ("uv-nocache", "uv, UV_NO_CACHE, no bytecode", "uv", False, False, False),
                ("uv-cache-venvpip", "uv, cache mount, venv with pip", "uv", True, False, True),
                ("pip-cache", "pip, cache mount, --no-compile", "pip", True, False, False),
                ("pip-nocache", "pip, --no-cache-dir, --no-compile", "pip", False, False, False),
            )
        ),
    )
}
DEFAULT_VARIANTS = ("dockwright", "naive", "guide", "cachemount", "dw-nopyc")


def _drop_bytecode(dockerfile: str) -> str:
    out = re.sub(r"^[ \t]*UV_COMPILE_BYTECODE=1[ \t]*\\\n", "", dockerfile, flags=re.M)
    out = re.sub(r"[ \t]+UV_COMPILE_BYTECODE=1\b", "", out)
    return out


# Edits of the generated Dockerfile that model one generator change, measured against the original.
TRANSFORMS = {"no-bytecode": _drop_bytecode}
# How to recognise a generated Dockerfile that already made the change (the variant is then moot).
ADOPTED = {
    "no-bytecode": re.compile(r"\A(?![\s\S]*UV_COMPILE_BYTECODE=1)"),
}


# Environment that lets each example start without its services: the health endpoint then answers
# 503 naming the missing database/cache, which proves the app imported and serves HTTP. Addresses are
# 127.0.0.1:1 inside the container (connection refused at once; no traffic leaves the container).
NO_SERVICES_ENV = {
    "DATABASE_URL": "postgresql://bench:bench@127.0.0.1:1/bench",
    "REDIS_URL": "redis://127.0.0.1:1/0",
}
DJANGO_BUILD_ENV = (
    "DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_SECRET_KEY=collectstatic-build-only"
    " DATABASE_URL=sqlite:////tmp/collectstatic.sqlite3 REDIS_URL=redis://localhost:6379/0"
)


def example_apps() -> list[AppSpec]:
    """The three example apps, with what our templates need to build and start them."""
    ex = REPO / "examples"
    return [
        AppSpec(
            name="fastapi-postgres-redis",
            source=ex / "fastapi-postgres-redis",
            port=8000,
            probe_path="/healthz",
            cmd=("uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"),
            code_file="app/main.py",
            dependency_to_add="humanize",
            run_env=NO_SERVICES_ENV,
            ok_statuses=(200, 503),
        ),
        AppSpec(
            name="django-postgres-celery",
            source=ex / "django-postgres-celery",
            port=8000,
            probe_path="/healthz/",
            cmd=("gunicorn", "--bind", "0.0.0.0:8000", "config.wsgi:application"),
            code_file="guestbook/views.py",
            import_code="import config.wsgi",
            dependency_to_add="humanize",
            build_steps=(f"{DJANGO_BUILD_ENV} python manage.py collectstatic --noinput",),
            run_env={
                **NO_SERVICES_ENV,
                "DJANGO_SETTINGS_MODULE": "config.settings.production",
                "DJANGO_SECRET_KEY": "bench-only-not-a-secret",
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            },
            ok_statuses=(200, 503),
        ),
        AppSpec(
            name="flask-redis",
            source=ex / "flask-redis",
            port=8000,
            probe_path="/healthz",
            # src layout: our templates point gunicorn at src/ instead of installing the project.
            cmd=("gunicorn", "--pythonpath", "src", "--bind", "0.0.0.0:8000", "visits:create_app()"),
            code_file="src/visits/views.py",
            import_code="import visits; visits.create_app()",
            dependency_to_add="humanize",
            # The app does not depend on a server; dockwright adds gunicorn, so do our templates.
            extra_requirements=("gunicorn>=23,<28",),
            run_env={"REDIS_URL": NO_SERVICES_ENV["REDIS_URL"]},
            ok_statuses=(200, 503),
        ),
    ]


def dev_app(path: Path) -> AppSpec:
    """A small FastAPI app to develop the harness on before the examples exist."""
    return AppSpec(
        name=f"dev-{path.name}",
        source=path,
        port=8000,
        probe_path="/health",
        cmd=("uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"),
        code_file="app/main.py",
        dependency_to_add="humanize",
        dockwright_template="dockwright-approx",
    )


# --------------------------------------------------------------------------------------------------
# Docker edge


def docker(
    args: Sequence[str], *, timeout: float = 900, check: bool = True
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DOCKER_BUILDKIT": "1"}
    proc = subprocess.run([DOCKER, *args], capture_output=True, text=True, timeout=timeout, env=env)
    if check and proc.returncode != 0:
        raise RuntimeError(f"docker {' '.join(args[:3])} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return proc


@dataclass
class Step:
    number: int
    name: str
    cached: bool = False
    seconds: float = 0.0  # BuildKit's own duration of the step (0 when cached)
    output: list[str] = field(default_factory=list)


@dataclass
class BuildResult:
    seconds: float
    steps: list[Step]
    image_id: str

    @property
    def install_steps_run(self) -> list[Step]:
        # A `--no-deps` step installs only the project itself after its code: not a dependency install.
        return [
            s
            for s in self.steps
            if not s.cached
            and " RUN " in f" {s.name}"
            and INSTALL_STEP.search(s.name)
            and "--no-deps" not in s.name
        ]

    @property
    def packages_installed(self) -> int:
        total = 0
        for step in self.install_steps_run:
            for line in step.output:
                if m := UV_INSTALLED.search(line):
                    total += int(m.group(1))
                elif m := PIP_INSTALLED.search(line):
                    total += len(m.group(1).split())
        return total


STEP_HEADER = re.compile(r"^#(\d+) \[([^\]]+)\] (.*)$")
STEP_CACHED = re.compile(r"^#(\d+) CACHED$")
STEP_DONE = re.compile(r"^#(\d+) DONE (\d+(?:\.\d+)?)s$")
STEP_OUTPUT = re.compile(r"^#(\d+) \d+\.\d+ (.*)$")


def parse_plain_progress(log: str) -> list[Step]:
    """Steps of a BuildKit `--progress=plain` log, with whether each came from the layer cache."""
    steps: dict[int, Step] = {}
    for line in log.splitlines():
        if m := STEP_HEADER.match(line):
            num = int(m.group(1))
            steps.setdefault(num, Step(num, f"[{m.group(2)}] {m.group(3)}"))
        elif m := STEP_CACHED.match(line):
            if (step := steps.get(int(m.group(1)))) is not None:
                step.cached = True
        elif (m := STEP_DONE.match(line)) and (step := steps.get(int(m.group(1)))) is not None:
            step.seconds = float(m.group(2))
        elif (m := STEP_OUTPUT.match(line)) and (step := steps.get(int(m.group(1)))) is not None:
            step.output.append(m.group(2))
    return [steps[k] for k in sorted(steps)]


def slowest(result: BuildResult, n: int = 4) -> list[tuple[str, float]]:
    """The n longest steps of a build, to show where its time went."""
    ran = sorted((s for s in result.steps if not s.cached), key=lambda s: s.seconds, reverse=True)
    return [(re.sub(r"--mount=\S+\s+", "", s.name)[:140], s.seconds) for s in ran[:n]]


def build(context: Path, tag: str, *, no_cache: bool) -> BuildResult:
    args = ["build", "--network", "host", "--progress", "plain", "-t", tag]
    if no_cache:
        args.append("--no-cache")
    start = time.monotonic()
    proc = docker([*args, str(context)], check=False)
    seconds = time.monotonic() - start
    if proc.returncode != 0:
        raise RuntimeError(f"build of {context} failed:\n{proc.stderr[-4000:]}")
    image_id = docker(["image", "inspect", "--format", "{{.Id}}", tag]).stdout.strip()
    return BuildResult(seconds, parse_plain_progress(proc.stderr), image_id)


def image_size(ref: str) -> int:
    return int(docker(["image", "inspect", "--format", "{{.Size}}", ref]).stdout.strip())


def run_in_image(image: str, script: str, *, network: str = "none") -> str:
    return docker(
        [
            "run",
            "--rm",
            "--label",
            LABEL,
            "--network",
            network,
            "--user",
            "0",
            "--entrypoint",
            "sh",
            image,
            "-c",
            script,
        ]
    ).stdout


# --------------------------------------------------------------------------------------------------
# Build contexts


CACHE_MOUNT = re.compile(r"--mount=type=cache((?:,[^\s,]+)*)")


def isolate_cache_mounts(dockerfile: str, token: str) -> str:
    """Give every cache mount an id unique to `token`, so a cold build starts with empty mounts."""

    def repl(m: re.Match[str]) -> str:
        opts = [o for o in m.group(1).split(",") if o]
        kv = dict(o.partition("=")[::2] for o in opts)  # "key=value" or a bare flag ("key", "")
        base_id = kv.get("id") or kv.get("target") or kv.get("dst") or "cache"
        kv["id"] = f"dwbench-{token}-{base_id.strip('/').replace('/', '-')}"
        return "--mount=type=cache," + ",".join(f"{k}={v}" if v else k for k, v in kv.items())

    return CACHE_MOUNT.sub(repl, dockerfile)


def copy_app(src: Path, dest: Path) -> None:
    shutil.copytree(src, dest, ignore=IGNORED_WHEN_COPYING, symlinks=True)


def requirements_export(app: AppSpec) -> str:
    """The app's runtime requirements plus what the image adds (the server), one flat file."""
    extra = "".join(f"{r}\n" for r in app.extra_requirements)
    return manifest_export(app.source) + extra


def manifest_export(app_dir: Path) -> str:
    """Runtime requirements of the app as one flat requirements file (for variants 2-4 and the floor).

    requirements.txt (with -r/-c includes resolved) wins; otherwise uv.lock through `uv export`;
    otherwise PEP 621 [project.dependencies].
    """
    for name in (
        "requirements.txt",
        "requirements/production.txt",
        "requirements/prod.txt",
        "requirements/base.txt",
    ):
        if (req := app_dir / name).is_file():
            return "".join(f"{line}\n" for line in flatten_requirements(req))
    if (app_dir / "uv.lock").is_file() and (uv := shutil.which("uv") or _venv_tool("uv")):
        out = subprocess.run(
            [uv, "export", "--frozen", "--no-dev", "--no-hashes", "--no-emit-project", "--no-header"],
            cwd=app_dir,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return out
    pyproject = app_dir / "pyproject.toml"
    if pyproject.is_file():
        import tomllib

        deps = tomllib.loads(pyproject.read_text()).get("project", {}).get("dependencies", [])
        return "".join(f"{d}\n" for d in deps)
    raise SystemExit(f"{app_dir}: no requirements.txt, uv.lock or pyproject dependencies to export")


def _venv_tool(name: str) -> str | None:
    path = Path(sys.executable).parent / name
    return str(path) if path.exists() else None


def flatten_requirements(path: Path, seen: set[Path] | None = None) -> Iterable[str]:
    seen = seen if seen is not None else set()
    if path in seen:
        return
    seen.add(path)
    for raw in path.read_text().splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        if m := re.match(r"^(-r|--requirement|-c|--constraint)\s*(\S+)$", line):
            if m.group(1) in ("-r", "--requirement"):
                yield from flatten_requirements((path.parent / m.group(2)).resolve(), seen)
            continue  # constraints only narrow versions the lock already fixes
        if line in ("-e .", ".") or line.startswith("-e "):
            continue
        yield line


def render_template(name: str, app: AppSpec, params: dict[str, Any]) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(VARIANTS_DIR), keep_trailing_newline=True)
    base_tag = app.base.split(":", 1)[1] if ":" in app.base else ""
    return env.get_template(f"{name}.Dockerfile.j2").render(
        base=app.base,
        python_version=base_tag.split("-", 1)[0],
        port=app.port,
        cmd_json=json.dumps(list(app.cmd)),
        build_steps=list(app.build_steps),
        **params,
    )


def dockwright_init(context: Path) -> str:
    """Run the real generator on the temp copy; returns its Dockerfile."""
    exe = _venv_tool("dockwright") or shutil.which("dockwright")
    if exe is None:
        raise SystemExit("dockwright is not installed in this interpreter's environment")
    for name in GENERATED_FILES:
        (context / name).unlink(missing_ok=True)
    proc = subprocess.run([exe, "init", str(context)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"dockwright init {context} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return (context / "Dockerfile").read_text()


def prepare_pristine(app: AppSpec, variant: Variant, root: Path) -> Path:
    """One context per (app, variant), copied again for every repetition."""
    ctx = root / "pristine" / app.name / variant.name
    copy_app(app.source, ctx)
    if variant.template is None and app.dockwright_template is None:
        original = dockwright_init(ctx)
        text = original
        for name in variant.params.get("transforms", []):
            text = TRANSFORMS[name](text)
        if text == original and variant.params.get("transforms"):
            adopted = [n for n in variant.params["transforms"] if ADOPTED[n].search(original)]
            why = f"the generator already does {', '.join(adopted)}" if adopted else "no longer matches"
            raise RuntimeError(f"variant {variant.name}: {why}; drop it or update bench/images_bench.py")
        (ctx / "Dockerfile").write_text(text)
        return ctx
    template = variant.template or app.dockwright_template
    assert template is not None
    params = dict(variant.params) if variant.template else {}
    params = params or {"installer": "uv", "cache": True, "compile": True, "venv_pip": False}
    for name in GENERATED_FILES:
        (ctx / name).unlink(missing_ok=True)
    (ctx / "requirements.txt").write_text(requirements_export(app))
    (ctx / "Dockerfile").write_text(render_template(template, app, params))
    ignore = variant.dockerignore or (template if variant.template is None else None)
    if ignore:
        shutil.copy(VARIANTS_DIR / f"{ignore}.dockerignore", ctx / ".dockerignore")
    return ctx


INSTALL_FROM = re.compile(r"(?:-r|--requirement)\s+(\S+)")


def dependency_manifest(ctx: Path) -> Path:
    """The manifest the Dockerfile installs from: a rebuild after adding a dependency edits it."""
    dockerfile = (ctx / "Dockerfile").read_text()
    for match in INSTALL_FROM.finditer(dockerfile):
        if (path := ctx / match.group(1).strip("'\"")).is_file():
            return path
    for name in ("requirements.txt", "pyproject.toml"):
        if (ctx / name).is_file():
            return ctx / name
    raise SystemExit(f"{ctx}: cannot tell which manifest the Dockerfile installs from")


PEP621_DEPENDENCIES = re.compile(r"^(dependencies\s*=\s*\[)", re.M)


def add_dependency(ctx: Path, requirement: str, token: str) -> None:
    """Add one requirement to the manifest the build installs from.

    The token (a comment, or an extra harmless marker in TOML) makes the manifest unique to this
    build, so an earlier repetition's layer for the same edit can never be a cache hit.
    """
    manifest = dependency_manifest(ctx)
    text = manifest.read_text()
    if manifest.name == "pyproject.toml":
        if not PEP621_DEPENDENCIES.search(text):
            raise SystemExit(f"{manifest}: no [project] dependencies array to add to")
        text = PEP621_DEPENDENCIES.sub(
            lambda m: f'{m.group(1)}\n  "{requirement}",  # dwbench {token}', text, 1
        )
        manifest.write_text(text)
        return
    sep = "" if text.endswith("\n") or not text else "\n"
    manifest.write_text(f"{text}{sep}{requirement}  # dwbench {token}\n")


def change_one_line(ctx: Path, rel: str, token: str) -> None:
    path = ctx / rel
    path.write_text(path.read_text() + f"\nBENCH_MARKER = {token!r}  # one-line code change\n")


# --------------------------------------------------------------------------------------------------
# Start-up time


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def time_to_first_response(image: str, app: AppSpec, deadline_s: float = 60.0) -> float:
    """Seconds from `docker start` to the first HTTP answer with an accepted status (127.0.0.1 only)."""
    port = free_port()
    env_args = [a for k, v in app.run_env.items() for a in ("-e", f"{k}={v}")]
    cid = docker(
        ["create", "--label", LABEL, "-p", f"127.0.0.1:{port}:{app.port}", *env_args, image]
    ).stdout.strip()
    url = f"http://127.0.0.1:{port}{app.probe_path}"
    try:
        start = time.monotonic()
        docker(["start", cid])
        while time.monotonic() - start < deadline_s:
            try:
                with urllib.request.urlopen(url, timeout=1) as resp:
                    status = resp.status
            except urllib.error.HTTPError as err:
                status = err.code
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                status = None
            if status in app.ok_statuses:
                return time.monotonic() - start
            time.sleep(0.02)
        logs = docker(["logs", "--tail", "30", cid], check=False)
        raise RuntimeError(f"{image}: no answer on {url} within {deadline_s} s\n{logs.stdout}{logs.stderr}")
    finally:
        docker(["rm", "-f", cid], check=False)


def import_cpu_seconds(image: str, app: AppSpec) -> float:
    """CPU seconds one fresh interpreter in the image spends loading the app (user+sys of that process).

    Wall-clock start-up swings with the machine's load (shared here); CPU time barely does, so this is
    the figure the bytecode decision rests on. Runs as the image's user with the image's environment.
    """
    script = (
        "import sys, time\nsys.path[:0] = ['', 'src']\nt = time.process_time()\n"
        f"{app.import_code}\nprint(time.process_time() - t)"
    )
    env_args = [a for k, v in app.run_env.items() for a in ("-e", f"{k}={v}")]
    out = docker(
        [
            "run",
            "--rm",
            "--label",
            LABEL,
            "--network",
            "none",
            *env_args,
            "--entrypoint",
            "python",
            image,
            "-c",
            script,
        ]
    ).stdout
    return float(out.strip().splitlines()[-1])


PYC_DIRS_SCRIPT = (
    # Every pyc outside the interpreter's own stdlib/Debian trees, i.e. the deps and the app.
    "find / -xdev \\( -path /proc -o -path /sys -o -path '/usr/lib/python3*' \\) -prune -o "
    "-name '*.pyc' -type f -printf '%s\\n' | awk '{s+=$1; n+=1} END {print n+0, s+0}'"
)


def bytecode_variants(image: str, tag_prefix: str, ctx_root: Path) -> dict[str, str]:
    """Derived images of `image`: deps+app with all bytecode precompiled, and with none at all.

    The derived layer runs as root and restores the image's own USER, so the start command is the
    image's, unchanged.
    """
    user = docker(["image", "inspect", "--format", "{{.Config.User}}", image]).stdout.strip() or "0"
    derived = {
        "pyc": (
            "set -e; dirs=$(find / -xdev \\( -path /proc -o -path /sys -o -path '/usr/lib/python3*' \\)"
            " -prune -o -type d \\( -name site-packages -o -name dist-packages \\) -print);"
            ' python -m compileall -q -j0 $dirs "$PWD" >/dev/null'
        ),
        "nopyc": (
            "find / -xdev \\( -path /proc -o -path /sys -o -path '/usr/lib/python3*' \\) -prune -o"
            " -name '*.pyc' -type f -print0 | xargs -0 -r rm -f"
        ),
    }
    tags = {}
    for kind, script in derived.items():
        ctx = ctx_root / f"derive-{kind}"
        ctx.mkdir(parents=True, exist_ok=True)
        (ctx / "Dockerfile").write_text(f"FROM {image}\nUSER 0\nRUN {script}\nUSER {user}\n")
        tag = f"{tag_prefix}-{kind}"
        build(ctx, tag, no_cache=False)
        tags[kind] = tag
    return tags


# --------------------------------------------------------------------------------------------------
# The run


@dataclass
class Rep:
    cold_s: float
    code_s: float
    code_install_reran: bool
    code_packages_installed: int
    dep_s: float
    dep_install_reran: bool
    dep_packages_installed: int
    size: int
    load_before: float
    slowest_steps: dict[str, list[tuple[str, float]]] = field(default_factory=dict)  # per build kind


@dataclass
class VariantResult:
    app: str
    variant: str
    title: str
    reps: list[Rep] = field(default_factory=list)
    size: int = 0
    pyc_files: int = 0
    pyc_bytes: int = 0
    start_as_built: list[float] = field(default_factory=list)
    start_pyc: list[float] = field(default_factory=list)
    start_nopyc: list[float] = field(default_factory=list)
    import_cpu_as_built: list[float] = field(default_factory=list)
    import_cpu_pyc: list[float] = field(default_factory=list)
    import_cpu_nopyc: list[float] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


def measure_floor(app: AppSpec, ref_ctx: Path, root: Path) -> dict[str, int]:
    """Installed size of the runtime deps plus the app files the reference image copies.

    ``deps``: as ``pip install`` leaves them by default, i.e. with the bytecode pip compiles (an
    installation's RECORD lists its .pyc files); ``deps_nopyc``: the same with ``--no-compile``.
    """
    ctx = root / "floor" / app.name
    copy_app(ref_ctx, ctx)
    (ctx / "bench_floor_requirements.txt").write_text(requirements_export(app))
    dockerfile = root / "floor" / f"{app.name}.Dockerfile"
    pip = "PIP_BREAK_SYSTEM_PACKAGES=1 pip install -q --no-cache-dir --disable-pip-version-check"
    dockerfile.write_text(
        f"FROM {app.base}\n"
        "COPY bench_floor_requirements.txt /tmp/req.txt\n"
        f"RUN {pip} --target /floor/deps -r /tmp/req.txt"
        f" && {pip} --no-compile --target /floor/deps-nopyc -r /tmp/req.txt\n"
        "COPY . /floor/app\n"
        "RUN rm -f /floor/app/bench_floor_requirements.txt /floor/app/Dockerfile\n"
    )
    tag = f"{IMAGE_PREFIX}/{app.name}-floor"
    proc = docker(
        ["build", "--network", "host", "-q", "-f", str(dockerfile), "-t", tag, str(ctx)], check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"floor build failed:\n{proc.stderr[-3000:]}")
    out = run_in_image(tag, "du -sb /floor/deps /floor/deps-nopyc /floor/app | cut -f1")
    deps, deps_nopyc, app_bytes = (int(x) for x in out.split())
    docker(["image", "rm", "-f", tag], check=False)
    return {
        "deps": deps,
        "deps_nopyc": deps_nopyc,
        "app": app_bytes,
        "total": deps + app_bytes,
        "total_nopyc": deps_nopyc + app_bytes,
    }


def build_cache_ids() -> set[str]:
    """IDs of every BuildKit cache record (layers, cache mounts, contexts) the engine holds."""
    proc = docker(["system", "df", "-v", "--format", "{{json .BuildCache}}"], check=False)
    try:
        return {record["ID"] for record in json.loads(proc.stdout or "[]") or []}
    except (ValueError, TypeError, KeyError):
        return set()


def prune_build_cache(ids: set[str]) -> None:
    """Remove exactly these cache records. Cold builds give every cache mount a new id and never
    reuse layers, so without this each repetition leaves a few hundred MB behind (a full run filled
    a 100 GB disk). The id filter is a regular expression; one call per chunk keeps it short."""
    ordered = sorted(ids)
    for start in range(0, len(ordered), 50):
        pattern = "^(" + "|".join(ordered[start : start + 50]) + ")$"
        docker(["builder", "prune", "--all", "--force", "--filter", f"id={pattern}"], check=False)


def loadavg() -> float:
    return os.getloadavg()[0]


def run_app(
    app: AppSpec,
    variants: list[Variant],
    reps: int,
    starts: int,
    root: Path,
    log: Any,
    all_bytecode: bool = False,
) -> dict[str, Any]:
    app_cache_before = build_cache_ids()
    pristine = {v.name: prepare_pristine(app, v, root) for v in variants}
    results = {v.name: VariantResult(app.name, v.name, v.title) for v in variants}
    for rep in range(reps):
        # Alternate: rotate the variant order each repetition so no variant always builds first/last.
        order = variants[rep % len(variants) :] + variants[: rep % len(variants)]
        for variant in order:
            cache_before = build_cache_ids()
            token = f"{os.getpid()}-{rep}-{variant.name}-{int(time.time())}"
            ctx = root / "runs" / app.name / variant.name / f"rep{rep}"
            copy_app(pristine[variant.name], ctx)
            dockerfile = ctx / "Dockerfile"
            dockerfile.write_text(isolate_cache_mounts(dockerfile.read_text(), token))
            tag = f"{IMAGE_PREFIX}/{app.name}-{variant.name}:latest"
            load = loadavg()
            cold = build(ctx, tag, no_cache=True)
            size = image_size(tag)
            change_one_line(ctx, app.code_file, token)
            code = build(ctx, tag, no_cache=False)
            add_dependency(ctx, app.dependency_to_add, token)
            dep = build(ctx, tag, no_cache=False)
            # The dep rebuild's image is not the one we measure: rebuild the unchanged app for start-up.
            r = Rep(
                cold_s=cold.seconds,
                code_s=code.seconds,
                code_install_reran=bool(code.install_steps_run),
                code_packages_installed=code.packages_installed,
                dep_s=dep.seconds,
                dep_install_reran=bool(dep.install_steps_run),
                dep_packages_installed=dep.packages_installed,
                size=size,
                load_before=load,
                slowest_steps={
                    kind: slowest(b) for kind, b in (("cold", cold), ("code", code), ("dep", dep))
                },
            )
            results[variant.name].reps.append(r)
            log(
                f"  {app.name} {variant.name:12} rep {rep + 1}/{reps}: cold {r.cold_s:6.1f}s"
                f"  code {r.code_s:5.1f}s"
                f" (install re-ran: {r.code_install_reran})  +dep {r.dep_s:5.1f}s"
                f" (install re-ran: {r.dep_install_reran})  size {size / 1e6:6.1f} MB"
                f"  load {load:.2f}"
            )
            # Keep the cold image (the app as shipped) for sizes and start-up; drop the edited ones.
            docker(["tag", cold.image_id, tag])
            for image_id in {code.image_id, dep.image_id} - {cold.image_id}:
                docker(["image", "rm", image_id], check=False)
            shutil.rmtree(ctx, ignore_errors=True)
            # This repetition's cache records (its three builds made them, nobody reuses them).
            prune_build_cache(build_cache_ids() - cache_before)
    base_size = image_size(app.base)
    for variant in variants:
        res = results[variant.name]
        tag = f"{IMAGE_PREFIX}/{app.name}-{variant.name}:latest"
        res.size = image_size(tag)
        files, nbytes = run_in_image(tag, PYC_DIRS_SCRIPT).split()
        res.pyc_files, res.pyc_bytes = int(files), int(nbytes)
        if variant is variants[0] or all_bytecode:
            res.extra["derived"] = bytecode_variants(
                tag, f"{IMAGE_PREFIX}/{app.name}-{variant.name}", root / "derive" / variant.name
            )
    for i in range(starts):
        order = variants[i % len(variants) :] + variants[: i % len(variants)]
        for variant in order:
            res = results[variant.name]
            tag = f"{IMAGE_PREFIX}/{app.name}-{variant.name}:latest"
            res.start_as_built.append(time_to_first_response(tag, app))
            res.import_cpu_as_built.append(import_cpu_seconds(tag, app))
            if derived := res.extra.get("derived"):
                res.start_pyc.append(time_to_first_response(derived["pyc"], app))
                res.start_nopyc.append(time_to_first_response(derived["nopyc"], app))
                res.import_cpu_pyc.append(import_cpu_seconds(derived["pyc"], app))
                res.import_cpu_nopyc.append(import_cpu_seconds(derived["nopyc"], app))
        log(f"  {app.name} start-up round {i + 1}/{starts} done")
    floor = measure_floor(app, pristine[variants[0].name], root)
    prune_build_cache(build_cache_ids() - app_cache_before)  # derived images, floor, preparation
    return {
        "app": app.name,
        "base": app.base,
        "base_size": base_size,
        "floor": floor,
        "variants": [asdict(results[v.name]) for v in variants],
    }


# Time getaddrinfo() for the package index's hosts from a build-like container (host network, the
# base image's resolver). The host names come from the image's own pip, so this file names none.
DNS_PROBE = """
import socket, time
from pip._internal.models.index import PyPI
times = []
for _ in range({rounds}):
    for host in (PyPI.netloc, PyPI.file_storage_domain):
        start = time.monotonic()
        try:
            socket.getaddrinfo(host, 443)
        except OSError:
            pass
        times.append(time.monotonic() - start)
print(len(times), sum(t >= 1 for t in times), max(times))
"""


def dns_probe(base: str, rounds: int = 40) -> dict[str, float]:
    """How often a name lookup stalls: a resolver that drops a query costs its 5 s timeout, and uv's
    parallel downloads make many lookups per build (pip's one connection few)."""
    proc = docker(
        ["run", "--rm", "--network", "host", "--label", "dockwright.test=1", base, "python3", "-c",
         DNS_PROBE.format(rounds=rounds)],
        check=False,
    )  # fmt: skip
    try:
        lookups, slow, worst = proc.stdout.split()
        return {"lookups": int(lookups), "slow": int(slow), "max_s": float(worst)}
    except ValueError:
        return {}


def machine_info() -> dict[str, Any]:
    def cmd(*args: str) -> str:
        try:
            return subprocess.run(args, capture_output=True, text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return "?"

    mem_kb = next(
        (
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "?",
    )
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "docker_server": cmd(DOCKER, "version", "--format", "{{.Server.Version}}"),
        "docker_client": cmd(DOCKER, "version", "--format", "{{.Client.Version}}"),
        "dockwright": cmd(_venv_tool("dockwright") or "dockwright", "--version"),
        # "-dirty": the generator under test had uncommitted changes (other engineers' work in progress).
        "git_revision": cmd("git", "-C", str(REPO), "rev-parse", "--short", "HEAD")
        + ("-dirty" if cmd("git", "-C", str(REPO), "status", "--porcelain", "--", "src") else ""),
        "loadavg_start": os.getloadavg(),
    }


# --------------------------------------------------------------------------------------------------
# Report


def med(xs: Sequence[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def secs(x: float) -> str:
    return f"{x:.2f} s" if x == x else "–"  # NaN: not measured for this variant


def step_label(name: str) -> str:
    """A build step as a reader wants it: the command, without mount flags, shortened."""
    return re.sub(r"--mount=\S+\s+", "", name)[:90]


def ratio(x: float, ref: float) -> str:
    return f"{x / ref:.2f}×" if ref and ref == ref and x == x else "–"


METHOD = """\
Reproduce: `.venv/bin/python bench/images_bench.py --update-benchmarks` (15–30 min on 2 cores;
`--quick` for one repetition). Every figure below is measured in one run that builds, for each example
app, these Dockerfiles on the same base image, alternating their order every repetition:

- **dockwright**: what `dockwright init` writes for the app today (regenerated into a temp copy).
- **naive**: single stage, `COPY . .` then `pip install -r requirements.txt`, as root.
- **guide**: multi-stage, builder `pip install --no-cache-dir --prefix=/install`, runtime copies it and
  runs as a non-root user.
- **cachemount**: single stage, requirements bind-mounted, pip cache mount, non-root user (the pattern
  `docker init` writes).
- **dw-nopyc**: dockwright's file with one generator change applied (no `UV_COMPILE_BYTECODE`), to
  measure the bytecode policy on the same app in the same run.

Templates: `bench/variants/`; requirements for the pip variants are exported from the app's own
manifests (the same pinned set dockwright installs), plus the server when the app does not depend on
one. Columns:

- **cold build**: `docker build --no-cache` with every cache mount given an id unique to that build
  (so it starts empty); the base image is present. Nobody else's build cache is pruned.
- **code-change rebuild**: after appending one line to an app module, same build cache.
  **deps re-ran**: whether a dependency-install step ran again (BuildKit plain log: not `CACHED`).
- **+1 dep rebuild**: after adding one requirement (`humanize`) to the manifest the Dockerfile
  installs from.
- **image / added over base**: `docker image inspect` size; base = the stand-in base image.
  **floor**: installed size of the same runtime requirements as `pip install --target` leaves them
  (with the bytecode pip compiles by default) plus the app files the dockwright image copies (its
  .dockerignore). **overhead** = added / floor. **overhead without .pyc**: (added − the image's
  .pyc) / (the floor installed with `--no-compile`): what the image carries beyond deps and app,
  whatever the bytecode policy.
- **.pyc shipped**: bytes of bytecode outside the interpreter's own tree (deps + app).
- **start**: `docker start` to the first HTTP answer on 127.0.0.1 (health endpoint; 503 accepted:
  no database runs, the app answers that it cannot reach it). **all .pyc / no .pyc**: the same image
  with a layer that precompiles every dependency and app module, or deletes all their bytecode.
  **app load CPU**: CPU seconds (user+sys) one fresh interpreter in the image spends importing the app
  — unlike wall-clock start-up, barely affected by other load on the machine.

Stand-in caveats: no registry is reachable, so the base image is a local stand-in with Debian's
python3 (PEP 668 marker, Debian-owned pip/packaging): the pip templates set
`PIP_BREAK_SYSTEM_PACKAGES=1` / `PIP_IGNORE_INSTALLED=1` and the guide copies `/install/local` (what
the official image needs none of). The package index here answers fast and its responses are not
cacheable, so pip writes no HTTP cache: the naive image carries no pip cache (it would on a real
index) and network time is a smaller share of a cold build than on a laptop. Start-up is measured as
each image ships: dockwright's Django and Flask images start WEB_CONCURRENCY=3 gunicorn workers, the
templates gunicorn's default of one.

Noise: the machine is shared with other engineers' builds and tests; the load average at start and
end of the run is given below. Wall-clock times move with it (an earlier run at load 4–7 measured
dockwright's FastAPI cold build at 9.3 s instead of 4.3 s); bytes, .pyc, and CPU seconds do not.
What the numbers mean for the generator, and where each target of issue 5 stands:
[bench/FINDINGS.md](bench/FINDINGS.md).
"""


def markdown(results: dict[str, Any]) -> str:
    info = results["machine"]
    lines = [
        METHOD,
        f"Run {info['date']} on {info['nproc']} cores ({info['cpu']}), {info['memory_gb']} GB RAM, kernel "
        f"{info['kernel']}, Docker {info['docker_server']} (BuildKit, client {info['docker_client']}), "
        f"{info['dockwright']} at {info['git_revision']}; {results['reps']} repetition(s), medians;"
        f" load average at start {info['loadavg_start'][0]:.2f}, at end {info['loadavg_end'][0]:.2f}."
        f" Command: `{results['command']}`.",
        "",
    ]
    dns = info.get("dns") or {}
    if dns:
        lines += [
            f"Name lookups of the package index's hosts from a container on this machine: {dns['slow']} of"
            f" {dns['lookups']} took ≥ 1 s (worst {dns['max_s']:.1f} s, the resolver's timeout). A cold"
            " build that makes many lookups (uv opens parallel connections) loses 5 s now and then:"
            " that is the spread between **cold build** (median) and **cold, min**; the install step's"
            " own duration shows it (details below each app).",
            "",
        ]
    for app in results["apps"]:
        ref = app["variants"][0]
        ref_med = _medians(ref, app)
        lines += [
            f"### {app['app']} (base {app['base']}, {app['base_size'] / 1e6:.0f} MB; floor "
            f"{app['floor']['total'] / 1e6:.1f} MB = deps {app['floor']['deps'] / 1e6:.1f} + app "
            f"{app['floor']['app'] / 1e6:.2f}; without bytecode "
            f"{app['floor'].get('total_nopyc', app['floor']['total']) / 1e6:.1f} MB)",
            "",
            "Builds (median; ratio to dockwright):",
            "",
            "| variant | cold build | cold, min | code-change rebuild | deps re-ran | +1 dep rebuild |",
            "|---|---|---|---|---|---|",
        ]
        for v in app["variants"]:
            m = _medians(v, app)
            reran = sum(r["code_install_reran"] for r in v["reps"])
            lines.append(
                f"| **{v['variant']}** ({v['title']}) "
                f"| {m['cold']:.1f} s ({ratio(m['cold'], ref_med['cold'])}) "
                f"| {m['cold_min']:.1f} s ({ratio(m['cold_min'], ref_med['cold_min'])}) "
                f"| {m['code']:.1f} s ({ratio(m['code'], ref_med['code'])}) "
                f"| {'yes' if reran else 'no'} ({reran}/{len(v['reps'])}) "
                f"| {m['dep']:.1f} s ({ratio(m['dep'], ref_med['dep'])}) |"
            )
        lines += [
            "",
            "Image and start-up (start: median, min in brackets):",
            "",
            "| variant | image | added over base | overhead | .pyc shipped | overhead without .pyc"
            " | start (as built)"
            " | start (all .pyc) | start (no .pyc) | app load CPU: as built / all .pyc / no .pyc |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        floor_nopyc = app["floor"].get("total_nopyc", app["floor"]["total"])
        for v in app["variants"]:
            m = _medians(v, app)
            lines.append(
                f"| **{v['variant']}** "
                f"| {v['size'] / 1e6:.0f} MB ({ratio(v['size'], ref['size'])}) "
                f"| {m['added'] / 1e6:.1f} MB ({ratio(m['added'], ref_med['added'])}) "
                f"| {m['added'] / app['floor']['total']:.2f} "
                f"| {v['pyc_bytes'] / 1e6:.1f} MB "
                f"| {(m['added'] - v['pyc_bytes']) / floor_nopyc:.2f} "
                f"| {secs(m['start'])} ({secs(m['start_min'])}) "
                f"| {secs(m['start_pyc'])} ({secs(m['start_pyc_min'])}) "
                f"| {secs(m['start_nopyc'])} ({secs(m['start_nopyc_min'])}) "
                f"| {secs(m['cpu'])} / {secs(m['cpu_pyc'])} / {secs(m['cpu_nopyc'])} |"
            )
        lines.append("")
        slow = [
            (v["variant"], kind, v["reps"][0].get("slowest_steps", {}).get(kind, []))
            for v in app["variants"]
            if v["reps"]
            for kind in ("cold", "code", "dep")
        ]
        if any(steps for _, _, steps in slow):
            lines += [
                "<details><summary>Where the build time goes (slowest steps, first repetition)</summary>",
                "",
            ]
            for variant, kind, steps in slow:
                top = "; ".join(f"{sec:.1f} s `{step_label(name)}`" for name, sec in steps[:3])
                lines.append(f"- {variant}, {kind}: {top}")
            lines += ["", "</details>", ""]
    for failure in results.get("failed", []):
        lines += [
            f"### {failure['app']}: not measured",
            "",
            "```",
            failure["error"].strip()[-800:],
            "```",
            "",
        ]
    return "\n".join(lines)


def _medians(v: dict[str, Any], app: dict[str, Any]) -> dict[str, float]:
    return {
        "cold": med([r["cold_s"] for r in v["reps"]]),
        "cold_min": min((r["cold_s"] for r in v["reps"]), default=float("nan")),
        "code": med([r["code_s"] for r in v["reps"]]),
        "dep": med([r["dep_s"] for r in v["reps"]]),
        "added": v["size"] - app["base_size"],
        "start": med(v["start_as_built"]),
        "start_pyc": med(v["start_pyc"]),
        "start_nopyc": med(v["start_nopyc"]),
        "start_min": min(v["start_as_built"], default=float("nan")),
        "start_pyc_min": min(v["start_pyc"], default=float("nan")),
        "start_nopyc_min": min(v["start_nopyc"], default=float("nan")),
        "cpu": med(v["import_cpu_as_built"]),
        "cpu_pyc": med(v["import_cpu_pyc"]),
        "cpu_nopyc": med(v["import_cpu_nopyc"]),
    }


def update_benchmarks(md: str, path: Path) -> None:
    """Replace (or append) the `## images` section of BENCHMARKS.md, leaving other sections alone."""
    header = "## images"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    section = f"{header}\n\n{md.rstrip()}\n"
    pattern = re.compile(r"^## images\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _m: section + "\n", text, count=1)
    else:
        text = text.rstrip() + "\n\n" + section
    path.write_text(text.rstrip() + "\n")


# --------------------------------------------------------------------------------------------------


def cleanup(apps: list[AppSpec], variants: list[Variant]) -> None:
    tags = [
        f"{IMAGE_PREFIX}/{a.name}-{v.name}{suffix}"
        for a in apps
        for v in variants
        for suffix in (":latest", "-pyc", "-nopyc")
    ]
    docker(["image", "rm", "-f", *tags], check=False)


def save(results: dict[str, Any], out: Path) -> str:
    """Write the JSON results and their Markdown next to it; returns the Markdown."""
    results["machine"]["loadavg_end"] = os.getloadavg()
    out.write_text(json.dumps(results, indent=2))
    md = markdown(results)
    out.with_suffix(".md").write_text(md)
    return md


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="1 repetition and 1 start-up round")
    # 5: a name-lookup stall (BENCHMARKS.md) may hit one or two builds; the median of 5 stays clean
    parser.add_argument("--reps", type=int, default=5, help="build repetitions per variant (default 5)")
    parser.add_argument("--starts", type=int, default=3, help="start-up measurements per image (default 3)")
    parser.add_argument("--apps", nargs="*", help="example app names (default: all three)")
    parser.add_argument("--dev-app", type=Path, help="benchmark a local app dir instead of the examples")
    parser.add_argument(
        "--variants",
        nargs="*",
        default=list(DEFAULT_VARIANTS),
        help=f"first one is the reference for ratios; known: {', '.join(VARIANTS)}",
    )
    parser.add_argument("--update-benchmarks", action="store_true", help="rewrite BENCHMARKS.md ## images")
    parser.add_argument("--keep-images", action="store_true")
    parser.add_argument("--keep-temp", action="store_true")
    parser.add_argument(
        "--all-bytecode",
        action="store_true",
        help="measure the all-.pyc / no-.pyc derived images of every variant, not only the reference",
    )
    parser.add_argument("--report", type=Path, help="only re-render a saved results JSON (no builds)")
    args = parser.parse_args(argv)
    if args.report:
        md = markdown(json.loads(args.report.read_text()))
        print(md)
        if args.update_benchmarks:
            update_benchmarks(md, REPO / "BENCHMARKS.md")
        return 0
    if args.quick:
        args.reps, args.starts = 1, 1
    unknown = [v for v in args.variants if v not in VARIANTS]
    if unknown:
        parser.error(f"unknown variant(s): {', '.join(unknown)}")
    variants = [VARIANTS[v] for v in args.variants]
    if args.dev_app:
        apps = [dev_app(args.dev_app.resolve())]
    else:
        known = {a.name: a for a in example_apps()}
        if unknown_apps := [n for n in args.apps or () if n not in known]:
            parser.error(f"unknown app(s): {', '.join(unknown_apps)}; known: {', '.join(known)}")
        apps = [known[n] for n in args.apps] if args.apps else list(known.values())
        missing = [a.name for a in apps if not a.source.is_dir()]
        if missing:
            parser.error(f"example app(s) missing: {', '.join(missing)}")

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    # SIGTERM (e.g. a CI timeout) unwinds like Ctrl-C, so containers, images and temp dirs are removed.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    root = Path(tempfile.mkdtemp(prefix="dwbench-"))
    results: dict[str, Any] = {
        "machine": machine_info(),
        "reps": args.reps,
        "starts": args.starts,
        "command": "python bench/images_bench.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "apps": [],
    }
    if apps:
        results["machine"]["dns"] = dns_probe(apps[0].base)
    RESULTS_DIR.mkdir(exist_ok=True)
    out = RESULTS_DIR / f"images-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    try:
        for app in apps:
            log(f"{app.name}: {', '.join(v.name for v in variants)} × {args.reps}")
            try:
                results["apps"].append(
                    run_app(app, variants, args.reps, args.starts, root, log, args.all_bytecode)
                )
            except (RuntimeError, subprocess.SubprocessError) as err:
                # One app failing (e.g. a generator bug) must not throw away the others' measurements.
                log(f"{app.name}: FAILED: {err}")
                results.setdefault("failed", []).append({"app": app.name, "error": str(err)[-2000:]})
            save(results, out)  # after every app: a long run stopped early keeps what it measured
    finally:
        if not args.keep_images:
            cleanup(apps, variants)
        if not args.keep_temp:
            shutil.rmtree(root, ignore_errors=True)
    md = save(results, out)
    print(md)
    log(f"results: {out}")
    if args.update_benchmarks:
        update_benchmarks(md, REPO / "BENCHMARKS.md")
        log("BENCHMARKS.md ## images updated")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
