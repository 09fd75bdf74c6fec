"""No lost updates (`fokus.conflicts`): two people open the same edit form, one saves, and the
other's save is refused with what changed (theirs vs yours) until they save again on purpose.

Each kind of row is raced the same way, through the pages as two browsers would use them: the
forms are read from the pages (`tests/form_crawler.py`), hidden version included."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from cohorts.models import Cohort
from fokus.conflicts import CONFLICT_STATUS
from fokus.roles import Role
from fokus.services import federation_object_save
from participants.models import FollowUp, Goal
from participants.plans import goal_save
from participants.services import enrolment_exit
from referrals.models import Referral
from reports import services as report_services
from reports.models import ParticipantReport, ProjectReport
from reports.participant_reports import Kind
from tests.clock import today
from tests.conftest import make_user
from tests.form_crawler import TEXT_TYPES, Form, browser_data, parse_page


@pytest.fixture
def colleague(fed_a, project_a):
    """A second coordinator of project A."""
    return make_user(
        fed_a, "kollega@a.example", "Kajsa Kollega", (Role.COORDINATOR, {"project": project_a})
    )


@pytest.fixture
def officer_colleague(fed_a, agency_af):
    """A second case officer of the agency that wrote the referral."""
    return make_user(
        fed_a,
        "handlaggare2.af@a.example",
        "Helge Handläggare",
        (Role.CASE_OFFICER, {"agency": agency_af}),
    )


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _edit_form(response, url: str) -> Form:
    assert response.status_code in (200, CONFLICT_STATUS), response.status_code
    _links, forms = parse_page(url, response.content.decode())
    return next(form for form in forms if "version" in form.names)


def _send(client: Client, form: Form, fill: dict):
    """Submit the form as the page shows it, with `fill` typed in: blanks stay blank."""
    data = browser_data(form, today=today().isoformat(), fill=fill)
    for field in form.fields:
        if field.name not in fill and field.type in TEXT_TYPES | {"textarea", "number"}:
            data[field.name] = field.value
    return client.post(form.action, data)


@dataclass
class Race:
    conflict: object  # B's refused response
    again: object  # B's second save, from the conflict page


def race(*, url: str, a: Client, b: Client, field: str, theirs: str, yours: str, extra=None):
    """A and B open the form; A saves `theirs`, B then saves `yours` into `field`."""
    extra = extra or {}
    form_a = _edit_form(a.get(url), url)
    form_b = _edit_form(b.get(url), url)
    saved = _send(a, form_a, {field: theirs, **extra})
    assert saved.status_code == 302, saved.context and saved.context["form"].errors
    conflict = _send(b, form_b, {field: yours, **extra})
    assert conflict.status_code == CONFLICT_STATUS, conflict.status_code
    html = conflict.content.decode()
    assert escape(_("Someone else saved changes while you were editing.")) in html
    changes = conflict.context["form"].conflict.changes
    assert [(c.theirs, c.yours) for c in changes] == [(theirs, yours)]
    assert escape(theirs) in html and escape(yours) in html
    # B's input is still in the form, which now carries the stored version: saving again is
    # a deliberate overwrite.
    again = _send(b, _edit_form(conflict, url), extra)
    return Race(conflict=conflict, again=again), changes[0].label


def _assert_label(label: str, model, name: str) -> None:
    assert label.lower() == str(model._meta.get_field(name).verbose_name).lower()


# --- A start (cohort) ---------------------------------------------------------------------------


def _cohort_race(cohort, coordinator, colleague):
    url = reverse("participants:cohort-edit", args=[cohort.pk])
    return race(
        url=url,
        a=_client(coordinator),
        b=_client(colleague),
        field="places",
        theirs="20",
        yours="18",
    )


def test_it_refuses_a_stale_start_and_shows_what_changed(cohort, coordinator, colleague):
    result, label = _cohort_race(cohort, coordinator, colleague)
    _assert_label(label, Cohort, "places")
    # Between the refusal and the second save the row held A's value.
    assert result.again.status_code == 302
    cohort.refresh_from_db()
    assert (cohort.places, cohort.edit_version) == (18, 3)


def test_it_keeps_the_first_save_when_the_second_is_refused(cohort, coordinator, colleague):
    url = reverse("participants:cohort-edit", args=[cohort.pk])
    a, b = _client(coordinator), _client(colleague)
    form_a, form_b = _edit_form(a.get(url), url), _edit_form(b.get(url), url)
    assert _send(a, form_a, {"places": "20"}).status_code == 302
    assert _send(b, form_b, {"places": "18"}).status_code == CONFLICT_STATUS
    cohort.refresh_from_db()
    assert (cohort.places, cohort.edit_version) == (20, 2)


@pytest.mark.django_db(transaction=True)
def test_it_refuses_a_stale_start_in_autocommit(cohort, coordinator, colleague):
    url = reverse("participants:cohort-edit", args=[cohort.pk])
    a, b = _client(coordinator), _client(colleague)
    form_a, form_b = _edit_form(a.get(url), url), _edit_form(b.get(url), url)
    assert _send(a, form_a, {"places": "20"}).status_code == 302
    assert _send(b, form_b, {"places": "18"}).status_code == CONFLICT_STATUS
    assert Cohort.objects.get(pk=cohort.pk).places == 20


# --- A referral draft ---------------------------------------------------------------------------


def test_it_refuses_a_stale_referral_draft(make_referral, case_officer_a, officer_colleague):
    referral = make_referral()
    url = reverse("referrals:referral-edit", args=[referral.public_id])
    result, label = race(
        url=url,
        a=_client(case_officer_a),
        b=_client(officer_colleague),
        field="background",
        theirs="Arbetslös sedan 2022.",
        yours="Sjukskriven sedan 2023.",
        extra={"action": "save"},
    )
    _assert_label(label, Referral, "background")
    assert result.again.status_code == 302
    referral.refresh_from_db()
    assert referral.background == "Sjukskriven sedan 2023."


def test_it_stores_the_first_referral_save(make_referral, case_officer_a, officer_colleague):
    referral = make_referral()
    url = reverse("referrals:referral-edit", args=[referral.public_id])
    a, b = _client(case_officer_a), _client(officer_colleague)
    form_a, form_b = _edit_form(a.get(url), url), _edit_form(b.get(url), url)
    _send(a, form_a, {"background": "Arbetslös sedan 2022.", "action": "save"})
    response = _send(b, form_b, {"background": "Sjukskriven.", "action": "save"})
    assert response.status_code == CONFLICT_STATUS
    referral.refresh_from_db()
    assert referral.background == "Arbetslös sedan 2022."


# --- A goal of the action plan ------------------------------------------------------------------


def test_it_refuses_a_stale_goal(started, coordinator, colleague):
    goal = goal_save(
        actor=coordinator, enrolment=started, text="Ta körkort", responsible="participant"
    )
    url = reverse("participants:goal-edit", args=[goal.pk])
    result, label = race(
        url=url,
        a=_client(coordinator),
        b=_client(colleague),
        field="text",
        theirs="Ta körkort B",
        yours="Börja på Komvux",
    )
    _assert_label(label, Goal, "text")
    goal.refresh_from_db()
    assert result.again.status_code == 302
    assert goal.text == "Börja på Komvux"


def test_it_keeps_the_first_goal_save(started, coordinator, colleague):
    goal = goal_save(
        actor=coordinator, enrolment=started, text="Ta körkort", responsible="participant"
    )
    url = reverse("participants:goal-edit", args=[goal.pk])
    a, b = _client(coordinator), _client(colleague)
    form_a, form_b = _edit_form(a.get(url), url), _edit_form(b.get(url), url)
    _send(a, form_a, {"text": "Ta körkort B"})
    assert _send(b, form_b, {"text": "Börja på Komvux"}).status_code == CONFLICT_STATUS
    goal.refresh_from_db()
    assert goal.text == "Ta körkort B"
    # The refused save wrote no plan version either.
    assert goal.plan.versions.count() == 2


# --- The participant's follow-up answers --------------------------------------------------------


@pytest.fixture
def exited(started, coordinator):
    return enrolment_exit(
        actor=coordinator,
        enrolment=started,
        exited_on=date(2026, 11, 2),
        exit_reason="completed_period",
        destination="studies",
        receiving_party="Vuxenutbildningen Ekeby, studievägledare Per",
        exit_plan="Börjar på Komvux i januari.",
        income_source_after="study_support",
        occupation_after="studies",
    )


@pytest.mark.today("2027-06-01")
def test_it_refuses_stale_follow_up_answers(exited, coordinator, colleague):
    url = reverse("participants:follow-up-record", args=[exited.public_id])
    result, label = race(
        url=url,
        a=_client(coordinator),
        b=_client(colleague),
        field="comment",
        theirs="Trivs på Komvux.",
        yours="Har fått jobb.",
        extra={"done_on": "2027-02-01"},
    )
    _assert_label(label, FollowUp, "comment")
    assert result.again.status_code == 302
    assert FollowUp.objects.get(enrolment=exited).comment == "Har fått jobb."


@pytest.mark.today("2027-06-01")
def test_it_keeps_the_first_follow_up_answers(exited, coordinator, colleague):
    url = reverse("participants:follow-up-record", args=[exited.public_id])
    a, b = _client(coordinator), _client(colleague)
    form_a, form_b = _edit_form(a.get(url), url), _edit_form(b.get(url), url)
    _send(a, form_a, {"comment": "Trivs på Komvux.", "done_on": "2027-02-01"})
    response = _send(b, form_b, {"comment": "Har fått jobb.", "done_on": "2027-02-01"})
    assert response.status_code == CONFLICT_STATUS
    assert FollowUp.objects.get(enrolment=exited).comment == "Trivs på Komvux."


# --- A participant report's draft ---------------------------------------------------------------


@pytest.fixture
def report_draft(started, coordinator):
    return report_services.participant_report_create(
        actor=coordinator,
        enrolment=started,
        kind=Kind.FOLLOW_UP_3,
        mapping="Kartläggning.",
        summary="Det går bra.",
        recommendations="Fortsätt.",
    )


def test_it_refuses_a_stale_report_draft(report_draft, coordinator, colleague):
    url = reverse("reports:participant-report-edit", args=[report_draft.pk])
    result, label = race(
        url=url,
        a=_client(coordinator),
        b=_client(colleague),
        field="summary",
        theirs="Det går mycket bra.",
        yours="Det går trögt.",
    )
    _assert_label(label, ParticipantReport, "summary")
    assert result.again.status_code == 302
    assert ParticipantReport.objects.get(pk=report_draft.pk).summary == "Det går trögt."


def test_it_keeps_the_first_report_save(report_draft, coordinator, colleague):
    url = reverse("reports:participant-report-edit", args=[report_draft.pk])
    a, b = _client(coordinator), _client(colleague)
    form_a, form_b = _edit_form(a.get(url), url), _edit_form(b.get(url), url)
    _send(a, form_a, {"summary": "Det går mycket bra."})
    assert _send(b, form_b, {"summary": "Det går trögt."}).status_code == CONFLICT_STATUS
    assert ParticipantReport.objects.get(pk=report_draft.pk).summary == "Det går mycket bra."


# --- A project's final-report narrative --------------------------------------------------------


def test_it_refuses_a_stale_final_report_text(project_a, coordinator, colleague):
    url = reverse("reports:final-report-edit", args=[project_a.pk])
    _send(_client(coordinator), _edit_form(_client(coordinator).get(url), url), {"goals": "Mål"})
    result, label = race(
        url=url,
        a=_client(coordinator),
        b=_client(colleague),
        field="lessons",
        theirs="Samverkan tar tid.",
        yours="Börja tidigt.",
    )
    _assert_label(label, ProjectReport, "lessons")
    assert result.again.status_code == 302
    assert ProjectReport.objects.get(project=project_a).lessons == "Börja tidigt."


def test_it_refuses_to_overwrite_a_first_text_written_meanwhile(project_a, coordinator, colleague):
    """Nobody had written the text when both opened the page: the second is still refused."""
    url = reverse("reports:final-report-edit", args=[project_a.pk])
    a, b = _client(coordinator), _client(colleague)
    form_a, form_b = _edit_form(a.get(url), url), _edit_form(b.get(url), url)
    assert _send(a, form_a, {"lessons": "Samverkan tar tid."}).status_code == 302
    assert _send(b, form_b, {"lessons": "Börja tidigt."}).status_code == CONFLICT_STATUS
    assert ProjectReport.objects.get(project=project_a).lessons == "Samverkan tar tid."


# --- Without a form ----------------------------------------------------------------------------


def test_it_does_not_check_a_save_without_a_version(cohort, coordinator):
    """Callers outside a form (the demo, imports) send no version and are not refused."""
    federation_object_save(
        actor=coordinator,
        model=Cohort,
        owner={"project": cohort.project},
        values={"places": 30},
        pk=cohort.pk,
    )
    cohort.refresh_from_db()
    assert (cohort.places, cohort.edit_version) == (30, 2)


def test_it_refuses_a_tampered_version(cohort, coordinator):
    url = reverse("participants:cohort-edit", args=[cohort.pk])
    client = _client(coordinator)
    form = _edit_form(client.get(url), url)
    response = _send(client, form, {"places": "20", "version": "abc"})
    assert response.status_code == 400
    assert escape(_("The form was out of date. Open the page again and make your changes.")) in (
        response.content.decode()
    )
    cohort.refresh_from_db()
    assert cohort.edit_version == 1
