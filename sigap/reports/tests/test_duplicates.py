"""The duplicate finder at a hot spot: stored features, cells, cluster representatives, one bounded query."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sigap.intake.services import Reporter, Submission, report_submit_many
from sigap.organization.models import Category
from sigap.reports import duplicates, services
from sigap.reports.duplicates import SCAN_LIMIT, cell_key, cell_steps, features_rebuild
from sigap.reports.models import DuplicateCandidate, Report

from .factories import inner_point, submit

pytestmark = pytest.mark.django_db
PB = "31.75.07.1002"
DRAIN = "Got mampet penuh sampah plastik di depan gang Mawar, air meluap ke jalan kalau hujan."
SIMILAR = "got mampet gang mawar sampah plastik numpuk, air meluap"


def file_at(points, *, description=DRAIN, category="saluran-tersumbat", now=None):
    """File reports at the given points in batches, through the real intake."""
    out = []
    for start in range(0, len(points), 100):
        out += report_submit_many(
            [
                Submission(
                    category=category,
                    description=description,
                    lat=lat,
                    lon=lon,
                    channel="api",
                    reporter=Reporter(name="Budi", phone="081234567890"),
                )
                for lat, lon in points[start : start + 100]
            ],
            now=now,
        )
    assert all(hasattr(r, "report") for r in out), out
    return [r.report for r in out]


def spot(n, *, metres=60):
    """n points within ``metres`` of Pondok Bambu's inner point (a hot spot)."""
    lat, lon = inner_point(PB)
    step = metres / 111_000 / max(1, n)
    return [(lat + i * step * 0.5, lon + i * step * 0.5) for i in range(n)]


def lookup_cost(monkeypatch):
    """Statements and comparisons of one candidate lookup for a new report at the spot."""
    compared = []
    real = duplicates._similarity
    monkeypatch.setattr(duplicates, "_similarity", lambda a, b: compared.append(1) or real(a, b))
    lat, lon = inner_point(PB)
    new = Report(
        category=Category.objects.get(code="saluran-tersumbat"),
        description=SIMILAR,
        lat=lat,
        lon=lon,
        created_at=timezone.now(),
    )
    with CaptureQueriesContext(connection) as queries:
        found = duplicates.candidates_for_many([new])[0]
    return len(queries.captured_queries), len(compared), found


@pytest.mark.parametrize("earlier", [10, 200])
def test_the_candidate_lookup_costs_the_same_whatever_the_number_of_earlier_reports_at_the_spot(monkeypatch, earlier):
    first, *rest = file_at(spot(earlier))
    statements, compared, found = lookup_cost(monkeypatch)
    # one statement, and one comparison: every earlier report joined the first one's cluster
    assert statements == 1 and compared == 1
    assert [f[0].pk for f in found] == [first.pk]
    assert {r.dup_rep_id for r in Report.objects.filter(pk__in=[r.pk for r in rest])} == {first.pk}


def test_many_representatives_at_the_spot_are_read_up_to_a_limit(monkeypatch):
    file_at(spot(SCAN_LIMIT + 30))
    # as if officers had said none of them repeats another: every one represents its own cluster
    Report.objects.update(dup_rep=None)
    statements, compared, found = lookup_cost(monkeypatch)
    assert statements == 1 and compared == SCAN_LIMIT and len(found) == duplicates.MAX_CANDIDATES


@pytest.mark.parametrize("axis", ["lat", "lon"])
def test_the_original_is_found_across_a_cell_boundary(axis):
    lat, lon = inner_point(PB)
    radius = Category.objects.get(code="saluran-tersumbat").dup_radius_m
    step = cell_steps(radius)[0 if axis == "lat" else 1]
    value = lat if axis == "lat" else lon
    edge = math.floor(value / step) * step  # a cell boundary next to the point
    a, b = edge - step * 0.1, edge + step * 0.1
    points = [(a, lon), (b, lon)] if axis == "lat" else [(lat, a), (lat, b)]
    original = file_at(points[:1])[0]
    repeat = file_at(points[1:], description=SIMILAR)[0]
    assert original.dup_cell != repeat.dup_cell == cell_key(*points[1], radius)
    assert DuplicateCandidate.objects.get(report=repeat).original == original
    assert Report.objects.get(pk=repeat.pk).dup_rep_id == original.pk


def test_a_representative_stands_for_its_cluster_and_merge_and_dismissal_move_reports_between_clusters(staff):
    officer = staff("petugas.pb", f"kel:{PB}")
    rep = submit(description=DRAIN).report
    member = submit(description=SIMILAR).report
    third = submit(description=f"{SIMILAR} lagi").report
    assert Report.objects.get(pk=member.pk).dup_rep_id == rep.pk == Report.objects.get(pk=third.pk).dup_rep_id
    # the third repeats both, yet is compared with (and linked to) the representative only
    assert list(DuplicateCandidate.objects.filter(report=third).values_list("original_id", flat=True)) == [rep.pk]
    # an officer says the member is not a repeat: it represents a cluster of its own from now on
    cand = DuplicateCandidate.objects.get(report=member)
    services.duplicate_dismiss(candidate_id=cand.pk, actor=officer)
    assert Report.objects.get(pk=member.pk).dup_rep_id is None
    fourth = submit(description=SIMILAR).report
    assert set(DuplicateCandidate.objects.filter(report=fourth).values_list("original_id", flat=True)) == {
        rep.pk,
        member.pk,
    }
    # the representative merged into another report: its cluster follows that report's cluster
    services.report_merge(report_id=rep.pk, actor=officer, into_number=member.number)
    assert set(Report.objects.filter(pk__in=[rep.pk, third.pk]).values_list("dup_rep_id", flat=True)) == {member.pk}
    # a representative merged into a member of its own cluster: that member represents the cluster
    assert Report.objects.get(pk=fourth.pk).dup_rep_id == member.pk
    services.report_merge(report_id=member.pk, actor=officer, into_number=fourth.number)
    reps = dict(Report.objects.values_list("pk", "dup_rep_id"))
    assert reps[fourth.pk] is None and reps[member.pk] == reps[third.pk] == reps[rep.pk] == fourth.pk


