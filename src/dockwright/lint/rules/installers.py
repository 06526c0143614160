"""DW3xx: pip, uv, poetry, pipenv and pdm (caches, lock files, dev dependencies, virtualenvs)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from dockwright.lint.context import DockerfileContext
from dockwright.lint.dockerfile_model import Instruction, Stage
from dockwright.lint.model import Edit, Fix, Hit, Severity
from dockwright.lint.project import DEV_REQUIREMENT
from dockwright.lint.registry import rule
from dockwright.lint.rules.common import context_copies
from dockwright.lint.shell import Command, pip_install, tool_run

_TRUTHY = frozenset({"1", "true", "yes", "on"})
_INSTALLER_TOOLS = frozenset(
    {"pip", "setuptools", "wheel", "uv", "poetry", "pipenv", "pdm", "virtualenv", "pipx"}
)
_DEV_EXTRA = re.compile(
    r"\[(?:[^\]]*,)?\s*(?:dev|develop|test|tests|testing|lint|docs|all)\s*(?:,[^\]]*)?\]", re.I
)
_PIP_INSTALL_TEXT = re.compile(r"\b(?:pip(?:3(?:\.\d+)?)?)(?:\s+-{1,2}[\w-]+)*\s+install\b")
_UV_TEXT = re.compile(r"\buv\s+(?:pip\s+install|sync)\b")
_SEGMENT_END = re.compile(r"&&|\|\||;|\||\n(?!\s*-)|\)")


def _truthy(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "").strip().strip("\"'").lower() in _TRUTHY


def _has_cache_mount(instr: Instruction, tool: str) -> bool:
    """A cache/tmpfs mount that covers ``tool``'s cache directory (not just any cache)."""
    env = instr.env
    own = env.get("PIP_CACHE_DIR" if tool == "pip" else "UV_CACHE_DIR", "").rstrip("/")
    xdg = env.get("XDG_CACHE_HOME", "").rstrip("/")
    for mount in instr.mounts:
        if mount.type not in ("cache", "tmpfs"):
            continue
        target = mount.target
        if target.endswith(("/.cache", f"/.cache/{tool}")) or (own and target == own):
            return True
        if xdg and target in (xdg, f"{xdg}/{tool}"):
            return True
    return False


def _cache_cleared(instr: Instruction) -> bool:
    for command in instr.commands:
        argv = command.unwrapped().argv
        if (
            len(argv) >= 3
            and argv[0].rsplit("/", 1)[-1].startswith("pip")
            and argv[1:3] == ("cache", "purge")
        ):
            return True
        if argv[:2] == ("uv", "cache") and len(argv) > 2 and argv[2] in ("clean", "prune"):
            return True
        if argv and argv[0] == "rm" and any(".cache" in a for a in argv[1:]):
            return True
    return False


def _caching_commands(instr: Instruction) -> list[tuple[Command, str]]:
    """(command, tool) of installs that fill a download cache in this RUN."""
    found: list[tuple[Command, str]] = []
    env = instr.env
    for command in instr.commands:
        assigned = dict(a.split("=", 1) for a in command.unwrapped().assignments if "=" in a)
        local_env = {**env, **assigned}
        pip = pip_install(command)
        if pip is not None:
            if pip.tool == "pip":
                if pip.has("--no-cache-dir") or _truthy(local_env, "PIP_NO_CACHE_DIR"):
                    continue
                found.append((command, "pip"))
            else:
                if pip.has("--no-cache", "-n") or _truthy(local_env, "UV_NO_CACHE"):
                    continue
                found.append((command, "uv"))
            continue
        run = tool_run(command)
        if run is not None and run.tool == "uv" and run.subcommand == "sync":
            if run.command.has_flag("--no-cache", "-n") or _truthy(local_env, "UV_NO_CACHE"):
                continue
            found.append((command, "uv"))
    return found


