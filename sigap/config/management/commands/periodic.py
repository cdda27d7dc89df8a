from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Sigap's periodic jobs (sigap/config/periodic.py). 'list': the jobs and their times; 'once JOB': run one "
        "now; 'run': run every job at its times until stopped (the embedded default; `sigap serve` starts it "
        "when no Celery broker is configured; with a broker run `celery -A sigap.config beat` instead)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["list", "once", "run"])
        parser.add_argument("job", nargs="?")
        parser.add_argument("--parent", type=int, default=None, help="run: stop when this process is gone")

    def handle(self, *args, action: str, job: str | None, parent: int | None, **options):
        from sigap.config.periodic import JOBS, run_forever, run_job

        if action == "list":
            for name, j in JOBS.items():
                state = "" if j.enabled() else "  (not configured: skipped)"
                self.stdout.write(f"{name:18} {j.schedule}  sigap {' '.join(j.command)}  — {j.why}{state}")
        elif action == "once":
            if job not in JOBS:
                raise CommandError(f"unknown job {job!r}; one of: {', '.join(JOBS)}")
            self.stdout.write(run_job(job))
        else:
            run_forever(parent=parent)
