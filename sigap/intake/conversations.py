"""The dialog engine: collect what a report needs over several messages, then file exactly one report.

The engine (used by every conversational channel: WhatsApp, Telegram, SMS, Facebook and Instagram messages,
Twitter/X DMs, and email's own shorter flow in ``channels/email.py``):

* ``dialog_create``: one conversation per sender and channel, keyed by ``sender_hash`` (the address and name go
  to the vault, under the identity field the adapter names: ``Adapter.address_field``);
* ``dialog_load`` / ``dialog_save``: what the dialog collected so far, encrypted in the vault;
* ``dialog_say``: one message to the resident in their language (``language_guess``), queued in the outbox;
* ``dialog_place``: a place named in the text (or the candidates to choose from);
* an answer to an officer's question (the resident's report waits for them) goes to that report.

The chat flow (``conversation_handle``, the inbox's handler for every stored chat message): description →
location (shared location or address text; a photo is invited at the same time) → confirm the guessed category
→ privacy (Privat/Rahasia by default) → file. "batal"/"cancel" cancels at any point; a dialog idle for
SIGAP_CONVERSATION_HOURS expires politely. What a message says is read by its adapter's ``dialog_text`` hook
(the SMS keyword format and the parts of a long SMS live in the SMS adapter); photos come through its
``fetch_media``. State lives in the database, so it survives restarts.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import unicodedata
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from sigap.core.clip import clip_end
from sigap.core.errors import DomainError
from sigap.core.limits import ADDRESS_MAX
from sigap.organization.models import Category
from sigap.privacy import vault
from sigap.reports import outbox
from sigap.reports.categorize import categorize
from sigap.reports.models import Notification, Privacy, Report

from .channels.base import Inbound
from .models import Conversation
from .placing import place_by_officers_copy

log = logging.getLogger(__name__)

CANCEL = {"batal", "cancel", "stop", "berhenti"}
YES = {"ya", "iya", "y", "yes", "ok", "oke", "benar", "betul", "setuju"}
NO = {"tidak", "bukan", "no", "salah", "tdk", "gak", "nggak", "ngga", "enggak"}
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
        "Lokasi mana? Balas nomor/nama (0 = bukan semua): {options}",
        "Which place? Reply with its number/name (0 = none): {options}",
    ),
    "ask_category": (
        "Apakah laporan Anda tentang: {category}? Balas YA, atau pilih nomor: {options}",
        "Is your report about: {category}? Reply YES, or choose a number: {options}",
    ),
    "ask_category_pick": (
        "Pilih nomor kategorinya: {options}. Atau ceritakan masalahnya dengan kata lain.",
        "Choose the category's number: {options}. Or describe the problem in other words.",
    ),
    "photo_limit": (
        "Satu laporan paling banyak {max} foto: foto berikutnya tidak kami simpan.",
        "A report takes at most {max} photos: further photos are not kept.",
    ),
    "unsupported": (
        "Pesan suara, video, stiker, atau berkas selain foto belum dapat kami terima. Tuliskan pesan Anda, dan kirim "
        "foto sebagai foto.",
        "We cannot take voice messages, videos, stickers or files other than photos yet. Write your message as text, "
        "and send photos as photos.",
    ),
    "photo_unreadable": (
        "Foto Anda tidak dapat kami terima. Silakan kirim ulang fotonya; pesan Anda yang lain sudah kami catat.",
        "We could not receive your photo. Please send it again; the rest of your message has been noted.",
    ),
    "photos_some_dropped": (
        "{count} foto Anda bukan foto yang dapat kami baca dan tidak ikut; laporan dikirim dengan foto lainnya.",
        "{count} of your photos could not be read as a photo and were left out; the report is sent with the others.",
    ),
    "photos_dropped": (
        "Foto Anda tidak dapat dipakai ({reason}). Laporan dikirim tanpa foto.",
        "Your photos could not be used ({reason}). The report is sent without them.",
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
    "answer_which": (
        "Beberapa laporan Anda sedang menunggu jawaban: {numbers}. Jawaban Anda belum kami teruskan. Kirim ulang "
        "jawaban Anda diawali nomor laporannya, misalnya: {example} sejak tiga hari.",
        "Several of your reports are waiting for your answer: {numbers}. Your answer has not been passed on yet. "
        "Send it again starting with the report number, for example: {example} since three days.",
    ),
    "reply_which": (
        "Beberapa laporan Anda sedang menunggu balasan Anda: {numbers}. Balasan Anda belum kami teruskan. Kirim "
        "ulang balasan Anda diawali nomor laporannya, misalnya: {example} {reply}",
        "Several of your reports are waiting for your reply: {numbers}. Your reply has not been passed on yet. "
        "Send it again starting with the report number, for example: {example} {reply}",
    ),
    "answer_received": (
        "Terima kasih, jawaban Anda untuk laporan {number} sudah diteruskan ke petugas.",
        "Thank you, your answer on report {number} has been passed to the officers.",
    ),
    "confirmed": (
        "Terima kasih, konfirmasi Anda untuk laporan {number} sudah dicatat. Beri nilai penanganannya: balas "
        "angka 1 (buruk) sampai 5 (sangat baik).",
        "Thank you, your confirmation on report {number} is recorded. Rate how it was handled: reply a number "
        "from 1 (poor) to 5 (very good).",
    ),
    "rated": (
        "Terima kasih atas penilaian Anda untuk laporan {number}.",
        "Thank you for rating report {number}.",
    ),
    "dispute_reason": (
        "Laporan {number} belum beres? Balas TIDAK diikuti alasannya, misalnya: TIDAK got masih mampet.",
        "Report {number} is not fixed? Reply NO followed by your reason, for example: NO the drain is still blocked.",
    ),
    "dispute_check": (
        "Laporan {number} akan dibuka kembali dengan alasan Anda. Balas 1 untuk membuka kembali laporan {number}, "
        "atau 2 jika pesan Anda adalah laporan baru.",
        "Report {number} will be reopened with your reason. Reply 1 to reopen report {number}, or 2 if your "
        "message is a new report.",
    ),
    "disputed": (
        "Terima kasih. Laporan {number} dibuka kembali dan diteruskan lagi ke {unit} dengan alasan Anda.",
        "Thank you. Report {number} is reopened and sent back to {unit} with your reason.",
    ),
    "cancelled": (
        "Laporan dibatalkan. Kirim pesan baru kapan saja untuk melapor.",
        "Report cancelled. Send a new message any time to report.",
    ),
    "refused": ("Maaf, laporan belum dapat dibuat: {reason}", "Sorry, the report could not be filed: {reason}"),
}


# --- the engine: what every dialog (this chat flow, the email flow) is made of --------------------------------

CHAT_EMPTY = {"texts": [], "photos": [], "location": None, "category": None, "candidates": [], "places": []}
_CONVERSATION_REPORT = object()


def sender_hash(channel: str, sender: str) -> str:
    """The conversation's key for one sender on one channel (the address itself stays in the vault): keyed with a
    key derived from ``SECRET_KEY``, which is not in the database. Unkeyed, a dump alone gave every chat
    reporter's number back (Anonim ones too) by hashing the ten billion Indonesian mobile numbers."""
    return salted_hmac("sigap-conversation", f"{channel}:{sender}", algorithm="sha256").hexdigest()


