"""Lint settings from ``[tool.dockwright]`` in pyproject.toml, merged with command-line options.

[tool.dockwright]
select = ["DW"]                  # codes or prefixes; "ALL" also enables opt-in rules
extend-select = ["DW106"]
ignore = ["DW601"]
severity = { DW105 = "warning" }
per-file-ignores = { "docker/dev.Dockerfile" = ["DW603", "DW609"] }
"""

from __future__ import annotations

import contextlib
import fnmatch
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dockwright.errors import DockwrightError
from dockwright.lint.model import Rule, Severity


@dataclass
class LintConfig:
    select: tuple[str, ...] | None = None  # None: every default-enabled rule
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    root: Path | None = None  # directory of the pyproject.toml the settings came from
    source: str | None = None

    def enabled(self, rule: Rule) -> bool:
        if _matches(rule.code, self.ignore):
            return False
        if _matches(rule.code, self.extend_select, explicit_ok=True):
            return True
        if self.select is None:
            return rule.default_enabled
        if not _matches(rule.code, self.select, explicit_ok=True):
            return False
        # opt-in rules need their exact code, or ALL
        return rule.default_enabled or rule.code in self.select or "ALL" in self.select

    def severity_of(self, rule: Rule) -> Severity:
        return self.severity.get(rule.code, rule.severity)

    def ignored_for(self, path: Path) -> set[str]:
        codes: set[str] = set()
        if not self.per_file_ignores:
            return codes
        absolute = path.absolute()
        candidates = {path.as_posix(), path.name}
        if self.root is not None:
            with contextlib.suppress(ValueError):
                candidates.add(absolute.relative_to(self.root).as_posix())
        for pattern, ignored in self.per_file_ignores.items():
            if any(fnmatch.fnmatchcase(candidate, pattern) for candidate in candidates):
                codes.update(ignored)
        return codes


def _matches(code: str, selectors: Iterable[str], explicit_ok: bool = False) -> bool:
    return any(sel == "ALL" or code.startswith(sel) for sel in selectors)


def _codes(value: Any, where: str, source: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DockwrightError(f"[tool.dockwright] {where} must be a list of rule codes", file=source)
    return tuple(v.strip().upper() for v in value)


def validate_selectors(codes: Iterable[str], known: Mapping[str, Rule], source: str) -> None:
    for code in codes:
        if code == "ALL" or code == "DW":
            continue
        if not any(rule.startswith(code) for rule in known):
            raise DockwrightError(
                f"unknown rule code or prefix {code!r} (see `dockwright explain --list`)", file=source
            )


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above ``start`` that has a ``[tool.dockwright]`` table."""
    directory = start.absolute()
    if not directory.is_dir():
        directory = directory.parent
    for candidate in (directory, *directory.parents):
        path = candidate / "pyproject.toml"
        if path.is_file():
            try:
                text = path.read_text(encoding="utf-8")
            except OSError:
                continue
            if "[tool.dockwright" in text:
                return path
    return None


def load_config(path: Path | None) -> LintConfig:
    if path is None:
        return LintConfig()
    source = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise DockwrightError(f"cannot read: {err}", file=source) from None
    except tomllib.TOMLDecodeError as err:
        raise DockwrightError(f"invalid TOML: {err}", file=source) from None
    table = data.get("tool", {}).get("dockwright", {})
    if not isinstance(table, dict):
        raise DockwrightError("[tool.dockwright] must be a table", file=source)
    config = LintConfig(root=path.parent.absolute(), source=source)
    if "select" in table:
        config.select = _codes(table["select"], "select", source)
    if "extend-select" in table:
        config.extend_select = _codes(table["extend-select"], "extend-select", source)
    if "ignore" in table:
        config.ignore = _codes(table["ignore"], "ignore", source)
    severity = table.get("severity", {})
    if not isinstance(severity, dict):
        raise DockwrightError("[tool.dockwright] severity must be a table of CODE = level", file=source)
    for code, level in severity.items():
        try:
            config.severity[str(code).upper()] = Severity.parse(str(level))
        except ValueError as err:
            raise DockwrightError(f"[tool.dockwright] severity.{code}: {err}", file=source) from None
    per_file = table.get("per-file-ignores", {})
    if not isinstance(per_file, dict):
        raise DockwrightError(
            "[tool.dockwright] per-file-ignores must be a table of glob = [codes]", file=source
        )
    for pattern, codes in per_file.items():
        config.per_file_ignores[str(pattern)] = _codes(codes, f"per-file-ignores.{pattern!r}", source)
    return config
