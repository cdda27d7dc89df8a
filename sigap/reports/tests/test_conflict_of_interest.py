"""Conflict of interest follows the category, whenever and however it is set.

A complaint about officials (``pelayanan-aparatur``) is never visible to the unit it concerns nor to any unit
below it, and can never be passed to them. These tests walk every path that sets or changes a report's
category or location (intake, the categorizer, the triage desk, re-categorization at the desk, a chat report
placed later, Open311, the operator page) and check the same three things after each:

* the concerned unit is set (the kelurahan of the location unless a unit was named) and cannot open it;
* koordinasi/disposisi to the concerned unit or a unit below it is refused;
* at least one unit may open the report: the handling unit is never the concerned unit or below it.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from sigap.core.errors import DomainError, TransitionRefused
from sigap.intake.services import Reporter, Submission, report_submit
from sigap.organization import roles
from sigap.organization.models import StaffRole, Unit
from sigap.reports import selectors, services
from sigap.reports.models import Report

from .factories import inner_point, submit

pytestmark = pytest.mark.django_db
PB = "31.75.07.1002"  # Pondok Bambu, Duren Sawit, Jakarta Timur
PB_UNIT = f"kel:{PB}"
CONDUCT = "pelayanan-aparatur"
PUNGLI = "Petugas kelurahan meminta uang lima ratus ribu untuk surat pengantar, tanpa kuitansi."
TRIAGE_URL = "/api/v1/officer/desk/triage"


def visible(user, report) -> bool:
    return selectors.reports_visible_to(user).filter(pk=report.pk).exists()


def openable(report: Report) -> bool:
    """Somebody may open it: the handling unit is not the concerned unit, nor below it."""
    report.refresh_from_db()
    if report.unit_id is None:
        return False
    return report.concerned_unit_id is None or report.concerned_unit_id not in roles.ancestor_unit_ids({report.unit_id})


def assert_protected(report: Report, staff, concerned: str = PB_UNIT) -> None:
    """The concerned unit (and a unit below it) cannot see the report or receive it; the handling unit can."""
    report.refresh_from_db()
    assert report.concerned_unit is not None and report.concerned_unit.code == concerned
    assert report.unit.code == "inspektorat"
    assert openable(report)
    inspektorat = staff("petugas.insp", "inspektorat")
    assert visible(inspektorat, report)
    subject = staff("petugas.subject", concerned)
    assert not visible(subject, report)
    below = Unit.objects.filter(parent__code=concerned, active=True).first()
    targets = [concerned] + ([below.code] if below else [])
    for target in targets:
        with pytest.raises(TransitionRefused) as err:
            services.report_coordinate(
                report_id=report.pk, actor=inspektorat, to_unit=target, reason="mohon klarifikasi"
            )
        assert err.value.code == "conflict_of_interest"


@pytest.fixture
def desk(staff):
    c = Client()
    c.force_login(staff("petugas.triase", "triase"))
    return c


def _no_location(category: str = "", channel: str = "twitter", text: str = PUNGLI) -> Report:
    return report_submit(
        Submission(
            category=category,
            description=text,
            lat=None,
            lon=None,
            channel=channel,
            allow_no_location=True,
            reporter=Reporter(name="Warga"),
        )
    ).report


def _machine_says(monkeypatch, code: str, confidence: float = 0.31) -> None:
    """The categorizer's guess, fixed (the shipped model's answer is not what these tests are about)."""
    monkeypatch.setattr("sigap.intake.services.categorize", lambda text: ([(code, confidence)], 0.5))


# --- the triage desk -------------------------------------------------------------------------------


def test_triage_desk_categorizing_a_report_as_misconduct_sets_the_concerned_unit(desk, staff):
    report = _no_location(category="lainnya")
    assert report.unit.code == "triase" and report.concerned_unit is None
    out = desk.post(
        f"{TRIAGE_URL}/{report.number}", data={"category": CONDUCT, "kelurahan": PB}, content_type="application/json"
    )
    assert out.status_code == 200, out.content
    assert_protected(report, staff)


def test_triage_desk_names_the_unit_the_complaint_is_about(desk, staff):
    report = _no_location(category="lainnya", text="Petugas Suku Dinas Bina Marga meminta uang agar jalan diperbaiki.")
    out = desk.post(
        f"{TRIAGE_URL}/{report.number}",
        data={"category": CONDUCT, "kelurahan": PB, "about_unit": "sudin-bina-marga:31.75"},
        content_type="application/json",
    )
    assert out.status_code == 200, out.content
    assert_protected(report, staff, concerned="sudin-bina-marga:31.75")


def test_triage_desk_lists_the_concerned_unit_it_would_set(desk, monkeypatch):
    _machine_says(monkeypatch, CONDUCT, 0.9)  # a machine never files misconduct alone: the desk confirms
    lat, lon = inner_point(PB)
    report = report_submit(Submission(category="", description=PUNGLI, lat=lat, lon=lon, channel="web")).report
    item = next(i for i in desk.get(TRIAGE_URL).json() if i["id"] == report.number)
    assert item["about_unit"]["code"] == PB_UNIT


def test_about_unit_at_the_triage_desk_is_refused_for_other_categories(desk, staff):
    report = _no_location(category="lainnya", text="Lampu jalan mati di gang Mawar Pondok Bambu sejak seminggu.")
    out = desk.post(
        f"{TRIAGE_URL}/{report.number}",
        data={"category": "lampu-jalan", "kelurahan": PB, "about_unit": PB_UNIT},
        content_type="application/json",
    )
    assert out.status_code == 422 and out.json()["field"] == "about_unit"
    report.refresh_from_db()
    assert report.unit.code == "triase" and report.concerned_unit is None  # nothing half-written


def test_unknown_about_unit_at_the_triage_desk_is_refused(desk):
    report = _no_location(category="lainnya")
    out = desk.post(
        f"{TRIAGE_URL}/{report.number}",
        data={"category": CONDUCT, "kelurahan": PB, "about_unit": "nope"},
        content_type="application/json",
    )
    assert out.status_code == 422 and out.json()["field"] == "about_unit"


# --- re-categorization -----------------------------------------------------------------------------


def test_recategorizing_into_misconduct_at_the_desk_sets_the_concerned_unit(desk, staff, monkeypatch):
    _machine_says(monkeypatch, "lainnya", 0.2)  # unsure: the desk decides
    lat, lon = inner_point(PB)
    report = report_submit(Submission(category="", description=PUNGLI, lat=lat, lon=lon, channel="web")).report
    assert report.unit.code == "triase" and report.concerned_unit is None
    out = desk.post(f"{TRIAGE_URL}/{report.number}", data={"category": CONDUCT}, content_type="application/json")
    assert out.status_code == 200, out.content
    assert_protected(report, staff)


def test_recategorizing_away_from_misconduct_clears_the_concerned_unit_so_the_handler_can_open_it(
    desk, staff, monkeypatch
):
    _machine_says(monkeypatch, CONDUCT, 0.9)
    lat, lon = inner_point(PB)
    report = report_submit(
        Submission(
            category="",
            description="Got mampet di depan gang, air meluap ke jalan saat hujan.",
            lat=lat,
            lon=lon,
            channel="web",
        )
    ).report
    assert report.unit.code == "triase" and report.concerned_unit.code == PB_UNIT
    out = desk.post(
        f"{TRIAGE_URL}/{report.number}", data={"category": "saluran-tersumbat"}, content_type="application/json"
    )
    assert out.status_code == 200, out.content
    report.refresh_from_db()
    assert report.unit.code == PB_UNIT and report.concerned_unit is None
    assert openable(report) and visible(staff("petugas.pb", PB_UNIT), report)


def test_a_report_that_becomes_misconduct_is_withdrawn_from_the_unit_that_already_held_it(desk, staff):
    """The kelurahan held it and sends it to the desk; the desk finds it is about the kelurahan: from that
    moment the kelurahan cannot open it, although its hops stay in the history."""
    pb = staff("petugas.pb", PB_UNIT)
    report = submit("lainnya", description=PUNGLI).report
    assert report.unit.code == PB_UNIT and visible(pb, report)
    services.report_coordinate(report_id=report.pk, actor=pb, to_unit="triase", reason="bukan tupoksi kelurahan")
    assert visible(pb, report)
    out = desk.post(f"{TRIAGE_URL}/{report.number}", data={"category": CONDUCT}, content_type="application/json")
    assert out.status_code == 200, out.content
    assert report.hops.filter(from_unit__code=PB_UNIT).exists()
    assert not visible(pb, report)
    assert_protected(report, staff)


# --- a chat report without location, placed later --------------------------------------------------


def test_chat_report_without_location_gets_its_concerned_unit_when_the_desk_places_it(desk, staff):
    report = _no_location(category=CONDUCT, channel="whatsapp")
    assert report.unit.code == "triase" and report.category.code == CONDUCT
    out = desk.post(
        f"{TRIAGE_URL}/{report.number}", data={"category": CONDUCT, "kelurahan": PB}, content_type="application/json"
    )
    assert out.status_code == 200, out.content
    assert_protected(report, staff)


def test_placing_with_the_service_directly_also_sets_it(staff):
    desk_user = staff("petugas.triase", "triase")
    report = _no_location(category=CONDUCT, channel="lapor")
    lat, lon = inner_point(PB)
    services.report_triage(report_id=report.pk, actor=desk_user, category=CONDUCT, lat=lat, lon=lon)
    assert_protected(report, staff)


# --- Open311 and the operator page ------------------------------------------------------------------


@pytest.mark.parametrize("where", ["point", "address"])
def test_open311_request_in_the_misconduct_category(client, staff, where):
    from sigap.open311.services import apiclient_issue

    _client, key = apiclient_issue(name="app-warga", rate_per_minute=60)
    lat, lon = inner_point(PB)
    form = {"api_key": key, "service_code": CONDUCT, "description": PUNGLI}
    form.update(
        {"lat": str(lat), "long": str(lon)} if where == "point" else {"address_string": "Pondok Bambu, Duren Sawit"}
    )
    response = client.post("/open311/v2/requests.json", form)
    assert response.status_code == 201, response.content
    report = Report.objects.get(number=response.json()[0]["service_request_id"])
    assert_protected(report, staff)


def test_operator_page_report_in_the_misconduct_category(staff):
    operator = Client()
    operator.force_login(staff("operator.loket", "biro-pemerintahan", StaffRole.Role.OPERATOR))
    response = operator.post(
        "/petugas/operator/",
        {
            "channel": "call_center",
            "category": CONDUCT,
            "kelurahan": PB,
            "description": PUNGLI,
            "privacy": "private",
            "reporter_name": "Warga",
        },
    )
    assert response.status_code == 302, response.content
    assert_protected(Report.objects.get(), staff)


def test_api_report_in_the_misconduct_category(client, staff):
    lat, lon = inner_point(PB)
    response = client.post(
        "/api/v1/reports",
        data=json.dumps({"category": CONDUCT, "description": PUNGLI, "lat": lat, "lon": lon}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert_protected(Report.objects.get(number=response.json()["id"]), staff)


# --- about_unit: only for misconduct, and never one that leaves nobody to open the report -------------


def test_about_unit_on_another_category_is_refused(client):
    lat, lon = inner_point(PB)
    response = client.post(
        "/api/v1/reports",
        data=json.dumps(
            {
                "category": "saluran-tersumbat",
                "description": "Got mampet di depan gang, air meluap ke jalan.",
                "lat": lat,
                "lon": lon,
                "about_unit": PB_UNIT,
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert response.json()["field"] == "about_unit" and response.json()["code"] == "about_unit_not_misconduct"
    assert not Report.objects.exists()


@pytest.mark.parametrize("unit", ["pemprov", "inspektorat", "triase"])
def test_about_unit_that_would_leave_nobody_to_open_the_report_is_refused(client, unit):
    lat, lon = inner_point(PB)
    response = client.post(
        "/api/v1/reports",
        data=json.dumps({"category": CONDUCT, "description": PUNGLI, "lat": lat, "lon": lon, "about_unit": unit}),
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert response.json()["field"] == "about_unit"
    assert not Report.objects.exists()


UNIT_SAMPLE = [
    "pemprov",
    "inspektorat",
    "triase",
    "biro-pemerintahan",
    "kota:31.75",
    "kec:31.75.07",
    PB_UNIT,
    "kel:31.71.01.1001",
    "dinas-bina-marga",
    "sudin-bina-marga:31.75",
    "satpol-pp-kecamatan:31.75.07",
    "disnakertransgi",
    "disnakertransgi:pengawasan",
    "",
]


@pytest.mark.parametrize("category", [CONDUCT, "saluran-tersumbat", "jalan-rusak", "ketenagakerjaan"])
@pytest.mark.parametrize("located", [True, False])
def test_no_combination_leaves_a_report_nobody_can_open(staff, category, located):
    """Every named unit × category × with or without location, then placed by the desk: each submission is
    either refused with a 4xx or gives a report that its handling unit may open, and stays so when placed."""
    desk_user = staff("petugas.triase", "triase")
    lat, lon = inner_point(PB)
    for about in UNIT_SAMPLE:
        try:
            result = report_submit(
                Submission(
                    category=category,
                    description=PUNGLI,
                    lat=lat if located else None,
                    lon=lon if located else None,
                    channel="twitter",
                    allow_no_location=True,
                    about_unit=about,
                )
            )
        except DomainError as exc:
            assert 400 <= exc.status < 500 and exc.field == "about_unit", (about, exc.code)
            continue
        report = result.report
        assert openable(report), (category, about)
        if report.unit.code == "triase":
            try:
                services.report_triage(report_id=report.pk, actor=desk_user, category=category, lat=lat, lon=lon)
            except DomainError as exc:
                assert 400 <= exc.status < 500, (about, exc.code)
            assert openable(report), (category, about, "after triage")
        if category == CONDUCT:
            assert report.concerned_unit is not None, about


def test_coordination_suggestions_leave_out_the_concerned_unit_and_units_below(staff):
    from sigap.officers.flow import report_suggestions

    lat, lon = inner_point(PB)
    text = "Petugas Dukcapil meminta uang agar KTP cepat jadi, tanpa kuitansi."
    report = report_submit(
        Submission(category=CONDUCT, description=text, lat=lat, lon=lon, channel="web", about_unit="dukcapil")
    ).report
    report = Report.objects.select_related("category", "kelurahan", "unit").get(pk=report.pk)
    below = roles.descendant_unit_ids({report.concerned_unit_id})
    suggested = report_suggestions(report)
    assert not {u.pk for u in suggested.coordinate + suggested.dispose} & below
    # where the tupoksi data would offer a unit below the one a complaint is about, it is left out
    road = Report.objects.select_related("category", "kelurahan", "unit").get(pk=submit("jalan-rusak").report.pk)
    assert [u.code for u in report_suggestions(road).coordinate] == ["sudin-bina-marga:31.75"]
    road.concerned_unit = Unit.objects.get(code="dinas-bina-marga")  # the Suku Dinas is below it
    assert report_suggestions(road).coordinate == []


def test_the_rule_is_applied_by_the_single_write_path(staff):
    """A path that changes the category and then records a status change (the way every path writes) gets
    the rule without knowing about it: the concerned unit is set, and a move below it is refused."""
    pb = staff("petugas.pb", PB_UNIT)
    report = submit("lainnya", description=PUNGLI).report
    services.report_coordinate(report_id=report.pk, actor=pb, to_unit="inspektorat", reason="dugaan pungli")
    report.refresh_from_db()
    assert report.concerned_unit is None
    # a hypothetical new path: change the category and pass it on, without calling the rule itself
    report.category = services.category_get(CONDUCT)
    report.save(update_fields=["category"])
    insp = staff("petugas.insp", "inspektorat")
    services.report_accept(report_id=report.pk, actor=insp)
    report.refresh_from_db()
    assert report.concerned_unit.code == PB_UNIT
    assert not visible(pb, report) and visible(insp, report)


def test_reports_left_unopenable_by_an_about_unit_on_another_category_are_repaired_by_the_migration(staff):
    """Before the rule, ``about_unit`` was accepted on any category: a drain report "about" the kelurahan it
    was routed to could be opened by nobody. The data migration clears such concerned units."""
    import importlib

    from django.apps import apps

    pb = staff("petugas.pb", PB_UNIT)
    drain, conduct = submit().report, submit(CONDUCT, description=PUNGLI).report
    Report.objects.filter(pk=drain.pk).update(concerned_unit=Unit.objects.get(code=PB_UNIT))  # as stored before
    assert not openable(drain) and not visible(pb, drain)
    migration = importlib.import_module("sigap.reports.migrations.0008_concerned_unit_only_on_conduct")
    migration.forwards(apps, None)
    assert openable(drain) and visible(pb, drain) and drain.concerned_unit is None
    conduct.refresh_from_db()
    assert conduct.concerned_unit.code == PB_UNIT  # complaints about officials keep theirs


def test_routing_into_the_concerned_branch_sends_the_complaint_to_inspektorat(staff):
    """A city routes complaints about officials in Jakarta Timur to a kecamatan office; a complaint about the
    Kota (above that kecamatan) must not land there: it goes to Inspektorat, at intake and at the desk."""
    from sigap.organization.models import Category, Tupoksi, Wilayah
    from sigap.reports.models import StatusChange

    Tupoksi.objects.create(
        category=Category.objects.get(code=CONDUCT),
        wilayah=Wilayah.objects.get(code="31.75"),
        unit=Unit.objects.get(code="kec:31.75.07"),
        kelurahan_verifies=False,
    )
    lat, lon = inner_point(PB)
    plain = report_submit(Submission(category=CONDUCT, description=PUNGLI, lat=lat, lon=lon, channel="web")).report
    assert plain.unit.code == "kec:31.75.07" and plain.concerned_unit.code == PB_UNIT  # the city's rule applies
    about_kota = report_submit(
        Submission(category=CONDUCT, description=PUNGLI, lat=lat, lon=lon, channel="web", about_unit="kota:31.75")
    ).report
    about_kota.refresh_from_db()
    assert about_kota.unit.code == "inspektorat" and about_kota.concerned_unit.code == "kota:31.75"
    assert StatusChange.objects.get(report=about_kota).unit.code == "inspektorat"
    assert openable(about_kota)

    desk_user = staff("petugas.triase", "triase")
    placed = _no_location(category="lainnya")
    services.report_triage(
        report_id=placed.pk, actor=desk_user, category=CONDUCT, lat=lat, lon=lon, about_unit="kota:31.75"
    )
    placed.refresh_from_db()
    assert placed.unit.code == "inspektorat" and placed.concerned_unit.code == "kota:31.75" and openable(placed)
    assert not visible(staff("petugas.kec", "kec:31.75.07"), placed)


def test_complaint_about_officials_is_never_visible_to_the_unit_concerned(staff):
    pb = staff("petugas.pb", "kel:31.75.07.1002")
    camat = staff("petugas.kec", "kec:31.75.07")
    inspektorat = staff("petugas.insp", "inspektorat")
    report = submit("pelayanan-aparatur", description="Petugas kelurahan meminta uang untuk surat pengantar.").report
    assert report.unit.code == "inspektorat" and report.concerned_unit.code == "kel:31.75.07.1002"
    assert selectors.reports_visible_to(inspektorat).filter(pk=report.pk).exists()
    assert not selectors.reports_visible_to(pb).filter(pk=report.pk).exists()
    with pytest.raises(TransitionRefused) as err:
        services.report_coordinate(report_id=report.pk, actor=inspektorat, to_unit="kel:31.75.07.1002", reason="cek")
    assert err.value.code == "conflict_of_interest"
    # passing it to the kecamatan is allowed; the kelurahan still never sees it
    services.report_coordinate(report_id=report.pk, actor=inspektorat, to_unit="kec:31.75.07", reason="pembinaan")
    assert selectors.reports_visible_to(camat).filter(pk=report.pk).exists()
    assert not selectors.reports_visible_to(pb).filter(pk=report.pk).exists()


def test_explicit_unit_concerned_hides_the_report_from_it_and_units_below(client, staff):
    sudin = staff("sudin.bm", "sudin-bina-marga:31.75")
    dinas = staff("admin.bm", "dinas-bina-marga", StaffRole.Role.UNIT_ADMIN)
    lat, lon = inner_point("31.75.07.1002")
    response = client.post(
        "/api/v1/reports",
        data=json.dumps(
            {
                "category": "pelayanan-aparatur",
                "description": "Petugas dinas meminta pungutan untuk perbaikan jalan.",
                "lat": lat,
                "lon": lon,
                "about_unit": "dinas-bina-marga",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201
    report = Report.objects.get(number=response.json()["id"])
    assert not selectors.reports_visible_to(dinas).filter(pk=report.pk).exists()
    with pytest.raises(TransitionRefused):
        services.report_coordinate(
            report_id=report.pk,
            actor=staff("insp", "inspektorat"),
            to_unit="sudin-bina-marga:31.75",
            reason="tindak lanjut",
        )
    assert not selectors.reports_visible_to(sudin).filter(pk=report.pk).exists()


# --- a unit the reporter named stays barred, whatever the desk decides (an attacker's review) ----------------------


def _named_at_the_desk() -> Report:
    """A complaint whose reporter named Pondok Bambu's office, filed without a place: it waits at the desk."""
    report = report_submit(
        Submission(
            category=CONDUCT,
            description=PUNGLI,
            lat=None,
            lon=None,
            channel="twitter",
            allow_no_location=True,
            reporter=Reporter(name="Warga"),
            about_unit=PB_UNIT,
        )
    ).report
    assert report.concern_named and report.concerned_unit.code == PB_UNIT and report.unit.code == "triase"
    return report