def _add_no_cache_fix(ctx: DockerfileContext, instr: Instruction) -> Fix | None:
    if instr.json:
        return None
    text = "\n".join(ctx.lines[instr.start_line - 1 : instr.end_line])
    out: list[str] = []
    position = 0
    changed = False
    for match in sorted(
        [*_PIP_INSTALL_TEXT.finditer(text), *_UV_TEXT.finditer(text)], key=lambda m: m.start()
    ):
        if match.start() < position:
            continue
        end_match = _SEGMENT_END.search(text, match.end())
        segment = text[match.end() : end_match.start() if end_match else len(text)]
        is_uv = match.group(0).startswith("uv")
        flag = "--no-cache" if is_uv else "--no-cache-dir"
        if re.search(rf"(?:^|\s){re.escape(flag)}(?:\s|=|$)", segment) or (
            is_uv and re.search(r"(?:^|\s)-n\b", segment)
        ):
            continue
        out.append(text[position : match.end()])
        out.append(f" {flag}")
        position = match.end()
        changed = True
    if not changed:
        return None
    out.append(text[position:])
    return Fix(
        "add --no-cache-dir / --no-cache to the install",
        safe=True,
        edits=(Edit(ctx.path, instr.start_line, instr.end_line, "".join(out) + "\n"),),
    )


@rule(
    code="DW301",
    name="pip-cache-in-layer",
    target="dockerfile",
    severity=Severity.WARNING,
    message="pip/uv keeps its download cache in the image layer.",
    what="""
        Flags `pip install` / `uv pip install` / `uv sync` in a stage that becomes the final image,
        unless the cache is disabled (`--no-cache-dir`, `--no-cache`, `PIP_NO_CACHE_DIR=1` or
        `UV_NO_CACHE=1` set once in ENV or ARG), a BuildKit cache or tmpfs mount covers the cache
        directory, or the RUN purges the cache. Builder stages whose filesystem is not the final
        image are not judged: their cache never ships.
    """,
    why="""
        The cache (wheels, http responses) typically adds tens to hundreds of MB that the
        running app never reads.
    """,
    example="""
        FROM python:3.13-slim-trixie
        RUN pip install -r requirements.txt
    """,
    use_instead="""
        FROM python:3.13-slim-trixie
        ENV PIP_NO_CACHE_DIR=1
        RUN pip install -r requirements.txt
        # or: RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
    """,
    fix="safe",
    fix_notes="Adds `--no-cache-dir` (pip) or `--no-cache` (uv) to each install that lacks it.",
    references=(
        "https://pip.pypa.io/en/stable/topics/caching/",
        "https://docs.docker.com/build/cache/optimize/#use-cache-mounts",
    ),
    aliases=("hadolint DL3042",),
)
def check_pip_cache(ctx: DockerfileContext) -> Iterator[Hit]:
    for index in sorted(ctx.model.final_lineage):
        for instr in ctx.model.stages[index].of("RUN"):
            found = _caching_commands(instr)
            found = [(c, tool) for c, tool in found if not _has_cache_mount(instr, tool)]
            if not found or _cache_cleared(instr):
                continue
            tools = sorted({tool for _, tool in found})
            flag = " / ".join("--no-cache-dir" if t == "pip" else "--no-cache" for t in tools)
            yield Hit(
                instr.start_line,
                f"{' and '.join(tools)} keeps its download cache in this "
                f"layer; add {flag} or use a cache mount.",
                _add_no_cache_fix(ctx, instr),
                instr.end_line,
            )


def _copied_before(ctx: DockerfileContext, stage: Stage, until: Instruction) -> set[str]:
    """Context paths copied into ``stage`` before ``until`` ('.' means everything)."""
    copied: set[str] = set()
    for instr in stage.instructions:
        if instr is until:
            break
        for source in context_copies(instr):
            clean = source.rstrip("/") or "."
            copied.add("." if clean in (".", "./", "*") else clean.removeprefix("./"))
    for mount in until.mounts:
        if mount.type == "bind":
            copied.add((mount.options.get("source") or mount.options.get("src") or ".").removeprefix("./"))
    return copied


def _has(copied: set[str], name: str) -> bool:
    return "." in copied or name in copied or any(c.endswith("/" + name) for c in copied)


