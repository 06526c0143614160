"""The vocabulary of the linter: severities, findings, fixes and rules.

A rule is one small check function plus the documentation that ``dockwright explain`` and
docs/rules.md print (ruff-style: what, why, example, use instead, fix safety, references).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, Literal

Target = Literal["dockerfile", "dockerignore", "compose"]
FixSafety = Literal["safe", "unsafe", "none"]


class Severity(IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (use error, warning or info)") from None


@dataclass(frozen=True)
class Edit:
    """Replace lines ``start``..``end`` (1-based, inclusive) of ``path`` with ``text``.

    ``end == start - 1`` inserts ``text`` before line ``start``; ``text`` holds whole lines (each
    ending in a newline). Editing line 1..0 of a missing file creates it.
    """

    path: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Fix:
    description: str
    safe: bool
    edits: tuple[Edit, ...]


@dataclass(frozen=True)
class Hit:
    """What a check function reports; the runner adds the rule's code, severity and the path."""

    line: int
    message: str | None = None  # None: the rule's default message
    fix: Fix | None = None
    end_line: int | None = None
    path: str | None = None  # None: the file being checked


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    path: str
    line: int
    end_line: int
    fix: Fix | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.label,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "end_line": self.end_line,
            "fix": None
            if self.fix is None
            else {
                "description": self.fix.description,
                "applicability": "safe" if self.fix.safe else "unsafe",
            },
        }


CheckFunction = Callable[[Any], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str  # kebab-case, e.g. "pip-cache-in-layer"
    target: Target
    severity: Severity
    message: str  # one sentence, the default finding message
    what: str
    why: str
    example: str
    use_instead: str
    fix: FixSafety
    fix_notes: str
    references: tuple[str, ...]
    aliases: tuple[str, ...]  # peer rule ids: hadolint DLxxxx, Checkov CKV_*, Trivy DSxxx
    check: CheckFunction
    default_enabled: bool = True
    family: str = field(default="")
