"""Request limits: what a request body may be, checked before it is read, and how much image decoding one
request may cause.

``RequestLimitsMiddleware`` (in ``sigap.core.middleware``) uses this module so that every endpoint that
takes a body (the JSON API, the portal, the console, Open311, channel webhooks) refuses bad input the same
way, with a clear 4xx and before any work is done:

* the declared ``Content-Length`` is checked first: past the limit for its kind of body the request is
  refused with 413 without a byte being read. Django's own settings do not do this:
  ``DATA_UPLOAD_MAX_MEMORY_SIZE`` counts only the non-file part of a form (and raises only once the body is
  being read), ``FILE_UPLOAD_MAX_MEMORY_SIZE`` only decides when an upload is spooled to a temporary file,
  and ``DATA_UPLOAD_MAX_NUMBER_FILES`` counts files while parsing;
* a form (multipart or urlencoded) must be UTF-8 and a multipart body must name a valid boundary: both are
  read from the ``Content-Type`` header;
* a form is then parsed once, here, so that a broken body, too many files or fields, or a file part past
  ``SIGAP_PHOTO_MAX_BYTES`` (from the part's own ``Content-Length`` header when it has one, otherwise as
  soon as that many bytes have streamed in) is refused here and not as a 500 somewhere in a view. Channel
  webhooks are never parsed here: their views verify a signature over the raw body;
* no text a person sends may hold a NUL character (U+0000): PostgreSQL refuses it in text columns, so it
  would be a 500 deep inside a write (and sink the other reports of a group-commit batch). Form fields,
  file names, query parameters and JSON strings are checked (``text_check``); webhooks are checked by the
  domain (``intake.services.submission_validate``) after their signature;
* every request gets a pixel budget (``SIGAP_PHOTO_REQUEST_PIXELS``) that ``sigap.privacy.photos`` draws from
  before it decodes an image (``pixels_spend``), so the decoding work of one request is bounded.

A refusal is answered in the shape of the endpoint: ``SIGAP_REFUSAL_RENDERERS`` maps a path prefix to a
function ``(request, error) -> HttpResponse``; anything else gets a small bilingual HTML page.

This module imports no Sigap app (``core`` is the bottom layer).
"""

from __future__ import annotations

import codecs
import contextlib
import contextvars
import json
import re
from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.files.uploadhandler import FileUploadHandler, MemoryFileUploadHandler
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string

from .errors import DomainError
from .language import in_english

FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
UTF8_NAMES = {"utf-8", "ascii"}
# The boundary Django's multipart parser accepts (RFC 2046: 1-70 characters; Django allows up to 201).
_BOUNDARY = re.compile(r"[ -~]{0,200}[!-~]")
MB = 1024 * 1024
# the shortest description a report is filed with (a client app's shorter one is prefixed with its category)
MIN_DESCRIPTION = 10
# the longest a resident may write (a report's description, an answer, a dispute); a channel's own notes after it
# (Open311's answers to a service's questions) are not counted against the resident
MAX_DESCRIPTION = 5000
# a report's address (``Report.address``): what a resident may type, and what is stored once redacted
ADDRESS_MAX = 500


class RequestRefused(DomainError):
    status = 400
    code = "bad_request"


def _mb(n: int) -> str:
    return f"{n / MB:.0f} MB" if n >= MB else f"{max(1, n // 1024)} KB"


def _mp(pixels: int) -> str:
    return f"{pixels / 1_000_000:.1f}".rstrip("0").rstrip(".") + " MP"


# --- errors -------------------------------------------------------------------------------------------


def too_large(limit: int) -> RequestRefused:
    return RequestRefused(
        f"Data yang dikirim terlalu besar (maksimum {_mb(limit)}). Kirim foto yang lebih kecil atau lebih sedikit.",
        f"The request is too large (at most {_mb(limit)}). Send smaller or fewer photos.",
        code="request_too_large",
        status=413,
    )


def photo_too_large(filename: str, field: str = "photos") -> RequestRefused:
    limit = settings.SIGAP_PHOTO_MAX_BYTES
    return RequestRefused(
        f"Foto '{filename}' terlalu besar (maksimum {_mb(limit)}).",
        f"Photo '{filename}' is too large (the limit is {_mb(limit)}).",
        code="photo_too_large",
        status=413,
        field=field or "photos",
    )


def _invalid_length() -> RequestRefused:
    return RequestRefused(
        "Header Content-Length tidak valid.",
        "The Content-Length header is not valid.",
        code="invalid_content_length",
        status=400,
    )


