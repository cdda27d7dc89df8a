from django.core.management.base import BaseCommand

from sigap.privacy import reveal, vault
from sigap.privacy.models import IdentityRecord, VaultBlob


class Command(BaseCommand):
    help = (
        "The identity vault. 'new-key' prints a fresh master key; 'rotate' re-wraps every data key under the "
        "current master key and seals intact reveal requests again with it (put the previous key in "
        "SIGAP_VAULT_OLD_KEYS first); 'status' counts records and reveal requests per key; "
        "'sweep' removes stored original files that no record names (a failed write's, unreadable anyway) in the "
        "day directories 2 to 9 days old (--oldest-days to look further back)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["new-key", "rotate", "status", "sweep"])
        parser.add_argument("--oldest-days", type=int, default=9, help="sweep: the oldest day directory looked at")

    def handle(self, *args, action: str, **options):
        if action == "new-key":
            self.stdout.write(vault.generate_master_key())
            return
        if action == "sweep":
            counts = vault.blob_files_sweep(oldest_days=options["oldest_days"])
            self.stdout.write(
                f"Vault files: {counts['days']} day directories, {counts['files']} files, {counts['kept']} kept, "
                f"{counts['removed']} removed (named by no record)."
            )
            return
        if action == "rotate":
            counts = vault.rotate()
            sealed = reveal.reseal_under_current_key()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Re-wrapped {counts['rewrapped']} data keys; {counts['already_current']} already current; "
                    f"{counts['shredded']} shredded records skipped. Payloads were not decrypted. "
                    f"{sealed['resealed']} reveal requests sealed again under the current key."
                )
            )
            if sealed["not_intact"]:
                self.stdout.write(
                    self.style.WARNING(
                        f"{sealed['not_intact']} not intact (changed outside the application): their seals were "
                        "left as found, and they stay refused."
                    )
                )
            return
        current = vault.master_key().key_id
        for model in (IdentityRecord, VaultBlob):
            rows = {}
            for key_id, destroyed in model.objects.values_list("key_id", "destroyed_at"):
                label = "shredded" if destroyed else ("current key" if key_id == current else f"old key {key_id}")
                rows[label] = rows.get(label, 0) + 1
            self.stdout.write(
                f"{model._meta.verbose_name_plural}: " + (", ".join(f"{k}: {v}" for k, v in rows.items()) or "none")
            )
        requests = reveal.seal_status()
        self.stdout.write("reveal requests: " + (", ".join(f"{k}: {v}" for k, v in requests.items()) or "none"))
