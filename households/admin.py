from django.contrib import admin

from welfare.forms import CadencePolicyForm
from welfare.services import cadence_policy_save

from .models import CadencePolicy, Consent, Household, Resident, SensitiveProfile


class ResidentInline(admin.TabularInline):
    model = Resident
    extra = 0
    fields = ("name", "relation", "birth_date", "sex", "phone", "rrn_masked", "left_on", "left_reason")
    readonly_fields = ("rrn_masked",)
    show_change_link = True


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ("id", "road_address", "address_detail", "dong", "housing_type", "risk_level", "status",
                    "assigned_official", "next_contact_on")
    list_filter = ("dong__district", "risk_level", "status", "housing_type", "is_single_person", "is_demo")
    search_fields = ("road_address", "address_detail", "residents__name", "residents__phone")
    list_select_related = ("dong", "assigned_official")
    autocomplete_fields = ("dong", "assigned_official")
    inlines = [ResidentInline]
    show_full_result_count = False


@admin.register(Resident)
class ResidentAdmin(admin.ModelAdmin):
    list_display = ("name", "household", "relation", "birth_date", "sex", "rrn_masked", "left_on")
    list_filter = ("relation", "sex", "left_reason")
    search_fields = ("name", "phone", "=rrn_hash")
    exclude = ("rrn_encrypted",)
    readonly_fields = ("rrn_masked",)
    raw_id_fields = ("household",)
    list_select_related = ("household",)
    show_full_result_count = False


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ("resident", "scope", "granted_on", "method", "expires_on", "withdrawn_on")
    list_filter = ("scope", "method")
    search_fields = ("resident__name",)
    raw_id_fields = ("resident",)


@admin.register(SensitiveProfile)
class SensitiveProfileAdmin(admin.ModelAdmin):
    list_display = ("resident", "disability_type", "disability_severity", "updated_at")
    list_filter = ("disability_severity",)
    search_fields = ("resident__name",)
    raw_id_fields = ("resident",)


@admin.register(CadencePolicy)
class CadencePolicyAdmin(admin.ModelAdmin):
    """Superusers edit every district's cadence here, in the list too; district admins have their own page
    (/district/policies/). Both check the values with the same form and save through the same audited service."""

    list_display = ("district", "high_days", "medium_days", "low_days", "in_service_days", "silence_high_days",
                    "silence_medium_days", "silence_low_days")
    list_editable = ("high_days", "medium_days", "low_days", "in_service_days", "silence_high_days",
                     "silence_medium_days", "silence_low_days")
    list_select_related = ("district",)
    ordering = ("district__name",)
    search_fields = ("district__name",)
    fields = ("district", "high_days", "medium_days", "low_days", "in_service_days", "silence_high_days",
              "silence_medium_days", "silence_low_days")

    def get_form(self, request, obj=None, **kwargs):
        return super().get_form(request, obj, form=CadencePolicyForm, **kwargs)

    def get_changelist_form(self, request, **kwargs):
        return super().get_changelist_form(request, form=CadencePolicyForm, **kwargs)

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        saved = cadence_policy_save(district=obj.district, by=request.user, data=form.cleaned_data)
        obj.pk = saved.pk