@pytest.mark.parametrize(
    "data",
    [
        {"category": CONDUCT, "kelurahan": PB, "about_unit": "sudin-bina-marga:31.75"},  # another unit
        {"category": "jalan-rusak", "kelurahan": PB},  # no complaint about officials any more
    ],
)
def test_the_desk_cannot_lift_the_bar_from_the_unit_the_reporter_named(desk, staff, data):
    report = _named_at_the_desk()
    out = desk.post(f"{TRIAGE_URL}/{report.number}", data=data, content_type="application/json")
    assert out.status_code == 422 and out.json()["code"] == "about_unit_named", out.content
    report.refresh_from_db()
    assert report.concerned_unit.code == PB_UNIT and report.unit.code == "triase"


def test_the_desk_may_widen_the_bar_the_reporter_named(desk, staff):
    report = _named_at_the_desk()
    kota = Unit.objects.get(code=PB_UNIT).parent
    while kota.parent is not None and kota.parent.code.startswith(("kec", "kota")):
        kota = kota.parent
    out = desk.post(
        f"{TRIAGE_URL}/{report.number}",
        data={"category": CONDUCT, "kelurahan": PB, "about_unit": kota.code},
        content_type="application/json",
    )
    assert out.status_code == 200, out.content
    report.refresh_from_db()
    assert report.concerned_unit_id == kota.pk
    assert_protected(report, staff, concerned=kota.code)  # Pondok Bambu, below it, still cannot see it


