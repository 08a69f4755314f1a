"""The planning engine: audience insights, storyboard and localized shot lists from a brief."""

from studio.planning.context import UnknownPackError
from studio.planning.knowledge import Knowledge, load_knowledge
from studio.planning.planner import plan_project
from studio.planning.restage import apply_master_edit, relocalize_shot

__all__ = ["Knowledge", "UnknownPackError", "apply_master_edit", "load_knowledge", "plan_project", "relocalize_shot"]