def sender_keys(channel: str, sender: str) -> list[str]:
    """The keys a conversation of this sender may be stored under: the keyed one, and the unkeyed one of rows
    written before it (``intake/0003`` rekeys those whose address the vault still gives)."""
    return [sender_hash(channel, sender), legacy_sender_hash(channel, sender)]


def legacy_sender_hash(channel: str, sender: str) -> str:
    return hashlib.sha256(f"sigap-conversation:{channel}:{sender}".encode()).hexdigest()


def language_guess(text: str) -> str:
    words = set(re.findall(r"[a-z]+", (text or "").lower()))
    return "en" if len(words & EN_WORDS) > len(words & ID_WORDS) else "id"


def dialog_create(inbound: Inbound, *, step: str = "") -> Conversation:
    """A new conversation with this sender: their address and name go to the vault, under the identity field
    their channel's adapter names (``Adapter.address_field``)."""
    from .channels.registry import ADAPTERS

    adapter = ADAPTERS.get(inbound.channel)
    identity = {"channel": inbound.channel, "name": inbound.sender_name}
    identity[adapter.address_field if adapter is not None else "handle"] = inbound.sender
    if inbound.sender_handle:
        identity["username"] = inbound.sender_handle
    return Conversation.objects.create(
        channel=inbound.channel,
        sender_hash=sender_hash(inbound.channel, inbound.sender),
        identity_ref=vault.identity_store(payload=identity),
        language=inbound.language if inbound.language in ("id", "en") else language_guess(inbound.text),
        expires_at=timezone.now() + timedelta(hours=settings.SIGAP_CONVERSATION_HOURS),
        step=step,
    )


def dialog_say(
    conv: Conversation, key: str, texts: dict | None = None, *, report=_CONVERSATION_REPORT, reply_context="", **fmt
) -> Notification:
    """Queue one message of the dialog to its resident, in their language (delivered after commit by the relay,
    which finds the address in the vault). ``texts``: the dialog's phrases (this chat's ``T`` by default); a
    value given as an (Indonesian, English) pair is filled in each language."""
    text_id, text_en = (texts or T)[key]
    fmt_id = {k: (v[0] if isinstance(v, tuple) else v) for k, v in fmt.items()}
    fmt_en = {k: (v[1] if isinstance(v, tuple) else v) for k, v in fmt.items()}
    body_en = text_en.format(**fmt_en)
    note = Notification.objects.create(
        report=conv.report if report is _CONVERSATION_REPORT else report,
        recipient_ref=conv.identity_ref,
        kind=f"dialog:{key}",
        body=body_en if conv.language == "en" else text_id.format(**fmt_id),
        body_en=body_en,
        reply_context=reply_context,
    )
    transaction.on_commit(lambda: outbox.enqueue(note.pk))
    return note


def dialog_load(conv: Conversation, empty: dict | None = None) -> dict:
    """What the dialog collected so far (kept encrypted in the vault); ``empty`` when nothing yet."""
    raw = vault.blob_read(conv.data_ref) if conv.data_ref else None
    return json.loads(raw) if raw else json.loads(json.dumps(CHAT_EMPTY if empty is None else empty))


def dialog_save(conv: Conversation, data: dict) -> None:
    old = conv.data_ref
    conv.data_ref = vault.blob_store(json.dumps(data, ensure_ascii=False).encode(), content_type="application/json")
    if old:
        vault.blob_destroy(old)


# --- the chat flow ---------------------------------------------------------------------------------------------


def _guess_categories(text: str) -> list[tuple[str, float]]:
    return categorize(text)[0]


def _open_conversation(inbound: Inbound) -> Conversation:
    now = timezone.now()
    open_ones = Conversation.objects.select_for_update(of=("self",)).filter(
        channel=inbound.channel,
        sender_hash__in=sender_keys(inbound.channel, inbound.sender),
        state=Conversation.State.OPEN,
    )
    conv = open_ones.first()
    if conv is not None and conv.expires_at < now:
        conv.state = Conversation.State.EXPIRED
        _content_forget(conv, dialog_load(conv))
        conv.save(update_fields=["state", "data_ref", "updated_at"])
        conv = None
    if conv is None:
        try:
            with transaction.atomic():
                conv = dialog_create(inbound)
        except IntegrityError:  # the sender's other message, taken at the same moment, has just opened one
            conv = open_ones.get()
    conv.expires_at = now + timedelta(hours=settings.SIGAP_CONVERSATION_HOURS)
    return conv


