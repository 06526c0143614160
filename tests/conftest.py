"""Shared test configuration.

Engine tests (marked ``engine``) need a real Docker engine. They RUN by default and fail when the
engine is missing; a laptop opts out explicitly with ``DOCKWRIGHT_SKIP_ENGINE_TESTS=1``. CI
(``.ci/run``) provisions the engine and never sets the opt-out.
"""

from __future__ import annotations

import os

import pytest

SKIP_ENGINE = os.environ.get("DOCKWRIGHT_SKIP_ENGINE_TESTS") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not SKIP_ENGINE:
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(
            "DOCKWRIGHT_SKIP_ENGINE_TESTS=1 is not allowed in CI: engine tests must run there"
        )
    skip = pytest.mark.skip(reason="engine tests opted out with DOCKWRIGHT_SKIP_ENGINE_TESTS=1")
    for item in items:
        if "engine" in item.keywords:
            item.add_marker(skip)
