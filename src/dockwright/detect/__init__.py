"""detect: read a project (never import or run it) and describe it as a ProjectInfo."""

from __future__ import annotations

from dockwright.detect.core import detect_project
from dockwright.detect.model import DjangoInfo, Evidence, NativeNeed, ProjectInfo

__all__ = ["DjangoInfo", "Evidence", "NativeNeed", "ProjectInfo", "detect_project"]
