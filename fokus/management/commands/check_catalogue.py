from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from fokus.catalogue import parse_po, problems


class Command(BaseCommand):
    help = "Fail if the Swedish catalogue has untranslated or fuzzy entries or a stale .mo."

    def handle(self, *args, **options):
        directory = Path(settings.BASE_DIR) / "locale" / "sv" / "LC_MESSAGES"
        po, mo = directory / "django.po", directory / "django.mo"
        if not po.exists() or not mo.exists():
            raise CommandError(f"{po} and its compiled django.mo must both be committed.")
        found = problems(po, mo)
        if found:
            listed = "\n  ".join(found[:25])
            raise CommandError(
                f"The Swedish catalogue has {len(found)} problems (run `make messages` and "
                f"translate):\n  {listed}"
            )
        count = len(parse_po(po.read_text(encoding="utf-8")))
        self.stdout.write(f"Swedish catalogue complete: {count} messages.")
