from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fokus import backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump -Fc) and the stored files into a folder, with a manifest "
        "of row counts and checksums for `restore_check`."
    )

    def add_arguments(self, parser):
        parser.add_argument("target", type=Path, help="Folder for the backup files.")

    def handle(self, *args, target: Path, **options):
        try:
            made = backup.backup(target=target)
        except (RuntimeError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Database: {made.dump}")
        self.stdout.write(f"Files:    {made.files}")
        self.stdout.write(f"Manifest: {made.manifest}")
