"""The partner survey's e-mails as background jobs (surveys/jobs.py): progress per e-mail, a
second run after a crash sends nobody anything twice, a failing e-mail leaves no link behind."""

from datetime import timedelta

import pytest
from django.core.mail import EmailMessage
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fokus.jobs import recover_stuck_jobs
from fokus.models import Job
from surveys.models import Audience, Contact, Invitation, Survey
from tests.world import run_queued_jobs

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(fed_a, project_a):
    return Survey.objects.create(
        federation=fed_a, project=project_a, name="Samverkan", audience=Audience.PARTNERS
    )


@pytest.fixture
def contacts(project_a):
    return [
        Contact.objects.create(project=project_a, name=name, email=f"{name.lower()}@x.example")
        for name in ("Anna", "Bertil", "Cecilia")
    ]


@pytest.fixture
def coordinator_client(coordinator):
    client = Client()
    client.force_login(coordinator)
    return client


def post_send(client, survey, contacts, capture):
    expires_on = (timezone.localdate() + timedelta(days=14)).isoformat()
    with capture(execute=True):
        response = client.post(
            reverse("surveys:survey-send", args=[survey.public_id]),
            {"contacts": [c.pk for c in contacts], "expires_on": expires_on},
        )
    assert response.status_code == 302
    return Job.objects.get(public_id=response["Location"].rstrip("/").split("/")[-1])


def died(job):
    """The job's row as a worker that died mid-job leaves it: running, no recent heartbeat."""
    long_ago = timezone.now() - timedelta(minutes=10)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, attempts=1, heartbeat_at=long_ago
    )


def test_it_reports_progress_per_e_mail(
    coordinator_client,
    survey,
    contacts,
    mailoutbox,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    job = post_send(coordinator_client, survey, contacts, django_capture_on_commit_callbacks)
    assert job.status == Job.Status.QUEUED and mailoutbox == []
    assert job.project == survey.project and job.kind == "surveys.invite"
    seen = []
    original = EmailMessage.send

    def send(message, *args, **kwargs):
        # What the job's row says just before each e-mail leaves.
        stored = Job.objects.get(pk=job.pk)
        seen.append((stored.status, stored.progress_done, stored.progress_total))
        return original(message, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", send)
    run_queued_jobs()
    assert seen == [("running", 0, 3), ("running", 1, 3), ("running", 2, 3)]
    job.refresh_from_db()
    assert (job.status, job.progress_done, job.progress_total) == ("succeeded", 3, 3)
    assert job.result["sent"] == 3 and len(mailoutbox) == 3


def test_a_second_run_sends_nobody_a_second_e_mail(
    coordinator_client, survey, contacts, mailoutbox, django_capture_on_commit_callbacks
):
    job = post_send(coordinator_client, survey, contacts, django_capture_on_commit_callbacks)
    run_queued_jobs()
    assert len(mailoutbox) == 3
    # As if the worker had died after the e-mails: recovery queues the job again.
    died(job)
    with django_capture_on_commit_callbacks(execute=True):
        assert recover_stuck_jobs() == 1
    run_queued_jobs()
    job.refresh_from_db()
    assert (job.status, job.attempts, job.result["sent"]) == ("succeeded", 2, 0)
    assert len(mailoutbox) == 3 and Invitation.objects.count() == 3


def test_reminders_run_again_remind_nobody_twice(
    coordinator_client, survey, contacts, mailoutbox, django_capture_on_commit_callbacks
):
    post_send(coordinator_client, survey, contacts, django_capture_on_commit_callbacks)
    run_queued_jobs()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            reverse("surveys:survey-remind", args=[survey.public_id])
        )
    job = Job.objects.get(kind="surveys.remind")
    assert response["Location"] == reverse("job", kwargs={"public_id": job.public_id})
    run_queued_jobs()
    assert len(mailoutbox) == 3
    died(job)
    with django_capture_on_commit_callbacks(execute=True):
        assert recover_stuck_jobs() == 1
    run_queued_jobs()
    assert len(mailoutbox) == 3
    assert sorted(Invitation.objects.values_list("reminders", flat=True)) == [1, 1, 1]


def test_a_failing_e_mail_leaves_no_link_and_the_others_go_out(
    coordinator_client,
    survey,
    contacts,
    mailoutbox,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    original = EmailMessage.send

    def send(message, *args, **kwargs):
        if message.to == ["bertil@x.example"]:
            raise ConnectionRefusedError("the mail server said no")
        return original(message, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", send)
    job = post_send(coordinator_client, survey, contacts, django_capture_on_commit_callbacks)
    run_queued_jobs()
    job.refresh_from_db()
    assert (job.status, job.result["sent"], job.result["failed"]) == ("succeeded", 2, 1)
    assert [m.to for m in mailoutbox] == [["anna@x.example"], ["cecilia@x.example"]]
    assert not Invitation.objects.filter(contact__name="Bertil").exists()  # offered again
    failed = ngettext(
        "%(count)d e-mail could not be sent; send again to try once more.",
        "%(count)d e-mails could not be sent; send again to try once more.",
        1,
    ) % {"count": 1}
    assert failed in coordinator_client.get(reverse("job", args=[job.public_id])).text


def test_when_no_e_mail_can_be_sent_the_job_fails_with_a_clear_message(
    coordinator_client,
    survey,
    contacts,
    mailoutbox,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    def send(message, *args, **kwargs):
        raise ConnectionRefusedError("down")

    monkeypatch.setattr(EmailMessage, "send", send)
    job = post_send(coordinator_client, survey, contacts, django_capture_on_commit_callbacks)
    run_queued_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error_message == _(
        "No e-mail could be sent: the mail server did not accept them. Nothing was "
        "sent; try again later, and contact support if it keeps happening."
    )
    assert not Invitation.objects.exists()


def test_a_survey_closed_before_the_job_runs_sends_nothing(
    coordinator_client, survey, contacts, mailoutbox, django_capture_on_commit_callbacks
):
    job = post_send(coordinator_client, survey, contacts, django_capture_on_commit_callbacks)
    Survey.objects.filter(pk=survey.pk).update(is_open=False)
    run_queued_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.error_message
    assert mailoutbox == [] and not Invitation.objects.exists()


def test_the_sending_job_is_the_coordinators_own(
    persona_client, coordinator_client, survey, contacts, django_capture_on_commit_callbacks
):
    job = post_send(coordinator_client, survey, contacts, django_capture_on_commit_callbacks)
    url = reverse("job", args=[job.public_id])
    for persona in ("federation_staff", "federation_admin", "case_officer_a", "outsider"):
        assert persona_client(persona).get(url).status_code == 404, persona
