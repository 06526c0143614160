"""plan: ProjectInfo -> ContainerPlan (pure decisions; facts in ``facts.py``)."""

from __future__ import annotations

from dockwright.plan.model import ContainerPlan
from dockwright.plan.planner import make_plan

__all__ = ["ContainerPlan", "make_plan"]
