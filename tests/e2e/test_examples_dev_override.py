"""The development setup: ``docker compose up`` merges compose.override.yaml (source mounted, reload).

That is the command ``init`` tells users to run first, so it must work on every example: the app
answers with the mounted source, and an edit to that source is served without a rebuild.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from e2e_support import (
    ComposeStack,
    ExampleImages,
    http,
    remove_labelled_leftovers,
    unique_name,
    wait_for,
    write_env_from_example,
)

pytestmark = pytest.mark.engine


# A route appended to one module of each example: served only once the server reloaded the code.
RELOAD_EDITS: dict[str, tuple[str, str, str]] = {
    "fastapi-postgres-redis": (
        "app/main.py",
        '\n\n@app.get("/e2e-reloaded")\ndef e2e_reloaded() -> dict[str, bool]:\n'
        '    return {"reloaded": True}\n',
        "/e2e-reloaded",
    ),
    "django-postgres-celery": (
        "guestbook/urls.py",
        "\nfrom django.http import JsonResponse  # noqa: E402\n\n"
        'urlpatterns.append(path("e2e-reloaded/", lambda request: JsonResponse({"reloaded": True})))\n',
        "/e2e-reloaded/",
    ),
    "flask-redis": (
        "src/visits/views.py",
        '\n\n@bp.get("/e2e-reloaded")\ndef e2e_reloaded() -> ResponseReturnValue:\n'
        "    return jsonify(reloaded=True)\n",
        "/e2e-reloaded",
    ),
}
# A page that must work in development, and extra .env values a developer sets.
DEV_PAGES: dict[str, tuple[str, dict[str, str]]] = {
    "fastapi-postgres-redis": ("/notes", {}),
    "django-postgres-celery": ("/", {}),
    "flask-redis": ("/visits", {}),
}


@pytest.fixture
def dev_stack(example_images: ExampleImages, tmp_path: Path) -> Iterator[Callable[[str], ComposeStack]]:
    stacks: list[ComposeStack] = []

    def make(name: str) -> ComposeStack:
        built = example_images.get(name)
        project = tmp_path / name
        shutil.copytree(built.project, project)
        stack = ComposeStack(project, unique_name("dwe2edev"), built.image)
        stack.files = ["compose.yaml", "compose.override.yaml", "compose.e2e.yaml"]
        stacks.append(stack)
        return stack

    try:
        yield make
    finally:
        for stack in stacks:
            stack.down()
            remove_labelled_leftovers(stack.project)


# django-postgres-celery was a strict xfail until compose.override.yaml kept /app/staticfiles (the
# output of collectstatic) visible under the source mount with an anonymous volume.
@pytest.mark.parametrize("name", list(RELOAD_EDITS))
def test_development_stack_serves_the_mounted_source_and_reloads(
    name: str, dev_stack: Callable[[str], ComposeStack]
) -> None:
    stack = dev_stack(name)
    page, env = DEV_PAGES[name]
    write_env_from_example(stack.project_dir, env)
    stack.write_override(8000)
    stack.up()
    base = f"http://127.0.0.1:{stack.host_port(8000)}"

    answer = http("GET", base + page)
    assert answer.status == 200, (answer.status, answer.body[:300], stack.logs("app")[-3000:])

    rel, snippet, route = RELOAD_EDITS[name]
    assert http("GET", base + route).status == 404
    # gunicorn's polling reloader records a module's mtime on its next pass (once a second) after the
    # module is imported. Django imports the URLconf lazily, on the first request above: an edit
    # within that second would become the baseline and never trigger a reload.
    time.sleep(2)
    module = stack.project_dir / rel
    module.write_text(module.read_text(encoding="utf-8") + snippet, encoding="utf-8")

    def reloaded() -> bool:
        try:
            return http("GET", base + route, timeout=3).status == 200
        except OSError:  # the server is restarting its worker
            return False

    wait_for(reloaded, timeout=40, what=f"the development server to reload {rel}")
    assert http("GET", base + route).json() == {"reloaded": True}
