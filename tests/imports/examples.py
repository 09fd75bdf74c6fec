"""The example files of docs/import-examples/ as the tests use them: read with the csv module
(for counting by hand), and imported into a project through `imports.services` as the upload
page does (upload, then commit)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from fokus.models import ImportBatch, Project, User
from imports import services
from surveys.definitions import survey_copy
from surveys.models import Survey

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "import-examples"
# The built-in partner survey whose copy responses.csv answers (docs/import-examples/README.md).
PARTNER_SURVEY = "Samverkan"


def example_bytes(name: str) -> bytes:
    return (EXAMPLES / name).read_bytes()


def example_rows(name: str) -> list[dict[str, str]]:
    with (EXAMPLES / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def day(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


def partner_survey(project: Project, actor: User) -> Survey:
    """The project's copy of the built-in partner survey, as a coordinator makes it."""
    template = Survey.objects.templates().get(name=PARTNER_SURVEY)
    return survey_copy(actor=actor, source=template, project=project)


def import_example(
    project: Project,
    actor: User,
    kind: str,
    name: str,
    *,
    survey: Survey | None = None,
    only_valid_rows: bool = False,
) -> ImportBatch:
    batch = services.import_upload(
        actor=actor,
        project=project,
        kind=kind,
        file_name=name,
        content=example_bytes(name),
        survey_id=survey.pk if survey else None,
    )
    return services.import_commit(batch=batch, actor=actor, only_valid_rows=only_valid_rows)


def import_examples(project: Project, actor: User) -> dict[str, ImportBatch]:
    """Participants first (the others find them by external_id), then ratings, then the
    partner survey's responses into a fresh copy of the survey."""
    survey = Survey.objects.filter(project=project, name=PARTNER_SURVEY).first()
    if survey is None:
        survey = partner_survey(project, actor)
    return {
        "participants": import_example(project, actor, "participants", "participants.csv"),
        "ratings": import_example(project, actor, "ratings", "ratings.csv"),
        "responses": import_example(project, actor, "responses", "responses.csv"),
    }
