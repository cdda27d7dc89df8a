from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse

import sigap


def _cache_state() -> str:
    """ "local": this process's memory (the embedded default); "ok": the shared cache (Redis) answers;
    "unavailable": it does not, and this process counts alone (``sigap.core.sharedcache``)."""
    ping = getattr(cache, "ping", None)
    if ping is None:
        return "local"
    return "ok" if ping() else "unavailable"


def healthz_view(request):
    """Liveness, database reachability and the shared cache's, for load balancers and monitoring. Only the
    database decides the status code: with Redis down a process still files and tracks, counting limits alone."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        db = {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # noqa: BLE001
        db = {"ok": False, "vendor": connection.vendor, "error": type(exc).__name__}
    shared = _cache_state()
    body = {
        "status": "ok" if db["ok"] and shared != "unavailable" else "degraded",
        "version": sigap.__version__,
        "database": db,
        "cache": shared,
    }
    return JsonResponse(body, status=200 if db["ok"] else 503)
