"""The privacy tables in the admin show metadata only: a reveal request's page, like a report's, never shows the
report's vault reference (which ties the report to its identity record) nor the request's seal."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from sigap.reports.tests.factories import reporter, submit

from .helpers import BASIS

pytestmark = pytest.mark.django_db


def test_a_reveal_requests_admin_page_shows_neither_the_vault_reference_nor_the_seal(ppid):
    from sigap.privacy import reveal

    first, _second = ppid
    report = submit(reporter=reporter()).report
    req = reveal.reveal_request(actor=first, report_number=report.number, legal_basis=BASIS)
    root = Client()
    root.force_login(get_user_model().objects.create_superuser("root", "root@sigap.invalid", "pw-123-test-root"))
    for url in (f"/admin/privacy/revealrequest/{req.pk}/change/", f"/admin/reports/report/{report.pk}/change/"):
        page = root.get(url)
        assert page.status_code == 200, url
        assert report.reporter_ref.encode() not in page.content, url
    assert req.seal.split(":")[-1].encode() not in root.get(f"/admin/privacy/revealrequest/{req.pk}/change/").content
