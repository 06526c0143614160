"""Reading manifest files with errors that name the file and line (never a traceback)."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

from dockwright.errors import DetectionError

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)")


def load_toml(root: Path, rel: str) -> dict[str, Any]:
    """Parse a TOML file; a syntax error becomes ``DetectionError(file=rel, line=N)``."""
    text = read_text(root, rel)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        message = str(err)
        match = _TOML_POSITION.search(message)
        line = int(match.group(1)) if match else None
        message = _TOML_POSITION.sub("", message)
        raise DetectionError(f"invalid TOML: {message}", file=rel, line=line) from None


def load_json(root: Path, rel: str) -> Any:
    text = read_text(root, rel)
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise DetectionError(f"invalid JSON: {err.msg}", file=rel, line=err.lineno) from None


def read_text(root: Path, rel: str) -> str:
    try:
        return (root / rel).read_text(encoding="utf-8-sig")  # a BOM (Windows editors) is not content
    except UnicodeDecodeError as err:
        raise DetectionError(f"not UTF-8 text ({err.reason})", file=rel) from None
    except OSError as err:
        raise DetectionError(f"cannot read: {err.strerror}", file=rel) from None


def line_of(text: str, pattern: str) -> int | None:
    """1-based line of the first match of regex ``pattern`` (multiline), or None."""
    match = re.search(pattern, text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def line_of_table(text: str, table: str) -> int | None:
    """Line of the ``[table]`` header or of the first ``[table.sub]`` header in a TOML text."""
    match = re.search(rf"^\s*\[{re.escape(table)}(\]|\.)", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def line_of_key(text: str, key: str, table: str | None = None) -> int | None:
    """Line of ``key = ...`` in a TOML text, searched after ``[table]`` when given."""
    start = 0
    if table is not None:
        header = re.search(rf"^\s*\[{re.escape(table)}\]\s*$", text, re.MULTILINE)
        if header:
            start = header.end()
    match = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=", re.MULTILINE).search(text, start)
    return text.count("\n", 0, match.start()) + 1 if match else None


def line_of_string(text: str, value: str) -> int | None:
    """Line where the quoted string ``value`` first appears (for list entries in TOML)."""
    for quote in ('"', "'"):
        index = text.find(f"{quote}{value}")
        if index >= 0:
            return text.count("\n", 0, index) + 1
    return None
