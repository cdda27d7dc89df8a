"""The admin's names for two apps Sigap takes as they are (django-otp's authenticators, django-axes' sign-in
attempts), in the reader's language like Sigap's own apps."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import pgettext_lazy
from django_otp.plugins.otp_totp.apps import DefaultConfig as TotpAppConfig


class TotpConfig(TotpAppConfig):
    verbose_name = pgettext_lazy("admin app", "Autentikator (TOTP)")


class AxesConfig(AxesAppConfig):
    verbose_name = pgettext_lazy("admin app", "Upaya masuk (Axes)")
