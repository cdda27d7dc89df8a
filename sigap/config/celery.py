"""Celery application. Without CELERY_BROKER_URL tasks run eagerly in-process (embedded default).

Its beat schedule (``celery -A sigap.config beat``, one process per installation) is Sigap's periodic jobs,
``sigap.config.periodic.JOBS``; the embedded default runs the same jobs itself (``sigap periodic run``, started by
``sigap serve``).
"""

from __future__ import annotations

import os

from celery import Celery

from sigap.config.periodic import beat_schedule

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sigap.config.settings")

app = Celery("sigap")
app.set_default()  # every thread's current app: sigap.core.dispatch sends tasks through it by name
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["sigap.config", "sigap.reports", "sigap.privacy", "sigap.intake"])


app.conf.beat_schedule = beat_schedule()
