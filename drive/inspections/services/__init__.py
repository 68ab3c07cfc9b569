"""Writes of inspections. The workflow (``workflow.py``) is re-exported here; the field
work (checklist marks, findings, notes, sync) lives in ``fieldwork.py``."""

from .workflow import (
    InspectionPlan,
    InspectionRefused,
    assignable_inspectors,
    inspection_approve,
    inspection_assign,
    inspection_cancel,
    inspection_declare_no_conflict,
    inspection_forward,
    inspection_plan,
    inspection_return,
    inspection_schedule,
    inspection_start,
    inspection_submit,
    inspection_unassign,
)

__all__ = [
    "InspectionPlan",
    "InspectionRefused",
    "assignable_inspectors",
    "inspection_approve",
    "inspection_assign",
    "inspection_cancel",
    "inspection_declare_no_conflict",
    "inspection_forward",
    "inspection_plan",
    "inspection_return",
    "inspection_schedule",
    "inspection_start",
    "inspection_submit",
    "inspection_unassign",
]
