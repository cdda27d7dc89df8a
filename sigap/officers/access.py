"""Who may open which console page, phrased as sentences, and the decorator every console view wears.

Reports themselves are guarded by ``sigap.reports.selectors`` (a report the user may not see is "not
found"); this module only decides which *pages* a staff account may open and what the nav shows.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect, render

from sigap.organization.models import StaffRole
from sigap.organization.roles import role_pairs

from .signin import session_lacks_second_factor

R = StaffRole.Role
QUEUE_ROLES = frozenset({R.OFFICER, R.UNIT_ADMIN, R.SUPERVISOR, R.VALIDATOR})


def staff_roles(request) -> set[str]:
    """The roles of the logged-in user (``role_pairs``: one read per request, remembered on the user)."""
    return {r for r, _u in role_pairs(request.user)}


def user_can_use_queue(request) -> bool:
    return bool(staff_roles(request) & QUEUE_ROLES)


def user_can_open_validation_queue(request) -> bool:
    """The validator queue page and its nav link (a validator role at any unit; the rule for validating itself
    is ``sigap.organization.roles.user_can_validate``, checked by the service)."""
    return R.VALIDATOR in staff_roles(request)


def user_can_see_dashboard(request) -> bool:
    return bool(staff_roles(request) & {R.SUPERVISOR, R.VALIDATOR})


def user_can_enter_reports(request) -> bool:
    return R.OPERATOR in staff_roles(request)


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def forbidden(request, *, status: int = 403) -> HttpResponse:
    return render(request, "officers/forbidden.html", status=status)


def console_view(check=None):
    """Login required (htmx-aware; with the second factor where the roles need it), a staff role required, and
    optionally ``check(request)``."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.user.is_authenticated and session_lacks_second_factor(request):
                logout(request)  # signed in without the second factor its roles now need: sign in again
            if not request.user.is_authenticated:
                login = f"{settings.LOGIN_URL}?next={quote(request.get_full_path())}"
                if is_htmx(request):
                    # a poll or an action after the session expired: send the whole page to the login form
                    current = urlsplit(request.headers.get("HX-Current-URL", "")).path
                    response = HttpResponse(status=200)
                    response["HX-Redirect"] = settings.LOGIN_URL + (f"?next={quote(current)}" if current else "")
                    return response
                return redirect(login)
            if not staff_roles(request) or (check is not None and not check(request)):
                return forbidden(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
