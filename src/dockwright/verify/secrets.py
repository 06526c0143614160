"""What counts as a secret or junk in an image: data tables and small pure matchers.

Three kinds of evidence, each a table so adding a pattern is adding a row:
- file names that must never ship (``.env`` files, ``.git``, key stores, cloud credential files);
- content patterns of credentials (private key blocks, cloud and SaaS token formats);
- ENV/ARG names that hold secrets (PASSWORD, SECRET, TOKEN ...) when they carry a real value.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

# .env templates that are meant to be committed and shipped: they hold placeholders, not values.
ENV_TEMPLATE_NAMES = frozenset({".env.example", ".env.sample", ".env.template", ".env.dist"})

# (exact path suffix, reason): credential files of cloud CLIs, package indexes, registries, git, ssh.
CREDENTIAL_FILES: tuple[tuple[str, str], ...] = (
    (".aws/credentials", "AWS CLI credentials"),
    (".config/gcloud/application_default_credentials.json", "Google Cloud application credentials"),
    (".config/gcloud/credentials.db", "Google Cloud CLI credentials"),
    (".azure/accessTokens.json", "Azure CLI access tokens"),
    (".azure/msal_token_cache.json", "Azure CLI token cache"),
    (".docker/config.json", "Docker registry credentials"),
    (".kube/config", "Kubernetes credentials"),
    (".git-credentials", "git credentials"),
    (".netrc", "netrc credentials"),
    (".pypirc", "package index upload credentials"),
    (".npmrc", "npm credentials"),
    (".pgpass", "PostgreSQL password file"),
    (".ssh/id_rsa", "SSH private key"),
    (".ssh/id_dsa", "SSH private key"),
    (".ssh/id_ecdsa", "SSH private key"),
    (".ssh/id_ed25519", "SSH private key"),
)

# Key stores that are binary: their name is the only evidence we can read.
KEYSTORE_SUFFIXES = (".p12", ".pfx", ".jks", ".keystore")
SSH_KEY_NAMES = frozenset({"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"})

# (name, pattern): credentials recognisable by their format wherever they appear.
CONTENT_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "private key",
        re.compile(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----"),
    ),
    ("AWS access key id", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("AWS secret access key", re.compile(r"(?i)aws_secret_access_key\s*[=:]\s*['\"]?[A-Za-z0-9/+]{40}\b")),
    ("Google Cloud service account key", re.compile(r"\"type\"\s*:\s*\"service_account\"")),
    ("Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("GitHub token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{50,})\b")),
    ("Slack token", re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}\b")),
    ("Stripe live key", re.compile(r"\b[sr]k_live_[0-9a-zA-Z]{24,}\b")),
    ("Azure storage account key", re.compile(r"AccountKey=[A-Za-z0-9+/=]{80,}")),
)

# Name words that mark a secret. PASSWORD/PASSWD/SECRET match anywhere in the name (*PASSWORD*);
# TOKEN only as a word's end or whole word, so TOKENIZERS_PARALLELISM is not a secret but
# GITHUB_TOKEN and ACCESSTOKEN are.
_ANYWHERE_WORDS = ("PASSWORD", "PASSWD", "SECRET")
_KEY_PAIRS = frozenset(
    {("API", "KEY"), ("ACCESS", "KEY"), ("PRIVATE", "KEY"), ("SECRET", "KEY"), ("AUTH", "KEY")}
)
# Names that point at a secret instead of holding one (Docker/Kubernetes *_FILE convention).
_POINTER_SUFFIXES = ("_FILE", "_PATH", "_DIR", "_LENGTH", "_BACKEND")

# Values that are obviously not real secrets.
_PLACEHOLDER = re.compile(
    r"^(?:|changeme|change-me|change_me|placeholder|example|dummy|none|null|false|true|0|x+|\*+|<[^>]*>|"
    r"\$\{[^}]*\}|\$[A-Z_][A-Z0-9_]*|please-change.*|replace-me|unset)$",
    re.IGNORECASE,
)


def is_secret_name(name: str) -> bool:
    """True when an ENV/ARG name says it holds a secret: DB_PASSWORD, SECRET_KEY, GITHUB_TOKEN ..."""
    upper = name.upper()
    if upper.endswith(_POINTER_SUFFIXES):
        return False
    if any(word in upper for word in _ANYWHERE_WORDS):
        return True
    words = [w for w in re.split(r"[^A-Z0-9]+", upper) if w]
    if any(w.endswith("TOKEN") or w.endswith("TOKENS") or w == "APIKEY" for w in words):
        return True
    return any(pair in _KEY_PAIRS for pair in itertools.pairwise(words))


def is_placeholder(value: str) -> bool:
    return bool(_PLACEHOLDER.match(value.strip().strip("'\"")))


def redact(value: str) -> str:
    """Enough of a value to recognise it in evidence, never the whole secret."""
    value = value.strip()
    if len(value) <= 4:
        return "****"
    return f"{value[:2]}…({len(value)} chars)"


@dataclass(frozen=True)
class SecretFinding:
    where: str  # "ENV", "ARG (history)", "layer 4 (COPY . /app)", ...
    what: str  # "/app/.env", "DB_PASSWORD", ...
    why: str  # "environment file", "private key", ...

    def __str__(self) -> str:
        return f"{self.where}: {self.what}: {self.why}"


def path_reason(path: str) -> str | None:
    """Why a file at ``path`` (inside the image, no leading slash needed) must not ship, or None."""
    parts = PurePosixPath("/" + path.lstrip("/")).parts
    name = parts[-1] if parts else ""
    if ".git" in parts[:-1] or name == ".git":
        return "git repository data (.git)"
    if (name == ".env" or name.startswith(".env.")) and name not in ENV_TEMPLATE_NAMES:
        return "environment file (.env*)"
    normalised = "/".join(parts[1:])
    for suffix, reason in CREDENTIAL_FILES:
        if normalised == suffix or normalised.endswith("/" + suffix):
            return reason
    if name in SSH_KEY_NAMES:
        return "SSH private key"
    if name.lower().endswith(KEYSTORE_SUFFIXES):
        return "key store"
    return None


def content_reasons(text: str) -> list[str]:
    """Credential formats found in a text file's content."""
    return [name for name, pattern in CONTENT_PATTERNS if pattern.search(text)]


def env_findings(env: list[str], where: str = "ENV") -> list[SecretFinding]:
    """``KEY=value`` strings (image config Env or recorded build args) holding secrets."""
    findings: list[SecretFinding] = []
    for item in env:
        name, _, value = item.partition("=")
        if is_secret_name(name) and not is_placeholder(value):
            findings.append(
                SecretFinding(where, name, f"secret-named variable with a value ({redact(value)})")
            )
            continue
        for reason in content_reasons(value):
            findings.append(SecretFinding(where, name, f"value looks like a {reason}"))
    return findings


# Content scanning skips what the app did not write: packages' own files and system trees.
_CONTENT_SKIP = re.compile(
    r"(?:^|/)(?:site-packages|dist-packages|__pycache__|node_modules)/|"
    r"^(?:usr/(?:share|lib|include|lib64|libexec)|var/lib/dpkg|var/cache|var/log|proc|sys)/"
)


def wants_content_scan(path: str, size: int, limit: int = 512 * 1024) -> bool:
    return 0 < size <= limit and not _CONTENT_SKIP.search(path.lstrip("/"))