def _content_forget(conv: Conversation, data: dict) -> None:
    """What the resident told a dialog that ends without a report (cancelled, or expired): its text and photos are
    destroyed, as a filed dialog's are once the report holds them. Their address stays for the last reply."""
    for photo in data.get("photos", ()):
        vault.blob_destroy(photo["ref"])
    if conv.data_ref:
        vault.blob_destroy(conv.data_ref)
        conv.data_ref = ""


MAX_WAITING_LISTED = 5  # how many of a resident's waiting reports a chat lists when it asks which one
MAX_FILED_READ = 50  # a resident's filed dialogs read to find the reports that wait for their answer


def _names_number(text: str, number: str) -> bool:
    """Whether a chat message names a report's number ("JK202612060001", in any case, alone as a word)."""
    return re.search(r"(?i)(?<![A-Za-z0-9])" + re.escape(number) + r"(?![0-9])", text) is not None


def _without_number(text: str, number: str) -> str:
    """The answer without the report's number it opens with ("Laporan JK202612060001: sejak Senin" → "sejak Senin")."""
    m = re.match(
        r"(?i)[ \t]*(?:laporan|report|no\.?|nomor)?[ \t]*" + re.escape(number) + r"(?![0-9])[ \t]*[:\-,.]?[ \t]*", text
    )
    return text[m.end() :] if m and m.end() < len(text) else text


def _unsupported_told(inbound: Inbound) -> bool:
    """A message that is only what no chat step takes (a voice note, a video, a sticker, a file that is no photo):
    the resident is told so in the dialog they are in, or the one of their last report, and nothing else changes.
    Taken as nothing, it opened a new report dialog ("Halo, ini Sigap. Ceritakan masalah ...") while their report
    waited for the answer they thought they had sent (a fault-injection review). A new sender is greeted as usual."""
    if not inbound.extra.get("unsupported") or (inbound.text or "").strip() or inbound.media or inbound.location:
        return False
    mine = Conversation.objects.filter(
        channel=inbound.channel, sender_hash__in=sender_keys(inbound.channel, inbound.sender)
    )
    conv = (
        mine.filter(state=Conversation.State.OPEN, expires_at__gt=timezone.now()).order_by("-updated_at").first()
        or mine.filter(state=Conversation.State.FILED).order_by("-updated_at").first()
    )
    if conv is None:
        return False
    dialog_say(conv, "unsupported", report=None)
    return True


def _answer_to_question(inbound: Inbound, *, last_attempt: bool = False) -> bool:
    """A message from someone whose report waits for their answer is that answer (not a new report): its words,
    its photos ("kirim foto kondisinya"), or both; so is one sent within ``SIGAP_ANSWER_MORE_MINUTES`` after it."""
    from sigap.reports import services as report_services
    from sigap.reports.states import Status

    from .services import photos_usable, reporter_answer_within_limit

    text = (inbound.text or "").strip()
    if not text and not inbound.media:
        return False
    keys = sender_keys(inbound.channel, inbound.sender)
    if (
        Conversation.objects.filter(
            channel=inbound.channel, sender_hash__in=keys, state=Conversation.State.OPEN, expires_at__gt=timezone.now()
        )
        .exclude(step="")
        .exists()
    ):
        # in the middle of telling another report (Sigap asked where, what or how private): this message answers
        # that; the officer's question is answered by the next message once the new report is filed
        return False
    filed_convs = list(
        Conversation.objects.filter(channel=inbound.channel, sender_hash__in=keys, state=Conversation.State.FILED)
        .select_related("report")
        .order_by("-updated_at")[:MAX_FILED_READ]
    )
    waiting = [c for c in filed_convs if c.report is not None and c.report.status == Status.AWAITING_REPORTER]
    # the resident answered a moment ago and goes on (the answer in two messages), or answers a question the unit
    # withdrew meanwhile (the answer crossed the withdrawal): more of that answer
    latest = next((c for c in filed_convs if c.report is not None and c not in waiting), None)
    recent = latest if latest is not None and report_services.answer_welcome(latest.report) else None
    candidates = waiting + ([recent] if recent else [])
    if not candidates:
        return False
    done = _done_awaiting(inbound.channel, keys)
    if done is not None and all(c.report_id != done.report_id for c in candidates):
        # Another report of theirs waits for its "is it really fixed?" (YA / TIDAK + reason): a reply shaped like
        # that one may be either. The report the message names takes it, else Sigap asks which; taken as the answer
        # to the officer's question, a dispute about one report went to the other's unit, which read what else the
        # resident had reported, and the first report was never reopened (an attacker's review).
        if _names_number(text, done.report.number):
            return False  # ``_answer_to_done`` takes it
        takes, asked_at = _done_reply(done, text)
        if asked_at is not None and all(asked_at > c.report.status_changed_at for c in candidates):
            return False  # what Sigap asked last, about that report (reopen or not; a rating): ``_answer_to_done``
        if takes and not any(_names_number(text, c.report.number) for c in candidates):
            listed = [*candidates[: MAX_WAITING_LISTED - 1], done]
            numbers = ", ".join(c.report.number for c in listed)
            # the example from the fixed words a reply takes, never their own text (an outbox row is no vault)
            answer = _reply_word(text)
            reply = answer.upper() if answer in _DISPUTE_CHECK_REPLIES | _RATINGS else "TIDAK …"
            dialog_say(
                candidates[0], "reply_which", report=None, numbers=numbers, example=done.report.number, reply=reply
            )
            return True
    filed = candidates[0]
    if len(candidates) > 1:
        # Two of this resident's reports may take this message (both wait for an answer, or one does and the other
        # was answered a moment ago): the one the message names, else ask which. Taking the latest sent an answer
        # about one report to the other's unit, and told its officer what else the same resident had reported (found
        # by an attacker's review; then the rest of an answer given in two messages, by the next review).
        chosen = [c for c in candidates if _names_number(text, c.report.number)]
        if len(chosen) != 1:
            listed = candidates[:MAX_WAITING_LISTED]
            numbers = ", ".join(c.report.number for c in listed)
            # attached to no report: an officer who reads a report's messages sees no other report's number
            dialog_say(filed, "answer_which", report=None, numbers=numbers, example=listed[0].report.number)
            return True
        filed = chosen[0]
    report = filed.report
    text = _without_number(text, report.number)
    photos, unreadable = photos_usable(
        _media_fetched(inbound, media, last_attempt=last_attempt)
        for media in inbound.media[: settings.SIGAP_PHOTOS_PER_REPORT]
    )
    if unreadable:
        dialog_say(filed, "photo_unreadable")
    if not text and not photos:
        return True  # a photo that could not be taken: the resident was asked to send it again
    answered, left_out = reporter_answer_within_limit(report, text, photos)
    if left_out:  # beyond the report's limit: the words (if any) still answer
        dialog_say(filed, "photo_limit", max=settings.SIGAP_PHOTOS_PER_REPORT)
    if answered:
        dialog_say(filed, "answer_received", number=report.number)
    return True


