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

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

from .logfilters import HIDDEN, kept, scrub


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
            if key == "QUERY_STRING" and isinstance(value, str) and value:
                meta[key] = scrub(f"?{value}")[1:]
            elif isinstance(value, str):
                meta[key] = scrub(value)
        return meta


class PrivateExceptionReporter(ExceptionReporter):
    """The request's query values (outside the allow-list), uploaded files' names and the address it asked for, as
    the filter leaves the rest."""

    def get_traceback_data(self):
        data = super().get_traceback_data()
        if self.request is not None and self.filter.is_active(self.request):
            data["request_GET_items"] = [
                (name, value if kept(name, value) else HIDDEN) for name, value in self.request.GET.items()
            ]
            data["request_FILES_items"] = [(name, HIDDEN) for name in self.request.FILES]
            data["request_insecure_uri"] = scrub(data.get("request_insecure_uri", ""))
        return data
