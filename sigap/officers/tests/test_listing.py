"""``listing.RowText`` writes what the template filters it replaces would write, in both languages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone, translation

from sigap.officers.listing import RowText
from sigap.officers.templatetags.officer_console import status_colour, status_label
from sigap.reports.states import COLOUR, Status


@pytest.mark.parametrize("language", ["id", "en"])
def test_row_texts_are_what_the_filters_write(language):
    moments = [datetime(2026, m, 1, 16, 59, tzinfo=UTC) + timedelta(minutes=k) for m in range(1, 13) for k in (0, 1)]
    moments += [datetime(2026, 12, 31, 17, 0, tzinfo=UTC), datetime(2027, 2, 28, 23, 5, 7, 123456, tzinfo=UTC)]
    with translation.override(language):
        text = RowText()
        for at in moments:
            local = timezone.localtime(at)
            assert text.when(at) == (date_filter(local, "c"), date_filter(local, "j M H:i")), at
        assert text.when(None) == ("", "")
        for code in [s.value for s in Status] + ["no-such-status"]:
            assert text.status(code) == (status_label(code), status_colour(code))
        # and what the filters and RowText share says what the states say (an unknown code: itself, grey)
        for status in Status:
            assert text.status(status.value) == (str(status.label), COLOUR[status])
        assert text.status("no-such-status") == ("no-such-status", "grey")
        assert text.report_url("JK202612040001") == reverse("officers:report", args=["JK202612040001"])
        assert text.category("Jalan rusak", "Damaged road") == ("Damaged road" if language == "en" else "Jalan rusak")
        assert text.category("Jalan rusak", None) == "Jalan rusak"
    # the months differ between the languages where the names do (Agustus, Desember; Mei: May)
    with translation.override("id"):
        assert RowText().when(datetime(2026, 12, 4, 3, 0, tzinfo=UTC))[1] == "4 Des 10:00"
    with translation.override("en"):
        assert RowText().when(datetime(2026, 12, 4, 3, 0, tzinfo=UTC))[1] == "4 Dec 10:00"
