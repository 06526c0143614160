"""What a rule's check function receives: the parsed file plus the project around it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dockwright.lint.dockerfile_model import DockerfileModel
from dockwright.lint.ignorefile import IgnoreFile
from dockwright.lint.project import ProjectFacts


@dataclass
class DockerfileContext:
    path: str  # as displayed and used in Edit.path
    file: Path
    model: DockerfileModel
    project: ProjectFacts

    @property
    def lines(self) -> list[str]:
        return self.model.lines

    def sibling(self, name: str) -> str:
        """Display path of a file in the build context (``.dockerignore``)."""
        target = self.project.directory / name
        try:
            return target.relative_to(Path.cwd()).as_posix()
        except ValueError:
            return target.as_posix()


@dataclass
class DockerignoreContext:
    path: str
    file: Path
    text: str
    ignore: IgnoreFile
    dockerfiles: list[DockerfileModel]  # parsed Dockerfiles that use this file's directory as context
    project: ProjectFacts

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()


@dataclass
class ComposeContext:
    path: str
    file: Path
    text: str
    data: Any
    is_override: bool

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()
