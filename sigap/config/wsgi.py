import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sigap.config.settings")
application = get_wsgi_application()

# Embedded default (no broker): this process's photo thread starts now and first takes up photos a previous
# run left "processing" (sigap.reports.photoqueue). Under Celery it does nothing.
from sigap.reports import photoqueue  # noqa: E402

photoqueue.start()
