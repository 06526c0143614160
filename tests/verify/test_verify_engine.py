"""`dockwright verify` on the real engine: a good image passes every check, a deliberately bad one
fails exactly the checks its defects break, and each misbehaviour is caught by its own check.

Images are built FROM the offline stand-in python:3.13-slim-trixie (scripts/provision-engine).
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from verify_support import (
    DOCKER,
    TEST_LABEL,
    containers_with_label,
    copy_app,
    docker_build,
    dockwright,
    remove_image,
    run,
    unique,
)

pytestmark = pytest.mark.engine

ALL_CHECKS = {
    "non-root", "healthcheck", "exec-form", "no-secrets", "no-build-tools", "size",
    "hardened-start", "healthy", "http", "unbuffered-logs", "graceful-shutdown",
}  # fmt: skip
SECRET_VALUE = "dw-test-secret-value-8f2c1a"


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    context = copy_app(tmp_path_factory.mktemp("verify") / "app")
    (context / ".env").write_text(f"SECRET_KEY={SECRET_VALUE}\n")
    (context / ".env.example").write_text("SECRET_KEY=changeme\n")
    built = {
        "good": unique("dwtest-verify-good") + ":t",
        "bad": unique("dwtest-verify-bad") + ":t",
    }
    try:
        docker_build(context, "Dockerfile.good", built["good"])
        # apt-get in the bad image reaches the Debian mirror only with host networking.
        docker_build(context, "Dockerfile.bad", built["bad"], "--network", "host")
        yield built
    finally:
        for ref in built.values():
            remove_image(ref)


def verify_json(image: str, *args: str) -> tuple[int, dict[str, Any]]:
    proc = dockwright("verify", image, "--json", "--label", TEST_LABEL, *args, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def by_id(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {check["id"]: check for check in report["checks"]}


def test_good_image_passes_every_check(images: dict[str, str]) -> None:
    code, report = verify_json(images["good"], "--slow-path", "/slow?seconds=2", "--size-budget", "5")
    checks = by_id(report)
    assert code == 0, json.dumps(report, indent=2)
    assert set(checks) == ALL_CHECKS
    assert all(check["status"] == "pass" for check in checks.values())
    assert checks["non-root"]["metrics"]["uid"] == 10001
    assert 0 < checks["healthy"]["metrics"]["seconds_to_healthy"] < 13
    shutdown = checks["graceful-shutdown"]["metrics"]
    assert shutdown["exit_code"] == 0 and shutdown["request_status"] == 200
    assert shutdown["exit_seconds"] < 5  # half the 10 s kill timeout
    assert shutdown["exit_seconds"] > 0.5  # it waited for the slow request (sent 1 s before SIGTERM)
    assert checks["size"]["metrics"]["base"] == "python:3.13-slim-trixie"
    assert checks["size"]["metrics"]["added_bytes"] < 1_000_000


def test_bad_image_fails_exactly_the_checks_its_defects_break(images: dict[str, str]) -> None:
    code, report = verify_json(images["bad"])
    assert code == 1
    # root user, no HEALTHCHECK, a .env copied in, gcc left in: nothing else is wrong with it.
    assert set(report["failed"]) == {"non-root", "healthcheck", "no-secrets", "no-build-tools"}
    assert report["skipped"] == ["healthy"]  # nothing to become healthy by
    checks = by_id(report)
    secrets = "\n".join(checks["no-secrets"]["evidence"])
    assert "/app/.env: environment file" in secrets and "COPY . /app" in secrets
    assert ".env.example" not in secrets
    assert SECRET_VALUE not in json.dumps(report)
    tools = "\n".join(checks["no-build-tools"]["evidence"])
    assert "compiler (dpkg): " in tools and "gcc-14 " in tools and "/usr/bin/gcc," in tools
    assert "UID 0" in checks["non-root"]["evidence"][0] or "root" in checks["non-root"]["evidence"][0]


def test_text_report_names_each_check(images: dict[str, str]) -> None:
    proc = dockwright("verify", images["bad"], "--label", TEST_LABEL, timeout=300)
    assert proc.returncode == 1
    assert (
        "FAIL non-root" in proc.stdout and "PASS exec-form" in proc.stdout and "SKIP healthy" in proc.stdout
    )
    assert "4 failed: non-root, healthcheck, no-secrets, no-build-tools" in proc.stdout


def test_app_writing_outside_tmp_fails_the_read_only_start(images: dict[str, str]) -> None:
    code, report = verify_json(images["good"], "--env", "DW_WRITE_AT_START=/app/state.txt")
    checks = by_id(report)
    assert code == 1 and report["failed"] == ["hardened-start"]
    assert "Read-only file system" in "\n".join(checks["hardened-start"]["evidence"])
    assert {"healthy", "http", "unbuffered-logs", "graceful-shutdown"} <= set(report["skipped"])


def test_writing_to_tmp_is_fine(images: dict[str, str]) -> None:
    code, report = verify_json(images["good"], "--env", "DW_WRITE_AT_START=/tmp/state.txt")
    assert code == 0, report["failed"]


def test_buffered_stdout_fails_the_log_check(images: dict[str, str]) -> None:
    # An empty PYTHONUNBUFFERED counts as unset: print() to a pipe is block-buffered again.
    code, report = verify_json(images["good"], "--env", "PYTHONUNBUFFERED=")
    assert code == 1 and report["failed"] == ["unbuffered-logs"]


def test_ignoring_sigterm_fails_graceful_shutdown(images: dict[str, str]) -> None:
    code, report = verify_json(images["good"], "--env", "DW_IGNORE_SIGTERM=1", "--stop-timeout", "3")
    checks = by_id(report)
    assert code == 1 and report["failed"] == ["graceful-shutdown"]
    assert checks["graceful-shutdown"]["metrics"]["exit_code"] == 137


def test_size_budget_is_enforced(images: dict[str, str]) -> None:
    _, report = verify_json(images["bad"], "--size-budget", "50")
    assert "size" in report["failed"]
    assert by_id(report)["size"]["metrics"]["added_bytes"] > 50_000_000


def test_unknown_image_is_an_input_error() -> None:
    proc = dockwright("verify", "dwtest-no-such-image:never")
    assert proc.returncode == 2
    assert proc.stderr.startswith("dockwright: error: image dwtest-no-such-image:never not found locally")


def test_interrupted_verify_removes_its_container(images: dict[str, str], tmp_path: Path) -> None:
    label = f"dockwright.test.run={unique('int')}"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dockwright",
            "verify",
            images["good"],
            "--json",
            "--label",
            TEST_LABEL,
            "--label",
            label,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not containers_with_label(label):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "verify never started its container"
            time.sleep(0.1)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 130, err
        assert containers_with_label(label) == []
    finally:
        if proc.poll() is None:
            proc.kill()
        leftovers = containers_with_label(label)
        if leftovers:
            run([DOCKER, "rm", "-f", *leftovers], check=False)


def test_verify_leaves_no_containers_behind(images: dict[str, str]) -> None:
    label = f"dockwright.test.run={unique('left')}"
    verify_json(images["bad"], "--label", label)
    assert containers_with_label(label) == []


LEAKY_DOCKERFILE = """\
FROM {good}
USER root
ARG API_TOKEN
COPY id_rsa /tmp/id_rsa
COPY dotgit /app/.git
RUN test -n "$API_TOKEN" && rm /tmp/id_rsa
ENV DB_PASSWORD=hunter2-in-the-image
USER app
"""


def test_secrets_are_found_in_env_history_deleted_files_and_git(
    images: dict[str, str], tmp_path: Path
) -> None:
    context = tmp_path / "leaky"
    (context / "dotgit").mkdir(parents=True)
    (context / "dotgit" / "HEAD").write_text("ref: refs/heads/main\n")
    # A made-up key: only its header matters to the scanner.
    (context / "id_rsa").write_text(
        "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAAdGVzdA==\n-----END OPENSSH PRIVATE KEY-----\n"
    )
    (context / "Dockerfile").write_text(LEAKY_DOCKERFILE.format(good=images["good"]))
    tag = unique("dwtest-verify-leaky") + ":t"
    try:
        # Straight through docker: `dockwright build` refuses exactly this --build-arg.
        docker_build(context, "Dockerfile", tag, "--build-arg", "API_TOKEN=tok-in-history-123")
        code, report = verify_json(tag)
        assert code == 1 and report["failed"] == ["no-secrets"], report["failed"]
        evidence = "\n".join(by_id(report)["no-secrets"]["evidence"])
        assert "ENV: DB_PASSWORD: secret-named variable with a value" in evidence
        assert "API_TOKEN: secret-named variable with a value" in evidence
        assert "/tmp/id_rsa (deleted by a later layer, still extractable): SSH private key" in evidence
        assert "/tmp/id_rsa: private key" in evidence  # and its content, in the layer that added it
        assert "/app/.git: git repository data" in evidence
        for value in ("hunter2-in-the-image", "tok-in-history-123", "AAAAdGVzdA"):
            assert value not in json.dumps(report)
    finally:
        remove_image(tag)


def test_shell_form_cmd_fails_exec_form(images: dict[str, str], tmp_path: Path) -> None:
    context = tmp_path / "shellform"
    context.mkdir()
    (context / "Dockerfile").write_text(f"FROM {images['good']}\nCMD python app.py\n")
    tag = unique("dwtest-verify-shell") + ":t"
    try:
        docker_build(context, "Dockerfile", tag)
        code, report = verify_json(tag)
        assert code == 1 and "exec-form" in report["failed"]
        assert "CMD is shell form" in by_id(report)["exec-form"]["evidence"][0]
    finally:
        remove_image(tag)


def test_joins_a_user_network(images: dict[str, str]) -> None:
    network = unique("dwtest-net")
    run([DOCKER, "network", "create", "--label", TEST_LABEL, network])
    try:
        code, report = verify_json(images["good"], "--network", network)
        assert code == 0, report["failed"]
    finally:
        run([DOCKER, "network", "rm", network], check=False)
