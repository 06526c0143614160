"""Find the files, run the selected rules, honour ignores, and apply fixes.

Fixes are applied in passes: lint, take every fix whose edits do not overlap an edit already taken
in this pass, apply them in memory, re-parse (a fix that breaks parsing is dropped), and lint again
until nothing changes. Only then are files written, atomically.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from dockwright.errors import DockwrightError
from dockwright.lint.config import LintConfig
from dockwright.lint.context import ComposeContext, DockerfileContext, DockerignoreContext
from dockwright.lint.dockerfile_model import DockerfileModel
from dockwright.lint.model import Edit, Finding, Fix, Hit, Rule, Severity, Target
from dockwright.lint.project import Workspace

_SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".tox", ".nox", ".mypy_cache"}
)
_IGNORE_COMMENT = re.compile(r"#\s*dockwright:\s*ignore\s*=\s*(?P<codes>[A-Za-z0-9_, ]+)", re.IGNORECASE)
_COMPOSE = re.compile(r"^(?:docker-)?compose[\w.-]*\.ya?ml$")
MAX_FIX_PASSES = 10


def kind_of(path: Path, explicit: bool = False) -> Target | None:
    """Which linter a file belongs to, judged by its name."""
    name = path.name
    lower = name.lower()
    if lower == ".dockerignore" or lower.endswith(".dockerignore"):
        return "dockerignore"
    if _COMPOSE.match(lower):
        return "compose"
    if lower.startswith(("dockerfile", "containerfile")) or lower.endswith((".dockerfile", ".containerfile")):
        return "dockerfile"
    if explicit:
        return "compose" if lower.endswith((".yml", ".yaml")) else "dockerfile"
    return None


def discover(paths: Iterable[Path]) -> list[tuple[Path, Target]]:
    """Files to lint under ``paths`` (explicit files are linted whatever their name)."""
    found: dict[Path, Target] = {}
    for path in paths:
        if path.is_file():
            kind = kind_of(path, explicit=True)
            if kind is not None:
                found[path] = kind
            continue
        if not path.exists():
            raise DockwrightError("no such file or directory", file=path)
        for directory, dirnames, filenames in os.walk(path):
            dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
            for filename in sorted(filenames):
                candidate = Path(directory) / filename
                kind = kind_of(candidate)
                if kind is not None and candidate.is_file():
                    found[candidate] = kind
    return sorted(found.items(), key=lambda item: str(item[0]))


def display(path: Path) -> str:
    try:
        return path.absolute().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


@dataclass
class LintResult:
    findings: list[Finding] = field(default_factory=list)
    files: int = 0


def _inline_ignores(lines: list[str], line: int) -> set[str]:
    """Codes ignored by ``# dockwright: ignore=`` on the finding's line or the comment lines above it."""
    codes: set[str] = set()
    candidates: list[str] = []
    if 0 < line <= len(lines):
        candidates.append(lines[line - 1])
    index = line - 2
    while 0 <= index < len(lines) and lines[index].lstrip().startswith("#"):
        candidates.append(lines[index])
        index -= 1
    for text in candidates:
        match = _IGNORE_COMMENT.search(text)
        if match:
            codes.update(c.strip().upper() for c in match.group("codes").split(",") if c.strip())
    return codes


