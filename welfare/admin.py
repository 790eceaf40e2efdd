from django.contrib import admin

from .models import AccessLog, District, Dong, StaffMembership


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
