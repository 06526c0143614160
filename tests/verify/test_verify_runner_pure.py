"""The pure decisions of the verify runner: which path and port to probe, how long to wait."""

from __future__ import annotations

from dockwright.verify.runner import (
    _log_lines,
    _startup_deadline,
    exposed_port,
    health_path_of,
    parse_docker_time,
)

SECOND = 1_000_000_000


def test_health_path_is_read_from_the_healthcheck_url() -> None:
    test = [
        "CMD",
        "python",
        "-c",
        "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')",
    ]
    assert health_path_of(test) == "/healthz"
    assert health_path_of(["CMD-SHELL", "curl -fsS http://localhost:8080/api/health?deep=1 || exit 1"]) == (
        "/api/health?deep=1"
    )
    assert (
        health_path_of(
            ["CMD", "python", "-c", "import socket; socket.create_connection(('127.0.0.1', 8000))"]
        )
        is None
    )
    assert health_path_of(None) is None


def test_exposed_port_prefers_the_lowest_tcp_port() -> None:
    assert exposed_port({"ExposedPorts": {"9000/tcp": {}, "8000/tcp": {}, "53/udp": {}}}) == 8000
    assert exposed_port({"ExposedPorts": {"53/udp": {}}}) is None
    assert exposed_port({}) is None


def test_startup_deadline_follows_the_healthcheck_timings() -> None:
    config = {
        "Healthcheck": {
            "Test": ["CMD", "true"],
            "Interval": 10 * SECOND,
            "Timeout": 3 * SECOND,
            "StartPeriod": 20 * SECOND,
            "Retries": 3,
        }
    }
    wait, healthy_by = _startup_deadline(config)
    assert healthy_by == 20 + 3 + 1  # the start period, the probe's run time, a second of slack
    assert wait == 20 + 10 * 4 + 3  # until docker itself would call it unhealthy
    # The first probe runs one interval after start: a long interval moves "healthy by" with it.
    config["Healthcheck"]["Interval"] = 30 * SECOND
    assert _startup_deadline(config)[1] == 30 + 3 + 1
    assert _startup_deadline({}) == (30.0, None)


def test_crash_evidence_quotes_the_exception_then_the_tail() -> None:
    lines_written = [
        "booting",
        "Traceback (most recent call last):",
        '  File "x"',
        "RuntimeError: DATABASE_URL is not set",
        "RuntimeError: DATABASE_URL is not set",  # printed twice, quoted once
        "worker exiting",
    ]
    logs = "\n".join(lines_written)
    lines = _log_lines(logs)
    assert lines[0] == "error: RuntimeError: DATABASE_URL is not set"
    assert lines.count("error: RuntimeError: DATABASE_URL is not set") == 1
    assert lines[-1] == "log: worker exiting"


def test_parse_docker_time() -> None:
    assert parse_docker_time("2026-11-23T07:30:37.913456789Z") == 1795419037.913456789
    assert parse_docker_time("2026-11-23T08:30:37+01:00") == 1795419037.0
    assert parse_docker_time("0001-01-01T00:00:00Z") is None
    assert parse_docker_time("") is None
