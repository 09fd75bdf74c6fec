"""An upload holds personal data: kept while it waits for its import, deleted once imported,
and deleted after a week when the import never came (on the next upload and by the nightly
retention run)."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from fokus.models import ImportBatch
from imports import services
from retention.services import retention_apply, retention_counts
from tests.imports.conftest import PARTICIPANT_HEADER, csv_file

pytestmark = pytest.mark.django_db

CONTENT = csv_file(PARTICIPANT_HEADER, "P-1,Ekeby,2020-09-01,af,woman,1985,2020-09-07,,,")


def upload(project, actor):
    return services.import_upload(
        actor=actor, project=project, kind="participants", file_name="d.csv", content=CONTENT
    )


def aged(batch, days):
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - timedelta(days=days))


def test_retention_deletes_uploads_left_for_a_week(
    history_project, history_coordinator, django_capture_on_commit_callbacks
):
    old, recent = (
        upload(history_project, history_coordinator),
        upload(history_project, history_coordinator),
    )
    aged(old, 8)
    aged(recent, 3)
    old_name = old.file.name
    assert (
        retention_counts(
            federation=history_project.federation, today=timezone.localdate()
        ).uploads_deleted
        == 1
    )
    with django_capture_on_commit_callbacks(execute=True):
        counts = retention_apply(federation=history_project.federation, today=timezone.localdate())
    assert counts.uploads_deleted == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert not old.file and not default_storage.exists(old_name)
    assert recent.file and default_storage.exists(recent.file.name)


def test_a_new_upload_clears_the_projects_stale_ones(
    history_project, history_coordinator, django_capture_on_commit_callbacks
):
    old = upload(history_project, history_coordinator)
    aged(old, 8)
    with django_capture_on_commit_callbacks(execute=True):
        upload(history_project, history_coordinator)
    old.refresh_from_db()
    assert not old.file


def test_an_imported_upload_is_deleted_at_once(
    history_project, history_coordinator, django_capture_on_commit_callbacks
):
    batch = upload(history_project, history_coordinator)
    name = batch.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.import_commit(batch=batch, actor=history_coordinator)
    assert not default_storage.exists(name)
    batch.refresh_from_db()
    assert batch.file_sha256 and batch.result["new"] == 1
