"""A stage-aware model of a Dockerfile over the official BuildKit parser (the ``dockerfile`` binding).

Rules ask questions of this model instead of re-reading text: which stage is final, what a FROM
resolves to once ARG defaults are applied, which ENV is in effect at an instruction, which mounts a
RUN has, and which shell commands it runs (see ``shell``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from dockwright.lint.shell import Command, parse_exec, parse_script

KNOWN_INSTRUCTIONS = frozenset(
    [
        "ADD",
        "ARG",
        "CMD",
        "COPY",
        "ENTRYPOINT",
        "ENV",
        "EXPOSE",
        "FROM",
        "HEALTHCHECK",
        "LABEL",
        "MAINTAINER",
        "ONBUILD",
        "RUN",
        "SHELL",
        "STOPSIGNAL",
        "USER",
        "VOLUME",
        "WORKDIR",
    ]
)

_VAR = re.compile(
    r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?P<op>:?[-+])?(?P<word>[^}]*)\}|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))"
)


class DockerfileSyntaxError(Exception):
    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


def expand(text: str, variables: Mapping[str, str]) -> str:
    """Expand ``$VAR``, ``${VAR}``, ``${VAR:-default}`` and ``${VAR:+alt}`` like the Dockerfile parser.

    Unknown variables expand to ''; callers that care whether a value was known use ``is_resolved``.
    """

    def substitute(match: re.Match[str]) -> str:
        name = match.group("braced") or match.group("plain")
        value = variables.get(name)
        op = match.group("op")
        if op in (":-", "-"):
            return value if value else match.group("word")
        if op in (":+", "+"):
            return match.group("word") if value else ""
        return value or ""

    return _VAR.sub(substitute, text)


def is_resolved(text: str, variables: Mapping[str, str]) -> bool:
    """True when every variable in ``text`` has a known value (or a default)."""
    for match in _VAR.finditer(text):
        name = match.group("braced") or match.group("plain")
        if name not in variables and not match.group("op"):
            return False
    return True


def unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


@dataclass(frozen=True)
class Mount:
    type: str
    target: str
    options: Mapping[str, str]


@dataclass
class Instruction:
    cmd: str  # upper-case keyword (ONBUILD keeps its sub-command in ``sub_cmd``)
    sub_cmd: str | None
    flags: tuple[str, ...]
    value: tuple[str, ...]
    json: bool
    original: str
    start_line: int
    end_line: int
    heredocs: tuple[tuple[str, str], ...]  # (name, content)
    stage: int
    env: Mapping[str, str]  # ENV and ARG values in effect before this instruction

    def flag(self, name: str) -> str | None:
        """Value of ``--name=value`` (last one wins), or '' for a bare ``--name``; None when absent."""
        found: str | None = None
        for item in self.flags:
            key, sep, val = item.partition("=")
            if key == f"--{name}":
                found = val if sep else ""
        return found

    @cached_property
    def mounts(self) -> tuple[Mount, ...]:
        mounts: list[Mount] = []
        for item in self.flags:
            key, _, spec = item.partition("=")
            if key != "--mount":
                continue
            options: dict[str, str] = {}
            for part in spec.split(","):
                k, sep, v = part.partition("=")
                options[k.strip().lower()] = v.strip() if sep else "true"
            target = options.get("target") or options.get("dst") or options.get("destination") or ""
            mounts.append(Mount(type=options.get("type", "bind"), target=target.rstrip("/"), options=options))
        return tuple(mounts)

    @cached_property
    def commands(self) -> tuple[Command, ...]:
        """Shell commands of a RUN (shell form, exec form or heredoc script); () otherwise."""
        if self.cmd != "RUN":
            return ()
        if self.json:
            return parse_exec(self.value)
        text = " ".join(self.value)
        commands: list[Command] = []
        if self.heredocs and re.fullmatch(r"\s*<<-?[\"']?\w+[\"']?\s*", text):
            # `RUN <<EOF` runs the heredoc as a script (unless its shebang names another language)
            content = self.heredocs[0][1]
            first = content.lstrip().split("\n", 1)[0]
            if first.startswith("#!") and not re.search(r"\b(ba|da|a)?sh\b", first):
                return ()
            return parse_script(content)
        commands.extend(parse_script(re.sub(r"<<-?[\"']?\w+[\"']?", "", text)))
        for cmd in list(commands):
            # `RUN bash <<EOF` / `sh <<EOF`: the heredoc is the script
            if cmd.name in ("sh", "bash", "dash", "ash") and self.heredocs and len(cmd.args) == 0:
                commands.extend(parse_script(self.heredocs[0][1]))
        return tuple(commands)

    @property
    def text(self) -> str:
        """The instruction's arguments as one string (shell form) or joined exec-form words."""
        return " ".join(self.value)


@dataclass
class Stage:
    index: int
    name: str | None  # lower-case alias
    base: str  # resolved image reference (ARG defaults applied)
    base_raw: str
    base_resolved: bool  # False when the reference uses an ARG without a value
    platform: str | None
    from_line: int
    parent: int | None  # index of the stage this one is FROM, if any
    instructions: list[Instruction] = field(default_factory=list)
    end_env: Mapping[str, str] = field(default_factory=dict)  # ENV/ARG in effect after the last instruction

    def of(self, *cmds: str) -> Iterator[Instruction]:
        return (i for i in self.instructions if i.cmd in cmds)

    def last(self, cmd: str) -> Instruction | None:
        found = [i for i in self.instructions if i.cmd == cmd]
        return found[-1] if found else None


