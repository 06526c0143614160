"""Unit tests run without services: SQLite in memory stands in for Postgres, fakeredis for Redis."""

from __future__ import annotations

from collections.abc import Iterator

import fakeredis
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.pool import StaticPool

import app.main
from app.config import Settings
from app.db import Base


@pytest.fixture
def redis_server() -> fakeredis.FakeServer:
    return fakeredis.FakeServer()


@pytest.fixture
def redis_client(redis_server: fakeredis.FakeServer) -> fakeredis.FakeRedis:
    return fakeredis.FakeRedis(server=redis_server)


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch, redis_client: fakeredis.FakeRedis) -> Iterator[TestClient]:
    # One shared in-memory SQLite connection (StaticPool), so every session sees the same tables.
    from sqlalchemy import create_engine

    engine = create_engine("sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool)
    Base.metadata.create_all(engine)
    monkeypatch.setattr(app.main, "make_engine", lambda url: engine)
    settings = Settings(database_url="sqlite://", redis_url="redis://unused", cache_ttl_seconds=30)
    with TestClient(app.main.create_app(settings, redis_client=redis_client)) as test_client:
        yield test_client