def _media_fetched(inbound: Inbound, media: dict, *, last_attempt: bool) -> tuple[str, bytes] | None:
    """One photo of a chat message from its channel; None when the channel will not give it (gone, refused, too
    large) or still cannot at the inbox's last attempt. A passing failure before then raises: the inbox tries
    the whole message again."""
    from .channels.registry import ADAPTERS

    try:
        return ADAPTERS[inbound.channel].fetch_media(media)
    except Exception as exc:
        if not (last_attempt or _refused_for_good(exc)):
            raise
        log.warning("dialog: a photo could not be fetched (%s); the message goes on without it", type(exc).__name__)
        return None


CONFIRM_WORDS = {"ya", "iya", "y", "yes", "beres", "sudah", "sudah beres", "ok", "oke"}
DISPUTE_WORDS = {"tidak", "belum", "no", "not"}
_RATINGS = frozenset({"1", "2", "3", "4", "5"})
_DISPUTE_CHECK_REPLIES = CONFIRM_WORDS | {"1", "2", "baru", "new"}


def _reply_word(text: str) -> str:
    """A short reply as it is compared with the words Sigap asked for: lower case, without a closing . or !."""
    return text.lower().strip(" .!")


def _first_word(answer: str) -> str:
    """The first word of a reply ("tidak, ..." -> "tidak")."""
    return answer.partition(" ")[0].strip(",:;-")


def _done_reply(done: Conversation, text: str) -> tuple[bool, datetime | None]:
    """How ``_answer_to_done`` would read ``text`` for the report at Selesai, from one read of its dialog:

    * whether it takes it as a reply the report still waits for: TIDAK with a reason, the dispute check's 1 / 2, YA
      before it is confirmed, a rating after (a repeat it would only swallow is not counted: the officer's question
      takes it; a review);
    * when Sigap asked the question it answers: "1 reopen / 2 new report" after a dispute (1, 2, YA), the rating
      after a confirmation (1-5); None when it answers neither."""
    answer = _reply_word(text)
    report = done.report
    pending = (dialog_load(done).get("pending_dispute") or {}) if answer in _DISPUTE_CHECK_REPLIES else {}
    rating_asked = report.confirmed_at is not None and report.rating is None
    asked_at = None
    if pending.get("at"):
        asked_at = datetime.fromtimestamp(pending["at"], tz=UTC)
    elif answer in _RATINGS and rating_asked:
        asked_at = report.confirmed_at
    if report.confirmed_at is None:
        waits_for = answer in CONFIRM_WORDS
    else:
        waits_for = rating_asked and answer in _RATINGS
    return _first_word(answer) in DISPUTE_WORDS or bool(pending) or waits_for, asked_at


def _done_awaiting(channel: str, keys, *, lock: bool = False) -> Conversation | None:
    """The dialog of this chat's report whose Selesai was announced last, within ``SIGAP_CONFIRM_REPLY_DAYS``, that
    still takes a reply (not confirmed, or not rated), never an Anonim one; None otherwise."""
    from sigap.reports import services as report_services
    from sigap.reports.states import Status

    if channel not in report_services.REPLY_CHANNELS:
        return None
    since = timezone.now() - timedelta(days=settings.SIGAP_CONFIRM_REPLY_DAYS)
    found = (
        Conversation.objects.filter(
            channel=channel,
            sender_hash__in=keys,
            state=Conversation.State.FILED,
            report__status=Status.DONE,
            report__closed_at__gte=since,
        )
        .exclude(report__privacy=Privacy.ANONYMOUS)
        .select_related("report", "report__unit")
        .order_by("-report__closed_at")
    )
    filed = (found.select_for_update(of=("self",)) if lock else found).first()
    if filed is None or not filed.report.reporter_ref:
        return None
    if not lock and filed.report.confirmed_at is not None and filed.report.rating is not None:
        return None  # nothing more is asked of it
    return filed