class Linter:
    def __init__(
        self, config: LintConfig, rules: dict[str, Rule], workspace: Workspace | None = None
    ) -> None:
        self.config = config
        self.workspace = workspace or Workspace()
        self.rules = {code: rule for code, rule in rules.items() if config.enabled(rule)}
        self.parse_error_rule = rules["DW001"]

    # ------------------------------------------------------------------ contexts

    def _dockerfile_context(self, file: Path, text: str) -> DockerfileContext:
        from dockwright.lint.dockerfile_model import parse_dockerfile

        model = parse_dockerfile(text, display(file))
        context = _build_context(file, model, self.workspace)
        return DockerfileContext(display(file), file, model, self.workspace.project(context))

    def _dockerignore_context(self, file: Path, text: str) -> DockerignoreContext:
        from dockwright.lint.dockerfile_model import DockerfileSyntaxError, parse_dockerfile
        from dockwright.lint.ignorefile import IgnoreFile

        dockerfiles = []
        directory = file.parent
        if file.name == ".dockerignore":
            siblings = sorted(p for p in _listdir(directory) if kind_of(p) == "dockerfile")
        else:  # Dockerfile-specific ignore file: `app.Dockerfile.dockerignore`
            siblings = [directory / file.name[: -len(".dockerignore")]]
        for sibling in siblings:
            sibling_text = self.workspace.read(sibling)
            if sibling_text is None:
                continue
            try:
                dockerfiles.append(parse_dockerfile(sibling_text, display(sibling)))
            except DockerfileSyntaxError:
                continue
        return DockerignoreContext(
            display(file), file, text, IgnoreFile.parse(text), dockerfiles, self.workspace.project(directory)
        )

    def _compose_context(self, file: Path, text: str) -> ComposeContext:
        from dockwright.lint.compose_model import is_override_file, load_compose

        data = load_compose(text)
        return ComposeContext(display(file), file, text, data, is_override_file(file.name))

    # ------------------------------------------------------------------ linting

    def lint_file(self, file: Path, kind: Target) -> list[Finding]:
        from dockwright.lint.compose_model import ComposeSyntaxError
        from dockwright.lint.dockerfile_model import DockerfileSyntaxError

        path = display(file)
        text = self.workspace.read(file)
        if text is None:
            raise DockwrightError("cannot read file", file=path)
        context: DockerfileContext | DockerignoreContext | ComposeContext
        try:
            if kind == "dockerfile":
                context = self._dockerfile_context(file, text)
            elif kind == "dockerignore":
                context = self._dockerignore_context(file, text)
            else:
                context = self._compose_context(file, text)
        except (DockerfileSyntaxError, ComposeSyntaxError) as err:
            rule = self.parse_error_rule
            return [Finding(rule.code, Severity.ERROR, f"cannot parse: {err}", path, err.line, err.line)]
        lines = text.splitlines()
        per_file = self.config.ignored_for(file)
        findings: list[Finding] = []
        no_stages = isinstance(context, DockerfileContext) and not context.model.stages
        for rule in self.rules.values():
            if rule.target != kind or rule.code in per_file:
                continue
            if no_stages and rule.family != "general":
                continue
            for hit in rule.check(context):
                findings.append(self._finding(rule, hit, path))
        return [f for f in findings if f.code not in _inline_ignores(lines, f.line)]

    def _finding(self, rule: Rule, hit: Hit, path: str) -> Finding:
        return Finding(
            code=rule.code,
            severity=self.config.severity_of(rule),
            message=hit.message or rule.message,
            path=hit.path or path,
            line=max(1, hit.line),
            end_line=max(1, hit.end_line or hit.line),
            fix=hit.fix,
        )

    def lint(self, files: list[tuple[Path, Target]]) -> list[Finding]:
        findings: list[Finding] = []
        for file, kind in files:
            findings.extend(self.lint_file(file, kind))
        return sorted(findings, key=lambda f: (f.path, f.line, f.code))

    # ------------------------------------------------------------------ fixing

    def fix(
        self, files: list[tuple[Path, Target]], unsafe: bool
    ) -> tuple[dict[Path, tuple[str | None, str]], int]:
        """Apply fixes in memory until stable: {file: (old text or None if new, new text)}, count."""
        originals: dict[Path, str | None] = {}
        applied = 0
        files = list(files)
        for _ in range(MAX_FIX_PASSES):
            findings = self.lint(files)
            chosen = _choose_fixes(f.fix for f in findings if f.fix is not None and (f.fix.safe or unsafe))
            if not chosen:
                break
            progress = False
            for target, edits_per_fix in _group_by_path(chosen).items():
                file = _resolve(target)
                old = self.workspace.read(file) if self.workspace.exists(file) else None
                new = old or ""
                taken = 0
                for edits in edits_per_fix:
                    candidate = apply_edits(new, edits)
                    if candidate != new and _still_parses(file, candidate):
                        new = candidate
                        taken += 1
                if new != (old or "") or (old is None and taken):
                    originals.setdefault(file, old)
                    self.workspace.write(file, new)
                    applied += taken
                    progress = True
                    kind = kind_of(file, explicit=True)
                    if kind is not None and all(f != file for f, _ in files):
                        files.append((file, kind))
            if not progress:
                break
        changes = {
            file: (old, self.workspace.overrides[file.absolute()])
            for file, old in originals.items()
            if old != self.workspace.overrides[file.absolute()]
        }
        return changes, applied


