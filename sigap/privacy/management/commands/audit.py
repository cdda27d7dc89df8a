import json
from datetime import UTC
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sigap.core.errors import DomainError
from sigap.privacy import access_log


class Command(BaseCommand):
    help = (
        "The access log. 'verify': recompute the keyed hash chain, report the first tampered row and check that "
        "every given checkpoint is still a prefix of the log. 'checkpoint': write a signed checkpoint of the "
        "log's last row for auditors to keep outside the database. 'public-key': print the key that verifies "
        "checkpoints (auditors keep it). 'new-key': print a fresh audit key for SIGAP_AUDIT_KEY."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "checkpoint", "public-key", "new-key"])
        parser.add_argument(
            "--checkpoint",
            action="append",
            default=[],
            metavar="PATH",
            help="verify: a checkpoint file, or a directory of them (repeatable). "
            "SIGAP_AUDIT_CHECKPOINT_DIR is always checked when set.",
        )
        parser.add_argument(
            "--public-key",
            action="append",
            default=[],
            metavar="KEY",
            help="verify: check checkpoint signatures against this public key (the one you kept); "
            "repeatable or comma-separated, one per audit key the checkpoints were signed with",
        )
        parser.add_argument(
            "--since-mark",
            action="store_true",
            help="verify: read the rows appended since the last such run and a slice of older rows in turn "
            "(--sweep-rows), not the whole log, then mark where this run ended (the nightly job). Without it "
            "every row is read.",
        )
        parser.add_argument(
            "--sweep-rows",
            type=int,
            default=None,
            metavar="N",
            help="verify --since-mark: how many older rows to read again (default SIGAP_AUDIT_VERIFY_SWEEP_ROWS)",
        )
        parser.add_argument("--out", default="", metavar="FILE", help="checkpoint: write to FILE")
        parser.add_argument(
            "--out-dir",
            default="",
            metavar="DIR",
            help="checkpoint: write checkpoint-<row>-<time>.json into DIR "
            "(default SIGAP_AUDIT_CHECKPOINT_DIR; without either, print it)",
        )

    def handle(self, *args, action: str, **options):
        if action == "new-key":
            self.stdout.write(access_log.generate_audit_key())
        elif action == "public-key":
            self.stdout.write(access_log.public_key_text())
        elif action == "checkpoint":
            self._checkpoint(options["out"], options["out_dir"] or settings.SIGAP_AUDIT_CHECKPOINT_DIR)
        else:
            sweep = options["sweep_rows"]
            if sweep is not None and not options["since_mark"]:
                raise CommandError("--sweep-rows goes with --since-mark (without it every row is read)")
            if sweep is not None and sweep < 0:
                raise CommandError("--sweep-rows must be 0 or more")
            since_mark = options["since_mark"]
            sweep = settings.SIGAP_AUDIT_VERIFY_SWEEP_ROWS if sweep is None else sweep
            self._verify(options["checkpoint"], options["public_key"], since_mark=since_mark, sweep_rows=sweep)

    def _checkpoint(self, out: str, out_dir: str):
        try:
            checkpoint = access_log.access_checkpoint()
        except DomainError as exc:
            raise CommandError(exc.message_en) from exc
        text = json.dumps(checkpoint, indent=2, sort_keys=True) + "\n"
        if not out and not out_dir:
            self.stdout.write(text, ending="")
            return
        path = Path(out or out_dir)
        try:
            if out:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text)
            else:
                path = access_log.write_checkpoint(checkpoint, out_dir)
        except OSError as exc:
            raise CommandError(f"cannot write the checkpoint to {path}: {exc.strerror or exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Checkpoint of row {checkpoint['seq']} written to {path}."))

    def _verify(self, paths: list[str], public_keys: list[str], *, since_mark: bool = False, sweep_rows: int = 0):
        for p in paths:
            if not Path(p).exists():
                raise CommandError(f"checkpoint {p} does not exist")
        try:
            checkpoints = access_log.configured_checkpoints(newest=since_mark)
            checkpoints += [cp for p in paths for cp in access_log.checkpoints_in(p)]
            # the configured directory given again, or a copy kept elsewhere: each checkpoint counts once
            checkpoints = list({json.dumps(cp, sort_keys=True): cp for cp in checkpoints}.values())
            key = access_log.parse_public_keys(public_keys) if public_keys else None
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        # by hand, every row; either way the run's mark (or what it found) is appended for the runs after it
        result = access_log.access_verify_and_mark(
            checkpoints,
            public_key=key,
            sweep_rows=max(sweep_rows, 0),
            full=not since_mark,
            own_checkpoints=not paths and not public_keys,  # the archive, with this instance's keys
        )
        if result.ok:
            noun = "checkpoint" if result.checkpoints == 1 else "checkpoints"
            self.stdout.write(
                self.style.SUCCESS(
                    f"Access log intact: {result.rows} rows verified{self._coverage(result)}, "
                    f"{result.checkpoints} {noun} matched."
                )
            )
            return
        hint = ""
        if "signature" in result.problem and not public_keys:
            # a checkpoint signed by an audit key this process does not hold: a forgery, or a configuration that
            # lacks the key (rolled back, or SIGAP_AUDIT_OLD_KEYS incomplete); the kept public keys tell which
            hint = (
                " (or this process's SIGAP_AUDIT_KEY / SIGAP_AUDIT_OLD_KEYS lack the key that signed it: verify "
                "with the public keys you kept, --public-key)"
            )
        elif "signature" in result.problem:
            hint = (
                " (or the key that signed it is not among the --public-key given: pass every public key kept since "
                "the first checkpoint, the old ones with the new)"
            )
        raise CommandError(f"Access log TAMPERED at row {result.seq}: {result.problem}{hint}")

    @staticmethod
    def _coverage(result) -> str:
        """Which rows a run since the last mark read (nothing to add when it read the whole log)."""
        if result.mark_at is None:
            return ""
        read = f"rows {result.since}..{result.last}" if result.since <= result.last else "no new rows"
        text = f" ({read} since the verification of {result.mark_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
        if result.swept:
            text += f"; older rows {result.swept[0]}..{result.swept[1]} read again"
        return text + ")"
