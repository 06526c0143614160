"""DW7xx: the .dockerignore that decides what the build context sends to the daemon."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache

from dockwright.lint.context import DockerfileContext, DockerignoreContext
from dockwright.lint.dockerfile_model import DockerfileModel
from dockwright.lint.facts import DOCKERIGNORE_DEFAULTS
from dockwright.lint.ignorefile import IgnoreFile
from dockwright.lint.model import Edit, Fix, Hit, Severity
from dockwright.lint.registry import rule
from dockwright.lint.rules.common import context_copies

_GLOB = re.compile(r"[*?\[]")


def _explicit_sources(models: Sequence[DockerfileModel]) -> list[str]:
    sources: list[str] = []
    for model in models:
        for instr in model.instructions:
            for source in context_copies(instr):
                clean = source.removeprefix("./").rstrip("/")
                if clean and clean != "." and not _GLOB.search(clean) and "$" not in clean:
                    sources.append(clean)
    return sources


@lru_cache(maxsize=64)
def _probe(pattern: str) -> IgnoreFile:
    return IgnoreFile.parse(pattern)


def default_dockerignore(needed: list[str]) -> str:
    """The .dockerignore the DW701 fix writes, minus patterns that would hide files the build copies."""
    lines: list[str] = ["# Written by `dockwright lint --fix`: keep the build context small and secret-free."]
    for pattern, _ in DOCKERIGNORE_DEFAULTS:
        if not pattern.startswith(("#", "!")) and any(_probe(pattern).excludes(source) for source in needed):
            continue
        lines.append(pattern)
    return "\n".join(lines) + "\n"


@rule(
    code="DW701",
    name="missing-dockerignore",
    target="dockerfile",
    severity=Severity.WARNING,
    message="There is no .dockerignore, so COPY sends .git, virtualenvs and .env files into the build.",
    what="""
        Flags a Dockerfile that copies from its build context (its directory) when that
        directory has neither `.dockerignore` nor `<Dockerfile>.dockerignore`.
    """,
    why="""
        Without it `COPY . .` bakes .git history, local virtualenvs (wrong platform binaries),
        `__pycache__` and `.env` secrets into the image, and every edit to those files busts the
        layer cache. The context upload itself gets slow.
    """,
    example="""
        COPY . .
        # (no .dockerignore next to the Dockerfile)
    """,
    use_instead="""
        # .dockerignore
        .git
        .env
        .env.*
        .venv
        **/__pycache__
    """,
    fix="safe",
    fix_notes="Creates a .dockerignore with safe defaults that exclude nothing the Dockerfile COPYs by name.",
    references=("https://docs.docker.com/build/concepts/context/#dockerignore-files",),
)
def check_missing(ctx: DockerfileContext) -> Iterator[Hit]:
    if ctx.project.has(".dockerignore") or ctx.project.has(ctx.file.name + ".dockerignore"):
        return
    first = None
    whole = False
    for instr in ctx.model.instructions:
        sources = list(context_copies(instr))
        if sources and first is None:
            first = instr
        if any(s.rstrip("/") in (".", "", "*") for s in sources):
            whole = True
            first = instr
            break
    if first is None:
        return
    target = ctx.sibling(".dockerignore")
    text = default_dockerignore(_explicit_sources([ctx.model]))
    fix = Fix("create .dockerignore", True, (Edit(target, 1, 0, text),))
    message = (
        None if whole else "There is no .dockerignore; add one before the context grows (.git, .env, .venv)."
    )
    yield Hit(first.start_line, message, fix)


def _append_fix(ctx: DockerignoreContext, pattern: str, description: str, safe: bool = True) -> Fix:
    lines = ctx.lines
    count = len(lines)
    prefix = ""
    if ctx.text and not ctx.text.endswith("\n"):
        # the last line has no newline: rewrite it with one
        return Fix(description, safe, (Edit(ctx.path, count, count, f"{lines[-1]}\n{pattern}\n"),))
    return Fix(description, safe, (Edit(ctx.path, count + 1, count, prefix + pattern + "\n"),))


def _copied_explicitly(ctx: DockerignoreContext, path: str) -> bool:
    return any(
        source == path or source.startswith(path + "/") for source in _explicit_sources(ctx.dockerfiles)
    )


def _missing(ctx: DockerignoreContext, probes: tuple[str, ...], pattern: str, what: str) -> Iterator[Hit]:
    if all(ctx.ignore.excludes(p) for p in probes):
        return
    if any(_copied_explicitly(ctx, p) for p in probes):
        return
    yield Hit(
        1,
        f".dockerignore does not exclude {what}; add `{pattern}`.",
        _append_fix(ctx, pattern, f"exclude {pattern}"),
    )


@rule(
    code="DW702",
    name="dockerignore-git",
    target="dockerignore",
    severity=Severity.WARNING,
    message=".dockerignore does not exclude .git.",
    what="Flags a .dockerignore that lets `.git` into the build context.",
    why="""
        .git is often larger than the project, changes on every commit (busting `COPY . .`
        caches) and leaks history, including secrets that were committed and removed.
    """,
    example="""
        __pycache__
    """,
    use_instead="""
        .git
        __pycache__
    """,
    fix="safe",
    fix_notes="Appends `.git`.",
    references=("https://docs.docker.com/build/concepts/context/#dockerignore-files",),
)
def check_git(ctx: DockerignoreContext) -> Iterator[Hit]:
    yield from _missing(ctx, (".git",), ".git", ".git")


@rule(
    code="DW703",
    name="dockerignore-env-files",
    target="dockerignore",
    severity=Severity.ERROR,
    message=".dockerignore does not exclude .env files.",
    what="Flags a .dockerignore that lets `.env` or `.env.*` into the build context.",
    why="""
        `COPY . .` then bakes local or production credentials into a layer that everyone who
        can pull the image can read. Re-include templates with `!.env.example`.
    """,
    example="""
        .git
    """,
    use_instead="""
        .git
        .env
        .env.*
        !.env.example
    """,
    fix="safe",
    fix_notes="Appends `.env` / `.env.*` (not when the Dockerfile copies such a file by name).",
    references=("https://docs.docker.com/build/building/secrets/",),
)
def check_env(ctx: DockerignoreContext) -> Iterator[Hit]:
    if not ctx.ignore.excludes(".env"):
        yield from _missing(ctx, (".env",), ".env", ".env")
    elif not ctx.ignore.excludes(".env.production") and not ctx.ignore.excludes(".env.local"):
        yield from _missing(ctx, (".env.production",), ".env.*", ".env.* variants")


@rule(
    code="DW704",
    name="dockerignore-virtualenv",
    target="dockerignore",
    severity=Severity.WARNING,
    message=".dockerignore does not exclude local virtualenvs.",
    what="Flags a .dockerignore that lets `.venv` (or an existing `venv`/`env` directory) into the context.",
    why="""
        A host virtualenv holds binaries for the wrong platform and hundreds of MB; copied over an
        image's own venv it breaks imports in ways that are painful to debug.
    """,
    example="""
        .git
    """,
    use_instead="""
        .git
        .venv
        venv
    """,
    fix="safe",
    fix_notes="Appends the missing virtualenv directory names.",
    references=("https://docs.python.org/3/library/venv.html",),
)
def check_venv(ctx: DockerignoreContext) -> Iterator[Hit]:
    for name in (".venv", "venv", "env"):
        if name != ".venv" and not (ctx.project.has(f"{name}/pyvenv.cfg")):
            continue
        if not ctx.ignore.excludes(name):
            yield from _missing(ctx, (name,), name, f"the virtualenv `{name}`")
            return


@rule(
    code="DW705",
    name="dockerignore-pycache",
    target="dockerignore",
    severity=Severity.INFO,
    message=".dockerignore does not exclude __pycache__ directories.",
    what="Flags a .dockerignore that lets `__pycache__` / `*.pyc` from any directory into the context.",
    why="""
        Host bytecode is for the host's Python version, changes constantly (busting the code
        layer's cache) and can shadow sources when timestamps disagree.
    """,
    example="""
        .git
        __pycache__
    """,
    use_instead="""
        .git
        **/__pycache__
        **/*.py[cod]
    """,
    fix="safe",
    fix_notes="Appends `**/__pycache__`. Note that a bare `__pycache__` matches only the top directory.",
    references=("https://docs.docker.com/build/concepts/context/#dockerignore-files",),
)
def check_pycache(ctx: DockerignoreContext) -> Iterator[Hit]:
    probes = ("pkg/__pycache__/mod.cpython-313.pyc", "__pycache__/mod.cpython-313.pyc")
    yield from _missing(ctx, probes, "**/__pycache__", "nested __pycache__ directories")


@rule(
    code="DW706",
    name="dockerignore-excludes-copied-file",
    target="dockerignore",
    severity=Severity.ERROR,
    message=".dockerignore excludes a file the Dockerfile copies; the build fails or silently copies less.",
    what="""
        Flags a pattern that excludes a path a sibling Dockerfile COPYs/ADDs by name (for
        example `*.txt` hiding `requirements.txt`, or `README*` needed by a package build).
    """,
    why="""
        `COPY requirements.txt .` then fails with "not found", and a directory copy silently
        loses files.
    """,
    example="""
        *.txt
        # Dockerfile: COPY requirements.txt ./
    """,
    use_instead="""
        *.txt
        !requirements.txt
    """,
    fix="unsafe",
    fix_notes="Appends a `!path` re-include. Unsafe: maybe the COPY is what should go.",
    references=("https://docs.docker.com/build/concepts/context/#dockerignore-files",),
    aliases=("BuildKit CopyIgnoredFile",),
)
def check_excludes_copied(ctx: DockerignoreContext) -> Iterator[Hit]:
    seen: set[str] = set()
    for source in _explicit_sources(ctx.dockerfiles):
        pattern = ctx.ignore.excluding_pattern(source)
        if pattern is None or source in seen:
            continue
        seen.add(source)
        yield Hit(
            pattern.line,
            f"`{pattern.raw.strip()}` excludes `{source}`, which the Dockerfile copies.",
            _append_fix(ctx, f"!{source}", f"re-include {source}", safe=False),
        )


@rule(
    code="DW707",
    name="dockerignore-trailing-comment",
    target="dockerignore",
    severity=Severity.WARNING,
    message="A `#` after a pattern is part of the pattern, not a comment.",
    what="Flags pattern lines with a trailing ` # comment`.",
    why="Docker only treats `#` as a comment at the start of a line: `.venv  # local env` matches nothing.",
    example="""
        .venv  # local virtualenv
    """,
    use_instead="""
        # local virtualenv
        .venv
    """,
    fix="safe",
    fix_notes="Moves the comment to its own line above the pattern.",
    references=("https://docs.docker.com/build/concepts/context/#syntax",),
)
def check_trailing_comment(ctx: DockerignoreContext) -> Iterator[Hit]:
    for number, line in enumerate(ctx.lines, start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = re.search(r"\s+#", line)
        if match:
            pattern, comment = line[: match.start()], line[match.start() :].strip()
            fix = Fix(
                "move the comment above the pattern",
                True,
                (Edit(ctx.path, number, number, f"{comment}\n{pattern}\n"),),
            )
            yield Hit(number, fix=fix)
