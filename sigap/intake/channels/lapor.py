"""LAPOR! (SP4N-LAPOR!, the national complaint system): reports disposed to the city come in, every status
change of such a report goes back.

LAPOR! publishes no API specification; this is the JSON mapping Sigap uses (docs/channels.md has the
full table), with ``Authorization: Bearer <token>`` on every call:

* import (``sigap lapor import``): ``GET {api_base}/laporan?instansi={instansi}&status=disposisi&page=N`` →
  ``{"data": [{"id", "judul", "isi", "kategori", "lokasi": {"lat", "lon", "alamat"}, "privasi":
  "rahasia|publik|anonim", "pelapor": {"nama", "telepon", "email"}, "tanggal", "lampiran": [{"url"}]}],
  "next_page": N+1 | null}`` (a bare list is accepted too). Each becomes one report (channel ``lapor``),
  idempotent on the LAPOR! id; the reporter's data goes to the vault only, with the LAPOR! id as the
  identity's ``handle``.
* push-back: the relay delivers every notification of a LAPOR! report through ``send`` (the vault resolves
  the identity to ``("lapor", <LAPOR! id>)``), which posts ``POST {api_base}/laporan/{id}/tindak-lanjut
  {"status", "keterangan", "waktu"}``: each status notification reaches LAPOR! exactly once (the relay's
  claim-then-send protocol). ``status`` follows ``STATUS_TO_LAPOR``; ``waktu`` is the time of the status
  change itself, so LAPOR! orders updates by it (a retried update can arrive after a later one).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from sigap.core.errors import DomainError

from ..placing import placing_text
from ..public_mentions import (
    PROCESSED,
    Handled,
    PhotoHeld,
    inbound_accept_handled,
    photos_readable,
    place_from_text,
)
from .base import Adapter, ChannelDisabled, Inbound


def _field(value) -> str:
    """A text field of a LAPOR! item as Sigap takes it: a NUL (refused by every text check, and by PostgreSQL) is
    dropped rather than refusing the report (one in the address left it stored as ignored, never filed)."""
    return str(value or "").replace("\x00", "").strip()


log = logging.getLogger(__name__)
MAX_PAGES = 200

# Sigap status code → LAPOR! tindak-lanjut status (docs/channels.md).
STATUS_TO_LAPOR = {
    "waiting": "diterima",
    "koordinasi": "diproses",
    "disposisi": "diproses",
    "in_progress": "diproses",
    "awaiting_reporter": "menunggu_pelapor",
    "awaiting_validation": "diproses",
    "followup_rejected": "diproses",
    "reopened": "diproses",
    "done": "selesai",
    "rejected": "ditolak",
    "merged": "digabung",
    "forwarded": "dialihkan",
    "closed_no_response": "ditutup",
}
# LAPOR! privasi → Sigap privacy. "anonim": LAPOR! keeps the person; Sigap stores nothing of them (the
# report is Private, reachable only through LAPOR!), so no tracking code/secret is needed on our side.
PRIVACY_FROM_LAPOR = {"rahasia": "private", "publik": "public", "anonim": "private"}

# An item whose photo's download fails for a passing reason (a timeout, a 5xx) is left for the next import this
# many times before it is filed without the photo: filed at once, the item was stored as taken and the photo never
# fetched again (a fault-injection review). Counted in the cache (Redis in production), for a day.
PHOTO_IMPORTS = 3


def _photo_held_key(inbound: Inbound) -> str:
    return f"lapor:photo-held:{inbound.message_id}"


def _photo_held_before(inbound: Inbound) -> int:
    from django.core.cache import cache

    return int(cache.get(_photo_held_key(inbound), 0))


def _photo_held_again(inbound: Inbound) -> int:
    from django.core.cache import cache

    key = _photo_held_key(inbound)
    cache.add(key, 0, timeout=24 * 3600)
    try:
        return cache.incr(key)
    except ValueError:  # gone between the two (expired, evicted): counted from here
        cache.set(key, 1, timeout=24 * 3600)
        return 1


class LaporAdapter(Adapter):
    name = "lapor"
    required = ("api_base", "token", "instansi")

    def _auth(self) -> dict:
        return {"Authorization": f"Bearer {self.config['token']}"}

    def verify(self, request, body: bytes) -> None:
        raise ChannelDisabled(
            "LAPOR! tidak mengirim webhook; gunakan 'sigap lapor import'.",
            "LAPOR! sends no webhook; use 'sigap lapor import'.",
        )

    # --- import ---------------------------------------------------------------------------------
    def reports_fetch(self) -> list[dict]:
        items, page = [], 1
        with self.http() as client:
            while page and page <= MAX_PAGES:
                response = client.get(
                    f"{self.config['api_base']}/laporan",
                    headers=self._auth(),
                    params={"instansi": self.config["instansi"], "status": "disposisi", "page": page},
                )
                response.raise_for_status()
                body = response.json()
                if isinstance(body, list):
                    items.extend(body)
                    break
                items.extend(body.get("data", []))
                next_page = body.get("next_page")
                page = int(next_page) if next_page and int(next_page) > page else 0
        return items

    def inbound(self, item: dict) -> Inbound:
        lapor_reporter = item.get("pelapor") or {}
        lapor_location = item.get("lokasi") or {}
        lapor_id = item.get("id")
        if isinstance(lapor_id, bool) or not isinstance(lapor_id, (int, str)) or not str(lapor_id).strip():
            # a null id became "None": every other null-id complaint was then its duplicate, and pushes went to
            # /laporan/None (a review)
            raise ValueError("a LAPOR! report without an id")
        inbound = Inbound(
            channel=self.name,
            message_id=str(lapor_id).strip(),
            sender=str(lapor_id).strip(),
            sender_name=str(lapor_reporter.get("nama") or ""),
            text="\n".join(str(item.get(k) or "").strip() for k in ("judul", "isi")).strip(),
            extra={"laporan": item},
        )
        if not inbound.message_id:
            raise ValueError("laporan without id")
        try:
            lat, lon = float(lapor_location["lat"]), float(lapor_location["lon"])
            if -90 <= lat <= 90 and -180 <= lon <= 180:
                inbound.location = (lat, lon)
        except (KeyError, TypeError, ValueError):
            pass
        inbound.media = [
            {"url": a["url"], "mime": a.get("tipe", "image/jpeg")}
            for a in item.get("lampiran") or []
            if a.get("url") and str(a.get("tipe", "image/jpeg")).startswith("image/")
        ]
        return inbound

    def fetch_media(self, media: dict) -> tuple[str, bytes]:
        from urllib.parse import urlsplit

        own = urlsplit(media["url"]).hostname == urlsplit(self.config["api_base"]).hostname
        return "lapor-lampiran.jpg", self.download(media["url"], headers=self._auth() if own else {})

    def report_handle(self, inbound: Inbound) -> Handled:
        """File one LAPOR! report (called in the transaction that stores it)."""
        from sigap.organization.models import Category
        from sigap.privacy import vault
        from sigap.reports.models import Privacy

        from ..public_mentions import media_fetch_tolerant
        from ..services import Reporter, Submission, door_terms, email_possible, phone_possible, report_submit

        item = inbound.extra["laporan"]
        lapor_reporter = item.get("pelapor") or {}
        lapor_location = item.get("lokasi") or {}
        lapor_privacy = str(item.get("privasi") or "rahasia").strip().lower()
        privacy = PRIVACY_FROM_LAPOR.get(lapor_privacy, Privacy.PRIVATE)
        wanted = _field(item.get("kategori")).lower()
        category = wanted if Category.objects.filter(code=wanted, active=True).exists() else ""
        address = _field(lapor_location.get("alamat"))[:500]
        description = inbound.text[:5000]
        reporter = (
            Reporter()
            if lapor_privacy == "anonim"
            else Reporter(
                name=_field(lapor_reporter.get("nama")),
                # LAPOR! is the reporter's contact: a number Sigap could not use ("-", "tidak ada") is not kept, and
                # no longer refuses the whole report (it was stored as ignored, never filed nor retried: a review)
                phone=phone if phone_possible(phone := _field(lapor_reporter.get("telepon"))) else "",
                email=email if email_possible(email := _field(lapor_reporter.get("email"))) else "",
            )
        )
        # nothing of an anonymous person is kept, but a name or an address typed into the text is still taken out; so
        # is a contact not kept because Sigap could not use it ("wulandari.kusuma@gmail": a review)
        known_names = (_field(lapor_reporter.get("nama")),) if lapor_privacy == "anonim" else ()
        kept = {"phone": reporter.phone, "email": reporter.email}
        known_contacts = {
            key: given
            for key, field in (("phone", "telepon"), ("email", "email"))
            if (given := _field(lapor_reporter.get(field))) and given != kept[key]
        }
        lat = lon = None
        if inbound.location:
            lat, lon = inbound.location
        else:
            # by what officers will read of it, with the terms the report is redacted with: the pelapor's name (a
            # sign-off) never places the report
            terms = door_terms(reporter, known_contacts)
            written = placing_text(address, identity=terms, names=known_names, place_text=True)
            place = place_from_text(f"{written}\n{placing_text(inbound.text, identity=terms, names=known_names)}")
            if place:
                lat, lon = place[0], place[1]
        sub = Submission(
            category=category,
            description=description,
            lat=lat,
            lon=lon,
            channel=self.name,
            address=address,
            privacy=privacy,
            reporter=reporter,
            photos=photos_readable(
                media_fetch_tolerant(self, inbound, hold=_photo_held_before(inbound) < PHOTO_IMPORTS)
            ),
            notify_received=True,
            allow_no_location=True,
            known_names=known_names,
            known_contacts=known_contacts,
        )
        for _attempt in range(3):
            try:
                with transaction.atomic():
                    result = report_submit(sub)
                break
            except DomainError as exc:
                if exc.code == "sensitive_not_public":
                    sub.privacy = Privacy.PRIVATE
                elif exc.code in ("outside_area", "invalid_coordinates", "no_tupoksi") and sub.lat is not None:
                    sub.lat = sub.lon = None
                else:
                    raise
        else:  # pragma: no cover - every fallback tried
            raise DomainError(
                "Laporan LAPOR! tidak dapat dibuat.", "The LAPOR! report could not be filed.", code="lapor_unfiled"
            )
        # the identity answers to LAPOR!: every notification of this report is pushed back there
        vault.identity_update(result.report.reporter_ref, channel=self.name, handle=inbound.message_id)
        return Handled(PROCESSED, result.report)

    def reports_import(self) -> dict:
        counts = {"received": 0, "processed": 0, "ignored": 0, "duplicate": 0, "failed": 0}
        for item in self.reports_fetch():
            counts["received"] += 1
            try:
                inbound = self.inbound(item)
            except (KeyError, TypeError, ValueError, AttributeError):
                counts["failed"] += 1
                log.warning("lapor: an item without a usable id was skipped")
                continue
            try:
                result = inbound_accept_handled(self.name, [inbound], self.report_handle)
            except PhotoHeld:
                counts["failed"] += 1
                held = _photo_held_again(inbound)
                log.warning(
                    "lapor: a photo could not be fetched (%d of %d imports); held for the next", held, PHOTO_IMPORTS
                )
                continue
            except Exception as exc:  # noqa: BLE001 - nothing stored; the next import tries again
                counts["failed"] += 1
                log.warning("lapor: importing a report failed (%s); the next import tries again", type(exc).__name__)
                continue
            for key in ("processed", "ignored", "duplicate"):
                counts[key] += result.get(key, 0)
        return counts

    # --- push-back ------------------------------------------------------------------------------
    def prefetch(self, rows: list[tuple[int, str, str]]) -> list[dict]:
        """For a batch of sends, each ``(notification_id, reply_context, number)``: the status each notification
        announces and when, read here in two statements so that ``send`` — on the relay's send threads — needs no
        database connection of its own. Each entry is ``send``'s extra arguments."""
        from sigap.reports.models import Notification, Report

        notes = Notification.objects.select_related("status_change").in_bulk([pk for pk, _ctx, _number in rows])
        plain = {n.report_id for n in notes.values() if not n.status_change_id and n.kind != "received"}
        statuses = dict(Report.objects.filter(pk__in=plain).values_list("pk", "status")) if plain else {}
        now = timezone.now()
        out = []
        for pk, _ctx, _number in rows:
            note = notes.get(pk)
            announces = _announced(note) or (statuses.get(note.report_id if note else None, "waiting"), now)
            out.append({"announces": announces})
        return out

    def send(self, address: str, text: str, *, reply_context: str = "", announces: tuple | None = None) -> str:
        """Post one notification of a LAPOR! report as a tindak-lanjut (``address``: the LAPOR! id; ``announces``:
        the status it announces and when, as ``prefetch`` read them for a batch; else found here)."""
        status, at = announces or self._status_of(address, text)
        body = {
            "status": STATUS_TO_LAPOR.get(status, "diproses"),
            "keterangan": text[:4000],
            "waktu": timezone.localtime(at).isoformat(),
        }
        with self.http() as client:
            response = client.post(
                f"{self.config['api_base']}/laporan/{address}/tindak-lanjut", json=body, headers=self._auth()
            )
            response.raise_for_status()
            try:
                return str(response.json().get("id", ""))
            except ValueError:
                return ""

    def _status_of(self, lapor_id: str, text: str):
        """The status this notification announces: the relay has claimed it (SENDING) just before calling
        ``send``, so it is found by its report and body; its status change says which status and when."""
        from sigap.reports.models import Notification, Report

        from ..inbox import message_keys
        from ..models import InboundMessage

        report_id = (
            InboundMessage.objects.filter(channel=self.name, message_id__in=message_keys(self.name, lapor_id))
            .values_list("report_id", flat=True)
            .first()
        )
        note = (
            (
                Notification.objects.select_related("status_change")
                .filter(report_id=report_id, state=Notification.State.SENDING, body=text)
                .order_by("claimed_at", "pk")
                .first()
            )
            if report_id
            else None
        )
        announces = _announced(note)
        if announces is not None:
            return announces
        report = Report.objects.filter(pk=report_id).first() if report_id else None
        return (report.status if report else "waiting"), timezone.now()


def _announced(note) -> tuple | None:
    """The status a notification announces and when, from the notification itself (its status change; "received"
    announces Menunggu): None when only its report's current status can say."""
    if note is not None and note.status_change_id:
        return note.status_change.new_status, note.status_change.created_at
    if note is not None and note.kind == "received":
        return "waiting", note.created_at
    return None
