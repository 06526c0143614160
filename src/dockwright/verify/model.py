"""Verify results as plain data: what ``--json`` prints and what the terminal report renders."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Status = Literal["pass", "fail", "skip"]


@dataclass(frozen=True)
class CheckSpec:
    id: str
    group: int  # the numbered requirement in docs/build-verify.md this check proves
    title: str


# The catalogue, in the order checks run and are reported. Ids are stable: scripts match on them.
CHECKS: tuple[CheckSpec, ...] = (
    CheckSpec("non-root", 3, "runs as a non-root UID"),
    CheckSpec("healthcheck", 3, "declares a HEALTHCHECK"),
    CheckSpec("exec-form", 3, "CMD/ENTRYPOINT in exec form (signals reach the app)"),
    CheckSpec("no-secrets", 6, "no secrets or junk in any layer, ENV, ARG or history"),
    CheckSpec("no-build-tools", 7, "no compilers or build-only packages"),
    CheckSpec("size", 8, "image size within budget"),
    CheckSpec("hardened-start", 1, "starts read-only, all capabilities dropped, no-new-privileges"),
    CheckSpec("healthy", 2, "becomes healthy by its own HEALTHCHECK within its start period"),
    CheckSpec("http", 2, "answers HTTP on its port"),
    CheckSpec("unbuffered-logs", 5, "a request reaches `docker logs` immediately"),
    CheckSpec("graceful-shutdown", 4, "SIGTERM lets in-flight requests finish and exits 0 quickly"),
)
SPECS = {spec.id: spec for spec in CHECKS}


@dataclass
class CheckResult:
    id: str
    status: Status
    evidence: list[str]
    duration_s: float = 0.0
    metrics: dict[str, float | int | str | None] = field(default_factory=dict)

    @property
    def spec(self) -> CheckSpec:
        return SPECS[self.id]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["group"] = self.spec.group
        data["title"] = self.spec.title
        data["duration_s"] = round(self.duration_s, 2)
        return data


@dataclass
class Report:
    image: str
    image_id: str
    checks: list[CheckResult]
    duration_s: float

    @property
    def passed(self) -> bool:
        return all(check.status == "pass" for check in self.checks)

    @property
    def failed(self) -> list[str]:
        return [check.id for check in self.checks if check.status == "fail"]

    def to_dict(self) -> dict[str, Any]:
        order = {spec.id: n for n, spec in enumerate(CHECKS)}
        return {
            "image": self.image,
            "image_id": self.image_id,
            "passed": self.passed,
            "failed": self.failed,
            "skipped": [c.id for c in self.checks if c.status == "skip"],
            "duration_s": round(self.duration_s, 2),
            "checks": [c.to_dict() for c in sorted(self.checks, key=lambda c: order[c.id])],
        }
