"""Open311 GeoReport v2 at one URL prefix: ``requests.<fmt>`` answers GET and POST from ``sigap.open311``
(which never imports the identity vault); a POST files its report through ``sigap.intake.open311``, which
hands the personal fields to the vault. The composition root may import both and joins them here.

Mount with ``path("open311/v2/", include("sigap.config.open311_dispatch"))``.
"""

from __future__ import annotations

from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt

from sigap.intake.open311 import open311_address_readable, open311_report_file
from sigap.open311.formats import render_error
from sigap.open311.post import request_create_view
from sigap.open311.views import requests_view


@csrf_exempt
def requests_dispatch_view(request, fmt: str):
    if request.method == "POST":
        return request_create_view(
            request, fmt=fmt, file_report=open311_report_file, readable_address=open311_address_readable
        )
    if request.method in ("GET", "HEAD"):
        return requests_view(request, fmt=fmt)
    response = render_error(fmt, 405, f"Method {request.method} not allowed.", code="method_not_allowed")
    response["Allow"] = "GET, HEAD, POST"
    return response


urlpatterns = [
    re_path(r"^requests\.(?P<fmt>json|xml)$", requests_dispatch_view, name="open311-requests"),
    path("", include("sigap.open311.urls")),
]