@rule(
    code="DW302",
    name="lock-file-not-used",
    target="dockerfile",
    severity=Severity.WARNING,
    message="Dependencies are resolved afresh although the project has a lock file.",
    what="""
        When the project has uv.lock, poetry.lock, Pipfile.lock or pdm.lock, flags installs that
        ignore it: `pip install .` (resolves from pyproject ranges), `uv sync` without `--frozen`
        or `--locked`, `pipenv install` without `--deploy`/`--ignore-pipfile`, and installs that
        run before the lock file was copied into the stage.
    """,
    why="""
        The image then contains whatever versions were newest at build time, not the ones tested
        in CI: two builds of the same commit can differ and break.
    """,
    example="""
        COPY pyproject.toml ./
        RUN uv sync --no-dev
    """,
    use_instead="""
        COPY pyproject.toml uv.lock ./
        RUN uv sync --frozen --no-dev --no-install-project
    """,
    fix="none",
    references=(
        "https://docs.astral.sh/uv/concepts/projects/sync/",
        "https://python-poetry.org/docs/basic-usage/#installing-with-poetrylock",
    ),
)
def check_lock_used(ctx: DockerfileContext) -> Iterator[Hit]:
    locks = ctx.project.lock_files
    if not locks:
        return
    for index in sorted(ctx.model.contributing):
        stage = ctx.model.stages[index]
        for instr in stage.of("RUN"):
            for command in instr.commands:
                message = _lock_problem(ctx, stage, instr, command, locks)
                if message:
                    yield Hit(instr.start_line, message, end_line=instr.end_line)
                    break


def _lock_problem(
    ctx: DockerfileContext, stage: Stage, instr: Instruction, command: Command, locks: tuple[str, ...]
) -> str | None:
    pip = pip_install(command)
    if pip is not None:
        project_targets = [
            t for t in (*pip.targets, *pip.editable) if t in (".", "./") or t.startswith((".[", "./["))
        ]
        if project_targets and not pip.requirements and not pip.constraints and not pip.has("--no-deps"):
            return (
                f"`{pip.program} install {project_targets[0]}` resolves versions afresh although "
                f"{locks[0]} exists; install from the lock file."
            )
        if (
            pip.tool == "uv"
            and any(r.endswith("pyproject.toml") for r in pip.requirements)
            and "uv.lock" in locks
        ):
            return "`uv pip install -r pyproject.toml` ignores uv.lock; use `uv sync --frozen`."
        return None
    run = tool_run(command)
    if run is None:
        return None
    copied = _copied_before(ctx, stage, instr)
    if run.tool == "uv" and run.subcommand == "sync" and "uv.lock" in locks:
        if not run.command.has_flag("--frozen", "--locked") and not (
            _truthy(instr.env, "UV_FROZEN") or _truthy(instr.env, "UV_LOCKED")
        ):
            return "`uv sync` without `--frozen` or `--locked` may re-resolve and ignore uv.lock."
        if not _has(copied, "uv.lock"):
            return "`uv sync` runs before uv.lock is copied into the stage."
    poetry_install = run.tool == "poetry" and run.subcommand == "install"
    if poetry_install and "poetry.lock" in locks and not _has(copied, "poetry.lock"):
        return "`poetry install` runs before poetry.lock is copied, so it resolves afresh."
    if run.tool == "pipenv" and run.subcommand == "install" and "Pipfile.lock" in locks:
        if not run.command.has_flag("--deploy", "--ignore-pipfile"):
            return "`pipenv install` without `--deploy` may re-lock; use `--deploy` or `pipenv sync`."
        if not _has(copied, "Pipfile.lock"):
            return "`pipenv install` runs before Pipfile.lock is copied."
    pdm_install = run.tool == "pdm" and run.subcommand in ("install", "sync")
    if pdm_install and "pdm.lock" in locks and not _has(copied, "pdm.lock"):
        return "`pdm install` runs before pdm.lock is copied, so it resolves afresh."
    return None


@rule(
    code="DW303",
    name="dev-dependencies-installed",
    target="dockerfile",
    severity=Severity.WARNING,
    message="Development dependencies are installed into the image.",
    what="""
        Flags, in stages that end up in the final image (the final stage, its parents and the
        stages it copies from), `pip install -r requirements-dev.txt`, `.[dev]`/`.[test]` extras,
        `pipenv install --dev`, and `uv sync` / `poetry install` / `pdm install` without
        excluding the dev group when pyproject.toml declares one. A `test` stage that the final
        image does not copy from is not judged.
    """,
    why="""
        Test runners, linters and debuggers enlarge the image, add CVEs to triage, and can change
        runtime behaviour (pytest plugins, debug toolbars).
    """,
    example="""
        RUN uv sync --frozen
    """,
    use_instead="""
        RUN uv sync --frozen --no-dev
    """,
    fix="unsafe",
    fix_notes="""
        For `uv sync`, `poetry install` and `pdm install` adds the flag that skips dev groups
        (`--no-dev`, `--only main`, `--prod`). Unsafe: a start command that needs a dev tool
        stops working.
    """,
    references=(
        "https://docs.astral.sh/uv/concepts/projects/sync/#syncing-development-dependencies",
        "https://python-poetry.org/docs/managing-dependencies/#installing-group-dependencies",
    ),
)
def check_dev_deps(ctx: DockerfileContext) -> Iterator[Hit]:
    for index in sorted(ctx.model.contributing):
        stage = ctx.model.stages[index]
        for instr in stage.of("RUN"):
            for command in instr.commands:
                found = _dev_problem(ctx, instr, command)
                if found:
                    message, fix = found
                    yield Hit(instr.start_line, message, fix, instr.end_line)
                    break


