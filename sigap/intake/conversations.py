"""The chat dialog: collect what a report needs over several messages, then file exactly one report.

Steps: description → location (shared location or address text; a photo is invited at the same time)
→ confirm the guessed category → privacy (Privat/Rahasia by default) → file. "batal"/"cancel" cancels at
any point; a dialog idle for SIGAP_CONVERSATION_HOURS expires politely. State lives in the database
(the collected content encrypted in the vault), so it survives restarts.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sigap.core.errors import DomainError
from sigap.organization.models import Kategori
from sigap.privacy import vault
from sigap.reports import outbox
from sigap.reports.categorize import categorize
from sigap.reports.models import Notification, Privacy
from sigap.routing.places import address_parse, place_match

from .channels.base import Inbound
from .models import Conversation

CANCEL = {"batal", "cancel", "stop", "berhenti"}
YES = {"ya", "iya", "y", "yes", "ok", "oke", "benar", "betul", "setuju"}
SKIP = {"lewati", "skip", "tidak ada", "ga ada", "gak ada", "no photo"}
EN_WORDS = {
    "the",
    "is",
    "there",
    "a",
    "in",
    "on",
    "of",
    "and",
    "my",
    "street",
    "please",
    "broken",
    "near",
    "not",
    "has",
}
ID_WORDS = {"yang", "di", "dan", "ada", "tidak", "sudah", "jalan", "mohon", "dekat", "rumah", "saya", "sampah", "gak"}

T = {
    "ask_description": (
        "Halo, ini Sigap. Ceritakan masalah yang ingin Anda laporkan (apa dan di mana).",
        "Hello, this is Sigap. Tell us the problem you want to report (what and where).",
    ),
    "ask_location": (
        "Terima kasih. Di mana lokasinya? Kirim lokasi (Share Location) atau tulis nama jalan dan "
        "kelurahan. Bila ada, kirim juga fotonya.",
        "Thank you. Where is it? Share your location or type the street and kelurahan. "
        "If you have a photo, send it too.",
    ),
    "ask_location_again": (
        "Lokasi belum dapat kami kenali. Kirim lokasi (Share Location) atau tulis nama kelurahan.",
        "We could not recognise the place. Share your location or type the kelurahan's name.",
    ),
    "ask_location_pick": (
        "Lokasi mana yang dimaksud? Balas dengan nomornya: {options}",
        "Which place do you mean? Reply with its number: {options}",
    ),
    "ask_category": (
        "Apakah laporan Anda tentang: {category}? Balas YA, atau pilih nomor: {options}",
        "Is your report about: {category}? Reply YES, or choose a number: {options}",
    ),
    "ask_privacy": (
        "Pilih privasi laporan: 1 Privat/Rahasia (disarankan: hanya petugas yang menangani melihat isinya, "
        "identitas Anda tidak pernah terlihat), 2 Publik (isi tampil di peta publik tanpa identitas), "
        "3 Anonim (tidak ada data Anda yang disimpan). Balas 1, 2 atau 3.",
        "Choose the report's privacy: 1 Private (recommended: only the handling officers see it, never your "
        "identity), 2 Public (shown on the public map without your identity), 3 Anonymous (nothing about "
        "you is stored). Reply 1, 2 or 3.",
    ),
    "filed": (
        "Laporan Anda diterima dengan nomor {number} dan diteruskan ke {unit}. Kode lacak: {code}. "
        "Kami kabari perkembangannya di sini.",
        "Your report was received as {number} and passed to {unit}. Tracking code: {code}. "
        "We will keep you posted here.",
    ),
    "filed_anon": (
        "Laporan anonim Anda diterima dengan nomor {number}. Kode lacak: {code}, kode rahasia: {secret}. "
        "Simpan keduanya: kami tidak menyimpan data Anda dan tidak akan mengirim kabar lagi.",
        "Your anonymous report was received as {number}. Tracking code: {code}, secret: {secret}. "
        "Keep both: we store nothing about you and will not message you again.",
    ),
    "answer_received": (
        "Terima kasih, jawaban Anda untuk laporan {number} sudah diteruskan ke petugas.",
        "Thank you, your answer on report {number} has been passed to the officers.",
    ),
    "cancelled": (
        "Laporan dibatalkan. Kirim pesan baru kapan saja untuk melapor.",
        "Report cancelled. Send a new message any time to report.",
    ),
    "refused": ("Maaf, laporan belum dapat dibuat: {reason}", "Sorry, the report could not be filed: {reason}"),
}


def _hash(channel: str, sender: str) -> str:
    return hashlib.sha256(f"sigap-conversation:{channel}:{sender}".encode()).hexdigest()


def _language(text: str) -> str:
    words = set(re.findall(r"[a-z]+", text.lower()))
    return "en" if len(words & EN_WORDS) > len(words & ID_WORDS) else "id"


def _say(conv: Conversation, key: str, **fmt) -> None:
    text_id, text_en = T[key]
    body = (text_en if conv.language == "en" else text_id).format(**fmt)
    note = Notification.objects.create(
        report=conv.report,
        recipient_ref=conv.identity_ref,
        kind=f"dialog:{key}",
        body=body,
        body_en=text_en.format(**fmt),
    )
    transaction.on_commit(lambda: outbox.enqueue(note.pk))


def _load(conv: Conversation) -> dict:
    raw = vault.blob_read(conv.data_ref) if conv.data_ref else None
    return (
        json.loads(raw)
        if raw
        else {"texts": [], "photos": [], "location": None, "category": None, "candidates": [], "places": []}
    )


def _save(conv: Conversation, data: dict) -> None:
    old = conv.data_ref
    conv.data_ref = vault.blob_store(json.dumps(data, ensure_ascii=False).encode(), content_type="application/json")
    if old:
        vault.blob_destroy(old)


def _guess_categories(text: str) -> list[tuple[str, float]]:
    return categorize(text)[0]


def _open_conversation(inbound: Inbound) -> Conversation:
    now = timezone.now()
    sender_hash = _hash(inbound.channel, inbound.sender)
    conv = (
        Conversation.objects.select_for_update()
        .filter(channel=inbound.channel, sender_hash=sender_hash, state=Conversation.State.OPEN)
        .first()
    )
    if conv is not None and conv.expires_at < now:
        conv.state = Conversation.State.EXPIRED
        conv.save(update_fields=["state", "updated_at"])
        conv = None
    if conv is None:
        identity = {"channel": inbound.channel, "name": inbound.sender_name}
        identity["phone" if inbound.channel in ("sms", "whatsapp") else "handle"] = inbound.sender
        conv = Conversation.objects.create(
            channel=inbound.channel,
            sender_hash=sender_hash,
            identity_ref=vault.identity_store(payload=identity),
            language=inbound.language if inbound.language in ("id", "en") else _language(inbound.text),
            expires_at=now,
        )
    conv.expires_at = now + timedelta(hours=settings.SIGAP_CONVERSATION_HOURS)
    return conv


def _answer_to_question(inbound: Inbound) -> bool:
    """A message from someone whose report waits for their answer is that answer (not a new report)."""
    from sigap.reports.states import Status

    from .services import reporter_answer_for

    text = (inbound.text or "").strip()
    if not text:
        return False
    filed = (
        Conversation.objects.filter(
            channel=inbound.channel,
            sender_hash=_hash(inbound.channel, inbound.sender),
            state=Conversation.State.FILED,
            report__status=Status.AWAITING_REPORTER,
        )
        .select_related("report")
        .order_by("-updated_at")
        .first()
    )
    if filed is None:
        return False
    report = filed.report
    reporter_answer_for(report, text)
    _say(filed, "answer_received", number=report.number)
    return True


def conversation_handle(inbound: Inbound):
    """Take one inbound chat message; returns the Report if this message completed one."""
    from .channels.registry import ADAPTERS

    if _answer_to_question(inbound):
        return None

    conv = _open_conversation(inbound)
    data = _load(conv)
    text = (inbound.text or "").strip()
    answer = text.lower().strip(" .!")

    if answer in CANCEL:
        conv.state = Conversation.State.CANCELLED
        conv.save()
        _say(conv, "cancelled")
        return None

    for media in inbound.media:
        name, raw = ADAPTERS[inbound.channel].fetch_media(media)
        data["photos"].append({"name": name, "ref": vault.blob_store(raw)})
    if inbound.location:
        data["location"] = list(inbound.location)

    step = conv.step
    keyword = inbound.extra.get("keyword")
    if keyword and not data["texts"]:
        # "LAPOR#<kategori>#<lokasi>#<uraian>": everything in one SMS
        data["texts"].append(keyword["text"])
        if Kategori.objects.filter(kode=keyword["category"], aktif=True).exists():
            data["category"], data["category_confirmed"] = keyword["category"], True
        _place_from_text(data, keyword["location_text"])
        if data["location"]:
            data["address"] = keyword["location_text"]
        text = ""
    concat = inbound.extra.get("concat")
    if concat:
        parts = data.setdefault("parts", {}).setdefault(concat[0], {})
        parts[str(concat[1])] = text
        if len(parts) < concat[2]:
            _save(conv, data)
            conv.save()
            return None  # wait for the other parts of a long SMS
        text = "".join(parts[str(i)] for i in range(1, concat[2] + 1))
        answer = text.lower().strip(" .!")
    if step == "location" and text and not inbound.location:
        _place_from_text(data, text)
    elif step == "location_pick" and answer.isdigit() and 1 <= int(answer) <= len(data["places"]):
        place = data["places"][int(answer) - 1]
        data["location"] = [place["lat"], place["lon"]]
        data["address"] = place["nama"]
    elif step == "category" and text:
        if answer in YES:
            pass
        elif answer.isdigit() and 1 <= int(answer) <= len(data["candidates"]):
            data["category"] = data["candidates"][int(answer) - 1]
        elif answer:
            data["texts"].append(text)
    elif step == "privacy" and text:
        choice = {
            "1": Privacy.PRIVATE,
            "2": Privacy.PUBLIC,
            "3": Privacy.ANONYMOUS,
            "ya": Privacy.PRIVATE,
            "yes": Privacy.PRIVATE,
            "privat": Privacy.PRIVATE,
            "private": Privacy.PRIVATE,
            "publik": Privacy.PUBLIC,
            "public": Privacy.PUBLIC,
            "anonim": Privacy.ANONYMOUS,
            "anonymous": Privacy.ANONYMOUS,
        }.get(answer)
        if choice:
            data["privacy"] = choice
    elif text and step in ("", "description"):
        data["texts"].append(text)
        if not data["location"]:
            _place_from_text(data, text, quiet=True)
    elif text and step == "location" and inbound.location:
        data["texts"].append(text)

    report = _advance(conv, data, inbound)
    _save(conv, data)
    conv.save()
    return report


def _place_from_text(data: dict, text: str, quiet: bool = False) -> None:
    """Place the report from text when the address parser is sure; offer the candidates when it is not."""
    result = address_parse(text)
    matches = place_match(text)
    if matches and not result.ambiguous:
        data["location"] = [matches[0].lat, matches[0].lon]
        data["address"] = text
    elif matches and not quiet:
        data["places"] = [{"kode": m.kode, "nama": m.nama, "lat": m.lat, "lon": m.lon} for m in matches[:5]]
        data["address"] = text


def _advance(conv: Conversation, data: dict, inbound: Inbound):
    if not data["texts"]:
        conv.step = "description"
        _say(conv, "ask_description")
        return None
    if not data["location"]:
        if data.get("places") and conv.step != "location_pick":
            conv.step = "location_pick"
            options = ", ".join(f"{i} {p['nama']}" for i, p in enumerate(data["places"], 1))
            _say(conv, "ask_location_pick", options=options)
            return None
        again = conv.step in ("location", "location_pick")
        conv.step = "location"
        _say(conv, "ask_location_again" if again else "ask_location")
        return None
    if not data.get("category_confirmed"):
        if conv.step == "category":
            data["category_confirmed"] = True
        else:
            guesses = _guess_categories(" ".join(data["texts"]))
            data["candidates"] = [code for code, _score in guesses]
            data["category"] = data["candidates"][0] if data["candidates"] else "lainnya"
            names = dict(Kategori.objects.filter(kode__in=data["candidates"]).values_list("kode", "nama"))
            conv.step = "category"
            options = ", ".join(f"{i} {names.get(c, c)}" for i, c in enumerate(data["candidates"], 1))
            _say(conv, "ask_category", category=names.get(data["category"], data["category"]), options=options)
            return None
    if not data.get("privacy"):
        conv.step = "privacy"
        _say(conv, "ask_privacy")
        return None
    return _file(conv, data)


def _file(conv: Conversation, data: dict):
    from .services import Reporter, Submission, report_submit

    identity = vault.identity_for_reveal(conv.identity_ref) or {}
    anonymous = data["privacy"] == Privacy.ANONYMOUS
    photos = [(p["name"], vault.blob_read(p["ref"]) or b"") for p in data["photos"]]
    sub = Submission(
        category=data["category"],
        description="\n".join(data["texts"]),
        lat=data["location"][0],
        lon=data["location"][1],
        channel=conv.channel,
        address=data.get("address", ""),
        privacy=data["privacy"],
        reporter=None if anonymous else Reporter(name=identity.get("name", ""), phone=identity.get("phone", "")),
        photos=[p for p in photos if p[1]],
        notify_received=False,
        known_names=(identity.get("name", ""),) if anonymous and identity.get("name") else (),
    )
    try:
        with transaction.atomic():
            result = report_submit(sub)
    except DomainError as exc:
        conv.step = "location" if exc.code in ("outside_area", "invalid_coordinates") else conv.step
        if exc.code in ("outside_area", "invalid_coordinates"):
            data["location"] = None
        _say(conv, "refused", reason=exc.message_en if conv.language == "en" else exc.message_id)
        return None
    report = result.report
    if not anonymous:
        # the report's own identity record gets the channel address, so status updates reach this chat
        vault.identity_update(
            report.reporter_ref, **{k: v for k, v in identity.items() if k in ("handle", "phone")}, channel=conv.channel
        )
    conv.report = report
    conv.state = Conversation.State.FILED
    conv.step = "done"
    if anonymous:
        _say(conv, "filed_anon", number=report.number, code=result.tracking_code, secret=result.secret)
    else:
        _say(conv, "filed", number=report.number, unit=report.unit.nama, code=result.tracking_code)
    for p in data["photos"]:
        vault.blob_destroy(p["ref"])
    return report
