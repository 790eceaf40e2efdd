"""Admin for discovery. Casework (reports, contacts, merges, imports, rounds, network, rewards) is read-only and
each record's page is logged (``welfare.admin_base``); the policy is edited through its form and service. The
reporter's identity is shown to superusers only; an import keeps its bytes hidden."""

from __future__ import annotations

from django.contrib import admin

from welfare.admin_base import (
    DATE_FILTER,
    CaseworkAdmin,
    PolicyAdmin,
    ReadOnlyAdmin,
    ReadOnlyStackedInline,
    ReadOnlyTabularInline,
)

from .forms.policy import DiscoveryPolicyForm
from .models import (
    Attendance,
    BigDataRound,
    BigDataTarget,
    ContactAttempt,
    CouncilMeeting,
    CrisisReport,
    DiscoveryPolicy,
    HappyProject,
    HouseholdMerge,
    ImportBatch,
    ImportRowError,
    Instrument,
    InstrumentItem,
    Measurement,
    MemberActivity,
    MemberAppointment,
    MemberSupport,
    NetworkMember,
    Participant,
    Programme,
    ProgrammeSession,
    PublicRequest,
    ReporterIdentity,
    ReportSource,
    RewardDecision,
    RiskIndicator,
    RiskIndicatorAlias,
    UniversalVisitTarget,
    UnmappedIndicator,
)
from .services.policy import DISCOVERY_FIELDS, discovery_policy_save


class ReporterIdentityInline(ReadOnlyStackedInline):
    model = ReporterIdentity
    fields = ("name", "phone", "profession", "relation", "is_relative", "is_official", "wants_reply")


class ContactAttemptInline(ReadOnlyTabularInline):
    model = ContactAttempt
    fields = ("at", "method", "reached", "note", "by")
    raw_id_fields = ("by",)


@admin.register(CrisisReport)
class CrisisReportAdmin(CaseworkAdmin):
    list_display = ("receipt_code", "received_at", "district", "dong", "channel", "urgency", "status", "outcome",
                    "assigned_official", "first_contact_due_at")
    list_filter = ("district", "status", "outcome", "channel", "urgency", "reporter_kind", "dong", ("received_at", DATE_FILTER))
    search_fields = ("=receipt_code", "subject_name", "subject_address")
    list_select_related = ("district", "dong", "assigned_official")
    raw_id_fields = ("household", "case", "service_link", "duplicate_of", "network_member", "assigned_official",
                     "import_batch")
    readonly_fields = ("receipt_code", "created_at", "updated_at", "overdue_at")
    inlines = [ContactAttemptInline]
    show_full_result_count = False

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        # Who reported is kept apart from the report (PIPA; protection of informants): superusers only here.
        if request.user.is_superuser:
            inlines.insert(0, ReporterIdentityInline(self.model, self.admin_site))
        return inlines


@admin.register(ContactAttempt)
class ContactAttemptAdmin(CaseworkAdmin):
    list_display = ("report", "at", "method", "reached", "by")
    list_filter = ("method", "reached")
    search_fields = ("=report__receipt_code", "note")
    raw_id_fields = ("report", "by")
    list_select_related = ("report", "by")


@admin.register(HouseholdMerge)
class HouseholdMergeAdmin(CaseworkAdmin):
    """A merge is made by the service, never typed in."""

    list_display = ("at", "survivor", "duplicate_id", "duplicate_address", "reason", "by")
    list_filter = ("survivor__dong__district",)
    search_fields = ("=duplicate_id", "=survivor__id", "duplicate_address", "reason")
    readonly_fields = ("survivor", "duplicate_id", "duplicate_address", "moved", "reason", "by", "at")
    list_select_related = ("survivor", "by")


