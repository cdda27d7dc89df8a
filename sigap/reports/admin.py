"""Reports in the admin are read-only: every change goes through the services (history, audit, notify)."""

from django.contrib import admin

from sigap.core.admin import LoggedReadAdmin

from .models import Hop, Notification, Report, StatusChange


class HistoryInline(admin.TabularInline):
    model = StatusChange
    fields = ("created_at", "old_status", "new_status", "unit", "actor", "public_note", "internal_note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class HopInline(HistoryInline):
    model = Hop
    fields = ("created_at", "kind", "from_unit", "to_unit", "actor", "reason", "revisit", "accepted_at")
    readonly_fields = fields


@admin.register(Report)
class ReportAdmin(LoggedReadAdmin):
    list_display = ("number", "category", "status", "unit", "kelurahan", "channel", "privacy", "created_at", "due_at")
    list_filter = ("status", "channel", "privacy", "category")
    search_fields = ("number",)
    exclude = ("reporter_ref", "tracking_hash", "secret_hash")
    inlines = [HopInline, HistoryInline]

    def report_of(self, obj) -> str:
        return obj.number

    def lookup_allowed(self, lookup, value, request=None):
        """Not by a column the page hides: Django allows a filter on any column in the query string."""
        if lookup.split("__", 1)[0] in self.exclude:
            return False
        return super().lookup_allowed(lookup, value, request)


@admin.register(Notification)
class NotificationAdmin(LoggedReadAdmin):
    """The outbox. 'dead' rows are the dead-letter list."""

    list_select_related = ("report",)

    def report_of(self, obj) -> str:
        return obj.report.number if obj.report_id else ""

    list_display = ("id", "report", "kind", "state", "attempts", "last_error", "created_at", "sent_at")
    list_filter = ("state", "kind")
    search_fields = ("report__number",)
    # what it says (the tracking code, an Anonim reporter's secret), where it goes (a vault reference) and the
    # channel's id for it (which can hold the number) stay out of the admin
    exclude = ("body", "body_en", "recipient_ref", "remote_id", "claim_token", "reply_context")
