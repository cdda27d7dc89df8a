from django.contrib import admin

from .models import AuditEvent, Holiday


class ReadOnlyAdmin(admin.ModelAdmin):
    """For append-only or service-written rows: the admin may look, never add, change or delete."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "name")
    date_hierarchy = "date"
    search_fields = ("name",)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: the audit trail has no edit or delete path."""

    list_display = ("created_at", "action", "actor", "actor_kind", "report_id")
    list_filter = ("action", "actor_kind")
    search_fields = ("action", "report_id")
