"""Email: raw RFC 822 messages from a mail gateway (webhook) or an IMAP mailbox (``sigap imap poll``).

Inbound: ``POST /channels/email/webhook`` with ``Content-Type: message/rfc822`` (the message exactly as
received), authenticated by ``X-Sigap-Signature: sha256=<hex HMAC-SHA256(inbound_secret, raw body)>``.
Parsed with the standard ``email`` package (``policy.default``): the text/plain body (or the text of the
HTML body) without quoted replies and signature, image parts as photos (carried inline as
``{"data_b64", "name"}``; ``fetch_media`` decodes them), ``Message-ID`` as the idempotency key (stored only
as a hash), ``In-Reply-To``/``References`` for threading. Auto-replies (``Auto-Submitted`` other than
``no``, ``X-Autoreply``, ``Precedence: bulk/auto_reply/list/junk``, ``List-Id``, "Out of Office"
subjects) and bounces/receipts (``multipart/report``, ``message/delivery-status``, ``MAILER-DAEMON``,
``postmaster``, an empty ``Return-Path``) are acknowledged and ignored.

The email dialog (emails are slow, so at most one question), built on the dialog engine of
``sigap.intake.conversations`` (conversation record, encrypted state, bilingual messages):
* a new email whose text names a kelurahan (or carries coordinates / a map link) is filed at once, Private;
* otherwise ONE reply asks for the location and the privacy choice together; whatever the resident
  answers is filed (no usable location: the triage desk places it); no answer within
  ``SIGAP_CONVERSATION_HOURS``: ``sigap imap sweep`` (also run by ``sigap imap poll``) files it anyway;
* a reply to one of our emails about a filed report is the answer to an officer's question when the
  report waits for the reporter, else it gets a short note that replies are not read.

Outbound (the relay hands every email notification to ``send``): our Message-IDs are
``<sigap.{c<conversation>|r<report number>}.{nonce}.{mac}@{domain}>``, recognisable and unforgeable, so a
reply finds its dialog or report; mails carry ``In-Reply-To``/``References`` of the resident's message and
``Auto-Submitted`` (RFC 3834) so auto-responders do not answer them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import logging
import re
import secrets
from datetime import timedelta
from email import policy
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.parser import BytesParser
from email.utils import collapse_rfc2231_value, parseaddr
from html.parser import HTMLParser

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from sigap.core.envflags import flag_value
from sigap.core.errors import DomainError
from sigap.privacy import vault

from ..conversations import (
    contacts_for_redaction,
    dialog_create,
    dialog_load,
    dialog_save,
    dialog_say,
    language_guess,
    sender_keys,
)
from ..placing import placing_text
from ..public_mentions import (
    IGNORED,
    PROCESSED,
    Handled,
    HandledWebhookMixin,
    inbound_accept_handled,
    photos_readable,
    place_from_text,
)
from .base import Adapter, Inbound, hmac_hex, malformed

log = logging.getLogger(__name__)

REPLY_PREFIX = re.compile(r"^\s*((re|aw|sv|antw|balas|fw|fwd|tr)\s*(\[\d+\])?\s*:\s*)+", re.I)
OUR_ID = re.compile(r"<sigap\.([cr])([A-Za-z0-9]{1,40})\.([0-9a-f]{12})\.([0-9a-f]{16})@[^<>\s]+>")
MSG_ID = re.compile(r"<[^<>\s]+>")
COORDS = re.compile(r"(-?\d{1,2}\.\d{3,})\s*,\s*(-?\d{2,3}\.\d{3,})")
PRIVACY_WORD = r"(1|2|3|privat|private|rahasia|publik|public|anonim|anonymous)"
PRIVACY_LABELLED = re.compile(rf"^\s*(?:\d[.)]\s*)?(?:privasi|privacy)\s*[:=\-]?\s*{PRIVACY_WORD}\b", re.I | re.M)
PRIVACY_BARE = re.compile(rf"^\s*{PRIVACY_WORD}\s*[.!]?\s*$", re.I | re.M)
AUTO_SUBJECT = re.compile(
    r"^\s*(out of (the )?office|automatic reply|auto[- ]?reply|autoreply|balasan otomatis|"
    r"sedang cuti|delivery status notification|undeliverable|undelivered mail)",
    re.I,
)
# The line naming a quoted mail's writer, over up to three lines as Gmail wraps a long one: "On … wrote:", "Pada …
# menulis:", or "<name> <address> wrote:" without them (Thunderbird's short form and other mailers'), which is one when
# it names an address or quoted lines follow it
ATTRIBUTION = re.compile(r"(wrote|menulis|a écrit|schrieb|escribió|ha scritto|schreef)\s*:\s*$", re.I)
ANGLE_ADDRESS = re.compile(r"<\s*[^<>\s@]+@[^<>\s]+\s*>?")
QUOTE_CUT = re.compile(
    r"^\s*(-{2,}\s*(original message|pesan asli|forwarded message|pesan terusan)\s*-{2,}|_{10,})\s*$", re.I
)
QUOTE_FROM = re.compile(r"^\s*\*?(from|dari)\s*:\*?\s*\S", re.I)  # Outlook's quoted header block: From: / Sent:
QUOTE_FROM_NEXT = re.compile(
    r"^\s*\*?(sent|date|dikirim|terkirim|tanggal|to|kepada|subject|subjek|perihal|cc|tembusan)\s*:", re.I
)

T = {
    "ask_description": (
        "Terima kasih, email Anda sudah kami terima, tetapi belum berisi uraian masalah. Balas email ini dengan "
        "apa masalahnya dan di mana (nama jalan dan kelurahan).",
        "Thank you, we received your email but it does not describe a problem yet. Reply with what the problem "
        "is and where (street and kelurahan).",
    ),
    "ask_details": (
        "Terima kasih, laporan Anda sudah kami terima. Agar dapat diteruskan ke kelurahan yang tepat, balas email "
        "ini dengan:\n1. Lokasi: nama jalan dan kelurahan, atau tautan Google Maps / koordinat.\n2. Privasi, "
        "pada satu baris tersendiri: 1 Privat/Rahasia (disarankan; dipakai bila Anda tidak memilih), 2 Publik "
        "(isi tampil di peta publik tanpa identitas), 3 Anonim (tidak ada data Anda yang disimpan).\nFoto boleh "
        "dilampirkan. Bila dalam {hours} jam belum ada balasan, laporan tetap kami catat sebagai Privat dan "
        "petugas triase menentukan lokasinya.",
        "Thank you, we received your report. So that it reaches the right kelurahan, please reply with:\n"
        "1. Location: street and kelurahan, or a Google Maps link / coordinates.\n2. Privacy, on a line of its "
        "own: 1 Private (recommended; used if you do not choose), 2 Public (shown on the public map without your "
        "identity), 3 Anonymous (nothing about you is stored).\nPhotos are welcome. If we have no answer within "
        "{hours} hours we still file it as Private and the triage desk places it.",
    ),
    "filed": (
        "Laporan Anda diterima dengan nomor {number} dan diteruskan ke {unit}. Kode lacak: {code}. Privasi: "
        "{privacy}.{note} Kami kabari perkembangannya lewat email ini.",
        "Your report was received as {number} and passed to {unit}. Tracking code: {code}. Privacy: "
        "{privacy}.{note} We will keep you posted by email.",
    ),
    "filed_anon": (
        "Laporan anonim Anda diterima dengan nomor {number}. Kode lacak: {code}, kode rahasia: {secret}.{note} "
        "Simpan keduanya: kami tidak menyimpan data Anda dan tidak akan mengirim email lagi.",
        "Your anonymous report was received as {number}. Tracking code: {code}, secret: {secret}.{note} Keep both: "
        "we store nothing about you and will not email you again.",
    ),
    "followup": (
        "Laporan {number} sedang ditangani (status: {status}). Balasan atas email kami tidak dibaca petugas, "
        "kecuali petugas meminta informasi tambahan. Untuk melaporkan masalah lain, kirim email baru (bukan balasan).",
        "Report {number} is being handled (status: {status}). Replies to our emails are not read by officers "
        "unless they asked you something. To report another problem, send a new email (not a reply).",
    ),
    "answer_received": (
        "Terima kasih, jawaban Anda untuk laporan {number} sudah kami teruskan ke petugas.",
        "Thank you, your answer about report {number} has been passed to the officers.",
    ),
    "answer_photos_left_out": (
        "Terima kasih, jawaban Anda untuk laporan {number} sudah kami teruskan ke petugas. Fotonya tidak kami "
        "simpan: satu laporan paling banyak {max} foto.",
        "Thank you, your answer about report {number} has been passed to the officers. Its photos were not kept: "
        "a report takes at most {max} photos.",
    ),
    "photos_left_out": (
        "Foto Anda untuk laporan {number} tidak kami simpan: satu laporan paling banyak {max} foto. Balas dengan "
        "kata-kata jika ada yang ingin Anda sampaikan.",
        "Your photos for report {number} were not kept: a report takes at most {max} photos. Reply in words if "
        "there is something you want to tell us.",
    ),
}
PRIVACY_LABEL = {
    "private": ("Privat/Rahasia", "Private"),
    "public": ("Publik", "Public"),
    "anonymous": ("Anonim", "Anonymous"),
}
PUBLIC_REFUSED_NOTE = (
    " Kategori laporan ini sensitif, sehingga laporan dibuat Privat, bukan Publik.",
    " This category is sensitive, so the report is Private, not Public.",
)


# --- parsing --------------------------------------------------------------------------------


class _HtmlText(HTMLParser):
    BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "blockquote", "table"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.quote = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head"):
            self.skip += 1
        if tag == "blockquote":
            self.quote += 1  # a quoted earlier message
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head") and self.skip:
            self.skip -= 1
        if tag == "blockquote" and self.quote:
            self.quote -= 1
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip and not self.quote:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    parser = _HtmlText()
    parser.feed(markup or "")
    parser.close()
    text = html.unescape("".join(parser.parts))
    return re.sub(r"\n\s*\n+", "\n\n", re.sub(r"[ \t\xa0]+", " ", text)).strip()


def reply_strip(text: str) -> str:
    """The new part of an email: without quoted earlier messages and the signature."""
    lines = (text or "").replace("\r\n", "\n").split("\n")
    out = []
    for i, line in enumerate(lines):
        if line.rstrip() == "--" or line.startswith("-- "):
            break  # signature delimiter (RFC 3676)
        if _attribution(lines, i):
            break
        if QUOTE_CUT.match(line):
            break
        if QUOTE_FROM.match(line) and i + 1 < len(lines) and QUOTE_FROM_NEXT.match(lines[i + 1]):
            break
        if line.lstrip().startswith(">"):
            continue
        out.append(line)
    return "\n".join(out).strip()


def _attribution(lines: list[str], i: int) -> bool:
    """Whether ``lines[i]`` opens a quoted mail's attribution line, wrapped over up to three lines (found by a review:
    the quote's lines went, the line naming its writer stayed)."""
    first = lines[i]
    opens = re.match(r"^\s*(on|pada|le|am)\b", first, re.I) is not None
    for n in (1, 2, 3):
        window = lines[i : i + n]
        if len(window) < n or not window[-1].strip():
            return False  # an attribution is wrapped, never broken by a blank line
        joined = " ".join(window)
        if not ATTRIBUTION.search(joined):
            continue
        if n > 1 and not (opens or "<" in first):
            return False  # a sentence that happens to end two lines later in "menulis:"
        after = next((line for line in lines[i + n :] if line.strip()), "")
        # an address in angle brackets names the quoted writer ("Siti <siti@…> wrote:"); a resident's own line with
        # an address in it ("… email ke pengaduan@dki.go.id dan petugasnya menulis:") is not one (found by a review)
        return opens or ANGLE_ADDRESS.search(joined) is not None or after.lstrip().startswith(">")
    return False


