"""What an Open311 client may read (``sigap.open311.selectors``): anyone the Publik reports of non-sensitive
categories, the client app that filed a report also its own Privat and Anonim ones; ``ids`` override every other
filter; open and closed as GeoReport counts them. The endpoints and documents are tested in test_views.py."""

from __future__ import annotations

import pytest
from django.apps import apps

if not apps.is_installed("sigap.open311"):
    pytest.skip("sigap.open311 is not in INSTALLED_APPS (see docs/open311.md)", allow_module_level=True)

from sigap.open311 import selectors
from sigap.open311.services import client_report_record
from sigap.reports import services
from sigap.reports.exposure import Audience
from sigap.reports.tests.factories import submit

pytestmark = pytest.mark.django_db


def numbers(reports) -> list[str]:
    return [r.number for r in reports]


def test_anyone_reads_publik_reports_of_non_sensitive_categories_only():
    public = submit(privacy="public").report
    private = submit().report
    anonymous = submit(privacy="anonymous").report
    numbers_seen = numbers(selectors.requests_search(client=None))
    assert public.number in numbers_seen
    assert private.number not in numbers_seen and anonymous.number not in numbers_seen
    assert selectors.request_get(client=None, number=private.number) is None


def test_the_filing_client_also_reads_its_own_private_reports_as_their_reporter(api_key):
    mine, _key = api_key("app-warga")
    other, _key2 = api_key("app-lain")
    private = submit().report
    client_report_record(client=mine, report=private)
    own = selectors.request_get(client=mine, number=private.number)
    assert own is not None and selectors.audience(own) == Audience.REPORTER
    assert selectors.request_get(client=other, number=private.number) is None
    public = submit(privacy="public").report
    assert selectors.audience(selectors.request_get(client=mine, number=public.number)) == Audience.PUBLIC


def test_ids_override_the_other_filters_and_newest_comes_first(staff):
    older = submit(privacy="public").report
    newer = submit("jalan-rusak", privacy="public").report
    assert numbers(selectors.requests_search(client=None, ids=[older.number], service_codes=["jalan-rusak"])) == [
        older.number
    ]
    assert numbers(selectors.requests_search(client=None, service_codes=["jalan-rusak"])) == [newer.number]
    assert numbers(selectors.requests_search(client=None))[:2] == [newer.number, older.number]
    services.report_reject(report_id=older.pk, actor=staff("petugas.pb", "kel:31.75.07.1002"), reason="bukan kami")
    assert numbers(selectors.requests_search(client=None, statuses=["closed"])) == [older.number]
    assert older.number not in numbers(selectors.requests_search(client=None, statuses=["open"]))
    assert len(selectors.requests_search(client=None, statuses=["open", "closed"])) == 2


@pytest.mark.parametrize(
    ("status", "answered"),
    [("waiting", "open"), ("awaiting_reporter", "open")]
    + [("done", "closed"), ("rejected", "closed"), ("merged", "closed")],
)
def test_every_status_is_open_or_closed(status, answered):
    assert selectors.open311_status(status) == answered


def test_every_request_row_field_is_read_from_its_own_column():
    """Rows are filled by field name from ``_REQUEST_COLUMNS``: each field of ``RequestRow`` the query fills has
    exactly one column, so no text can land in another field (the address in the public description)."""
    from dataclasses import fields

    filled = [f.name for f in fields(selectors.RequestRow) if f.name not in ("hop_list", "first_photo_id")]
    assert sorted(selectors._REQUEST_COLUMNS) == sorted(filled)
    assert len(set(selectors._REQUEST_COLUMNS.values())) == len(filled)


def test_the_filing_client_reads_its_own_address_and_the_public_never_does(api_key):
    from sigap.reports.models import Report

    mine, _key = api_key("app-warga")
    report = submit(privacy="public").report
    Report.objects.filter(pk=report.pk).update(address="Jl. Pahlawan Revolusi gang 3", description="Got mampet.")
    client_report_record(client=mine, report=report)
    own = selectors.request_out(selectors.request_get(client=mine, number=report.number), media_url=lambda n, p: "")
    public = selectors.request_out(selectors.request_get(client=None, number=report.number), media_url=lambda n, p: "")
    assert own["address"] == "Jl. Pahlawan Revolusi gang 3" and own["description"] == "Got mampet."
    assert public["address"] == "Kelurahan Pondok Bambu" and public["description"] == "Got mampet."
