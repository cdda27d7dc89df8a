"""Rendering GeoReport documents: element names, the sigap: namespace, dates, errors. No database."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from sigap.open311.formats import SIGAP_NS, error_body, iso, json_bytes, render, render_error, xml_bytes

NS = {"sigap": SIGAP_NS}


def test_a_list_becomes_wrapper_and_child_elements_and_the_extension_is_namespaced():
    doc = [
        {
            "service_code": "a",
            "metadata": True,
            "values": [{"key": "k", "name": "n"}],
            "empty": None,
            "sigap": {"status_code": "waiting", "hops": [{"kind": "koordinasi"}]},
        }
    ]
    root = ET.fromstring(xml_bytes("services", doc, "service"))
    service = root.find("service")
    assert service.findtext("metadata") == "true" and service.findtext("empty") == ""
    assert service.findtext("values/value/key") == "k"
    assert service.findtext("sigap:status_code", namespaces=NS) == "waiting"
    assert service.findtext("sigap:hops/sigap:hop/sigap:kind", namespaces=NS) == "koordinasi"
    assert service.find("sigap") is None and service.find("status_code") is None


def test_xml_starts_with_the_utf8_declaration_and_drops_characters_xml_cannot_hold():
    content = xml_bytes("service_requests", [{"description": "Got\x00 mampet \x1b— ümlaut <b>&"}], "request")
    assert content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<service_requests>')
    assert ET.fromstring(content).findtext("request/description") == "Got mampet — ümlaut <b>&"


def test_dates_carry_the_city_offset():
    assert iso(datetime(2026, 11, 28, 3, 0, tzinfo=UTC)) == "2026-11-28T10:00:00+07:00"
    assert json.loads(json_bytes({"at": datetime(2026, 11, 28, 3, 0, tzinfo=UTC)})) == {
        "at": "2026-11-28T10:00:00+07:00"
    }
    # a naive value is the city's time; microseconds dropped; a day that changes with the offset; None stays None
    assert iso(datetime(2026, 11, 28, 10, 0, 5, 999)) == "2026-11-28T10:00:05+07:00"
    assert iso(datetime(2026, 12, 31, 17, 30, tzinfo=UTC)) == "2027-01-01T00:30:00+07:00"
    assert iso(None) is None


def test_errors_have_the_specification_shape_in_both_formats():
    assert error_body(403, "Invalid api_key.", code="invalid_api_key", field="api_key") == [
        {"code": 403, "description": "Invalid api_key.", "sigap": {"code": "invalid_api_key", "field": "api_key"}}
    ]
    response = render_error("xml", 400, "service_code is required.", code="service_code_required")
    root = ET.fromstring(response.content)
    assert response.status_code == 400 and root.tag == "errors"
    assert root.findtext("error/code") == "400" and root.findtext("error/description") == "service_code is required."
    response = render("json", "errors", error_body(404, "x"), status=404)
    assert (
        response["Content-Type"] == "application/json; charset=utf-8" and json.loads(response.content)[0]["code"] == 404
    )
