"""A list page's cells as text, built once per page in Python instead of by template filters per row.

A console list of fifty reports spent a third of its rendering in per-row filters: four ``date`` filters, a
``{% url %}``, status label and colour lookups. ``RowText`` does the same work with what a page shares looked up
once (the report link's prefix, the month names and status labels of the active language); what it writes is
what those filters would have written (``tests/test_listing.py`` compares them)."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3

from sigap.core.language import in_english, name_in_language
from sigap.reports.states import COLOUR, Status


class RowText:
    """Per page (one active language and time zone): the texts of the cells a report's row shows."""

    def __init__(self) -> None:
        self.english = in_english()
        self._months: dict[int, str] = {}
        self._labels: dict[str, tuple[str, str]] = {}
        self._report_url = reverse("officers:report", args=["~"])
        self._tz = timezone.get_current_timezone()

    def report_url(self, number: str) -> str:
        """``{% url 'officers:report' number %}``."""
        return self._report_url.replace("~", quote(number, safe=""))

    def when(self, value: datetime | None) -> tuple[str, str]:
        """``value|date:'c'`` and ``value|date:'j M H:i'`` in the current time zone; ("", "") for None."""
        if value is None:
            return "", ""
        local = value.astimezone(self._tz) if timezone.is_aware(value) else value
        month = self._months.get(local.month)
        if month is None:
            month = self._months[local.month] = str(MONTHS_3[local.month]).title()
        return local.isoformat(), f"{local.day} {month} {local:%H:%M}"

    def status(self, code: str) -> tuple[str, str]:
        """``status_text(code)``, once per status a page shows."""
        found = self._labels.get(code)
        if found is None:
            found = self._labels[code] = status_text(code)
        return found

    def category(self, name: str | None, name_en: str | None) -> str:
        """The ``category_name`` filter's choice of name."""
        return name_in_language(name, name_en, self.english)

    def cells(
        self,
        number: str,
        status: str,
        due_at: datetime | None,
        hop_deadline: datetime | None,
        category_name: str | None,
        category_name_en: str | None,
    ) -> dict:
        """The cells every report row shows (the dashboard's overdue table, the console queue): link, category,
        status label and colour, each deadline as ``…_iso`` and display text ("" when there is none)."""
        label, colour = self.status(status)
        (due_iso, due), (hop_iso, hop) = self.when(due_at), self.when(hop_deadline)
        return {
            "url": self.report_url(number),
            "category": self.category(category_name, category_name_en),
            "status_label": label,
            "colour": colour,
            "due_iso": due_iso,
            "due": due,
            "hop_iso": hop_iso,
            "hop": hop,
        }


def status_text(code: str) -> tuple[str, str]:
    """A status code's label in the active language and its colour; an unknown code is shown as itself, grey
    (the console's ``status_label`` and ``status_colour`` filters)."""
    try:
        status = Status(code)
    except ValueError:
        return str(code), "grey"
    return str(status.label), COLOUR[status]
