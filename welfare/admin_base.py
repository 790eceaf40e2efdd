"""Admin bases every app uses. Casework is read-only in the Django admin: its writes carry rules, scoping,
version bumps and the access log, which only the services apply, so the admin shows and searches records but
changes none (a superuser neither). Opening a personal record's page writes one access-log entry, as the pages
and the API do. A district's policies are edited through their form and service (``PolicyAdmin``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin

from .audit import log_action
from .common.paging import EstimatedCountPaginator

# The date filter of the tables that grow with the years (visits, the access log, reports, messages): today, the
# last 7 days, this month, this year, without a query. Django's ``date_hierarchy`` lists the years first with a
# ``SELECT DISTINCT`` over every row: 400 ms of the visits' admin list at 1,000,000 visits.
DATE_FILTER = admin.DateFieldListFilter


class ReadOnlyAdmin(admin.ModelAdmin):
    """No add, change or delete for anyone; the change page shows the record. A whole table of millions (visits,
    the access log) is counted by PostgreSQL's estimate (``EstimatedCountPaginator``)."""

    paginator = EstimatedCountPaginator

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class CaseworkAdmin(ReadOnlyAdmin):
    """Read-only, and each view of a record's page is logged like the product's own detail pages."""

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and not add:
            opts = obj._meta
            log_action(obj, f"{opts.app_label}.{opts.model_name}.viewed", user=request.user, reason="admin")
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)


class ReadOnlyInlineMixin:
    """For inlines of read-only records: no row added, changed or deleted."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        """Every field the inline names is read-only, so none goes into its form: a non-editable one (a creation
        time) named in ``fields`` otherwise made Django refuse to build the form, and the parent's page answered
        500."""
        return [*super().get_readonly_fields(request, obj), *(self.fields or ())]


class ReadOnlyTabularInline(ReadOnlyInlineMixin, admin.TabularInline):
    pass


class ReadOnlyStackedInline(ReadOnlyInlineMixin, admin.StackedInline):
    pass


class PolicyAdmin(admin.ModelAdmin):
    """A district's policy, for superusers (district admins have /district/policies/). The add, change and list
    forms are the settings page's own form, and every save goes through its audited service."""

    policy_form: type[forms.ModelForm]
    policy_save: Callable[..., Any]

    def get_form(self, request, obj=None, **kwargs):
        return super().get_form(request, obj, form=self.policy_form, **kwargs)

    def get_changelist_form(self, request, **kwargs):
        return super().get_changelist_form(request, form=self.policy_form, **kwargs)

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        saved = type(self).policy_save(district=obj.district, by=request.user, data=form.cleaned_data)
        obj.pk = saved.pk