def _ids(value: str) -> list[str]:
    return MSG_ID.findall(value or "")


def message_key(message_id: str, raw: bytes, sender: str = "") -> str:
    """The idempotency key: a hash of the sender's address and the Message-ID (the id itself can name the sender's
    host), without its comments and folding, which are not part of the id (RFC 5322: a relay's comment made a
    redelivered mail a second report, found by a review): its one ``<…>`` when it has exactly one left, else the
    whole header so cleaned (two ids, or a bracket inside a comment, must not make two mails one), or the message
    itself. The sender is part of it because an id is chosen by whoever sends: someone who learned a resident's
    next id could otherwise send it first and have the resident's mail dropped as a redelivery. What the mail says
    is not (a relay's footer, a gateway's subject tag or re-wrapped lines made a redelivery a second report: a
    review); a From forged along with the id is what the city's mail server's verdict catches (``email_inbound``)."""
    cleaned = " ".join(_without_comments(message_id).split())
    ids = _ids(cleaned)
    text = ids[0] if len(ids) == 1 else cleaned
    basis = text.lower().encode() if text else raw
    return "mid:" + hashlib.sha256(b"sigap-email:" + sender.lower().encode() + b"\n" + basis).hexdigest()[:56]


_COMMENT = re.compile(r"\((?:[^()\\]|\\.)*\)")


