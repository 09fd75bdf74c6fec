from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fokus.models import Federation
from fokus.numbers import parse_int
from retention.services import retention_apply, retention_counts


class Command(BaseCommand):
    help = (
        "Anonymise ended participations and delete what is past each federation's retention "
        "periods (dry run unless --commit). Not scheduled: there is no job runner yet, so run "
        "it from cron or by hand."
    )

    def add_arguments(self, parser):
        parser.add_argument("--federation", help="Only this federation (its id).")
        parser.add_argument(
            "--commit", action="store_true", help="Act; without it, only count what is due."
        )

    def handle(self, *args, federation=None, commit=False, **options):
        federations = Federation.objects.order_by("pk")
        if federation is not None:
            pk = parse_int(federation)
            federations = federations.filter(pk=pk) if pk is not None else federations.none()
            if not federations.exists():
                raise CommandError(f"No federation with id {federation!r}.")
        today = timezone.localdate()
        for each in federations:
            # One transaction per federation: one that fails leaves the others done.
            if commit:
                counts = retention_apply(federation=each, today=today)
            else:
                counts = retention_counts(federation=each, today=today)
            done = "done" if commit else "dry run, nothing written"
            summary = ", ".join(f"{k} {v}" for k, v in counts.as_dict().items())
            self.stdout.write(f"{each.slug} ({done}): {summary}")
