"""DW6xx: how the container runs (process form, dev servers, migrations, server settings)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from dockwright.lint.context import DockerfileContext
from dockwright.lint.dockerfile_model import Instruction, Stage
from dockwright.lint.facts import LOCAL_HOSTS, is_debug_setting
from dockwright.lint.model import Edit, Fix, Hit, Severity
from dockwright.lint.registry import rule
from dockwright.lint.rules.common import (
    context_copies,
    insert_after,
    instruction_commands,
    parse_image,
    process_commands,
    replace_instruction,
    runs_python,
    shell_split,
)
from dockwright.lint.shell import Command, parse_script

_PYTHON = re.compile(r"^python(3(\.\d+)?)?$")
_SHELL_META = re.compile(r"[$&|;<>`*?()~\n\\]|\[|\]")


@dataclass(frozen=True)
class ServerRun:
    server: str  # "uvicorn", "gunicorn", "flask", "runserver", "hypercorn", "daphne", "granian", "fastapi"
    args: tuple[str, ...]
    command: Command
    instr: Instruction
    from_script: str | None = None  # entrypoint script path when found there


def _server_of(command: Command) -> tuple[str, tuple[str, ...]] | None:
    cmd = command.unwrapped()
    argv = list(cmd.argv)
    if not argv:
        return None
    name = cmd.name
    if _PYTHON.match(name) and len(argv) >= 3 and argv[1] == "-m":
        name, argv = argv[2], argv[2:]
    elif _PYTHON.match(name) and len(argv) >= 2 and argv[1].endswith("manage.py"):
        name, argv = "manage.py", argv[1:]
    if name.endswith("manage.py") or name == "django-admin":
        if len(argv) >= 2 and argv[1] in ("runserver", "migrate"):
            return ("runserver" if argv[1] == "runserver" else "django-migrate"), tuple(argv[2:])
        return None
    if name in (
        "uvicorn",
        "gunicorn",
        "hypercorn",
        "daphne",
        "granian",
        "flask",
        "fastapi",
        "alembic",
        "litestar",
    ):
        return name, tuple(argv[1:])
    return None


def _script_path(ctx: DockerfileContext, stage: Stage) -> tuple[str, Instruction] | None:
    """The context file behind an ENTRYPOINT/CMD script such as ``/docker-entrypoint.sh``."""
    for instr in (stage.last("ENTRYPOINT"), stage.last("CMD")):
        if instr is None:
            continue
        words = list(instr.value) if instr.json else shell_split(instr.text)
        while words and words[0].rsplit("/", 1)[-1] in ("tini", "dumb-init", "sh", "bash", "--", "-c"):
            words.pop(0)
        if not words or not (words[0].endswith(".sh") or words[0].startswith(("/", "./"))):
            continue
        target = words[0]
        workdir = "/"
        for copy in stage.instructions:
            if copy.cmd == "WORKDIR":
                workdir = str(PurePosixPath(workdir) / copy.text.strip())
            if copy.cmd not in ("COPY", "ADD") or copy.start_line > instr.start_line:
                continue
            dest = copy.value[-1]
            dest_path = PurePosixPath(workdir) / dest
            for source in context_copies(copy):
                candidates = [dest_path]
                if dest.endswith("/") or len(copy.value) > 2:
                    candidates.append(dest_path / PurePosixPath(source).name)
                full_target = PurePosixPath(workdir) / target
                on_path = "/" not in target and any(c.name == target for c in candidates)
                if on_path or any(str(c) == str(full_target) or str(c) == target for c in candidates):
                    return source, instr
                if source.rstrip("/") in (".", "") and str(full_target).startswith(str(dest_path)):
                    relative = str(full_target)[len(str(dest_path)) :].lstrip("/")
                    if ctx.project.has(relative):
                        return relative, instr
    return None


def _script_commands(
    ctx: DockerfileContext, stage: Stage
) -> tuple[str, Instruction, tuple[Command, ...]] | None:
    found = _script_path(ctx, stage)
    if found is None:
        return None
    source, instr = found
    text = ctx.project.read(source)
    if text is None or (text.lstrip().startswith("#!") and "python" in text.split("\n", 1)[0]):
        return None
    return source, instr, parse_script(text)


def server_runs(ctx: DockerfileContext, stage: Stage) -> list[ServerRun]:
    runs: list[ServerRun] = []
    for command, instr in process_commands(stage):
        found = _server_of(command)
        if found:
            runs.append(ServerRun(found[0], found[1], command, instr))
    script = _script_commands(ctx, stage)
    if script is not None:
        source, instr, commands = script
        for command in commands:
            found = _server_of(command)
            if found:
                runs.append(ServerRun(found[0], found[1], command, instr, source))
    return runs


def _where(run: ServerRun) -> str:
    return f" (in {run.from_script})" if run.from_script else ""


@rule(
    code="DW601",
    name="missing-healthcheck",
    target="dockerfile",
    severity=Severity.WARNING,
    message="The final stage has no HEALTHCHECK, so Docker cannot tell a hung app from a healthy one.",
    what="""
        Flags a final stage with no HEALTHCHECK (its own or inherited from a parent stage).
        `HEALTHCHECK NONE` counts as a decision. Builder stages are never judged.
    """,
    why="""
        Without a health check `docker ps`, compose `depends_on: condition: service_healthy` and
        rolling deploys treat a deadlocked server as up. Slim images have no curl: probe with
        the Python standard library.
    """,
    example="""
        CMD ["gunicorn", "app:app"]
    """,
    use_instead="""
        HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \\
            CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/healthz')"]
        CMD ["gunicorn", "app:app"]
    """,
    fix="none",
    fix_notes="The health endpoint and port are the app's.",
    references=("https://docs.docker.com/reference/dockerfile/#healthcheck",),
    aliases=("hadolint DL3057", "Checkov CKV_DOCKER_2", "Trivy DS026"),
)
def check_healthcheck(ctx: DockerfileContext) -> Iterator[Hit]:
    stage: Stage | None = ctx.model.final
    while stage is not None:
        if stage.last("HEALTHCHECK") is not None:
            return
        stage = ctx.model.stages[stage.parent] if stage.parent is not None else None
    final = ctx.model.final
    if final.last("CMD") is None and final.last("ENTRYPOINT") is None and final.parent is None:
        return  # a base image without a process is not a service image
    yield Hit(final.from_line)


@rule(
    code="DW602",
    name="shell-form-process",
    target="dockerfile",
    severity=Severity.WARNING,
    message="Shell-form CMD/ENTRYPOINT runs under /bin/sh, which does not pass SIGTERM to the app.",
    what="""
        Flags shell-form `CMD`/`ENTRYPOINT` in the final stage. A shell form that starts with
        `exec` is accepted (the shell replaces itself with the server).
    """,
    why="""
        `/bin/sh -c` becomes PID 1 and does not forward SIGTERM: `docker stop` waits 10 s and
        then kills the app, dropping in-flight requests instead of a graceful shutdown.
    """,
    example="""
        CMD gunicorn app:app --bind 0.0.0.0:8000
    """,
    use_instead="""
        CMD ["gunicorn", "app:app", "--bind", "0.0.0.0:8000"]
    """,
    fix="safe",
    fix_notes="""
        A command of plain words becomes exec form; a single command that needs variable
        expansion gets `exec` in front. Commands with `&&`, pipes or redirections are left alone.
    """,
    references=("https://docs.docker.com/reference/dockerfile/#shell-and-exec-form",),
    aliases=("hadolint DL3025", "BuildKit JSONArgsRecommended"),
)
def check_shell_form(ctx: DockerfileContext) -> Iterator[Hit]:
    final = ctx.model.final
    for instr in (final.last("ENTRYPOINT"), final.last("CMD")):
        if instr is None or instr.json:
            continue
        text = instr.text.strip()
        if not text or text.startswith("exec ") or text == "exec":
            continue
        entry = final.last("ENTRYPOINT")
        if instr.cmd == "CMD" and entry is not None and entry.json:
            pass  # CMD as shell form under an exec ENTRYPOINT is still wrong: it is passed as `sh -c ...`
        fix: Fix | None = None
        commands = instruction_commands(instr)
        keyword = instr.original.split(None, 1)[0]
        if not _SHELL_META.search(text):
            words = shell_split(text)
            fix = replace_instruction(
                ctx.path, instr, f"{keyword} {json.dumps(words)}", "use exec form", True
            )
        elif len(commands) == 1 and not re.search(r"&&|\|\||[;|<>`]|\n", text):
            fix = replace_instruction(
                ctx.path, instr, f"{keyword} exec {text}", "prefix the command with exec", True
            )
        yield Hit(instr.start_line, fix=fix, end_line=instr.end_line)


def _drop_reload_fix(ctx: DockerfileContext, instr: Instruction) -> Fix | None:
    keyword = instr.original.split(None, 1)[0]
    if instr.json:
        words = [w for w in instr.value if w != "--reload"]
        return replace_instruction(
            ctx.path, instr, f"{keyword} {json.dumps(words)}", "remove --reload", False
        )
    original = "\n".join(ctx.lines[instr.start_line - 1 : instr.end_line])
    new = re.sub(r"\s--reload\b(?!-)", "", original)
    return None if new == original else replace_instruction(ctx.path, instr, new, "remove --reload", False)


@rule(
    code="DW603",
    name="dev-server-in-cmd",
    target="dockerfile",
    severity=Severity.ERROR,
    message="A development server or auto-reload runs in the production image.",
    what="""
        Flags `--reload` (uvicorn, gunicorn, hypercorn, granian), `flask run`, `fastapi dev` and
        `manage.py runserver` in the final stage's CMD/ENTRYPOINT or in the entrypoint script it
        runs.
    """,
    why="""
        Development servers are single-process, not hardened, and some expose a debugger;
        `--reload` watches the filesystem, doubles memory and restarts on any file change.
    """,
    example="""
        CMD ["uvicorn", "app.main:app", "--reload", "--host", "0.0.0.0"]
    """,
    use_instead="""
        CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]
    """,
    fix="unsafe",
    fix_notes="Removes `--reload` when it is the problem; dev servers need a real server chosen by you.",
    references=(
        "https://flask.palletsprojects.com/en/stable/deploying/",
        "https://docs.djangoproject.com/en/stable/ref/django-admin/#runserver",
        "https://www.uvicorn.org/deployment/",
    ),
)
def check_dev_server(ctx: DockerfileContext) -> Iterator[Hit]:
    for run in server_runs(ctx, ctx.model.final):
        args = run.args
        if "--reload" in args:
            fix = None if run.from_script else _drop_reload_fix(ctx, run.instr)
            yield Hit(
                run.instr.start_line,
                f"`{run.server} --reload`{_where(run)} restarts on file changes; remove it.",
                fix,
            )
        elif run.server == "flask" and "run" in args:
            yield Hit(
                run.instr.start_line, f"`flask run`{_where(run)} is the development server; use gunicorn."
            )
        elif run.server == "fastapi" and args[:1] == ("dev",):
            yield Hit(
                run.instr.start_line,
                f"`fastapi dev`{_where(run)} is the development server; use `fastapi run` or uvicorn.",
            )
        elif run.server == "runserver":
            yield Hit(
                run.instr.start_line,
                f"`manage.py runserver`{_where(run)} is Django's development server; use gunicorn.",
            )


@rule(
    code="DW604",
    name="migrations-in-cmd",
    target="dockerfile",
    severity=Severity.WARNING,
    message="Database migrations run in the container's start command.",
    what="""
        Flags `manage.py migrate`, `alembic upgrade` and `flask db upgrade` in the final stage's
        CMD/ENTRYPOINT or in the entrypoint script it runs.
    """,
    why="""
        Every replica and every restart runs them: replicas race on the schema, a failing
        migration crash-loops the web tier, and rollbacks get harder. Run migrations once per
        deploy (a compose `migrate` service, a Kubernetes Job, a release step).
    """,
    example="""
        CMD ["sh", "-c", "python manage.py migrate && exec gunicorn config.wsgi"]
    """,
    use_instead="""
        CMD ["gunicorn", "config.wsgi"]
        # compose.yaml: a one-off `migrate` service that web depends_on with
        #   condition: service_completed_successfully
    """,
    fix="none",
    references=("https://docs.djangoproject.com/en/stable/topics/migrations/",),
)
def check_migrations(ctx: DockerfileContext) -> Iterator[Hit]:
    for run in server_runs(ctx, ctx.model.final):
        if run.server == "django-migrate":
            yield Hit(
                run.instr.start_line,
                f"`manage.py migrate`{_where(run)} runs on every start; run it once per deploy.",
            )
            return
        if run.server == "alembic" and run.args[:1] == ("upgrade",):
            yield Hit(
                run.instr.start_line,
                f"`alembic upgrade`{_where(run)} runs on every start; run it once per deploy.",
            )
            return
        if run.server == "flask" and run.args[:2] == ("db", "upgrade"):
            yield Hit(
                run.instr.start_line,
                f"`flask db upgrade`{_where(run)} runs on every start; run it once per deploy.",
            )
            return


@rule(
    code="DW605",
    name="entrypoint-script-without-exec",
    target="dockerfile",
    severity=Severity.WARNING,
    message="The entrypoint script starts the server without `exec`, so SIGTERM never reaches it.",
    what="""
        Reads the shell script that ENTRYPOINT/CMD runs (when it is copied from the build
        context) and flags it when no command is started with `exec` (`exec "$@"`,
        `exec gunicorn ...`).
    """,
    why="""
        Without `exec` the shell stays PID 1 and does not forward SIGTERM to its child: the app
        is killed after the stop timeout instead of shutting down gracefully.
    """,
    example="""
        #!/bin/sh
        set -e
        gunicorn app:app
    """,
    use_instead="""
        #!/bin/sh
        set -e
        exec "$@"
    """,
    fix="none",
    references=("https://docs.docker.com/build/building/best-practices/#entrypoint",),
)
def check_entrypoint_exec(ctx: DockerfileContext) -> Iterator[Hit]:
    final = ctx.model.final
    script = _script_commands(ctx, final)
    if script is None:
        return
    source, instr, commands = script
    entrypoint = final.last("ENTRYPOINT")
    entry_words = " ".join(entrypoint.value) if entrypoint is not None else ""
    if "dumb-init" in entry_words or re.search(r"\btini\b.*\s-g\b", entry_words):
        return
    if not commands or any(c.name == "exec" for c in commands):
        return
    yield Hit(instr.start_line, f"{source} never uses `exec`, so the server is not PID 1 and misses SIGTERM.")


@rule(
    code="DW606",
    name="missing-pythonunbuffered",
    target="dockerfile",
    severity=Severity.WARNING,
    message="PYTHONUNBUFFERED is not set, so logs are buffered and lost when the container dies.",
    what="""
        Flags a final image that runs Python (python base image or a Python server as its
        process) without `ENV PYTHONUNBUFFERED=1` (inherited ENV counts) and without `python -u`.
    """,
    why="""
        With stdout connected to a pipe Python buffers output in 8 KB blocks: `docker logs` lags
        behind, and the last lines before a crash (the traceback) are never written.
    """,
    example="""
        FROM python:3.13-slim-trixie
        CMD ["gunicorn", "app:app"]
    """,
    use_instead="""
        FROM python:3.13-slim-trixie
        ENV PYTHONUNBUFFERED=1
        CMD ["gunicorn", "app:app"]
    """,
    fix="safe",
    fix_notes="Inserts `ENV PYTHONUNBUFFERED=1` right after the final stage's FROM.",
    references=("https://docs.python.org/3/using/cmdline.html#envvar-PYTHONUNBUFFERED",),
)
def check_unbuffered(ctx: DockerfileContext) -> Iterator[Hit]:
    final = ctx.model.final
    if final.end_env.get("PYTHONUNBUFFERED"):
        return
    if not runs_python(ctx.model):
        return
    for command, _ in process_commands(final):
        argv = command.unwrapped().argv
        if argv and _PYTHON.match(command.unwrapped().name) and "-u" in argv[1:3]:
            return
    from_instr = final.instructions[0]
    yield Hit(
        final.from_line,
        fix=insert_after(
            ctx.path, from_instr.end_line, "ENV PYTHONUNBUFFERED=1", "set PYTHONUNBUFFERED=1", True
        ),
    )


def _gunicorn_settings_elsewhere(ctx: DockerfileContext, stage: Stage, args: tuple[str, ...]) -> bool:
    """gunicorn reads -c FILE, ./gunicorn.conf.py and $GUNICORN_CMD_ARGS."""
    return bool(
        any(a in ("-c", "--config") or a.startswith("--config=") for a in args)
        or ctx.project.has("gunicorn.conf.py")
    )


@rule(
    code="DW607",
    name="gunicorn-defaults",
    target="dockerfile",
    severity=Severity.WARNING,
    message="gunicorn runs with its defaults: 1 worker and a 30 s timeout.",
    what="""
        Flags gunicorn in the final stage's process without a worker count (`--workers`/`-w`,
        `WEB_CONCURRENCY` or `GUNICORN_CMD_ARGS` in ENV) or without `--timeout`, unless a
        config file (`-c`, ./gunicorn.conf.py) is used.
    """,
    why="""
        One sync worker serves one request at a time; the silent default turns a container into
        a bottleneck. The timeout should be a decision too: long uploads or slow queries need
        more than 30 s, while a short timeout frees workers stuck on a dead upstream.
    """,
    example="""
        CMD ["gunicorn", "app:app", "--bind", "0.0.0.0:8000"]
    """,
    use_instead="""
        ENV WEB_CONCURRENCY=2
        CMD ["gunicorn", "app:app", "--bind", "0.0.0.0:8000", "--timeout", "60"]
    """,
    fix="none",
    references=(
        "https://docs.gunicorn.org/en/stable/settings.html#workers",
        "https://docs.gunicorn.org/en/stable/design.html#how-many-workers",
    ),
)
def check_gunicorn(ctx: DockerfileContext) -> Iterator[Hit]:
    final = ctx.model.final
    env = final.end_env
    cmd_args = env.get("GUNICORN_CMD_ARGS", "")
    for run in server_runs(ctx, final):
        if run.server != "gunicorn" or _gunicorn_settings_elsewhere(ctx, final, run.args):
            continue
        all_args = " ".join(run.args) + " " + cmd_args
        missing = []
        if not re.search(r"(?:^|\s)(?:-w|--workers)(?:[\s=]|\d)", all_args) and not env.get(
            "WEB_CONCURRENCY"
        ):
            missing.append("a worker count (--workers or WEB_CONCURRENCY)")
        if not re.search(r"(?:^|\s)(?:-t|--timeout)(?:[\s=]|\d)", all_args):
            missing.append("a --timeout")
        if missing:
            yield Hit(
                run.instr.start_line,
                f"gunicorn{_where(run)} runs without {' or '.join(missing)}; "
                f"set {'them' if len(missing) > 1 else 'it'} explicitly.",
            )


def _bind_values(run: ServerRun) -> list[str]:
    cmd = Command((run.server, *run.args))
    if run.server == "gunicorn" or run.server == "hypercorn":
        return cmd.option_values("-b", "--bind")
    if run.server == "daphne":
        return cmd.option_values("-b", "--bind")
    if run.server == "flask":
        return cmd.option_values("-h", "--host")
    if run.server == "runserver":
        return [a for a in run.args if not a.startswith("-")][:1]
    return cmd.option_values("--host")


def _host_of(value: str) -> str:
    if value.startswith("unix:") or value.startswith("fd://"):
        return value
    if value.startswith("["):
        return value.split("]", 1)[0] + "]"
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def _default_reachable(ctx: DockerfileContext, run: ServerRun, stage: Stage) -> bool:
    """True when a server with no explicit host listens on all interfaces anyway."""
    env = stage.end_env
    args = run.args
    if any(a in ("--uds", "--fd", "-u", "--unix-socket") or a.startswith(("--uds=", "--fd=")) for a in args):
        return True
    if run.server == "uvicorn":
        return bool(env.get("UVICORN_HOST")) and env["UVICORN_HOST"] not in LOCAL_HOSTS
    if run.server == "granian":
        return bool(env.get("GRANIAN_HOST")) and env["GRANIAN_HOST"] not in LOCAL_HOSTS
    if run.server == "flask":
        return bool(env.get("FLASK_RUN_HOST")) and env["FLASK_RUN_HOST"] not in LOCAL_HOSTS
    if run.server == "gunicorn":
        return (
            bool(env.get("PORT"))
            or "--bind" in env.get("GUNICORN_CMD_ARGS", "")
            or "-b " in env.get("GUNICORN_CMD_ARGS", "")
            or _gunicorn_settings_elsewhere(ctx, stage, args)
        )
    if run.server == "hypercorn":
        return any(a in ("-c", "--config") for a in args)
    if run.server in ("fastapi", "litestar"):
        return run.server == "fastapi" and args[:1] == ("run",) and "--host" not in args
    if run.server == "daphne":
        return False
    return run.server != "runserver"


@rule(
    code="DW608",
    name="server-bound-to-localhost",
    target="dockerfile",
    severity=Severity.ERROR,
    message="The server listens on 127.0.0.1 inside the container, so nothing outside can reach it.",
    what="""
        Flags servers in the final stage's process that bind 127.0.0.1/localhost explicitly
        (`--host 127.0.0.1`, `-b localhost:8000`) or by default: uvicorn, hypercorn, daphne,
        granian, `flask run` and `manage.py runserver` without a host, and gunicorn without
        `--bind`, `$PORT` or a config file.
    """,
    why="""
        127.0.0.1 inside a container is the container's own loopback: published ports and other
        containers connect to its external interface, get "connection refused", and the
        container looks healthy while serving nobody.
    """,
    example="""
        CMD ["uvicorn", "app.main:app", "--port", "8000"]
    """,
    use_instead="""
        CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]
    """,
    fix="unsafe",
    fix_notes="""
        Replaces an explicit 127.0.0.1/localhost with 0.0.0.0, or adds `--host 0.0.0.0` to an
        exec-form uvicorn/granian command. Unsafe: it changes which interfaces listen.
    """,
    references=(
        "https://www.uvicorn.org/settings/#socket-binding",
        "https://docs.gunicorn.org/en/stable/settings.html#bind",
    ),
)
def check_localhost_bind(ctx: DockerfileContext) -> Iterator[Hit]:
    final = ctx.model.final
    for run in server_runs(ctx, final):
        if run.server in ("alembic", "django-migrate") or (run.server == "flask" and "run" not in run.args):
            continue
        if run.server == "fastapi" and run.args[:1] not in (("run",), ("dev",)):
            continue
        binds = _bind_values(run)
        if binds:
            local = [b for b in binds if _host_of(b) in LOCAL_HOSTS]
            if local:
                fix = None if run.from_script else _replace_host_fix(ctx, run.instr)
                yield Hit(
                    run.instr.start_line, f"{run.server}{_where(run)} binds {local[0]}; use 0.0.0.0.", fix
                )
            continue
        if not _default_reachable(ctx, run, final):
            fix = None
            if not run.from_script and run.instr.json and run.server in ("uvicorn", "granian"):
                words = [*run.instr.value, "--host", "0.0.0.0"]
                keyword = run.instr.original.split(None, 1)[0]
                fix = replace_instruction(
                    ctx.path, run.instr, f"{keyword} {json.dumps(words)}", "listen on 0.0.0.0", False
                )
            yield Hit(
                run.instr.start_line,
                f"{run.server}{_where(run)} listens on 127.0.0.1 by default; pass an explicit host 0.0.0.0.",
                fix,
            )


def _replace_host_fix(ctx: DockerfileContext, instr: Instruction) -> Fix | None:
    original = "\n".join(ctx.lines[instr.start_line - 1 : instr.end_line])
    new = re.sub(r"(?<![\w.])(?:127\.0\.0\.1|localhost)(?![\w.])", "0.0.0.0", original)
    if new == original:
        return None
    return Fix("listen on 0.0.0.0", False, (Edit(ctx.path, instr.start_line, instr.end_line, new + "\n"),))


@rule(
    code="DW609",
    name="debug-mode-in-image",
    target="dockerfile",
    severity=Severity.ERROR,
    message="Debug mode is switched on in the image's environment.",
    what="""
        Flags ENV in the final image that turns on framework debug mode: `FLASK_DEBUG`,
        `DJANGO_DEBUG` or `DEBUG` set to a true value, and `FLASK_ENV=development`.
    """,
    why="""
        Debug mode shows tracebacks, settings and sometimes an interactive debugger (Werkzeug's
        runs arbitrary code) to anyone who triggers an error, and disables production safeguards.
    """,
    example="""
        ENV FLASK_DEBUG=1
    """,
    use_instead="""
        # set debug only in compose.override.yaml / local .env
        ENV FLASK_DEBUG=0
    """,
    fix="none",
    references=(
        "https://flask.palletsprojects.com/en/stable/debugging/",
        "https://docs.djangoproject.com/en/stable/ref/settings/#debug",
    ),
)
def check_debug_env(ctx: DockerfileContext) -> Iterator[Hit]:
    for index in sorted(ctx.model.final_lineage):
        for instr in ctx.model.stages[index].of("ENV"):
            values = list(instr.value)
            for name, value in ((values[i], values[i + 1]) for i in range(0, len(values) - 1, 2)):
                if is_debug_setting(name, value):
                    yield Hit(instr.start_line, f"`{name}={value}` enables debug mode in the image.")
                    break


def _healthcheck_tool(instr: Instruction) -> str | None:
    """``curl`` / ``wget`` when the HEALTHCHECK runs one of them."""
    for command in instruction_commands(instr):
        name = command.unwrapped().name
        if name in ("curl", "wget"):
            return name
    return None


def _installs(ctx: DockerfileContext, tool: str) -> bool:
    from dockwright.lint.shell import package_install

    for index in ctx.model.final_lineage:
        for instr in ctx.model.stages[index].of("RUN"):
            for command in instr.commands:
                found = package_install(command)
                if found is not None and any(p.split("=", 1)[0] == tool for p in found.packages):
                    return True
        for instr in ctx.model.stages[index].of("COPY", "ADD"):
            if any(tool in value.rsplit("/", 1)[-1] for value in instr.value):
                return True
    return False


@rule(
    code="DW610",
    name="healthcheck-tool-missing",
    target="dockerfile",
    severity=Severity.ERROR,
    message="The HEALTHCHECK calls a tool the image does not have, so the container never becomes healthy.",
    what="""
        Flags a HEALTHCHECK that runs `curl` or `wget` in a final image built on a slim, alpine
        (curl) or distroless Python image that does not install that tool.
    """,
    why="""
        `python:*-slim` has neither curl nor wget and distroless has no shell at all: the check
        fails with "not found", the container stays `unhealthy`, and compose `service_healthy`
        dependants never start. The Python standard library can probe HTTP without extra packages.
    """,
    example="""
        FROM python:3.13-slim-trixie
        HEALTHCHECK CMD curl -f http://127.0.0.1:8000/healthz || exit 1
    """,
    use_instead="""
        FROM python:3.13-slim-trixie
        HEALTHCHECK CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/healthz')"]
    """,
    fix="none",
    references=("https://docs.docker.com/reference/dockerfile/#healthcheck",),
)
def check_healthcheck_tool(ctx: DockerfileContext) -> Iterator[Hit]:
    final = ctx.model.final
    check = final.last("HEALTHCHECK")
    if check is None:
        return
    tool = _healthcheck_tool(check)
    if tool is None:
        return
    root = final
    while root.parent is not None:
        root = ctx.model.stages[root.parent]
    ref = parse_image(root.base)
    tag = ref.tag or ""
    minimal = (
        ref.is_python and ("slim" in tag or ("alpine" in tag and tool == "curl"))
    ) or "distroless" in ref.name
    if minimal and not _installs(ctx, tool):
        yield Hit(check.start_line, f"`{tool}` is not installed in `{root.base}`; probe with Python instead.")


_DEFAULT_PORT = {"flask": 5000}


_PORT_ENV = {
    "flask": "FLASK_RUN_PORT",
    "uvicorn": "UVICORN_PORT",
    "granian": "GRANIAN_PORT",
    "gunicorn": "PORT",
}


def _server_port(ctx: DockerfileContext, run: ServerRun, env: Mapping[str, str]) -> int | None:
    """The TCP port a server command listens on, when it is written down (None if variable)."""
    cmd = Command((run.server, *run.args, *shell_split(env.get("GUNICORN_CMD_ARGS", ""))))
    if run.server == "gunicorn" and _gunicorn_settings_elsewhere(ctx, ctx.model.final, run.args):
        return None
    values: list[str] = []
    if run.server in ("gunicorn", "hypercorn"):
        values = [b.rsplit(":", 1)[-1] for b in cmd.option_values("-b", "--bind") if ":" in b]
    elif run.server == "runserver":
        positional = [a for a in run.args if not a.startswith("-")][:1]
        values = [positional[0].rsplit(":", 1)[-1]] if positional else []
    elif run.server == "daphne":
        values = cmd.option_values("-p", "--port")
    else:
        values = cmd.option_values("--port", "-p")
    if values:
        return int(values[-1]) if values[-1].isdigit() else None
    if run.server in ("gunicorn", "hypercorn") and cmd.option_values("-b", "--bind"):
        return None  # a unix socket or a host without port
    from_env = env.get(_PORT_ENV.get(run.server, ""), "")
    if from_env:
        return int(from_env) if from_env.isdigit() else None
    return _DEFAULT_PORT.get(run.server, 8000)


@rule(
    code="DW611",
    name="port-mismatch",
    target="dockerfile",
    severity=Severity.WARNING,
    message="The server listens on a different port than the Dockerfile exposes or health-checks.",
    what="""
        Compares the port the final stage's server listens on (its `--port`/`--bind`, or the
        server's default: 8000, flask 5000) with `EXPOSE` and with the port in a HEALTHCHECK
        URL. Ports that come from variables are not judged.
    """,
    why="""
        A health check on the wrong port keeps the container `unhealthy` forever (and its compose
        dependants never start); a wrong EXPOSE misleads `docker run -P`, compose and readers.
    """,
    example="""
        EXPOSE 8000
        CMD ["gunicorn", "--bind", "0.0.0.0:5000", "app:app"]
    """,
    use_instead="""
        EXPOSE 5000
        CMD ["gunicorn", "--bind", "0.0.0.0:5000", "app:app"]
    """,
    fix="none",
    references=("https://docs.docker.com/reference/dockerfile/#expose",),
)
def check_port_mismatch(ctx: DockerfileContext) -> Iterator[Hit]:
    final = ctx.model.final
    runs = [r for r in server_runs(ctx, final) if r.server not in ("alembic", "django-migrate")]
    if len(runs) != 1:
        return
    port = _server_port(ctx, runs[0], final.end_env)
    if port is None:
        return
    exposed: list[tuple[int, Instruction]] = []
    for index in sorted(ctx.model.final_lineage):
        for instr in ctx.model.stages[index].of("EXPOSE"):
            for item in instr.value:
                number = item.split("/", 1)[0]
                if number.isdigit():
                    exposed.append((int(number), instr))
    if exposed and port not in {p for p, _ in exposed}:
        instr = exposed[-1][1]
        yield Hit(instr.start_line, f"EXPOSE {exposed[-1][0]}, but {runs[0].server} listens on {port}.")
    check = final.last("HEALTHCHECK")
    if check is not None:
        text = " ".join(check.value)
        match = re.search(r"(?:127\.0\.0\.1|localhost|0\.0\.0\.0|\[::1\])['\"]?\s*[:,]\s*(\d+)", text)
        if match and int(match.group(1)) != port:
            yield Hit(
                check.start_line,
                f"The HEALTHCHECK probes port {match.group(1)}, but {runs[0].server} listens on {port}.",
            )


_ASGI_FRAMEWORKS = ("fastapi", "starlette", "litestar", "quart")
_WSGI_ONLY_FRAMEWORKS = ("flask",)
_ADAPTERS = frozenset({"asgiref", "a2wsgi", "asgi-wsgi"})


@rule(
    code="DW612",
    name="server-interface-mismatch",
    target="dockerfile",
    severity=Severity.ERROR,
    message="The server speaks a different interface (WSGI/ASGI) than the app, so every request fails.",
    what="""
        Reads the project's dependencies and flags gunicorn running an ASGI framework (FastAPI,
        Starlette, Litestar, Quart) with its default sync workers, i.e. without
        `-k uvicorn_worker.UvicornWorker` (or another ASGI worker class), and uvicorn serving a
        Flask (WSGI) project without `--interface wsgi`. Projects that depend on an adapter
        (asgiref, a2wsgi) are not judged.
    """,
    why="""
        The container starts and even passes a TCP health check, but each request crashes with
        `TypeError: __call__() missing ... 'send'` (ASGI app under a WSGI server) or the reverse.
    """,
    example="""
        # requirements.txt: fastapi
        CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app.main:app"]
    """,
    use_instead="""
        CMD ["gunicorn", "-k", "uvicorn_worker.UvicornWorker", "--bind", "0.0.0.0:8000", "app.main:app"]
    """,
    fix="none",
    references=(
        "https://www.uvicorn.org/deployment/#gunicorn",
        "https://docs.gunicorn.org/en/stable/design.html#asyncio-workers",
    ),
)
def check_interface(ctx: DockerfileContext) -> Iterator[Hit]:
    runs = [r for r in server_runs(ctx, ctx.model.final) if r.server in ("gunicorn", "uvicorn")]
    if not runs:
        return
    deps = ctx.project.dependencies
    if deps & _ADAPTERS:
        return
    asgi = [name for name in _ASGI_FRAMEWORKS if name in deps]
    wsgi_only = [name for name in _WSGI_ONLY_FRAMEWORKS if name in deps] if not asgi else []
    env = ctx.model.final.end_env
    for run in runs:
        if run.server == "gunicorn" and asgi:
            args = Command(("gunicorn", *run.args, *shell_split(env.get("GUNICORN_CMD_ARGS", ""))))
            worker = " ".join(args.option_values("-k", "--worker-class"))
            if _gunicorn_settings_elsewhere(ctx, ctx.model.final, run.args):
                continue
            if not worker or worker.split(".")[-1].lower() in (
                "sync",
                "gthread",
                "gevent",
                "eventlet",
                "tornado",
            ):
                yield Hit(
                    run.instr.start_line,
                    f"gunicorn{_where(run)} runs {asgi[0]} (ASGI) with sync workers; "
                    "add `-k uvicorn_worker.UvicornWorker`.",
                )
        elif (
            run.server == "uvicorn"
            and wsgi_only
            and "wsgi" not in Command(("uvicorn", *run.args)).option_values("--interface")
        ):
            yield Hit(
                run.instr.start_line,
                f"uvicorn{_where(run)} serves {wsgi_only[0]} (WSGI) as ASGI; "
                "use gunicorn or `--interface wsgi`.",
            )
