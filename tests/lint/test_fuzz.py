"""Property tests: arbitrary bytes and mangled Dockerfiles/compose files give findings, never a crash."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dockwright.lint.config import LintConfig
from dockwright.lint.model import Finding
from dockwright.lint.project import Workspace
from dockwright.lint.registry import all_rules
from dockwright.lint.runner import Linter
from dockwright.lint.shell import parse_script

SEED_DOCKERFILE = """\
ARG PY=3.13
FROM python:${PY}-slim-trixie AS builder
RUN --mount=type=cache,target=/root/.cache/pip python -m venv /opt/venv \\
 && /opt/venv/bin/pip install -r requirements.txt
FROM python:${PY}-slim-trixie
ENV PYTHONUNBUFFERED=1 PATH=/opt/venv/bin:$PATH
COPY --from=builder /opt/venv /opt/venv
COPY . /app
RUN <<EOF
apt-get update && apt-get install -y --no-install-recommends libpq5
rm -rf /var/lib/apt/lists/*
EOF
USER 10001
HEALTHCHECK CMD ["python", "-c", "print(1)"]
CMD ["gunicorn", "-w", "2", "--timeout", "30", "-b", "0.0.0.0:8000", "app:app"]
"""

SEED_COMPOSE = """\
services:
  web:
    build: .
    depends_on:
      db:
        condition: service_healthy
    ports: ["8000:8000"]
  db:
    image: postgres:17
    environment:
      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}
"""

FRAGMENTS = st.sampled_from(
    [
        "\\\n",
        "<<EOF\n",
        "EOF\n",
        "${",
        "}",
        '["',
        '"]',
        "\n",
        "FROM ",
        "RUN ",
        "COPY --from=",
        " AS ",
        "&&",
        "|",
        "'",
        '"',
        "$(",
        ")",
        "#",
        "ONBUILD ",
        "HEALTHCHECK ",
        "--mount=",
        ":",
        "- ",
        "  ",
        "{",
        "[",
        "\t",
        "\x00",
        "é",
    ]
)


def _lint(name: str, text: str) -> list[Finding]:
    """Lint one in-memory file (through the workspace, as --fix does)."""
    workspace = Workspace()
    path = Path("/nonexistent-dockwright-fuzz") / name
    workspace.write(path, text)
    kind = (
        "compose" if name.endswith(".yaml") else "dockerignore" if name == ".dockerignore" else "dockerfile"
    )
    linter = Linter(LintConfig(select=("ALL",)), all_rules(), workspace)
    return linter.lint_file(path, kind)  # type: ignore[arg-type]


def _mangle(seed: str, data: st.DataObject) -> str:
    text = seed
    for _ in range(data.draw(st.integers(1, 6))):
        position = data.draw(st.integers(0, len(text)))
        action = data.draw(st.sampled_from(["insert", "delete", "duplicate"]))
        if action == "insert":
            text = text[:position] + data.draw(FRAGMENTS) + text[position:]
        elif action == "delete":
            end = data.draw(st.integers(position, min(len(text), position + 20)))
            text = text[:position] + text[end:]
        else:
            end = data.draw(st.integers(position, min(len(text), position + 40)))
            text = text[:end] + text[position:end] + text[end:]
    return text


FUZZ = settings(
    max_examples=int(os.environ.get("DOCKWRIGHT_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@FUZZ
@given(st.binary(max_size=400))
def test_arbitrary_bytes_as_dockerfile(data: bytes) -> None:
    for finding in _lint("Dockerfile", data.decode("utf-8", errors="replace")):
        assert finding.line >= 1


@FUZZ
@given(st.binary(max_size=400))
def test_arbitrary_bytes_as_compose_and_dockerignore(data: bytes) -> None:
    text = data.decode("utf-8", errors="replace")
    _lint("compose.yaml", text)
    _lint(".dockerignore", text)


@FUZZ
@given(st.data())
def test_mangled_dockerfiles(data: st.DataObject) -> None:
    for finding in _lint("Dockerfile", _mangle(SEED_DOCKERFILE, data)):
        assert finding.line >= 1 and finding.message


@FUZZ
@given(st.data())
def test_mangled_compose(data: st.DataObject) -> None:
    _lint("compose.yaml", _mangle(SEED_COMPOSE, data))


@FUZZ
@given(st.text(max_size=200))
def test_shell_parser_never_raises(script: str) -> None:
    parse_script(script)


@FUZZ
@given(st.data())
def test_fixes_keep_mangled_dockerfiles_parseable(data: st.DataObject) -> None:
    """Whatever the input, --fix --unsafe-fixes never turns a parseable Dockerfile into an unparseable one."""
    from dockwright.lint.dockerfile_model import DockerfileSyntaxError, parse_dockerfile

    text = _mangle(SEED_DOCKERFILE.replace("--no-install-recommends ", "").replace('-w", "2", ', ""), data)
    try:
        parse_dockerfile(text)
    except DockerfileSyntaxError:
        return
    workspace = Workspace()
    path = Path("/nonexistent-dockwright-fuzz/Dockerfile")
    workspace.write(path, text)
    linter = Linter(LintConfig(), all_rules(), workspace)
    changes, _ = linter.fix([(path, "dockerfile")], unsafe=True)
    for file, (_, new) in changes.items():
        if file.name == "Dockerfile":
            parse_dockerfile(new)
