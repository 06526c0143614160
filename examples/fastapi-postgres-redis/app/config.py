"""Configuration from the environment (12-factor): nothing secret has a default."""

from __future__ import annotations

import os
from dataclasses import dataclass


class ConfigError(RuntimeError):
    """A required environment variable is missing or malformed."""


def sqlalchemy_url(database_url: str) -> str:
    """Make a libpq-style URL (``postgres://`` or ``postgresql://``) use the psycopg 3 driver.

    Platforms and compose files hand out driver-less URLs; SQLAlchemy would pick psycopg2 for
    them, which this app does not install.
    """
    for prefix in ("postgres://", "postgresql://"):
        if database_url.startswith(prefix):
            return "postgresql+psycopg://" + database_url[len(prefix) :]
    return database_url


@dataclass(frozen=True)
class Settings:
    database_url: str
    redis_url: str
    cache_ttl_seconds: int = 60
    log_level: str = "INFO"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        missing = [name for name in ("DATABASE_URL", "REDIS_URL") if not env.get(name)]
        if missing:
            raise ConfigError(f"missing environment variable(s): {', '.join(missing)}")
        try:
            ttl = int(env.get("CACHE_TTL_SECONDS", "60"))
        except ValueError as err:
            raise ConfigError(
                f"CACHE_TTL_SECONDS must be an integer, got {env['CACHE_TTL_SECONDS']!r}"
            ) from err
        return cls(
            database_url=sqlalchemy_url(env["DATABASE_URL"]),
            redis_url=env["REDIS_URL"],
            cache_ttl_seconds=ttl,
            log_level=env.get("LOG_LEVEL", "INFO").upper(),
        )
