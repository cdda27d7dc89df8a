from django.db import connection
from django.http import JsonResponse

import sigap


def healthz_view(request):
    """Liveness and database reachability, for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        db = {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # noqa: BLE001
        db = {"ok": False, "vendor": connection.vendor, "error": type(exc).__name__}
    body = {"status": "ok" if db["ok"] else "degraded", "version": sigap.__version__, "database": db}
    return JsonResponse(body, status=200 if db["ok"] else 503)
