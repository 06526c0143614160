"""Property tests: the small pure pieces of detect never crash on odd input, only explain it."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from dockwright.detect.core import dns_name
from dockwright.detect.dependencies import detect_dependencies
from dockwright.detect.django import RelPath
from dockwright.detect.files import ProjectFiles
from dockwright.detect.health import health_rank
from dockwright.detect.python_version import poetry_constraint
from dockwright.errors import DetectionError

DNS_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
REQUIREMENT_LINES = st.lists(
    st.one_of(
        st.text(max_size=40),
        st.sampled_from(
            [
                "flask==3.1",
                "-r other.txt",
                "-e .",
                "--hash=sha256:00",
                "django>=5 ; python_version>'3'",
                "\\",
                "#x",
            ]
        ),
    ),
    max_size=8,
)


@given(st.text())
def test_dns_name_is_always_a_dns_label(raw: str) -> None:
    assert DNS_LABEL.match(dns_name(raw))


@given(st.text())
def test_health_rank_never_crashes(path: str) -> None:
    rank = health_rank(path)
    assert rank is None or len(rank) == 3


@given(st.text(max_size=30))
def test_poetry_constraints_parse_or_explain(text: str) -> None:
    try:
        allows = poetry_constraint(text, "pyproject.toml", 3)
    except DetectionError as err:
        assert err.file == "pyproject.toml" and err.line == 3
    else:
        assert isinstance(allows("3.12"), bool)


@given(st.lists(st.text(alphabet="ab./", max_size=6), max_size=6))
def test_settings_paths_never_escape_the_project(chunks: list[str]) -> None:
    path = RelPath(("config", "settings"))
    joined = path.join(*chunks)
    assert joined is None or ".." not in joined.parts


@settings(max_examples=60, deadline=None)
@given(REQUIREMENT_LINES)
def test_requirements_parse_or_explain_with_file_and_line(lines: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "requirements.txt").write_text("\n".join(lines), encoding="utf-8")
        (root / "other.txt").write_text("uvicorn\n", encoding="utf-8")
        try:
            deps = detect_dependencies(ProjectFiles.scan(root), None)
        except DetectionError as err:
            assert err.file in ("requirements.txt", "other.txt")
            assert err.line is not None and "\n" not in err.message
        else:
            assert deps.manager == "pip"
