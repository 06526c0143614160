""".dockerignore patterns with Docker's matching semantics (not gitignore's).

Docker matches each pattern against the path relative to the context root (Go ``filepath.Match``
plus ``**``), a pattern that matches a directory excludes everything under it, ``!`` re-includes,
and the last matching pattern wins. A ``#`` starts a comment only at the beginning of a line.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class Pattern:
    text: str  # cleaned pattern, without "!"
    negated: bool
    line: int
    raw: str

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(_translate(self.text))

    def matches(self, path: str) -> bool:
        """True when the pattern matches ``path`` or one of its parent directories."""
        parts = path.split("/")
        return any(self.regex.fullmatch("/".join(parts[:n])) for n in range(len(parts), 0, -1))


def _translate(pattern: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "*":
            if pattern.startswith("**", index):
                index += 2
                if pattern.startswith("/", index):
                    out.append("(?:.*/)?")
                    index += 1
                else:
                    out.append(".*")
                continue
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = pattern.find("]", index + 1)
            if end == -1:
                out.append(re.escape(char))
            else:
                body = pattern[index + 1 : end]
                if body.startswith("^") or body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                index = end
        elif char == "\\" and index + 1 < len(pattern):
            index += 1
            out.append(re.escape(pattern[index]))
        else:
            out.append(re.escape(char))
        index += 1
    return "".join(out)


def _clean(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    cleaned = posixpath.normpath(text.lstrip("/")) if text.strip("/") else ""
    return "" if cleaned == "." else cleaned


@dataclass(frozen=True)
class IgnoreFile:
    patterns: tuple[Pattern, ...]

    @classmethod
    def parse(cls, text: str) -> IgnoreFile:
        patterns: list[Pattern] = []
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            negated = line.startswith("!")
            cleaned = _clean(line[1:] if negated else line)
            if cleaned:
                patterns.append(Pattern(text=cleaned, negated=negated, line=number, raw=raw))
        return cls(tuple(patterns))

    def excluding_pattern(self, path: str) -> Pattern | None:
        """The pattern that excludes ``path`` (relative to the context), or None when it is sent."""
        path = _clean(path)
        if not path:
            return None
        verdict: Pattern | None = None
        for pattern in self.patterns:
            if pattern.matches(path):
                verdict = None if pattern.negated else pattern
        return verdict

    def excludes(self, path: str) -> bool:
        return self.excluding_pattern(path) is not None
