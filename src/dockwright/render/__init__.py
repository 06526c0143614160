"""render: ContainerPlan -> file contents, through the Jinja2 templates in ``templates/``.

``render_files`` is pure: no file is read or written (the .gitignore lines already travel in the
plan), so the same plan always renders the same bytes, which is what the golden-file tests pin down.
``files_for_project`` is the public whole-pipeline entry point: a project directory -> init's files.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

import jinja2

from dockwright.plan import facts
from dockwright.plan.model import ContainerPlan

# output file -> template
TEMPLATES: dict[str, str] = {
    "Dockerfile": "Dockerfile.j2",
    ".dockerignore": "dockerignore.j2",
    "compose.yaml": "compose.yaml.j2",
    "compose.override.yaml": "compose.override.yaml.j2",
    ".env.example": "env.example.j2",
}
APP_SERVICE = "app"
_PLAIN_ENV_VALUE = re.compile(r"[A-Za-z0-9_./:,@%+=$-]*")


def _q(value: object) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(str(value))


def _tojson_list(values: Iterable[str]) -> str:
    return json.dumps(list(values))


def _compose_escape(values: Iterable[str]) -> list[str]:
    """``$`` is compose interpolation: a literal one (for the container's shell) is written ``$$``."""
    return [v.replace("$", "$$") for v in values]


def _env_value(value: str) -> str:
    return value if _PLAIN_ENV_VALUE.fullmatch(value) else json.dumps(value)


def _env_block(env: Mapping[str, str]) -> str:
    """One ENV instruction (one layer) with a line per variable."""
    if not env:
        return ""
    lines = [f"{k}={_env_value(v)}" for k, v in env.items()]
    return "ENV " + " \\\n    ".join(lines)


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("dockwright.render", "templates"),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # Dockerfiles and YAML, not HTML
    )
    env.filters["q"] = _q
    env.filters["tojson_list"] = _tojson_list
    env.filters["tojson"] = json.dumps
    env.filters["shquote"] = shlex.quote
    env.filters["compose_escape"] = _compose_escape
    env.globals["env_block"] = _env_block
    return env


def image_name(name: str) -> str:
    """A valid local image repository name (lowercase; letters, digits, ``.``, ``_``, ``-``)."""
    cleaned = re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("._-")
    return cleaned or "app"


def _server_label(plan: ContainerPlan) -> str:
    if plan.server == "gunicorn" and facts.GUNICORN_ASGI_WORKER in plan.runtime.command:
        return "gunicorn with uvicorn workers"
    return plan.server


def render_files(plan: ContainerPlan) -> dict[str, str]:
    """Relative file name -> content, for every file ``dockwright init`` writes (never ``.env``)."""
    r = plan.runtime
    if plan.base_image_from_arg:
        from_image = f"python:${{PYTHON_VERSION}}-slim-{plan.debian}"
    else:
        from_image = plan.base_image
    cache_mounts = " ".join(f"--mount=type=cache,target={t}" for t in plan.builder.cache_mounts)
    dependency_commands = list(plan.builder.install_commands)
    if plan.builder.server_requirements:
        wanted = " ".join(shlex.quote(r) for r in plan.builder.server_requirements)
        dependency_commands.append(f"uv pip install --python {facts.VENV}/bin/python {wanted}")
    post_copy_commands = list(plan.builder.project_install_commands)
    if r.collectstatic and r.static_dir:
        assignments = [f"{k}={shlex.quote(v)}" for k, v in r.collectstatic_env.items()]
        post_copy_commands.append(" \\\n    ".join([*assignments, shlex.join(r.collectstatic)]))
        # readable by everyone, writable by root only, whatever modes the app's static sources had
        post_copy_commands.append(f"chmod -R a+rX,go-w {shlex.quote(r.static_dir)}")
    volumes = [m.volume for m in plan.app_volumes] + [s.volume for s in plan.services if s.volume]
    context = {
        "plan": plan,
        "b": plan.builder,
        "r": r,
        "from_image": from_image,
        "server_label": _server_label(plan),
        "cache_mounts": cache_mounts,
        "pip_cache": facts.PIP_CACHE,
        "venv": facts.VENV,
        "project_dir": facts.PROJECT_DIR,
        "tool_commands": [*plan.builder.tool_install, plan.builder.venv_command],
        "dependency_commands": dependency_commands,
        "post_copy_commands": post_copy_commands,
        "app_service": APP_SERVICE,
        "image_name": image_name(plan.name),
        "image_services": [APP_SERVICE, *(s.name for s in plan.services if s.image is None)],
        "volumes": list(dict.fromkeys(volumes)),
    }
    env = _environment()
    files = {name: env.get_template(template).render(context) for name, template in TEMPLATES.items()}
    return {name: _tidy(text) for name, text in files.items()}


def files_for_project(
    root: Path,
    *,
    python: str | None = None,
    app: str | None = None,
    port: int | None = None,
    debian: str = facts.DEFAULT_DEBIAN,
    base_image: str | None = None,
    workers: int | None = None,
) -> dict[str, str]:
    """What ``dockwright init ROOT`` (same options) writes: relative file name -> content.

    Reads the project (detect), nothing is written; raises DockwrightError on bad input.
    """
    from dockwright.plan.project import plan_project

    _info, plan = plan_project(
        root, python=python, app=app, port=port, debian=debian, base_image=base_image, workers=workers
    )
    return render_files(plan)


def _tidy(text: str) -> str:
    """No trailing spaces, at most one blank line in a row, exactly one final newline."""
    lines = [line.rstrip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line == "" and (not out or out[-1] == ""):
            continue
        out.append(line)
    return "\n".join(out).strip("\n") + "\n"
