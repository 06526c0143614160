"""Render findings as text, JSON, SARIF 2.1.0 (code scanning) or GitHub workflow annotations."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable

from dockwright import __version__
from dockwright.lint.docs import explain_text
from dockwright.lint.model import Finding, Rule, Severity

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def summary(findings: list[Finding], files: int, unsafe: bool) -> str:
    if not findings:
        return f"All checks passed ({files} file{'s' if files != 1 else ''})."
    counts = Counter(f.severity for f in findings)
    parts = [
        f"{counts[s]} {s.label}{'s' if counts[s] != 1 and s is not Severity.INFO else ''}"
        for s in reversed(Severity)
        if counts[s]
    ]
    safe = sum(1 for f in findings if f.fix is not None and f.fix.safe)
    unsafe_count = sum(1 for f in findings if f.fix is not None and not f.fix.safe)
    plural = "s" if len(findings) != 1 else ""
    files_text = f"{files} file{'s' if files != 1 else ''}"
    text = f"Found {len(findings)} finding{plural} ({', '.join(parts)}) in {files_text}."
    if safe or unsafe_count:
        fixable = [f"{safe} fixable with --fix"] if safe else []
        if unsafe_count:
            fixable.append(
                f"{unsafe_count} more with --fix --unsafe-fixes" if not unsafe else f"{unsafe_count} unsafe"
            )
        text += " [*] " + "; ".join(fixable) + "."
    return text


def render_text(findings: list[Finding], files: int, unsafe: bool = False) -> str:
    lines = []
    for f in findings:
        marker = " [*]" if f.fix is not None and (f.fix.safe or unsafe) else ""
        lines.append(f"{f.path}:{f.line}: {f.code} [{f.severity.label}]{marker} {f.message}")
    lines.append(summary(findings, files, unsafe))
    return "\n".join(lines) + "\n"


def render_json(findings: list[Finding], files: int) -> str:
    data = {
        "version": __version__,
        "files": files,
        "summary": {s.label: sum(1 for f in findings if f.severity is s) for s in reversed(Severity)},
        "findings": [f.to_dict() for f in findings],
    }
    return json.dumps(data, indent=2) + "\n"


def _github_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def render_github(findings: list[Finding]) -> str:
    lines = []
    for f in findings:
        lines.append(
            f"::{_GITHUB_LEVEL[f.severity]} file={_github_escape(f.path, True)},line={f.line},"
            f"endLine={f.end_line},title={_github_escape(f.code, True)}::"
            + _github_escape(f"{f.code} {f.message}")
        )
    return "\n".join(lines) + ("\n" if lines else "")


def _sarif_rule(rule: Rule, severity: Severity) -> dict[str, object]:
    help_text = explain_text(rule)
    return {
        "id": rule.code,
        "name": "".join(part.capitalize() for part in rule.name.split("-")),
        "shortDescription": {"text": rule.message},
        "fullDescription": {"text": " ".join(rule.what.split())},
        "help": {"text": help_text},
        "defaultConfiguration": {"level": _SARIF_LEVEL[severity]},
        "properties": {
            "tags": sorted({rule.family, rule.target}),
            "fix": rule.fix,
            "aliases": list(rule.aliases),
        },
        **({"helpUri": rule.references[0]} if rule.references else {}),
    }


def _artifact(path: str) -> dict[str, str]:
    """Relative paths are relative to %SRCROOT% (where lint ran); absolute ones become file: URIs."""
    if path.startswith("/"):
        from pathlib import PurePosixPath

        return {"uri": PurePosixPath(path).as_uri()}
    from urllib.parse import quote

    return {"uri": quote(path), "uriBaseId": "%SRCROOT%"}


def render_sarif(findings: list[Finding], rules: Iterable[tuple[Rule, Severity]]) -> str:
    rule_list = list(rules)
    index = {rule.code: i for i, (rule, _) in enumerate(rule_list)}
    results = []
    for f in findings:
        result: dict[str, object] = {
            "ruleId": f.code,
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": _artifact(f.path),
                        "region": {"startLine": f.line, "endLine": max(f.line, f.end_line)},
                    }
                }
            ],
        }
        if f.code in index:
            result["ruleIndex"] = index[f.code]
        if f.fix is not None:
            result["properties"] = {
                "fix": f.fix.description,
                "fixApplicability": "safe" if f.fix.safe else "unsafe",
            }
        results.append(result)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "dockwright",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [_sarif_rule(rule, severity) for rule, severity in rule_list],
                    }
                },
                "columnKind": "utf16CodeUnits",
                "originalUriBaseIds": {
                    "%SRCROOT%": {"description": {"text": "The directory dockwright lint ran in."}}
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"