def _bad_charset(charset: str) -> RequestRefused:
    shown = charset[:40]
    return RequestRefused(
        f"Formulir harus dikirim dalam UTF-8, bukan '{shown}'.",
        f"Forms must be sent in UTF-8, not '{shown}'.",
        code="unsupported_charset",
        status=415,
    )


def _bad_boundary() -> RequestRefused:
    return RequestRefused(
        "Formulir tidak dapat dibaca: Content-Type multipart/form-data tanpa boundary yang valid.",
        "The form could not be read: multipart/form-data without a valid boundary.",
        code="invalid_multipart",
        status=400,
    )


def _broken_multipart() -> RequestRefused:
    return RequestRefused(
        "Formulir tidak dapat dibaca: isi multipart rusak atau terpotong.",
        "The form could not be read: the multipart body is malformed or truncated.",
        code="invalid_multipart",
        status=400,
    )


def _too_many_files() -> RequestRefused:
    n = settings.SIGAP_PHOTOS_PER_REPORT
    return RequestRefused(
        f"Terlalu banyak foto (maksimal {n}).",
        f"Too many photos (at most {n}).",
        code="too_many_photos",
        status=422,
        field="photos",
    )


def _too_many_fields() -> RequestRefused:
    return RequestRefused(
        "Formulir berisi terlalu banyak kolom.", "The form has too many fields.", code="too_many_fields", status=400
    )


def _unreadable() -> RequestRefused:
    return RequestRefused(
        "Isi permintaan tidak dapat dibaca.",
        "The request body could not be read.",
        code="unreadable_request",
        status=400,
    )


# --- header checks ------------------------------------------------------------------------------------


def _is_webhook(request: HttpRequest) -> bool:
    return request.path.startswith(settings.SIGAP_WEBHOOK_PATH_PREFIX)


def declared_length(request: HttpRequest) -> int:
    value = (request.META.get("CONTENT_LENGTH") or "").strip()
    if not value:
        return 0
    if not value.isdigit() or len(value) > 18:
        raise _invalid_length()
    return int(value)


def body_limit(request: HttpRequest) -> int:
    """The largest body this request may declare."""
    if _is_webhook(request):
        return settings.SIGAP_WEBHOOK_MAX_BYTES
    if request.content_type == "multipart/form-data":
        return settings.SIGAP_UPLOAD_MAX_BYTES
    # JSON, urlencoded forms and anything else is held in memory whole: Django's own limit for that.
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE or settings.SIGAP_UPLOAD_MAX_BYTES


def headers_check(request: HttpRequest) -> None:
    """Everything that can be refused from the request line and headers alone. Raises ``RequestRefused``."""
    limit = body_limit(request)
    if declared_length(request) > limit:
        raise too_large(limit)
    if request.content_type not in FORM_TYPES:
        return
    charset = request.content_params.get("charset")
    if charset is not None:
        try:
            name = codecs.lookup(charset.strip()).name
        except LookupError:
            name = ""
        if name not in UTF8_NAMES:
            raise _bad_charset(charset)
        request.encoding = "utf-8"  # "UTF8", "ascii": the same bytes; Django's form parser wants the exact name
    if request.content_type == "multipart/form-data":
        boundary = request.content_params.get("boundary") or ""
        if not _BOUNDARY.fullmatch(boundary):
            raise _bad_boundary()


# --- parsing ------------------------------------------------------------------------------------------


class PhotoSizeLimitHandler(FileUploadHandler):
    """First upload handler: refuses a file part past ``SIGAP_PHOTO_MAX_BYTES`` as soon as that is known."""

    def __init__(self, request=None):
        super().__init__(request)
        self.max_bytes = settings.SIGAP_PHOTO_MAX_BYTES
        self.received = 0

    def new_file(self, field_name, file_name, content_type, content_length, charset=None, content_type_extra=None):
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)
        self.received = 0
        if content_length is not None and content_length > self.max_bytes:
            raise photo_too_large(file_name or field_name, field_name)  # the field it came in (Open311: media)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            raise photo_too_large(self.file_name or self.field_name, self.field_name)
        return raw_data

    def file_complete(self, file_size):
        return None


