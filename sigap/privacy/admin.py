"""The vault in the admin shows only metadata: a record's ref, key id and dates. Never its contents."""
from django.contrib import admin

from .models import IdentityRecord


@admin.register(IdentityRecord)
class IdentityRecordAdmin(admin.ModelAdmin):
    list_display = ("ref", "key_id", "created_at", "destroyed_at")
    fields = ("ref", "key_id", "created_at", "destroyed_at")
    readonly_fields = fields
    search_fields = ("ref",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


from .models import AccessEvent, RevealRequest, VaultBlob  # noqa: E402


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(VaultBlob)
class VaultBlobAdmin(_ReadOnly):
    list_display = ("ref", "key_id", "content_type", "created_at", "destroyed_at")
    fields = list_display


@admin.register(AccessEvent)
class AccessEventAdmin(_ReadOnly):
    list_display = ("seq", "created_at", "actor_username", "action", "report_number")
    list_filter = ("action",)
    search_fields = ("report_number", "actor_username")
    fields = ("seq", "created_at", "actor_username", "action", "report_number", "detail", "prev_hash", "hash")


@admin.register(RevealRequest)
class RevealRequestAdmin(_ReadOnly):
    list_display = ("id", "report", "requester", "state", "approver", "legal_hold", "created_at", "shown_at")
    list_filter = ("state", "legal_hold")