def _answer_to_done(inbound: Inbound) -> bool | Inbound:
    """A reply to "is it really fixed?" (``services._status_message`` asks it on WhatsApp, Telegram and SMS
    when a report filed there reaches Selesai): YA confirms, then a number 1–5 rates; TIDAK with a reason is
    checked once ("1 reopen report X / 2 this is a new report") before the report reopens, so a new report that
    happens to start with "tidak ..." is never taken for a dispute. Only for the report whose Selesai was
    announced last in this chat, within ``SIGAP_CONFIRM_REPLY_DAYS``, and never for an Anonim report (no message
    is sent to it, and its actions need its secret). Returns True when the message was this answer, False
    when it was not, or the message to handle instead (the resident said it is a new report)."""
    from dataclasses import replace

    from sigap.reports import services as report_services

    from .services import reporter_dispute_for

    text = (inbound.text or "").strip()
    keys = sender_keys(inbound.channel, inbound.sender)
    if not text or inbound.channel not in report_services.REPLY_CHANNELS:
        return False
    if Conversation.objects.filter(
        channel=inbound.channel, sender_hash__in=keys, state=Conversation.State.OPEN, expires_at__gt=timezone.now()
    ).exists():
        return False
    filed = _done_awaiting(inbound.channel, keys, lock=True)
    if filed is None:
        return False
    # "JK202612060001 ya": the number names this report (Sigap asked which, another one waiting for an answer)
    text = _without_number(text, filed.report.number)
    # read again under a lock: two replies taken at once both read it unconfirmed through the dialog's row (the
    # other one's change is not in that row), and both said "confirmed" (found by a review)
    report = Report.objects.select_for_update(of=("self",)).select_related("unit").get(pk=filed.report_id)
    answer = _reply_word(text)
    first = _first_word(answer)
    data = dialog_load(filed)
    pending = data.pop("pending_dispute", None)
    if pending is not None:
        dialog_save(filed, data)
        filed.save(update_fields=["data_ref", "updated_at"])
        if answer in {"1", *CONFIRM_WORDS}:
            reporter_dispute_for(report, pending["reason"])
            dialog_say(filed, "disputed", number=report.number, unit=report.unit.name if report.unit else "")
            return True
        if answer in {"2", "baru", "new"}:
            return replace(inbound, text=pending["text"])  # their message was a new report: tell it as one
    if report.confirmed_at is None and answer in CONFIRM_WORDS:
        report_services.report_confirm_by_id(report_id=report.pk)
        dialog_say(filed, "confirmed", number=report.number)
        return True
    if report.confirmed_at is not None and report.rating is None and answer in _RATINGS:
        report_services.report_rate_by_id(report_id=report.pk, rating=int(answer))
        dialog_say(filed, "rated", number=report.number)
        return True
    if (report.confirmed_at is not None and answer in CONFIRM_WORDS) or (
        report.rating is not None and answer in _RATINGS
    ):
        return True  # said again (a double tap, a re-send): taken and answered once already
    if first in DISPUTE_WORDS:
        reason = text[text.lower().index(first) + len(first) :].strip(" ,:;-.")
        if len(reason) < 5:
            dialog_say(filed, "dispute_reason", number=report.number)
            return True
        data["pending_dispute"] = {"text": text, "reason": reason, "at": timezone.now().timestamp()}
        dialog_save(filed, data)
        filed.save(update_fields=["data_ref", "updated_at"])
        # the resident's words wait in the vault: retention reads the report again, even if it passed it (a period
        # shorter than the reply window; a review)
        Report.objects.filter(pk=report.pk).update(retained_at=None)
        dialog_say(filed, "dispute_check", number=report.number)
        return True
    return False


def _refused_for_good(exc: Exception) -> bool:
    """A media download that trying again will not mend: refused by us (too large) or by the channel (a 4xx: the
    media is gone or was never there; not 401/403, which are about our credentials (an expired or rotated token,
    the photo is still there), nor "timeout" or "too many requests")."""
    if isinstance(exc, DomainError):
        return True
    status = getattr(getattr(exc, "response", None), "status_code", None)
    return isinstance(status, int) and 400 <= status < 500 and status not in (401, 403, 408, 429)


PRIVACY_WORDS = {"privat", "private", "rahasia", "publik", "public", "anonim", "anonymous"}


def _short_reply(answer: str) -> str:
    """A reply that answers a question by itself ("2", "yang kedua", "ya", "publik", "bukan semua"), or "" for
    anything told in words."""
    short = answer.isdigit() or answer in YES | NO | PRIVACY_WORDS
    return answer if short or _number_in_words(answer) is not None or _none_of_them(answer) else ""


def _a_repeat(data: dict, answer: str, received_at: datetime | None) -> bool:
    """The resident's short reply again, received before they could have read the question it would now answer:
    a double tap or a gateway's re-send under a new id. Taken as an answer, "2" to "where exactly?" answered the
    category question too, and a third "2" chose Publik (found by a review)."""
    short = _short_reply(answer)
    asked_at = data.get("asked_at")
    if not short or asked_at is None or short != data.get("last_reply"):
        return False
    received = (received_at or timezone.now()).timestamp()
    return received - asked_at < settings.SIGAP_DIALOG_REPEAT_SECONDS


