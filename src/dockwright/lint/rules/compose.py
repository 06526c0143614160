"""DW8xx: compose files (databases, health, secrets, ports, dev settings)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from dockwright.lint.compose_model import ComposeService, item_line, key_line, services, value_line
from dockwright.lint.context import ComposeContext
from dockwright.lint.facts import (
    URL_WITH_PASSWORD,
    database_entry,
    database_kind,
    is_debug_setting,
    is_secret_name,
)
from dockwright.lint.model import Edit, Fix, Hit, Severity
from dockwright.lint.registry import rule
from dockwright.lint.rules.common import parse_image

_DEV_COMMAND = re.compile(r"--reload\b|\bflask\b.*\brun\b|\brunserver\b|\bfastapi\s+dev\b|--debug\b")


def _database_services(ctx: ComposeContext) -> dict[str, ComposeService]:
    return {s.name: s for s in services(ctx.data) if s.image and database_kind(s.image)}


def _depends_on_fix(
    ctx: ComposeContext, service: ComposeService, deps: list[Any], databases: dict[str, ComposeService]
) -> Fix | None:
    """Rewrite a list-form ``depends_on`` as a mapping: databases wait for ``service_healthy``,
    other services keep ``service_started``. Only when every database dependency has a healthcheck
    (otherwise compose refuses to start) and the list is plain (one name per line, or one flow line)."""
    names = [str(n) for n in deps]
    if not names or any("healthcheck" not in databases[n].data for n in names if n in databases):
        return None
    start = key_line(service.data, "depends_on", 0)
    if start <= 0 or start > len(ctx.lines):
        return None
    key = ctx.lines[start - 1]
    indent = key[: len(key) - len(key.lstrip())]
    if re.fullmatch(r"\s*depends_on:\s*\[[^\]#]*\]\s*", key):
        end = start
    elif key.strip() == "depends_on:":
        end = start + len(names)
        body = ctx.lines[start:end]
        if len(body) != len(names) or any(
            not re.fullmatch(rf"\s*-\s*[\"']?{re.escape(n)}[\"']?\s*", line)
            for line, n in zip(body, names, strict=True)
        ):
            return None
    else:
        return None
    lines = [f"{indent}depends_on:"]
    for name in names:
        condition = "service_healthy" if name in databases else "service_started"
        lines += [f"{indent}  {name}:", f"{indent}    condition: {condition}"]
    return Fix(
        "wait for healthy databases",
        safe=False,
        edits=(Edit(ctx.path, start, end, "\n".join(lines) + "\n"),),
    )


@rule(
    code="DW801",
    name="depends-on-without-healthy",
    target="compose",
    severity=Severity.WARNING,
    message=(
        "`depends_on` a database without `condition: service_healthy` only waits for the container to start."
    ),
    what="""
        Flags `depends_on` entries that name a database/cache/broker service (postgres, mysql,
        redis, rabbitmq, ...) in list form or with `condition: service_started`.
    """,
    why="""
        A started container is not a ready database: the app boots, fails to connect, and
        crash-loops or serves errors until someone restarts it.
    """,
    example="""
        services:
          web:
            depends_on: [db]
    """,
    use_instead="""
        services:
          web:
            depends_on:
              db:
                condition: service_healthy
    """,
    fix="unsafe",
    fix_notes="""
        Rewrites a list-form `depends_on` as a mapping with `condition: service_healthy` for the
        databases (`service_started` for the rest), when every database has a healthcheck (DW802).
        Unsafe: startup now waits for the database to be healthy.
    """,
    references=("https://docs.docker.com/compose/how-tos/startup-order/",),
)
def check_depends_on(ctx: ComposeContext) -> Iterator[Hit]:
    databases = _database_services(ctx)
    for service in services(ctx.data):
        deps = service.data.get("depends_on")
        if isinstance(deps, list):
            fix = _depends_on_fix(ctx, service, deps, databases)
            for index, name in enumerate(deps):
                if str(name) in databases:
                    yield Hit(
                        item_line(deps, index, key_line(service.data, "depends_on", service.line)),
                        f"{service.name} depends on {name} without `condition: service_healthy`.",
                        fix,
                    )
        elif isinstance(deps, dict):
            for name, spec in deps.items():
                if str(name) not in databases:
                    continue
                condition = spec.get("condition") if isinstance(spec, dict) else None
                if condition != "service_healthy":
                    yield Hit(
                        key_line(deps, name, service.line),
                        f"{service.name} depends on {name} with condition {condition or 'service_started'}; "
                        "use `service_healthy`.",
                    )


@rule(
    code="DW802",
    name="database-without-healthcheck",
    target="compose",
    severity=Severity.WARNING,
    message="The database service has no healthcheck, so nothing can wait for it to be ready.",
    what="Flags database/cache/broker services (by image) without a `healthcheck`.",
    why=(
        "`depends_on: condition: service_healthy` needs a "
        "healthcheck; without one the app races the database."
    ),
    example="""
        db:
          image: postgres:17-trixie
    """,
    use_instead="""
        db:
          image: postgres:17-trixie
          healthcheck:
            test: ["CMD-SHELL", "pg_isready -U $${POSTGRES_USER:-postgres}"]
            interval: 5s
            timeout: 3s
            retries: 10
    """,
    fix="none",
    references=("https://docs.docker.com/reference/compose-file/services/#healthcheck",),
)
def check_db_healthcheck(ctx: ComposeContext) -> Iterator[Hit]:
    for service in _database_services(ctx).values():
        if "healthcheck" in service.data:
            continue
        entry = database_entry(service.image or "")
        example = f" e.g. test: {entry[2]}" if entry and entry[2].startswith("[") else ""
        yield Hit(service.line, f"{service.name} ({service.image}) has no healthcheck;{example}")


@rule(
    code="DW803",
    name="hardcoded-password",
    target="compose",
    severity=Severity.ERROR,
    message="A password or secret is written into the compose file.",
    what="""
        Flags `environment` entries with a secret-like name (`*_PASSWORD`, `SECRET_KEY`,
        `*_TOKEN`, ...) and a literal value, and URLs with a literal password
        (`postgres://app:hunter2@db/app`). `${VAR}` references are fine. Override files
        (compose.override.yaml, *.dev.yaml) are for local development and are not judged.
    """,
    why="""
        compose.yaml is committed and shared: the password ends up in git history, in CI logs and
        in every copy of the repository.
    """,
    example="""
        environment:
          POSTGRES_PASSWORD: hunter2
    """,
    use_instead="""
        env_file: .env
        environment:
          POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it in .env}
    """,
    fix="none",
    references=("https://docs.docker.com/compose/how-tos/use-secrets/",),
    aliases=("compose-lint CL-0020", "compose-lint CL-0021"),
)
def check_passwords(ctx: ComposeContext) -> Iterator[Hit]:
    if ctx.is_override:
        return
    for service in services(ctx.data):
        for name, value, line in service.environment():
            if not value or "${" in value or value.startswith("$"):
                continue
            url = URL_WITH_PASSWORD.search(value)
            if url and "$" not in url.group("password"):
                yield Hit(
                    line,
                    f"{service.name}: {name} contains a literal password; reference ${{{name}}} from .env.",
                )
            elif is_secret_name(name):
                yield Hit(
                    line, f"{service.name}: {name} is hardcoded; use ${{{name}}} from an env_file or secrets."
                )


def _port_entries(service: ComposeService) -> Iterator[tuple[Any, int, str | None, int | None]]:
    """(entry, line, host_ip, container port) for each ports item."""
    ports = service.data.get("ports")
    if not isinstance(ports, list):
        return
    for index, item in enumerate(ports):
        line = item_line(ports, index, service.line)
        if isinstance(item, dict):
            target = item.get("target")
            yield item, line, item.get("host_ip"), int(str(target)) if str(target).isdigit() else None
            continue
        text = str(item).split("/", 1)[0]
        parts = text.rsplit(":", 2) if not text.startswith("[") else [text]
        host_ip = parts[0] if len(parts) == 3 else None
        container = parts[-1].split("-", 1)[0]
        yield item, line, host_ip, int(container) if container.isdigit() else None


@rule(
    code="DW804",
    name="database-port-on-all-interfaces",
    target="compose",
    severity=Severity.WARNING,
    message="A database port is published on all interfaces.",
    what="Flags `ports` of database/cache services without a host IP or with 0.0.0.0.",
    why="""
        Docker's published ports bypass host firewalls (ufw): a database with a dev password
        becomes reachable from the whole network. The app reaches it over the compose network
        anyway; publish only to 127.0.0.1 for local tools, or not at all.
    """,
    example="""
        ports:
          - "5432:5432"
    """,
    use_instead="""
        ports:
          - "127.0.0.1:5432:5432"
    """,
    fix="unsafe",
    fix_notes="Prefixes short-syntax entries with `127.0.0.1:`. Unsafe: remote tools lose access.",
    references=("https://docs.docker.com/engine/network/packet-filtering-firewalls/",),
    aliases=("compose-lint CL-0005",),
)
def check_db_ports(ctx: ComposeContext) -> Iterator[Hit]:
    for service in _database_services(ctx).values():
        for item, line, host_ip, _ in _port_entries(service):
            if host_ip not in (None, "0.0.0.0", "::", "[::]"):
                continue
            fix = None
            source = ctx.lines[line - 1] if 0 < line <= len(ctx.lines) else ""
            text = str(item)
            if isinstance(item, str | int) and host_ip is None and text in source:
                published = text if ":" in text else f"{text}:{text}"
                value = f"127.0.0.1:{published}"
                for quote in ('"', "'"):
                    if f"{quote}{text}{quote}" in source:
                        new = source.replace(f"{quote}{text}{quote}", f"{quote}{value}{quote}", 1)
                        break
                else:
                    new = source.replace(text, f'"{value}"', 1)
                fix = Fix("publish on 127.0.0.1 only", False, (Edit(ctx.path, line, line, new + "\n"),))
            yield Hit(
                line, f"{service.name} publishes {item} on all interfaces; bind 127.0.0.1 or drop it.", fix
            )


@rule(
    code="DW805",
    name="compose-unpinned-image",
    target="compose",
    severity=Severity.WARNING,
    message="The service image has no tag or uses `latest`.",
    what=(
        "Flags `image:` without a tag or with `latest` (services that "
        "also `build:` are naming their own image)."
    ),
    why=(
        "`docker compose pull` silently brings a new major version: "
        "postgres data directories do not survive that."
    ),
    example="""
        db:
          image: postgres
    """,
    use_instead="""
        db:
          image: postgres:17-trixie
    """,
    fix="none",
    references=("https://docs.docker.com/reference/compose-file/services/#image",),
    aliases=("compose-lint CL-0004",),
)
def check_compose_image(ctx: ComposeContext) -> Iterator[Hit]:
    for service in services(ctx.data):
        if not service.image or "build" in service.data or "$" in service.image:
            continue
        ref = parse_image(service.image)
        if ref.digest:
            continue
        if ref.tag in (None, "latest"):
            yield Hit(
                value_line(service.data, "image", service.line),
                f"{service.name}: `{service.image}` is not pinned.",
            )


@rule(
    code="DW806",
    name="database-without-named-volume",
    target="compose",
    severity=Severity.WARNING,
    message="The database keeps its data in an anonymous volume or the container layer.",
    what="""
        Flags postgres/mysql/mariadb/mongo/rabbitmq services with no named volume mounted on the
        data directory (e.g. /var/lib/postgresql/data).
    """,
    why="""
        Anonymous volumes are orphaned by `docker compose down` and `up --force-recreate`: the
        data is effectively gone. Bind mounts run into ownership problems with the database user.
    """,
    example="""
        db:
          image: postgres:17-trixie
    """,
    use_instead="""
        db:
          image: postgres:17-trixie
          volumes:
            - pgdata:/var/lib/postgresql/data
        volumes:
          pgdata:
    """,
    fix="none",
    references=("https://docs.docker.com/engine/storage/volumes/",),
)
def check_db_volume(ctx: ComposeContext) -> Iterator[Hit]:
    for service in _database_services(ctx).values():
        entry = database_entry(service.image or "")
        if entry is None or entry[1] is None:
            continue
        data_dir = entry[1]
        volumes = service.data.get("volumes")
        found: str | None = None
        for item in volumes if isinstance(volumes, list) else []:
            if isinstance(item, dict):
                source, target = str(item.get("source", "")), str(item.get("target", ""))
            else:
                parts = str(item).split(":")
                source, target = (parts[0], parts[1]) if len(parts) >= 2 else ("", parts[0])
            target = target.rstrip("/")
            if target == data_dir or data_dir.startswith(target + "/"):
                found = source
                break
        if found and not found.startswith((".", "/", "~", "$")):
            continue
        message = (
            f"{service.name} bind-mounts its data directory; use a named volume."
            if found
            else f"{service.name} has no named volume on {data_dir}; its data is lost on `down`."
        )
        yield Hit(service.line, message)


def _is_source_mount(ctx: ComposeContext, source: str) -> bool:
    """The project root, or a directory of it that holds Python code (not a data or config mount)."""
    if source in (".", "./"):
        return True
    if not source.startswith(("./", "../")):
        return False
    directory = ctx.file.parent / source
    try:
        return directory.is_dir() and (any(directory.glob("*.py")) or any(directory.glob("*/__init__.py")))
    except OSError:
        return False


@rule(
    code="DW807",
    name="dev-settings-in-base-compose",
    target="compose",
    severity=Severity.WARNING,
    message=(
        "Development settings (reload, dev servers, source bind mounts) are in a non-override compose file."
    ),
    what="""
        In compose files that are not overrides (compose.yaml, docker-compose.yml), flags
        commands with `--reload`, `flask run`, `runserver`, `fastapi dev` or `--debug`,
        debug switches in `environment` (`FLASK_DEBUG=1`, `DJANGO_DEBUG=true`, `DEBUG=1`), and
        bind mounts of source directories into services that are built from the project.
    """,
    why="""
        The base file is what production-like environments run: a reloader or a bind-mounted
        working tree there means the container does not run the image you built and tested.
        Put them in compose.override.yaml, which `docker compose up` merges locally.
    """,
    example="""
        web:
          build: .
          command: uvicorn app.main:app --reload --host 0.0.0.0
          volumes:
            - .:/app
    """,
    use_instead="""
        # compose.yaml: the image's own CMD
        web:
          build: .
        # compose.override.yaml: local development only
        web:
          command: uvicorn app.main:app --reload --host 0.0.0.0
          volumes:
            - .:/app
    """,
    fix="none",
    references=("https://docs.docker.com/compose/how-tos/multiple-compose-files/merge/",),
)
def check_dev_settings(ctx: ComposeContext) -> Iterator[Hit]:
    if ctx.is_override:
        return
    for service in services(ctx.data):
        command = service.command_text()
        match = _DEV_COMMAND.search(command)
        if match:
            key = "command" if "command" in service.data else "entrypoint"
            yield Hit(
                key_line(service.data, key, service.line),
                f"{service.name} runs `{match.group(0).strip()}`; move it to compose.override.yaml.",
            )
        for name, value, line in service.environment():
            if value is not None and is_debug_setting(name, value):
                yield Hit(line, f"{service.name} sets {name}={value}; move it to compose.override.yaml.")
        if "build" not in service.data:
            continue
        volumes = service.data.get("volumes")
        for index, item in enumerate(volumes if isinstance(volumes, list) else []):
            if isinstance(item, dict):
                source = str(item.get("source", "")) if item.get("type") == "bind" else ""
            else:
                parts = str(item).split(":")
                source = parts[0] if len(parts) >= 2 else ""
            if _is_source_mount(ctx, source):
                yield Hit(
                    item_line(volumes, index, service.line),
                    f"{service.name} bind-mounts `{source}` over the built "
                    "code; move it to compose.override.yaml.",
                )


@rule(
    code="DW808",
    name="obsolete-compose-version",
    target="compose",
    severity=Severity.INFO,
    message="The top-level `version:` key is obsolete and ignored by Compose v2.",
    what="Flags a top-level `version:` key.",
    why=(
        "Compose v2 ignores it and prints a warning on every command; it "
        "suggests a file format that no longer exists."
    ),
    example="""
        version: "3.8"
        services:
          web:
            build: .
    """,
    use_instead="""
        services:
          web:
            build: .
    """,
    fix="safe",
    fix_notes="Deletes the `version:` line.",
    references=("https://docs.docker.com/reference/compose-file/version-and-name/",),
    aliases=("dclint no-version-field",),
)
def check_version(ctx: ComposeContext) -> Iterator[Hit]:
    if not isinstance(ctx.data, dict) or "version" not in ctx.data:
        return
    line = key_line(ctx.data, "version")
    fix = None
    if 0 < line <= len(ctx.lines) and re.match(r"^version\s*:\s*\S", ctx.lines[line - 1]):
        fix = Fix("remove the version key", True, (Edit(ctx.path, line, line, ""),))
    yield Hit(line, fix=fix)
