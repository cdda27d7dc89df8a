"""The vault in the admin shows only metadata: a record's ref, key id and dates. Never its contents."""

from django.contrib import admin

from sigap.core.admin import ReadOnlyAdmin

from .models import AccessEvent, IdentityRecord, RevealRequest, VaultBlob


@admin.register(IdentityRecord)
class IdentityRecordAdmin(ReadOnlyAdmin):
    list_display = ("ref", "key_id", "created_at", "destroyed_at")
    fields = ("ref", "key_id", "created_at", "destroyed_at")
    readonly_fields = fields
    search_fields = ("ref",)


@admin.register(VaultBlob)
class VaultBlobAdmin(ReadOnlyAdmin):
    list_display = ("ref", "key_id", "content_type", "created_at", "destroyed_at")
    fields = list_display


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnlyAdmin):
    list_display = ("seq", "created_at", "actor_username", "action", "report_number")
    list_filter = ("action",)
    search_fields = ("report_number", "actor_username")
    fields = ("seq", "created_at", "actor_username", "action", "report_number", "detail", "prev_hash", "hash")


@admin.register(RevealRequest)
class RevealRequestAdmin(ReadOnlyAdmin):
    list_display = ("id", "report", "requester", "state", "approver", "legal_hold", "created_at", "shown_at")
    list_filter = ("state", "legal_hold")
    # the report's vault reference ties it to its identity record (hidden on the report's page too); the seal is
    # of no use to a reader
    exclude = ("reporter_ref", "seal")
