"""The admin in English: the strings the models and admins mark for translation have their English (a review of the
English interface found the role-change, Open311 and place-name admin in Indonesian, marked but never in the
catalog)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def root_client():
    user = get_user_model().objects.create_superuser("root", "root@example.org", "root-password-123")
    c = Client()
    c.force_login(user)
    return c


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_the_ppid_role_change_admin_is_english(root_client):
    """organization/models.py:273-301: RoleChange's kinds, statuses and field labels are gettext-marked but missing
    from the catalogs (makemessages adds them untranslated/fuzzy)."""
    text = _text(root_client.get("/admin/organization/rolechange/add/", **EN).content.decode())
    for indonesian in ("Menunggu persetujuan admin kedua", "Diminta oleh", "Diputuskan pada", "Beri peran"):
        assert indonesian not in text, indonesian


def test_the_open311_client_and_attribute_admin_is_english(root_client):
    """open311/models.py:25-137 (field labels, help texts, validation messages) and open311/admin.py:27 (the one-time
    API key message) have no English."""
    text = _text(root_client.get("/admin/open311/apiclient/add/", **EN).content.decode())
    text += _text(root_client.get("/admin/open311/serviceattribute/add/", **EN).content.decode())
    for indonesian in ("Nama aplikasi", "Beberapa karakter pertama kunci", "Kode kategori", "Tidak dicentang"):
        assert indonesian not in text, indonesian


@pytest.mark.parametrize(
    "msgid",
    [
        "Kunci API untuk %(name)s (hanya ditampilkan sekali): %(key)s",  # open311/admin.py:27
        "Jalan",  # organization/models.py:65, PlaceName kinds
        "Rumah sakit",
        "nama tempat",  # organization/models.py:104 (PlaceName verbose name: admin permissions list)
        "pemberitahuan staf",  # organization/models.py:333 (StaffNotice)
        "Menunggu persetujuan admin kedua",
        "wajib",  # open311/models.py:103
    ],
)
def test_every_marked_admin_message_has_an_english_translation(msgid):
    with translation.override("en"):
        assert translation.gettext(msgid) != msgid
