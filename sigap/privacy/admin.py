"""The vault in the admin shows only metadata: a record's ref, key id and dates. Never its contents."""

from django.contrib import admin
from django.db.models import Q

from sigap.core.admin import LoggedReadAdmin, ReadOnlyAdmin, WholeValueSearch

from .access_log import Action
from .models import AccessEvent, IdentityRecord, RevealRequest, VaultBlob


@admin.register(IdentityRecord)
class IdentityRecordAdmin(WholeValueSearch, ReadOnlyAdmin):
    list_display = ("ref", "key_id", "created_at", "destroyed_at")
    fields = ("ref", "key_id", "created_at", "destroyed_at")
    readonly_fields = fields
    search_fields = ("ref",)

    def whole_value_q(self, terms):
        return Q(ref__in=terms)


@admin.register(VaultBlob)
class VaultBlobAdmin(ReadOnlyAdmin):
    list_display = ("ref", "key_id", "content_type", "created_at", "destroyed_at")
    fields = list_display


@admin.register(AccessEvent)
class AccessEventAdmin(WholeValueSearch, LoggedReadAdmin):
    """Who looked at what: a look here is an audit query, as through the audit API."""

    list_action = view_action = Action.AUDIT_QUERY

    list_display = ("seq", "created_at", "actor_username", "action", "report_number")
    list_filter = ("action",)
    search_fields = ("report_number", "actor_username")
    ordering = ("-seq",)  # the newest looks first: the log's first page was its oldest, five years back

    def whole_value_q(self, terms):
        """A report's number, or a staff member's username as the rows hold it (a renamed account's older rows keep
        the name of their time). Index ``accessevent_actor_seq`` serves the count and a name with recent rows; for a
        name whose rows are all old, PostgreSQL may still walk the newer log backwards for the page (a last read:
        93–123 ms over 570,000 newer rows), a known gap."""
        return Q(report_number__in=[t.upper() for t in terms]) | Q(actor_username__in=terms)

    fields = ("seq", "created_at", "actor_username", "action", "report_number", "detail", "prev_hash", "hash")


@admin.register(RevealRequest)
class RevealRequestAdmin(LoggedReadAdmin):
    list_display = ("id", "report", "requester", "state", "approver", "legal_hold", "created_at", "shown_at")
    list_filter = ("state", "legal_hold")
    # the report's vault reference ties it to its identity record (hidden on the report's page too); the seal is
    # of no use to a reader
    exclude = ("reporter_ref", "seal")
    list_action = view_action = Action.REVEAL_LIST

    def report_of(self, obj) -> str:
        return obj.report.number if obj.report_id else ""
