"""Every admin list counts its rows up to a bound (``sigap.core.admin.bound_counts``): at year five the outbox holds
millions of rows and the access log more, and each list page counted the whole table for its paginator, and
again for its "N total", on every visit."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sigap.core import admin as core_admin
from sigap.reports.models import Notification

pytestmark = pytest.mark.django_db

LIST = "/admin/reports/notification/"


@pytest.fixture
def root() -> Client:
    c = Client()
    c.force_login(get_user_model().objects.create_superuser("root", "root@sigap.invalid", "pw-123-test-root"))
    return c


@pytest.fixture
def small_cap(monkeypatch):
    """A bound of 5 rows (counted, and read for a filter's values) and pages of 2, so a dozen rows stand for the
    millions."""
    monkeypatch.setattr(core_admin, "COUNT_CAP", 5, raising=False)
    monkeypatch.setattr(core_admin, "VALUES_FROM", 5, raising=False)
    for model_admin in admin.site._registry.values():
        monkeypatch.setattr(model_admin, "list_per_page", 2)


def _outbox(n: int, state=Notification.State.SENT) -> None:
    Notification.objects.bulk_create(Notification(kind="filed", body="-", state=state) for _ in range(n))


def _counts(queries) -> list[str]:
    return [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]


def test_a_long_list_is_counted_up_to_the_bound_and_says_so(root, small_cap):
    _outbox(12)
    with CaptureQueriesContext(connection) as seen:
        page = root.get(LIST)
    assert page.status_code == 200
    counts = _counts(seen.captured_queries)
    assert counts, "the paginator counts"
    for sql in counts:  # before: SELECT COUNT(*) FROM reports_notification, twice (the page's and the "total")
        assert "LIMIT" in sql.upper(), sql
    cl = page.context["cl"]
    assert cl.result_count == 5 and cl.paginator.capped and cl.full_result_count is None
    html = page.content.decode()
    assert html.count('data-count-capped="5"') == 2  # above the list and under its pages
    assert len(cl.result_list) == 2
    assert root.get(LIST, {"p": 3}).status_code == 200  # the bound's pages are offered
    beyond = root.get(LIST, {"p": 4})
    assert beyond.status_code == 302 and beyond["Location"].endswith("?e=1")  # a deeper OFFSET is not


def test_a_filtered_list_is_bounded_too_and_a_short_one_is_counted_exactly(root, small_cap):
    _outbox(9)
    _outbox(3, state=Notification.State.DEAD)
    with CaptureQueriesContext(connection) as seen:
        page = root.get(LIST, {"state__exact": "dead"})
    cl = page.context["cl"]
    assert page.status_code == 200 and cl.result_count == 3 and not cl.paginator.capped
    assert "data-count-capped" not in page.content.decode()
    for sql in _counts(seen.captured_queries):
        assert "LIMIT" in sql.upper(), sql
    filtered = root.get(LIST, {"state__exact": "sent"})
    assert filtered.context["cl"].result_count == 5 and filtered.context["cl"].paginator.capped


def test_facets_are_not_counted_whatever_the_query_string_asks(root, small_cap):
    """``?_facets`` counted the whole table once per filter choice (Django's default lets anyone ask)."""
    _outbox(12)
    with CaptureQueriesContext(connection) as seen:
        page = root.get(LIST, {"_facets": "True"})
    assert page.status_code == 200 and page.context["cl"].add_facets is False
    for sql in _counts(seen.captured_queries):
        assert "LIMIT" in sql.upper(), sql


def test_every_registered_admin_counts_within_the_bound():
    """Sigap's admins and the libraries' (auth, axes, django-otp): the access-attempt log grows with history too."""
    from django.urls import get_resolver

    assert get_resolver().url_patterns  # the URL map is where the bound is put on every registered admin
    registered = list(admin.site._registry.values())
    assert len(registered) > 15
    for model_admin in registered:
        assert issubclass(model_admin.paginator, core_admin.BoundedCountPaginator), model_admin
        assert model_admin.show_full_result_count is False, model_admin
        assert model_admin.show_facets is admin.ShowFacets.NEVER, model_admin
        assert model_admin.change_list_template == "admin/sigap_change_list.html", model_admin


def test_the_note_is_in_english_for_an_english_reader(root, small_cap):
    _outbox(12)
    root.cookies["django_language"] = "en"
    page = root.get(LIST)
    assert "More than 5 rows" in page.content.decode()


def test_a_filter_by_a_column_s_values_offers_those_of_the_newest_rows(root, small_cap):
    """Django's filter offered ``SELECT DISTINCT kind`` over the whole outbox (0.43 s at a million reports, on every
    look at the list): now the values of the newest rows, and the one asked for."""
    Notification.objects.bulk_create(Notification(kind="lama", body="-", state="sent") for _ in range(6))
    Notification.objects.bulk_create(Notification(kind="baru", body="-", state="sent") for _ in range(6))
    with CaptureQueriesContext(connection) as seen:
        page = root.get(LIST)
    offered = [c["display"] for c in _kind_choices(page)]
    assert offered == ["Semua", "baru"] or offered == ["All", "baru"]
    for sql in seen.captured_queries:
        if "DISTINCT" in sql["sql"].upper():
            assert "LIMIT" in sql["sql"].upper(), sql["sql"]
    asked = root.get(LIST, {"kind": "lama"})
    assert asked.status_code == 200 and asked.context["cl"].result_count == 5
    chosen = {c["display"]: c["selected"] for c in _kind_choices(asked)}
    assert chosen.get("lama") is True and chosen.get("baru") is False


def _kind_choices(page) -> list[dict]:
    cl = page.context["cl"]
    (spec,) = [f for f in cl.filter_specs if getattr(f, "field_path", "") == "kind"]
    return list(spec.choices(cl))


def test_a_list_s_related_rows_are_joined_not_read_one_per_row(root):
    """The reports list read each row's unit and kelurahan again: 211 statements for a page of 100."""
    from sigap.reports.tests.factories import submit

    def statements() -> int:
        root.get("/admin/reports/report/")  # the first look warms what is cached for the process
        with CaptureQueriesContext(connection) as seen:
            assert root.get("/admin/reports/report/").status_code == 200
        return len(seen.captured_queries)

    submit()
    one = statements()
    for _ in range(3):
        submit()
    assert statements() == one
    for model_admin in admin.site._registry.values():
        for name in core_admin._related_columns(model_admin.model, model_admin.list_display):
            joined = model_admin.list_select_related
            assert joined is True or name in joined, (model_admin, name)


def test_a_date_drill_down_that_reads_a_growing_table_is_not_offered(root):
    """A date drill-down reads the distinct years of the whole table (``SELECT DISTINCT DATE_TRUNC('year', …)``):
    the sign-in attempt logs grow with every failure; the holidays' calendar keeps its drill-down."""
    from axes.models import AccessFailureLog
    from django.utils import timezone

    AccessFailureLog.objects.create(
        attempt_time=timezone.now(), ip_address="192.0.2.1", username="x", user_agent="t", path_info="/masuk/"
    )
    with CaptureQueriesContext(connection) as seen:
        page = root.get("/admin/axes/accessfailurelog/")
    assert page.status_code == 200
    assert not [q for q in seen.captured_queries if "DATE_TRUNC" in q["sql"].upper() or "django_date_trunc" in q["sql"]]
    assert (
        root.get("/admin/axes/accessfailurelog/", {"attempt_time__gte": "2026-01-01 00:00:00+07:00"}).status_code == 200
    )
    for model_admin in admin.site._registry.values():
        if model_admin.date_hierarchy:
            assert getattr(model_admin, "small_table", False), model_admin
    assert root.get("/admin/core/holiday/").status_code == 200


def test_a_search_over_a_growing_table_reads_whole_values_through_their_indexes(root):
    """Django's search is ``UPPER(column) LIKE '%term%'``: a report number in the reports list or the outbox read the
    whole table (0.8–1.3 s at a million reports). Whole values now, as an admin types them (a number in lower case
    too), several at once."""
    from sigap.privacy.models import AccessEvent
    from sigap.reports.tests.factories import submit

    first, second = submit().report, submit().report
    Notification.objects.create(kind="filed", body="-", state="sent", report=first)

    def found(path: str, term: str) -> set[int]:
        with CaptureQueriesContext(connection) as seen:
            page = root.get(path, {"q": term})
        assert page.status_code == 200, (path, term)
        assert not [q["sql"] for q in seen.captured_queries if " LIKE " in q["sql"].upper()], (path, term)
        return {row.pk for row in page.context["cl"].result_list}

    assert found("/admin/reports/report/", first.number.lower()) == {first.pk}
    assert found("/admin/reports/report/", f"{first.number} {second.number}") == {first.pk, second.pk}
    assert found("/admin/reports/report/", first.number[:-2]) == set()  # a part of a number finds nothing
    for report in (first, second):
        messages = set(Notification.objects.filter(report=report).values_list("pk", flat=True))
        assert found("/admin/reports/notification/", report.number) == messages
    mine = set(AccessEvent.objects.filter(actor_username="root").values_list("pk", flat=True))
    assert mine and found("/admin/privacy/accessevent/", "root") >= mine
    assert found("/admin/privacy/accessevent/", first.number) == set(
        AccessEvent.objects.filter(report_number=first.number).values_list("pk", flat=True)
    )
    listed = root.get("/admin/privacy/accessevent/").context["cl"].result_list
    assert [e.seq for e in listed] == sorted((e.seq for e in listed), reverse=True)  # the newest looks first


@pytest.mark.parametrize("url", ["/admin/core/auditevent/", "/admin/reports/notification/"])
def test_past_the_bound_the_newest_rows_are_on_the_first_page(root, small_cap, url):
    """A review: lists in the order of their key showed the oldest rows first, and past the bound the newest were on
    no page offered."""
    from sigap.core.models import AuditEvent

    if "audit" in url:
        for i in range(12):
            AuditEvent.objects.create(actor_kind="system", action=f"a{i}")
        newest = AuditEvent.objects.order_by("-pk").first().pk
    else:
        _outbox(12)
        newest = Notification.objects.order_by("-pk").first().pk
    first = [r.pk for r in root.get(url).context["cl"].result_list]
    assert first[0] == newest and first == sorted(first, reverse=True)


def test_past_the_bound_select_all_is_not_offered_and_the_count_is_not_sorted(root, small_cap):
    """A review: "select all 5" stood for an action over all the rows, and the bounded count sorted every row a
    column without an index matched (``?o=``) for a number that needs no order."""
    _outbox(12)
    with CaptureQueriesContext(connection) as seen:
        page = root.get(LIST, {"o": "3"})  # by state
    assert page.status_code == 200 and page.context["cl"].paginator.capped
    assert "sigap/admin_capped.css" in page.content.decode()
    for sql in _counts(seen.captured_queries):
        assert "ORDER BY" not in sql.upper(), sql
    short = root.get(LIST, {"state__exact": "pending"})
    assert "sigap/admin_capped.css" not in short.content.decode()


def test_the_access_log_is_searched_by_the_name_its_rows_hold(root):
    """A review: searched through the account, a renamed account's rows (which keep the name of their time) were
    not found by the name the list shows."""
    from sigap.privacy.models import AccessEvent

    root.get("/admin/reports/report/")  # a logged look by 'root'
    get_user_model().objects.filter(username="root").update(username="root.renamed")
    with CaptureQueriesContext(connection) as seen:
        page = root.get("/admin/privacy/accessevent/", {"q": "root"})
    assert {e.actor_username for e in page.context["cl"].result_list} == {"root"}
    assert len(page.context["cl"].result_list) == AccessEvent.objects.filter(actor_username="root").count()
    assert not [q["sql"] for q in seen.captured_queries if " LIKE " in q["sql"].upper()]


def test_the_sign_in_logs_are_searched_by_whole_values(root):
    """django-axes' lists searched ``LIKE '%term%'`` over every attempt ever logged: a username or an address,
    whole, through their indexes."""
    from axes.models import AccessAttempt
    from django.utils import timezone

    for i in range(3):
        AccessAttempt.objects.create(
            attempt_time=timezone.now(),
            ip_address=f"192.0.2.{i}",
            username=f"u{i}",
            user_agent="t",
            path_info="/masuk/",
            failures_since_start=1,
        )
    for term, found in (("192.0.2.1", {"u1"}), ("u2", {"u2"}), ("192.0.2", set())):
        with CaptureQueriesContext(connection) as seen:
            page = root.get("/admin/axes/accessattempt/", {"q": term})
        assert page.status_code == 200
        assert {a.username for a in page.context["cl"].result_list} == found, term
        assert not [q["sql"] for q in seen.captured_queries if " LIKE " in q["sql"].upper()], term


def test_a_growing_table_s_list_is_sorted_only_by_the_columns_an_index_orders(root):
    """A last read: a column header (or ``?o=`` typed) sorted a list of millions of rows whole for its first 100 (the
    outbox by kind: 1.6 s, the reports by kelurahan: 0.64 s at a million reports)."""
    from sigap.reports.tests.factories import submit

    submit()
    display = list(root.get("/admin/reports/report/").context["cl"].list_display)  # what ?o= positions count
    assert root.get("/admin/reports/report/", {"o": f"-{display.index('created_at')}"}).status_code == 200
    for column in ("kelurahan", "category", "channel"):
        assert root.get("/admin/reports/report/", {"o": str(display.index(column))}).status_code == 400, column
    assert root.get(LIST, {"o": "2"}).status_code == 400  # the outbox by kind
    assert root.get(LIST, {"o": "0.x.99"}).status_code == 200  # what Django ignores stays ignored
    page = root.get("/admin/reports/report/")
    assert 'class="sortable' in page.content.decode()  # the columns it offers keep their links
    assert root.get("/admin/organization/unit/", {"o": "1"}).status_code == 200  # a reference table sorts freely
