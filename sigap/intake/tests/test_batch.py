"""The batched write path: report_submit_many files many submissions in one transaction, each with the
same checks, privacy steps and rows as report_submit, and refuses each bad one on its own."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sigap.core.errors import DomainError
from sigap.core.models import AuditEvent
from sigap.intake.services import IntakeResult, Reporter, Submission, report_submit, report_submit_many
from sigap.privacy.models import IdentityRecord
from sigap.reports import services as report_services
from sigap.reports.duplicates import MAX_CANDIDATES
from sigap.reports.models import DuplicateCandidate, Notification, Report, StatusChange
from sigap.reports.tests.factories import inner_point

pytestmark = pytest.mark.django_db
PONDOK_BAMBU = "31.75.07.1002"
DRAIN = "Got mampet penuh sampah plastik di depan gang Mawar, air meluap ke jalan kalau hujan."


def sub(
    category="saluran-tersumbat",
    kelurahan=PONDOK_BAMBU,
    *,
    description=DRAIN,
    privacy="private",
    reporter=None,
    lat=None,
    lon=None,
) -> Submission:
    if lat is None:
        lat, lon = inner_point(kelurahan)
    return Submission(
        category=category,
        description=description,
        lat=lat,
        lon=lon,
        channel="api",
        privacy=privacy,
        reporter=reporter if reporter is not None else Reporter(name="Siti Rahmawati", phone="081234567890"),
    )


def test_each_submission_is_filed_or_refused_on_its_own():
    results = report_submit_many(
        [
            sub(),
            sub("bukan-kategori"),
            sub(lat=-6.0, lon=110.0),  # far outside Jakarta
            sub(
                "jalan-rusak",
                description="Jalan berlubang dalam di depan pasar, motor sering jatuh.",
                privacy="anonymous",
                reporter=Reporter(),
            ),
        ]
    )
    ok, bad_category, outside, anonymous = results
    assert isinstance(ok, IntakeResult) and isinstance(anonymous, IntakeResult)
    assert isinstance(bad_category, DomainError) and bad_category.code == "unknown_category"
    assert isinstance(outside, DomainError) and outside.code == "outside_area"
    # routed exactly as the single path routes
    assert ok.report.unit.code == f"kel:{PONDOK_BAMBU}" and ok.report.kelurahan.code == PONDOK_BAMBU
    assert anonymous.secret and not anonymous.report.reporter_ref
    assert Report.objects.count() == 2
    # numbers of one batch are consecutive, in the order given
    first, second = (int(r.report.number[-4:]) for r in (ok, anonymous))
    assert second == first + 1
    # the identity went to the vault, never onto the report; the anonymous one left nothing there
    assert IdentityRecord.objects.count() == 1 and ok.report.reporter_ref
    stored = Report.objects.get(pk=ok.report.pk)
    assert "Siti" not in stored.description and stored.reporter_ref == ok.report.reporter_ref
    # history, audit and the "received" message, as for one report at a time
    for result in (ok, anonymous):
        assert StatusChange.objects.filter(report=result.report, new_status="waiting").count() == 1
        assert AuditEvent.objects.filter(report_id=result.report.pk, action="report:create").count() == 1
    assert Notification.objects.filter(report=ok.report, kind="received").count() == 1
    assert not Notification.objects.filter(report=anonymous.report).exists()  # no one to tell: the code is the way


def test_the_tracking_code_of_a_batch_report_follows_it():
    result = report_submit_many([sub(), sub("sampah")])[1]
    found = Report.objects.get(tracking_hash=report_services.tracking_hash(result.tracking_code))
    assert found.pk == result.report.pk and found.category.code == "sampah"


def test_numbers_continue_across_batches_and_single_reports_and_restart_each_day(settings):
    day = timezone.localdate()
    a = report_services._reserve_numbers(day, 3)
    b = report_services._reserve_numbers(day, 2)
    prefix = f"{settings.SIGAP_NUMBER_PREFIX}{day:%Y%m%d}"
    assert a == [f"{prefix}0001", f"{prefix}0002", f"{prefix}0003"]
    assert b == [f"{prefix}0004", f"{prefix}0005"]
    single = report_submit(sub()).report.number
    assert single == f"{prefix}0006"
    tomorrow = day + dt.timedelta(days=1)
    assert report_services._reserve_numbers(tomorrow, 1) == [f"{settings.SIGAP_NUMBER_PREFIX}{tomorrow:%Y%m%d}0001"]


def test_a_batch_filed_for_an_earlier_day_takes_that_days_numbers():
    yesterday = timezone.now() - dt.timedelta(days=1)
    old = report_submit_many([sub(), sub("sampah")], now=yesterday)
    assert [r.report.number[2:10] for r in old] == [f"{timezone.localdate(yesterday):%Y%m%d}"] * 2
    assert [r.report.number[-4:] for r in old] == ["0001", "0002"]


def test_duplicates_are_found_against_older_reports_and_inside_the_batch():
    older = report_submit(sub()).report
    first, second, elsewhere, fresh, again = report_submit_many(
        [
            sub(description="got mampet di gang mawar, sampah plastik numpuk dan air meluap ke jalan"),
            sub(description="Gang Mawar got mampet sampah plastik, air meluap kalau hujan deras."),
            sub(kelurahan="31.71.01.1001"),
            sub("sampah", description="Tumpukan sampah di gang Mawar tidak diangkut seminggu, bau sekali."),
            sub("sampah", description="Sampah menumpuk di gang Mawar, seminggu tidak diangkut dan bau."),
        ]
    )
    assert set(DuplicateCandidate.objects.filter(report=first.report).values_list("original_id", flat=True)) == {
        older.pk
    }
    # By design, a new report is compared with a cluster's representative only: ``first`` joined ``older``'s
    # cluster, so ``second`` (which repeats both) is linked to ``older`` alone. Before clusters it listed both.
    assert set(DuplicateCandidate.objects.filter(report=second.report).values_list("original_id", flat=True)) == {
        older.pk
    }
    assert not DuplicateCandidate.objects.filter(report=elsewhere.report).exists()
    # inside the batch: the first report of a new cluster is found by the next one, which joins its cluster
    assert set(DuplicateCandidate.objects.filter(report=again.report).values_list("original_id", flat=True)) == {
        fresh.report.pk
    }
    reps = dict(Report.objects.values_list("pk", "dup_rep_id"))
    assert reps[older.pk] is None and reps[first.report.pk] == reps[second.report.pk] == older.pk
    assert (
        reps[elsewhere.report.pk] is None and reps[fresh.report.pk] is None and reps[again.report.pk] == fresh.report.pk
    )


def test_candidates_per_report_are_capped_best_first(staff):
    officer = staff("petugas.pb", f"kel:{PONDOK_BAMBU}")
    for k in range(MAX_CANDIDATES + 2):
        report_submit(sub(description=f"{DRAIN} Laporan warga ke-{k}."))
    # each was judged a repeat of the first; an officer says it is not, so each becomes a cluster of its own
    # (a new report is compared with representatives only: these are now seven)
    for cand in DuplicateCandidate.objects.all():
        report_services.duplicate_dismiss(candidate_id=cand.pk, actor=officer)
    assert not Report.objects.filter(dup_rep__isnull=False).exists()
    exact = report_submit(sub(description=DRAIN)).report
    cands = list(DuplicateCandidate.objects.filter(report=exact).order_by("-similarity"))
    assert len(cands) == MAX_CANDIDATES
    others = Report.objects.exclude(pk=exact.pk).exclude(pk__in=[c.original_id for c in cands])
    assert others.count() == 2  # the two left out are no more similar than the weakest kept
    from sigap.reports.duplicates import text_similarity

    weakest = min(c.similarity for c in cands)
    assert all(text_similarity(exact.description, o.description) <= weakest for o in others)


def test_when_the_batch_write_fails_each_submission_is_written_on_its_own(monkeypatch, caplog):
    taken = report_submit(sub()).tracking_code
    # each submission's code is chosen once, before the write: the batch (the second collides -> rolled back),
    # then one by one with the same codes (only the second fails again)
    codes = iter(["AAAA-BBBB-CCCC", taken, "DDDD-EEEE-FFFF"])
    monkeypatch.setattr(report_services, "_new_tracking_code", lambda: next(codes))
    before_reports, before_vault = Report.objects.count(), IdentityRecord.objects.count()
    results = report_submit_many([sub(), sub("sampah"), sub("jalan-rusak")])
    assert isinstance(results[0], IntakeResult) and isinstance(results[2], IntakeResult)
    assert isinstance(results[1], DomainError) and results[1].code == "not_stored" and results[1].status == 503
    assert Report.objects.count() == before_reports + 2
    assert IdentityRecord.objects.count() == before_vault + 2  # the refused one left no vault record behind
    assert {r.tracking_code for r in (results[0], results[2])} == {"AAAA-BBBB-CCCC", "DDDD-EEEE-FFFF"}
    # the failure is logged by type only: PostgreSQL's message would quote the row (here the code's hash)
    assert "could not be stored on its own" in caplog.text
    assert report_services.tracking_hash(taken) not in caplog.text


def test_an_unexpected_failure_leaves_nothing_of_the_batch(monkeypatch):
    before = (
        Report.objects.count(),
        IdentityRecord.objects.count(),
        StatusChange.objects.count(),
        Notification.objects.count(),
    )

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(report_services.summaries, "on_created", boom)  # a step after the reports' rows
    with pytest.raises(RuntimeError):
        report_submit_many([sub(), sub("sampah")])
    assert (
        Report.objects.count(),
        IdentityRecord.objects.count(),
        StatusChange.objects.count(),
        Notification.objects.count(),
    ) == before


def test_a_single_submission_still_raises_its_refusal():
    with pytest.raises(DomainError) as exc:
        report_submit(sub("bukan-kategori"))
    assert exc.value.code == "unknown_category"
    assert report_submit_many([]) == []


def test_the_days_counter_is_locked_only_for_the_last_writes():
    """Every intake of the city waits on the day's counter row until the COMMIT of whoever holds it: after it
    come only the reports (which carry the numbers), the summaries' rows (which officers' actions lock too, so
    they are not held while waiting for the counter: test_services_locks) and the "received" messages (which
    quote the numbers)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        results = report_submit_many([sub(), sub("sampah", description="Sampah menumpuk di pinggir kali.")])
    assert all(isinstance(r, IntakeResult) for r in results)
    sql = [q["sql"] for q in queries.captured_queries]
    counter = next(i for i, s in enumerate(sql) if "reports_numbersequence" in s)
    after = [s.split("(")[0].strip() for s in sql[counter + 1 :] if not s.startswith(("SAVEPOINT", "RELEASE"))]
    if connection.vendor != "postgresql":
        # SQLite gives ids only by writing the reports: they follow the numbers at once, the rest after them
        assert after[0] == 'INSERT INTO "reports_report"'
        return
    assert after == [
        'INSERT INTO "reports_report"',
        'INSERT INTO "reports_areastatus"',
        'INSERT INTO "reports_unitday"',
        'INSERT INTO "reports_unitstay"',
        'INSERT INTO "reports_notification"',
    ]
    # and every report's own rows were written before, under the ids taken ahead
    stored = Report.objects.filter(pk__in=[r.report.pk for r in results])
    assert StatusChange.objects.filter(report__in=stored).count() == 2
    assert AuditEvent.objects.filter(report_id__in=[r.report.pk for r in results]).count() == 2
    assert Notification.objects.filter(report__in=stored, kind="received").count() == 2
