from __future__ import annotations

import time

from flask import Blueprint, abort, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from redis import Redis, RedisError

bp = Blueprint("visits", __name__)

# One hash holds every counter: field = page name, value = visits.
COUNTERS_KEY = "visits:v1"


def redis() -> Redis:
    client: Redis = current_app.config["REDIS"]
    return client


def valid_page(page: str) -> str:
    if not 0 < len(page) <= 64 or not page.replace("-", "").replace("_", "").isalnum():
        abort(400, description="page names are 1-64 letters, digits, '-' or '_'")
    return page


@bp.post("/visits/<page>")
def visit(page: str) -> ResponseReturnValue:
    """Count one visit of ``page`` (atomic HINCRBY) and return the new total."""
    count = redis().hincrby(COUNTERS_KEY, valid_page(page), 1)
    current_app.logger.info("visit page=%s count=%s", page, count)
    return jsonify(page=page, visits=count)


@bp.get("/visits/<page>")
def visits_of(page: str) -> ResponseReturnValue:
    count = redis().hget(COUNTERS_KEY, valid_page(page))
    return jsonify(page=page, visits=int(count or 0))


@bp.get("/visits")
def all_visits() -> ResponseReturnValue:
    counts = {page: int(count) for page, count in redis().hgetall(COUNTERS_KEY).items()}
    return jsonify(pages=counts, total=sum(counts.values()))


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    try:
        redis().ping()
    except RedisError as err:
        current_app.logger.warning("unhealthy: redis %s", type(err).__name__)
        return jsonify(status="unavailable", checks={"redis": f"error: {type(err).__name__}"}), 503
    return jsonify(status="ok", checks={"redis": "ok"})


@bp.get("/slow")
def slow() -> ResponseReturnValue:
    """Answer after ``?seconds=`` (default 2): a request in flight for the graceful-shutdown check."""
    try:
        seconds = float(request.args.get("seconds", "2"))
    except ValueError:
        abort(400, description="seconds must be a number")
    if not 0 <= seconds <= current_app.config["SLOW_MAX_SECONDS"]:
        abort(400, description="seconds must be between 0 and 30")
    time.sleep(seconds)
    return jsonify(slept=seconds)
