"""Error reports that carry nothing a resident wrote or is.

Django describes a failed request in two places: the technical 500 page (``DEBUG`` only) and the error mail to
``ADMINS`` (``AdminEmailHandler``), which lists the POST values, the query string, uploaded files' names, the
request's headers and every local variable of every frame. A failed report's frames hold its description, the
reporter's name and number and the photo as uploaded. Sigap sets no ``ADMINS``, but a city that does (or that
ships these reports to an error tracker) must not mail its reporters' identities around: with these two classes
(``DEFAULT_EXCEPTION_REPORTER``, ``DEFAULT_EXCEPTION_REPORTER_FILTER``) a report keeps the names (of parameters,
files' fields, variables) and the code, and replaces every value a request could have brought with a
placeholder, except the query parameters that page and filter lists (``sigap.core.logfilters``)."""

from __future__ import annotations

import re

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

from .logfilters import HIDDEN, WITHHELD, kept, scrub

# Who asked: the client's address (as the server saw it, and as each proxy says it forwarded it) and its browser's
# own description (a phone's model is in it). On the journey pages the path is the report's number, which only its
# reporter opens: an error mail read "the reporter of JK… is at this address" (a review as the mail's reader).
# A request's headers are hidden unless named here: a list of the ones to hide missed every CDN's own name for the
# client's address (CF-Connecting-IP, X-Azure-ClientIP, X-Envoy-External-Address, X-AppEngine-User-IP: an
# attacker's review), and a browser's client hints name the phone's model.
_HARMLESS_HEADERS = frozenset(
    "HTTP_" + name.upper().replace("-", "_")
    for name in (
        "Host",
        "Accept",
        "Accept-Encoding",
        "Accept-Language",
        "Cache-Control",
        "Connection",
        "Content-Length",
        "Content-Type",
        "DNT",
        "HX-Request",
        "HX-Target",
        "HX-Trigger",
        "Origin",
        "Pragma",
        "Sec-Fetch-Dest",
        "Sec-Fetch-Mode",
        "Sec-Fetch-Site",
        "Sec-Fetch-User",
        "Upgrade-Insecure-Requests",
        "X-Requested-With",
    )
)
# and, outside the headers, what a server or proxy puts in the environ about the client (REMOTE_PORT is half of
# its address)
_CLIENT_META = re.compile(r"^REMOTE_|FORWARDED|CLIENT_?IP|REAL_?IP|CONNECTING_IP|USER_IP|EXTERNAL_ADDR", re.I)


def _names_the_client(key: str) -> bool:
    if key.upper().startswith("HTTP_"):
        return key.upper() not in _HARMLESS_HEADERS
    return bool(_CLIENT_META.search(key))


class PrivateExceptionReporterFilter(SafeExceptionReporterFilter):
    """Applied whenever ``DEBUG`` is off (as Django's own filter is): values hidden, names kept."""

    cleansed_substitute = HIDDEN

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return dict.fromkeys(request.POST, self.cleansed_substitute)

    def get_traceback_frame_variables(self, request, tb_frame):
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]

    def get_safe_request_meta(self, request):
        meta = super().get_safe_request_meta(request)
        for key, value in list(meta.items()):
            if not isinstance(value, str | int | float | type(None)):
                # an object the server put in the environ prints its state: gunicorn's socket names the client's
                # address and port (``raddr=(...)``) beside the path (a senior review)
                meta[key] = self.cleansed_substitute
            elif _names_the_client(key):
                meta[key] = self.cleansed_substitute
            elif key == "QUERY_STRING" and isinstance(value, str) and value:
                meta[key] = scrub(f"?{value}")[1:]
            elif isinstance(value, str):
                meta[key] = scrub(value)
        return meta


class PrivateExceptionReporter(ExceptionReporter):
    """The request's query values (outside the allow-list), uploaded files' names and the address it asked for, as
    the filter leaves the rest."""

    def get_traceback_data(self):
        data = super().get_traceback_data()
        if self.filter.is_active(self.request):
            # the exception's type, never its text, as the log has it (``logfilters.traceback_text``): a database
            # error's text holds the row being written, another library's may quote what a resident typed
            if data.get("exception_value") is not None:
                data["exception_value"] = f"[{WITHHELD}]"
            for frame in data.get("frames") or ():  # ``lastframe`` is the last of them
                cause = frame.get("exc_cause")
                if cause is not None:
                    frame["exc_cause"] = f"{type(cause).__name__} [{WITHHELD}]"
            if data.get("unicode_hint"):
                data["unicode_hint"] = f"[{WITHHELD}]"
        if self.request is not None and self.filter.is_active(self.request):
            data["request_GET_items"] = [
                (name, value if kept(name, value) else HIDDEN) for name, value in self.request.GET.items()
            ]
            data["request_FILES_items"] = [(name, HIDDEN) for name in self.request.FILES]
            data["request_insecure_uri"] = scrub(data.get("request_insecure_uri", ""))
        return data
