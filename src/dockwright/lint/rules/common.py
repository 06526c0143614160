"""Small helpers shared by rule families (image references, server commands, fix builders)."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass

from dockwright.lint.dockerfile_model import DockerfileModel, Instruction, Stage
from dockwright.lint.facts import PYTHON_IMAGE
from dockwright.lint.model import Edit, Fix
from dockwright.lint.shell import Command, parse_exec, parse_script

PYTHON_SERVERS = frozenset(
    {
        "gunicorn",
        "uvicorn",
        "hypercorn",
        "daphne",
        "granian",
        "waitress-serve",
        "uwsgi",
        "flask",
        "fastapi",
        "litestar",
    }
)


@dataclass(frozen=True)
class ImageRef:
    name: str  # without tag/digest, e.g. "python" or "ghcr.io/org/app"
    tag: str | None
    digest: str | None

    @property
    def is_python(self) -> bool:
        return bool(PYTHON_IMAGE.match(self.name))


def parse_image(reference: str) -> ImageRef:
    ref = reference.strip()
    digest = None
    if "@" in ref:
        ref, digest = ref.split("@", 1)
    tag = None
    last = ref.rsplit("/", 1)[-1]
    if ":" in last:
        tag = last.split(":", 1)[1]
        ref = ref[: len(ref) - len(last)] + last.split(":", 1)[0]
    return ImageRef(name=ref.lower(), tag=tag, digest=digest)


def instruction_commands(instr: Instruction) -> tuple[Command, ...]:
    """Commands run by a CMD/ENTRYPOINT/RUN/HEALTHCHECK, whatever its form."""
    if instr.cmd == "RUN":
        return instr.commands
    value = instr.value
    if instr.cmd == "HEALTHCHECK":
        if not value or value[0].upper() != "CMD":
            return ()
        value = value[1:]
    if instr.json:
        return parse_exec(value)
    return parse_script(" ".join(value))


def process_commands(stage: Stage) -> list[tuple[Command, Instruction]]:
    """Every command the container's process line runs (``sh -c "a && exec b"`` gives a and b)."""
    result: list[tuple[Command, Instruction]] = []
    entry = stage.last("ENTRYPOINT")
    cmd = stage.last("CMD")
    for instr in (entry, cmd):
        if instr is not None:
            result.extend((c, instr) for c in instruction_commands(instr))
    return result


def shell_split(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def replace_instruction(path: str, instr: Instruction, new_text: str, description: str, safe: bool) -> Fix:
    if not new_text.endswith("\n"):
        new_text += "\n"
    return Fix(description, safe, (Edit(path, instr.start_line, instr.end_line, new_text),))


def insert_after(path: str, line: int, text: str, description: str, safe: bool) -> Fix:
    if not text.endswith("\n"):
        text += "\n"
    return Fix(description, safe, (Edit(path, line + 1, line, text),))


def source_lines(lines: list[str], instr: Instruction) -> str:
    return "\n".join(lines[instr.start_line - 1 : instr.end_line])


def runs_python(model: DockerfileModel) -> bool:
    """True when the final image is a Python one: python base, or its process is a Python server."""
    final = model.final
    lineage = [model.stages[i] for i in sorted(model.final_lineage)]
    if any(parse_image(stage.base).is_python for stage in lineage):
        return True
    if any("python" in parse_image(stage.base).name for stage in lineage):
        return True
    for command, _ in process_commands(final):
        name = command.unwrapped().name
        if name in PYTHON_SERVERS or re.match(r"^python(3(\.\d+)?)?$", name) or name == "celery":
            return True
    return False


def context_copies(instr: Instruction) -> Iterator[str]:
    """Sources of a COPY/ADD taken from the build context (not ``--from``, not URLs, not heredocs)."""
    if instr.cmd not in ("COPY", "ADD") or instr.flag("from"):
        return
    sources = list(instr.value[:-1])
    for source in sources:
        if source.startswith("<<") or re.match(r"^[a-z]+://", source) or source.startswith("git@"):
            continue
        yield source
