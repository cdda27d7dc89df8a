"""Console form widgets: the queue filters' select, rendered in Python, says what Django's template widget says."""

from __future__ import annotations

from html.parser import HTMLParser

from django import forms as django_forms

from sigap.officers.forms import QuickSelect


def _parsed(html: str) -> list[tuple]:
    """The elements (attributes sorted) and texts of an HTML fragment, whitespace between elements ignored."""
    out: list[tuple] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            out.append(("start", tag, tuple(sorted(attrs, key=lambda kv: kv[0]))))

        def handle_endtag(self, tag):
            out.append(("end", tag))

        def handle_data(self, data):
            if data.strip():
                out.append(("text", data))

    Collect(convert_charrefs=True).feed(html)
    return out


def test_the_quick_select_renders_what_django_s_select_renders():
    choices = [("", "Semua"), ("a", "A & <b>"), ("Kota", [("x", "X"), ("y", 'Y "q"')])]
    for value in ("", "a", "y", "none-of-them"):
        attrs = {"id": "id_status", "class": "f"}
        expected = django_forms.Select(choices=choices).render("status", value, dict(attrs))
        assert _parsed(QuickSelect(choices=choices).render("status", value, dict(attrs))) == _parsed(expected)
