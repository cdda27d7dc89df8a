"""Open311 in the admin: client apps (the key is shown once, when the client is added), the extra questions
of each category's service definition (data a city edits), and the read-only client ↔ report record."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from sigap.core.admin import LoggedReadAdmin

from .models import ApiClient, ClientReport, ServiceAttribute


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ("name", "key_hint", "rate_per_minute", "active", "created_at", "last_used_at")
    list_filter = ("active",)
    search_fields = ("name",)
    fields = ("name", "rate_per_minute", "active", "key_hint", "created_at", "last_used_at")
    readonly_fields = ("key_hint", "created_at", "last_used_at")

    def save_model(self, request, obj, form, change):
        if not change:
            key = ApiClient.new_key()
            obj.set_key(key)
            super().save_model(request, obj, form, change)
            messages.warning(
                request,
                _("Kunci API untuk %(name)s (hanya ditampilkan sekali): %(key)s") % {"name": obj.name, "key": key},
            )
            return
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: its reports stay linked to it


@admin.register(ServiceAttribute)
class ServiceAttributeAdmin(admin.ModelAdmin):
    list_display = ("category_code", "code", "datatype", "required", "order", "description")
    list_filter = ("datatype", "required")
    search_fields = ("category_code", "code", "description")


@admin.register(ClientReport)
class ClientReportAdmin(LoggedReadAdmin):
    """Which client app filed which report: a page of reports, in the access log."""

    list_display = ("report", "client", "created_at")
    list_filter = ("client",)
    fields = ("report", "client", "created_at")
    readonly_fields = fields

    def report_of(self, obj) -> str:
        return obj.report.number if obj.report_id else ""