@dataclass
class DockerfileModel:
    path: str
    text: str
    lines: list[str]
    global_args: dict[str, str]
    preamble: list[Instruction]  # ARGs before the first FROM
    stages: list[Stage]
    unknown: list[Instruction]  # instructions BuildKit does not know (reported by DW002)

    @property
    def final(self) -> Stage:
        return self.stages[-1]

    @property
    def instructions(self) -> Iterator[Instruction]:
        for stage in self.stages:
            yield from stage.instructions

    def stage_by_ref(self, ref: str) -> Stage | None:
        """A stage named by alias or index, as ``FROM`` / ``COPY --from`` refer to it."""
        ref = ref.lower()
        for stage in self.stages:
            if stage.name == ref or str(stage.index) == ref:
                return stage
        return None

    @cached_property
    def final_lineage(self) -> frozenset[int]:
        """Stages whose filesystem *is* the final image: the final stage and the stages it is FROM."""
        seen: set[int] = set()
        index: int | None = self.final.index
        while index is not None and index not in seen:
            seen.add(index)
            index = self.stages[index].parent
        return frozenset(seen)

    @cached_property
    def contributing(self) -> frozenset[int]:
        """Stages that put files into the final image: its lineage plus every ``COPY --from`` source."""
        result: set[int] = set()
        todo = [self.final.index]
        while todo:
            index = todo.pop()
            if index in result:
                continue
            result.add(index)
            stage = self.stages[index]
            if stage.parent is not None:
                todo.append(stage.parent)
            for instr in stage.of("COPY", "ADD"):
                source = instr.flag("from")
                if source:
                    src_stage = self.stage_by_ref(expand(source, instr.env))
                    if src_stage is not None and src_stage.index < index:
                        todo.append(src_stage.index)
        return frozenset(result)

    @property
    def is_multistage(self) -> bool:
        return len(self.stages) > 1


def _env_pairs(instr_value: tuple[str, ...]) -> list[tuple[str, str]]:
    values = list(instr_value)
    return [(values[i], unquote(values[i + 1])) for i in range(0, len(values) - 1, 2)]


def _arg_pairs(instr_value: tuple[str, ...]) -> list[tuple[str, str | None]]:
    pairs: list[tuple[str, str | None]] = []
    for item in instr_value:
        name, sep, default = item.partition("=")
        pairs.append((name, unquote(default) if sep else None))
    return pairs


def parse_dockerfile(text: str, path: str = "Dockerfile") -> DockerfileModel:
    """Parse ``text`` into a ``DockerfileModel``; raises ``DockerfileSyntaxError`` on invalid input."""
    import dockerfile  # the Go BuildKit parser; imported here to keep CLI start-up light

    if "\x00" in text:
        raise DockerfileSyntaxError("file contains NUL bytes; not a Dockerfile")
    try:
        raw = dockerfile.parse_string(text)
    except dockerfile.GoParseError as err:
        message = str(err)
        match = re.search(r"line (\d+)", message)
        raise DockerfileSyntaxError(message, int(match.group(1)) if match else 1) from None
    lines = text.splitlines()
    model = DockerfileModel(
        path=path, text=text, lines=lines, global_args={}, preamble=[], stages=[], unknown=[]
    )
    variables: dict[str, str] = {}
    for item in raw:
        # the binding can hand back None fields for degenerate lines; treat them as empty
        cmd = (item.cmd or "").upper()
        start_line = item.start_line or 1
        instr = Instruction(
            cmd=cmd,
            sub_cmd=item.sub_cmd.upper() if item.sub_cmd else None,
            flags=tuple(f for f in (item.flags or ()) if f is not None),
            value=tuple(v if v is not None else "" for v in (item.value or ())),
            json=bool(item.json),
            original=item.original or "",
            start_line=start_line,
            end_line=max(start_line, item.end_line or start_line),
            heredocs=tuple((h.name or "", h.content or "") for h in (item.heredocs or ())),
            stage=len(model.stages) - 1,
            env=variables,
        )
        if cmd not in KNOWN_INSTRUCTIONS:
            model.unknown.append(instr)
            continue
        if cmd == "FROM":
            words = list(instr.value)
            image_raw = words[0] if words else ""
            alias = words[2].lower() if len(words) >= 3 and words[1].upper() == "AS" else None
            image = expand(image_raw, model.global_args)
            parent = model.stage_by_ref(image) if image else None
            instr.stage = len(model.stages)
            # a stage starts with its parent's ENV (build ARGs are not inherited)
            if model.stages:
                model.stages[-1].end_env = variables
            variables = dict(model.stages[parent.index].end_env) if parent is not None else {}
            instr.env = variables
            model.stages.append(
                Stage(
                    index=len(model.stages),
                    name=alias,
                    base=image,
                    base_raw=image_raw,
                    base_resolved=is_resolved(image_raw, model.global_args),
                    platform=instr.flag("platform"),
                    from_line=start_line,
                    parent=parent.index if parent is not None else None,
                    instructions=[instr],
                )
            )
            continue
        if not model.stages:
            if cmd == "ARG":
                for name, default in _arg_pairs(instr.value):
                    if default is not None:
                        model.global_args[name] = expand(default, model.global_args)
                model.preamble.append(instr)
            else:
                model.unknown.append(instr)  # BuildKit: "no build stage in current context"
            continue
        model.stages[-1].instructions.append(instr)
        if cmd in ("ENV", "ARG"):
            variables = dict(variables)
            if cmd == "ENV":
                for name, value in _env_pairs(instr.value):
                    variables[name] = expand(value, variables)
            else:
                for name, default in _arg_pairs(instr.value):
                    if default is not None:
                        variables[name] = expand(default, variables)
                    elif name in model.global_args:
                        variables[name] = model.global_args[name]
    if model.stages:
        model.stages[-1].end_env = variables
    return model
