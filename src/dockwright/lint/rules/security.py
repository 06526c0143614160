"""DW5xx: security (root, secrets in the image, remote ADD, sudo)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dockwright.lint.context import DockerfileContext
from dockwright.lint.dockerfile_model import Stage, expand
from dockwright.lint.facts import (
    SAFE_ENV_EXAMPLES,
    SECRET_FILES,
    SECRET_VALUE,
    URL_WITH_PASSWORD,
    is_secret_name,
)
from dockwright.lint.model import Hit, Severity
from dockwright.lint.registry import rule
from dockwright.lint.rules.common import context_copies, parse_image, replace_instruction

_ROOT = re.compile(r"^(?:root|0)(?::(?:root|0))?$")
_ARCHIVE = re.compile(r"\.(?:tar|tgz|tbz2?|txz|tar\.(?:gz|bz2|xz|zst))$")
_URL = re.compile(r"^(?:https?|ftp)://|^git@|\.git(?:#.*)?$")


def _effective_user(ctx: DockerfileContext, stage: Stage) -> tuple[str | None, int]:
    """(user, line where it is set) for a stage, following FROM <stage> parents; None: base default."""
    current: Stage | None = stage
    while current is not None:
        instr = current.last("USER")
        if instr is not None:
            return expand(instr.text.strip(), instr.env), instr.start_line
        current = ctx.model.stages[current.parent] if current.parent is not None else None
    return None, stage.from_line


def _base_is_nonroot(ctx: DockerfileContext, stage: Stage) -> bool:
    root = stage
    while root.parent is not None:
        root = ctx.model.stages[root.parent]
    ref = parse_image(root.base)
    tag = ref.tag or ""
    return "nonroot" in tag or (ref.name.startswith("cgr.dev/chainguard/") and "-dev" not in tag)


@rule(
    code="DW501",
    name="runs-as-root",
    target="dockerfile",
    severity=Severity.WARNING,
    message="The container runs as root; add a non-root USER to the final stage.",
    what="""
        Flags a final stage (following `FROM <stage>` parents) that has no `USER` or whose last
        `USER` is root/0. Builder stages are not judged: they may need root to install packages.
        Distroless `:nonroot` and Chainguard bases count as non-root.
    """,
    why="""
        A process running as root inside the container is root on the host's kernel: any
        remote-code-execution bug in the app becomes a much larger breach, and Kubernetes
        `runAsNonRoot` policies reject the image.
    """,
    example="""
        FROM python:3.13-slim-trixie
        COPY . /app
        CMD ["gunicorn", "app:app"]
    """,
    use_instead="""
        FROM python:3.13-slim-trixie
        RUN useradd --system --uid 10001 --no-create-home app
        COPY --chown=app:app . /app
        USER 10001
        CMD ["gunicorn", "app:app"]
    """,
    fix="none",
    fix_notes="Which files the user must own is the project's decision.",
    references=("https://docs.docker.com/build/building/best-practices/#user",),
    aliases=("hadolint DL3002", "Checkov CKV_DOCKER_3", "Checkov CKV_DOCKER_8", "Trivy DS002"),
)
def check_root(ctx: DockerfileContext) -> Iterator[Hit]:
    final = ctx.model.final
    user, line = _effective_user(ctx, final)
    if user is None:
        if not _base_is_nonroot(ctx, final):
            yield Hit(final.from_line, "The final stage has no USER, so the container runs as root.")
    elif _ROOT.match(user.strip()):
        yield Hit(line, f"`USER {user}` is the last user of the final stage; switch to a non-root user.")


@rule(
    code="DW502",
    name="secret-in-env-or-arg",
    target="dockerfile",
    severity=Severity.ERROR,
    message="A secret is baked into the image through ENV or ARG.",
    what="""
        Flags ENV in the final image with a credential-like name (`*_PASSWORD`, `SECRET_KEY`,
        `*_TOKEN`, `*_API_KEY`, ...) and a literal value, ARG with such a name in any stage, and
        ENV/ARG/LABEL values and RUN lines that contain credentials (AWS keys, GitHub tokens,
        private keys, URLs with a password such as a private package index in `pip install
        --index-url`). Names such as `*_FILE` or `*_PATH` are not secrets.
    """,
    why="""
        ENV values are stored in the image config and ARG values in its build history: anyone who
        can pull the image can read them with `docker inspect` or `docker history`.
    """,
    example="""
        ENV DJANGO_SECRET_KEY=change-me
        ARG PYPI_TOKEN
    """,
    use_instead="""
        # pass secrets at run time (env_file, orchestrator secrets) and at build time with
        RUN --mount=type=secret,id=pypi_token PIP_INDEX_URL=... pip install ...
    """,
    fix="none",
    references=("https://docs.docker.com/build/building/secrets/",),
    aliases=("hadolint DL3064", "Trivy DS031", "Checkov CKV_SECRET_*", "BuildKit SecretsUsedInArgOrEnv"),
)
def check_secrets(ctx: DockerfileContext) -> Iterator[Hit]:
    lineage = ctx.model.final_lineage
    for stage in ctx.model.stages:
        for instr in stage.of("ENV", "ARG", "LABEL"):
            pairs: list[tuple[str, str | None]] = []
            if instr.cmd in ("ENV", "LABEL"):
                values = list(instr.value)
                pairs = [(values[i], values[i + 1].strip("\"'")) for i in range(0, len(values) - 1, 2)]
            else:
                for item in instr.value:
                    name, sep, default = item.partition("=")
                    pairs.append((name, default if sep else None))
            for name, value in pairs:
                url = URL_WITH_PASSWORD.search(value) if value else None
                if value and (SECRET_VALUE.search(value) or (url and "$" not in url.group("password"))):
                    yield Hit(
                        instr.start_line,
                        f"The value of {name} looks like a credential; it is readable in the image.",
                    )
                    break
                if instr.cmd == "LABEL" or not is_secret_name(name):
                    continue
                if instr.cmd == "ARG":
                    yield Hit(
                        instr.start_line,
                        f"ARG {name} ends up in the build history; use `RUN --mount=type=secret` instead.",
                    )
                    break
                if stage.index in lineage and value:
                    yield Hit(
                        instr.start_line,
                        f"ENV {name} stores a secret in the image config; provide it at run time instead.",
                    )
                    break
        for instr in stage.of("RUN"):
            # `pip install --index-url https://user:token@host/...`: the RUN line is in the history
            text = " ".join(instr.value)
            if stage.index not in lineage and "index-url" not in text.lower().replace("_", "-"):
                continue  # a builder's throwaway values (collectstatic) do not ship; index tokens leak anyway
            url = URL_WITH_PASSWORD.search(text)
            if SECRET_VALUE.search(text) or (url and "$" not in url.group("password")):
                yield Hit(
                    instr.start_line,
                    "This RUN line contains a credential, which stays in the image history; "
                    "use `RUN --mount=type=secret`.",
                )


@rule(
    code="DW503",
    name="secret-file-copied",
    target="dockerfile",
    severity=Severity.ERROR,
    message="A secrets file (.env, private key, credentials) is copied into the image.",
    what="""
        Flags COPY/ADD of `.env`, `.env.*` (except `.env.example`-style templates), `*.pem`,
        `*.key`, `id_rsa`, `.netrc`, `.pypirc`, `credentials.json` and similar, and a
        `COPY .` of a project that has a `.env` file its .dockerignore does not exclude.
    """,
    why="""
        Files in a layer stay in the image even if a later RUN deletes them; whoever pulls the
        image gets the production credentials.
    """,
    example="""
        COPY .env /app/.env
    """,
    use_instead="""
        # compose.yaml
        services:
          web:
            env_file: .env
    """,
    fix="none",
    references=(
        "https://docs.docker.com/build/building/secrets/",
        "https://docs.docker.com/build/concepts/context/#dockerignore-files",
    ),
    aliases=("Trivy DS031 (partly)",),
)
def check_secret_files(ctx: DockerfileContext) -> Iterator[Hit]:
    ignore = ctx.project.dockerignore
    for instr in ctx.model.instructions:
        for source in context_copies(instr):
            clean = source.removeprefix("./")
            if SECRET_FILES.search(clean) and not SAFE_ENV_EXAMPLES.search(clean):
                yield Hit(
                    instr.start_line, f"`{source}` looks like a secrets file; do not bake it into the image."
                )
                break
            whole_context = clean.rstrip("/") in (".", "", "*")
            if whole_context and ctx.project.has(".env") and (ignore is None or not ignore.excludes(".env")):
                yield Hit(
                    instr.start_line,
                    "This copies the project's .env file into the image; exclude .env in .dockerignore.",
                )
                break


@rule(
    code="DW504",
    name="add-remote-url",
    target="dockerfile",
    severity=Severity.WARNING,
    message="ADD downloads a remote URL without a checksum.",
    what="Flags `ADD https://...` and `ADD <git repo>` without `--checksum=sha256:...`.",
    why="""
        The download is not verified: a compromised or changed upstream file goes straight into
        the image, and the layer is re-downloaded unpredictably.
    """,
    example="""
        ADD https://example.com/tool.tar.gz /tmp/
    """,
    use_instead="""
        ADD --checksum=sha256:<sha256> https://example.com/tool.tar.gz /tmp/
    """,
    fix="none",
    references=("https://docs.docker.com/reference/dockerfile/#add---checksum",),
    aliases=("Checkov CKV_DOCKER_4", "Trivy DS005"),
)
def check_add_url(ctx: DockerfileContext) -> Iterator[Hit]:
    for instr in ctx.model.instructions:
        if (
            instr.cmd == "ADD"
            and instr.flag("checksum") is None
            and any(_URL.search(v) for v in instr.value[:-1])
        ):
            yield Hit(instr.start_line)


@rule(
    code="DW505",
    name="add-instead-of-copy",
    target="dockerfile",
    severity=Severity.WARNING,
    message="Use COPY for local files; ADD also extracts archives and fetches URLs, which surprises readers.",
    what="Flags ADD of local files or directories that are not tar archives.",
    why=(
        "COPY does exactly one thing; ADD's implicit extraction and "
        "downloads make a Dockerfile harder to review."
    ),
    example="""
        ADD requirements.txt /app/
    """,
    use_instead="""
        COPY requirements.txt /app/
    """,
    fix="safe",
    fix_notes="Replaces `ADD` with `COPY` when no source is an archive or URL.",
    references=("https://docs.docker.com/build/building/best-practices/#add-or-copy",),
    aliases=("hadolint DL3020", "Checkov CKV_DOCKER_4", "Trivy DS005"),
)
def check_add_local(ctx: DockerfileContext) -> Iterator[Hit]:
    for instr in ctx.model.instructions:
        if instr.cmd != "ADD" or instr.flag("checksum") is not None or instr.heredocs:
            continue
        sources = list(instr.value[:-1])
        if not sources or any(_URL.search(s) or _ARCHIVE.search(s) or "$" in s for s in sources):
            continue
        if any(f.startswith(("--keep-git-dir", "--unpack")) for f in instr.flags):
            continue
        original = "\n".join(ctx.lines[instr.start_line - 1 : instr.end_line])
        new = re.sub(r"^(\s*)ADD\b", r"\1COPY", original, count=1, flags=re.IGNORECASE)
        yield Hit(instr.start_line, fix=replace_instruction(ctx.path, instr, new, "use COPY", safe=True))


@rule(
    code="DW506",
    name="sudo",
    target="dockerfile",
    severity=Severity.ERROR,
    message="Do not use sudo in a Dockerfile; RUN already runs as the current USER.",
    what="Flags `sudo` in RUN commands.",
    why="""
        sudo needs a tty-less configuration, adds a setuid binary to the image, and hides which
        user really runs a step; switch with `USER` instead.
    """,
    example="""
        RUN sudo apt-get update
    """,
    use_instead="""
        USER root
        RUN apt-get update
        USER app
    """,
    fix="none",
    references=("https://docs.docker.com/build/building/best-practices/#user",),
    aliases=("hadolint DL3004", "Checkov CKV2_DOCKER_1", "Trivy DS010"),
)
def check_sudo(ctx: DockerfileContext) -> Iterator[Hit]:
    for instr in ctx.model.instructions:
        if instr.cmd == "RUN" and any(c.name == "sudo" for c in instr.commands):
            yield Hit(instr.start_line, end_line=instr.end_line)
