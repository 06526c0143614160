"""Each example, end to end on the real engine: init -> build -> verify -> compose up -> real requests.

The requests write and read through the real services of the generated compose file (Postgres and
Redis stand-ins), then ``docker compose down -v`` removes everything, also when a step fails.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from e2e_support import (
    BuiltExample,
    ComposeStack,
    ExampleImages,
    dockwright,
    http,
    remove_labelled_leftovers,
    unique_name,
    wait_for,
    write_env_from_example,
)

pytestmark = pytest.mark.engine


# --- what each example's stack is asked to do -------------------------------------------------------


def exercise_notes(stack: ComposeStack, base: str) -> None:
    """FastAPI: write a note to Postgres, read it through the Redis cache, then from Postgres again."""
    health = http("GET", f"{base}/healthz")
    assert health.status == 200, health.body
    assert health.json()["checks"] == {"postgres": "ok", "redis": "ok"}

    created = http("POST", f"{base}/notes", {"title": "e2e", "body": "written through compose"})
    assert created.status == 201, created.body
    note_id = created.json()["id"]

    first = http("GET", f"{base}/notes/{note_id}")
    second = http("GET", f"{base}/notes/{note_id}")
    assert (first.status, first.headers["x-cache"]) == (200, "miss")
    assert (second.status, second.headers["x-cache"]) == (200, "hit")
    assert second.json() == first.json()

    # The cached copy really lives in Redis: drop it there, and the next read comes from Postgres.
    key = f"notes:v1:{note_id}"
    assert stack.compose("exec", "-T", "redis", "redis-cli", "EXISTS", key).stdout.strip() == "1"
    stack.compose("exec", "-T", "redis", "redis-cli", "DEL", key)
    from_db = http("GET", f"{base}/notes/{note_id}")
    assert from_db.headers["x-cache"] == "miss"
    assert from_db.json()["body"] == "written through compose"
    assert any(n["id"] == note_id for n in http("GET", f"{base}/notes").json())

    # Redis down: /healthz names it (503), reads fall back to Postgres; back up, the cache is used again.
    stack.compose("stop", "redis")
    try:
        down = http("GET", f"{base}/healthz")
        assert down.status == 503, down.body
        assert down.json()["checks"]["postgres"] == "ok"
        assert down.json()["checks"]["redis"].startswith("error")
        bypass = http("GET", f"{base}/notes/{note_id}")
        assert (bypass.status, bypass.headers["x-cache"]) == (200, "bypass")
    finally:
        stack.compose("start", "redis")
    wait_for(lambda: http("GET", f"{base}/healthz").status == 200, timeout=30, what="Redis to be back")

    # JSON logs on stdout: every line the app printed is one JSON object; our requests are in it.
    lines = [line.split("|", 1)[1].strip() for line in stack.logs("app").splitlines() if "|" in line]
    records = [json.loads(line) for line in lines if line]
    assert any(r.get("path") == f"/notes/{note_id}" and r.get("status") == 200 for r in records), lines[-10:]


def exercise_guestbook(stack: ComposeStack, base: str) -> None:
    """Django: write an entry (Postgres), let the Celery worker (Redis) update it, serve static files."""
    health = http("GET", f"{base}/healthz/")
    assert health.status == 200, health.body
    assert health.json()["checks"] == {"database": "ok", "redis": "ok"}

    created = http("POST", f"{base}/api/entries/", {"name": "e2e", "message": "counted by the celery worker"})
    assert created.status == 201, created.body
    entry_id = created.json()["id"]

    def word_count() -> int | None:
        count: int | None = http("GET", f"{base}/api/entries/{entry_id}/").json()["word_count"]
        return count

    assert wait_for(word_count, timeout=30, what="the Celery worker to count the words") == 5

    page = http("GET", f"{base}/")
    assert page.status == 200
    # collectstatic ran at build time: the page links the hashed name from the manifest.
    match = re.search(r'href="(/static/guestbook/style\.[0-9a-f]{12}\.css)"', page.body.decode())
    assert match, page.body.decode()[:500]
    css = http("GET", f"{base}{match.group(1)}")
    assert css.status == 200
    assert css.headers["content-type"].startswith("text/css")
    assert b".entries" in css.body


def exercise_visits(stack: ComposeStack, base: str) -> None:
    """Flask: counters live in Redis, so they survive a restart of the app container."""
    health = http("GET", f"{base}/healthz")
    assert health.status == 200, health.body
    for expected in (1, 2, 3):
        assert http("POST", f"{base}/visits/home").json() == {"page": "home", "visits": expected}
    assert (
        stack.compose("exec", "-T", "redis", "redis-cli", "HGET", "visits:v1", "home").stdout.strip() == "3"
    )

    stack.compose("restart", "app")
    stack.up()  # waits until the restarted app is healthy again
    port = stack.host_port(EXAMPLE_SPECS["flask-redis"].port)
    assert http("GET", f"http://127.0.0.1:{port}/visits/home").json()["visits"] == 3


@dataclass(frozen=True)
class ExampleSpec:
    port: int  # the container port the generated compose file publishes
    services: tuple[str, ...]  # backing stores of the generated compose file
    slow_path: str  # the example's slow route, in flight while verify sends SIGTERM
    env: dict[str, str]  # .env values beyond .env.example's (its secrets are always replaced)
    exercise: Callable[[ComposeStack, str], None]


EXAMPLE_SPECS: dict[str, ExampleSpec] = {
    "fastapi-postgres-redis": ExampleSpec(8000, ("postgres", "redis"), "/slow?seconds=2", {}, exercise_notes),
    "django-postgres-celery": ExampleSpec(
        8000, ("postgres", "redis"), "/slow/?seconds=2", {}, exercise_guestbook
    ),
    "flask-redis": ExampleSpec(8000, ("redis",), "/slow?seconds=2", {}, exercise_visits),
}


@pytest.fixture
def stack_for(example_images: ExampleImages) -> Iterator[Callable[[str], tuple[BuiltExample, ComposeStack]]]:
    stacks: list[ComposeStack] = []

    def make(name: str) -> tuple[BuiltExample, ComposeStack]:
        built = example_images.get(name)
        stack = ComposeStack(built.project, unique_name("dwe2e"), built.image)
        stacks.append(stack)
        return built, stack

    try:
        yield make
    finally:
        for stack in stacks:
            stack.down()
            remove_labelled_leftovers(stack.project)


def verify_against_services(built: BuiltExample, stack: ComposeStack, spec: ExampleSpec) -> dict[str, Any]:
    """``dockwright verify`` on the built image, on the stack's network with the app's compose environment.

    The examples' health endpoints check their databases, so the image is verified next to the
    backing services that the generated compose file starts, as a careful orchestrator would run it.
    """
    config = stack.config(*stack.files)
    app = config["services"][stack.app_service]
    network = next(iter(config["networks"].values()))["name"]
    env_args = [
        arg for key, value in (app.get("environment") or {}).items() for arg in ("--env", f"{key}={value}")
    ]
    proc = dockwright(
        "verify", built.image, "--json", "--network", network, "--slow-path", spec.slow_path,
        "--label", "dockwright.test=1", *env_args, check=False,
    )  # fmt: skip
    try:
        report: dict[str, Any] = json.loads(proc.stdout)
    except json.JSONDecodeError as err:
        raise AssertionError(
            f"verify printed no JSON report (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
        ) from err
    not_passed = {c["id"]: (c["status"], c["evidence"]) for c in report["checks"] if c["status"] != "pass"}
    assert not not_passed, f"verify: checks not passed: {json.dumps(not_passed, indent=2)}"
    assert proc.returncode == 0, proc.stderr
    return report


@pytest.mark.parametrize("name", list(EXAMPLE_SPECS))
def test_example_end_to_end(name: str, stack_for: Callable[[str], tuple[BuiltExample, ComposeStack]]) -> None:
    """init -> build (session fixture) -> verify next to the services -> whole stack up -> real requests."""
    spec = EXAMPLE_SPECS[name]
    built, stack = stack_for(name)
    write_env_from_example(built.project, spec.env)
    stack.write_override(spec.port)
    stack.up(*spec.services)  # the backing stores only: what verify needs around the image
    report = verify_against_services(built, stack, spec)
    assert {c["id"] for c in report["checks"]} >= {"healthy", "graceful-shutdown", "non-root", "no-secrets"}

    stack.up()
    base = f"http://127.0.0.1:{stack.host_port(spec.port)}"
    spec.exercise(stack, base)
