"""Admin for the core: districts, dongs and staff memberships (reference data), the access log and job runs
(read-only), notifications, and API tokens (issued and revoked through ``welfare.services.tokens``)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .admin_base import DATE_FILTER, ReadOnlyAdmin
from .common.paging import EstimatedCountPaginator
from .models import (
    AccessLog,
    AccessReview,
    AccountSecurity,
    ApiToken,
    District,
    Dong,
    JobRun,
    MessageTemplate,
    Notification,
    OutboundMessage,
    SavedFilter,
    StaffMembership,
)
from .services.tokens import token_issue, tokens_revoke


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
class AccessLogAdmin(ReadOnlyAdmin):
    """Read-only: the log is append-only by law (kept at least two years)."""

    list_display = ("at", "username", "token_prefix", "ip", "action", "verb", "object_repr", "household_id", "reason")
    list_filter = ("action", "content_type", ("at", DATE_FILTER))
    search_fields = ("username", "verb", "object_repr", "reason", "=household_id", "=token_prefix")
    readonly_fields = [f.name for f in AccessLog._meta.fields]


@admin.register(AccessReview)
class AccessReviewAdmin(ReadOnlyAdmin):
    """Read-only: district admins record their monthly reviews on /district/access/."""

    list_display = ("month", "district", "reviewed_by_name", "at", "comment")
    list_filter = ("district",)
    date_hierarchy = "month"
    readonly_fields = [f.name for f in AccessReview._meta.fields]


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    """Read-only: what the scheduled jobs did (written by welfare.jobs only). To run one again use
    ``manage.py run_job NAME --force``; the schedule itself is edited under Periodic tasks."""

    list_display = ("job", "run_key", "status", "started_at", "finished_at", "duration", "attempts", "counts_summary",
                    "error_summary")
    list_filter = ("job", "status")
    search_fields = ("job", "run_key", "error")
    date_hierarchy = "started_at"
    readonly_fields = [f.name for f in JobRun._meta.fields] + ["duration"]

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


@admin.register(SavedFilter)
class SavedFilterAdmin(ReadOnlyAdmin):
    """A work list's saved filters: made and deleted on the lists (welfare.services.saved_filters), shown here."""

    list_display = ("name", "list_key", "user", "shared_dong", "created_at")
    list_filter = ("list_key",)
    search_fields = ("name", "user__username")
    raw_id_fields = ("user", "shared_dong")
    list_select_related = ("user", "shared_dong")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "kind", "title", "read_at", "emailed_at")
    list_filter = ("kind", ("read_at", admin.EmptyFieldListFilter), ("emailed_at", admin.EmptyFieldListFilter),
                   ("created_at", DATE_FILTER))
    search_fields = ("title", "user__username", "dedupe_key", "=household_id")
    paginator = EstimatedCountPaginator
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    readonly_fields = ("dedupe_key", "created_at", "emailed_at")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Issue and revoke REST API tokens. The add form asks for a user and a purpose only; the key is drawn by
    ``ApiToken.issue``, shown once in a message and never stored (only its SHA-256). A token is never edited
    afterwards: to change one, revoke it and issue a new one. Tokens are revoked, not deleted, so the access log
    keeps pointing at something."""

    list_display = ("prefix_display", "user", "name", "created_at", "created_by", "last_used_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("prefix", "name", "user__username", "user__first_name", "user__last_name")
    list_select_related = ("user", "created_by")
    autocomplete_fields = ("user",)
    date_hierarchy = "created_at"
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("user", "name")
        return ("prefix_display", "user", "name", "created_at", "created_by", "last_used_at", "revoked_at")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return self.get_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id is not None:
            # Nothing on an issued token can change: no save buttons.
            extra_context = {**(extra_context or {}), "show_save": False, "show_save_and_continue": False,
                             "show_save_and_add_another": False}
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if change:
            return  # read-only once issued (the form has no editable field either)
        token, key = token_issue(user=form.cleaned_data["user"], name=form.cleaned_data["name"], by=request.user)
        for field in ApiToken._meta.concrete_fields:
            setattr(obj, field.attname, getattr(token, field.attname))
        obj._state.adding = False
        messages.success(request, _("이 키는 다시 볼 수 없습니다: %(key)s") % {"key": key})

    @admin.display(description=_("키 앞자리"), ordering="prefix")
    def prefix_display(self, obj: ApiToken) -> str:
        return f"dw_{obj.prefix}…"

    @admin.action(description=_("폐기"), permissions=["change"])
    def revoke(self, request, queryset):
        tokens = tokens_revoke(tokens=queryset, by=request.user)
        self.message_user(request, ngettext("토큰 %(n)s개를 폐기했습니다.", "토큰 %(n)s개를 폐기했습니다.", len(tokens))
                          % {"n": len(tokens)}, messages.SUCCESS)


@admin.register(AccountSecurity)
class AccountSecurityAdmin(admin.ModelAdmin):
    """Whether a login must change its password at the next login (set by the district pages' reset). Locked-out
    accounts are under Axes (or /district/security/locked/); second-factor devices under TOTP devices, where a
    superuser removes a lost phone's device."""

    list_display = ("user", "must_change_password", "password_changed_at")
    list_filter = ("must_change_password",)
    search_fields = ("user__username", "user__first_name")
    readonly_fields = ("user", "password_changed_at")

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(MessageTemplate)
class MessageTemplateAdmin(ReadOnlyAdmin):
    """A district's message wording: edited on 구 설정 › 메시지 문구 (welfare.messaging.services), shown here."""

    list_display = ("district", "purpose", "channel", "active", "updated_at")
    list_filter = ("purpose", "channel", "active")


@admin.register(OutboundMessage)
class OutboundMessageAdmin(ReadOnlyAdmin):
    """The log of every outbound message (masked number only; the number itself is never shown)."""

    list_display = ("created_at", "district", "purpose", "phone_masked", "state", "sent_at", "attempts")
    list_filter = ("state", "purpose", "district", ("created_at", DATE_FILTER))
    search_fields = ("=idempotency_key", "=gateway_id", "ref")
    list_select_related = ("district",)
    exclude = ("phone",)
