"""Compose files loaded with ruamel.yaml so every finding points at its real line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

OVERRIDE_NAME = re.compile(r"(?i)(?:override|\.dev\.|[.-]dev\.|[.-]local\.|[.-]debug\.|[.-]test\.)")


class ComposeSyntaxError(Exception):
    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


def load_compose(text: str) -> Any:
    """The YAML document as ruamel round-trip objects (mappings carry ``.lc`` line info)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="rt", pure=True)
    try:
        data = yaml.load(text)
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise ComposeSyntaxError(f"invalid YAML: {err.problem or err.context}", line) from None
    except (YAMLError, ValueError, TypeError, RecursionError) as err:
        raise ComposeSyntaxError(f"invalid YAML: {err}") from None
    return data


def key_line(mapping: Any, key: str, default: int = 1) -> int:
    """1-based line of ``key`` in a ruamel mapping."""
    try:
        return int(mapping.lc.key(key)[0]) + 1
    except (AttributeError, KeyError, TypeError):
        return default


def value_line(mapping: Any, key: str, default: int = 1) -> int:
    try:
        return int(mapping.lc.value(key)[0]) + 1
    except (AttributeError, KeyError, TypeError):
        return default


def item_line(sequence: Any, index: int, default: int = 1) -> int:
    try:
        return int(sequence.lc.item(index)[0]) + 1
    except (AttributeError, KeyError, TypeError, IndexError):
        return default


@dataclass
class ComposeService:
    name: str
    data: dict[str, Any]
    line: int

    @property
    def image(self) -> str | None:
        image = self.data.get("image")
        return str(image) if isinstance(image, str | int | float) else None

    def environment(self) -> list[tuple[str, str | None, int]]:
        """(name, value, line) of each variable; value None when only the name is given."""
        env = self.data.get("environment")
        result: list[tuple[str, str | None, int]] = []
        if isinstance(env, dict):
            for key, value in env.items():
                result.append(
                    (str(key), None if value is None else str(value), key_line(env, key, self.line))
                )
        elif isinstance(env, list):
            for index, item in enumerate(env):
                name, sep, value = str(item).partition("=")
                result.append((name, value if sep else None, item_line(env, index, self.line)))
        return result

    def command_text(self) -> str:
        command = self.data.get("command")
        entry = self.data.get("entrypoint")
        parts: list[str] = []
        for value in (entry, command):
            if isinstance(value, list):
                parts.append(" ".join(str(v) for v in value))
            elif value is not None:
                parts.append(str(value))
        return " ".join(parts)


def services(data: Any) -> list[ComposeService]:
    if not isinstance(data, dict):
        return []
    block = data.get("services")
    if not isinstance(block, dict):
        return []
    return [
        ComposeService(str(name), body, key_line(block, name))
        for name, body in block.items()
        if isinstance(body, dict)
    ]


def is_override_file(name: str) -> bool:
    """``compose.override.yaml``, ``docker-compose.dev.yml`` and friends hold development settings."""
    return bool(OVERRIDE_NAME.search(name))