@admin.register(DiscoveryPolicy)
class DiscoveryPolicyAdmin(PolicyAdmin):
    """Superusers edit every district's policy here; district admins have their own page (/district/policies/).
    Both check the values with the same form and save through the same audited service."""

    list_display = ("district", "urgent_first_contact_hours", "normal_first_contact_days", "unreachable_attempts",
                    "reward_amount_krw", "reward_yearly_cap_krw")
    list_filter = ("district",)
    list_select_related = ("district",)
    search_fields = ("district__name",)
    fields = ("district", *DISCOVERY_FIELDS)

    policy_form = DiscoveryPolicyForm
    policy_save = discovery_policy_save


class RiskIndicatorAliasInline(ReadOnlyTabularInline):
    """Shown here; added and removed on the catalogue page (구 설정 › 위기 지표), where one name means one
    indicator."""

    model = RiskIndicatorAlias
    fields = ("name", "created_by", "created_at")


@admin.register(RiskIndicator)
class RiskIndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "name_ko", "name_en", "signal", "blind_spot", "lonely_death")
    list_filter = ("signal", "blind_spot", "lonely_death")
    search_fields = ("code", "name_ko", "name_en", "aliases__name")
    inlines = [RiskIndicatorAliasInline]


@admin.register(UnmappedIndicator)
class UnmappedIndicatorAdmin(ReadOnlyAdmin):
    """Names lists used that the catalogue did not know; mapped on the catalogue page."""

    list_display = ("name", "first_seen_at", "mapped_to", "mapped_at")
    list_filter = (("mapped_to", admin.EmptyFieldListFilter),)
    search_fields = ("name",)


@admin.register(BigDataRound)
class BigDataRoundAdmin(CaseworkAdmin):
    list_display = ("__str__", "system", "district", "received_on", "due_on")
    list_filter = ("system", "district", "year")
    search_fields = ("district__name", "=year")


@admin.register(BigDataTarget)
class BigDataTargetAdmin(CaseworkAdmin):
    list_display = ("report", "round", "dong", "ssis_ref", "priority_score", "result_code", "answered_at")
    list_filter = ("round", "result_code", "dong")
    search_fields = ("=report__receipt_code", "report__subject_name")
    raw_id_fields = ("report", "answered_by")
    filter_horizontal = ("indicators", "unmapped_indicators")
    list_select_related = ("report", "round", "dong")


class ImportRowErrorInline(ReadOnlyTabularInline):
    model = ImportRowError
    fields = ("line", "reason")
    readonly_fields = fields


@admin.register(ImportBatch)
class ImportBatchAdmin(CaseworkAdmin):
    list_display = ("file_name", "district", "kind", "status", "uploaded_at", "total_rows", "created_count",
                    "duplicate_count", "error_count")
    list_filter = ("district", "kind", "status")
    search_fields = ("file_name", "=file_sha256")
    # Read-only, and never the uploaded bytes (personal data of a whole list).
    fields = ("district", "kind", "round", "file_name", "file_sha256", "uploaded_by", "uploaded_at", "status",
              "encoding", "total_rows", "processed_rows", "created_count", "duplicate_count", "error_count",
              "error_message", "started_at", "finished_at")
    inlines = [ImportRowErrorInline]


@admin.register(ImportRowError)
class ImportRowErrorAdmin(CaseworkAdmin):
    list_display = ("batch", "line", "reason")
    list_filter = ("batch__kind", "batch__district")
    search_fields = ("reason", "=batch__file_name")
    raw_id_fields = ("batch",)
    list_select_related = ("batch",)


@admin.register(UniversalVisitTarget)
class UniversalVisitTargetAdmin(CaseworkAdmin):
    list_display = ("household", "kind", "district", "due_on", "created_at")
    list_filter = ("district", "kind")
    search_fields = ("=household__id", "household__road_address")
    raw_id_fields = ("household", "resident", "batch", "follow_up")
    list_select_related = ("household", "district")


@admin.register(NetworkMember)
class NetworkMemberAdmin(CaseworkAdmin):
    list_display = ("name", "role", "occupation", "organisation", "district", "active_from", "active_to")
    list_filter = ("district", "role", "occupation")
    search_fields = ("name", "organisation", "phone")
    filter_horizontal = ("dongs",)


