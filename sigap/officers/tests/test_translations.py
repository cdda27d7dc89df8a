"""The console speaks Bahasa Indonesia by default and English on request: every message of the console's
templates and code has an English translation in the compiled catalogs (officers and intake)."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest

import sigap

ROOT = Path(sigap.__file__).resolve().parent
APPS = {"officers": ROOT / "officers", "intake": ROOT / "intake"}
TRANSLATE_TAG = re.compile(r"""{%\s*translate\s+(["'])(.+?)\1\s*%}""")


def catalog(app: str) -> dict:
    with open(APPS[app] / "locale" / "en" / "LC_MESSAGES" / "django.mo", "rb") as fh:
        return gettext.GNUTranslations(fh)._catalog


def po_msgids(app: str) -> set[str]:
    text = (APPS[app] / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    ids = set()
    for block in text.split("\n\n")[1:]:
        if block.lstrip().startswith("#~"):
            continue
        match = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if match:
            ids.add(
                "".join(re.findall(r'"(.*)"', match.group(1)))
                .encode()
                .decode("unicode_escape")
                .encode("latin-1")
                .decode("utf-8")
            )
    return ids - {""}


@pytest.mark.parametrize("app", sorted(APPS))
def test_every_message_in_the_catalog_has_an_english_translation_and_is_compiled(app):
    compiled = catalog(app)
    singular = {k if isinstance(k, str) else k[0] for k, v in compiled.items() if v}
    missing = po_msgids(app) - singular
    assert not missing, f"{app}: not translated or not compiled: {sorted(missing)[:5]}"


@pytest.mark.parametrize("app", sorted(APPS))
def test_every_translate_tag_of_the_console_templates_is_in_the_catalog(app):
    compiled = catalog(app)
    with open(ROOT / "locale" / "en" / "LC_MESSAGES" / "django.mo", "rb") as fh:
        shared = gettext.GNUTranslations(fh)._catalog
    templates = sorted((APPS[app] / "templates").rglob("*.html"))
    assert templates
    for path in templates:
        for _quote, msgid in TRANSLATE_TAG.findall(path.read_text(encoding="utf-8")):
            assert compiled.get(msgid) or shared.get(msgid), f"{path.name}: {msgid!r} has no English translation"


def test_the_admin_names_every_app_and_model_in_the_reader_s_language():
    """Found by a newcomer's review: "SIGAP CORE", "Notifications", "OTP_TOTP" and "AXES" in the Indonesian
    admin. Every app of the admin has an Indonesian name and an English one; so has every model of Sigap's own."""
    from django.contrib import admin
    from django.utils import translation

    names = {}
    for language in ("id", "en"):
        with translation.override(language):
            names[language] = {
                m._meta.label: (str(m._meta.app_config.verbose_name), str(m._meta.verbose_name_plural))
                for m in admin.site._registry
            }
    proper_names = {"Open311 GeoReport v2"}
    for label, (app_id, model_id) in names["id"].items():
        app_en, model_en = names["en"][label]
        assert app_id != app_en or app_id in proper_names, label
        if label.startswith(("core.", "privacy.", "organization.", "reports.", "officers.", "intake.", "open311.")):
            assert model_id != model_en or model_id == "token API", label
