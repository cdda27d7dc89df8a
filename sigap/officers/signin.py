"""Staff sign-in: who needs a second factor, and the check shared by the console, the admin and the API.

Accounts holding a role in ``SIGAP_OTP_ROLES`` (by default unit CRM admin, validator, supervisor/pimpinan,
privacy officer, auditor) and every admin account (``is_staff`` or ``is_superuser``) sign in with a TOTP
code from an authenticator app (django-otp), enrolled with ``sigap otp enroll USERNAME``. The check runs
after the password was accepted and before any session or token exists; a missing or wrong code counts as
a failed sign-in for the lockout (``sigap.core.throttles``). An account that needs a factor and has none
enrolled cannot sign in (closed, not open).

Officers (petugas) and channel operators sign in with a password alone unless ``SIGAP_OTP_ROLES`` names them.

Before the factor, every sign-in (and every API token use) checks the account's credential seal
(``sigap.officers.seal``): an account whose password hash, status, authenticator or roles were written outside
the application is refused with a neutral message.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sigap.core.errors import DomainError
from sigap.core.language import error_text
from sigap.organization.roles import role_pairs

from .forms import ConsoleLoginForm

DEMO_DEVICE = "demo"  # devices made by `sigap demo`; only these can print their current code (`sigap otp code`)


def needs_second_factor(user) -> bool:
    """Whether this account's role calls for a second factor (whatever ``SIGAP_OTP_REQUIRED`` says)."""
    if user.is_superuser or user.is_staff:
        return True
    return any(r in settings.SIGAP_OTP_ROLES for r, _u in role_pairs(user))


def otp_required(user) -> bool:
    return getattr(settings, "SIGAP_OTP_REQUIRED", True) and needs_second_factor(user)


def _devices(user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True)


def otp_matching_device(user, token: str):
    """The confirmed device ``token`` is a current code of. After the credential seal was checked on ``user``,
    only a device whose secret that seal covered counts: a secret swapped by SQL between the seal's read and
    this one is not one."""
    from .seal import SEALED_DEVICES

    token = "".join((token or "").split())
    if not token.isdigit():
        return None
    sealed = getattr(user, SEALED_DEVICES, None)
    for device in _devices(user):
        if sealed is not None and device.key not in sealed:
            continue
        allowed, _info = device.verify_is_allowed()
        if allowed and device.verify_token(token):
            return device
    return None


SEAL_REFUSED_ID = "Akun ini tidak dapat masuk saat ini. Hubungi admin."
SEAL_REFUSED_EN = "This account cannot sign in at the moment. Contact an administrator."


def credential_seal_check(request, user, *, via: str) -> None:
    """Refuse (403, neutral message) an account whose credential seal does not match what the database holds:
    its password hash, status, authenticator or roles were written outside the application
    (``sigap.officers.seal``). The refusal is an access-log row and every privacy officer is told."""
    from .seal import seal_broken_report, seal_valid

    if seal_valid(user.pk, user=user):
        return
    seal_broken_report(request, user, via=via)
    raise DomainError(SEAL_REFUSED_ID, SEAL_REFUSED_EN, code="sign_in_refused", status=403)


def second_factor_check(request, user, token: str | None, *, via: str = "sign_in"):
    """The TOTP device that matched ``token``, or None when this account needs no factor.

    First checks the account's credential seal (every account, whatever its role). Raises a 401
    ``DomainError`` otherwise; a missing or wrong code is a failed sign-in for the lockout.
    """
    try:
        credential_seal_check(request, user, via=via)
    except DomainError:
        _failed(request, user)
        raise
    if not otp_required(user):
        return None
    if not _devices(user).exists():
        _failed(request, user)
        raise DomainError(
            "Akun ini wajib memakai kode OTP, tetapi belum ada perangkat autentikator yang terdaftar. "
            "Minta admin mendaftarkannya (sigap otp enroll).",
            "This account needs a one-time code but has no authenticator enrolled. Ask an "
            "administrator to enrol one (sigap otp enroll).",
            code="otp_not_enrolled",
            status=401,
            field="otp",
        )
    if not (token or "").strip():
        _failed(request, user)
        raise DomainError(
            "Akun ini wajib memakai kode OTP: masukkan 6 angka dari aplikasi autentikator.",
            "This account needs a one-time code: enter the 6 digits from the authenticator app.",
            code="otp_required",
            status=401,
            field="otp",
        )
    device = otp_matching_device(user, token)
    if device is None:
        _failed(request, user)
        raise DomainError(
            "Kode OTP salah, sudah kedaluwarsa, atau sudah dipakai (tunggu kode berikutnya).",
            "The one-time code is wrong, has expired, or was already used (wait for the next code).",
            code="otp_invalid",
            status=401,
            field="otp",
        )
    return device


def _failed(request, user) -> None:
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)


