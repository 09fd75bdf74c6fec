"""`manage.py import_data participants deltagare.xlsx --project 7 [--commit]`: the upload page
on the command line. Without --commit it prints the dry run and writes nothing; the exit
status is 1 when any row has an error (with --commit and errors nothing is written unless
--only-valid-rows)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from fokus import policy
from fokus.models import ImportKind, Project, User
from fokus.numbers import parse_int
from imports import services
from imports.reading import ImportFileError
from surveys.models import Survey


class Command(BaseCommand):
    help = (
        "Import participants, step ratings or survey responses from a CSV or XLSX file into a "
        "project (docs/import.md). A dry run unless --commit."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=ImportKind.values)
        parser.add_argument("file", type=Path)
        parser.add_argument("--project", required=True, help="The project's id.")
        parser.add_argument("--survey", help="Survey responses: the survey's id.")
        parser.add_argument(
            "--user",
            help="E-mail of the coordinator or administrator the import is recorded as "
            "(default: the federation's only administrator).",
        )
        parser.add_argument("--commit", action="store_true", help="Write; without it, only check.")
        parser.add_argument(
            "--only-valid-rows",
            action="store_true",
            help="With --commit: write the valid rows even when others have errors.",
        )

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            return self._handle(**options)

    def _project(self, raw) -> Project:
        pk = parse_int(raw)
        project = Project.objects.filter(pk=pk).first() if pk is not None else None
        if project is None:
            raise CommandError(f"No project with id {raw!r}.")
        return project

    def _actor(self, project: Project, email: str | None) -> User:
        if email:
            actor = User.objects.filter(email__iexact=email, is_active=True).first()
            if actor is None or actor.federation_id != project.federation_id:
                raise CommandError(f"No active user {email!r} in the project's federation.")
        else:
            admins = [
                user
                for user in User.objects.filter(federation_id=project.federation_id, is_active=True)
                if policy.is_federation_admin(user)
            ]
            if len(admins) != 1:
                raise CommandError("Name the user the import is recorded as: --user EMAIL.")
            actor = admins[0]
        if not policy.ProjectAccess(actor, project).can("imports.run"):
            raise CommandError(f"{actor.email} may not import data into {project}.")
        return actor

    def _handle(self, *, kind, file, project, survey, user, commit, only_valid_rows, **options):
        project = self._project(project)
        actor = self._actor(project, user)
        survey_id = None
        if survey is not None:
            survey_id = parse_int(survey)
            if (
                survey_id is None
                or not Survey.objects.filter(pk=survey_id, project=project).exists()
            ):
                raise CommandError(f"The project has no survey with id {survey!r}.")
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        try:
            result = services.check_file(
                kind=kind,
                project=project,
                actor=actor,
                file_name=file.name,
                content=content,
                survey_id=survey_id,
            )
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        for note in result.notes:
            self.stdout.write(note)
        for row in result.rows:
            self.stdout.write(row.line())
        counts = result.counts()
        summary = ", ".join(f"{outcome} {count}" for outcome, count in counts.items())
        if commit and (only_valid_rows or not result.has_errors):
            batch = services.import_upload(
                actor=actor,
                project=project,
                kind=kind,
                file_name=file.name,
                content=content,
                survey_id=survey_id,
            )
            try:
                services.import_commit(batch=batch, actor=actor, only_valid_rows=only_valid_rows)
            except (services.ImportRefused, ImportFileError) as error:
                message = error.messages[0] if hasattr(error, "messages") else str(error)
                raise CommandError(message) from error
            self.stdout.write(f"Imported ({summary}).")
        elif commit:
            self.stdout.write(f"Nothing written: rows have errors ({summary}).")
        else:
            self.stdout.write(f"Dry run, nothing written ({summary}).")
        if result.has_errors:
            raise CommandError(f"{counts['error']} rows have errors.", returncode=1)