@admin.register(RewardDecision)
class RewardDecisionAdmin(CaseworkAdmin):
    list_display = ("report", "informant_label", "eligible", "amount_krw", "decided_on", "approved_by", "paid_on")
    list_filter = ("eligible", "decided_on", "paid_on")
    search_fields = ("=report__receipt_code", "informant_label", "reason")
    raw_id_fields = ("report", "decided_by", "approved_by")
    list_select_related = ("report", "approved_by")


@admin.register(PublicRequest)
class PublicRequestAdmin(CaseworkAdmin):
    """What a request from the public door carries (kind, crisis types, routing, progress messages); the
    registration number, the PIN and the phone are never shown."""

    list_display = ("report", "kind", "routed_by_address", "notify_consent", "notified_stage", "created_at")
    list_filter = ("kind", "routed_by_address", "notify_consent")
    raw_id_fields = ("report",)
    exclude = ("rrn_encrypted", "notify_phone")
# --- Social-network programmes (issue 17) ------------------------------------------------------------------------
# The instruments are reference data a district loads (its own wording, its own scale): edited here. Programmes,
# participants and their measures are casework: read-only, each record's page logged.


class InstrumentItemInline(admin.TabularInline):
    model = InstrumentItem
    extra = 0
    fields = ("order", "text", "reverse")


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ("short_name", "code", "district", "higher_is_better", "min_value")
    list_filter = ("district",)
    inlines = [InstrumentItemInline]


class ProgrammeSessionInline(ReadOnlyTabularInline):
    model = ProgrammeSession
    fields = ("held_on", "topic", "place")


@admin.register(Programme)
class ProgrammeAdmin(CaseworkAdmin):
    list_display = ("title", "dong", "starts_on", "ends_on", "budget_krw")
    list_filter = ("dong__district", "dong")
    list_select_related = ("dong",)
    inlines = [ProgrammeSessionInline]


class MeasurementInline(ReadOnlyTabularInline):
    model = Measurement
    fields = ("instrument", "phase", "measured_on", "score")


class AttendanceInline(ReadOnlyTabularInline):
    model = Attendance
    fields = ("session",)


@admin.register(Participant)
class ParticipantAdmin(CaseworkAdmin):
    list_display = ("programme", "resident", "enrolled_on")
    list_select_related = ("programme", "resident")
    raw_id_fields = ("resident",)
    inlines = [MeasurementInline, AttendanceInline]


# --- Resident collaborators and the dong council (issue 17): written on the product's pages, read here. ---------


@admin.register(MemberActivity)
class MemberActivityAdmin(CaseworkAdmin):
    list_display = ("member", "kind", "dong", "done_on", "hours")
    list_filter = ("kind",)
    list_select_related = ("member", "dong")
    raw_id_fields = ("member", "household")


@admin.register(MemberSupport)
class MemberSupportAdmin(ReadOnlyAdmin):
    list_display = ("member", "kind", "given_on", "amount_krw")
    list_select_related = ("member",)


@admin.register(MemberAppointment)
class MemberAppointmentAdmin(ReadOnlyAdmin):
    list_display = ("member", "appointed_on", "term_ends_on")
    list_select_related = ("member",)


@admin.register(CouncilMeeting)
class CouncilMeetingAdmin(ReadOnlyAdmin):
    list_display = ("dong", "held_on")
    list_select_related = ("dong",)


@admin.register(HappyProject)
class HappyProjectAdmin(ReadOnlyAdmin):
    list_display = ("title", "dong", "year", "budget_krw", "beneficiaries", "households")
    list_select_related = ("dong",)


@admin.register(ReportSource)
class ReportSourceAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "district", "dong", "pads_given")
    list_filter = ("district", "kind")
    list_select_related = ("district", "dong")
    exclude = ("token",)
