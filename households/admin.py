"""Admin for households. Casework is read-only here and each record's page is logged (``welfare.admin_base``);
writes go through the pages' and the API's services. The cadence policy is edited through its form and service."""

from __future__ import annotations

from django.contrib import admin

from welfare.admin_base import DATE_FILTER, CaseworkAdmin, PolicyAdmin, ReadOnlyAdmin, ReadOnlyTabularInline

from .forms.policy import CadencePolicyForm
from .models import (
    Area,
    Attachment,
    CadencePolicy,
    Case,
    CaseConference,
    CaseGoal,
    CaseNeed,
    CaseStageChange,
    CaseTransfer,
    CheckIn,
    ConferencePartner,
    ConferencePlanItem,
    Consent,
    FieldSyncReceipt,
    FollowUp,
    Household,
    IsolationItemWording,
    IsolationScreening,
    Measurement,
    MemberEvent,
    PhraseTemplate,
    Resident,
    SensitiveProfile,
    ServiceLink,
    Visit,
    VisitNeed,
)
from .services.policy import cadence_policy_save


class ResidentInline(ReadOnlyTabularInline):
    model = Resident
    fields = ("name", "relation", "birth_date", "sex", "phone", "rrn_masked", "left_on", "left_reason")
    readonly_fields = ("rrn_masked",)
    show_change_link = True


@admin.register(Household)
class HouseholdAdmin(CaseworkAdmin):
    list_display = ("id", "road_address", "address_detail", "dong", "housing_type", "risk_level", "status",
                    "assigned_official", "next_contact_on")
    list_filter = ("dong__district", "risk_level", "status", "housing_type", "is_single_person", "is_demo")
    search_fields = ("road_address", "address_detail", "residents__name", "residents__phone")
    list_select_related = ("dong", "assigned_official")
    autocomplete_fields = ("dong", "assigned_official")
    inlines = [ResidentInline]
    show_full_result_count = False


@admin.register(Resident)
class ResidentAdmin(CaseworkAdmin):
    list_display = ("name", "household", "relation", "birth_date", "sex", "rrn_masked", "left_on")
    list_filter = ("relation", "sex", "left_reason")
    search_fields = ("name", "phone", "=rrn_hash")
    exclude = ("rrn_encrypted",)
    readonly_fields = ("rrn_masked",)
    raw_id_fields = ("household",)
    list_select_related = ("household",)
    show_full_result_count = False


@admin.register(Consent)
class ConsentAdmin(CaseworkAdmin):
    list_display = ("resident", "scope", "granted_on", "method", "expires_on", "withdrawn_on")
    list_filter = ("scope", "method")
    search_fields = ("resident__name",)
    raw_id_fields = ("resident",)


@admin.register(Attachment)
class AttachmentAdmin(CaseworkAdmin):
    """What was attached and the tombstones of deletions; the files open only through the product's download page
    (scoping, access log), never here."""

    list_display = ("id", "title", "kind", "owner_kind", "owner_id", "household", "content_type", "size", "added_by",
                    "added_at", "deleted_at")
    list_filter = ("kind", "owner_kind", "content_type")
    search_fields = ("title", "=client_id", "=sha256")
    exclude = ("storage_name",)
    raw_id_fields = ("household",)
    list_select_related = ("household", "added_by")
    show_full_result_count = False


@admin.register(SensitiveProfile)
class SensitiveProfileAdmin(CaseworkAdmin):
    list_display = ("resident", "disability_type", "disability_severity", "updated_at")
    list_filter = ("disability_severity",)
    search_fields = ("resident__name",)
    raw_id_fields = ("resident",)


@admin.register(CadencePolicy)
class CadencePolicyAdmin(PolicyAdmin):
    """Superusers edit every district's cadence here, in the list too; district admins have their own page
    (/district/policies/). Both check the values with the same form and save through the same audited service."""

    list_display = ("district", *CadencePolicy.FIELDS)
    list_editable = CadencePolicy.FIELDS
    list_select_related = ("district",)
    ordering = ("district__name",)
    search_fields = ("district__name",)
    fields = ("district", *CadencePolicy.FIELDS)

    policy_form = CadencePolicyForm
    policy_save = cadence_policy_save


