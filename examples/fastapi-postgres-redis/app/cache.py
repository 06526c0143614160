"""Read-through cache of single notes in Redis, stored as JSON with a TTL."""

from __future__ import annotations

import json
import logging
from typing import Any

from redis import Redis
from redis.exceptions import RedisError

log = logging.getLogger("notes.cache")


class NoteCache:
    def __init__(self, client: Redis, ttl_seconds: int) -> None:
        self._client = client
        self._ttl = ttl_seconds

    @staticmethod
    def key(note_id: int) -> str:
        return f"notes:v1:{note_id}"

    def get(self, note_id: int) -> dict[str, Any] | None:
        raw = self._client.get(self.key(note_id))
        return None if raw is None else json.loads(raw)

    def put(self, note_id: int, note: dict[str, Any]) -> None:
        """Cache a copy for the TTL; a Redis failure is logged, not raised (the next read misses)."""
        try:
            self._client.set(self.key(note_id), json.dumps(note), ex=self._ttl)
        except RedisError as err:
            log.warning("cache put failed", extra={"note_id": note_id, "error": type(err).__name__})

    def forget(self, note_id: int) -> None:
        """Drop the cached copy; a Redis failure is logged, not raised (the TTL bounds staleness)."""
        try:
            self._client.delete(self.key(note_id))
        except RedisError as err:
            log.warning("cache forget failed", extra={"note_id": note_id, "error": type(err).__name__})
