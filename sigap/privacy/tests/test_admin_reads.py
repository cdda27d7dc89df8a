"""What a superuser reads in the admin is in the access log, as the same look elsewhere is (docs/privacy.md, *Every
look is recorded*): a report's page and a page of reports, the outbox, the reveal requests (a ``reveal_list``) and
the access log itself (an ``audit_query``). The admin served these reads and wrote nothing (a review of the
privileged roles)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Max
from django.test import Client

from sigap.privacy.access_log import Action
from sigap.privacy.models import AccessEvent
from sigap.reports.tests.factories import reporter, submit

from .helpers import BASIS

pytestmark = pytest.mark.django_db


def _last_seq() -> int:
    return AccessEvent.objects.aggregate(last=Max("seq"))["last"] or 0


def _root() -> Client:
    root = Client()
    root.force_login(get_user_model().objects.create_superuser("root", "root@sigap.invalid", "pw-123-test-root"))
    return root


def test_a_superuser_reading_a_report_in_the_admin_is_in_the_access_log():
    report = submit(reporter=reporter(), description="Got mampet di depan rumah, air meluap ke jalan.").report
    root = _root()
    before = _last_seq()
    page = root.get(f"/admin/reports/report/{report.pk}/change/")
    assert page.status_code == 200
    assert b"Got mampet" in page.content  # the report's text, read by someone the report's units never see
    logged = AccessEvent.objects.filter(seq__gt=before, report_number=report.number)
    assert logged.exists(), "the admin's report page is a view of the report that the access log does not record"


def test_a_superuser_listing_reports_in_the_admin_is_in_the_access_log():
    report = submit(reporter=reporter()).report
    root = _root()
    before = _last_seq()
    page = root.get("/admin/reports/report/")
    assert page.status_code == 200
    assert report.number.encode() in page.content
    assert AccessEvent.objects.filter(seq__gt=before).exists(), "a queue listing in the admin is not recorded"


def test_a_superuser_reading_reveal_requests_in_the_admin_is_in_the_access_log(ppid):
    from sigap.privacy import reveal

    first, _second = ppid
    report = submit(reporter=reporter()).report
    reveal.reveal_request(actor=first, report_number=report.number, legal_basis=BASIS)
    root = _root()
    before = _last_seq()
    page = root.get("/admin/privacy/revealrequest/")
    assert page.status_code == 200
    assert report.number.encode() in page.content  # which report's reporter is being unmasked, by whom
    assert AccessEvent.objects.filter(seq__gt=before).exists(), (
        "a PPID's look at the reveal requests is a reveal_list row; the superuser's look at the same list is none"
    )


def test_a_superuser_browsing_the_access_log_in_the_admin_is_an_audit_query(chain):
    root = _root()
    before = _last_seq()
    page = root.get("/admin/privacy/accessevent/?q=petugas.pb")
    assert page.status_code == 200
    assert b"JK202611280000" in page.content
    assert AccessEvent.objects.filter(seq__gt=before, action=Action.AUDIT_QUERY).exists(), (
        "an auditor's query of the log is an audit_query row; the superuser's search of it in the admin is none"
    )


def test_what_the_admin_logs_names_the_page_and_the_reports_shown():
    report = submit(reporter=reporter()).report
    root = _root()
    before = _last_seq()
    assert root.get("/admin/reports/report/?status__exact=waiting").status_code == 200
    [listed] = AccessEvent.objects.filter(seq__gt=before)
    assert listed.action == Action.LIST_REPORTS and listed.actor_username == "root"
    assert listed.detail["view"] == "admin:report" and report.number in listed.detail["reports"]
    assert listed.detail["filters"] == {"status__exact": "waiting"}
    before = _last_seq()
    assert root.get("/admin/reports/notification/").status_code == 200
    [outbox] = AccessEvent.objects.filter(seq__gt=before)
    assert outbox.detail["view"] == "admin:notification" and report.number in outbox.detail["reports"]


def test_the_report_history_view_in_the_admin_is_logged():
    report = submit(reporter=reporter()).report
    root = _root()
    before = _last_seq()
    page = root.get(f"/admin/reports/report/{report.pk}/history/")
    assert page.status_code == 200 and report.number.encode() in page.content
    assert AccessEvent.objects.filter(seq__gt=before).exists(), "a report's history page: no access-log row"


def test_the_audit_trail_in_the_admin_is_logged():
    """``AuditEventAdmin`` (who did what to which report, with each action's detail) stayed a plain ReadOnlyAdmin."""
    report = submit(reporter=reporter()).report
    root = _root()
    before = _last_seq()
    page = root.get("/admin/core/auditevent/")
    assert page.status_code == 200 and str(report.pk).encode() in page.content
    assert AccessEvent.objects.filter(seq__gt=before).exists(), "the admin's audit trail: no access-log row"


def test_which_client_app_filed_which_report_is_a_logged_page_of_reports():
    from sigap.open311.models import ApiClient, ClientReport

    report = submit(reporter=reporter()).report
    app = ApiClient.objects.create(name="app-warga", key_hash="x" * 64, key_hint="o311_xxx")
    ClientReport.objects.create(report=report, client=app)
    root = _root()
    before = _last_seq()
    assert root.get("/admin/open311/clientreport/").status_code == 200
    [listed] = AccessEvent.objects.filter(seq__gt=before)
    assert listed.action == Action.LIST_REPORTS and listed.detail["reports"] == [report.number]
