"""Dependency checks behind /healthz/: the database and the Celery broker (Redis)."""

import redis
from django.conf import settings
from django.db import DatabaseError, connection


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except DatabaseError as err:
        return f"error: {type(err).__name__}"


def check_redis() -> str:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
        return "ok"
    except redis.RedisError as err:
        return f"error: {type(err).__name__}"
    finally:
        client.close()


def run_checks() -> dict[str, str]:
    return {"database": check_database(), "redis": check_redis()}
