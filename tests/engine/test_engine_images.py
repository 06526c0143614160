"""History parsing, size math and base-image matching, on plain data shaped like docker's output."""

from __future__ import annotations

from dockwright.engine.images import (
    final_stage_base,
    find_base,
    format_bytes,
    instruction_of,
    largest_layers,
    parse_history,
    run_build_args,
)


def test_instruction_of_buildkit_classic_and_arg_prefixed_lines() -> None:
    assert instruction_of("RUN /bin/sh -c pip install -r requirements.txt # buildkit") == (
        "RUN pip install -r requirements.txt"
    )
    assert instruction_of('/bin/sh -c #(nop)  CMD ["python" "app.py"]') == 'CMD ["python" "app.py"]'
    assert instruction_of("/bin/sh -c apt-get update") == "RUN apt-get update"
    assert instruction_of("RUN |2 OCI_REVISION=abc1234 PIP_INDEX=x /bin/sh -c make # buildkit") == "RUN make"
    assert instruction_of("COPY . /app # buildkit") == "COPY . /app"
    assert instruction_of('CMD ["python"]') == 'CMD ["python"]'


def test_run_build_args_reads_the_recorded_values() -> None:
    line = "RUN |2 API_TOKEN=s3cr3t-value OCI_CREATED=2026-01-01T00:00:00Z /bin/sh -c make # buildkit"
    assert run_build_args(line) == {"API_TOKEN": "s3cr3t-value", "OCI_CREATED": "2026-01-01T00:00:00Z"}
    assert run_build_args("RUN /bin/sh -c make") == {}


ROWS = [  # newest first, as `docker history` prints them
    {"CreatedBy": 'CMD ["python" "app.py"]', "Size": "0", "Comment": "buildkit.dockerfile.v0"},
    {"CreatedBy": "COPY app.py /app/ # buildkit", "Size": "2048", "Comment": "buildkit.dockerfile.v0"},
    {
        "CreatedBy": "RUN /bin/sh -c pip install x # buildkit",
        "Size": "31000000",
        "Comment": "buildkit.dockerfile.v0",
    },
    {"CreatedBy": "", "Size": "177000000", "Comment": "imported"},
]


def test_parse_history_is_oldest_first_with_sizes() -> None:
    layers = parse_history(ROWS)
    assert [layer.instruction for layer in layers] == [
        "(imported filesystem)",
        "RUN pip install x",
        "COPY app.py /app/",
        'CMD ["python" "app.py"]',
    ]
    assert [layer.size for layer in layers] == [177_000_000, 31_000_000, 2048, 0]


def test_largest_layers_skips_metadata_rows() -> None:
    layers = parse_history(ROWS)[1:]
    biggest = largest_layers(layers, 5)
    assert [layer.instruction for layer in biggest] == ["RUN pip install x", "COPY app.py /app/"]


def test_format_bytes() -> None:
    assert format_bytes(512) == "512 B"
    assert format_bytes(6300) == "6.3 kB"
    assert format_bytes(177_300_000) == "177.3 MB"
    assert format_bytes(2_500_000_000) == "2.5 GB"


def _image(image_id: str, layers: list[str], size: int, tags: list[str]) -> dict[str, object]:
    return {"Id": image_id, "RootFS": {"Layers": layers}, "Size": size, "RepoTags": tags}


def test_find_base_takes_the_longest_layer_prefix_and_prefers_the_named_one() -> None:
    image = _image("sha256:app", ["l1", "l2", "l3", "l4"], 300, ["app:latest"])
    debian = _image("sha256:deb", ["l1"], 100, ["debian:trixie"])
    python = _image("sha256:py", ["l1", "l2"], 180, ["python:3.13-slim-trixie"])
    alias = _image("sha256:py2", ["l1", "l2"], 180, ["mirror/python:3.13"])
    unrelated = _image("sha256:x", ["z1"], 10, ["other:1"])
    base = find_base(image, [debian, python, alias, unrelated, image], preferred="python:3.13-slim-trixie")
    assert base is not None
    assert (base.ref, base.size, base.layer_count) == ("python:3.13-slim-trixie", 180, 2)
    assert find_base(_image("sha256:q", ["q"], 1, []), [debian, python]) is None


def test_final_stage_base_follows_stage_names() -> None:
    text = """
# comment
FROM --platform=$BUILDPLATFORM python:3.13-slim-trixie AS base
FROM base AS builder
RUN pip install \\
    x
FROM base AS runtime
COPY --from=builder /opt/venv /opt/venv
"""
    assert final_stage_base(text) == "python:3.13-slim-trixie"
    assert final_stage_base("FROM python:3.11-slim-bookworm\nFROM scratch\n") == "scratch"
    assert final_stage_base("RUN x\n") is None


def test_final_stage_base_substitutes_global_args() -> None:
    text = "ARG PYTHON_VERSION=3.13\nARG DEBIAN\nFROM python:${PYTHON_VERSION}-slim-${DEBIAN:-trixie} AS rt\n"
    assert final_stage_base(text) == "python:3.13-slim-trixie"
    assert (
        final_stage_base(text, {"PYTHON_VERSION": "3.11", "DEBIAN": "bookworm"})
        == "python:3.11-slim-bookworm"
    )
    assert final_stage_base("ARG IMG=x:1\nFROM $IMG\n") == "x:1"


def test_an_image_with_the_same_layers_is_a_sibling_not_a_base() -> None:
    image = _image("sha256:app", ["l1", "l2"], 300, ["app:latest"])
    sibling = _image("sha256:sib", ["l1", "l2"], 300, ["app-copy:test"])
    base = _image("sha256:py", ["l1"], 180, ["python:3.13-slim-trixie"])
    found = find_base(image, [sibling, base])
    assert found is not None and found.ref == "python:3.13-slim-trixie"
    meta_only = find_base(image, [sibling], preferred="app-copy:test")
    assert meta_only is not None and meta_only.ref == "app-copy:test"
