"""One reading of a yes/no setting, for every place that takes one from the environment: true for ``1``, ``true``,
``yes``, ``on`` (any case, spaces around ignored), false for ``0``, ``false``, ``no``, ``off`` and empty, the
default when unset. An operator's review found ``SIGAP_ACCESS_LOG=true`` did nothing (only ``1`` counted) and
``SIGAP_EMAIL_IMAP_SSL=off`` left TLS on (only ``0``, ``false``, ``no`` turned it off).

Plain Python: the settings module reads it before Django is set up."""

from __future__ import annotations

import os

TRUE = frozenset({"1", "true", "yes", "on"})


def flag_value(value: object, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in TRUE


def env_flag(name: str, default: bool) -> bool:
    return flag_value(os.environ.get(name), default)
