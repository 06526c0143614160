"""Pure facts about images: history rows -> layers with the instruction that made each, size math,
and which local image is the base of another (by layer chain). No docker calls here."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

_BUILDKIT_SUFFIX = re.compile(r"\s*# buildkit\s*$")
_NOP = re.compile(r"^/bin/sh -c #\(nop\)\s*")
_SHELL = re.compile(r"^(?:/bin/)?(?:sh|bash) -c ")
_ARGS_PREFIX = re.compile(r"^(?:RUN )?\|(\d+) ")


@dataclass(frozen=True)
class HistoryLayer:
    """One history row: the instruction that made it and the bytes it added (0 for metadata)."""

    instruction: str
    created_by: str  # raw, including the build-arg prefix BuildKit records for RUN
    size: int
    comment: str


def run_build_args(created_by: str) -> dict[str, str]:
    """Build args recorded in a RUN's history line: ``RUN |2 A=1 B=2 /bin/sh -c ...`` -> {A: 1, B: 2}.

    Docker records the value of every ARG in scope of a RUN here, which is why a secret passed as a
    build arg leaks into the image history even when no file keeps it.
    """
    match = _ARGS_PREFIX.match(created_by)
    if not match:
        return {}
    count = int(match.group(1))
    tokens = created_by[match.end() :].split(" ")
    args: dict[str, str] = {}
    for token in tokens[:count]:
        name, sep, value = token.partition("=")
        if sep:
            args[name] = value
    return args


def instruction_of(created_by: str) -> str:
    """A history ``CreatedBy`` as the Dockerfile instruction a reader recognises."""
    text = _BUILDKIT_SUFFIX.sub("", created_by.strip())
    match = _ARGS_PREFIX.match(text)
    if match:
        count = int(match.group(1))
        text = "RUN " + " ".join(text[match.end() :].split(" ")[count:])
    if _NOP.match(text):
        return _NOP.sub("", text)
    if text.startswith("RUN "):
        return "RUN " + _SHELL.sub("", text[4:])
    if _SHELL.match(text):
        return "RUN " + _SHELL.sub("", text)
    return text


def parse_history(rows: Iterable[Mapping[str, str]]) -> list[HistoryLayer]:
    """``docker history --human=false --format '{{json .}}'`` rows -> layers, oldest first."""
    layers = [
        HistoryLayer(
            instruction=instruction_of(row.get("CreatedBy", "")) or "(imported filesystem)",
            created_by=row.get("CreatedBy", ""),
            size=int(row.get("Size", "0") or 0),
            comment=row.get("Comment", ""),
        )
        for row in rows
    ]
    layers.reverse()
    return layers


def largest_layers(layers: Sequence[HistoryLayer], count: int = 5) -> list[HistoryLayer]:
    """The ``count`` biggest layers, biggest first; metadata-only rows (0 bytes) never appear."""
    return sorted((layer for layer in layers if layer.size > 0), key=lambda layer: -layer.size)[:count]


def format_bytes(size: float) -> str:
    """Decimal units as docker prints them: 1234567 -> '1.2 MB'."""
    for unit in ("B", "kB", "MB", "GB"):
        if abs(size) < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} GB"  # pragma: no cover - loop always returns


@dataclass(frozen=True)
class BaseImage:
    ref: str  # a tag of the base image, or its id when untagged
    image_id: str
    size: int
    layer_count: int  # the image's first ``layer_count`` rootfs layers are the base's
    how: str  # how it was found, shown as evidence


def rootfs_layers(inspect: Mapping[str, Any]) -> list[str]:
    layers: list[str] = (inspect.get("RootFS") or {}).get("Layers") or []
    return layers


def find_base(
    image: Mapping[str, Any], local_images: Iterable[Mapping[str, Any]], preferred: str | None = None
) -> BaseImage | None:
    """The local image whose layer chain is the longest strict prefix of ``image``'s.

    ``preferred`` (e.g. the final stage's FROM, or the image's base-name label) wins when it is a prefix,
    and may even have all of ``image``'s layers (an image that only adds metadata). Any other image
    with the same layers is a sibling (the same build tagged elsewhere), not a base.
    """
    mine = rootfs_layers(image)
    best: tuple[int, int, Mapping[str, Any]] | None = None
    for other in local_images:
        if other.get("Id") == image.get("Id"):
            continue
        theirs = rootfs_layers(other)
        if not theirs or len(theirs) > len(mine) or mine[: len(theirs)] != theirs:
            continue
        is_preferred = preferred is not None and preferred in (other.get("RepoTags") or [])
        if len(theirs) == len(mine) and not is_preferred:
            continue
        rank = (len(theirs), 1 if is_preferred else 0)
        if best is None or rank > best[:2]:
            best = (rank[0], rank[1], other)
    if best is None:
        return None
    other = best[2]
    tags: list[str] = other.get("RepoTags") or []
    ref = preferred if preferred in tags else (tags[0] if tags else str(other.get("Id", ""))[:19])
    return BaseImage(
        ref=ref or "",
        image_id=str(other.get("Id", "")),
        size=int(other.get("Size", 0)),
        layer_count=len(rootfs_layers(other)),
        how=f"local image {ref} shares the first {len(rootfs_layers(other))} layer(s)",
    )


def final_stage_base(dockerfile_text: str, build_args: Mapping[str, str] | None = None) -> str | None:
    """The image the final stage builds FROM, following ``FROM <earlier stage>`` chains.

    ``--platform=...`` flags and ``AS name`` are understood, and global ARGs (declared before the
    first FROM, overridden by ``build_args``) are substituted as BuildKit does: ``${NAME}``, ``$NAME``,
    ``${NAME:-default}``.
    """
    global_args: dict[str, str] = {}
    stages: dict[str, str] = {}
    last: str | None = None
    for raw in _logical_lines(dockerfile_text):
        parts = shlex.split(raw, comments=False, posix=True) if raw else []
        if not parts:
            continue
        keyword = parts[0].upper()
        if keyword == "ARG" and last is None:
            for item in parts[1:]:
                name, _, default = item.partition("=")
                global_args[name] = (build_args or {}).get(name, default)
            continue
        if keyword != "FROM":
            continue
        words = [p for p in parts[1:] if not p.startswith("--")]
        if not words:
            continue
        ref = _substitute(words[0], global_args)
        resolved = stages.get(ref.lower(), ref)
        if len(words) >= 3 and words[1].upper() == "AS":
            stages[words[2].lower()] = resolved
        last = resolved
    return last


_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def _substitute(text: str, variables: Mapping[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(3)
        found = variables.get(name, "")
        return found if found else (match.group(2) or "")

    return _VARIABLE.sub(value, text)


def _logical_lines(text: str) -> list[str]:
    lines: list[str] = []
    current = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        lines.append(current + stripped)
        current = ""
    if current:
        lines.append(current)
    return lines
