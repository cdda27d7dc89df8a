"""Every admin list page is filtered only by what it offers (``sigap.core.admin.guard_lookups``): a filter on a
column the page hides, typed into the query string, would answer yes or no through the count of results."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client

from sigap.core.admin import lookup_offered

pytestmark = pytest.mark.django_db


@pytest.fixture
def root() -> Client:
    c = Client()
    c.force_login(get_user_model().objects.create_superuser("root", "root@sigap.invalid", "pw-123-test-root"))
    return c


def _registered():
    from django.urls import get_resolver

    assert get_resolver().url_patterns  # the URL map is where the guard is put on every registered admin
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def _url(model) -> str:
    return f"/admin/{model._meta.app_label}/{model._meta.model_name}/"


def test_an_outbox_message_s_code_and_secret_cannot_be_read_through_a_filter(root):
    """Found by a review: ``?body__contains=Kode lacak: J`` and so on, one character at a time, read a pending
    message's tracking code and an Anonim reporter's secret off the result count."""
    from sigap.reports.models import Notification

    Notification.objects.create(
        kind="dialog:filed_anon",
        body="Kode lacak: QWER-TYUI-OPAS, kode rahasia: ZXCV-BNMA-SDFG",
        body_en="Tracking code: QWER-TYUI-OPAS, secret: ZXCV-BNMA-SDFG",
        recipient_ref="idr_canaryrecipient",
        state=Notification.State.PENDING,
    )
    for lookup in ("body__contains", "body_en__startswith", "recipient_ref__startswith", "reply_context__contains"):
        page = root.get("/admin/reports/notification/", {lookup: "Q"})
        assert page.status_code == 400, lookup
    listed = root.get("/admin/reports/notification/", {"state__exact": "pending"})
    assert listed.status_code == 200 and listed.context["cl"].result_count == 1


def test_a_privacy_officer_s_authenticator_key_cannot_be_read_through_a_filter(root):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    ppid = get_user_model().objects.create_user("ppid.satu", password="pw-123-test-ppid")
    device = TOTPDevice.objects.create(user=ppid, name="default", confirmed=True)
    page = root.get("/admin/otp_totp/totpdevice/", {"key__startswith": device.key[0], "user__id__exact": ppid.pk})
    assert page.status_code == 400
    page = root.get("/admin/auth/user/", {"password__startswith": "pbkdf2"})
    assert page.status_code == 400


def test_no_admin_accepts_a_filter_on_a_column_it_does_not_offer():
    """Every registered admin, Sigap's and the libraries' (auth, axes, django-otp): each column of its model that
    its page does not offer as a filter is refused, with the lookups one would use to read it."""
    checked = 0
    for model, model_admin in _registered():
        offered = {
            f if isinstance(f, str) else f[0] if isinstance(f, tuple) else getattr(f, "parameter_name", f)
            for f in model_admin.list_filter
        }
        offered |= {model_admin.date_hierarchy}
        for field in model._meta.concrete_fields:
            if field.name in offered:
                continue
            for lookup in (field.name, f"{field.name}__startswith", f"{field.name}__contains", f"{field.name}__gt"):
                assert not model_admin.lookup_allowed(lookup, "a", None), (model._meta.label, lookup)
                checked += 1
    assert checked > 300


def test_every_filter_an_admin_page_offers_still_works(root, staff):
    """The filters Django writes into each list page (choices, related objects, dates, booleans, the date
    hierarchy) are all accepted: every link of every page's filter panel answers 200."""
    from sigap.organization.models import StaffRole

    staff("petugas.pb", "kel:31.75.07.1002", StaffRole.Role.OFFICER)
    links = 0
    for model, _model_admin in _registered():
        page = root.get(_url(model))
        assert page.status_code == 200, model._meta.label
        html = page.content.decode()
        for href in set(re.findall(r'href="(\?[^"#]+)"', html)):
            query = unescape(href)
            if not re.search(r"__|=", query) or query.startswith(("?o=", "?q=", "?p=", "?all=", "?_facets")):
                continue
            answer = root.get(_url(model) + query)
            assert answer.status_code == 200, (model._meta.label, query)
            links += 1
    assert links > 50


def test_the_rule_reads_a_page_s_filters():
    from sigap.reports.models import Report

    report_admin = admin.site._registry[Report]
    assert lookup_offered(report_admin, "status__exact", "done")
    assert lookup_offered(report_admin, "category__id__exact", "3")
    assert lookup_offered(report_admin, "category__isnull", "True")
    assert not lookup_offered(report_admin, "category__name__startswith", "J")  # another model's columns
    assert not lookup_offered(report_admin, "status__startswith", "d")
    assert not lookup_offered(report_admin, "description__contains", "x")
