"""Reports in the admin are read-only: every change goes through the services (history, audit, notify)."""

from django.contrib import admin
from django.db.models import Q

from sigap.core.admin import LoggedReadAdmin, WholeValueSearch

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
class ReportAdmin(WholeValueSearch, LoggedReadAdmin):
    list_display = ("number", "category", "status", "unit", "kelurahan", "channel", "privacy", "created_at", "due_at")
    list_filter = ("status", "channel", "privacy", "category")
    search_fields = ("number",)
    exclude = ("reporter_ref", "tracking_hash", "secret_hash")
    inlines = [HopInline, HistoryInline]

    def report_of(self, obj) -> str:
        return obj.number

    def whole_value_q(self, terms):
        return Q(number__in=[t.upper() for t in terms])

    def lookup_allowed(self, lookup, value, request=None):
        """Not by a column the page hides: Django allows a filter on any column in the query string."""
        if lookup.split("__", 1)[0] in self.exclude:
            return False
        return super().lookup_allowed(lookup, value, request)


@admin.register(Notification)
class NotificationAdmin(WholeValueSearch, LoggedReadAdmin):
    """The outbox. 'dead' rows are the dead-letter list."""

    def report_of(self, obj) -> str:
        return obj.report.number if obj.report_id else ""

    def whole_value_q(self, terms):
        """A report's number: its messages."""
        return Q(report_id__in=Report.objects.filter(number__in=[t.upper() for t in terms]).values("pk"))

    list_display = ("id", "report", "kind", "state", "attempts", "last_error", "created_at", "sent_at")
    list_filter = ("state", "kind")
    search_fields = ("report__number",)
    # what it says (the tracking code, an Anonim reporter's secret), where it goes (a vault reference) and the
    # channel's id for it (which can hold the number) stay out of the admin
    exclude = ("body", "body_en", "recipient_ref", "remote_id", "claim_token", "reply_context")
