from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AccessLog, District, Dong, JobRun, Notification, StaffMembership


class DongInline(admin.TabularInline):
    model = Dong
    extra = 0
    fields = ("name", "admin_code", "is_high_risk")


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")
    inlines = [DongInline]


@admin.register(Dong)
class DongAdmin(admin.ModelAdmin):
    list_display = ("name", "district", "admin_code", "is_high_risk")
    list_filter = ("district", "is_high_risk")
    search_fields = ("name", "admin_code")
    list_select_related = ("district",)


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "district", "personal_access")
    list_filter = ("role", "district", "personal_access")
    search_fields = ("user__username", "user__first_name", "user__last_name")
    filter_horizontal = ("dongs",)
    autocomplete_fields = ("user",)
    list_select_related = ("user", "district")


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only by law (kept at least two years)."""

    list_display = ("at", "username", "ip", "action", "verb", "object_repr", "household_id", "reason")
    list_filter = ("action", "content_type")
    search_fields = ("username", "verb", "object_repr", "reason", "=household_id")
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AccessLog._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    """Read-only: what the scheduled jobs did (written by welfare.jobs only). To run one again use
    ``manage.py run_job NAME --force``; the schedule itself is edited under Periodic tasks."""

    list_display = ("job", "run_key", "status", "started_at", "finished_at", "duration", "attempts", "counts_summary",
                    "error_summary")
    list_filter = ("job", "status")
    search_fields = ("job", "run_key", "error")
    date_hierarchy = "started_at"
    readonly_fields = [f.name for f in JobRun._meta.fields] + ["duration"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("소요 시간"))
    def duration(self, obj: JobRun) -> str:
        if obj.finished_at is None:
            return "—"
        return f"{(obj.finished_at - obj.started_at).total_seconds():.2f} s"

    @admin.display(description=_("처리 건수"))
    def counts_summary(self, obj: JobRun) -> str:
        return ", ".join(f"{key} {value}" for key, value in (obj.counts or {}).items()) or "—"

    @admin.display(description=_("오류"))
    def error_summary(self, obj: JobRun) -> str:
        # The last line of the traceback names the exception; the whole text is on the detail page.
        lines = [line for line in obj.error.strip().splitlines() if line.strip()]
        return lines[-1][:120] if lines else ""


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "kind", "title", "read_at", "emailed_at")
    list_filter = ("kind", ("read_at", admin.EmptyFieldListFilter), ("emailed_at", admin.EmptyFieldListFilter))
    search_fields = ("title", "user__username", "dedupe_key", "=household_id")
    date_hierarchy = "created_at"
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    readonly_fields = ("dedupe_key", "created_at", "emailed_at")
