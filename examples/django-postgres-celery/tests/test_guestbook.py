"""Run with development settings: SQLite, Celery tasks executed inline (CELERY_TASK_ALWAYS_EAGER)."""

import json

import pytest
from django.core.management import call_command
from django.test import Client

from guestbook.models import Entry
from guestbook.tasks import count_words

pytestmark = pytest.mark.django_db


def post_entry(client: Client, **body: object):
    return client.post("/api/entries/", data=json.dumps(body), content_type="application/json")


def test_post_creates_an_entry_and_the_task_counts_its_words(client: Client) -> None:
    response = post_entry(client, name="Ada", message="  hello there  general kenobi ")
    assert response.status_code == 201
    entry_id = response.json()["id"]
    # The task ran eagerly, after the response body was built.
    assert client.get(f"/api/entries/{entry_id}/").json()["word_count"] == 4
    assert [e["name"] for e in client.get("/api/entries/").json()["entries"]] == ["Ada"]


def test_invalid_bodies_are_rejected_with_reasons(client: Client) -> None:
    assert post_entry(client, name="", message="x").json() == {"errors": {"name": "1 to 80 characters"}}
    bad_json = client.post("/api/entries/", data="{", content_type="application/json")
    assert bad_json.status_code == 400
    assert client.get("/api/entries/999/").status_code == 404
    assert Entry.objects.count() == 0


def test_count_words_ignores_a_deleted_entry() -> None:
    assert count_words(123456) is None


def test_index_renders_entries_and_links_the_stylesheet(client: Client) -> None:
    Entry.objects.create(name="Grace", message="first!", word_count=1)
    page = client.get("/").content.decode()
    assert "Grace" in page and "(1 words)" in page
    assert "/static/guestbook/style.css" in page


def test_healthz_names_the_failing_dependency(client: Client, settings) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz/", HTTP_HOST="10.1.2.3:8000")  # an IP not in ALLOWED_HOSTS
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "ok"
    assert response.json()["checks"]["redis"].startswith("error")


def test_other_paths_still_validate_the_host(client: Client) -> None:
    assert client.get("/api/entries/", HTTP_HOST="evil.example").status_code == 400


def test_production_settings_refuse_to_start_without_a_secret_key(monkeypatch) -> None:
    import importlib
    import sys

    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.delenv("DJANGO_SECRET_KEY", raising=False)
    sys.modules.pop("config.settings.production", None)
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY"):
        importlib.import_module("config.settings.production")


def test_migrations_match_the_models() -> None:
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_slow_waits_and_is_bounded(client: Client) -> None:
    assert client.get("/slow/?seconds=0.01").json() == {"slept": 0.01}
    assert client.get("/slow/?seconds=31").status_code == 400
