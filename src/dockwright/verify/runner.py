"""Run every verify check against one image: static checks first, then the image under a careful
orchestrator's settings. Every container it starts carries a per-run label and is removed in a
``finally``, also on Ctrl-C or SIGTERM."""

from __future__ import annotations

import contextlib
import http.client
import re
import signal
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import Any

from dockwright.engine.client import Docker
from dockwright.engine.images import BaseImage, HistoryLayer, find_base, instruction_of, parse_history
from dockwright.errors import DockwrightError, EngineError
from dockwright.verify import static_checks
from dockwright.verify.buildtools import parse_dpkg_status
from dockwright.verify.imagefs import read_saved_image
from dockwright.verify.model import CheckResult, Report
from dockwright.verify.secrets import SecretFinding, content_reasons, path_reason, wants_content_scan

HARDENED_FLAGS = (
    "--read-only",
    "--tmpfs",
    "/tmp",
    "--cap-drop",
    "ALL",
    "--security-opt",
    "no-new-privileges",
)
DEFAULT_STARTUP_S = 30.0  # how long an image without HEALTHCHECK gets to answer HTTP
MIN_ALIVE_S = 3.0  # with neither a HEALTHCHECK nor a port, "started" means still running after this
MAX_STARTUP_S = 300.0
LOG_WAIT_S = 3.0
SLOW_HEAD_START_S = 1.0
BASE_LABEL = "org.opencontainers.image.base.name"
_URL_PATH = re.compile(r"https?://[^/\s'\"]+(/[^\s'\"]*)")


@dataclass
class VerifyOptions:
    image: str
    size_budget_mb: float = 500.0
    port: int | None = None
    health_path: str | None = None
    slow_path: str | None = None
    env: list[str] = field(default_factory=list)
    env_files: list[Path] = field(default_factory=list)
    network: str | None = None
    stop_timeout_s: int = 10
    labels: list[str] = field(default_factory=list)


Progress = Callable[[str], None]


@dataclass
class HttpAnswer:
    status: int | None
    seconds: float
    error: str = ""
    body: bytes = b""


def http_get(port: int, path: str, timeout: float) -> HttpAnswer:
    """GET http://127.0.0.1:PORT/PATH (never any other address)."""
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"User-Agent": "dockwright-verify", "Connection": "close"})
        response = conn.getresponse()
        body = response.read()
        return HttpAnswer(response.status, time.monotonic() - started, body=body)
    except (OSError, http.client.HTTPException) as err:
        return HttpAnswer(None, time.monotonic() - started, error=f"{type(err).__name__}: {err}")
    finally:
        conn.close()


def health_path_of(test: list[str] | None) -> str | None:
    """The HTTP path a HEALTHCHECK probes, read from its URL (``http://127.0.0.1:8000/healthz``)."""
    if not test:
        return None
    match = _URL_PATH.search(" ".join(test[1:]))
    return match.group(1) if match else None