@admin.register(PhraseTemplate)
class PhraseTemplateAdmin(ReadOnlyAdmin):
    """Read here; district admins edit them at 구 설정 › 정책 (superusers there too, with ?district=), through the
    audited service."""

    list_display = ("district", "domain", "order", "text", "active")
    list_filter = ("district", "domain", "active")
    list_select_related = ("district",)
    search_fields = ("text",)
    ordering = ("district__name", "domain", "order", "id")


@admin.register(Area)
class AreaAdmin(ReadOnlyAdmin):
    """Read here; leads and district admins keep them at 통 관리 (/households/areas/), through the audited service."""

    list_display = ("dong", "number", "name", "official", "deputy")
    list_filter = ("dong__district", "dong")
    list_select_related = ("dong", "official", "deputy")
    ordering = ("dong__name", "number")


# --- Casework (visits, follow-ups, cases, links): read and search; writes go through the services -------------


class VisitNeedInline(ReadOnlyTabularInline):
    model = VisitNeed


@admin.register(Visit)
class VisitAdmin(CaseworkAdmin):
    list_display = ("visited_at", "household", "kind", "contact_result", "risk_level", "next_contact_on", "recorded_by")
    list_filter = ("kind", "contact_result", "risk_level", "household__dong__district", ("visited_at", DATE_FILTER))
    search_fields = ("household__road_address", "observations", "=household__id")
    raw_id_fields = ("household", "case", "recorded_by")
    filter_horizontal = ("staff_present",)
    list_select_related = ("household", "recorded_by")
    inlines = [VisitNeedInline]
    show_full_result_count = False


@admin.register(FollowUp)
class FollowUpAdmin(CaseworkAdmin):
    list_display = ("due_on", "household", "reason", "status", "priority", "assigned_to", "overdue_at")
    list_filter = ("status", "reason", "priority", "household__dong__district", ("due_on", DATE_FILTER))
    search_fields = ("household__road_address", "note", "=household__id")
    raw_id_fields = ("household", "assigned_to", "visit")
    list_select_related = ("household", "assigned_to")
    show_full_result_count = False


@admin.register(Measurement)
class MeasurementAdmin(CaseworkAdmin):
    """Device readings are health data: read-only here, each record's page logged (the product's page and API
    check consent; the admin is for superusers tracing a gateway's rows)."""

    list_display = ("measured_at", "household", "kind", "is_out_of_range", "device_id", "external_id")
    list_filter = ("kind", "is_out_of_range", ("measured_at", DATE_FILTER))
    search_fields = ("external_id", "device_id", "=household__id")
    raw_id_fields = ("household", "resident", "check_in", "recorded_by")
    list_select_related = ("household",)
    show_full_result_count = False


@admin.register(CheckIn)
class CheckInAdmin(CaseworkAdmin):
    list_display = ("at", "household", "source", "is_alert", "external_id")
    list_filter = ("source", "is_alert", ("at", DATE_FILTER))
    search_fields = ("household__road_address", "external_id", "=household__id")
    raw_id_fields = ("household", "recorded_by")
    list_select_related = ("household",)
    show_full_result_count = False


class CaseNeedInline(ReadOnlyTabularInline):
    model = CaseNeed


class CaseGoalInline(ReadOnlyTabularInline):
    model = CaseGoal
    raw_id_fields = ("need",)


class CaseStageChangeInline(ReadOnlyTabularInline):
    model = CaseStageChange
    fields = ("at", "from_stage", "to_stage", "by", "note")
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(CaseworkAdmin):
    """Stages change only through the case page and the API (the stage machine and its approvals live in the
    services)."""

    list_display = ("id", "household", "client", "stage", "case_class", "assigned_official", "opened_on",
                    "plan_due_on", "closed_on")
    list_filter = ("stage", "case_class", "source", "closing_reason", "household__dong__district")
    search_fields = ("household__road_address", "client__name", "=id", "=household__id")
    date_hierarchy = "opened_on"
    raw_id_fields = ("household", "client", "assigned_official", "previous_case")
    readonly_fields = ("stage", "version", "closed_on", "anonymised_at")
    list_select_related = ("household", "client", "assigned_official")
    inlines = [CaseNeedInline, CaseGoalInline, CaseStageChangeInline]
    show_full_result_count = False