def conversation_handle(inbound: Inbound, *, last_attempt: bool = False, received_at: datetime | None = None):
    """Take one inbound chat message; returns the Report if this message completed one.

    ``received_at``: when the message came (the inbox's row); a short reply repeated before the next question could
    be read is not taken as its answer.

    A photo the channel will not give (gone, refused, too large), or still cannot give at the inbox's
    ``last_attempt``, is left out and the resident asked to send it again; the rest of the message is taken. A
    passing failure before then raises, and the inbox tries the whole message again."""
    from .channels.registry import ADAPTERS

    if inbound.extra.get("not_a_message") and not ((inbound.text or "").strip() or inbound.media or inbound.location):
        return None  # a reaction, a system notice: nothing to take, nothing to answer
    if _unsupported_told(inbound):
        return None
    if _answer_to_question(inbound, last_attempt=last_attempt):
        return None
    answered = _answer_to_done(inbound)
    if answered is True:
        return None
    if isinstance(answered, Inbound):
        inbound = answered

    conv = _open_conversation(inbound)
    data = dialog_load(conv)
    text = (inbound.text or "").strip()
    answer = _reply_word(text)

    if answer in CANCEL:
        conv.state = Conversation.State.CANCELLED
        _content_forget(conv, data)
        conv.save()
        dialog_say(conv, "cancelled")
        return None
    if not inbound.media and not inbound.location and _a_repeat(data, answer, received_at):
        return None

    limit = settings.SIGAP_PHOTOS_PER_REPORT
    unreadable = False
    for media in inbound.media:
        if len(data["photos"]) >= limit:  # filing would refuse them all, at every later message
            if not data.get("photo_limit_told"):
                data["photo_limit_told"] = True
                dialog_say(conv, "photo_limit", max=limit)
            continue
        fetched = _media_fetched(inbound, media, last_attempt=last_attempt)
        if fetched is None:
            unreadable = True
            continue
        data["photos"].append({"name": fetched[0], "ref": vault.blob_store(fetched[1])})
    if unreadable:
        dialog_say(conv, "photo_unreadable")
    if inbound.location:
        data["location"] = list(inbound.location)

    step = conv.step
    adapter = ADAPTERS.get(inbound.channel)
    if adapter is not None:
        # the channel's own reading of the message (SMS: the keyword format)
        text = adapter.dialog_text(inbound, data)
        if text is None:
            dialog_save(conv, data)
            conv.save()
            return None  # the adapter waits for more messages
        answer = _reply_word(text)
    if step == "location" and text and not inbound.location:
        dialog_place(data, text, reporter_ref=conv.identity_ref)
    elif step == "location_pick" and text and not inbound.location:
        _answer_which_place(data, text, conv.identity_ref)
    elif step == "location_pick" and not inbound.location:
        data["places_again"] = True  # a photo without words: the choice still stands
    elif step == "category" and text:
        if answer in YES:
            data["category_reply"] = "yes"
        elif answer.isdigit() and 1 <= int(answer) <= len(data["candidates"]):
            data["category"] = data["candidates"][int(answer) - 1]
            data["category_reply"] = "pick"
        elif answer in NO:  # "no" is not a confirmation, nor part of the description
            data["category_reply"] = "no"
        elif answer:
            data["texts"].append(text)  # more of the problem: guessed again from everything told
            data["category_reply"] = "text"
    elif step == "privacy" and text:
        choice = {
            "1": Privacy.PRIVATE,
            "2": Privacy.PUBLIC,
            "3": Privacy.ANONYMOUS,
            "ya": Privacy.PRIVATE,
            "yes": Privacy.PRIVATE,
            "privat": Privacy.PRIVATE,
            "private": Privacy.PRIVATE,
            "rahasia": Privacy.PRIVATE,  # the question offers "1 Privat/Rahasia"
            "publik": Privacy.PUBLIC,
            "public": Privacy.PUBLIC,
            "anonim": Privacy.ANONYMOUS,
            "anonymous": Privacy.ANONYMOUS,
        }.get(answer)
        if choice:
            data["privacy"] = choice
    elif text and step in ("", "description") and inbound.location:
        data["address"] = text  # a shared pin's name and address: where, not what (the problem is asked for next)
    elif text and step in ("", "description"):
        data["texts"].append(text)
        if not data["location"]:
            # the message is the description, not an address: placed by it, nothing of it kept as the address
            # (read as place text by the door, a sign-off name that is also a kelurahan's stayed there; a review)
            dialog_place(data, text, quiet=True, as_address=False, reporter_ref=conv.identity_ref)
    elif text and step == "location" and inbound.location:
        data["texts"].append(text)

    report = _advance(conv, data, inbound)
    data["asked_at"], data["last_reply"] = timezone.now().timestamp(), _short_reply(answer)
    dialog_save(conv, data)
    conv.save()
    return report


ORDINALS = {
    **dict.fromkeys(("pertama", "kesatu", "satu", "first", "one"), 1),
    **dict.fromkeys(("kedua", "dua", "second", "two"), 2),
    **dict.fromkeys(("ketiga", "tiga", "third", "three"), 3),
    **dict.fromkeys(("keempat", "empat", "fourth", "four"), 4),
    **dict.fromkeys(("kelima", "lima", "fifth", "five"), 5),
}
# words around a number that do not change it ("yang kedua", "no 2", "pilih 2 aja", "the first one please")
_PICK_WORDS = {
    "yang", "yg", "no", "nomor", "nomer", "nmr", "pilih", "pilihan", "ke", "aja", "saja", "ya", "dong", "deh", "pak",
    "bu", "kak", "min", "mas", "mbak", "itu", "tolong", "the", "number", "option", "please", "pls", "i", "choose",
    "mean", "it", "is",
}  # fmt: skip
# a reply that rejects what it names ("bukan kampung melayu", "jangan yang 1")
_NEGATIONS = {"bukan", "jangan", "tidak", "tdk", "gak", "ga", "nggak", "ngga", "enggak", "not", "salah"}
# a reply made only of these says "none of them" ("0", "bukan semua pak", "gak tau", "bukan keduanya")
_NONE_WORDS = _NEGATIONS | {
    "0", "semua", "semuanya", "keduanya", "duanya", "ada", "tau", "tahu", "no", "none", "neither", "of", "them",
    "pak", "bu", "kak", "min", "mas", "mbak", "sih", "kok",
}  # fmt: skip
MAX_PICK_ASKED = 3  # the same choice asked this often without an answer: the place is asked for anew


