"""Sigap's configuration: settings, URLs, the WSGI application, the Celery application and its periodic jobs.

The Celery application (``sigap.config.celery``) is not imported here: ``celery -A sigap.config`` finds it by
that module's name, and other processes load it at start only when a broker is configured
(``sigap.core.dispatch``, through ``SIGAP_CELERY_APP``). Without a broker a web process never imports Celery,
kombu or their dependencies (about 8 MB of each worker's memory).
"""
