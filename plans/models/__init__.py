"""The plans app's models: the resource directory, the annual basic plan, its activity records and the nightly
figures. Every name is re-exported here (``from plans.models import AnnualPlan``)."""

from .activities import Award, AwardRecipientKind, Partnership, Training, TrainingAudience
from .dong_plans import ActionStatus, DongPlan, DongPlanTarget, FocusArea, FocusKind, PlannedAction
from .figures import DongMonthFigure
from .plans import (
    AnnualPlan,
    AnnualPlanQuerySet,
    Department,
    DongTarget,
    FundingSource,
    MilestoneStatus,
    PlanArea,
    PlanComment,
    PlanMilestone,
    PlanStatus,
    PlanTask,
)
from .resources import LifeStage, RecipientType, Resource, ResourceCategory, ResourceQuerySet, Sector

__all__ = [
    "LifeStage", "RecipientType",
    "ActionStatus", "DongPlan", "DongPlanTarget", "FocusArea", "FocusKind", "PlannedAction",
    "AnnualPlan", "AnnualPlanQuerySet", "Award", "AwardRecipientKind", "Department", "DongMonthFigure",
    "DongTarget", "FundingSource", "MilestoneStatus", "Partnership", "PlanArea", "PlanComment", "PlanMilestone",
    "PlanStatus", "PlanTask", "Resource", "ResourceCategory", "ResourceQuerySet", "Sector", "Training",
    "TrainingAudience",
]
