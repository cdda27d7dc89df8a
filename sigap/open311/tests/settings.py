"""Test settings until the app is wired into the project: the project's settings plus sigap.open311 and a
URLconf that mounts it (``pytest --ds=sigap.open311.tests.settings``). Once settings.py lists the app and
config/urls.py includes ``sigap.config.open311_dispatch``, the default settings run the same tests."""

from sigap.config.settings import *  # noqa: F403
from sigap.config.settings import INSTALLED_APPS

if "sigap.open311" not in INSTALLED_APPS:
    INSTALLED_APPS = [*INSTALLED_APPS, "sigap.open311"]
ROOT_URLCONF = "sigap.open311.tests.urls"
