"""Proof that cannot be recycled or staged (#12): each before/after photo is checked against every earlier photo
of the city (perceptual hash, by indexed bands), against the report's time and place (the camera's own EXIF),
and after against before; the validator sees the reasons and cannot accept a flagged proof without writing why."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import numpy as np
import pytest
from django.utils import timezone
from PIL import Image

from sigap.core.errors import DomainError
from sigap.privacy.photos import photo_clean
from sigap.reports import proofcheck, services
from sigap.reports.models import Photo, Report, StatusChange
from sigap.reports.states import Status

from .factories import inner_point, submit

pytestmark = pytest.mark.django_db

PB = "31.75.07.1002"


def scene(seed: int, size=(800, 600)) -> Image.Image:
    """A photo-like picture: smooth shapes, different for every seed (solid colours would all hash alike)."""
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 255, (6, 8, 3), dtype=np.uint8)
    return Image.fromarray(small).resize(size, Image.BICUBIC)


def camera_jpeg(
    image: Image.Image,
    *,
    taken: datetime | None,
    at: tuple[float, float] | None,
    quality=90,
    camera: tuple[str, str, str] | None = None,
) -> bytes:
    """A JPEG as a phone camera writes it: capture time (local, no zone), GPS and, given, the camera's make,
    model and body serial in EXIF."""

    def dms(value: float):
        value = abs(value)
        d, m = int(value), int((value - int(value)) * 60)
        return (float(d), float(m), round(((value - d) * 60 - m) * 60, 4))

    exif = Image.Exif()
    if taken is not None:
        exif.get_ifd(0x8769)[0x9003] = timezone.localtime(taken).strftime("%Y:%m:%d %H:%M:%S")
    if at is not None:
        exif[0x8825] = {1: "S" if at[0] < 0 else "N", 2: dms(at[0]), 3: "E", 4: dms(at[1])}
    if camera is not None:
        exif[0x010F], exif[0x0110] = camera[0], camera[1]
        exif.get_ifd(0x8769)[0xA431] = camera[2]
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=quality, exif=exif)
    return buf.getvalue()


def working(pb_officer) -> Report:
    report = submit("jalan-rusak", PB).report
    services.report_accept(report_id=report.pk, actor=pb_officer)
    report.refresh_from_db()
    return report


def add(report, officer, kind, raw) -> Photo:
    """Uploaded six hours after the report was filed (the photos in these tests are taken before that)."""
    uploaded = report.created_at + timedelta(hours=6)
    return services.photo_add(report_id=report.pk, actor=officer, kind=kind, photo=photo_clean(raw), now=uploaded)


def flags(photo: Photo) -> list[str]:
    photo.refresh_from_db()
    return [f["code"] for f in photo.proof_flags]


def texts(photo: Photo) -> list[str]:
    photo.refresh_from_db()
    return [proofcheck.flag_text(f) for f in photo.proof_flags]


def test_a_clean_proof_has_no_flag_and_is_accepted_without_a_reason(pb_officer, validator):
    report = working(pb_officer)
    here = inner_point(PB)
    start = report.created_at + timedelta(minutes=30)
    before = add(report, pb_officer, "before", camera_jpeg(scene(1), taken=start, at=here))
    after = add(report, pb_officer, "after", camera_jpeg(scene(2), taken=start + timedelta(hours=3), at=here))
    assert flags(before) == [] and flags(after) == []
    assert before.phash is not None and before.taken_at is not None and before.taken_lat is not None
    services.report_request_validation(report_id=report.pk, actor=pb_officer)
    services.report_validate(report_id=report.pk, actor=validator, accept=True)
    report.refresh_from_db()
    assert report.status == Status.DONE


def test_a_recycled_proof_re_encoded_and_resized_is_found_and_named(pb_officer, validator):
    here = inner_point(PB)
    first = working(pb_officer)
    t0 = first.created_at + timedelta(minutes=20)
    add(first, pb_officer, "before", camera_jpeg(scene(10), taken=t0, at=here))
    add(first, pb_officer, "after", camera_jpeg(scene(11), taken=t0 + timedelta(hours=2), at=here))

    second = working(pb_officer)
    t1 = second.created_at + timedelta(minutes=20)
    add(second, pb_officer, "before", camera_jpeg(scene(12), taken=t1, at=here))
    copy = scene(11).resize((400, 300))  # the first report's after photo, shrunk and saved again
    reused = add(second, pb_officer, "after", camera_jpeg(copy, taken=t1 + timedelta(hours=2), at=here, quality=60))
    assert flags(reused) == ["reused"]
    assert reused.proof_flags[0]["number"] == first.number and reused.proof_flags[0]["kind"] == "after"
    assert texts(reused) == [
        f"Foto ini mirip foto bukti {first.number} (beda {reused.proof_flags[0]['bits']} dari 64 bit)."
    ]

    services.report_request_validation(report_id=second.pk, actor=pb_officer)
    with pytest.raises(DomainError) as refused:
        services.report_validate(report_id=second.pk, actor=validator, accept=True)
    assert refused.value.code == "reason_required" and refused.value.status == 422
    services.report_validate(
        report_id=second.pk, actor=validator, accept=True, reason="Lokasi sama, pekerjaan kedua dicek langsung."
    )
    change = StatusChange.objects.filter(report=second, new_status=Status.DONE).get()
    assert "dicek langsung" in change.internal_note and "dicek langsung" not in change.public_note


def test_an_after_photo_that_is_the_before_photo_again_is_flagged(pb_officer):
    report = working(pb_officer)
    here = inner_point(PB)
    t = report.created_at + timedelta(minutes=15)
    add(report, pb_officer, "before", camera_jpeg(scene(20), taken=t, at=here))
    same = add(report, pb_officer, "after", camera_jpeg(scene(20), taken=t + timedelta(hours=1), at=here, quality=70))
    assert flags(same) == ["reused"] and same.proof_flags[0]["number"] == report.number


def test_a_photo_taken_before_the_report_was_filed_is_flagged_with_its_time(pb_officer):
    report = working(pb_officer)
    here = inner_point(PB)
    old = report.created_at - timedelta(days=2)
    before = add(report, pb_officer, "before", camera_jpeg(scene(30), taken=old, at=here))
    assert flags(before) == ["taken_before_report"]
    assert texts(before)[0].startswith("Diambil ") and texts(before)[0].endswith(", sebelum laporan dibuat.")
    assert timezone.localtime(old).strftime("%H:%M") in texts(before)[0]


def test_a_photo_taken_5_km_away_is_flagged_with_the_distance(pb_officer):
    report = working(pb_officer)
    lat, lon = inner_point(PB)
    t = report.created_at + timedelta(minutes=15)
    far = (lat + 0.045, lon)  # about 5 km north
    before = add(report, pb_officer, "before", camera_jpeg(scene(40), taken=t, at=far))
    assert flags(before) == ["far"]
    assert 4900 < before.proof_flags[0]["metres"] < 5100
    assert texts(before) == ["Diambil 5,0 km dari lokasi laporan."]


def test_after_minutes_after_before_and_missing_camera_data_are_flagged(pb_officer):
    report = working(pb_officer)
    here = inner_point(PB)
    t = report.created_at + timedelta(minutes=15)
    add(report, pb_officer, "before", camera_jpeg(scene(50), taken=t, at=here))
    quick = add(report, pb_officer, "after", camera_jpeg(scene(51), taken=t + timedelta(minutes=3), at=here))
    assert flags(quick) == ["quick_pair"] and texts(quick) == ["Diambil 3 menit setelah foto sebelum."]
    bare = add(report, pb_officer, "after", camera_jpeg(scene(52), taken=None, at=None))
    assert flags(bare) == ["no_time", "no_position"]
    assert texts(bare) == ["Waktu pengambilan tidak tercatat di foto.", "Lokasi pengambilan tidak tercatat di foto."]


def test_an_after_photo_from_another_camera_than_the_before_photo_is_flagged(pb_officer):
    """A staged proof: the after photo downloaded, or sent by someone else, is not from the phone that took the
    before photo on site. The camera is kept as a keyed digest, never its serial."""
    report = working(pb_officer)
    here = inner_point(PB)
    t = report.created_at + timedelta(minutes=20)
    phone = ("samsung", "SM-A155F", "R58W30ABCDE")
    before = add(report, pb_officer, "before", camera_jpeg(scene(80), taken=t, at=here, camera=phone))
    same = add(report, pb_officer, "after", camera_jpeg(scene(81), taken=t + timedelta(hours=2), at=here, camera=phone))
    other = ("OPPO", "CPH2591", "9f2c77aa01")
    elsewhere = add(
        report, pb_officer, "after", camera_jpeg(scene(82), taken=t + timedelta(hours=3), at=here, camera=other)
    )
    assert flags(before) == [] and flags(same) == []
    assert flags(elsewhere) == ["other_camera"] and texts(elsewhere) == [
        "Diambil dengan kamera lain dari foto sebelum."
    ]
    before.refresh_from_db()
    assert len(before.camera) == 16 and "R58W" not in before.camera and before.camera != elsewhere.camera
    assert before.camera == proofcheck.camera_key("samsung|SM-A155F|R58W30ABCDE")


def test_one_units_flagged_photo_does_not_weigh_on_the_next_units_clean_proof(pb_officer, validator, staff):
    """The kelurahan uploads a before photo without camera data, then passes the report to the Suku Dinas, whose
    proof is clean: the validator accepts it without a reason, and the Suku Dinas is not counted as flagged."""
    from sigap.reports.models import UnitDay

    report = working(pb_officer)
    add(report, pb_officer, "before", camera_jpeg(scene(90), taken=None, at=None))  # flagged: no time, no place
    sudin = staff("sudin.bm", "sudin-bina-marga:31.75")
    later = report.created_at + timedelta(hours=1)
    services.report_coordinate(
        report_id=report.pk, actor=pb_officer, to_unit="sudin-bina-marga:31.75", reason="jalan kota", now=later
    )
    services.report_accept(report_id=report.pk, actor=sudin, now=later + timedelta(minutes=10))
    here = inner_point(PB)
    t = later + timedelta(minutes=30)
    for kind, seed, dt in (("before", 91, 0), ("after", 92, 3)):
        raw = camera_jpeg(scene(seed), taken=t + timedelta(hours=dt), at=here)
        services.photo_add(
            report_id=report.pk, actor=sudin, kind=kind, photo=photo_clean(raw), now=t + timedelta(hours=dt, minutes=5)
        )
    services.report_request_validation(report_id=report.pk, actor=sudin, now=t + timedelta(hours=4))
    services.report_validate(report_id=report.pk, actor=validator, accept=True, now=t + timedelta(hours=5))
    report.refresh_from_db()
    assert report.status == Status.DONE
    assert sum(UnitDay.objects.values_list("flagged", flat=True)) == 0


def test_the_distance_allowed_is_the_categorys(pb_officer):
    report = working(pb_officer)
    report.category.proof_radius_m = 6000
    report.category.save()
    lat, lon = inner_point(PB)
    t = report.created_at + timedelta(minutes=15)
    before = add(report, pb_officer, "before", camera_jpeg(scene(60), taken=t, at=(lat + 0.045, lon)))
    assert flags(before) == []


def test_the_worker_checks_a_proof_uploaded_through_the_queue(pb_officer, photos_drain):
    from sigap.privacy.photos import photo_check

    report = working(pb_officer)
    old = report.created_at - timedelta(days=1)
    raw = camera_jpeg(scene(70), taken=old, at=inner_point(PB))
    photo = services.photo_add(report_id=report.pk, actor=pb_officer, kind="before", photo=photo_check(raw))
    assert photo.state == Photo.State.PROCESSING and photo.phash is None
    assert photos_drain() == {"ready": 1}
    assert flags(photo) == ["taken_before_report"] and photo.phash is not None


def test_a_residents_photo_is_hashed_but_its_capture_time_and_place_are_not_kept(photos_drain, client):
    lat, lon = inner_point(PB)
    raw = camera_jpeg(scene(80), taken=timezone.now() - timedelta(hours=1), at=(lat, lon))
    response = client.post(
        "/api/v1/reports",
        data={
            "category": "jalan-rusak",
            "description": "Jalan berlubang dalam di depan sekolah, motor sering jatuh.",
            "lat": str(lat),
            "lon": str(lon),
            "photos": io.BytesIO(raw),
        },
    )
    assert response.status_code == 201, response.content
    assert photos_drain() == {"ready": 1}
    photo = Photo.objects.get(report__number=response.json()["id"])
    assert photo.phash is not None and photo.proof_flags == []
    assert (photo.taken_at, photo.taken_lat, photo.taken_lon) == (None, None, None)  # the resident's: vault only


def hashed_row(report: Report, n: int, stored: dict, kind: str = "report") -> Photo:
    """A photo row holding only a hash as stored (``stored``: phash and its tags), its ``sha256`` from ``n``."""
    return Photo.objects.create(
        report=report, kind=kind, width=1, height=1, created_at=timezone.now(), sha256=f"{n:064x}", **stored
    )


def test_similar_photos_are_found_by_indexed_halves_not_a_scan(pb_officer):
    """The lookup asks only for rows whose low or high half is within 2 bits of its own: a hash up to 5 bits away
    always has one (here 3 and 2 bits, and 3 bits in the high half alone, found by the low); 33 bits is not."""
    report = working(pb_officer)
    base = 0x8F3A_5C21_0D4E_B777
    rows = [
        base ^ (1 << 5) ^ (1 << 20) ^ (1 << 40) ^ (1 << 50) ^ (1 << 60),  # 3 bits in the low half, 2 in the high
        base ^ 0xFFFF_FFFF_0000_0000 ^ (1 << 3),  # 33 bits
        base ^ (1 << 33) ^ (1 << 44) ^ (1 << 55),  # 3 bits, all in the high half
    ]
    made = [hashed_row(report, n, proofcheck.hash_fields(h, f"{n:064x}"), "before") for n, h in enumerate(rows)]
    other = working(pb_officer)  # a proof of another report: found through the index only
    probe = Photo(pk=-1, report=other, kind="after", sha256="probe", **proofcheck.hash_fields(base, "probe"))
    found = proofcheck.similar(probe)
    assert [(p.pk, bits) for p, bits in found] == [(made[2].pk, 3), (made[0].pk, 5)]
    assert proofcheck.to_unsigned(proofcheck.to_signed(base)) == base


def test_the_validator_api_shows_each_proof_photos_flags_in_plain_words(pb_officer, validator, client):
    from sigap.officers.tests.test_api import Officer

    report = working(pb_officer)
    add(report, pb_officer, "before", camera_jpeg(scene(90), taken=None, at=None))
    add(report, pb_officer, "after", camera_jpeg(scene(91), taken=None, at=None))
    services.report_request_validation(report_id=report.pk, actor=pb_officer)
    detail = Officer(client, validator).get(f"/reports/{report.number}").json()
    [before] = [p for p in detail["photos"] if p["kind"] == "before"]
    assert before["flags"] == [
        {"code": "no_time", "text": "Waktu pengambilan tidak tercatat di foto."},
        {"code": "no_position", "text": "Lokasi pengambilan tidak tercatat di foto."},
    ]


def test_only_a_validator_sees_the_flags_and_another_report_only_when_in_sight(pb_officer, validator, client):
    """An officer could upload any picture as proof and read from the flags which reports in the city hold a
    similar photo (a complaint about their own unit, say): the flags are the validator's, and name a report only
    when the viewer may open it."""
    from sigap.officers.tests.test_api import Officer

    here = inner_point(PB)
    first = working(pb_officer)
    add(first, pb_officer, "before", camera_jpeg(scene(100), taken=first.created_at + timedelta(minutes=5), at=here))
    second = working(pb_officer)
    t = second.created_at + timedelta(minutes=5)
    add(second, pb_officer, "before", camera_jpeg(scene(100).resize((400, 300)), taken=t, at=here))
    add(second, pb_officer, "after", camera_jpeg(scene(101), taken=t + timedelta(hours=1), at=here))
    services.report_request_validation(report_id=second.pk, actor=pb_officer)

    mine = Officer(client, pb_officer).get(f"/reports/{second.number}").json()
    assert all(p["flags"] == [] for p in mine["photos"])  # the officer who uploaded it learns nothing
    seen = Officer(client, validator).get(f"/reports/{second.number}").json()
    [before] = [p for p in seen["photos"] if p["kind"] == "before"]
    [flag] = before["flags"]
    assert flag["code"] == "reused" and first.number not in flag["text"]  # the validator cannot open the first
    assert flag["text"].startswith("Foto ini mirip foto dari laporan lain yang tidak dapat Anda buka")


def test_the_stored_hash_is_keyed_so_the_database_alone_cannot_be_searched_with_an_outside_photo(pb_officer):
    """A database owner holding a resident's photo posted elsewhere could hash it and find the report it belongs
    to; the stored hash is XOR a pad from the server's key (the row's own: test_proofcheck_keyed), so that lookup
    finds nothing without the key."""
    import imagehash

    report = working(pb_officer)
    picture = scene(110)
    photo = add(report, pb_officer, "before", camera_jpeg(picture, taken=None, at=None))
    photo.refresh_from_db()
    outside = int(str(imagehash.phash(picture)), 16)  # what an attacker computes from the same picture
    assert (proofcheck.to_unsigned(photo.phash) ^ outside).bit_count() > 12  # not a match without the key
    assert (proofcheck.hash_of(photo) ^ outside).bit_count() <= 6  # with it: found


def test_a_proof_still_being_processed_cannot_be_validated_until_its_flags_are_known(
    pb_officer, validator, photos_drain
):
    """A clean before and after photo are ready; a second after photo, without the camera's time and place, is
    still with the worker when the validator accepts. Its flags were not known yet: the validation was recorded
    as on clean proof and asked for no reason (found by a review). Validation now waits for the unit's proof
    photos to be ready (409, either decision), then asks why a flagged proof is accepted."""
    from sigap.privacy.photos import photo_check

    report = working(pb_officer)
    here = inner_point(PB)
    start = report.created_at + timedelta(minutes=30)
    add(report, pb_officer, "before", camera_jpeg(scene(11), taken=start, at=here))
    add(report, pb_officer, "after", camera_jpeg(scene(12), taken=start + timedelta(hours=3), at=here))
    bare = camera_jpeg(scene(13), taken=None, at=None)
    late = services.photo_add(report_id=report.pk, actor=pb_officer, kind="after", photo=photo_check(bare))
    assert late.state == Photo.State.PROCESSING
    services.report_request_validation(report_id=report.pk, actor=pb_officer)
    for accept in (True, False):
        with pytest.raises(DomainError) as refused:
            services.report_validate(report_id=report.pk, actor=validator, accept=accept, reason="lihat foto")
        assert refused.value.status == 409 and refused.value.code == "photo_processing"
    assert Report.objects.get(pk=report.pk).status == Status.AWAITING_VALIDATION
    assert photos_drain() == {"ready": 1} and flags(late)
    with pytest.raises(DomainError) as asked:
        services.report_validate(report_id=report.pk, actor=validator, accept=True)
    assert asked.value.code == "reason_required"
    services.report_validate(report_id=report.pk, actor=validator, accept=True, reason="foto ulang di lokasi sama")
    done = StatusChange.objects.filter(report=report, new_status=Status.DONE).get()
    assert done.proof_flagged is True


@pytest.mark.parametrize("captured", ["0001:01:01 00:00:00", "0001:01:01 00:07:00", "1899:12:31 23:59:59"])
def test_a_capture_time_no_camera_writes_is_read_as_none_and_the_photo_gets_ready(pb_officer, photos_drain, captured):
    """Found by a review on PostgreSQL: a proof photo dated in the first minutes of year 1 was stored as a time in
    1 BC (the city's historical offset), which the database driver could not read back; the photo stayed
    "processing" for good and the report could never go to validation."""
    from sigap.privacy.photos import photo_check

    report = working(pb_officer)
    image = scene(80)
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = captured
    buf = io.BytesIO()
    image.save(buf, "JPEG", exif=exif)
    photo = services.photo_add(report_id=report.pk, actor=pb_officer, kind="before", photo=photo_check(buf.getvalue()))
    assert photos_drain() == {"ready": 1}
    photo.refresh_from_db()
    assert photo.state == Photo.State.READY and "no_time" in flags(photo)
