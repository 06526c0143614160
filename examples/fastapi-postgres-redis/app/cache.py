"""Read-through cache of single notes in Redis, stored as JSON with a TTL."""

from __future__ import annotations

import json
from typing import Any

from redis import Redis


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
        self._client.set(self.key(note_id), json.dumps(note), ex=self._ttl)

    def forget(self, note_id: int) -> None:
        self._client.delete(self.key(note_id))
