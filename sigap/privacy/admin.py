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