def test_a_report_whose_reporter_named_no_unit_is_the_desks_to_name(desk, staff):
    report = _no_location(category=CONDUCT)
    assert not report.concern_named
    out = desk.post(
        f"{TRIAGE_URL}/{report.number}",
        data={"category": "jalan-rusak", "kelurahan": PB},
        content_type="application/json",
    )
    assert out.status_code == 200, out.content


def test_the_service_never_moves_the_reporters_own_point(staff, monkeypatch):
    """The console and the API refuse it (``officers.actions``); the service itself does too (a review)."""
    _machine_says(monkeypatch, "lampu-jalan", 0.31)  # unsure: the report waits at the desk with the reporter's point
    lat, lon = inner_point(PB)
    report = report_submit(
        Submission(category="", description="Lampu jalan mati di depan gang.", lat=lat, lon=lon, channel="web")
    ).report
    assert report.unit.code == "triase" and report.lat == lat
    officer = staff("petugas.triase", "triase")
    elsewhere = inner_point("31.71.01.1001")
    with pytest.raises(DomainError) as refused:
        services.report_triage(
            report_id=report.pk, actor=officer, category="lampu-jalan", lat=elsewhere[0], lon=elsewhere[1]
        )
    assert refused.value.code == "location_already_set"
    services.report_triage(report_id=report.pk, actor=officer, category="lampu-jalan")
    report.refresh_from_db()
    assert (report.lat, report.lon) == (lat, lon) and report.unit.code != "triase"
