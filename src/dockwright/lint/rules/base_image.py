"""DW1xx: the base image (tags, variants, alpine vs. the project's dependencies)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dockwright.lint.context import DockerfileContext
from dockwright.lint.dockerfile_model import Stage
from dockwright.lint.facts import ALPINE_TROUBLE
from dockwright.lint.model import Hit, Severity
from dockwright.lint.registry import rule
from dockwright.lint.rules.common import ImageRef, parse_image, replace_instruction

_PY_TAG = re.compile(r"^(?P<version>\d+(?:\.\d+)*(?:[abrc]+\d+)?)?(?P<rest>.*)$")
_DEBIAN_RELEASES = ("bookworm", "trixie", "bullseye", "forky", "buster")


def _external_stages(ctx: DockerfileContext) -> Iterator[tuple[Stage, ImageRef]]:
    """Stages FROM a registry image (not ``scratch``, not another stage, ARGs resolved)."""
    for stage in ctx.model.stages:
        if stage.parent is not None or not stage.base_resolved or not stage.base:
            continue
        if stage.base.lower() == "scratch":
            continue
        yield stage, parse_image(stage.base)


@rule(
    code="DW101",
    name="unpinned-base-image",
    target="dockerfile",
    severity=Severity.WARNING,
    message="The base image has no tag or uses `latest`; builds change under you.",
    what="""
        Flags `FROM image` without a tag and `FROM image:latest`, after resolving `ARG` defaults
        used in the FROM line (so `ARG TAG=latest` / `FROM python:${TAG}` is caught, and
        `ARG PY=3.13` / `FROM python:${PY}-slim` is not a false positive).
    """,
    why="""
        `latest` moves: a rebuild months later silently brings a new Python minor (and a new
        Debian), which breaks compiled wheels and makes builds unreproducible.
    """,
    example="""
        FROM python
    """,
    use_instead="""
        FROM python:3.13-slim-trixie
    """,
    fix="none",
    fix_notes="The right tag depends on the Python version the project supports.",
    references=("https://docs.docker.com/build/building/best-practices/#from",),
    aliases=("hadolint DL3006", "hadolint DL3007", "Checkov CKV_DOCKER_7", "Trivy DS001"),
)
def check_unpinned(ctx: DockerfileContext) -> Iterator[Hit]:
    for stage, ref in _external_stages(ctx):
        if ref.digest:
            continue
        if ref.tag is None:
            yield Hit(stage.from_line, f"`{stage.base}` has no tag, which means `latest`; pin a version.")
        elif ref.tag == "latest":
            yield Hit(stage.from_line, f"`{stage.base}` uses `latest`; pin a version.")


@rule(
    code="DW102",
    name="floating-python-tag",
    target="dockerfile",
    severity=Severity.WARNING,
    message="The Python image tag has no minor version, so the Python minor changes between builds.",
    what="""
        Flags `python:3`, `python:3-slim`, `python:slim` and other python tags without a
        `major.minor` version.
    """,
    why="""
        A new Python minor changes the ABI of compiled wheels and deprecations become removals;
        it should arrive through a reviewed change, not a cache miss.
    """,
    example="""
        FROM python:3-slim
    """,
    use_instead="""
        FROM python:3.13-slim-trixie
    """,
    fix="none",
    references=("https://hub.docker.com/_/python",),
)
def check_floating_python(ctx: DockerfileContext) -> Iterator[Hit]:
    for stage, ref in _external_stages(ctx):
        if not ref.is_python or ref.tag in (None, "latest") or ref.digest:
            continue
        match = _PY_TAG.match(ref.tag or "")
        version = match.group("version") if match else None
        if not version or "." not in version:
            yield Hit(
                stage.from_line, f"`{stage.base}` floats across Python minors; pin e.g. `python:3.13-slim`."
            )


@rule(
    code="DW103",
    name="alpine-with-native-deps",
    target="dockerfile",
    severity=Severity.WARNING,
    message="An alpine (musl) base with dependencies that need compiling or glibc wheels.",
    what="""
        Reads the project's requirements*.txt and pyproject.toml next to the Dockerfile and flags
        an alpine-based Python stage when a dependency is known to compile on musl or to lack
        musl wheels (psycopg2, mysqlclient, numpy, pandas, lxml, cryptography, ...).
    """,
    why="""
        On alpine pip builds these from source: the build needs gcc and -dev packages, takes
        minutes, and the "small" image ends up larger and slower than `python:3.x-slim`.
    """,
    example="""
        # requirements.txt contains psycopg2 and numpy
        FROM python:3.13-alpine
    """,
    use_instead="""
        FROM python:3.13-slim-trixie
    """,
    fix="none",
    fix_notes="Switching the C library changes the OS package names used in RUN lines.",
    references=("https://pythonspeed.com/articles/alpine-docker-python/",),
)
def check_alpine(ctx: DockerfileContext) -> Iterator[Hit]:
    trouble: list[str] | None = None  # read the project's dependencies only when alpine is used
    for stage in ctx.model.stages:
        base = stage.base
        root = stage
        while root.parent is not None:
            root = ctx.model.stages[root.parent]
            base = root.base
        ref = parse_image(base)
        if "alpine" not in (ref.tag or "") and "alpine" not in ref.name:
            continue
        if stage.parent is not None:
            continue  # reported once, on the stage that names the image
        if trouble is None:
            trouble = [name for name in ALPINE_TROUBLE if name in ctx.project.dependencies]
        if not trouble:
            return
        first = trouble[0]
        more = f" (and {', '.join(trouble[1:])})" if len(trouble) > 1 else ""
        yield Hit(
            stage.from_line,
            f"`{stage.base}` is alpine but {first} "
            f"{ALPINE_TROUBLE[first]}{more}; use a `-slim` Debian image.",
        )


@rule(
    code="DW104",
    name="full-python-image",
    target="dockerfile",
    severity=Severity.WARNING,
    message="The final image is the full Python image (~1 GB with compilers); use a `-slim` variant.",
    what="""
        Flags a final stage based on `python:3.x` or `python:3.x-<debian>` (not `-slim`, not
        alpine). Builder stages may use the full image: only the final stage ships.
    """,
    why="""
        The full image carries gcc, headers and hundreds of packages the app never runs: a
        larger attack surface, slower pulls and more CVEs to triage.
    """,
    example="""
        FROM python:3.13
    """,
    use_instead="""
        FROM python:3.13-slim-trixie
    """,
    fix="unsafe",
    fix_notes="""
        Rewrites the tag to its `-slim` form. Unsafe: RUN lines that compile or use tools only
        the full image has will fail until a builder stage takes them over.
    """,
    references=("https://hub.docker.com/_/python#image-variants",),
)
def check_full_image(ctx: DockerfileContext) -> Iterator[Hit]:
    final = ctx.model.final
    for stage_index in sorted(ctx.model.final_lineage):
        stage = ctx.model.stages[stage_index]
        if stage.parent is not None or not stage.base_resolved:
            continue
        ref = parse_image(stage.base)
        if not ref.is_python or ref.tag is None or ref.tag == "latest":
            continue
        tag = ref.tag
        if any(word in tag for word in ("slim", "alpine", "windows", "nanoserver")):
            continue
        match = _PY_TAG.match(tag)
        if not match or not match.group("version"):
            continue
        version, rest = match.group("version"), match.group("rest")
        new_tag = f"{version}-slim{rest}" if rest.startswith("-") or not rest else None
        fix = None
        if new_tag and stage.base_raw == stage.base:
            instr = stage.instructions[0]
            new_line = instr.original.replace(f":{tag}", f":{new_tag}", 1)
            fix = replace_instruction(ctx.path, instr, new_line, f"use `python:{new_tag}`", safe=False)
        where = "final stage" if stage is final else "final image's base stage"
        yield Hit(
            stage.from_line,
            f"`{stage.base}` in the {where} is the full image; use `python:{new_tag or version + '-slim'}`.",
            fix,
        )


@rule(
    code="DW105",
    name="debian-release-not-pinned",
    target="dockerfile",
    severity=Severity.INFO,
    message="The Python image tag does not name the Debian release, so it changes when Debian does.",
    what="""
        Flags `python:3.13-slim` (and similar) that do not name the Debian release, such as
        `python:3.13-slim-trixie`.
    """,
    why="""
        The default Debian release behind a tag moves (bookworm -> trixie); OS package names and
        library versions (`libpq5`, `libssl3t64`) move with it and apt lines start failing.
    """,
    example="""
        FROM python:3.13-slim
    """,
    use_instead="""
        FROM python:3.13-slim-trixie
    """,
    fix="none",
    fix_notes="Which release to pin is a choice (bookworm vs trixie); the rule names both.",
    references=("https://hub.docker.com/_/python#supported-tags-and-respective-dockerfile-links",),
)
def check_debian_release(ctx: DockerfileContext) -> Iterator[Hit]:
    for stage, ref in _external_stages(ctx):
        if not ref.is_python or not ref.tag or ref.digest or ref.tag == "latest":
            continue
        if "alpine" in ref.tag or "windows" in ref.tag or any(r in ref.tag for r in _DEBIAN_RELEASES):
            continue
        match = _PY_TAG.match(ref.tag)
        if not match or not match.group("version") or "." not in match.group("version"):
            continue  # DW102 already asks for a real version
        yield Hit(
            stage.from_line,
            f"`{stage.base}` does not name its Debian release; use e.g. `python:{ref.tag}-trixie`.",
        )


@rule(
    code="DW106",
    name="base-image-not-digest-pinned",
    target="dockerfile",
    severity=Severity.INFO,
    message="The base image is not pinned by digest.",
    what="""
        Flags a FROM without `@sha256:...`. Opt-in (select `DW106`): most teams prefer
        tag pins plus automated rebuilds for security updates.
    """,
    why="""
        A tag can be re-pushed; a digest cannot. Digest pins make builds bit-for-bit reproducible
        and need a bot (Renovate, Dependabot) to bring in security updates.
    """,
    example="""
        FROM python:3.13-slim-trixie
    """,
    use_instead="""
        FROM python:3.13-slim-trixie@sha256:<digest>
    """,
    fix="none",
    references=("https://docs.docker.com/build/building/best-practices/#pin-base-image-versions",),
    default_enabled=False,
)
def check_digest(ctx: DockerfileContext) -> Iterator[Hit]:
    for stage, ref in _external_stages(ctx):
        if not ref.digest:
            yield Hit(stage.from_line, f"`{stage.base}` is not pinned by digest.")


def _python_versions(ctx: DockerfileContext) -> Iterator[tuple[Stage, str]]:
    """(stage, "3.12" or "3.12.7") for stages FROM a python image whose tag names a version."""
    for stage, ref in _external_stages(ctx):
        if not ref.is_python or not ref.tag:
            continue
        match = _PY_TAG.match(ref.tag)
        version = match.group("version") if match else None
        if version and re.fullmatch(r"\d+\.\d+(\.\d+)?", version):
            yield stage, version


def _poetry_to_pep440(spec: str) -> str:
    """Poetry's ``^3.11`` / ``~3.11`` into PEP 440 (enough for a Python version range)."""
    spec = spec.strip()
    caret = re.fullmatch(r"\^(\d+)\.(\d+)(?:\.\d+)?", spec)
    if caret:
        return f">={caret.group(1)}.{caret.group(2)},<{int(caret.group(1)) + 1}"
    tilde = re.fullmatch(r"~(\d+)\.(\d+)(?:\.\d+)?", spec)
    if tilde:
        return f">={tilde.group(1)}.{tilde.group(2)},<{tilde.group(1)}.{int(tilde.group(2)) + 1}"
    return spec


