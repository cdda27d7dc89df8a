"""Group commit: reports filed at the same moment by different threads are written in one transaction,
each caller gets its own answer after the commit, and a bad one is refused alone."""

from __future__ import annotations

import threading
import time

import pytest

from sigap.core.calendar import working_calendar
from sigap.core.errors import DomainError
from sigap.intake import groupcommit
from sigap.intake import services as intake
from sigap.intake.services import IntakeResult, Reporter, Submission, report_submit
from sigap.privacy.models import IdentityRecord
from sigap.reports import services as report_services
from sigap.reports.models import Notification, Report
from sigap.routing.cache import routing_data, routing_reset

pytestmark = pytest.mark.django_db(transaction=True)
N = 6
GANG = ("mawar", "melati", "kenanga", "anggrek", "dahlia", "kamboja", "cempaka")


@pytest.fixture
def quiet_reference(settings):
    from sigap.organization.loaders import reference_load
    from sigap.organization.models import Wilayah

    if not Wilayah.objects.exists():  # a transactional test before this one emptied the tables at its end
        reference_load(progress=False)
    # Reference data read once: the callers' threads then do no reads while the writer writes (an in-memory
    # SQLite test database shares one cache between connections).
    settings.SIGAP_REFERENCE_CHECK_SECONDS = 3600
    routing_reset()  # rows reloaded above have new ids
    routing_data()
    working_calendar()
    w = Wilayah.objects.get(code="31.75.07.1002")
    return w.inner_lat, w.inner_lon


def _sub(point, k: int, category: str = "saluran-tersumbat") -> Submission:
    lat, lon = point
    return Submission(
        category=category,
        description=f"Got mampet di gang {GANG[k % len(GANG)]}, air meluap ke jalan kalau hujan.",
        lat=lat,
        lon=lon,
        channel="web",
        reporter=Reporter(name=f"Warga {k}", email=f"warga{k}@example.org"),
    )


def _hold_first_batch(monkeypatch, waiting: int) -> list[int]:
    """The first batch waits until ``waiting`` more submissions are queued, so those form the next batch."""
    sizes: list[int] = []
    real = intake._write

    def held(prepared):
        sizes.append(len(prepared))
        if len(sizes) == 1:
            deadline = time.monotonic() + 20
            while groupcommit._writer.queue.qsize() < waiting and time.monotonic() < deadline:
                time.sleep(0.01)
        return real(prepared)

    monkeypatch.setattr(intake, "_write", held)
    return sizes


def _file_concurrently(subs: list[Submission]) -> list[object]:
    results: list[object] = [None] * len(subs)

    def run(k: int) -> None:
        try:
            results[k] = report_submit(subs[k])
        except Exception as exc:  # noqa: BLE001 - the test looks at what each caller got
            results[k] = exc

    threads = [threading.Thread(target=run, args=(k,)) for k in range(len(subs))]
    threads[0].start()
    time.sleep(0.2)  # the first caller's batch is being written (and held) when the others arrive
    for t in threads[1:]:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_concurrent_callers_share_one_transaction_and_each_gets_its_own_report(quiet_reference, monkeypatch):
    sizes = _hold_first_batch(monkeypatch, N - 1)
    results = _file_concurrently([_sub(quiet_reference, k) for k in range(N)])
    assert all(isinstance(r, IntakeResult) for r in results), results
    assert sizes == [1, N - 1]  # a lone first report at once, then everyone who arrived meanwhile together
    for k, result in enumerate(results):
        stored = Report.objects.get(tracking_hash=report_services.tracking_hash(result.tracking_code))
        assert f"gang {GANG[k]}," in stored.description and stored.pk == result.report.pk  # each caller, its own report
        assert Notification.objects.filter(report=stored, kind="received").count() == 1
    assert len({r.report.number for r in results}) == N
    assert IdentityRecord.objects.count() == N
    assert groupcommit.stats()["largest"] == N - 1