def _folded_words(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.findall(r"[a-z0-9]+", plain)


def _place_field(place: dict, key: str) -> str:
    """A dialog saved before the fields were renamed says "kode" and "nama"."""
    return place.get(key) or place.get({"code": "kode", "name": "nama"}[key], "")


def _numbers_in(words) -> set[int]:
    """The numbers among ``words``, in digits or in words ("2", "kedua", "two")."""
    return {int(w) if w.isdigit() else ORDINALS[w] for w in words if w.isdigit() or w in ORDINALS}


def _number_in_words(answer: str) -> int | None:
    """The one number a reply is made of ("2", "yang kedua", "no 2", "the first one please"), else None."""
    words = _folded_words(answer)
    numbers = _numbers_in(words)
    rest = [w for w in words if not (w.isdigit() or w in ORDINALS) and w not in _PICK_WORDS]
    return numbers.pop() if len(numbers) == 1 and not rest and len(words) <= 6 else None


def _none_of_them(answer: str) -> bool:
    words = _folded_words(answer)
    if "duanya" in words:  # "bukan dua-duanya": neither, not "not the second"
        words = [w for w in words if w != "dua"]
    return bool(words) and all(w in _NONE_WORDS for w in words)


def _options_named(text: str, places: list[dict]) -> set[int]:
    """The offered places a reply names: the kelurahan's words, whole and in order, compared as the parser compares
    names (spaces ignored: "kampungmelayu", "pulo gadung"; abbreviations: "kp melayu"), never inside another
    option's name ("pulo gadung" is not Pulo) nor inside a street, landmark or area the parser reads there
    ("kampung melayu kecil", "terminal kampung melayu", "jl kampung melayu" are not Kelurahan Kampung Melayu)."""
    from sigap.routing.address import name_words
    from sigap.routing.places import address_parse

    words = name_words(text)
    spans: dict[str, list[tuple[int, int]]] = {}
    for i in range(len(words)):
        for j in range(i + 1, min(len(words), i + 4) + 1):
            spans.setdefault("".join(words[i:j]), []).append((i, j))
    found: dict[int, list[tuple[int, int]]] = {}
    keys: dict[int, str] = {}
    for n, place in enumerate(places):
        keys[n] = "".join(name_words(_place_field(place, "name").split(" (", 1)[0]))
        if keys[n] in spans:
            found[n] = spans[keys[n]]
    named = {
        n
        for n, at in found.items()
        if any(
            not any(m != n and a <= i and j <= b and (b - a) > (j - i) for m, other in found.items() for a, b in other)
            for i, j in at
        )
    }
    if named:
        wider = [
            "".join(name_words(m.text))
            for m in address_parse(text).mentions
            if m.kind not in ("kelurahan", "kecamatan", "kota")
        ]
        named = {n for n in named if not any(keys[n] in w and keys[n] != w for w in wider)}
    return named


def _address_fit(*parts: str) -> str:
    """The place texts joined, the latest kept whole where they exceed a report's address: the earliest give way."""
    # cut at a word: a number cut in two would pass the redaction door as a fragment (``sigap.core.clip``)
    return clip_end(", ".join(p for p in parts if p), ADDRESS_MAX)


def _answer_which_place(data: dict, text: str, reporter_ref: str = "") -> None:
    """A reply to "which place?" (the offered kelurahan, numbered). Its number, also in words, or one option's name
    (the words written with it kept in the address) chooses that option; a rejected option ("bukan kampung melayu",
    "jangan yang 1") leaves the others to choose from; "none of them" asks for the place anew; anything else is read
    by ``_place_more``."""
    places = data["places"]
    earlier = data.get("address", "")
    number = _number_in_words(text)
    words = set(_folded_words(text))
    if number is not None and 1 <= number <= len(places) and not words & _NEGATIONS:
        _place_chosen(data, places[number - 1], earlier)
        return
    if _none_of_them(text):
        data["places"] = []  # asked again for the place, in words or as a shared location
        return
    named = _options_named(text, places)
    if words & _NEGATIONS:
        rejected = named | {n - 1 for n in _numbers_in(words) if 1 <= n <= len(places)}
        left = [p for i, p in enumerate(places) if i not in rejected]
        if rejected and left:
            data["places"], data["places_again"] = left, True
            return
        if rejected:
            data["places"] = []
            return
    elif len(named) == 1:
        _place_chosen(data, places[named.pop()], earlier, text)
        return
    _place_more(data, text, reporter_ref)


def _place_chosen(data: dict, place: dict, earlier: str, more: str = "") -> None:
    data["location"] = [place["lat"], place["lon"]]
    # what the resident wrote of the place (the gang, the RT, the landmark); the kelurahan chosen is the report's
    # own, shown beside it. Not its label: the address passes the redaction door as the resident's words, and a
    # word of the reporter's name that is also the kelurahan's ("Kartini") would be cut from it, beside the
    # kelurahan's name on the same page (found by a review)
    data["address"] = _address_fit(earlier, more)
    data["places"] = []


def _place_more(data: dict, text: str, reporter_ref: str = "") -> None:
    """A reply to "which place?" that chooses none of the options: read with what was written of the place before
    (more of where: "jatinegara" after "kampung pulo"), then alone (another place outright). Placed when either is
    sure; a new, narrower choice when the reply changed it; otherwise the reply was about the problem, which it
    joins, and the same choice is asked again (at most ``MAX_PICK_ASKED`` times, then the place is asked anew)."""
    earlier = data.get("address", "")
    before = [_place_field(p, "code") for p in data["places"]]
    # read whole, kept as an address holds it
    together = f"{earlier}, {text}" if earlier else text

    readings = [
        (_address_fit(earlier, text), place_by_officers_copy(together, reporter_ref=reporter_ref)),
        (_address_fit(text), place_by_officers_copy(text, reporter_ref=reporter_ref)),
    ]
    for written, decision in readings:
        if decision.placed:
            _place_taken(data, decision, written)
            return
    for written, decision in readings:
        if decision.ask and [m.code for m in decision.ask] != before:
            _place_taken(data, decision, written)
            data["places_again"], data["pick_asked"] = True, 0
            return
    data["texts"].append(text)
    if data.get("pick_asked", 0) >= MAX_PICK_ASKED:
        data["places"] = []
    else:
        data["places_again"] = True


def dialog_place(
    data: dict,
    text: str,
    quiet: bool = False,
    as_address: bool = True,
    *,
    reporter_ref: str = "",
    identity: dict | None = None,
) -> None:
    """Place the report from text when the address parser is sure; offer the candidates when it is not
    (adapters call it too: the SMS keyword format names the place). ``as_address``: the text is what the resident
    wrote of the place, kept as the report's address (not when it is the description that happens to name it).
    Placed by the officers' copy of the text (``placing``, with the sender's ``reporter_ref`` or ``identity``): a
    name the door takes out of it ("a.n. Wijaya Kusuma") never places the report in the kelurahan of that name."""
    decision = place_by_officers_copy(text, reporter_ref=reporter_ref, identity=identity, as_address=as_address)
    _place_taken(data, decision, text if as_address else "", offer=not quiet)


def _place_taken(data: dict, decision, written: str, *, offer: bool = True) -> None:
    """What a place decision gives the dialog, with ``written`` as the report's address: the point where it is
    sure, else (``offer``) the best candidates to choose from."""
    if decision.placed:
        data["location"] = [decision.placed.lat, decision.placed.lon]
        data["address"] = written
        data["places"] = []
    elif offer and decision.ask:
        data["places"] = [{"code": m.code, "name": m.label, "lat": m.lat, "lon": m.lon} for m in decision.ask]
        data["address"] = written


def _advance(conv: Conversation, data: dict, inbound: Inbound):
    if not data["texts"]:
        conv.step = "description"
        dialog_say(conv, "ask_description")
        return None
    if not data["location"]:
        if data.get("places") and (conv.step != "location_pick" or data.pop("places_again", False)):
            conv.step = "location_pick"
            data["pick_asked"] = data.get("pick_asked", 0) + 1
            options = ", ".join(f"{i} {_place_field(p, 'name')}" for i, p in enumerate(data["places"], 1))
            dialog_say(conv, "ask_location_pick", options=options)
            return None
        again = conv.step in ("location", "location_pick")
        conv.step = "location"
        dialog_say(conv, "ask_location_again" if again else "ask_location")
        return None
    if not data.get("category_confirmed"):
        reply = data.pop("category_reply", None) if conv.step == "category" else None
        if reply in ("yes", "pick"):
            data["category_confirmed"] = True
        else:
            if reply != "no":  # first time, or more text told: guess from everything told so far
                guesses = _guess_categories(" ".join(data["texts"]))
                data["candidates"] = [code for code, _score in guesses]
                data["category"] = data["candidates"][0] if data["candidates"] else "lainnya"
            names = dict(Category.objects.filter(code__in=data["candidates"]).values_list("code", "name"))
            conv.step = "category"
            options = ", ".join(f"{i} {names.get(c, c)}" for i, c in enumerate(data["candidates"], 1))
            if reply == "no":
                dialog_say(conv, "ask_category_pick", options=options)
            else:
                category = names.get(data["category"], data["category"])
                dialog_say(conv, "ask_category", category=category, options=options)
            return None
    if not data.get("privacy"):
        conv.step = "privacy"
        dialog_say(conv, "ask_privacy")
        return None
    return _file(conv, data)


def contacts_for_redaction(identity: dict) -> dict:
    """The sender's address on the channel (number, email or handle) and user name there, for the redaction of
    what they wrote (an anonymous report keeps none of it; another keeps them in its own vault record)."""
    return {key: identity[key] for key in ("phone", "email", "handle", "username") if identity.get(key)}


def _file(conv: Conversation, data: dict):
    from .public_mentions import photos_readable
    from .services import Reporter, Submission, report_submit

    identity = vault.identity_for_reveal(conv.identity_ref) or {}
    anonymous = data["privacy"] == Privacy.ANONYMOUS
    photos = [(p["name"], vault.blob_read(p["ref"]) or b"") for p in data["photos"]]
    # each checked on its own: one that is no photo we can read is left out, not every photo of the dialog with it
    # (a fault-injection review: one refused the report's photos, and the good ones could not be sent again)
    usable = photos_readable([p for p in photos if p[1]])
    unreadable = len(photos) - len(usable)
    sub = Submission(
        category=data["category"],
        description="\n".join(data["texts"]),
        lat=data["location"][0],
        lon=data["location"][1],
        channel=conv.channel,
        address=data.get("address", ""),
        privacy=data["privacy"],
        reporter=None if anonymous else Reporter(name=identity.get("name", ""), phone=identity.get("phone", "")),
        photos=usable,
        notify_received=False,
        known_names=(identity.get("name", ""),) if anonymous and identity.get("name") else (),
        known_contacts=contacts_for_redaction(identity),
        language=conv.language,
    )
    try:
        with transaction.atomic():
            result = report_submit(sub)
    except DomainError as exc:
        # back to the step whose answer can repair it: a refusal left as it was refused every later message too
        reason = exc.message_en if conv.language == "en" else exc.message_id
        if exc.field == "photos" and data["photos"]:
            for photo in data["photos"]:
                vault.blob_destroy(photo["ref"])
            data["photos"] = []
            dialog_say(conv, "photos_dropped", reason=reason)
            return _file(conv, data)  # once: no photo is left to refuse
        if exc.code in ("outside_area", "invalid_coordinates") or exc.field == "address":
            conv.step, data["location"] = "location", None
            if exc.field == "address":
                data["address"] = ""
        elif exc.field == "description":
            conv.step = "description"  # what they write next is added (too short) or is the whole story (too long)
            if exc.code == "description_too_long":
                data["texts"] = []
        dialog_say(conv, "refused", reason=reason)
        return None
    report = result.report
    if not anonymous:
        # the report's own identity record gets the channel address, so status updates reach this chat
        vault.identity_update(
            report.reporter_ref,
            **{k: v for k, v in identity.items() if k in ("handle", "phone", "username")},
            channel=conv.channel,
        )
    conv.report = report
    conv.state = Conversation.State.FILED
    conv.step = "done"
    if anonymous:
        dialog_say(conv, "filed_anon", number=report.number, code=result.tracking_code, secret=result.secret)
        # nothing left to find this sender's dialogs by: kept, the key tied the Anonim report to the same sender's
        # other reports, whose identity a privacy officer can reveal (later answers go by tracking code and secret)
        conv.sender_hash = ""
    else:
        dialog_say(conv, "filed", number=report.number, unit=report.unit.name, code=result.tracking_code)
    if unreadable:
        dialog_say(conv, "photos_some_dropped", count=unreadable)
    for p in data["photos"]:
        vault.blob_destroy(p["ref"])
    # The report holds what was told now, redacted; the dialog keeps none of it as written (its blob outlived filing
    # and retention, an Anonim report's words included, found by a review): only the dialog's own state stays.
    for key, empty in (("texts", []), ("photos", []), ("places", []), ("address", ""), ("location", None)):
        data[key] = empty
    return report
