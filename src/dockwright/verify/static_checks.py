"""Checks decided from the image's config, history and layers alone: pure functions over plain data."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from dockwright.engine.images import BaseImage, HistoryLayer, format_bytes, run_build_args
from dockwright.verify.buildtools import BuildToolFinding, package_findings, path_findings
from dockwright.verify.imagefs import passwd_uid
from dockwright.verify.model import CheckResult
from dockwright.verify.secrets import SecretFinding, content_reasons, env_findings

SHELLS = frozenset({"sh", "/bin/sh", "bash", "/bin/bash", "/usr/bin/sh", "/usr/bin/bash", "ash", "/bin/ash"})
MAX_EVIDENCE = 12


def _capped(lines: Sequence[str]) -> list[str]:
    if len(lines) <= MAX_EVIDENCE:
        return list(lines)
    return [*lines[:MAX_EVIDENCE], f"... and {len(lines) - MAX_EVIDENCE} more"]


def check_non_root(user: str, passwd: str | None) -> CheckResult:
    """The image's USER must resolve to a UID other than 0."""
    if not user.strip():
        return CheckResult("non-root", "fail", ["no USER in the image: the app runs as root (UID 0)"])
    uid = passwd_uid(passwd or "", user)
    if uid is None:
        return CheckResult(
            "non-root",
            "fail",
            [f"USER {user} is not in /etc/passwd: UID unknown (orchestrators with runAsNonRoot refuse it)"],
        )
    if uid == 0:
        return CheckResult("non-root", "fail", [f"USER {user} is UID 0 (root)"])
    return CheckResult("non-root", "pass", [f"USER {user} -> UID {uid}"], metrics={"uid": uid})


def healthcheck_test(config: Mapping[str, Any]) -> list[str] | None:
    """The image's HEALTHCHECK test (``["CMD", ...]`` / ``["CMD-SHELL", "..."]``) or None."""
    health = config.get("Healthcheck") or {}
    test: list[str] = health.get("Test") or []
    if not test or test[0] == "NONE":
        return None
    return test


def check_healthcheck(config: Mapping[str, Any]) -> CheckResult:
    test = healthcheck_test(config)
    if test is None:
        return CheckResult(
            "healthcheck",
            "fail",
            ["no HEALTHCHECK: an orchestrator cannot tell a hung app from a healthy one"],
        )
    health = config.get("Healthcheck") or {}
    timing = ", ".join(
        f"{name} {int(health.get(key) or 0) / 1e9:g}s"
        for name, key in (("interval", "Interval"), ("timeout", "Timeout"), ("start period", "StartPeriod"))
        if health.get(key)
    )
    form = "exec form" if test[0] == "CMD" else "shell form"
    command = " ".join(test[1:]).replace("\n", "\\n")  # one evidence line per fact
    return CheckResult("healthcheck", "pass", [f"HEALTHCHECK {form}: {command[:160]}", timing or "defaults"])


def _is_shell_form(argv: Sequence[str] | None) -> bool:
    return bool(argv) and len(argv or []) >= 2 and argv[0] in SHELLS and argv[1] == "-c"  # type: ignore[index]


def check_exec_form(config: Mapping[str, Any]) -> CheckResult:
    entrypoint: list[str] | None = config.get("Entrypoint")
    cmd: list[str] | None = config.get("Cmd")
    problems = []
    if _is_shell_form(entrypoint):
        problems.append(
            f"ENTRYPOINT is shell form {_json(entrypoint)}: sh is PID 1 and does not forward SIGTERM"
        )
    elif not entrypoint and _is_shell_form(cmd):
        problems.append(f"CMD is shell form {_json(cmd)}: sh is PID 1 and does not forward SIGTERM")
    if not entrypoint and not cmd:
        problems.append("no CMD or ENTRYPOINT")
    if problems:
        return CheckResult("exec-form", "fail", problems)
    shown = [f"ENTRYPOINT {_json(entrypoint)}"] if entrypoint else []
    return CheckResult("exec-form", "pass", [" ".join([*shown, f"CMD {_json(cmd or [])}"])])


def _json(argv: Sequence[str] | None) -> str:
    """An exec-form argument list as the Dockerfile writes it."""
    return json.dumps(list(argv or []))


def secret_findings_in_config(
    config: Mapping[str, Any], history: Iterable[HistoryLayer]
) -> list[SecretFinding]:
    """Secrets in ENV, in build args recorded by RUN lines, and credential formats in any history line."""
    findings = env_findings(list(config.get("Env") or []), "ENV")
    for layer in history:
        args = [f"{k}={v}" for k, v in run_build_args(layer.created_by).items()]
        findings += env_findings(args, f"ARG in history ({layer.instruction[:60]})")
        for reason in content_reasons(layer.created_by):
            findings.append(SecretFinding("history", layer.instruction[:80], f"contains a {reason}"))
    labels: Mapping[str, str] = config.get("Labels") or {}
    findings += env_findings([f"{k}={v}" for k, v in labels.items()], "LABEL")
    return findings


def check_secrets(findings: Sequence[SecretFinding], layers_scanned: int, files_scanned: int) -> CheckResult:
    metrics: dict[str, float | int | str | None] = {
        "layers": layers_scanned,
        "files_content_scanned": files_scanned,
    }
    if findings:
        return CheckResult("no-secrets", "fail", _capped([str(f) for f in findings]), metrics=metrics)
    return CheckResult(
        "no-secrets",
        "pass",
        [
            f"{layers_scanned} layers, ENV, build args and history clean "
            f"({files_scanned} files' content scanned)"
        ],
        metrics=metrics,
    )


def check_build_tools(installed: Mapping[str, str], files: Iterable[str], path_env: str) -> CheckResult:
    """One evidence line per kind of finding (compilers, headers, ... and what sits on PATH)."""
    findings: list[BuildToolFinding] = package_findings(installed)
    on_path = path_findings(files, path_env)
    if not findings and not on_path:
        return CheckResult(
            "no-build-tools",
            "pass",
            [f"{len(installed)} dpkg packages and PATH ({path_env}) hold no compiler or build-only package"],
        )
    grouped: dict[str, list[str]] = {}
    for finding in findings:
        grouped.setdefault(finding.why, []).append(finding.what.removeprefix("package "))
    evidence = [f"{why} (dpkg): {', '.join(names)}" for why, names in grouped.items()]
    if on_path:
        evidence.append(f"on PATH: {', '.join(f.what for f in on_path)}")
    return CheckResult(
        "no-build-tools",
        "fail",
        evidence,
        metrics={"build_packages": len(findings), "build_binaries_on_path": len(on_path)},
    )


def check_size(size: int, base: BaseImage | None, budget_mb: float) -> CheckResult:
    """The bytes the Dockerfile adds over its base must fit the budget (the total if the base is unknown)."""
    budget = int(budget_mb * 1_000_000)
    metrics: dict[str, float | int | str | None] = {"size_bytes": size, "budget_bytes": budget}
    if base is None:
        evidence = [
            f"total {format_bytes(size)} (base image not found locally: budget applies to the total)",
        ]
        measured = size
    else:
        added = size - base.size
        metrics |= {"base": base.ref, "base_size_bytes": base.size, "added_bytes": added}
        evidence = [f"total {format_bytes(size)}; base {base.ref} {format_bytes(base.size)} ({base.how})"]
        evidence.append(f"added over base {format_bytes(added)}")
        measured = added
    evidence.append(f"budget {budget_mb:g} MB (--size-budget)")
    return CheckResult("size", "pass" if measured <= budget else "fail", evidence, metrics=metrics)
