"""DW2xx: layer caching (what is copied before the dependency install)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dockwright.lint.context import DockerfileContext
from dockwright.lint.dockerfile_model import Instruction, Stage
from dockwright.lint.model import Edit, Fix, Hit, Severity
from dockwright.lint.registry import rule
from dockwright.lint.rules.common import context_copies, source_lines
from dockwright.lint.shell import installs_dependencies, pip_install, tool_run

# files a dependency install reads; copying only these keeps the install layer cached
MANIFEST = re.compile(
    r"(?:^|/)(?:requirements[\w.-]*\.(?:txt|in)|constraints[\w.-]*\.txt|pyproject\.toml|setup\.cfg|setup\.py|"
    r"[\w.-]+\.lock|Pipfile(?:\.lock)?|\.python-version|uv\.toml|poetry\.toml|pdm\.toml|README[\w.]*|LICEN[CS]E[\w.]*|"
    r"requirements/?)$"
)


def _is_code_copy(ctx: DockerfileContext, source: str) -> bool:
    """A source that brings application code: the whole context or a directory of it."""
    clean = source.rstrip("/") or "."
    if clean in (".", "./", "*", "./*"):
        return True
    if MANIFEST.search(clean):
        return False
    path = ctx.project.directory / clean
    return path.is_dir() and not path.name.startswith(".")


def _install_kind(instr: Instruction) -> str | None:
    """'requirements' for pip -r installs, 'project' for installs that need the project itself."""
    kinds: set[str] = set()
    for command in instr.commands:
        pip = pip_install(command)
        if pip is not None:
            if pip.requirements and not pip.targets and not pip.editable:
                kinds.add("requirements")
            elif any(t in (".", "./") or t.startswith((".[", "./")) for t in (*pip.targets, *pip.editable)):
                kinds.add("project")
            elif pip.targets and not pip.requirements:
                kinds.add("packages")
            else:
                kinds.add("project")
            continue
        if installs_dependencies(command):
            run = tool_run(command)
            if run is not None and run.command.has_flag(
                "--no-install-project", "--no-root", "--only-deps", "--no-self"
            ):
                kinds.add("requirements")
            else:
                kinds.add("project")
    if "project" in kinds:
        return "project"
    if "requirements" in kinds:
        return "requirements"
    return "packages" if kinds else None


def _early_code_copies(
    ctx: DockerfileContext, stage: Stage
) -> Iterator[tuple[Instruction, Instruction, str]]:
    """(code COPY, later install RUN, install kind) where code is copied before any dependency install."""
    code_copy: Instruction | None = None
    for instr in stage.instructions:
        if instr.cmd in ("COPY", "ADD") and code_copy is None:
            if any(_is_code_copy(ctx, s) for s in context_copies(instr)):
                code_copy = instr
            continue
        if instr.cmd != "RUN":
            continue
        kind = _install_kind(instr)
        if kind is None or kind == "packages":
            continue
        if code_copy is None:
            return  # dependencies were installed before any code arrived: the good order
        yield code_copy, instr, kind
        return


_TOOL_LOCKS = {
    "uv": ("uv.lock",),
    "poetry": ("poetry.lock",),
    "pdm": ("pdm.lock",),
    "pipenv": ("Pipfile.lock",),
}
_INSTALLER_TOOLS = frozenset({"pip", "setuptools", "wheel", "uv", "poetry", "pipenv", "pdm"})


def _install_inputs(ctx: DockerfileContext, run: Instruction) -> list[str]:
    """The context files a dependencies-only install RUN reads, or [] when it needs more (or unknown)."""
    files: list[str] = []
    for command in run.commands:
        pip = pip_install(command)
        if pip is not None:
            tools = {re.split(r"[=<>!~\[]", t, maxsplit=1)[0].lower() for t in pip.targets}
            if pip.editable or (pip.targets and not tools <= _INSTALLER_TOOLS):
                return []
            files.extend((*pip.requirements, *pip.constraints))
            continue
        tool = tool_run(command)
        if tool is not None and installs_dependencies(command):
            if not tool.command.has_flag("--no-install-project", "--no-root", "--only-deps", "--no-self"):
                return []
            manifest = "Pipfile" if tool.tool == "pipenv" else "pyproject.toml"
            files.extend([manifest, *(lock for lock in _TOOL_LOCKS[tool.tool] if ctx.project.has(lock))])
    return list(dict.fromkeys(files))


def _move_install_fix(ctx: DockerfileContext, copy: Instruction, run: Instruction) -> Fix | None:
    """COPY the manifests first, install, then COPY the code: only for `COPY . X` directly followed by
    a dependencies-only install RUN whose input files all exist."""
    if len(copy.value) != 2 or copy.value[0].rstrip("/") not in (".", "") or copy.flags:
        return None
    between = ctx.lines[copy.end_line : run.start_line - 1]
    if any(line.strip() and not line.lstrip().startswith("#") for line in between):
        return None
    files = _install_inputs(ctx, run)
    if not files or not all(ctx.project.has(f) and not f.startswith(("/", "..")) for f in files):
        return None
    sources: list[str] = []
    for name in files:
        top = name.split("/", 1)[0] + "/" if "/" in name else name
        if top not in sources:
            sources.append(top)
    dest = copy.value[1]
    dest_dir = dest if dest.endswith("/") else dest + "/"
    plain = [s for s in sources if not s.endswith("/")]
    copies = [f"COPY {' '.join(plain)} {dest_dir}"] if plain else []
    copies += [f"COPY {s} {dest_dir}{s}" for s in sources if s.endswith("/")]
    text = "\n".join(copies) + "\n" + source_lines(ctx.lines, run) + "\n"
    text += "".join(line + "\n" for line in between) + source_lines(ctx.lines, copy) + "\n"
    return Fix(
        "copy the dependency manifests and install before copying the code",
        safe=False,
        edits=(Edit(ctx.path, copy.start_line, run.end_line, text),),
    )


@rule(
    code="DW201",
    name="code-copied-before-requirements-install",
    target="dockerfile",
    severity=Severity.WARNING,
    message=(
        "Application code is copied before the requirements are "
        "installed, so every code change reinstalls them."
    ),
    what="""
        Flags a COPY of the whole build context (or a code directory) that comes before a
        dependencies-only install in the same stage: `pip install -r requirements.txt`, or
        `poetry install --no-root`, `uv sync --no-install-project` or `pdm install --no-self`:
        installs that read only pyproject.toml and the lock file.
    """,
    why="""
        Docker reuses a layer only while everything copied before it is unchanged. With the code
        copied first, editing one line of Python invalidates the install layer and every build
        downloads and installs all dependencies again.
    """,
    example="""
        WORKDIR /app
        COPY . .
        RUN pip install --no-cache-dir -r requirements.txt
    """,
    use_instead="""
        WORKDIR /app
        COPY requirements.txt ./
        RUN pip install --no-cache-dir -r requirements.txt
        COPY . .
    """,
    fix="unsafe",
    fix_notes="""
        When `COPY . <dir>` is directly followed by the install RUN, the fix copies the files that
        install reads (requirement files, or pyproject.toml and the lock file) first and moves the
        install above the code copy. Unsafe: an install that reads other files from the context
        (local wheels, `-e` paths, a README the build backend wants) would lose them.
    """,
    references=("https://docs.docker.com/build/cache/optimize/#order-your-layers",),
)
def check_requirements_order(ctx: DockerfileContext) -> Iterator[Hit]:
    for stage in ctx.model.stages:
        for copy, run, kind in _early_code_copies(ctx, stage):
            if kind == "requirements":
                pips = [p for p in (pip_install(c) for c in run.commands) if p is not None]
                uses_requirements = any(p.requirements for p in pips)
                what = "the requirement files" if uses_requirements else "pyproject.toml and the lock file"
                yield Hit(
                    copy.start_line,
                    f"Code is copied here before the dependency install on line {run.start_line}; "
                    f"copy {what} first so the install layer stays cached.",
                    _move_install_fix(ctx, copy, run),
                )


@rule(
    code="DW202",
    name="manifests-not-copied-first",
    target="dockerfile",
    severity=Severity.WARNING,
    message="The project is installed from a full copy of the code; copy the manifests and lock file first.",
    what="""
        Flags `uv sync`, `poetry install`, `pipenv install` or `pip install .` that runs after the
        whole context was copied, with no dependencies-only install before the code copy.
    """,
    why="""
        The dependency layer depends on pyproject.toml and the lock file only. Installing the
        dependencies before copying the code (`uv sync --no-install-project`, `poetry install
        --no-root`) keeps that slow layer cached across code changes.
    """,
    example="""
        COPY . .
        RUN uv sync --frozen --no-dev
    """,
    use_instead="""
        COPY pyproject.toml uv.lock ./
        RUN uv sync --frozen --no-dev --no-install-project
        COPY . .
        RUN uv sync --frozen --no-dev
    """,
    fix="none",
    references=(
        "https://docs.astral.sh/uv/guides/integration/docker/#intermediate-layers",
        "https://docs.docker.com/build/cache/optimize/",
    ),
)
def check_manifests_first(ctx: DockerfileContext) -> Iterator[Hit]:
    for stage in ctx.model.stages:
        for copy, run, kind in _early_code_copies(ctx, stage):
            if kind == "project":
                lock = ", ".join(ctx.project.lock_files) or "the lock file"
                yield Hit(
                    copy.start_line,
                    f"The whole project is copied before the install on line {run.start_line}; copy "
                    f"pyproject.toml and {lock} first and install dependencies without the project.",
                )
