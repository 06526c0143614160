"""Errors the CLI turns into one clear line and exit code 2 (never a traceback)."""

from __future__ import annotations

from pathlib import Path


class DockwrightError(Exception):
    """A problem with the user's input: a file, a flag, or the project itself.

    ``file`` and ``line`` point at the cause when there is one; ``str()`` renders
    ``file:line: message`` so every command reports it the same way.
    """

    exit_code = 2

    def __init__(self, message: str, *, file: str | Path | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line

    def __str__(self) -> str:
        if self.file is None:
            return self.message
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.message}"


class DetectionError(DockwrightError):
    """The project could not be understood (not a web app, ambiguous app, malformed manifest)."""


class EngineError(DockwrightError):
    """The Docker engine or CLI is missing, unusable, or a docker command failed."""