def parse_docker_time(text: str) -> float | None:
    """Docker's RFC 3339 timestamps (nanoseconds, ``Z``) -> epoch seconds; None for the zero time."""
    match = re.match(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$", text.strip())
    if not match or match.group(1).startswith("0001-"):
        return None
    zone = "+00:00" if match.group(3) == "Z" else match.group(3)
    moment = datetime.fromisoformat(match.group(1) + zone).timestamp()
    return moment + float("0." + (match.group(2) or "0"))


def exposed_port(config: Mapping[str, Any]) -> int | None:
    ports = sorted(int(p.split("/")[0]) for p in (config.get("ExposedPorts") or {}) if p.endswith("/tcp"))
    return ports[0] if ports else None


def _seconds(nanoseconds: Any, default: float) -> float:
    return int(nanoseconds) / 1e9 if nanoseconds else default


@contextlib.contextmanager
def interrupts_clean_up() -> Iterator[None]:
    """Turn SIGTERM into KeyboardInterrupt so ``finally`` blocks run; cleanup itself is not interruptible."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_term(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _remove_all(docker: Docker, label: str) -> None:
    """Remove what this run created; a second Ctrl-C or SIGTERM must not cut the cleanup short."""
    if threading.current_thread() is not threading.main_thread():
        docker.remove_labelled(label)
        return
    previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        docker.remove_labelled(label)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def verify_image(docker: Docker, options: VerifyOptions, progress: Progress | None = None) -> Report:
    """Every check, in catalogue order; SIGTERM and Ctrl-C end it through the cleanup of what it made."""
    with interrupts_clean_up():
        return _verify(docker, options, progress or (lambda _msg: None))


def _verify(docker: Docker, options: VerifyOptions, say: Progress) -> Report:
    started = time.monotonic()
    inspect = docker.image_inspect(options.image)
    if inspect is None:
        raise DockwrightError(f"image {options.image} not found locally; build it first (`dockwright build`)")
    results: list[CheckResult] = []

    say("reading image layers")
    t0 = time.monotonic()
    base = _find_base(docker, inspect)
    history = parse_history(docker.history(inspect["Id"]))
    static = _static_checks(docker, inspect, history, base, options)
    for result in static:
        result.duration_s = time.monotonic() - t0  # one docker save serves all of them
    results += static

    say("starting the image with hardened settings")
    results += _runtime_checks(docker, inspect, options, passwd_uid_check=results[0], say=say)
    return Report(options.image, inspect["Id"], results, time.monotonic() - started)


def _find_base(docker: Docker, inspect: Mapping[str, Any]) -> BaseImage | None:
    labels: Mapping[str, str] = (inspect.get("Config") or {}).get("Labels") or {}
    return find_base(inspect, docker.images_inspect_all(), preferred=labels.get(BASE_LABEL))


def _static_checks(
    docker: Docker,
    inspect: Mapping[str, Any],
    history: list[HistoryLayer],
    base: BaseImage | None,
    options: VerifyOptions,
) -> list[CheckResult]:
    config: dict[str, Any] = inspect.get("Config") or {}
    base_layers = base.layer_count if base else 0
    content_hits: list[tuple[int, str, str]] = []  # (layer index, path, reason)
    scanned = 0

    def wants(index: int, path: str, size: int) -> bool:
        return index >= base_layers and wants_content_scan(path, size)

    def on_content(index: int, path: str, data: bytes) -> None:
        nonlocal scanned
        if b"\0" in data[:8192]:
            return  # binary: the credential formats are text
        scanned += 1
        content_hits.extend(
            (index, path, reason) for reason in content_reasons(data.decode("utf-8", "replace"))
        )

    with tempfile.TemporaryDirectory(prefix="dockwright-verify-") as tmp:
        archive = Path(tmp) / "image.tar"
        docker.save(inspect["Id"], archive)
        saved = read_saved_image(archive, wants_content=wants, on_content=on_content)
    instructions = [layer.instruction for layer in saved.layers]
    file_findings = [
        SecretFinding(_where(index, instructions), f"/{path}", reason) for index, path, reason in content_hits
    ]
    merged = saved.merged()
    reported_git: set[str] = set()
    for layer in saved.layers:
        for entry in layer.entries:
            reason = path_reason(entry.path)
            if reason is None or (entry.kind == "dir" and not entry.path.endswith(".git")):
                continue
            if ".git" in entry.path.split("/"):
                root = entry.path.split("/.git")[0] + "/.git"
                if root in reported_git:
                    continue
                reported_git.add(root)
                shown = "/" + root.lstrip("/")
            else:
                shown = "/" + entry.path
            still = "" if entry.path in merged else " (deleted by a later layer, still extractable)"
            file_findings.append(SecretFinding(_where(layer.index, instructions), shown + still, reason))
    secrets = static_checks.secret_findings_in_config(config, history) + file_findings

    passwd_bytes = saved.final_bytes("etc/passwd")
    passwd = passwd_bytes.decode("utf-8", "replace") if passwd_bytes is not None else None
    dpkg_text = (saved.final_bytes("var/lib/dpkg/status") or b"").decode("utf-8", "replace")
    dpkg_text += "\n\n" + "\n\n".join(
        data.decode("utf-8", "replace") for data in saved.final_kept("var/lib/dpkg/status.d/").values()
    )
    installed = parse_dpkg_status(dpkg_text)
    path_env = next((e.split("=", 1)[1] for e in config.get("Env") or [] if e.startswith("PATH=")), "")
    files = [path for path, (_, entry) in merged.items() if entry.kind != "dir"]

    return [
        static_checks.check_non_root(str(config.get("User") or ""), passwd),
        static_checks.check_healthcheck(config),
        static_checks.check_exec_form(config),
        static_checks.check_secrets(secrets, len(saved.layers), scanned),
        static_checks.check_build_tools(installed, files, path_env),
        static_checks.check_size(int(inspect.get("Size") or 0), base, options.size_budget_mb),
    ]


def _where(index: int, instructions: list[str]) -> str:
    made_by = instructions[index] if index < len(instructions) else ""
    return f"layer {index} ({instruction_of(made_by)[:60]})" if made_by else f"layer {index}"


@dataclass
class _Startup:
    exited: dict[str, Any] | None = None
    healthy_at: float | None = None
    health_status: str | None = None
    health_log: str = ""
    http: HttpAnswer | None = None
    http_at: float | None = None
    last_http_error: str = ""
    waited: float = 0.0


def _runtime_checks(
    docker: Docker,
    inspect: Mapping[str, Any],
    options: VerifyOptions,
    passwd_uid_check: CheckResult,
    say: Progress,
) -> list[CheckResult]:
    config: dict[str, Any] = inspect.get("Config") or {}
    port = options.port or exposed_port(config)
    health_test = static_checks.healthcheck_test(config)
    health_path = options.health_path or health_path_of(health_test)
    run_id = uuid.uuid4().hex[:12]
    label = f"dockwright.verify.run={run_id}"
    run_options = [
        "--name",
        f"dockwright-verify-{run_id}",
        "--label",
        label,
        "--label",
        "dockwright.verify=1",
        *HARDENED_FLAGS,
    ]
    for extra in options.labels:
        run_options += ["--label", extra]
    if port:
        run_options += ["-p", f"127.0.0.1::{port}"]
    for item in options.env:
        run_options += ["--env", item]
    for env_file in options.env_files:
        run_options += ["--env-file", str(env_file)]
    if options.network:
        run_options += ["--network", options.network]

    results: list[CheckResult] = []
    try:
        t_run = time.monotonic()
        try:
            container = docker.run_detached(inspect["Id"], run_options)
        except EngineError as err:
            results.append(CheckResult("hardened-start", "fail", [f"docker run failed: {err}"]))
            return results + _skipped("container did not start (see hardened-start)")
        try:
            host_port = docker.port(container, port) if port else None
        except EngineError:
            host_port = None  # it already exited: the startup wait reports why
        startup = _wait_for_startup(docker, container, config, host_port, health_path, t_run)
        results += _startup_results(docker, container, startup, config, port, host_port, health_path)
        if startup.exited is not None:
            return results + _skipped(
                "container exited (see hardened-start)", ("unbuffered-logs", "graceful-shutdown")
            )
        uids = docker.top_uids(container)
        if uids:
            passwd_uid_check.evidence.append(
                f"process UIDs while running (docker top): {', '.join(sorted(set(uids)))}"
            )
            if "0" in uids and passwd_uid_check.status == "pass":
                passwd_uid_check.status = "fail"
        if host_port is None:
            return results + _skipped(
                "no port to reach (EXPOSE one or pass --port)", ("unbuffered-logs", "graceful-shutdown")
            )
        say("checking logs and graceful shutdown")
        results.append(_check_logs(docker, container, host_port))
        results.append(_check_shutdown(docker, container, host_port, health_path or "/", options))
        return results
    finally:
        _remove_all(docker, label)


def _skipped(
    reason: str, ids: tuple[str, ...] = ("healthy", "http", "unbuffered-logs", "graceful-shutdown")
) -> list[CheckResult]:
    return [CheckResult(check_id, "skip", [reason]) for check_id in ids]


def _startup_deadline(config: Mapping[str, Any]) -> tuple[float, float | None]:
    """(how long to wait, when healthy must happen by) from the image's HEALTHCHECK timings."""
    health = config.get("Healthcheck") or {}
    if static_checks.healthcheck_test(config) is None:
        return DEFAULT_STARTUP_S, None
    interval = _seconds(health.get("Interval"), 30.0)
    timeout = _seconds(health.get("Timeout"), 30.0)
    start_period = _seconds(health.get("StartPeriod"), 0.0)
    retries = int(health.get("Retries") or 3)
    # Docker's first probe runs one interval after start, so "healthy within the start period" means
    # by the first probe at or after the start period ends (plus the probe's own run time).
    healthy_by = max(start_period, interval) + min(timeout, 5.0) + 1.0
    wait = min(MAX_STARTUP_S, start_period + interval * (retries + 1) + timeout)
    return max(wait, healthy_by), healthy_by


def _wait_for_startup(
    docker: Docker,
    container: str,
    config: Mapping[str, Any],
    host_port: int | None,
    health_path: str | None,
    t_run: float,
) -> _Startup:
    wait, _ = _startup_deadline(config)
    has_health = static_checks.healthcheck_test(config) is not None
    state = _Startup()
    while True:
        now = time.monotonic() - t_run
        info = docker.container_inspect(container)["State"]
        if not info.get("Running"):
            state.exited = info
            break
        health = info.get("Health") or {}
        state.health_status = health.get("Status")
        if health.get("Log"):
            state.health_log = str(health["Log"][-1].get("Output", "")).strip()[-300:]
        if state.health_status == "healthy" and state.healthy_at is None:
            state.healthy_at = now
        if host_port is not None and state.http_at is None:
            answer = http_get(host_port, health_path or "/", timeout=2.0)
            if answer.status is not None:
                state.http, state.http_at = answer, time.monotonic() - t_run
            else:
                state.last_http_error = answer.error
        if state.health_status == "unhealthy":
            break
        if (not has_health or state.healthy_at is not None) and (
            host_port is None or state.http_at is not None
        ):
            break
        if now > wait:
            break
        time.sleep(0.25)
    state.waited = time.monotonic() - t_run
    return state


def _startup_results(
    docker: Docker,
    container: str,
    startup: _Startup,
    config: Mapping[str, Any],
    port: int | None,
    host_port: int | None,
    health_path: str | None,
) -> list[CheckResult]:
    flags = " ".join(HARDENED_FLAGS)
    results: list[CheckResult] = []
    if startup.exited is not None:
        logs = docker.logs(container, tail=200).strip()
        code = startup.exited.get("ExitCode")
        results.append(
            CheckResult(
                "hardened-start",
                "fail",
                [
                    f"exited with code {code} after {startup.waited:.1f} s under {flags}",
                    *_log_lines(logs),
                    "an app that needs configuration or services: pass --env/--env-file and --network",
                ],
                duration_s=startup.waited,
            )
        )
        return results + _skipped("container exited (see hardened-start)", ("healthy", "http"))
    results.append(
        CheckResult(
            "hardened-start",
            "pass",
            [f"running after {startup.waited:.1f} s with {flags}, user {config.get('User') or 'root'}"],
            duration_s=startup.waited,
        )
    )

    _, healthy_by = _startup_deadline(config)
    if healthy_by is None:
        results.append(
            CheckResult("healthy", "skip", ["no HEALTHCHECK to become healthy by (see healthcheck)"])
        )
    elif startup.healthy_at is None:
        results.append(
            CheckResult(
                "healthy",
                "fail",
                [
                    f"status {startup.health_status or 'starting'} after {startup.waited:.1f} s",
                    f"last probe output: {startup.health_log or '(none)'}",
                ],
                duration_s=startup.waited,
            )
        )
    else:
        ok = startup.healthy_at <= healthy_by
        results.append(
            CheckResult(
                "healthy",
                "pass" if ok else "fail",
                [
                    f"healthy after {startup.healthy_at:.1f} s "
                    f"(allowed {healthy_by:.1f} s: start period, then the first probe)"
                ],
                duration_s=startup.healthy_at,
                metrics={"seconds_to_healthy": round(startup.healthy_at, 2)},
            )
        )

    if port is None or host_port is None:
        results.append(CheckResult("http", "fail", ["the image EXPOSEs no TCP port; pass --port"]))
    elif startup.http is None:
        results.append(
            CheckResult(
                "http",
                "fail",
                [
                    f"no HTTP answer on container port {port} within {startup.waited:.1f} s: "
                    f"{startup.last_http_error}"
                ],
                duration_s=startup.waited,
            )
        )
    else:
        status = startup.http.status or 0
        # A path read from the HEALTHCHECK or given by the user must succeed; "/" may be any page.
        ok = status < 400 if health_path else status < 500
        results.append(
            CheckResult(
                "http",
                "pass" if ok else "fail",
                [
                    f"GET {health_path or '/'} on 127.0.0.1:{host_port} (container port {port}) -> {status} "
                    f"after {startup.http_at or 0:.1f} s"
                ],
                duration_s=startup.http.seconds,
                metrics={"status": status, "seconds_to_http": round(startup.http_at or 0, 2)},
            )
        )
    return results


_EXCEPTION_LINE = re.compile(r"^(?:[\w.]+(?:Error|Exception|Exit)|KeyboardInterrupt)(?::|$)")


def _log_lines(logs: str) -> list[str]:
    """The exceptions the app raised (the cause, usually) and the last lines of its log."""
    lines = logs.splitlines()
    causes = list(dict.fromkeys(line.strip() for line in lines if _EXCEPTION_LINE.match(line.strip())))[:3]
    return [f"error: {line}" for line in causes] + [f"log: {line}" for line in lines[-5:]]


def _check_logs(docker: Docker, container: str, host_port: int) -> CheckResult:
    token = uuid.uuid4().hex[:16]
    path = f"/dockwright-verify-{token}"
    answer = http_get(host_port, path, timeout=5.0)
    sent = time.monotonic()
    while time.monotonic() - sent < LOG_WAIT_S:
        if token in docker.logs(container, tail=200):
            seconds = time.monotonic() - sent
            return CheckResult(
                "unbuffered-logs",
                "pass",
                [f"GET {path} (-> {answer.status}) appeared in docker logs after {seconds:.2f} s"],
                duration_s=seconds,
                metrics={"seconds_to_log": round(seconds, 3)},
            )
        time.sleep(0.1)
    return CheckResult(
        "unbuffered-logs",
        "fail",
        [
            f"GET {path} (-> {answer.status or answer.error}) not in docker logs after {LOG_WAIT_S:.0f} s",
            "stdout is buffered (set PYTHONUNBUFFERED=1) or the server does not log requests "
            "(gunicorn: --access-logfile -)",
        ],
        duration_s=LOG_WAIT_S,
    )


def _check_shutdown(
    docker: Docker, container: str, host_port: int, health_path: str, options: VerifyOptions
) -> CheckResult:
    path = options.slow_path or health_path
    answers: list[HttpAnswer] = []
    request = threading.Thread(
        target=lambda: answers.append(http_get(host_port, path, timeout=options.stop_timeout_s + 15.0)),
        daemon=True,
    )
    request.start()
    evidence: list[str] = []
    finished_early = False
    if options.slow_path:
        # Let the slow request reach the app before SIGTERM (a connection the app has not accepted
        # yet would be refused, which is not the app's fault); a 2 s route still has 1 s to go.
        time.sleep(SLOW_HEAD_START_S)
        finished_early = not request.is_alive()
        if finished_early:
            evidence.append(
                f"GET {path} finished before SIGTERM ({answers[0].seconds:.2f} s): not slow enough"
            )
    else:
        time.sleep(0.05)
        evidence.append(
            "no --slow-path: the in-flight request was a health probe; pass --slow-path to prove it"
        )
    stop_started = time.monotonic()
    sigterm_at = time.time()
    docker.stop(container, options.stop_timeout_s)
    stop_seconds = time.monotonic() - stop_started
    request.join(timeout=options.stop_timeout_s + 20.0)
    state = docker.container_inspect(container)["State"]
    exit_code = int(state.get("ExitCode", -1))
    # When the app's process ended, by docker's own clock: `docker stop` also waits for the engine to
    # tear the container down, which takes seconds on a loaded machine and says nothing about the app.
    finished = parse_docker_time(str(state.get("FinishedAt", "")))
    exit_seconds = max(0.0, finished - sigterm_at) if finished is not None else stop_seconds
    answer = answers[0] if answers else HttpAnswer(None, 0.0, error="no answer")
    quick = exit_seconds < options.stop_timeout_s * 0.5
    request_ok = answer.status == 200
    evidence.insert(
        0,
        f"in-flight GET {path} -> {answer.status or answer.error} ({answer.seconds:.2f} s); "
        f"exited {exit_seconds:.2f} s after SIGTERM with code {exit_code} "
        f"(docker stop -t {options.stop_timeout_s} returned after {stop_seconds:.2f} s)",
    )
    if exit_code == 137:
        evidence.append(
            "exit 137: SIGKILLed at the timeout, the app ignored SIGTERM (PID 1 without a handler?)"
        )
    elif exit_code != 0:
        evidence.append(f"exit {exit_code}: a graceful shutdown exits 0")
    if not quick:
        evidence.append(f"exiting took more than half the kill timeout ({options.stop_timeout_s / 2:.1f} s)")
    if not request_ok:
        evidence.append("the in-flight request did not finish with 200")
    ok = exit_code == 0 and quick and request_ok and not finished_early
    return CheckResult(
        "graceful-shutdown",
        "pass" if ok else "fail",
        evidence,
        duration_s=exit_seconds,
        metrics={
            "exit_seconds": round(exit_seconds, 2),
            "stop_seconds": round(stop_seconds, 2),
            "exit_code": exit_code,
            "request_status": answer.status,
        },
    )