def test_a_bad_submission_in_a_batch_is_refused_alone(quiet_reference, monkeypatch):
    taken = report_submit(_sub(quiet_reference, 6)).tracking_code
    sizes = _hold_first_batch(monkeypatch, 2)
    codes = iter(
        [
            "AAAA-BBBB-CCCC",  # the first caller, alone
            "DDDD-EEEE-FFFF",
            taken,  # the batch of two: the second collides, so the batch rolls back
            "GGGG-HHHH-JJJJ",
            taken,
        ]
    )  # one by one: the first is filed, the second refused
    monkeypatch.setattr(report_services, "_new_tracking_code", lambda: next(codes))
    results = _file_concurrently([_sub(quiet_reference, k) for k in range(3)])
    assert sizes[:2] == [1, 2]
    filed = [r for r in results if isinstance(r, IntakeResult)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(filed) == 2 and len(refused) == 1 and refused[0].code == "not_stored"
    assert Report.objects.count() == 3  # the first report of the test and the two filed
    assert IdentityRecord.objects.count() == 3  # the refused one left nothing in the vault


def test_inside_a_callers_transaction_the_report_is_part_of_it(quiet_reference):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        report_submit(_sub(quiet_reference, 1))
        raise RuntimeError("the channel failed to store its inbound message")
    assert not Report.objects.exists() and not IdentityRecord.objects.exists()
    assert groupcommit.stats()["reports"] == 0  # never went through the writer


def _with_photo(sub: Submission) -> Submission:
    from sigap.privacy.tests.test_photo_worker import noisy_jpeg

    sub.photos = [("got.jpg", noisy_jpeg())]
    return sub


def _sealed_files(monkeypatch) -> list:
    from sigap.privacy import vault

    sealed = []
    real = vault.blob_seal

    def seal(data, **kwargs):
        sealed.append(real(data, **kwargs))
        return sealed[-1]

    monkeypatch.setattr(vault, "blob_seal", seal)
    return sealed


def test_a_caller_that_stops_waiting_does_not_cost_its_stored_report_the_original(
    quiet_reference, monkeypatch, settings
):
    from django.core.files.storage import storages

    from sigap.privacy import vault

    settings.SIGAP_PHOTO_WORKER = "manual"
    settings.SIGAP_INTAKE_WAIT_SECONDS = 0.3
    sealed = _sealed_files(monkeypatch)
    real = intake._write

    def slow(prepared):
        time.sleep(1.0)  # the caller gives up meanwhile; the writer goes on and commits
        return real(prepared)

    monkeypatch.setattr(intake, "_write", slow)
    with pytest.raises(DomainError):
        report_submit(_with_photo(_sub(quiet_reference, 0)))
    groupcommit.stop()  # the writer finishes its batch
    photo = Report.objects.get().photos.get()
    assert storages["vault"].exists(sealed[0].stored_as)
    assert vault.blob_read(photo.original_ref)[:2] == b"\xff\xd8"


def test_a_submission_refused_in_a_batch_leaves_no_photo_file_and_the_others_keep_theirs(
    quiet_reference, monkeypatch, settings
):
    from django.core.files.storage import storages

    settings.SIGAP_PHOTO_WORKER = "manual"
    taken = report_submit(_sub(quiet_reference, 6)).tracking_code
    sizes = _hold_first_batch(monkeypatch, 2)
    codes = iter(["AAAA-BBBB-CCCC", "DDDD-EEEE-FFFF", taken, "GGGG-HHHH-JJJJ", taken])
    monkeypatch.setattr(report_services, "_new_tracking_code", lambda: next(codes))
    sealed = _sealed_files(monkeypatch)
    results = _file_concurrently([_with_photo(_sub(quiet_reference, k)) for k in range(3)])
    assert sizes[:2] == [1, 2] and len(sealed) == 3
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(refused) == 1
    kept = {s.ref for s in sealed if storages["vault"].exists(s.stored_as)}
    stored = set(Report.objects.exclude(photos=None).values_list("photos__original_ref", flat=True))
    assert len(stored) == 2 and kept == stored  # exactly the filed reports' originals remain
