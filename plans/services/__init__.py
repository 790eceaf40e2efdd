"""The plans app's writes. Every name is re-exported here (``from plans import services``)."""

from .activities import MAX_HOURS, award_save, latest_date, partnership_save, training_save
from .contents import (
    TaskData,
    area_delete,
    area_save,
    areas_reorder,
    department_get_or_create,
    milestones_save,
    target_set,
    task_delete,
    task_save,
)
from .plans import (
    PlanHeader,
    plan_approve,
    plan_create,
    plan_create_from_previous,
    plan_return,
    plan_revise,
    plan_submit,
    plan_update,
    uplifted,
)
from .resources import ResourceData, resource_create, resource_update

__all__ = [
    "MAX_HOURS", "PlanHeader", "ResourceData", "TaskData", "area_delete", "area_save", "areas_reorder",
    "award_save", "department_get_or_create", "latest_date", "milestones_save", "partnership_save", "plan_approve",
    "plan_create", "plan_create_from_previous", "plan_return", "plan_revise", "plan_submit", "plan_update",
    "resource_create", "resource_update", "target_set", "task_delete", "task_save", "training_save", "uplifted",
]
from .dong_plans import (  # noqa: E402
    action_save,
    action_set_status,
    dong_plan_save,
    focus_area_add,
    focus_area_delete,
    local_target_set,
)

__all__ += [
    "action_save", "action_set_status", "dong_plan_save", "focus_area_add", "focus_area_delete", "local_target_set",
]
