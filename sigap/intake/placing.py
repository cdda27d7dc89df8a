"""What a resident's text may place a report by: the officers' copy of it, never the text as written.

A report that came without a point (an email, a chat message, a LAPOR! report without coordinates, a public post) is
placed by the kelurahan, street or landmark its text names. Read on the raw text, the reporter's own name placed it:
a sign-off "Salam, Wijaya Kusuma" was cut from the description officers read ("Salam, [nama disembunyikan]") while
the report landed in Kelurahan Wijaya Kusuma at its stock point, and that kelurahan's officer read the hidden name off
the report's own kelurahan (found by an attacker's review). So the text is passed through the redaction door first,
with what is known of the sender, exactly as the description will be: a place the officers cannot read does not
place the report either. Coordinates written in the text are read from it as written (the door keeps them).

The same holds for what a resident writes as the address (the chat's answer to "where?", the SMS keyword format, the
portal's form without a pin, Open311's ``address_string``, the operator's form), read as an address
(``place_text=True``) exactly as it will be stored: "depan SD, a.n. Wijaya Kusuma" placed the report in Kelurahan
Wijaya Kusuma while its address read "depan SD, a.n. [nama disembunyikan]" (a second review).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sigap.privacy import door
from sigap.routing.places import PlaceDecision, place_decide


def placing_text(
    text: str,
    *,
    reporter_ref: str = "",
    identity: Mapping | None = None,
    names: Iterable[str] = (),
    place_text: bool = False,
) -> str:
    """``text`` as officers will read it (``door.for_officers`` with the sender's vault record ``reporter_ref`` or the
    ``identity`` about to be stored, and ``names`` known only to the caller). ``place_text``: the text is an address
    the resident gave (a kelurahan's name that is also a word of theirs is then the place's)."""
    return door.for_officers(
        text or "", reporter_ref=reporter_ref, identity=identity, names=names, place_text=place_text
    ).text


def place_by_officers_copy(
    text: str, *, reporter_ref: str = "", identity: Mapping | None = None, as_address: bool = True
) -> PlaceDecision:
    """``place_decide`` on ``placing_text``: what a resident wrote of a place (``as_address``), or a description
    naming one, as it places a report on every path."""
    return place_decide(placing_text(text, reporter_ref=reporter_ref, identity=identity, place_text=as_address))
