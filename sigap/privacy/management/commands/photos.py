from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Photos: 'sigap photos sweep' de-identifies every photo left processing (the running system does "
        "this by itself every minute); 'sigap photos status' counts them by state; 'sigap photos retry ID...' "
        "gives failed photos a new round of attempts (after fixing what made them fail)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["sweep", "status", "retry"])
        parser.add_argument("ids", nargs="*", type=int)
        parser.add_argument("--limit", type=int, default=500)

    def handle(self, *args, action: str, ids: list[int], limit: int, **options):
        from django.db.models import Count

        from sigap.privacy.photo_worker import photos_sweep
        from sigap.reports.models import Photo

        if action == "sweep":
            counts = photos_sweep(limit=limit)
            self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()) or "nothing pending")
        elif action == "status":
            rows = Photo.objects.exclude(state=Photo.State.READY).values_list("state").annotate(n=Count("id"))
            self.stdout.write(", ".join(f"{state}: {n}" for state, n in rows) or "every photo is ready")
        else:
            if not ids:
                raise CommandError("give the ids of the failed photos to retry")
            n = Photo.objects.filter(pk__in=ids, state=Photo.State.FAILED).update(
                state=Photo.State.PROCESSING, attempts=0, claimed_at=None
            )
            self.stdout.write(f"{n} photo(s) back in the queue; the next sweep takes them")
