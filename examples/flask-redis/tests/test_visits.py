from __future__ import annotations

import fakeredis
import pytest
from flask.testing import FlaskClient

from visits import create_app


@pytest.fixture
def server() -> fakeredis.FakeServer:
    return fakeredis.FakeServer()


@pytest.fixture
def client(server: fakeredis.FakeServer) -> FlaskClient:
    app = create_app({"TESTING": True, "REDIS": fakeredis.FakeRedis(server=server, decode_responses=True)})
    return app.test_client()


def test_visits_are_counted_per_page(client: FlaskClient) -> None:
    assert client.post("/visits/home").get_json() == {"page": "home", "visits": 1}
    assert client.post("/visits/home").get_json()["visits"] == 2
    client.post("/visits/about-us")
    assert client.get("/visits/home").get_json() == {"page": "home", "visits": 2}
    assert client.get("/visits/never").get_json()["visits"] == 0
    assert client.get("/visits").get_json() == {"pages": {"home": 2, "about-us": 1}, "total": 3}


def test_bad_page_names_are_rejected(client: FlaskClient) -> None:
    assert client.post("/visits/" + "x" * 65).status_code == 400
    assert client.post("/visits/a.b").status_code == 400


def test_healthz_follows_redis(client: FlaskClient, server: fakeredis.FakeServer) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok", "checks": {"redis": "ok"}}
    server.connected = False
    down = client.get("/healthz")
    assert down.status_code == 503
    assert down.get_json()["checks"]["redis"].startswith("error")


def test_slow_is_bounded(client: FlaskClient) -> None:
    assert client.get("/slow?seconds=0.01").get_json() == {"slept": 0.01}
    assert client.get("/slow?seconds=99").status_code == 400
    assert client.get("/slow?seconds=abc").status_code == 400


def test_factory_needs_redis_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    with pytest.raises(RuntimeError, match="REDIS_URL"):
        create_app()
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    assert create_app().config["REDIS_URL"] == "redis://127.0.0.1:1/0"  # connects lazily