OTP_FIELD = forms.CharField(
    label=_("Kode OTP"),
    required=False,
    max_length=12,
    strip=True,
    help_text=_("Untuk akun admin, validator, pimpinan, PPID dan auditor: 6 angka dari aplikasi autentikator."),
    widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
)


class _SecondFactorMixin:
    otp_device = None
    via = "sign_in"

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        try:
            self.otp_device = second_factor_check(self.request, user, self.cleaned_data.get("otp"), via=self.via)
        except DomainError as exc:
            raise forms.ValidationError(error_text(exc), code=exc.code) from None
        if self.request is not None:
            self.request._sigap_otp_device = self.otp_device  # recorded in the new session at login (below)


class SignInForm(_SecondFactorMixin, ConsoleLoginForm):
    otp = OTP_FIELD
    via = "console"


class AdminSignInForm(_SecondFactorMixin, AdminAuthenticationForm):
    otp = OTP_FIELD
    via = "admin"


def mark_verified(request, device) -> None:
    """Record in the session which device verified this sign-in (django-otp's own session key)."""
    if device is not None:
        from django_otp import login as otp_login

        otp_login(request, device)


@receiver(user_logged_in)
def _second_factor_recorded(sender, request, user, **kwargs) -> None:
    """Every sign-in form that checked a code (the console's and the admin's) has its device recorded in the
    session Django has just made: the admin's own login view knows nothing of it, so an admin who gave the
    right code was sent back to the login by every admin page (``session_lacks_second_factor``)."""
    device = getattr(request, "_sigap_otp_device", None) if request is not None else None
    if device is not None and device.user_id == user.pk:
        mark_verified(request, device)


@receiver(user_logged_in)
def _staff_session_bounded(sender, request, user, **kwargs) -> None:
    """A staff session ends ``SIGAP_STAFF_SESSION_HOURS`` after its sign-in (12, as an API token), not Django's two
    weeks: a console left open on a kelurahan office's shared computer showed its reports to whoever sat down next
    for a fortnight (a review). Residents have no sign-in; their session keeps Django's default."""
    if request is not None and hasattr(request, "session"):
        # a moment, not a number of seconds: Django counts seconds from the session's last save, so every request
        # that wrote to it pushed the end further (a last read: an operator's console never ended while calls came)
        request.session.set_expiry(timezone.now() + timedelta(hours=settings.SIGAP_STAFF_SESSION_HOURS))


@receiver(user_logged_in)
def _resident_state_dropped(sender, request, user, **kwargs) -> None:
    """What a resident's visit left in this browser's session (the tracking codes followed, a report just filed, the
    Publik reports followed) does not become the staff session's: Django keeps a session's data at sign-in, so on a
    kelurahan office's shared computer an officer signing in after a resident took over their codes, for the staff
    session's twelve hours instead of until the browser closed (a review). What stays: the keys beginning with ``_``
    (Django's own: ``_auth_…``, ``_session_expiry``, ``_messages``) and the second factor's device."""
    if request is None or not hasattr(request, "session"):
        return
    from django_otp import DEVICE_ID_SESSION_KEY

    session = request.session
    held = list(session.keys())  # a session is not iterable
    for key in [k for k in held if not k.startswith("_") and k != DEVICE_ID_SESSION_KEY]:
        del session[key]


def enroll(user, *, replace: bool = False, name: str = "default"):
    """Create the account's confirmed TOTP device. Refuses when one exists unless ``replace``."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    existing = TOTPDevice.objects.filter(user=user)
    if existing.exists():
        if not replace:
            raise ValueError(f"{user.get_username()} already has an authenticator; use --replace to make a new one")
        existing.delete()
    return TOTPDevice.objects.create(user=user, name=name, confirmed=True)


def session_verified(request) -> bool:
    """Whether this session's sign-in passed the second factor (django-otp's session key names the device)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.models import Device

    persistent_id = request.session.get(DEVICE_ID_SESSION_KEY) if hasattr(request, "session") else None
    device = Device.from_persistent_id(persistent_id) if persistent_id else None
    return device is not None and device.user_id == request.user.pk and device.confirmed


def session_lacks_second_factor(request) -> bool:
    """A signed-in session of an account that needs a factor but did not give one at sign-in (its role came
    later, or the session was made some other way): such a session opens no console page, API or admin."""
    cached = getattr(request, "_sigap_lacks_factor", None)
    if cached is None:
        user = getattr(request, "user", None)
        cached = bool(
            user is not None and user.is_authenticated and otp_required(user) and not session_verified(request)
        )
        request._sigap_lacks_factor = cached
    return cached


class SecondFactorMiddleware:
    """Ends, before any view runs, a signed-in session that lacks the second factor its account needs now
    (``session_lacks_second_factor``). One rule for every page of every app: the console's own views check it
    too, but the channel operator's page (intake) and any page added later hold only ``login_required``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and session_lacks_second_factor(request):
            from django.contrib.auth import logout

            logout(request)
        return self.get_response(request)