_DEV_FLAG = {"uv": "--no-dev", "poetry": "--only main", "pdm": "--prod"}


def _dev_problem(
    ctx: DockerfileContext, instr: Instruction, command: Command
) -> tuple[str, Fix | None] | None:
    pip = pip_install(command)
    if pip is not None:
        for req in pip.requirements:
            stem = req.rsplit("/", 1)[-1].rsplit(".", 1)[0].replace("requirements", "")
            folder = req.rsplit("/", 1)[0] if "/" in req else ""
            if (
                DEV_REQUIREMENT.search(stem)
                or DEV_REQUIREMENT.search(req.rsplit(".", 1)[0].rsplit("/", 1)[-1])
                or (folder and DEV_REQUIREMENT.search(req.rsplit(".", 1)[0].rsplit("/", 1)[-1]))
            ):
                return (
                    f"`{req}` holds development dependencies; install only the production requirements.",
                    None,
                )
        for target in (*pip.targets, *pip.editable):
            if _DEV_EXTRA.search(target):
                return f"`{target}` installs a development extra; install the project without it.", None
        return None
    run = tool_run(command)
    if run is None:
        return None
    cmd = run.command
    if run.tool == "pipenv" and run.subcommand in ("install", "sync") and cmd.has_flag("--dev", "-d"):
        return "`pipenv --dev` installs the development packages.", None
    if run.tool == "uv" and run.subcommand == "sync":
        if cmd.has_flag("--all-groups", "--dev") or "dev" in cmd.option_values("--group"):
            return "`uv sync` is asked for development groups.", None
        if not ctx.project.has_dev_dependencies or _truthy(instr.env, "UV_NO_DEV"):
            return None
        if cmd.has_flag("--no-dev", "--no-default-groups", "--only-group", "--no-group") or cmd.has_flag(
            "--only-dev"
        ):
            return None
        return "`uv sync` installs the dev group by default; add `--no-dev`.", _flag_fix(
            ctx, instr, "uv sync", "--no-dev"
        )
    if run.tool == "poetry" and run.subcommand == "install":
        if not ctx.project.has_dev_dependencies:
            return None
        if cmd.has_flag("--only", "--without", "--no-dev") or "main" in cmd.option_values("--only"):
            return None
        return (
            "`poetry install` installs every dependency group; add `--only main`.",
            _flag_fix(ctx, instr, "poetry install", "--only main"),
        )
    if run.tool == "pdm" and run.subcommand in ("install", "sync"):
        if not ctx.project.has_dev_dependencies or cmd.has_flag("--prod", "--production"):
            return None
        return "`pdm install` installs dev dependencies; add `--prod`.", _flag_fix(
            ctx, instr, f"pdm {run.subcommand}", "--prod"
        )
    return None


def _flag_fix(ctx: DockerfileContext, instr: Instruction, words: str, flag: str) -> Fix | None:
    if instr.json:
        return None
    text = "\n".join(ctx.lines[instr.start_line - 1 : instr.end_line])
    pattern = re.compile(r"\b" + r"\s+".join(map(re.escape, words.split())) + r"\b")
    new, count = pattern.subn(lambda m: f"{m.group(0)} {flag}", text, count=1)
    if not count:
        return None
    return Fix(
        f"add `{flag}`", safe=False, edits=(Edit(ctx.path, instr.start_line, instr.end_line, new + "\n"),)
    )


