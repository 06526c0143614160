"""Secret and junk patterns: names, values, file paths and content formats."""

from __future__ import annotations

import pytest

from dockwright.verify.secrets import (
    content_reasons,
    env_findings,
    is_placeholder,
    is_secret_name,
    path_reason,
    redact,
    wants_content_scan,
)


@pytest.mark.parametrize(
    "name",
    ["DB_PASSWORD", "POSTGRES_PASSWORD", "dbpassword", "MYSQL_ROOT_PASSWD", "SECRET_KEY", "DJANGO_SECRET_KEY",
     "GITHUB_TOKEN", "ACCESSTOKEN", "HF_TOKENS", "API_KEY", "STRIPE_APIKEY", "AWS_ACCESS_KEY_ID",
     "PRIVATE_KEY"],
)  # fmt: skip
def test_secret_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize(
    "name",
    ["TOKENIZERS_PARALLELISM", "PATH", "DATABASE_URL", "POSTGRES_PASSWORD_FILE", "PYTHONUNBUFFERED",
     "KEYBOARD", "SECRETS_DIR", "MONKEY_BUSINESS"],
)  # fmt: skip
def test_not_secret_names(name: str) -> None:
    assert not is_secret_name(name)


@pytest.mark.parametrize("value", ["", "changeme", "<your key>", "${SECRET}", "$SECRET", "xxxx", "CHANGE-ME"])
def test_placeholders(value: str) -> None:
    assert is_placeholder(value)


def test_real_values_are_not_placeholders_and_are_redacted() -> None:
    assert not is_placeholder("hunter2-but-longer")
    assert redact("hunter2-but-longer") == "hu…(18 chars)"
    assert "hunter2" not in redact("hunter2-but-longer")
    assert redact("abc") == "****"


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("app/.env", "environment file"),
        ("app/.env.production", "environment file"),
        ("app/.git/config", "git repository"),
        ("app/.git", "git repository"),
        ("root/.aws/credentials", "AWS"),
        ("home/app/.config/gcloud/application_default_credentials.json", "Google Cloud"),
        ("root/.ssh/id_ed25519", "SSH private key"),
        ("app/certs/server.p12", "key store"),
        ("root/.netrc", "netrc"),
        ("root/.docker/config.json", "Docker registry"),
    ],
)
def test_path_reasons(path: str, reason: str) -> None:
    found = path_reason(path)
    assert found is not None and reason in found


@pytest.mark.parametrize(
    "path",
    ["app/.env.example", "app/.env.sample", "app/environment.py", "app/.gitignore", "etc/ssl/certs/x.pem"],
)
def test_paths_that_may_ship(path: str) -> None:
    assert path_reason(path) is None


def test_content_formats() -> None:
    key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAA\n-----END OPENSSH PRIVATE KEY-----"
    assert content_reasons(key) == ["private key"]
    assert content_reasons("aws_access_key_id = AKIAIOSFODNN7EXAMPLE") == ["AWS access key id"]
    assert "Google Cloud service account key" in content_reasons(
        '{"type": "service_account", "private_key": "x"}'
    )
    assert content_reasons("token: ghp_" + "a" * 36) == ["GitHub token"]
    assert content_reasons("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----") == []
    assert content_reasons("import os\nprint(os.environ['SECRET_KEY'])\n") == []


def test_env_findings_flag_values_not_names_alone() -> None:
    findings = env_findings(
        ["DB_PASSWORD=hunter2-real", "SECRET_KEY=", "API_TOKEN=changeme", "NOTE=AKIAIOSFODNN7EXAMPLE"]
    )
    assert [(f.what, "hunter2" in f.why) for f in findings] == [("DB_PASSWORD", False), ("NOTE", False)]
    assert "AWS access key id" in findings[1].why


def test_content_scan_scope_skips_installed_packages() -> None:
    assert wants_content_scan("app/settings.py", 1000)
    assert not wants_content_scan("opt/venv/lib/python3.13/site-packages/tornado/test/test.key", 1000)
    assert not wants_content_scan("usr/share/doc/x/README", 1000)
    assert not wants_content_scan("app/huge.json", 10_000_000)
    assert not wants_content_scan("app/empty", 0)
