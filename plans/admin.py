from django.contrib import admin

from .models import Resource


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ("name", "provider", "district", "sector", "category", "funding_source", "is_active", "updated_at")
    list_filter = ("district", "sector", "category", "is_active")
    search_fields = ("name", "provider", "eligibility", "funding_source")
    list_select_related = ("district",)
    filter_horizontal = ("dongs",)
    list_editable = ("is_active",)
