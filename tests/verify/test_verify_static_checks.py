"""Checks decided from config and history alone, on data shaped like `docker image inspect`."""

from __future__ import annotations

from dockwright.engine.images import BaseImage, parse_history
from dockwright.verify.static_checks import (
    check_build_tools,
    check_exec_form,
    check_healthcheck,
    check_non_root,
    check_size,
    secret_findings_in_config,
)

PASSWD = "root:x:0:0::/root:/bin/sh\napp:x:10001:10001::/app:/usr/sbin/nologin\n"


def test_non_root() -> None:
    assert check_non_root("app", PASSWD).status == "pass"
    assert check_non_root("10001:10001", None).status == "pass"
    assert check_non_root("", PASSWD).status == "fail"
    assert check_non_root("root", PASSWD).status == "fail"
    assert check_non_root("0", PASSWD).status == "fail"
    unknown = check_non_root("ghost", PASSWD)
    assert unknown.status == "fail" and "not in /etc/passwd" in unknown.evidence[0]


def test_healthcheck() -> None:
    config = {"Healthcheck": {"Test": ["CMD", "python", "-c", "x"], "Interval": 5_000_000_000}}
    result = check_healthcheck(config)
    assert result.status == "pass" and "interval 5s" in result.evidence[1]
    assert check_healthcheck({"Healthcheck": {"Test": ["NONE"]}}).status == "fail"
    assert check_healthcheck({}).status == "fail"


def test_exec_form() -> None:
    assert check_exec_form({"Cmd": ["gunicorn", "app:app"]}).status == "pass"
    assert check_exec_form({"Entrypoint": ["tini", "--"], "Cmd": ["python", "app.py"]}).status == "pass"
    assert check_exec_form({"Cmd": ["/bin/sh", "-c", "gunicorn app:app"]}).status == "fail"
    assert check_exec_form({"Entrypoint": ["sh", "-c", "exec x"]}).status == "fail"
    assert check_exec_form({}).status == "fail"


def test_secrets_in_env_build_args_and_history() -> None:
    history = parse_history(
        [
            {"CreatedBy": "RUN |1 NPM_TOKEN=npm_realvalue1234 /bin/sh -c npm ci # buildkit", "Size": "10"},
            {"CreatedBy": "RUN /bin/sh -c echo AKIAIOSFODNN7EXAMPLE > /x # buildkit", "Size": "10"},
            {"CreatedBy": "RUN |1 OCI_REVISION=abc /bin/sh -c true # buildkit", "Size": "0"},
        ]
    )
    config = {"Env": ["PATH=/usr/bin", "DB_PASSWORD=hunter2-real", "SECRET_KEY="], "Labels": {"a": "b"}}
    findings = secret_findings_in_config(config, history)
    described = [str(f) for f in findings]
    assert len(findings) == 3, described
    assert described[0].startswith("ENV: DB_PASSWORD")
    assert any("NPM_TOKEN" in d for d in described)
    assert any("AWS access key id" in d for d in described)
    assert not any(
        "hunter2" in d or "npm_realvalue" in d for d in described
    )  # evidence never repeats a secret


def test_build_tools() -> None:
    passing = check_build_tools({"libpq5": "17"}, ["usr/bin/python3"], "/usr/bin")
    assert passing.status == "pass"
    failing = check_build_tools({"gcc-14": "14.2"}, ["usr/bin/gcc-14"], "/usr/bin")
    assert failing.status == "fail"
    assert failing.evidence == ["compiler (dpkg): gcc-14 14.2", "on PATH: /usr/bin/gcc-14"]


def test_size_budget_applies_to_the_bytes_added_over_the_base() -> None:
    base = BaseImage("python:3.13-slim-trixie", "sha256:b", 177_000_000, 1, "local image")
    within = check_size(200_000_000, base, 50)
    assert within.status == "pass" and within.metrics["added_bytes"] == 23_000_000
    assert check_size(300_000_000, base, 50).status == "fail"
    unknown = check_size(300_000_000, None, 250)
    assert unknown.status == "fail" and "applies to the total" in unknown.evidence[0]
