"""The secret keys, newest first, and a value's keyed hashes under each."""

from __future__ import annotations

from django.utils.crypto import salted_hmac

from sigap.core.keys import keyed_hexdigests, secret_keys


def test_a_rotated_key_is_tried_after_the_current_one(settings):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "new-" + "k" * 50, ["old-" + "k" * 50]
    assert secret_keys() == ["new-" + "k" * 50, "old-" + "k" * 50]
    current, old = keyed_hexdigests("sigap-test", "value")
    assert current == salted_hmac("sigap-test", "value", algorithm="sha256").hexdigest()
    assert old == salted_hmac("sigap-test", "value", secret="old-" + "k" * 50, algorithm="sha256").hexdigest()
    settings.SECRET_KEY_FALLBACKS = []
    assert keyed_hexdigests("sigap-test", "value") == [current]
