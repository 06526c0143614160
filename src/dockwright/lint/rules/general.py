"""DW0xx: files that cannot be understood at all."""

from __future__ import annotations

from collections.abc import Iterator

from dockwright.lint.context import DockerfileContext
from dockwright.lint.model import Hit, Severity
from dockwright.lint.registry import rule


@rule(
    code="DW001",
    name="parse-error",
    target="dockerfile",
    severity=Severity.ERROR,
    message="The file cannot be parsed.",
    what="""
        Reports a Dockerfile, compose file or .dockerignore that the parser rejects (for Dockerfiles
        the official BuildKit parser, so the verdict is the one `docker build` would give).
    """,
    why="""
        A file that does not parse cannot be built or started, and no other rule can check it.
    """,
    example="""
        FROM python:3.13-slim-trixie
        RUN <<EOF
        pip install flask
    """,
    use_instead="""
        FROM python:3.13-slim-trixie
        RUN <<EOF
        pip install --no-cache-dir flask
        EOF
    """,
    fix="none",
    references=("https://docs.docker.com/reference/dockerfile/",),
    aliases=("hadolint DL1000",),
)
def check_parse_error(ctx: DockerfileContext) -> Iterator[Hit]:
    # emitted by the runner when parsing fails; nothing to check on a parsed file
    return iter(())


@rule(
    code="DW002",
    name="unknown-instruction",
    target="dockerfile",
    severity=Severity.ERROR,
    message="Unknown instruction, or an instruction before the first FROM; the build fails here.",
    what="""
        Flags a line that is not a Dockerfile instruction (a typo such as `RUNN`, a stray shell
        line after a missing `\\`), or anything but `ARG` before the first `FROM`.
    """,
    why="""
        BuildKit stops with "unknown instruction" or "no build stage in current context".
    """,
    example="""
        FROM python:3.13-slim-trixie
        RUN apt-get update
            apt-get install -y libpq5
    """,
    use_instead="""
        FROM python:3.13-slim-trixie
        RUN apt-get update \\
            && apt-get install -y --no-install-recommends libpq5
    """,
    fix="none",
    references=("https://docs.docker.com/reference/dockerfile/#format",),
    aliases=("hadolint DL3061",),
)
def check_unknown_instruction(ctx: DockerfileContext) -> Iterator[Hit]:
    for instr in ctx.model.unknown:
        yield Hit(instr.start_line, f"`{instr.cmd}` is not a Dockerfile instruction here; the build fails.")
    if not ctx.model.stages:
        yield Hit(1, "The Dockerfile has no FROM instruction.")
    for instr in ctx.model.instructions:
        problem = _argument_problem(instr.cmd, [v for v in instr.value if v.strip()], bool(instr.heredocs))
        if problem:
            yield Hit(instr.start_line, f"{problem}; the build fails here.")


def _argument_problem(cmd: str, words: list[str], heredoc: bool) -> str | None:
    """BuildKit's argument-count errors for the instructions where they are common typos."""
    if cmd == "FROM" and not (len(words) == 1 or (len(words) == 3 and words[1].upper() == "AS")):
        return "FROM needs an image, optionally followed by `AS name`"
    if cmd in ("COPY", "ADD") and len(words) < 2 and not heredoc:
        return f"{cmd} needs a source and a destination"
    if cmd in ("RUN", "USER", "WORKDIR", "EXPOSE", "ENV", "ARG", "LABEL") and not words:
        return f"{cmd} needs an argument"
    return None
