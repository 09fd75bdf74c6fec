from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fokus import backup


class Command(BaseCommand):
    help = (
        "Restore a backup into a fresh database and folder and compare every table's row count "
        "and every file's checksum with its manifest. Exit status 1 on any difference."
    )

    def add_arguments(self, parser):
        parser.add_argument("manifest", type=Path, help="The backup's *-manifest.json.")

    def handle(self, *args, manifest: Path, **options):
        if not manifest.is_file():
            raise CommandError(f"No manifest at {manifest}.")
        report = backup.restore_check(manifest_path=manifest)
        self.stdout.write(
            f"{report.tables_checked} tables ({report.rows_checked} rows) and "
            f"{report.files_checked} files checked."
        )
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(f"  {problem}")
            raise CommandError(
                f"The restore differs from the backup in {len(report.problems)} ways."
            )
        self.stdout.write("The backup restores completely.")