def _without_comments(value: str) -> str:
    """A header's text without its RFC 5322 comments (nested ones too, a quoted pair inside kept from closing one)."""
    value = value or ""
    for _ in range(20):  # the innermost comments each time; nesting deeper than this is left as text
        stripped = _COMMENT.sub(" ", value)
        if stripped == value:
            break
        value = stripped
    return value


def ignore_reason(msg, sender: str) -> str:
    """Why a message is not a resident's report (a forged From, auto-reply, bounce), or "". The forgery verdict
    comes first: a forged mail is keyed apart (``email_inbound``), and a sender's own auto-reply header must not
    hide the verdict (a forged mail marked ``Auto-Submitted`` took the key of the resident's mail: a review)."""
    if sender_forged(msg, settings.SIGAP_CHANNELS.get("email", {}).get("authserv_id", "")):
        return "unauthenticated"
    auto = str(msg.get("Auto-Submitted", "")).strip().lower()
    if auto and auto != "no":
        return "auto_reply"
    if msg.get("X-Autoreply") or msg.get("X-Autorespond") or msg.get("X-Auto-Reply"):
        return "auto_reply"
    if str(msg.get("Precedence", "")).strip().lower() in ("bulk", "auto_reply", "list", "junk"):
        return "auto_reply"
    if msg.get("List-Id") or msg.get("List-Unsubscribe"):
        return "list"
    if AUTO_SUBJECT.match(str(msg.get("Subject", ""))):
        return "auto_reply"
    if msg.get_content_type() == "multipart/report":
        return "bounce"
    if any(
        part.get_content_type()
        in ("message/delivery-status", "message/disposition-notification", "message/feedback-report")
        for part in msg.walk()
    ):
        return "bounce"
    local = sender.split("@", 1)[0].lower()
    if local in ("mailer-daemon", "postmaster", "mail-daemon", "noreply-dmarc-support"):
        return "bounce"
    return_path = msg.get("Return-Path")
    if return_path is not None and str(return_path).strip() in ("<>", ""):
        return "bounce"
    return ""


_AUTH_COMMENT = re.compile(r"\([^()]*\)")
_AUTH_RESULT = re.compile(r"\s*([a-z0-9_-]+)\s*=\s*([a-z]+)", re.I)


def sender_forged(msg, authserv_id: str) -> bool:
    """Whether the city's own mail server found the From address forged, by the Authentication-Results header
    (RFC 8601) it wrote: DMARC failed, or, with no DMARC verdict, SPF failed and no DKIM signature passed.

    Only the topmost header naming ``authserv_id`` counts: a server adds its own above the ones a message
    arrived with, so one lower down (or naming another server) is the sender's own claim. Without the setting
    nothing is judged. A dialog never continues on the From address alone in any case (``thread_target``); this
    keeps a forged From from opening a report in someone else's name."""
    if not authserv_id:
        return False
    for header in msg.get_all("Authentication-Results") or []:
        fields = [f.strip() for f in _AUTH_COMMENT.sub(" ", str(header)).split(";")]
        if not fields[0] or fields[0].split()[0].lower() != authserv_id.lower():
            continue
        results: dict[str, set[str]] = {}
        for field in fields[1:]:
            m = _AUTH_RESULT.match(field)
            if m:
                results.setdefault(m.group(1).lower(), set()).add(m.group(2).lower())
        dmarc = results.get("dmarc", set())
        if "fail" in dmarc:
            return True
        if "pass" in dmarc:
            return False
        # no DMARC verdict: none (the domain publishes no policy, RFC 7489), temperror, permerror (a review
        # found "dmarc=none" let an SPF failure through)
        return "fail" in results.get("spf", set()) and "pass" not in results.get("dkim", set())
    return False


_NOT_A_BODY = (".vcf", ".vcard", ".ics", ".csv", ".html", ".htm", ".xml", ".json")


