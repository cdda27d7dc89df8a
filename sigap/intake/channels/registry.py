"""The channel registry: every adapter of this package, found by looking, never by name.

``discover`` imports each module of ``sigap.intake.channels`` and registers every ``Adapter`` subclass defined
there that has a ``name`` (a shared base class has none). An adapter is one file: adding a
channel is adding ``channels/<name>.py`` (and its test), nothing else. ``discover`` runs once when the intake
app is ready (``IntakeConfig.ready``); ``register`` adds one by hand (a test's throwaway adapter).

Registering an adapter also registers it as the sender of its channel in ``sigap.privacy.senders``, where the
relay finds it (the relay sits below intake and does not import it).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from sigap.privacy import senders

from .base import Adapter, ChannelDisabled

ADAPTERS: dict[str, Adapter] = {}
#: modules of the package that are not adapters
NOT_ADAPTERS = {"base", "registry", "urls", "views"}


def register(adapter: Adapter) -> None:
    ADAPTERS[adapter.name] = adapter
    senders.sender_register(adapter.name, adapter)


def unregister(name: str) -> None:
    ADAPTERS.pop(name, None)
    senders.sender_unregister(name)


def discover() -> dict[str, Adapter]:
    """Import every module of the channels package and register the adapters defined in it."""
    package = __name__.rpartition(".")[0]
    for info in pkgutil.iter_modules(importlib.import_module(package).__path__):
        if info.name in NOT_ADAPTERS or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        for obj in vars(module).values():
            if (
                inspect.isclass(obj)
                and issubclass(obj, Adapter)
                and obj.__module__ == module.__name__
                and obj.name
                and obj.name not in ADAPTERS
            ):
                register(obj())
    return ADAPTERS


def adapter_get(name: str) -> Adapter:
    adapter = ADAPTERS.get(name)
    if adapter is None or not adapter.enabled():
        raise ChannelDisabled(
            f"Kanal '{name}' tidak dikenal atau belum dikonfigurasi.", f"Channel '{name}' is unknown or not configured."
        )
    return adapter