class MemoryOnlyUploadHandler(MemoryFileUploadHandler):
    """Every upload held in memory, whatever its size: never spooled to a plaintext temporary file (Django's
    ``TemporaryFileUploadHandler``), which a process killed mid-request leaves on disk with the photo's GPS and
    capture time. The request limits above bound what a body may hold before it is read."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.activated = True


def form_parse(request: HttpRequest) -> None:
    """Parse a POSTed form now, turning every way it can fail into a ``RequestRefused``."""
    if request.method != "POST" or request.content_type not in FORM_TYPES or _is_webhook(request):
        return
    if request.content_type == "multipart/form-data":
        request.upload_handlers.insert(0, PhotoSizeLimitHandler(request))
    try:
        request.POST  # noqa: B018 - parses the body (and, for multipart, request.FILES)
    except RequestRefused:
        raise
    except TooManyFilesSent:
        raise _too_many_files() from None
    except TooManyFieldsSent:
        raise _too_many_fields() from None
    except RequestDataTooBig:
        raise too_large(settings.DATA_UPLOAD_MAX_MEMORY_SIZE) from None
    except MultiPartParserError:
        raise _broken_multipart() from None
    except (BadRequest, SuspiciousOperation, UnicodeDecodeError, ValueError, OSError):
        raise _unreadable() from None
    finally:
        if not hasattr(request, "_post"):
            request._mark_post_parse_error()  # a view must not try to read the half-consumed body again


# --- NUL characters ------------------------------------------------------------------------------------

_JSON_NUL = re.compile(r"\\u0000", re.IGNORECASE)


# Form fields that may be sent more than once: files of a multi-photo field, Open311's answers to a service's questions
# (``attribute[code]`` for a list, checked by the service definition) and any ``name[]``. Every other field is one value:
# Django keeps a repeated field's last value, and the rest was lost with a 2xx (a review: half a resident's description,
# a reason, a validator's "reject" read as "accept").
REPEATABLE_FILES = frozenset({"photos", "media"})


def _repeatable(key: str) -> bool:
    return key.endswith("[]") or key.startswith("attribute[")


class _RepeatedKey(Exception):
    def __init__(self, key: str):
        self.key = key


def _each_key_once(pairs: list[tuple[str, object]]) -> dict:
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        raise _RepeatedKey(next(k for k, _v in pairs if k in seen or seen.add(k)).replace("\x00", ""))
    return found


def repeated_refused(field: str) -> RequestRefused:
    return RequestRefused(
        f"Kolom '{field}' dikirim lebih dari sekali; kirim satu nilai saja.",
        f"The field '{field}' was sent more than once; send one value.",
        code="repeated_field",
        status=422,
        field=field,
    )


def nul_refused(field: str | None = None) -> RequestRefused:
    return RequestRefused(
        "Teks berisi karakter yang tidak diizinkan (NUL, kode 0). Hapus karakter itu lalu kirim lagi.",
        "The text holds a character that is not allowed (NUL, code 0). Remove it and send again.",
        code="invalid_character",
        status=422,
        field=field,
    )


def _json_strings(value) -> Iterator[tuple[str, str]]:
    """Every string of a decoded JSON body (keys too) with its path, in document order; a stack, not recursion, so
    any depth the parser allows is walked."""
    stack: list[tuple[str, object]] = [("", value)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            yield path, value
        elif isinstance(value, dict):
            for key, item in reversed(value.items()):
                stack.append((f"{path}.{key}" if path else str(key), item))
                stack.append((path, str(key)))
        elif isinstance(value, list):
            stack.extend((path, item) for item in reversed(value))


ADMIN_PATH = "/admin/"


def text_check(request: HttpRequest) -> None:
    """Refuse (422) a NUL character in a query parameter, a form field, a file name or a JSON string (in a body of
    any type but a form's: labelled text/plain or not at all, a JSON body reached the services), and a form field
    sent twice that takes one value (``repeated_refused``).

    Runs after ``form_parse``. A JSON body is read once, as the API will read it; its strings are searched for a NUL
    only when it holds an escaped one at all. A NUL in the path
    (a report number, a region code: no such thing exists) is a 404 before any view looks it up: PostgreSQL
    refuses the character in a query, which was a 500 (found by a fuzzing review)."""
    if "\x00" in request.path:
        raise RequestRefused("Halaman tidak ditemukan.", "Page not found.", code="not_found", status=404, field=None)
    if _is_webhook(request):
        return
    for key, value in request.GET.lists():
        if "\x00" in key or any("\x00" in v for v in value):
            raise nul_refused(key.replace("\x00", ""))
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    content_type = request.content_type or ""
    if content_type in FORM_TYPES:
        if getattr(request, "_post_parse_error", False):
            return
        for key, values in request.POST.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                raise nul_refused(key.replace("\x00", ""))
        for key, files in request.FILES.lists():
            if any("\x00" in (f.name or "") for f in files):
                raise nul_refused(key)
        if not request.path_info.startswith(ADMIN_PATH):  # the admin's own forms repeat fields (lists, selections)
            for key, values in request.POST.lists():
                if len(values) > 1 and not _repeatable(key):
                    raise repeated_refused(key)
            for key, files in request.FILES.lists():
                if len(files) > 1 and key not in REPEATABLE_FILES:
                    raise repeated_refused(key)
    else:  # any other body: Django Ninja reads it as JSON whatever its label (text/plain, none, x-json)
        body = request.body
        if not body:
            return
        try:
            # read as the API will read it: json.loads takes UTF-8, UTF-16 or UTF-32 bytes, with or without a
            # byte-order mark (a last read: a UTF-8 mark, then UTF-16, skipped both checks below)
            decoded = body.decode(json.detect_encoding(body)).lstrip("\ufeff \t\r\n")
        except (UnicodeDecodeError, LookupError):
            return  # the endpoint answers bytes it cannot read its own way
        if decoded[:1] not in ("{", "["):
            return  # not a JSON object or list: the endpoint answers it its own way
        try:
            # a key twice in one object ({"accept": false, "accept": true}) is one value lost, as in a form
            data = json.loads(decoded, object_pairs_hook=_each_key_once)
        except _RepeatedKey as repeated:
            raise repeated_refused(repeated.key) from None
        except (ValueError, RecursionError):
            return  # the endpoint answers a broken (or absurdly nested) body its own way
        if not _JSON_NUL.search(decoded):
            return
        for path, text in _json_strings(data):
            if "\x00" in text:
                raise nul_refused(path or None)


# --- image decoding budget -----------------------------------------------------------------------------

_pixels_left: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("sigap_pixels_left", default=None)


@contextlib.contextmanager
def pixel_budget(total: int) -> Iterator[None]:
    """Within this block, images decoded by ``sigap.privacy.photos`` may have at most ``total`` pixels together."""
    token = _pixels_left.set([total, total])
    try:
        yield
    finally:
        _pixels_left.reset(token)


def pixels_spend(pixels: int) -> None:
    """Take ``pixels`` from the current budget before decoding them; refuse (413) if they do not fit.

    Outside a budget (management commands, background tasks) only the per-image limits apply."""
    budget = _pixels_left.get()
    if budget is None:
        return
    left, total = budget
    if pixels > left:
        raise RequestRefused(
            f"Foto-foto dalam satu kiriman terlalu besar resolusinya: lebih dari {_mp(total)} bersama-sama. "
            "Kirim foto yang lebih kecil atau lebih sedikit.",
            f"Together, the photos in one request have too many pixels (more than {_mp(total)}). "
            "Send smaller or fewer photos.",
            code="photos_too_many_pixels",
            status=413,
            field="photos",
        )
    budget[0] = left - pixels


# --- answering a refusal --------------------------------------------------------------------------------


def json_refusal(request: HttpRequest, error: DomainError) -> HttpResponse:
    return JsonResponse(error.as_dict(), status=error.status)


def _back_link(request: HttpRequest) -> str:
    """The form's own address, back on this site: a path such as "//evil.example/x" (a browser's
    https://sigap.example//evil.example/x) or "/\\evil.example" is a link to another host (found by a review)."""
    path = request.path
    if request.method == "POST" and path.startswith("/") and url_has_allowed_host_and_scheme(path, allowed_hosts=None):
        return path
    return "/"


def html_refusal(request: HttpRequest, error: DomainError) -> HttpResponse:
    english = in_english()
    context = {
        "code": error.code,
        "title": "Request refused" if english else "Permintaan ditolak",
        "message": error.message_en if english else error.message_id,
        "other_message": error.message_id if english else error.message_en,
        "other_lang": "id" if english else "en",
        "back": _back_link(request),
        "back_label": "Back to the form" if english else "Kembali ke formulir",
    }
    return render(request, "sigap/refused.html", context, status=error.status)


def refusal_response(request: HttpRequest, error: DomainError) -> HttpResponse:
    for prefix, dotted in getattr(settings, "SIGAP_REFUSAL_RENDERERS", {}).items():
        if request.path.startswith(prefix):
            return import_string(dotted)(request, error)
    return html_refusal(request, error)
