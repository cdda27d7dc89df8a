"""From an Open311 ``address_string`` to a kelurahan, by the one place-understanding module every channel uses
(``sigap.routing.places.place_decide``): kelurahan and kecamatan names, streets, landmarks and kampung, with
the context that narrows them. So the same text is placed in the same kelurahan whether it came by SMS, chat
or Open311.

* The text supports one kelurahan clearly: that kelurahan and its inner point.
* Several fit: a 400 ``address_ambiguous`` that names the two or three best candidates (with their kecamatan),
  so the client can ask its user or send lat/long — never a guess.
* Only a kecamatan: a 400 ``address_kelurahan_missing`` naming it; nothing: ``address_not_understood``.

Errors never echo the text itself, which may carry personal data; only names from the reference data.
"""

from __future__ import annotations

from dataclasses import dataclass

from sigap.routing.places import place_decide

from .errors import bad_request


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    parent_code: str = ""


def kelurahan_locate(text: str) -> tuple[Area, float, float]:
    """The kelurahan ``text`` names and its inner point (lat, lon), or a 400 ``Open311Error``."""
    decision = place_decide(text)
    if decision.placed is not None:
        p = decision.placed
        return Area(p.code, p.name), p.lat, p.lon
    if decision.kecamatan_only:
        names = ", ".join(decision.kecamatan_only)
        raise bad_request(
            f"address_string hanya menyebut kecamatan ({names}); tambahkan nama kelurahan atau kirim lat/long.",
            f"address_string names only a kecamatan ({names}); add the kelurahan's name or send lat/long.",
            code="address_kelurahan_missing",
            field="address_string",
        )
    if decision.candidates:
        names = "; ".join(m.label for m in decision.ask)
        raise bad_request(
            f"address_string cocok dengan beberapa kelurahan ({names}); sebutkan kelurahannya atau kirim lat/long.",
            f"address_string fits several kelurahan ({names}); name the kelurahan or send lat/long.",
            code="address_ambiguous",
            field="address_string",
        )
    raise bad_request(
        "Tidak ada kelurahan, jalan atau tempat yang dikenali dalam address_string; sebutkan kelurahannya atau "
        "kirim lat/long.",
        "No kelurahan, street or place was recognised in address_string; name the kelurahan or send lat/long.",
        code="address_not_understood",
        field="address_string",
    )