def test_each_category_has_its_own_window_and_radius():
    category = Category.objects.get(code="saluran-tersumbat")
    category.dup_window_days, category.dup_radius_m = 2, 50
    category.save()
    lat, lon = inner_point(PB)
    now = timezone.now()
    old = file_at([(lat, lon)], now=now - timedelta(days=3, hours=1))[0]
    recent = file_at([(lat + 80 / 111_000, lon)], now=now - timedelta(days=1))[0]  # 80 m north
    new = file_at([(lat + 10 / 111_000, lon)], description=SIMILAR, now=now)[0]
    assert not DuplicateCandidate.objects.filter(report=new).exists()  # too old; too far for 50 m
    # a wider radius: the cells follow once the category's features are rebuilt
    category.dup_radius_m = 100
    category.save()
    features_rebuild(category_id=category.pk)
    again = file_at([(lat + 10 / 111_000, lon)], description=SIMILAR, now=now)[0]
    assert list(DuplicateCandidate.objects.filter(report=again).values_list("original_id", flat=True)) == [recent.pk]
    assert Report.objects.get(pk=new.pk).dup_rep_id == recent.pk  # the rebuild judged it again at 100 m
    assert Report.objects.get(pk=old.pk).dup_rep_id is None  # out of the window of everything after it


def test_the_rebuild_leaves_the_rows_the_write_path_wrote():
    lat, lon = inner_point(PB)
    file_at(spot(5))
    file_at([(lat, lon + 0.01)], description="Penutup saluran patah dan berbahaya bagi anak sekolah.")
    file_at(spot(3), description=SIMILAR)
    file_at([(lat, lon)], category="sampah", description="Sampah menumpuk di gang Mawar, bau sekali.")

    def rows():
        return {
            pk: (tokens, bytes(grams), cell, rep)
            for pk, tokens, grams, cell, rep in Report.objects.values_list(
                "pk", "dup_tokens", "dup_grams", "dup_cell", "dup_rep_id"
            )
        }

    written = rows()
    assert len(written) == 10 and all(t and g and c is not None for t, g, c, _r in written.values())
    Report.objects.update(dup_tokens="", dup_grams=b"", dup_cell=None, dup_rep=None)
    assert features_rebuild() == 10
    assert rows() == written


def test_similar_nearby_report_of_the_same_category_is_a_duplicate_candidate():
    first = submit("saluran-tersumbat", description=DRAIN).report
    second = submit(
        "saluran-tersumbat", description="got mampet di gang mawar, sampah plastik numpuk air meluap"
    ).report
    other_category = submit("sampah", description=DRAIN).report
    far = submit("saluran-tersumbat", "31.71.01.1001", description=DRAIN).report
    unrelated = submit("saluran-tersumbat", description="Penutup saluran patah dan berbahaya bagi anak sekolah.").report
    cand = DuplicateCandidate.objects.get(report=second)
    assert cand.original == first and cand.distance_m < 100 and cand.similarity >= 0.15
    for r in (first, other_category, far):
        assert not DuplicateCandidate.objects.filter(report=r).exists()
    assert not DuplicateCandidate.objects.filter(report=unrelated).exists()


def test_a_merged_candidate_cannot_be_dismissed_afterwards(client, staff):
    """Found by a review: after a merge, "not a duplicate" on the same candidate answered 200, flipped the decision
    and took the merged, closed report out of the cluster it was merged into."""
    officer = staff("petugas.pb", f"kel:{PB}")
    first = submit(description=DRAIN).report
    second = submit(description=SIMILAR).report
    client.force_login(officer)
    cand = client.get(f"/api/v1/officer/desk/duplicates/{second.number}").json()[0]
    merged = client.post(
        f"/api/v1/officer/reports/{second.number}/merge",
        {"into": first.number, "reason": "sama"},
        content_type="application/json",
    )
    assert merged.status_code == 200, merged.content
    second.refresh_from_db()
    assert second.status == "merged" and second.merged_into_id == first.pk and second.dup_rep_id == first.pk

    out = client.post(f"/api/v1/officer/desk/duplicates/{second.number}/{cand['id']}/dismiss")

    assert out.status_code == 409 and out.json()["code"] == "already_decided", out.content
    assert DuplicateCandidate.objects.get(pk=cand["id"]).state == "merged"
    assert Report.objects.get(pk=second.pk).dup_rep_id == first.pk


def test_dismissing_twice_answers_the_same_and_changes_nothing(staff):
    officer = staff("petugas.pb", f"kel:{PB}")
    submit(description=DRAIN)
    member = submit(description=SIMILAR).report
    cand = DuplicateCandidate.objects.get(report=member)
    assert services.duplicate_dismiss(candidate_id=cand.pk, actor=officer).state == "dismissed"
    assert services.duplicate_dismiss(candidate_id=cand.pk, actor=officer).state == "dismissed"
    assert Report.objects.get(pk=member.pk).dup_rep_id is None