class ConferencePartnerInline(ReadOnlyTabularInline):
    model = ConferencePartner
    fields = ("organisation", "person")
    readonly_fields = fields


class ConferencePlanItemInline(ReadOnlyTabularInline):
    model = ConferencePlanItem
    fields = ("domain", "text", "provider", "target_on", "goal")
    readonly_fields = fields


@admin.register(CaseConference)
class CaseConferenceAdmin(CaseworkAdmin):
    """Read-only: a conference is recorded on the case page or the API (households.services.conference_record),
    which sets the case's class and moves the case."""

    list_display = ("held_on", "case", "kind", "body", "decision", "created_by")
    list_filter = ("kind", "body", "decision", "case__household__dong__district")
    search_fields = ("=case__id", "reason")
    date_hierarchy = "held_on"
    raw_id_fields = ("case", "created_by")
    list_select_related = ("case", "created_by")
    inlines = [ConferencePartnerInline, ConferencePlanItemInline]
    show_full_result_count = False


@admin.register(ServiceLink)
class ServiceLinkAdmin(CaseworkAdmin):
    list_display = ("requested_on", "household", "resource", "status", "amount_krw", "completed_on")
    list_filter = ("status", "resource__sector", "resource__category")
    search_fields = ("household__road_address", "resource__name", "note", "=household__id")
    date_hierarchy = "requested_on"
    raw_id_fields = ("household", "case", "need", "resource", "created_by")
    readonly_fields = ("status",)
    list_select_related = ("household", "resource")
    show_full_result_count = False


@admin.register(MemberEvent)
class MemberEventAdmin(CaseworkAdmin):
    list_display = ("on", "household", "resident", "kind", "reason")
    list_filter = ("kind", "reason")
    search_fields = ("resident__name", "=household__id")
    raw_id_fields = ("household", "resident", "recorded_by")
    list_select_related = ("household", "resident")


@admin.register(IsolationItemWording)
class IsolationItemWordingAdmin(admin.ModelAdmin):
    """The checklist's wording, corrected by a superuser to match the district's official form (the 13 items and
    their order are fixed: the score counts them)."""

    list_display = ("key", "text", "changed_at")
    ordering = ("id",)
    readonly_fields = ("key", "changed_at")
    fields = ("key", "text", "changed_at")

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(IsolationScreening)
class IsolationScreeningAdmin(CaseworkAdmin):
    list_display = ("screened_on", "household", "resident", "score", "proposed_risk")
    list_filter = ("proposed_risk",)
    search_fields = ("resident__name", "=household__id")
    raw_id_fields = ("household", "resident", "screened_by")
    list_select_related = ("household", "resident")


@admin.register(CaseTransfer)
class CaseTransferAdmin(CaseworkAdmin):
    """Transfers to the district team change only through the case page (households.services.transfers)."""

    list_display = ("requested_at", "case", "household", "status", "requested_by", "decided_by", "handed_back_at")
    list_filter = ("status", "district")
    search_fields = ("=case__id", "=household__id", "reason", "decision_note")
    date_hierarchy = "requested_at"
    raw_id_fields = ("case", "household", "requested_by", "previous_official", "decided_by", "handed_back_by")
    list_select_related = ("case", "household", "requested_by", "decided_by")


@admin.register(FieldSyncReceipt)
class FieldSyncReceiptAdmin(ReadOnlyAdmin):
    """What the server answered to each item of the field app's queue (kept for resends)."""

    list_display = ("at", "kind", "status", "client_id", "user")
    list_filter = ("kind", "status")
