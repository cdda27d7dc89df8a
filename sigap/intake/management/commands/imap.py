from django.core.management.base import BaseCommand, CommandError

from sigap.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Email by IMAP. 'sigap imap poll' fetches the UNSEEN messages of SIGAP_EMAIL_IMAP_FOLDER, stores and "
        "processes each (the same path as the email webhook) and marks it \\Seen once stored; then it files "
        "the email dialogs whose resident did not answer in time. 'sigap imap sweep' does only the latter "
        "(for installations that receive email by webhook). Run poll every minute or two (cron or Celery beat)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["poll", "sweep"])

    def handle(self, *args, action: str, **options):
        from sigap.intake.channels.email import email_pending_sweep, imap_poll

        if action == "poll":
            try:
                counts = imap_poll()
            except DomainError as exc:
                raise CommandError(exc.message_en) from None
            except OSError as exc:  # connection refused, TLS, timeout: cron tries again
                raise CommandError(f"IMAP connection failed ({type(exc).__name__})") from None
            self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items() if v) or "no new mail")
        filed = email_pending_sweep()
        self.stdout.write(f"waiting email dialogs filed: {filed}")
