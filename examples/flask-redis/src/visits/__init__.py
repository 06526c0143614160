"""visits: count page views per path in Redis. Served with ``gunicorn 'visits:create_app()'``."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping
from typing import Any

from flask import Flask
from redis import Redis

from .views import bp


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Application factory. Configuration: REDIS_URL from the environment, or ``test_config``."""
    app = Flask(__name__)
    app.config.from_mapping(
        REDIS_URL=os.environ.get("REDIS_URL"),
        SLOW_MAX_SECONDS=30.0,
    )
    if test_config is not None:
        app.config.from_mapping(test_config)
    if app.config.get("REDIS") is None:
        if not app.config["REDIS_URL"]:
            raise RuntimeError("REDIS_URL is not set (e.g. redis://redis:6379/0)")
        app.config["REDIS"] = Redis.from_url(
            app.config["REDIS_URL"], socket_timeout=2, socket_connect_timeout=2, decode_responses=True
        )
    _log_to_stdout(app)
    app.register_blueprint(bp)
    return app


def _log_to_stdout(app: Flask) -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    app.logger.handlers[:] = [handler]
    app.logger.setLevel(os.environ.get("LOG_LEVEL", "INFO"))
    app.logger.propagate = False


__all__ = ["create_app"]