def _body_part(part, *, named: bool = False):
    """The message's own text: the first plain or HTML part, in order, that is no file, and within a
    ``multipart/alternative`` its plain form. ``get_body`` takes any inline plain part first, wherever it stands: a
    contact card or a text file sent beside an HTML body was read as the body (found by a review). A part with a
    file name counts only when no other text is there (``named``: a phone or a carrier's MMS gateway names the body
    "pesan.txt", "text_0.txt"), and never a card, a calendar or an attachment. A forwarded message attached whole
    is not this one's text."""
    if part.get_content_type() == "message/rfc822":
        return None
    if part.is_multipart():
        found = [f for f in (_body_part(p, named=named) for p in part.iter_parts()) if f is not None]
        if part.get_content_subtype() == "alternative":
            found.sort(key=lambda f: f.get_content_subtype() != "plain")
        return found[0] if found else None
    name = (part.get_filename() or collapse_rfc2231_value(part.get_param("name") or "")).lower()
    if (
        part.get_content_maintype() == "text"
        and part.get_content_subtype() in ("plain", "html")
        and part.get_content_disposition() != "attachment"
        and (not name or (named and not name.endswith(_NOT_A_BODY)))
    ):
        return part
    return None


def _body_text(msg) -> str:
    part = _body_part(msg) or _body_part(msg, named=True)
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, UnicodeError, AssertionError):
        content = (part.get_payload(decode=True) or b"").decode("utf-8", "replace")
    if not isinstance(content, str):
        content = content.decode("utf-8", "replace") if isinstance(content, bytes) else ""
    return html_to_text(content) if part.get_content_subtype() == "html" else content


def _photos(msg) -> tuple[list[dict], int]:
    """The mail's photos (at most a report's), and how many of its images were left out (too large, beyond the
    limit): the reply says so (a fault-injection review: they went without a word, the resident believing the
    officers had them)."""
    media, left_out = [], 0
    for part in msg.walk():
        if part.get_content_maintype() != "image" or part.is_multipart():
            continue
        if len(media) >= settings.SIGAP_PHOTOS_PER_REPORT:
            left_out += 1
            continue
        data = part.get_payload(decode=True) or b""
        if not data or len(data) > settings.SIGAP_MEDIA_MAX_BYTES:
            left_out += 1
            continue
        ext = {"image/png": ".png", "image/gif": ".gif", "image/webp": ".webp"}.get(part.get_content_type(), ".jpg")
        # never the attachment's own file name: "foto rumah Budi.jpg" would carry the sender's identity
        media.append(
            {
                "data_b64": base64.b64encode(data).decode(),
                "name": f"email-photo-{len(media) + 1}{ext}",
                "mime": part.get_content_type(),
            }
        )
    return media, left_out


def _comment_name(msg) -> str:
    """The sender's name written as a comment ("From: bs.1977@gmail.com (Budi Santoso)", RFC 5322), which the
    parsed header drops: read from the raw header, so that the door knows it (found by a review)."""
    for key, value in msg.raw_items():
        if key.lower() == "from":
            # raw 8-bit bytes come as lone surrogates: what cannot be read is replaced, as in a display name
            raw = str(value).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            comment = parseaddr(raw.replace("\r", " ").replace("\n", " "))[0]
            try:
                comment = str(make_header(decode_header(comment)))
            except (UnicodeError, LookupError, ValueError, HeaderParseError):
                pass  # a broken encoded word: kept as written (a review's crafted header answered 500)
            return comment.encode("utf-8", "replace").decode("utf-8").strip()
    return ""


def email_inbound(raw: bytes) -> Inbound:
    """One RFC 822 message as an ``Inbound`` (raise ``WebhookRefused`` 400 if it is not one)."""
    try:
        msg = BytesParser(policy=policy.default).parsebytes(raw)
        name, sender = parseaddr(str(msg.get("From", "")))
        if not name.strip():
            name = _comment_name(msg)
        sender = sender.strip().lower()
        if "@" not in sender or not msg.keys():
            raise malformed("email", "no From address")
        message_id = str(msg.get("Message-ID", "")).strip()
        subject = re.sub(r"\s+", " ", str(msg.get("Subject", ""))).strip()
        references = _ids(str(msg.get("References", "")))
        in_reply_to = _ids(str(msg.get("In-Reply-To", "")))
        reason = ignore_reason(msg, sender)
        body = "" if reason else reply_strip(_body_text(msg))
        media, left_out = ([], 0) if reason else _photos(msg)
        inbound = Inbound(
            channel="email",
            # a mail the city's server found forged is keyed apart: it cannot take the key of the genuine mail
            # from that address with that id, which then arrives as a redelivery of it (a review)
            message_id=message_key(message_id, raw, ("forged:" if reason == "unauthenticated" else "") + sender),
            sender=sender,
            sender_name=name.strip(),
            text=body,
            media=media,
            reply_to=in_reply_to[0] if in_reply_to else "",
            extra={
                "subject": subject,
                "message_id": message_id,
                "references": references,
                "ignore": reason,
                "photos_left_out": left_out,
            },
        )
    # RecursionError: MIME parts nested deeper than the parser recurses (no mail client nests more than a few)
    except (TypeError, ValueError, LookupError, IndexError, AttributeError, RecursionError) as exc:
        raise malformed("email", type(exc).__name__) from None
    inbound.language = language_guess(f"{subject} {inbound.text}")
    return inbound


# --- recognising our own Message-IDs ----------------------------------------------------------


