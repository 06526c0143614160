"""plan: ProjectInfo -> ContainerPlan (pure decisions; facts in ``facts.py``).

Public API: ``plan_project(root, **options)`` (a project directory -> its plan, as ``init`` does) and
``make_plan(info, ...)`` (the pure decision step).
"""

from __future__ import annotations

from dockwright.plan.model import ContainerPlan
from dockwright.plan.planner import make_plan
from dockwright.plan.project import plan_project

__all__ = ["ContainerPlan", "make_plan", "plan_project"]
