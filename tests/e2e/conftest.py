"""Session fixtures of the end-to-end tests: each example is initialised and built once per run.

The stand-in images (python:3.13-slim-trixie, postgres:17-trixie, redis:8-trixie) are built by
scripts/provision-engine for this offline machine: nothing can be pulled here, so they carry the
tags the generated files name. Builds reach the package index through ``--network host``.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_support import ExampleImages, sweep_stale_resources


@pytest.fixture(scope="session")
def example_images() -> Iterator[ExampleImages]:
    sweep_stale_resources()  # a killed earlier run never reached its teardown
    workdir = Path(tempfile.mkdtemp(prefix="dockwright-e2e-"))
    images = ExampleImages(workdir)
    try:
        yield images
    finally:
        images.cleanup()
        shutil.rmtree(workdir, ignore_errors=True)
