"""The import's services in autocommit, as the command and the job worker call them: no test
transaction around them, so each must be atomic on its own — everything of a file is written,
or nothing (`imports.services.import_commit`)."""

import pytest
from django.db import connection

from fokus.models import ImportBatch
from imports import services
from participants.models import Enrolment
from referrals.models import Referral, ReferralStatusChange
from stepladder.models import Rating
from surveys.models import Answer, Response
from tests.imports.examples import example_bytes, example_rows, import_examples

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_example_files_are_written_in_autocommit(
    history_project, history_coordinator, tmp_path
):
    assert not connection.in_atomic_block
    batches = import_examples(history_project, history_coordinator)
    assert all(b.status == ImportBatch.Status.COMMITTED for b in batches.values())
    assert Referral.objects.filter(project=history_project).count() == 64
    assert Enrolment.objects.filter(project=history_project).count() == 64
    assert ReferralStatusChange.objects.filter(referral__project=history_project).exists()
    assert Rating.objects.filter(enrolment__project=history_project).count() == len(
        example_rows("ratings.csv")
    )
    assert Response.objects.filter(survey__project=history_project).count() == 24
    assert Answer.objects.filter(response__survey__project=history_project).exists()
    # The uploads were deleted once their import had committed (on_commit, at once here).
    assert not any(ImportBatch.objects.filter(project=history_project).exclude(file=""))
    assert [p for p in (tmp_path / "media").rglob("*") if p.is_file()] == []


def test_a_write_that_fails_half_way_leaves_nothing(
    history_project, history_coordinator, monkeypatch
):
    batch = services.import_upload(
        actor=history_coordinator,
        project=history_project,
        kind="participants",
        file_name="participants.csv",
        content=example_bytes("participants.csv"),
    )

    def fail(**kwargs):
        raise RuntimeError("the database went away")

    # The last step of the commit, after every row and the batch have been written.
    monkeypatch.setattr(services, "log_access", fail)
    with pytest.raises(RuntimeError):
        services.import_commit(batch=batch, actor=history_coordinator)
    assert not Referral.objects.exists()
    assert not Enrolment.objects.exists()
    assert not history_project.cohorts.exists()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UPLOADED
    assert batch.file  # kept, to be imported again

    monkeypatch.undo()
    services.import_commit(batch=batch, actor=history_coordinator)
    assert Referral.objects.filter(project=history_project).count() == 64


def test_a_refused_commit_writes_nothing_in_autocommit(history_project, history_coordinator):
    content = example_bytes("participants.csv").replace(b",Norrvik,", b",Norrwik,", 1)
    batch = services.import_upload(
        actor=history_coordinator,
        project=history_project,
        kind="participants",
        file_name="participants.csv",
        content=content,
    )
    with pytest.raises(services.ImportRefused):
        services.import_commit(batch=batch, actor=history_coordinator)
    assert not Referral.objects.exists()
    batch = services.import_commit(batch=batch, actor=history_coordinator, only_valid_rows=True)
    assert (batch.result["new"], batch.result["error"]) == (63, 1)
    assert Referral.objects.count() == 63
