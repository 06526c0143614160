"""DW4xx: OS packages (apt-get, apt, apk)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dockwright.lint.context import DockerfileContext
from dockwright.lint.dockerfile_model import Instruction
from dockwright.lint.facts import is_build_only_package
from dockwright.lint.model import Edit, Fix, Hit, Severity
from dockwright.lint.registry import rule
from dockwright.lint.shell import is_apt_upgrade, package_install

_APT_INSTALL_TEXT = re.compile(r"\bapt(?:-get)?(?P<opts>(?:\s+-{1,2}[\w=-]+)*)\s+install\b")
_APK_ADD_TEXT = re.compile(r"\bapk(?P<opts>(?:\s+-{1,2}[\w=-]+)*)\s+add\b")


def _apt_installs(instr: Instruction) -> list[tuple[str, tuple[str, ...], bool]]:
    """(manager, packages, has --no-install-recommends) for each apt install in a RUN."""
    result = []
    for command in instr.commands:
        found = package_install(command)
        if found is not None and found.manager != "apk":
            no_rec = found.command.has_flag("--no-install-recommends") or any(
                "Install-Recommends=false" in v or "Install-Recommends=0" in v
                for v in found.command.option_values("-o")
            )
            result.append((found.manager, found.packages, no_rec))
    return result


def _text_fix(
    ctx: DockerfileContext, instr: Instruction, pattern: re.Pattern[str], flag: str, desc: str, safe: bool
) -> Fix | None:
    if instr.json:
        return None
    text = "\n".join(ctx.lines[instr.start_line - 1 : instr.end_line])

    def add(match: re.Match[str]) -> str:
        if flag in match.group("opts"):
            return match.group(0)
        return f"{match.group(0)} {flag}"

    new = pattern.sub(add, text)
    if new == text:
        return None
    return Fix(desc, safe, (Edit(ctx.path, instr.start_line, instr.end_line, new + "\n"),))


@rule(
    code="DW401",
    name="apt-install-recommends",
    target="dockerfile",
    severity=Severity.WARNING,
    message="`apt-get install` without `--no-install-recommends` pulls in packages nobody asked for.",
    what="""
        Flags `apt-get install` / `apt install` without `--no-install-recommends` (or the
        equivalent `-o APT::Install-Recommends=false`).
    """,
    why="""
        Recommended packages often double the size of an install (`libpq-dev` brings a whole
        toolchain of suggestions) and add CVEs to triage.
    """,
    example="""
        RUN apt-get update && apt-get install -y libpq5 && rm -rf /var/lib/apt/lists/*
    """,
    use_instead="""
        RUN apt-get update && apt-get install -y --no-install-recommends libpq5 \\
            && rm -rf /var/lib/apt/lists/*
    """,
    fix="unsafe",
    fix_notes="Adds `--no-install-recommends`. Unsafe: something may rely on a recommended package.",
    references=("https://docs.docker.com/build/building/best-practices/#apt-get",),
    aliases=("hadolint DL3015", "Trivy DS029"),
)
def check_recommends(ctx: DockerfileContext) -> Iterator[Hit]:
    for instr in ctx.model.instructions:
        if instr.cmd != "RUN":
            continue
        if any(not no_rec for _, _, no_rec in _apt_installs(instr)):
            fix = _text_fix(
                ctx, instr, _APT_INSTALL_TEXT, "--no-install-recommends", "add --no-install-recommends", False
            )
            yield Hit(instr.start_line, fix=fix, end_line=instr.end_line)


def _lists_cleaned(instr: Instruction) -> bool:
    for mount in instr.mounts:
        if mount.type in ("cache", "tmpfs") and mount.target in ("/var/lib/apt", "/var/lib/apt/lists"):
            return True
    for command in instr.commands:
        argv = command.unwrapped().argv
        if argv and argv[0] == "rm" and any(a.startswith("/var/lib/apt/lists") for a in argv[1:]):
            return True
    return False


@rule(
    code="DW402",
    name="apt-lists-not-removed",
    target="dockerfile",
    severity=Severity.WARNING,
    message="The apt package lists stay in the layer; remove /var/lib/apt/lists/* in the same RUN.",
    what="""
        Flags a RUN that installs apt packages in a stage that becomes the final image without
        `rm -rf /var/lib/apt/lists/*` in the same RUN, unless a cache or tmpfs mount covers
        /var/lib/apt or /var/lib/apt/lists.
    """,
    why="""
        The lists are ~20-50 MB of metadata that the running app never reads; deleting them in a
        later RUN does not shrink the earlier layer.
    """,
    example="""
        RUN apt-get update && apt-get install -y --no-install-recommends libpq5
    """,
    use_instead="""
        RUN apt-get update && apt-get install -y --no-install-recommends libpq5 \\
            && rm -rf /var/lib/apt/lists/*
    """,
    fix="safe",
    fix_notes="Appends `&& rm -rf /var/lib/apt/lists/*` to a shell-form RUN.",
    references=("https://docs.docker.com/build/building/best-practices/#apt-get",),
    aliases=("hadolint DL3009",),
)
def check_lists(ctx: DockerfileContext) -> Iterator[Hit]:
    for index in sorted(ctx.model.final_lineage):
        for instr in ctx.model.stages[index].of("RUN"):
            if not _apt_installs(instr) or _lists_cleaned(instr):
                continue
            fix = None
            if not instr.json and not instr.heredocs:
                last = ctx.lines[instr.end_line - 1].rstrip()
                if not last.endswith(("\\", "&&", "|", ";")) and " #" not in last:
                    indent = "    "
                    fix = Fix(
                        "remove the apt lists in the same RUN",
                        True,
                        (
                            Edit(
                                ctx.path,
                                instr.end_line,
                                instr.end_line,
                                f"{last} \\\n{indent}&& rm -rf /var/lib/apt/lists/*\n",
                            ),
                        ),
                    )
            yield Hit(instr.start_line, fix=fix, end_line=instr.end_line)


@rule(
    code="DW403",
    name="apt-upgrade",
    target="dockerfile",
    severity=Severity.WARNING,
    message="`apt-get upgrade` in a Dockerfile makes the image depend on the day it was built.",
    what="Flags `apt-get upgrade`, `dist-upgrade` and `full-upgrade` (apt, apt-get, aptitude).",
    why="""
        Upgrades pull whatever is newest at build time, so two builds of one commit differ, and
        they can move packages the base image's maintainers deliberately held. Rebuild on a newer
        base image tag instead: the official images are rebuilt for security updates.
    """,
    example="""
        RUN apt-get update && apt-get upgrade -y
    """,
    use_instead="""
        FROM python:3.13-slim-trixie   # bump or re-pull the base image for updates
    """,
    fix="none",
    references=("https://docs.docker.com/build/building/best-practices/#apt-get",),
    aliases=("Trivy DS024", "hadolint DL3005 (retired)"),
)
def check_upgrade(ctx: DockerfileContext) -> Iterator[Hit]:
    for instr in ctx.model.instructions:
        if instr.cmd == "RUN" and any(is_apt_upgrade(c) for c in instr.commands):
            yield Hit(instr.start_line, end_line=instr.end_line)


def _purged(instr: Instruction) -> set[str]:
    names: set[str] = set()
    for command in instr.commands:
        cmd = command.unwrapped()
        words = cmd.positionals(takes_value=("-o",))
        if cmd.name in ("apt-get", "apt") and words and words[0] in ("purge", "remove", "autoremove"):
            names.update(words[1:])
        if cmd.name == "apk" and words and words[0] == "del":
            names.update(words[1:])
    return names


@rule(
    code="DW404",
    name="build-tools-in-final-stage",
    target="dockerfile",
    severity=Severity.WARNING,
    message="Compilers or -dev headers are installed in the final stage of a multi-stage build.",
    what="""
        In a multi-stage build, flags `build-essential`, `gcc`, `make`, `*-dev` packages (apt and
        apk) installed in the final image, unless the same RUN removes them again.
    """,
    why="""
        A multi-stage build exists so that compilers stay in the builder: shipping them adds
        hundreds of MB and gives an attacker a toolchain. The final stage needs the runtime
        libraries only (`libpq5`, not `libpq-dev`).
    """,
    example="""
        FROM python:3.13-slim-trixie AS builder
        ...
        FROM python:3.13-slim-trixie
        RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev
    """,
    use_instead="""
        FROM python:3.13-slim-trixie
        RUN apt-get update && apt-get install -y --no-install-recommends libpq5 \\
            && rm -rf /var/lib/apt/lists/*
    """,
    fix="none",
    references=("https://docs.docker.com/build/building/multi-stage/",),
)
def check_build_tools(ctx: DockerfileContext) -> Iterator[Hit]:
    if not ctx.model.is_multistage:
        return
    for index in sorted(ctx.model.final_lineage):
        for instr in ctx.model.stages[index].of("RUN"):
            purged = _purged(instr)
            tools: list[str] = []
            for command in instr.commands:
                found = package_install(command)
                if found is None:
                    continue
                virtual = found.command.option_values("--virtual", "-t") if found.manager == "apk" else []
                if virtual and set(virtual) & purged:
                    continue
                tools.extend(p for p in found.packages if is_build_only_package(p) and p not in purged)
            if tools:
                yield Hit(
                    instr.start_line,
                    f"{', '.join(sorted(set(tools)))} in the final stage; install build tools in the builder "
                    "stage and only runtime libraries here.",
                    end_line=instr.end_line,
                )


@rule(
    code="DW405",
    name="apk-cache-in-layer",
    target="dockerfile",
    severity=Severity.WARNING,
    message="`apk add` without `--no-cache` keeps the package index in the layer.",
    what="Flags `apk add` without `--no-cache` (or a cache mount on /var/cache/apk or /etc/apk/cache).",
    why="The apk index and cache stay in the layer; `--no-cache` fetches the index to a temporary place.",
    example="""
        RUN apk update && apk add libpq
    """,
    use_instead="""
        RUN apk add --no-cache libpq
    """,
    fix="safe",
    fix_notes="Adds `--no-cache` to `apk add`.",
    references=("https://wiki.alpinelinux.org/wiki/Alpine_Package_Keeper#Add_a_Package",),
    aliases=("hadolint DL3019", "Trivy DS025"),
)
def check_apk_cache(ctx: DockerfileContext) -> Iterator[Hit]:
    for index in sorted(ctx.model.final_lineage):
        for instr in ctx.model.stages[index].of("RUN"):
            if any(m.type in ("cache", "tmpfs") and "apk" in m.target for m in instr.mounts):
                continue
            for command in instr.commands:
                found = package_install(command)
                if found is not None and found.manager == "apk" and not found.command.has_flag("--no-cache"):
                    fix = _text_fix(
                        ctx, instr, _APK_ADD_TEXT, "--no-cache", "add --no-cache to apk add", True
                    )
                    yield Hit(instr.start_line, fix=fix, end_line=instr.end_line)
                    break
