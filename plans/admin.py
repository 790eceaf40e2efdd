"""Admin for plans. Plans and their rows, trainings, awards and partnerships are read-only here (drafting, the
workflow and the records go through ``plans.services``); the resource directory and departments are reference
data a superuser may fix."""

from __future__ import annotations

from django.contrib import admin

from welfare.admin_base import ReadOnlyAdmin, ReadOnlyTabularInline

from .models import (
    AnnualPlan,
    Award,
    Department,
    DongMonthFigure,
    DongPlan,
    DongPlanTarget,
    DongTarget,
    FocusArea,
    Partnership,
    PlanArea,
    PlanComment,
    PlanMilestone,
    PlannedAction,
    PlanTask,
    Resource,
    Training,
)


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ("name", "provider", "district", "sector", "category", "funding_source", "is_active", "updated_at")
    list_filter = ("district", "sector", "category", "is_active")
    search_fields = ("name", "provider", "eligibility", "funding_source")
    list_select_related = ("district",)
    filter_horizontal = ("dongs",)
    list_editable = ("is_active",)


# --- The annual basic plan (issue 6). Drafting and the workflow happen on the plan pages through plans.services;
# the admin shows the rows only.


class PlanAreaInline(ReadOnlyTabularInline):
    model = PlanArea
    fields = ("order", "title")
    ordering = ("order", "id")


class DongTargetInline(ReadOnlyTabularInline):
    model = DongTarget
    fields = ("dong", "metric", "baseline", "target")
    raw_id_fields = ("dong",)


class PlanCommentInline(ReadOnlyTabularInline):
    model = PlanComment
    fields = ("action", "text", "by", "at")
    readonly_fields = fields


@admin.register(AnnualPlan)
class AnnualPlanAdmin(ReadOnlyAdmin):
    list_display = ("title", "district", "year", "revision", "status", "is_current", "approved_at", "updated_at")
    list_filter = ("district", "status", "year", "is_current")
    search_fields = ("title", "vision")
    list_select_related = ("district",)
    readonly_fields = ("status", "revision", "is_current", "based_on", "superseded_by", "submitted_at", "approved_at",
                       "approved_by", "created_by", "created_at", "updated_at")
    inlines = (PlanAreaInline, DongTargetInline, PlanCommentInline)


class PlanMilestoneInline(ReadOnlyTabularInline):
    model = PlanMilestone
    fields = ("quarter", "text", "status")


@admin.register(PlanTask)
class PlanTaskAdmin(ReadOnlyAdmin):
    list_display = ("title", "area", "department", "budget_krw", "funding_source", "indicator", "target")
    list_filter = ("area__plan__district", "area__plan__year", "funding_source", "department")
    search_fields = ("title", "description", "indicator")
    list_select_related = ("area", "department")
    inlines = (PlanMilestoneInline,)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "district")
    list_filter = ("district",)
    search_fields = ("name",)
    list_select_related = ("district",)


@admin.register(DongTarget)
class DongTargetAdmin(ReadOnlyAdmin):
    list_display = ("plan", "dong", "metric", "baseline", "target")
    list_filter = ("plan__district", "plan__year", "metric")
    search_fields = ("dong__name",)
    list_select_related = ("plan", "dong")
    raw_id_fields = ("plan", "dong")


@admin.register(Training)
class TrainingAdmin(ReadOnlyAdmin):
    list_display = ("held_on", "title", "district", "dong", "audience", "hours", "attendees")
    list_filter = ("district", "audience")
    search_fields = ("title",)
    list_select_related = ("district", "dong")
    date_hierarchy = "held_on"
    raw_id_fields = ("plan",)


@admin.register(Award)
class AwardAdmin(ReadOnlyAdmin):
    list_display = ("awarded_on", "recipient", "recipient_kind", "title", "district")
    list_filter = ("district", "recipient_kind")
    search_fields = ("recipient", "title")
    list_select_related = ("district",)
    raw_id_fields = ("plan",)


@admin.register(Partnership)
class PartnershipAdmin(ReadOnlyAdmin):
    list_display = ("partner", "signed_on", "district")
    list_filter = ("district",)
    search_fields = ("partner", "scope")
    list_select_related = ("district",)
    raw_id_fields = ("plan",)


@admin.register(DongMonthFigure)
class DongMonthFigureAdmin(ReadOnlyAdmin):
    """Read-only: the nightly job (plans.figures) writes these from the metric registry."""

    list_display = ("month", "dong", "metric", "value", "computed_at")
    list_filter = ("metric", "dong__district")
    list_select_related = ("dong",)
    date_hierarchy = "month"


# --- Per-dong discovery plans (issue 17): written on the plan's pages, read here. -------------------------------


class DongPlanTargetInline(ReadOnlyTabularInline):
    model = DongPlanTarget
    fields = ("metric", "target")


class FocusAreaInline(ReadOnlyTabularInline):
    model = FocusArea
    fields = ("kind", "name", "households", "note")


class PlannedActionInline(ReadOnlyTabularInline):
    model = PlannedAction
    fields = ("title", "focus_area", "starts_on", "due_on", "owner", "status")


@admin.register(DongPlan)
class DongPlanAdmin(ReadOnlyAdmin):
    list_display = ("plan", "dong", "updated_at")
    list_select_related = ("plan", "dong")
    inlines = [DongPlanTargetInline, FocusAreaInline, PlannedActionInline]
