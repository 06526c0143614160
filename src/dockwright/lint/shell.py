"""RUN commands as parsed shell commands, so rules ask "is this a pip install?" instead of grepping.

``bashlex`` parses the script into simple commands (through ``&&``, ``;``, pipes, ``if``/``for``,
subshells and command substitutions). When bashlex cannot parse a script (it does not know every
bash construct) a conservative splitter on control operators takes over, so a rule never sees less
than the words of each command.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

# commands that run their arguments as another command (`sudo pip install`, `env A=1 pip ...`)
_WRAPPERS = frozenset({"sudo", "env", "exec", "nice", "nohup", "time", "command", "su-exec", "gosu", "tini"})


@dataclass(frozen=True)
class Command:
    """One simple command: ``argv`` after leading ``NAME=value`` assignments."""

    argv: tuple[str, ...]
    assignments: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """Base name of the program (``/opt/venv/bin/pip`` -> ``pip``); '' for assignment-only commands."""
        return self.argv[0].rsplit("/", 1)[-1] if self.argv else ""

    @property
    def args(self) -> tuple[str, ...]:
        return self.argv[1:]

    def unwrapped(self) -> Command:
        """The command a wrapper runs: ``sudo -E pip install x`` -> ``pip install x``."""
        argv = list(self.argv)
        assignments = list(self.assignments)
        while argv and argv[0].rsplit("/", 1)[-1] in _WRAPPERS:
            wrapper = argv.pop(0).rsplit("/", 1)[-1]
            while argv and (argv[0].startswith("-") or (wrapper in ("env",) and "=" in argv[0])):
                item = argv.pop(0)
                if "=" in item and not item.startswith("-"):
                    assignments.append(item)
                elif wrapper in ("sudo", "gosu", "su-exec") and item in ("-u", "--user", "-g") and argv:
                    argv.pop(0)
            if wrapper in ("gosu", "su-exec") and argv:
                argv.pop(0)  # the user name
            if argv == ["--"] or (argv and argv[0] == "--"):
                argv.pop(0)
        return Command(tuple(argv), tuple(assignments))

    def has_flag(self, *names: str) -> bool:
        """True when any of ``names`` (``--no-cache-dir``, ``-y``) appears, also as ``--name=value``
        or inside a bundle of short flags (``-qy`` has ``-y``)."""
        for arg in self.args:
            if arg == "--":
                break
            for name in names:
                if arg == name or (name.startswith("--") and arg.startswith(name + "=")):
                    return True
                if (
                    len(name) == 2
                    and name[0] == "-"
                    and re.fullmatch(r"-[A-Za-z]+", arg)
                    and name[1] in arg[1:]
                ):
                    return True
        return False

    def option_values(self, *names: str) -> list[str]:
        """Values of ``--name value``/``--name=value``/``-n value`` options."""
        values: list[str] = []
        args = self.args
        for index, arg in enumerate(args):
            for name in names:
                if arg == name and index + 1 < len(args):
                    values.append(args[index + 1])
                elif name.startswith("--") and arg.startswith(name + "="):
                    values.append(arg.split("=", 1)[1])
                elif len(name) == 2 and arg.startswith(name) and len(arg) > 2 and not arg.startswith("--"):
                    values.append(arg[2:])
        return values

    def positionals(self, skip: int = 0, takes_value: Iterable[str] = ()) -> list[str]:
        """Non-option arguments after the first ``skip`` positionals (sub-commands)."""
        values = set(takes_value)
        result: list[str] = []
        args = list(self.args)
        index = 0
        while index < len(args):
            arg = args[index]
            if arg in values:
                index += 2
                continue
            if arg.startswith("-") and arg != "-":
                index += 1
                continue
            result.append(arg)
            index += 1
        return result[skip:]


def _words_of(node: object) -> Iterator[Command]:
    import bashlex.ast

    found: list[Command] = []

    class Visitor(bashlex.ast.nodevisitor):  # type: ignore[misc]
        def visitcommand(self, n: object, parts: list[object]) -> None:
            argv: list[str] = []
            assignments: list[str] = []
            for part in parts:
                kind = getattr(part, "kind", "")
                if kind == "assignment" and not argv:
                    assignments.append(part.word)  # type: ignore[attr-defined]
                elif kind == "word":
                    argv.append(part.word)  # type: ignore[attr-defined]
            found.append(Command(tuple(argv), tuple(assignments)))

    Visitor().visit(node)
    yield from found


_SPLIT = re.compile(r"&&|\|\||;|\||\n|\bthen\b|\bdo\b|\belse\b")


def _fallback(script: str) -> tuple[Command, ...]:
    commands: list[Command] = []
    for piece in _SPLIT.split(script):
        piece = piece.strip().strip("()").strip()
        if not piece or piece in ("fi", "done", "esac"):
            continue
        try:
            words = shlex.split(piece, comments=True)
        except ValueError:
            words = piece.split()
        assignments: list[str] = []
        while words and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]):
            assignments.append(words.pop(0))
        if words and words[0] in ("if", "while", "until", "!"):
            words = words[1:]
        if words and words[0] == "case":
            # `case WORD in PATTERN) command`: keep the command of the first arm
            arm = next((i for i, w in enumerate(words) if w.endswith(")") and i > 2), None)
            words = words[arm + 1 :] if arm is not None else []
        elif words and words[0].endswith(")") and not words[0].startswith(("$(", "(")):
            words = words[1:]  # a later case arm: `b) command`
        commands.append(Command(tuple(words), tuple(assignments)))
    return tuple(commands)


@lru_cache(maxsize=4096)
def parse_script(script: str) -> tuple[Command, ...]:
    """All simple commands in a shell script, in order (never raises)."""
    # a `\`-continued line joined by the Dockerfile parser may keep comment lines; drop them
    text = "\n".join(line for line in script.split("\n") if not line.lstrip().startswith("#"))
    text = text.replace("\\\n", " ")  # line continuations inside heredoc scripts
    if not text.strip():
        return ()
    try:
        import bashlex

        trees = bashlex.parse(text)
        commands: list[Command] = []
        for tree in trees:
            commands.extend(_words_of(tree))
        return tuple(commands)
    except Exception:  # bashlex raises several private error types on constructs it lacks
        return _fallback(text)


def parse_exec(argv: Iterable[str]) -> tuple[Command, ...]:
    """Commands of an exec-form RUN/CMD; ``["sh", "-c", "script"]`` is parsed as the script."""
    words = tuple(argv)
    if (
        len(words) >= 3
        and words[0].rsplit("/", 1)[-1] in ("sh", "bash", "dash", "ash")
        and words[1]
        in (
            "-c",
            "-ec",
            "-ex",
            "-eux",
            "-euxc",
            "-exc",
            "-ceux",
        )
    ):
        return parse_script(words[2])
    return (Command(words),) if words else ()


# ---------------------------------------------------------------------------------------------
# questions rules ask about commands


_PIP_NAME = re.compile(r"^pip(3(\.\d+)?)?$")
_PYTHON_NAME = re.compile(r"^python(3(\.\d+)?)?$")


@dataclass(frozen=True)
class PipInstall:
    tool: str  # "pip" or "uv"
    command: Command  # normalised: argv starts after `install` for option queries
    program: str  # the program path as written (`pip`, `/opt/venv/bin/pip`, `python -m pip`)
    requirements: tuple[str, ...]
    constraints: tuple[str, ...]
    targets: tuple[str, ...]  # positional package specs / paths (`.`, `.[dev]`, `flask==3.0`)
    editable: tuple[str, ...]

    def has(self, *flags: str) -> bool:
        return self.command.has_flag(*flags)


_PIP_VALUE_OPTIONS = (
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "-e",
    "--editable",
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "-t",
    "--target",
    "--prefix",
    "--root",
    "--python",
    "-p",
    "--cache-dir",
    "--trusted-host",
    "--platform",
    "--python-version",
    "--only-binary",
    "--no-binary",
    "--src",
    "--progress-bar",
    "--root-user-action",
    "--config-settings",
    "-C",
)


@lru_cache(maxsize=8192)
def pip_install(command: Command) -> PipInstall | None:
    """``pip install``, ``python -m pip install``, ``uv pip install`` (through sudo/env wrappers)."""
    cmd = command.unwrapped()
    argv = list(cmd.argv)
    if not argv:
        return None
    name = cmd.name
    tool = "pip"
    if _PIP_NAME.match(name):
        program, rest = argv[0], argv[1:]
    elif _PYTHON_NAME.match(name) and len(argv) >= 3 and argv[1] == "-m" and argv[2] in ("pip", "pip3"):
        program, rest = f"{argv[0]} -m pip", argv[3:]
    elif name == "uv" and len(argv) >= 2 and argv[1] == "pip":
        program, rest, tool = f"{argv[0]} pip", argv[2:], "uv"
    else:
        return None
    # global options may precede the sub-command (`pip --no-cache-dir install x`)
    leading = [a for a in rest[: rest.index("install")]] if "install" in rest else None
    if leading is None or any(not a.startswith("-") for a in leading):
        return None
    after = rest[rest.index("install") + 1 :]
    opts = Command(("install", *leading, *after))
    return PipInstall(
        tool=tool,
        command=opts,
        program=program,
        requirements=tuple(opts.option_values("-r", "--requirement")),
        constraints=tuple(opts.option_values("-c", "--constraint")),
        targets=tuple(opts.positionals(takes_value=_PIP_VALUE_OPTIONS)),
        editable=tuple(opts.option_values("-e", "--editable")),
    )


@dataclass(frozen=True)
class ToolRun:
    """A project-level installer run: ``uv sync``, ``poetry install``, ``pipenv install``, ``pdm install``."""

    tool: str
    subcommand: str
    command: Command


@lru_cache(maxsize=8192)
def tool_run(command: Command) -> ToolRun | None:
    cmd = command.unwrapped()
    if cmd.name in ("uv", "poetry", "pipenv", "pdm") and len(cmd.argv) >= 2:
        sub = cmd.positionals(takes_value=("--directory", "--project", "-C", "--python", "-p"))
        if sub:
            return ToolRun(tool=cmd.name, subcommand=sub[0], command=cmd)
    if (
        _PYTHON_NAME.match(cmd.name)
        and len(cmd.argv) >= 4
        and cmd.argv[1] == "-m"
        and cmd.argv[2]
        in (
            "uv",
            "poetry",
            "pipenv",
        )
    ):
        return ToolRun(tool=cmd.argv[2], subcommand=cmd.argv[3], command=Command(cmd.argv[2:]))
    return None


def installs_dependencies(command: Command) -> bool:
    """pip/uv pip install, ``uv sync``, ``poetry install``, ``pipenv install|sync``, ``pdm install|sync``."""
    if pip_install(command) is not None:
        return True
    run = tool_run(command)
    return run is not None and (run.tool, run.subcommand) in {
        ("uv", "sync"),
        ("poetry", "install"),
        ("pipenv", "install"),
        ("pipenv", "sync"),
        ("pdm", "install"),
        ("pdm", "sync"),
    }


@dataclass(frozen=True)
class PackageInstall:
    manager: str  # "apt-get", "apt", "apk"
    command: Command
    packages: tuple[str, ...]


@lru_cache(maxsize=8192)
def package_install(command: Command) -> PackageInstall | None:
    """``apt-get install``, ``apt install``, ``apk add`` with their package arguments."""
    cmd = command.unwrapped()
    if cmd.name in ("apt-get", "apt", "aptitude"):
        words = cmd.positionals(takes_value=("-o", "-t", "--target-release", "-c"))
        if words and words[0] == "install":
            return PackageInstall(cmd.name, cmd, tuple(words[1:]))
    if cmd.name == "apk":
        words = cmd.positionals(takes_value=("-X", "--repository", "-t", "--virtual", "--root", "-p"))
        if words and words[0] == "add":
            return PackageInstall("apk", cmd, tuple(words[1:]))
    return None


def is_apt_upgrade(command: Command) -> bool:
    cmd = command.unwrapped()
    if cmd.name not in ("apt-get", "apt", "aptitude"):
        return False
    words = cmd.positionals(takes_value=("-o", "-t"))
    return bool(words) and words[0] in ("upgrade", "dist-upgrade", "full-upgrade")
