"""The plans app's forms: they turn HTTP input into the services' input and show the services' errors."""

from .activities import AwardForm, PartnershipForm, TrainingForm, YearFilterForm
from .plans import (
    AreaForm,
    CommentForm,
    DashboardFilterForm,
    PlanCloneForm,
    PlanCreateForm,
    PlanHeaderForm,
    ReturnForm,
    TaskForm,
    parse_cell,
    parse_target,
    target_field_name,
)
from .resources import ResourceFilterForm, ResourceForm

__all__ = [
    "AreaForm", "AwardForm", "CommentForm", "DashboardFilterForm", "PartnershipForm", "PlanCloneForm",
    "PlanCreateForm", "PlanHeaderForm", "ResourceFilterForm", "ResourceForm", "ReturnForm", "TaskForm",
    "TrainingForm", "YearFilterForm", "parse_cell", "parse_target", "target_field_name",
]