@rule(
    code="DW107",
    name="python-outside-requires-python",
    target="dockerfile",
    severity=Severity.ERROR,
    message="The image's Python version is outside the project's `requires-python`.",
    what="""
        Reads `requires-python` (or poetry's `python` dependency) from pyproject.toml next to the
        Dockerfile and flags python base images whose version it excludes.
    """,
    why="""
        Installing the project then fails ("requires a different Python"), or, with a requirements
        file, the app runs on a Python its authors never tested.
    """,
    example="""
        # pyproject.toml: requires-python = ">=3.12"
        FROM python:3.11-slim-bookworm
    """,
    use_instead="""
        FROM python:3.13-slim-trixie
    """,
    fix="none",
    references=("https://packaging.python.org/en/latest/specifications/core-metadata/#requires-python",),
)
def check_requires_python(ctx: DockerfileContext) -> Iterator[Hit]:
    requirement = ctx.project.requires_python
    if not requirement:
        return
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import Version

    try:
        specifier = SpecifierSet(_poetry_to_pep440(requirement))
    except InvalidSpecifier:
        return
    for stage, version in _python_versions(ctx):
        # a tag without a patch follows the newest patch release of that minor
        probe = Version(version if version.count(".") == 2 else f"{version}.99")
        if not specifier.contains(probe, prereleases=True):
            yield Hit(
                stage.from_line,
                f"`{stage.base}` runs Python {version}, but the project requires {requirement}.",
            )


@rule(
    code="DW108",
    name="python-version-file-mismatch",
    target="dockerfile",
    severity=Severity.WARNING,
    message="The image's Python differs from the project's .python-version.",
    what="""
        Compares the major.minor version of python base images with `.python-version` (used by
        pyenv, uv and CI setups) next to the Dockerfile.
    """,
    why="""
        Developers and CI test on one Python and production runs another: behaviour and compiled
        wheels differ, and "works on my machine" bugs follow.
    """,
    example="""
        # .python-version: 3.13
        FROM python:3.12-slim-bookworm
    """,
    use_instead="""
        FROM python:3.13-slim-trixie
    """,
    fix="none",
    references=("https://docs.astral.sh/uv/concepts/python-versions/#python-version-files",),
)
def check_python_version_file(ctx: DockerfileContext) -> Iterator[Hit]:
    wanted = ctx.project.python_version_file
    if not wanted:
        return
    wanted_minor = ".".join(wanted.split(".")[:2])
    for stage, version in _python_versions(ctx):
        if ".".join(version.split(".")[:2]) != wanted_minor:
            yield Hit(
                stage.from_line, f"`{stage.base}` runs Python {version}; .python-version says {wanted}."
            )
