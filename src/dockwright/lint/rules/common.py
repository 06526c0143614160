"""Small helpers shared by rule families (image references, server commands, fix builders)."""

from __future__ import annotations

import json
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

    @property
    def is_distroless(self) -> bool:
        return "distroless" in self.name or self.name.startswith("cgr.dev/chainguard/")


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


def is_stage_reference(model: DockerfileModel, stage: Stage) -> bool:
    return stage.parent is not None


def stage_label(stage: Stage) -> str:
    return f"stage {stage.name!r}" if stage.name else f"stage {stage.index}"


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


def process_argv(stage: Stage) -> tuple[list[str], Instruction | None, bool]:
    """The container's process as argv (ENTRYPOINT + CMD), the instruction that defines the server,
    and whether it is shell form. ``([], None, False)`` when neither is set."""
    entry = stage.last("ENTRYPOINT")
    cmd = stage.last("CMD")
    if entry is None and cmd is None:
        return [], None, False
    argv: list[str] = []
    shell = False
    for instr in (entry, cmd):
        if instr is None:
            continue
        if instr.json:
            argv.extend(instr.value)
        else:
            shell = True
            argv.extend(shell_split(" ".join(instr.value)))
    # the instruction naming a server wins as the place to report
    where = cmd if cmd is not None else entry
    if entry is not None and cmd is not None:
        entry_words = " ".join(entry.value)
        if any(s in entry_words for s in PYTHON_SERVERS) or "python" in entry_words:
            where = entry if not any(s in " ".join(cmd.value) for s in PYTHON_SERVERS) else cmd
    return argv, where, shell


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


def exec_form(argv: list[str]) -> str:
    return json.dumps(argv)


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