def _mac(token: str) -> str:
    key = hashlib.sha256(b"sigap-email-message-id:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()[:16]


def our_message_id(kind: str, value: str, domain: str) -> str:
    nonce = secrets.token_hex(6)
    return f"<sigap.{kind}{value}.{nonce}.{_mac(f'{kind}{value}.{nonce}')}@{domain}>"


def thread_target(inbound: Inbound) -> tuple[str, str] | None:
    """("c", conversation pk) or ("r", report number) of the most recent of our messages this one answers."""
    candidates = ([inbound.reply_to] if inbound.reply_to else []) + list(reversed(inbound.extra.get("references", [])))
    for candidate in candidates:
        match = OUR_ID.fullmatch(candidate.strip())
        if match and hmac.compare_digest(match.group(4), _mac(f"{match.group(1)}{match.group(2)}.{match.group(3)}")):
            return match.group(1), match.group(2)
    return None


# --- the email dialog ---------------------------------------------------------------------------


# The email flow is built on the dialog engine (``sigap.intake.conversations``: the conversation record, its
# encrypted state, the bilingual messages); only its steps are its own.
EMPTY = {"texts": [], "photos": [], "location": None, "address": "", "privacy": None}


def _wait() -> timedelta:
    return timedelta(hours=settings.SIGAP_CONVERSATION_HOURS)


def _dialog_pk(reply_context: str) -> bool:
    """Whether a reply context names an email dialog (``email:c<pk>``, what our mails of a dialog carry)."""
    return reply_context.startswith("email:c") and reply_context[7:].isdigit()


def _dialogs(rows: list[tuple[str, str]]) -> list:
    """The email dialog each mail of ``rows`` (``(reply_context, number)`` each) threads to, or None: the dialog
    its context names (``email:c<pk>``), else the newest email dialog of its report. At most two statements."""
    from ..models import Conversation

    by_pk = {ctx: int(ctx[7:]) for ctx, _number in rows if _dialog_pk(ctx)}
    numbers = {number for ctx, number in rows if number and not _dialog_pk(ctx)}
    by_number: dict[str, int] = {}
    if numbers:
        found = Conversation.objects.filter(channel="email", report__number__in=numbers).order_by("pk")
        by_number = dict(found.values_list("report__number", "pk"))  # the newest dialog of each report
    wanted = [*by_pk.values(), *by_number.values()]
    convs = Conversation.objects.filter(channel="email").in_bulk(wanted) if wanted else {}
    return [convs.get(by_pk.get(ctx) if _dialog_pk(ctx) else by_number.get(number)) for ctx, number in rows]


def _load(conv) -> dict:
    return dialog_load(conv, EMPTY)


def _say(conv, key: str, **fmt) -> None:
    # our mails carry the conversation in their Message-ID (``send``), so a reply finds its dialog
    dialog_say(conv, key, T, reply_context=f"email:c{conv.pk}", **fmt)


def _location(text: str, reporter_ref: str = "") -> tuple[float, float, str] | None:
    """Coordinates as written, else a place the officers' copy of the mail names (``placing``: never the sender's
    own name)."""
    for lat, lon in COORDS.findall(text or ""):
        lat_f, lon_f = float(lat), float(lon)
        if -11.5 <= lat_f <= 6.5 and 94.0 <= lon_f <= 142.0:  # inside Indonesia
            return lat_f, lon_f, ""
    return place_from_text(placing_text(text or "", reporter_ref=reporter_ref))


def _privacy(text: str) -> str | None:
    from sigap.reports.models import Privacy

    words = {
        "1": Privacy.PRIVATE,
        "privat": Privacy.PRIVATE,
        "private": Privacy.PRIVATE,
        "rahasia": Privacy.PRIVATE,
        "2": Privacy.PUBLIC,
        "publik": Privacy.PUBLIC,
        "public": Privacy.PUBLIC,
        "3": Privacy.ANONYMOUS,
        "anonim": Privacy.ANONYMOUS,
        "anonymous": Privacy.ANONYMOUS,
    }
    found = {words[m.lower()] for m in PRIVACY_LABELLED.findall(text or "") + PRIVACY_BARE.findall(text or "")}
    # conservative: only one clear choice counts; anything ambiguous stays Private (the safe default)
    return found.pop() if len(found) == 1 else None


def _absorb(conv, data: dict, inbound: Inbound, *, first: bool) -> None:
    """Take what one email adds: text (the subject of a new email too), photos, place, privacy choice."""
    subject = REPLY_PREFIX.sub("", inbound.extra.get("subject", "")).strip()
    text = inbound.text.strip()
    if first:
        data["subject"] = inbound.extra.get("subject", "")[:200]
        if subject and subject.lower() not in text.lower()[: len(subject) + 20]:
            text = f"{subject}\n{text}".strip()
    choice = _privacy(text) if not first else None
    if choice:
        data["privacy"] = choice
        text = PRIVACY_LABELLED.sub("", PRIVACY_BARE.sub("", text)).strip()
    if text:
        data["texts"].append(text)
        if not data.get("location"):
            place = _location(text, conv.identity_ref)
            if place:
                data["location"] = [place[0], place[1]]
                # the place's name when the text named it; never the mail itself, which is the description: an
                # address is read by the door as place text, where a kelurahan's name that is also the reporter's is
                # kept (a sign-off "Wijaya Kusuma" was cut from the description and kept here, found by a review)
                data["address"] = place[2]
    for media in inbound.media:
        name, raw = EmailAdapter.media_decode(media)
        data["photos"].append({"name": name, "ref": vault.blob_store(raw)})
    data["photos_left_out"] = data.get("photos_left_out", 0) + int(inbound.extra.get("photos_left_out") or 0)
    data["last_message_id"] = inbound.extra.get("message_id", "")


def _file(conv, data: dict):
    """File the report with what the resident gave (no location: the triage desk places it)."""
    from sigap.reports.models import Privacy

    from ..services import Reporter, Submission, report_submit

    identity = vault.identity_for_reveal(conv.identity_ref) or {}
    privacy = data.get("privacy") or Privacy.PRIVATE
    anonymous = privacy == Privacy.ANONYMOUS
    photos = photos_readable([(p["name"], vault.blob_read(p["ref"]) or b"") for p in data["photos"]])
    left_out = data.get("photos_left_out", 0) + len(data["photos"]) - len(photos)
    location = data.get("location")
    sub = Submission(
        category="",
        description="\n".join(data["texts"])[:5000],
        lat=location[0] if location else None,
        lon=location[1] if location else None,
        channel="email",
        address=data.get("address", "") if location else "",
        privacy=privacy,
        reporter=None if anonymous else Reporter(name=identity.get("name", ""), email=identity.get("email", "")),
        photos=photos,
        notify_received=False,
        allow_no_location=True,
        known_names=(identity.get("name", ""),) if anonymous and identity.get("name") else (),
        known_contacts=contacts_for_redaction(identity) if anonymous else {},
        language=conv.language,
    )
    note = ("", "")
    try:
        with transaction.atomic():
            result = report_submit(sub)
    except DomainError as exc:
        if exc.code == "sensitive_not_public":
            sub.privacy, note = Privacy.PRIVATE, PUBLIC_REFUSED_NOTE
        elif exc.code in ("outside_area", "invalid_coordinates", "no_tupoksi"):
            sub.lat = sub.lon = None
            sub.address = ""
        else:
            raise
        result = report_submit(sub)
    report = result.report
    photos_note = (
        f" {left_out} foto tidak ikut (bukan foto yang dapat kami baca, terlalu besar, atau lebih dari "
        f"{settings.SIGAP_PHOTOS_PER_REPORT} foto per laporan).",
        f" {left_out} photo(s) were left out (not a photo we can read, too large, or more than "
        f"{settings.SIGAP_PHOTOS_PER_REPORT} photos a report).",
    )
    conv.report, conv.state, conv.step = report, conv.State.FILED, "done"
    for photo in data["photos"]:
        vault.blob_destroy(photo["ref"])
    data["photos"] = []
    if anonymous:
        # nothing about the resident stays: not the text, not the thread; the contact record is shredded by
        # the relay right after this last message (SHRED_RECIPIENT_AFTER)
        _say(
            conv,
            "filed_anon",
            report=report,
            number=report.number,
            code=result.tracking_code,
            secret=result.secret,
            note=photos_note if left_out else ("", ""),  # its last mail: the photos left out are said here too
        )
        vault.blob_destroy(conv.data_ref)
        conv.data_ref = ""
        conv.sender_hash = ""  # nor a key that finds this sender's other dialogs (and their reports) again
    else:
        _say(
            conv,
            "filed",
            report=report,
            number=report.number,
            unit=report.unit.name,
            code=result.tracking_code,
            privacy=PRIVACY_LABEL[sub.privacy],
            note=(note[0] + photos_note[0], note[1] + photos_note[1]) if left_out else note,
        )
        dialog_save(conv, {"subject": data.get("subject", ""), "last_message_id": data.get("last_message_id", "")})
    conv.save()
    return report


def _described(data: dict) -> bool:
    from ..services import MIN_DESCRIPTION

    return len("\n".join(data["texts"]).strip()) >= MIN_DESCRIPTION


def _continue(conv, inbound: Inbound) -> Handled:
    data = _load(conv)
    _absorb(conv, data, inbound, first=False)
    conv.expires_at = timezone.now() + _wait()
    if not _described(data):
        _say(conv, "ask_description")
        dialog_save(conv, data)
        conv.save()
        return Handled(PROCESSED)
    if conv.step == "description" and not data.get("location"):
        conv.step = "details"
        _say(conv, "ask_details", hours=int(settings.SIGAP_CONVERSATION_HOURS))
        dialog_save(conv, data)
        conv.save()
        return Handled(PROCESSED)
    return Handled(PROCESSED, _file(conv, data))


def _start(inbound: Inbound) -> Handled:
    conv = dialog_create(inbound)
    data = _load(conv)
    _absorb(conv, data, inbound, first=True)
    if not _described(data):
        conv.step = "description"
        _say(conv, "ask_description")
    elif data.get("location"):
        return Handled(PROCESSED, _file(conv, data))
    else:
        conv.step = "details"
        _say(conv, "ask_details", hours=int(settings.SIGAP_CONVERSATION_HOURS))
    dialog_save(conv, data)
    conv.save()
    return Handled(PROCESSED)


def _about_report(report, conv, inbound: Inbound) -> Handled | None:
    """A reply to one of our emails about a filed report, from that report's reporter."""
    from sigap.reports import services as report_services
    from sigap.reports.states import Status, label_en, label_id

    from ..services import reporter_answer_within_limit

    contact = vault.contact_channel(report.reporter_ref) if report.reporter_ref else None
    if contact is None or contact[0] != "email" or contact[1].strip().lower() != inbound.sender:
        return None  # not the reporter (a forward, another address): a new email
    if conv is None:
        from ..models import Conversation

        conv = Conversation.objects.filter(channel="email", report=report).first()
        if conv is None:  # a report from another channel notified by email: reply with a fresh record
            conv = dialog_create(inbound)
            conv.state, conv.report, conv.step = conv.State.FILED, report, "done"
            conv.save()
    text = inbound.text.strip()
    # an answer: to the question standing, more of one just given, or one that crossed the question's withdrawal
    taking = report.status == Status.AWAITING_REPORTER or report_services.answer_welcome(report)
    photos = _answer_photos(inbound) if taking else []
    if taking and (text or photos):
        answered, left_out = reporter_answer_within_limit(report, text, photos)
        if answered or left_out:
            key = "answer_received" if not left_out else "answer_photos_left_out" if answered else "photos_left_out"
            _say(conv, key, report=report, number=report.number, max=settings.SIGAP_PHOTOS_PER_REPORT)
    else:
        _say(
            conv,
            "followup",
            report=report,
            number=report.number,
            status=(label_id(report.status), label_en(report.status)),
        )
    data = _load(conv) if conv.data_ref else {}
    data["last_message_id"] = inbound.extra.get("message_id", "")
    dialog_save(conv, data)
    conv.save()
    return Handled(PROCESSED, report)


def _answer_photos(inbound: Inbound) -> list:
    """The attached photos of an answer (an officer may ask for one), header-checked; one that is not an image
    we take is left out, and the limit per report is the service's."""
    from ..services import photos_usable

    def decoded(media):
        try:
            return EmailAdapter.media_decode(media)
        except DomainError:
            return None

    photos, left_out = photos_usable(decoded(m) for m in inbound.media[: settings.SIGAP_PHOTOS_PER_REPORT])
    if left_out:
        log.info("email: an attached photo of an answer was refused")
    return photos


def email_handle(inbound: Inbound) -> Handled:
    """Process one stored email (called inside the transaction that stored it)."""
    from sigap.reports.models import Report

    from ..models import Conversation

    if inbound.extra.get("ignore"):
        return Handled(IGNORED, reason=inbound.extra["ignore"])
    senders = sender_keys("email", inbound.sender)
    target = thread_target(inbound)
    if target and target[0] == "c":
        conv = (
            Conversation.objects.select_for_update()
            .filter(pk=int(target[1]), channel="email", sender_hash__in=senders)
            .first()
        )
        if conv is not None and conv.state == Conversation.State.OPEN:
            return _continue(conv, inbound)
        if conv is not None and conv.report_id:
            handled = _about_report(conv.report, conv, inbound)
            if handled:
                return handled
        if conv is None and (
            Conversation.objects.filter(pk=int(target[1]), channel="email", sender_hash="")
            .exclude(report=None)
            .exists()
        ):
            # A reply ("terima kasih") to the mail of an Anonim filing, whose dialog keeps no sender: not a new
            # complaint. Filed as one, it stored the sender's address on a report that names the anonymous one.
            return Handled(IGNORED, reason="a reply to an anonymous filing's mail (its reporter uses code and secret)")
    elif target and target[0] == "r":
        report = Report.objects.filter(number=target[1]).first()
        handled = _about_report(report, None, inbound) if report else None
        if handled:
            return handled
    # Anything else is a new email, whatever its subject says. An email's From is whatever its sender typed: a
    # dialog continues only through the signed id of one of our own mails, which only its reporter received.
    # (Found by a review: a forged From with a "Re:" subject answered a resident's waiting question in their
    # place (privacy Publik, another place, text of its own), and a forged new email filed their waiting dialog
    # before they answered. A resident's own reply that lost its headers starts a new dialog; the one it meant
    # is filed by the sweep when its time is up.)
    return _start(inbound)


def _expire_or_file(conv) -> None:
    data = _load(conv)
    if _described(data):
        _file(conv, data)
        return
    conv.state = conv.State.EXPIRED
    vault.identity_destroy(conv.identity_ref)
    if conv.data_ref:
        vault.blob_destroy(conv.data_ref)
        conv.data_ref = ""
    conv.save()


def email_pending_sweep(*, now=None) -> int:
    """File the email dialogs whose resident did not answer in time (run by ``sigap imap poll`` / ``sweep``)."""
    from ..models import Conversation

    now = now or timezone.now()
    done = 0
    ids = list(
        Conversation.objects.filter(channel="email", state=Conversation.State.OPEN, expires_at__lt=now).values_list(
            "pk", flat=True
        )
    )
    for pk in ids:
        try:
            with transaction.atomic():
                conv = Conversation.objects.select_for_update().filter(pk=pk, state=Conversation.State.OPEN).first()
                if conv is not None:
                    _expire_or_file(conv)
                    done += 1
        except Exception as exc:  # noqa: BLE001 - one broken dialog does not stop the others
            log.warning("email: filing the waiting dialog %s failed (%s)", pk, type(exc).__name__)
    return done


def email_accept(raw: bytes) -> dict:
    """Store and process one raw email (the webhook and the IMAP poll both come here)."""
    return inbound_accept_handled("email", [email_inbound(raw)], email_handle)


# --- the adapter ------------------------------------------------------------------------------------


class EmailAdapter(HandledWebhookMixin, Adapter):
    name = "email"
    address_field = "email"
    required = ("inbound_secret",)

    def verify(self, request, body: bytes) -> None:
        self.signature_check(request, "X-Sigap-Signature", "sha256=" + hmac_hex(self.config["inbound_secret"], body))

    def parse(self, request, body: bytes) -> list[Inbound]:
        """Every email is processed here by the email dialog (``email_handle``), never by the chat dialog."""
        if (request.content_type or "").lower() != "message/rfc822":
            raise malformed(self.name, "the body must be message/rfc822")
        self._handled(self.name, [email_inbound(body)], email_handle)
        return []

    @staticmethod
    def media_decode(media: dict) -> tuple[str, bytes]:
        try:
            return media.get("name") or "email-photo.jpg", base64.b64decode(media["data_b64"], validate=True)
        except (KeyError, ValueError) as exc:
            raise malformed("email", f"attachment ({type(exc).__name__})") from None

    def fetch_media(self, media: dict) -> tuple[str, bytes]:
        return self.media_decode(media)

    # --- outbound -------------------------------------------------------------------------------
    def _from(self) -> str:
        return self.config.get("address") or settings.DEFAULT_FROM_EMAIL

    def _domain(self) -> str:
        domain = parseaddr(self._from())[1].rpartition("@")[2] or "sigap.invalid"
        return re.sub(r"[^A-Za-z0-9.-]", "", domain) or "sigap.invalid"

    def prefetch(self, rows: list[tuple[int, str, str]]) -> list[dict]:
        """For a batch of sends, each ``(notification_id, reply_context, number)``: the email dialog each mail is
        threaded to, read here in two statements (and the vault for the dialogs found), so that ``send`` — on the
        relay's send threads — needs no database connection of its own. Each entry is ``send``'s extra arguments."""
        convs = _dialogs([(ctx, number) for _id, ctx, number in rows])
        data: dict[int, dict] = {}
        for conv in {c.pk: c for c in convs if c is not None}.values():
            try:
                data[conv.pk] = _load(conv) if conv.data_ref else {}
            except Exception as exc:  # noqa: BLE001 - that mail alone: its send reads the dialog itself, and fails
                log.warning("email: the dialog of a batch's mail could not be read (%s)", type(exc).__name__)
        return [
            {"thread": (None, {})} if conv is None else ({"thread": (conv, data[conv.pk])} if conv.pk in data else {})
            for conv in convs  # {}: not prepared, ``send`` reads it (and fails that one mail, as before)
        ]

    def send(
        self, address: str, text: str, *, reply_context: str = "", number: str = "", thread: tuple | None = None
    ) -> str:
        """Deliver one notification by email (the relay calls this for every email, whatever the report's
        channel). Threaded to the resident's own message when there is an email dialog behind it (``thread``:
        that dialog and its data, as ``prefetch`` read them for a batch; else read here)."""
        if thread is not None:
            conv, data = thread
        else:
            [conv] = _dialogs([(reply_context, number)])
            data = _load(conv) if conv is not None and conv.data_ref else {}
        kind, value = ("c", str(conv.pk)) if conv is not None else (("r", number) if number else ("c", "0"))
        headers = {
            "Message-ID": our_message_id(kind, value, self._domain()),
            # RFC 3834: automatic mail; responders (out-of-office) must not answer it
            "Auto-Submitted": "auto-replied" if data.get("last_message_id") else "auto-generated",
            "X-Auto-Response-Suppress": "All",
        }
        if data.get("last_message_id"):
            headers["In-Reply-To"] = data["last_message_id"]
            headers["References"] = data["last_message_id"]
        elif reply_context.startswith("<"):
            headers["In-Reply-To"] = headers["References"] = reply_context
        subject = REPLY_PREFIX.sub("", data.get("subject", "")).strip()
        if subject:
            subject = f"Re: {subject}"[:200]
        else:
            subject = f"Sigap: laporan {number}" if number else "Sigap: laporan Anda"
        message = EmailMessage(subject=subject, body=text, from_email=self._from(), to=[address], headers=headers)
        message.send()
        return headers["Message-ID"]


# --- IMAP --------------------------------------------------------------------------------------------


def imap_poll(config: dict | None = None) -> dict:
    """Fetch UNSEEN messages, store and process each, and mark it \\Seen only once it is stored.

    Messages are read with ``BODY.PEEK[]`` (``FETCH RFC822`` would set \\Seen on the server as a side effect,
    RFC 3501 §6.4.5, before we have stored anything). A message that fails stays unseen for the next poll."""
    import imaplib

    config = config or settings.SIGAP_CHANNELS.get("email", {})
    host, port = config.get("imap_host"), int(config.get("imap_port") or 993)
    if not host:
        raise DomainError(
            "IMAP belum dikonfigurasi (SIGAP_EMAIL_IMAP_HOST).",
            "IMAP is not configured (SIGAP_EMAIL_IMAP_HOST).",
            code="channel_disabled",
            status=404,
        )
    use_ssl = flag_value(config.get("imap_ssl"), True)
    conn = imaplib.IMAP4_SSL(host, port, timeout=30) if use_ssl else imaplib.IMAP4(host, port, timeout=30)
    counts = {"fetched": 0, "processed": 0, "ignored": 0, "duplicate": 0, "failed": 0, "too_large": 0}
    try:
        conn.login(config.get("imap_user", ""), config.get("imap_password", ""))
        typ, _ = conn.select(config.get("imap_folder") or "INBOX")
        if typ != "OK":
            raise DomainError(
                "Folder IMAP tidak dapat dibuka.", "The IMAP folder cannot be opened.", code="imap_folder", status=502
            )
        typ, found = conn.search(None, "UNSEEN")
        for num in (found[0] or b"").split():
            typ, fetched = conn.fetch(num, "(BODY.PEEK[])")
            raw = next((part[1] for part in fetched if isinstance(part, tuple) and len(part) > 1), None)
            if typ != "OK" or raw is None:
                counts["failed"] += 1
                continue
            counts["fetched"] += 1
            if len(raw) > settings.SIGAP_WEBHOOK_MAX_BYTES:
                counts["too_large"] += 1  # left for a human in the mailbox, not fetched again
            else:
                try:
                    result = email_accept(raw)
                except DomainError as exc:
                    if exc.status >= 500:  # "try again later" (the webhook answers 503): it stays unseen
                        log.warning("imap: a message could not be taken now (%s); it stays unseen", exc.code)
                        counts["failed"] += 1
                        continue
                    log.info("imap: message refused (%s)", exc.code)  # not an email we can read: a human looks
                    counts["ignored"] += 1
                except Exception as exc:  # noqa: BLE001 - stays unseen; the next poll tries again
                    log.warning("imap: processing a message failed (%s); it stays unseen", type(exc).__name__)
                    counts["failed"] += 1
                    continue
                else:
                    for key in ("processed", "ignored", "duplicate"):
                        counts[key] += result.get(key, 0)
            conn.store(num, "+FLAGS", "(\\Seen)")
    finally:
        try:
            conn.logout()
        except Exception:  # noqa: BLE001
            pass
    return counts
