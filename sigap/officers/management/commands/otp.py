"""``sigap otp``: enrol a staff account's authenticator (TOTP) and check who still needs one.

sigap otp enroll USERNAME [--replace]   create the account's authenticator and print its otpauth:// URI,
                                        secret and a QR code to scan (shown once, to whoever runs it)
sigap otp status                        accounts that need a second factor and whether they have one
sigap otp code USERNAME                 the current code of a *demo* device (made by `sigap demo`) only
sigap otp reseal USERNAME               re-write the account's credential seal over what the database holds
                                        now, after checking that its password hash, status, authenticator and
                                        roles are what they should be (``sigap.officers.seal``); access-logged
sigap otp reseal --all                  re-write under the current SECRET_KEY every seal that verifies now (also
                                        under SECRET_KEY_FALLBACKS); list the broken ones, leave them alone
"""

from __future__ import annotations

from base64 import b32encode

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Enrol a staff account's authenticator (TOTP) for the second factor; list who still needs one."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        enroll = sub.add_parser("enroll", help="create the account's authenticator and print its URI and QR code")
        enroll.add_argument("username")
        enroll.add_argument("--replace", action="store_true", help="delete the account's existing authenticator first")
        enroll.add_argument("--no-qr", action="store_true", help="print the URI and secret only")
        sub.add_parser("status", help="accounts that need a second factor, with or without an authenticator")
        code = sub.add_parser("code", help="the current code of a demo device (made by `sigap demo`)")
        code.add_argument("username")
        reseal = sub.add_parser("reseal", help="re-write the account's credential seal (after checking the account)")
        reseal.add_argument("username", nargs="?")
        reseal.add_argument(
            "--all",
            action="store_true",
            dest="every",
            help="every account whose seal verifies now (after a SECRET_KEY rotation)",
        )

    def handle(self, *args, action: str, **options):
        return getattr(self, f"_{action}")(**options)

    def _user(self, username: str):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no account named {username!r}")
        return user

    def _enroll(self, *, username: str, replace: bool, no_qr: bool, **_):
        from sigap.officers.signin import enroll

        user = self._user(username)
        try:
            device = enroll(user, replace=replace)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Authenticator for {username} (add it in an authenticator app; shown only now):")
        self.stdout.write(f"  secret: {b32encode(device.bin_key).decode()}")
        self.stdout.write(f"  URI:    {device.config_url}")
        if not no_qr:
            import io

            import segno

            buf = io.StringIO()
            segno.make(device.config_url, error="m").terminal(out=buf, compact=True)
            self.stdout.write(buf.getvalue())

    def _status(self, **_):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from sigap.officers.signin import needs_second_factor

        enrolled = set(TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
        for user in get_user_model().objects.filter(is_active=True).order_by("username"):
            if needs_second_factor(user):
                self.stdout.write(f"  {user.username:28} {'enrolled' if user.pk in enrolled else 'NOT ENROLLED'}")

    def _code(self, *, username: str, **_):
        from django_otp.oath import totp
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from sigap.officers.signin import DEMO_DEVICE

        device = TOTPDevice.objects.filter(user=self._user(username), name=DEMO_DEVICE, confirmed=True).first()
        if device is None:
            raise CommandError(f"{username} has no demo device: only devices made by `sigap demo` print their code")
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
        self.stdout.write(f"{code:0{device.digits}d}")

    def _reseal(self, *, username: str | None, every: bool, **_):
        from sigap.officers.seal import seal_valid, seal_write
        from sigap.privacy.access_log import access_record

        if every == bool(username):
            raise CommandError("name one account, or use --all")
        if every:
            broken = []
            for user in get_user_model().objects.order_by("username"):
                if seal_valid(user.pk):
                    seal_write(user.pk)
                else:
                    broken.append(user.username)
            for name in broken:
                self.stdout.write(f"  BROKEN, left alone: {name}")
            self.stdout.write(f"credential seals rewritten under the current key; {len(broken)} broken")
            return
        user = self._user(username)
        was_valid = seal_valid(user.pk)
        seal_write(user.pk, create=True)
        access_record(
            actor=None,
            action="credential_seal_rewritten",
            account=username,
            was_valid=was_valid,
            via="sigap otp reseal",
        )
        self.stdout.write(f"credential seal of {username} rewritten (it was {'valid' if was_valid else 'BROKEN'})")
