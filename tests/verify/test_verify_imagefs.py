"""Reading `docker save` archives: built here as real tar files with the same layout, whiteouts included."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

from dockwright.verify.imagefs import passwd_uid, read_saved_image


def _layer(files: dict[str, bytes | None]) -> bytes:
    """A layer tarball: bytes -> regular file, None -> directory."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            if data is None:
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            else:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _save(path: Path, layers: list[dict[str, bytes | None]], history: list[dict[str, object]]) -> Path:
    config = {"config": {"User": "app"}, "history": history}
    with tarfile.open(path, "w") as tar:

        def add(name: str, data: bytes) -> None:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))

        names = []
        for index, files in enumerate(layers):
            names.append(f"layer{index}/layer.tar")
            add(names[-1], _layer(files))
        add("config.json", json.dumps(config).encode())
        add(
            "manifest.json",
            json.dumps([{"Config": "config.json", "Layers": names, "RepoTags": None}]).encode(),
        )
    return path


def test_layers_whiteouts_and_the_merged_filesystem(tmp_path: Path) -> None:
    archive = _save(
        tmp_path / "image.tar",
        [
            {"etc": None, "etc/passwd": b"root:x:0:0::/root:/bin/sh\n", "app/.wh..wh..opq": b""},
            {"app": None, "app/.env": b"SECRET_KEY=real", "app/keep.py": b"x", "app/cache/a": b"1"},
            {
                "app/.wh..env": b"",
                "etc/passwd": b"root:x:0:0::/root:/bin/sh\napp:x:10001:10001::/app:/bin/false\n",
            },
            {"app/.wh..wh..opq": b"", "app/new.py": b"y"},
        ],
        [
            {"created_by": "imported"},
            {"created_by": "COPY . /app # buildkit"},
            {"created_by": "ENV X=1", "empty_layer": True},
            {"created_by": "RUN /bin/sh -c rm /app/.env # buildkit"},
            {"created_by": "COPY new.py /app/ # buildkit"},
        ],
    )
    seen: list[tuple[int, str, bytes]] = []
    saved = read_saved_image(
        archive,
        wants_content=lambda index, path, size: path.endswith(".py"),
        on_content=lambda index, path, data: seen.append((index, path, data)),
    )
    assert [layer.instruction for layer in saved.layers] == [
        "imported",
        "COPY . /app # buildkit",
        "RUN /bin/sh -c rm /app/.env # buildkit",
        "COPY new.py /app/ # buildkit",
    ]
    # The .env is still in layer 1 even though layer 2 deletes it.
    assert "app/.env" in [entry.path for entry in saved.layers[1].entries]
    assert saved.layers[2].whiteouts == ["app/.env"]
    merged = saved.merged()
    assert "app/.env" not in merged
    assert "app/keep.py" not in merged and "app/cache/a" not in merged  # hidden by the opaque dir
    assert "app/new.py" in merged and "app" in merged
    assert seen == [(1, "app/keep.py", b"x"), (3, "app/new.py", b"y")]
    passwd = (saved.final_bytes("etc/passwd") or b"").decode()
    assert passwd_uid(passwd, "app") == 10001
    assert passwd_uid(passwd, "root") == 0
    assert passwd_uid(passwd, "10002:10002") == 10002
    assert passwd_uid(passwd, "nobody") is None
