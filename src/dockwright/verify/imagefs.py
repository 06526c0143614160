"""Read an image exported by ``docker save``: every layer's files, and the final merged filesystem.

Each layer is read separately because a file deleted by a later layer (a whiteout) is still in the
earlier layer's tarball, so anyone with the image can extract it: a secret copied and then removed
has leaked all the same.
"""

from __future__ import annotations

import json
import tarfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

WHITEOUT_PREFIX = ".wh."
OPAQUE_WHITEOUT = ".wh..wh..opq"

# Small files whose bytes checks need from the final filesystem.
KEEP_PATHS = frozenset({"etc/passwd", "etc/group", "var/lib/dpkg/status"})
KEEP_PREFIXES = ("var/lib/dpkg/status.d/",)


@dataclass(frozen=True)
class Entry:
    path: str  # no leading slash, POSIX
    size: int
    kind: str  # "file", "dir", "symlink", "hardlink", "other"
    mode: int
    linkname: str = ""


@dataclass
class Layer:
    index: int
    instruction: str  # the history instruction that made it ("" when unknown)
    entries: list[Entry] = field(default_factory=list)
    whiteouts: list[str] = field(default_factory=list)  # paths this layer deletes
    opaque_dirs: list[str] = field(default_factory=list)  # dirs whose earlier content this layer hides
    kept: dict[str, bytes] = field(default_factory=dict)  # KEEP_PATHS bytes written by this layer


@dataclass
class SavedImage:
    config: dict[str, Any]
    layers: list[Layer]

    def merged(self) -> dict[str, tuple[int, Entry]]:
        """The final filesystem: path -> (index of the layer that last wrote it, entry)."""
        files: dict[str, tuple[int, Entry]] = {}
        for layer in self.layers:
            for directory in layer.opaque_dirs:
                _delete_tree(files, directory, include_self=False)
            for path in layer.whiteouts:
                _delete_tree(files, path, include_self=True)
            for entry in layer.entries:
                files[entry.path] = (layer.index, entry)
        return files

    def final_bytes(self, path: str) -> bytes | None:
        """Bytes of a KEEP_PATHS file as the final filesystem has it (None when absent/deleted)."""
        merged = self.merged()
        if path not in merged:
            return None
        index, _ = merged[path]
        return self.layers[index].kept.get(path)

    def final_kept(self, prefix: str) -> dict[str, bytes]:
        merged = self.merged()
        return {
            path: self.layers[index].kept[path]
            for path, (index, _) in merged.items()
            if path.startswith(prefix) and path in self.layers[index].kept
        }


def _delete_tree(files: dict[str, tuple[int, Entry]], path: str, *, include_self: bool) -> None:
    """Remove ``path``'s children (and ``path`` itself for a whiteout; an opaque dir stays)."""
    prefix = path.rstrip("/") + "/" if path else ""
    for key in [k for k in files if k.startswith(prefix) or (include_self and k == path)]:
        if key == path and not include_self:
            continue
        del files[key]


def _clean(name: str) -> str:
    """Tar member name -> path without a leading ``./`` or ``/`` ("" for the root itself)."""
    while name.startswith("./"):
        name = name[2:]
    return name.lstrip("/").rstrip("/") if name != "." else ""


def _kind(member: tarfile.TarInfo) -> str:
    if member.isreg():
        return "file"
    if member.isdir():
        return "dir"
    if member.issym():
        return "symlink"
    if member.islnk():
        return "hardlink"
    return "other"


ContentHook = Callable[[int, str, bytes], None]
WantsContent = Callable[[int, str, int], bool]


def read_saved_image(
    archive: Path,
    instructions: list[str] | None = None,
    wants_content: WantsContent | None = None,
    on_content: ContentHook | None = None,
) -> SavedImage:
    """Parse ``docker save`` output (Docker's classic layout and the OCI layout both carry manifest.json).

    ``wants_content(layer_index, path, size)`` selects files whose bytes go to ``on_content``; the
    KEEP_PATHS files are always kept.
    """
    with tarfile.open(archive, "r:*") as outer:
        manifest = json.loads(_read_member(outer, "manifest.json"))[0]
        config: dict[str, Any] = json.loads(_read_member(outer, manifest["Config"]))
        layer_names: list[str] = manifest["Layers"]
        if instructions is None:
            instructions = [
                str(h.get("created_by", "")) for h in config.get("history", []) if not h.get("empty_layer")
            ]
        layers: list[Layer] = []
        for index, name in enumerate(layer_names):
            layer = Layer(index=index, instruction=instructions[index] if index < len(instructions) else "")
            blob = outer.extractfile(name)
            if blob is None:
                raise ValueError(f"layer {name} missing from the archive")
            with tarfile.open(fileobj=blob, mode="r|*") as inner:
                for member in inner:
                    _read_entry(layer, inner, member, wants_content, on_content)
            layers.append(layer)
    return SavedImage(config=config, layers=layers)


def _read_entry(
    layer: Layer,
    inner: tarfile.TarFile,
    member: tarfile.TarInfo,
    wants_content: WantsContent | None,
    on_content: ContentHook | None,
) -> None:
    path = _clean(member.name)
    if not path:
        return
    pure = PurePosixPath(path)
    if pure.name == OPAQUE_WHITEOUT:
        layer.opaque_dirs.append(_clean(str(pure.parent)))
        return
    if pure.name.startswith(WHITEOUT_PREFIX):
        layer.whiteouts.append(_clean(str(pure.parent / pure.name[len(WHITEOUT_PREFIX) :])))
        return
    entry = Entry(path=path, size=member.size, kind=_kind(member), mode=member.mode, linkname=member.linkname)
    layer.entries.append(entry)
    if not member.isreg():
        return
    keep = path in KEEP_PATHS or path.startswith(KEEP_PREFIXES)
    scan = (
        wants_content is not None and on_content is not None and wants_content(layer.index, path, member.size)
    )
    if not (keep or scan):
        return
    handle = inner.extractfile(member)
    data = handle.read() if handle is not None else b""
    if keep:
        layer.kept[path] = data
    if scan and on_content is not None:
        on_content(layer.index, path, data)


def _read_member(archive: tarfile.TarFile, name: str) -> bytes:
    handle = archive.extractfile(name)
    if handle is None:
        raise ValueError(f"{name} missing from the archive")
    return handle.read()


def passwd_uid(passwd: str, user: str) -> int | None:
    """UID for a user name (or numeric string) in /etc/passwd text; None when unknown."""
    name = user.split(":", 1)[0]
    if name.isdigit():
        return int(name)
    for line in passwd.splitlines():
        fields = line.split(":")
        if len(fields) >= 3 and fields[0] == name and fields[2].isdigit():
            return int(fields[2])
    return None
