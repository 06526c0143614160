"""Session fixtures of the end-to-end tests: each example is initialised and built once per run.

The stand-in images (python:3.13-slim-trixie, postgres:17-trixie, redis:8-trixie) are built by
scripts/provision-engine for this offline machine: nothing can be pulled here, so they carry the
tags the generated files name. Builds reach the package index through ``--network host``.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from e2e_support import (
    DOCKER,
    EXAMPLES,
    copy_example,
    dockwright,
    remove_image,
    run,
    sweep_stale_resources,
    unique_name,
)


@dataclass(frozen=True)
class BuiltExample:
    name: str
    project: Path  # a private copy of the example, initialised by `dockwright init`
    image: str  # the tag this test run gave the image
    image_id: str
    build_output: str  # stdout + stderr of `dockwright build`


class ExampleImages:
    """Builds each example at most once per session, on first use; removes the tags it made at the end."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.built: dict[str, BuiltExample] = {}
        self.failed: dict[str, str] = {}

    def get(self, name: str) -> BuiltExample:
        assert name in EXAMPLES, name
        if name in self.failed:  # one failed build fails every test of that example, quickly
            pytest.fail(f"building {name} failed earlier in this session:\n{self.failed[name]}")
        if name not in self.built:
            try:
                self.built[name] = self._build(name)
            except AssertionError as err:
                self.failed[name] = str(err)
                raise
        return self.built[name]

    def _build(self, name: str) -> BuiltExample:
        project = copy_example(name, self.workdir)
        dockwright("init", str(project))
        image = f"dwe2e-{unique_name(name)}:test"
        proc = build_image(project, image)
        image_id = run([DOCKER, "image", "inspect", "--format", "{{.Id}}", image]).stdout.strip()
        return BuiltExample(name, project, image, image_id, proc)

    def cleanup(self) -> None:
        """Remove every tag that points at an image this session built (the build cache stays)."""
        for built in self.built.values():
            remove_image(built.image_id)


def build_image(project: Path, tag: str) -> str:
    """``dockwright build`` with host networking (the only route to the package index here)."""
    proc = dockwright("build", str(project), "--tag", tag, "--network", "host", timeout=900)
    return proc.stdout + proc.stderr


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