def _uses_venv(ctx: DockerfileContext) -> bool:
    for stage in ctx.model.stages:
        if "VIRTUAL_ENV" in stage.end_env:
            return True
        for instr in stage.of("RUN"):
            for command in instr.commands:
                argv = command.unwrapped().argv
                name = command.unwrapped().name
                if (
                    name.startswith("python")
                    and len(argv) >= 3
                    and argv[1] == "-m"
                    and argv[2] in ("venv", "virtualenv")
                ):
                    return True
                if name == "virtualenv" or (name == "uv" and len(argv) >= 2 and argv[1] in ("venv", "sync")):
                    return True
        for instr in stage.of("COPY"):
            if instr.flag("from") and any("venv" in v for v in instr.value):
                return True
    return False


def _venv_active(instr: Instruction) -> bool:
    path = instr.env.get("PATH", "")
    return "VIRTUAL_ENV" in instr.env or any("venv" in part for part in path.split(":")[:1])


@rule(
    code="DW304",
    name="system-pip-in-final-stage",
    target="dockerfile",
    severity=Severity.WARNING,
    message=(
        "pip installs into the system site-packages of the final stage while a virtualenv is used elsewhere."
    ),
    what="""
        When the Dockerfile builds or copies a virtualenv, flags `pip install` (or
        `uv pip install --system`) in the final stage that targets the system interpreter: pip
        not called from the venv and the venv not first on PATH.
    """,
    why="""
        Packages end up split between the venv and the system site-packages, so the app imports
        versions the lock file never chose, and root-owned system installs defeat the reason for
        the venv (a clean copy from the builder).
    """,
    example="""
        COPY --from=builder /opt/venv /opt/venv
        RUN pip install gunicorn
    """,
    use_instead="""
        COPY --from=builder /opt/venv /opt/venv
        ENV PATH="/opt/venv/bin:$PATH"
        # install gunicorn in the builder's venv, via the lock file
    """,
    fix="none",
    references=("https://docs.python.org/3/library/venv.html",),
)
def check_system_pip(ctx: DockerfileContext) -> Iterator[Hit]:
    if not _uses_venv(ctx):
        return
    for instr in ctx.model.final.of("RUN"):
        for command in instr.commands:
            pip = pip_install(command)
            if pip is None:
                continue
            if pip.tool == "uv" and not pip.has("--system"):
                continue
            if "venv" in pip.program or pip.has("--target", "-t", "--prefix", "--user", "--root"):
                continue
            if pip.tool == "pip" and _venv_active(instr):
                continue
            names = {re.split(r"[=<>!~\[; ]", t, maxsplit=1)[0].lower() for t in pip.targets}
            if pip.targets and not pip.requirements and names <= _INSTALLER_TOOLS:
                continue  # bootstrapping an installer (pip install uv), not the app's dependencies
            yield Hit(instr.start_line, end_line=instr.end_line)
            break


@rule(
    code="DW305",
    name="user-site-copied-from-root",
    target="dockerfile",
    severity=Severity.WARNING,
    message=(
        "Packages installed with `pip install --user` are copied from /root; a non-root user cannot use them."
    ),
    what="""
        Flags `COPY --from=<stage> /root/.local ...`: the "pip install --user in the builder" pattern.
    """,
    why="""
        /root/.local keeps root's paths: console scripts have shebangs and the site directory is
        under /root, so the app either must run as root or silently loses its packages once a
        `USER` is added. A virtualenv at a neutral path (/opt/venv) has neither problem.
    """,
    example="""
        FROM python:3.13-slim-trixie AS builder
        RUN pip install --user -r requirements.txt
        FROM python:3.13-slim-trixie
        COPY --from=builder /root/.local /root/.local
    """,
    use_instead="""
        FROM python:3.13-slim-trixie AS builder
        RUN python -m venv /opt/venv && /opt/venv/bin/pip install -r requirements.txt
        FROM python:3.13-slim-trixie
        COPY --from=builder /opt/venv /opt/venv
        ENV PATH="/opt/venv/bin:$PATH"
    """,
    fix="none",
    references=("https://pip.pypa.io/en/stable/user_guide/#user-installs",),
)
def check_user_site(ctx: DockerfileContext) -> Iterator[Hit]:
    for index in sorted(ctx.model.final_lineage):
        for instr in ctx.model.stages[index].of("COPY"):
            if instr.flag("from") and any(v.rstrip("/").startswith("/root/.local") for v in instr.value[:-1]):
                yield Hit(instr.start_line)
