from __future__ import annotations

import fakeredis
import pytest
from fastapi.testclient import TestClient

from app.config import ConfigError, Settings, sqlalchemy_url


def test_create_then_read_goes_through_the_cache(
    client: TestClient, redis_client: fakeredis.FakeRedis
) -> None:
    created = client.post("/notes", json={"title": "groceries", "body": "milk"})
    assert created.status_code == 201
    note_id = created.json()["id"]

    first = client.get(f"/notes/{note_id}")
    assert first.status_code == 200
    assert first.headers["X-Cache"] == "miss"
    assert first.json()["body"] == "milk"
    assert redis_client.ttl(f"notes:v1:{note_id}") > 0

    second = client.get(f"/notes/{note_id}")
    assert second.headers["X-Cache"] == "hit"
    assert second.json() == first.json()


def test_update_invalidates_the_cached_copy(client: TestClient) -> None:
    note_id = client.post("/notes", json={"title": "a"}).json()["id"]
    client.get(f"/notes/{note_id}")  # fills the cache
    updated = client.put(f"/notes/{note_id}", json={"title": "b", "body": "new"})
    assert updated.status_code == 200
    again = client.get(f"/notes/{note_id}")
    assert again.headers["X-Cache"] == "miss"
    assert again.json()["title"] == "b"


def test_delete_then_404(client: TestClient) -> None:
    note_id = client.post("/notes", json={"title": "gone soon"}).json()["id"]
    client.get(f"/notes/{note_id}")
    assert client.delete(f"/notes/{note_id}").status_code == 204
    assert client.get(f"/notes/{note_id}").status_code == 404


def test_list_is_newest_first_and_validates_input(client: TestClient) -> None:
    for title in ("one", "two", "three"):
        client.post("/notes", json={"title": title})
    assert [n["title"] for n in client.get("/notes", params={"limit": 2}).json()] == ["three", "two"]
    assert client.post("/notes", json={"title": ""}).status_code == 422
    assert client.get("/notes", params={"limit": 0}).status_code == 422


def test_healthz_reports_each_dependency(client: TestClient, redis_server: fakeredis.FakeServer) -> None:
    ok = client.get("/healthz")
    assert ok.status_code == 200
    assert ok.json() == {"status": "ok", "checks": {"postgres": "ok", "redis": "ok"}}

    redis_server.connected = False  # fakeredis then raises ConnectionError like a dead server
    down = client.get("/healthz")
    assert down.status_code == 503
    assert down.json()["checks"]["postgres"] == "ok"
    assert down.json()["checks"]["redis"].startswith("error")


def test_reads_and_writes_survive_a_redis_outage(
    client: TestClient, redis_server: fakeredis.FakeServer
) -> None:
    note_id = client.post("/notes", json={"title": "resilient"}).json()["id"]
    redis_server.connected = False
    read = client.get(f"/notes/{note_id}")
    assert (read.status_code, read.headers["X-Cache"]) == (200, "bypass")
    assert client.put(f"/notes/{note_id}", json={"title": "still works"}).status_code == 200
    redis_server.connected = True
    assert client.get(f"/notes/{note_id}").json()["title"] == "still works"


def test_slow_waits_and_is_bounded(client: TestClient) -> None:
    assert client.get("/slow", params={"seconds": 0.05}).json() == {"slept": 0.05}
    assert client.get("/slow", params={"seconds": 31}).status_code == 422


def test_settings_from_env() -> None:
    settings = Settings.from_env(
        {"DATABASE_URL": "postgres://u:p@db/notes", "REDIS_URL": "redis://cache:6379/0"}
    )
    assert settings.database_url == "postgresql+psycopg://u:p@db/notes"
    assert settings.cache_ttl_seconds == 60
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        Settings.from_env({"REDIS_URL": "redis://cache"})
    assert sqlalchemy_url("sqlite://") == "sqlite://"