def _build_context(file: Path, model: DockerfileModel, workspace: Workspace) -> Path:
    """The directory the Dockerfile is built from: its own, unless the files it COPYs by name live in
    a parent (``docker build -f docker/Dockerfile .``); up to three levels up."""
    from dockwright.lint.rules.common import context_copies

    sources = [
        s.removeprefix("./").rstrip("/")
        for instr in model.instructions
        for s in context_copies(instr)
        if not any(ch in s for ch in "*?[$") and s.strip("./")
    ]
    directory = file.parent.absolute()
    if not sources or all(workspace.exists(directory / s) for s in sources):
        return directory
    for parent in list(directory.parents)[:3]:
        if all(workspace.exists(parent / s) for s in sources):
            return parent
    return directory


def _listdir(directory: Path) -> Iterator[Path]:
    try:
        yield from (p for p in directory.iterdir() if p.is_file())
    except OSError:
        return


def _resolve(display_path: str) -> Path:
    return Path(display_path)


def _choose_fixes(fixes: Iterable[Fix]) -> list[Fix]:
    """Fixes whose edits touch no line another chosen fix touches (first come, first served)."""
    taken: dict[str, list[tuple[int, int]]] = {}
    chosen: list[Fix] = []
    seen: set[tuple[Edit, ...]] = set()
    for fix in fixes:
        if fix.edits in seen:
            continue
        seen.add(fix.edits)
        if all(not _overlaps(edit, taken.get(edit.path, [])) for edit in fix.edits):
            for edit in fix.edits:
                taken.setdefault(edit.path, []).append((edit.start, max(edit.end, edit.start)))
            chosen.append(fix)
    return chosen


def _overlaps(edit: Edit, ranges: list[tuple[int, int]]) -> bool:
    low, high = edit.start, max(edit.end, edit.start)
    return any(not (high < start or low > end) for start, end in ranges)


def _group_by_path(fixes: list[Fix]) -> dict[str, list[tuple[Edit, ...]]]:
    grouped: dict[str, list[tuple[Edit, ...]]] = {}
    for fix in fixes:
        by_path: dict[str, list[Edit]] = {}
        for edit in fix.edits:
            by_path.setdefault(edit.path, []).append(edit)
        for path, edits in by_path.items():
            grouped.setdefault(path, []).append(tuple(edits))
    # apply bottom-up inside a file so earlier line numbers stay valid
    for path in grouped:
        grouped[path].sort(key=lambda edits: -max(e.start for e in edits))
    return grouped


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply line edits (bottom-up) to ``text``."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    for edit in sorted(edits, key=lambda e: -e.start):
        start = max(1, edit.start)
        end = min(len(lines), edit.end)
        if start > len(lines) + 1:
            start = len(lines) + 1
        replacement = edit.text.splitlines(keepends=True)
        lines[start - 1 : max(end, start - 1)] = replacement
    return "".join(lines)


def _still_parses(file: Path, text: str) -> bool:
    kind = kind_of(file, explicit=True)
    if kind == "dockerfile":
        from dockwright.lint.dockerfile_model import DockerfileSyntaxError, parse_dockerfile

        try:
            parse_dockerfile(text)
        except DockerfileSyntaxError:
            return False
    elif kind == "compose":
        from dockwright.lint.compose_model import ComposeSyntaxError, load_compose

        try:
            load_compose(text)
        except ComposeSyntaxError:
            return False
    return True
