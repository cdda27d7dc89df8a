"""Rendering GeoReport v2 documents as JSON and XML, and the one error shape.

Pure apart from Django's ``HttpResponse``: a document is plain data (dicts, lists, str, int, float, bool,
None, datetime). XML follows the specification's element names: a list under a key becomes a wrapper
element with one child per item (``attributes`` → ``attribute``, ``values`` → ``value``, ...). Sigap's own
fields live under the key ``sigap``: a ``sigap`` object in JSON, elements in the ``sigap:`` namespace in XML,
so plain GeoReport clients ignore them.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import date, datetime

from django.http import HttpResponse
from django.utils import timezone

CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
SIGAP_NS = "urn:sigap:open311:1"
EXTENSION_KEY = "sigap"
ET.register_namespace("sigap", SIGAP_NS)

# Wrapper element → child element. Anything else that is a list is rendered with the singular "item".
CHILDREN = {
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "hops": "hop",
    "errors": "error",
    "services": "service",
    "service_requests": "request",
}
_XML_ILLEGAL = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def iso(value: datetime | None) -> str | None:
    """ISO 8601 with the UTC offset (the specification's w3 subset), in the city's time zone (the default one:
    Sigap never activates another, and the default is looked up once, not per value of a thousand-row page)."""
    if value is None:
        return None
    city = timezone.get_default_timezone()
    if timezone.is_naive(value):
        value = timezone.make_aware(value, city)
    return value.astimezone(city).isoformat(timespec="seconds")


def _scalar(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return iso(value) or ""
    if isinstance(value, date):
        return value.isoformat()
    return _XML_ILLEGAL.sub("", str(value))


def _json_default(value):
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def _tag(name: str, in_ext: bool) -> str:
    return f"{{{SIGAP_NS}}}{name}" if in_ext else name


def _fill(element: ET.Element, key: str, value, in_ext: bool) -> None:
    """Append ``value`` under ``element`` as <key>...</key>."""
    if key == EXTENSION_KEY and isinstance(value, dict):
        for k, v in value.items():
            _fill(element, k, v, True)
        return
    child = ET.SubElement(element, _tag(key, in_ext))
    if isinstance(value, dict):
        for k, v in value.items():
            _fill(child, k, v, in_ext)
    elif isinstance(value, (list, tuple)):
        name = CHILDREN.get(key, "item")
        for item in value:
            _fill(child, name, item, in_ext)
    else:
        child.text = _scalar(value)


def xml_bytes(root: str, body: dict | list, item: str | None = None) -> bytes:
    """``body`` is a dict (one object under ``root``) or a list of dicts (``item`` elements under ``root``)."""
    element = ET.Element(root)
    if isinstance(body, dict):
        for k, v in body.items():
            _fill(element, k, v, False)
    else:
        for obj in body:
            _fill(element, item or CHILDREN.get(root, "item"), obj, False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(element, encoding="unicode").encode("utf-8")


def json_bytes(body) -> bytes:
    return json.dumps(body, ensure_ascii=False, default=_json_default).encode("utf-8")


def render(fmt: str, root: str, body: dict | list, *, status: int = 200, item: str | None = None) -> HttpResponse:
    if fmt == "json":
        content = json_bytes(body)
    else:
        content = xml_bytes(root, body, item)
        fmt = "xml"
    response = HttpResponse(content, status=status, content_type=CONTENT_TYPES[fmt])
    response["Cache-Control"] = "no-store"
    return response


def error_body(status: int, description: str, *, code: str = "", field: str | None = None) -> list[dict]:
    error: dict = {"code": status, "description": description}
    ext = {k: v for k, v in (("code", code), ("field", field)) if v}
    if ext:
        error[EXTENSION_KEY] = ext
    return [error]


def render_error(fmt: str, status: int, description: str, *, code: str = "", field: str | None = None) -> HttpResponse:
    return render(fmt, "errors", error_body(status, description, code=code, field=field), status=status, item="error")


def format_from_path(path: str) -> str:
    """The format a client asked for by the path's suffix (XML, the required format, otherwise)."""
    return "json" if path.rstrip("/").endswith(".json") else "xml"
