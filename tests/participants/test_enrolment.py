"""Starting and extending a participation, the participant list and the participant page,
through the test client. Status codes per persona are in tests/test_permissions.py."""

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from fokus.models import AccessAction, AccessLogEntry
from participants.models import Enrolment, EnrolmentExtension
from referrals.models import ReferralStatus, ReferralStatusChange
from referrals.services import consent_withdraw

FORM_ERRORS = "The form has errors. Correct the fields marked below; nothing has been saved yet."


def start_url(enrolment):
    return reverse("participants:enrolment-start", args=[enrolment.public_id])


def extend_url(enrolment):
    return reverse("participants:enrolment-extend", args=[enrolment.public_id])


def detail_url(enrolment):
    return reverse("participants:participant-detail", args=[enrolment.public_id])


def list_url(project):
    return reverse("participants:participant-list", args=[project.pk])


def start_data(coordinator, **changes):
    return {
        "coordinator": coordinator.pk,
        "enrolled_on": "2026-09-01",
        "income_source_before": "social_assistance",
        "occupation_before": "job_seeking",
        "education_level": "upper_secondary",
        **changes,
    }


# --- Starting a participation -----------------------------------------------------------------


def test_it_starts_an_accepted_participation(
    persona_client,
    accepted,
    coordinator,
    case_officer_a,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client = persona_client("coordinator")
    page = client.get(start_url(accepted))
    assert page.status_code == 200
    assert "Ekeby" in page.text  # the home municipality, taken from the referral

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(start_url(accepted), start_data(coordinator))

    assert response.status_code == 302
    assert response["Location"] == detail_url(accepted)
    accepted.refresh_from_db()
    assert (
        accepted.status,
        accepted.coordinator,
        accepted.enrolled_on,
        accepted.planned_exit_on,
        accepted.income_source_before,
        accepted.occupation_before,
        accepted.education_level,
    ) == (
        Enrolment.Status.ACTIVE,
        coordinator,
        date(2026, 9, 1),
        date(2027, 9, 1),
        "social_assistance",
        "job_seeking",
        "upper_secondary",
    )
    referral = accepted.referral
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ENROLLED
    assert ReferralStatusChange.objects.filter(
        referral=referral, status=ReferralStatus.ENROLLED, by=coordinator
    ).exists()
    assert AccessLogEntry.objects.filter(
        action=AccessAction.CHANGE,
        object_type="participants.enrolment",
        object_id=str(accepted.public_id),
    ).exists()
    # The officer hears that something happened, with a link and no personal data.
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [case_officer_a.email]
    assert str(referral.public_id) in mail.body
    for secret in ("Testa", "Testsson", referral.personnummer, referral.personnummer[:8]):
        assert secret not in mail.body
        assert secret not in mail.subject
    shown = client.get(response["Location"])
    assert escape(_("The participation of %(name)s has started.") % {"name": "Testa Testsson"}) in (
        shown.text
    )


@pytest.mark.parametrize(
    ("enrolled_on", "months", "planned_exit"),
    [
        ("2026-01-31", 1, date(2026, 2, 28)),
        ("2026-03-15", 9, date(2026, 12, 15)),
        ("2027-11-30", 3, date(2028, 2, 29)),
    ],
)
def test_it_plans_the_exit_from_the_start_s_period_keeping_month_ends(
    persona_client, accepted, coordinator, cohort, enrolled_on, months, planned_exit
):
    cohort.period_months = months
    cohort.save()

    response = persona_client("coordinator").post(
        start_url(accepted), start_data(coordinator, enrolled_on=enrolled_on)
    )

    assert response.status_code == 302
    accepted.refresh_from_db()
    assert accepted.planned_exit_on == planned_exit


@pytest.mark.parametrize(
    ("persona", "status"),
    [("other_coordinator", 404), ("case_officer_a", 403), ("case_group_member", 403)],
)
def test_it_refuses_to_start_for_anyone_but_the_project_s_coordinators(
    request, accepted, coordinator, persona, status
):
    """Another project is not the other coordinator's: 404, as for another federation."""
    client = Client()
    client.force_login(request.getfixturevalue(persona))

    assert client.get(start_url(accepted)).status_code == status
    assert client.post(start_url(accepted), start_data(coordinator)).status_code == status
    accepted.refresh_from_db()
    assert accepted.status == Enrolment.Status.ACCEPTED
    assert accepted.referral.status == ReferralStatus.ACCEPTED


def test_it_answers_404_to_a_coordinator_of_another_federation(
    persona_client, accepted, coordinator
):
    client = persona_client("outsider")
    assert client.post(start_url(accepted), start_data(coordinator)).status_code == 404
    assert client.get(detail_url(accepted)).status_code == 404
    accepted.refresh_from_db()
    assert accepted.status == Enrolment.Status.ACCEPTED


@pytest.mark.parametrize("chosen", ["case_officer_a", "other_coordinator"])
def test_it_refuses_a_responsible_coordinator_from_outside_the_project(
    request, persona_client, accepted, chosen
):
    response = persona_client("coordinator").post(
        start_url(accepted), start_data(request.getfixturevalue(chosen))
    )

    assert response.status_code == 400
    assert escape(_("Choose one of the project's coordinators.")) in response.text
    assert escape(_(FORM_ERRORS)) in response.text
    accepted.refresh_from_db()
    assert (accepted.status, accepted.coordinator, accepted.enrolled_on) == (
        Enrolment.Status.ACCEPTED,
        None,
        None,
    )


def test_it_refuses_a_start_without_the_sus_variables(persona_client, accepted, coordinator):
    response = persona_client("coordinator").post(
        start_url(accepted), start_data(coordinator, income_source_before="")
    )

    assert response.status_code == 400
    assert escape(_("Choose the main income source before start.")) in response.text
    accepted.refresh_from_db()
    assert accepted.status == Enrolment.Status.ACCEPTED


def test_it_does_not_start_a_participation_twice(persona_client, started, coordinator):
    response = persona_client("coordinator").post(
        start_url(started), start_data(coordinator, enrolled_on="2026-10-01")
    )

    assert response.status_code == 403
    started.refresh_from_db()
    assert started.enrolled_on == date(2026, 9, 1)


# --- Extending --------------------------------------------------------------------------------


def test_it_refuses_an_extension_without_a_reason_and_saves_nothing(persona_client, started):
    response = persona_client("coordinator").post(
        extend_url(started), {"new_planned_exit_on": "2027-12-01", "reason": "  "}
    )

    assert response.status_code == 400
    assert escape(_("Write why the participation is extended.")) in response.text
    assert not EnrolmentExtension.objects.exists()
    started.refresh_from_db()
    assert started.planned_exit_on == date(2027, 9, 1)


@pytest.mark.parametrize("new_date", ["2027-09-01", "2027-06-01"])
def test_it_refuses_an_extension_that_is_not_later(persona_client, started, new_date):
    response = persona_client("coordinator").post(
        extend_url(started), {"new_planned_exit_on": new_date, "reason": "Behöver mer tid."}
    )

    assert response.status_code == 400
    message = _("The new planned exit date must be after the current one, %(date)s.") % {
        "date": "2027-09-01"
    }
    assert escape(message) in response.text
    assert not EnrolmentExtension.objects.exists()
    started.refresh_from_db()
    assert started.planned_exit_on == date(2027, 9, 1)


def test_it_extends_and_shows_the_history(persona_client, started, coordinator):
    client = persona_client("coordinator")

    response = client.post(
        extend_url(started),
        {"new_planned_exit_on": "2027-12-01", "reason": "Praktikplats börjar i oktober."},
    )

    assert response.status_code == 302
    assert response["Location"] == detail_url(started)
    started.refresh_from_db()
    assert started.planned_exit_on == date(2027, 12, 1)
    extension = EnrolmentExtension.objects.get()
    assert (extension.old_planned_exit_on, extension.new_planned_exit_on, extension.by) == (
        date(2027, 9, 1),
        date(2027, 12, 1),
        coordinator,
    )
    page = client.get(detail_url(started))
    assert "Praktikplats börjar i oktober." in page.text
    assert coordinator.full_name in page.text
    assert extend_url(started) in page.text
    assert start_url(started) not in page.text


def test_it_does_not_extend_a_participation_that_has_not_started(persona_client, accepted):
    response = persona_client("coordinator").post(
        extend_url(accepted), {"new_planned_exit_on": "2027-12-01", "reason": "Mer tid."}
    )
    assert response.status_code == 403
    assert not EnrolmentExtension.objects.exists()


# --- The list and the page --------------------------------------------------------------------


def _list_queries(client, project) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(list_url(project))
    assert response.status_code == 200
    return len(queries), response.text


def test_it_lists_participants_in_a_constant_number_of_queries(
    persona_client, accept, project_a, cohort
):
    cohort.places_per_agency = 16
    cohort.save()
    for serial in range(980, 982):
        accept(str(serial))
    client = persona_client("coordinator")
    few, _html = _list_queries(client, project_a)

    for serial in range(982, 988):
        accept(str(serial))
    many, html = _list_queries(client, project_a)

    assert Enrolment.objects.count() == 8
    assert many == few
    for enrolment in Enrolment.objects.all():
        assert detail_url(enrolment) in html


def test_it_filters_the_list_by_status(persona_client, accept, started, project_a, cohort):
    waiting = accept("985", name="Vera Väntar")
    response = persona_client("coordinator").get(list_url(project_a), {"status": "active"})

    assert response.status_code == 200
    assert detail_url(started) in response.text
    assert detail_url(waiting) not in response.text

    response = persona_client("coordinator").get(
        list_url(project_a), {"cohort": cohort.pk, "status": "accepted"}
    )
    assert detail_url(waiting) in response.text
    assert detail_url(started) not in response.text


def test_it_answers_a_bad_filter_with_400(persona_client, project_a):
    response = persona_client("coordinator").get(list_url(project_a), {"status": "nonsense"})
    assert response.status_code == 400


def test_it_logs_who_opened_the_participant_page(persona_client, started, coordinator):
    response = persona_client("coordinator").get(detail_url(started))

    assert response.status_code == 200
    entry = AccessLogEntry.objects.get(action=AccessAction.VIEW)
    assert (entry.actor, entry.object_type, entry.object_id, entry.object_label) == (
        coordinator,
        "participants.enrolment",
        str(started.public_id),
        "Testa Testsson",
    )
    # The SUS variables at start, and the referral's own gender, birth year, municipality.
    assert escape(_("Sjukpenning")) in response.text
    assert reverse("referrals:referral-detail", args=[started.referral.public_id]) in response.text


def test_it_flags_a_withdrawn_consent_and_keeps_the_details_for_the_coordinators(
    persona_client, started, coordinator, project_a
):
    consent_withdraw(
        actor=coordinator,
        referral=started.referral,
        withdrawn_on=date(2026, 10, 1),
        channel="phone",
    )
    client = persona_client("coordinator")

    page = client.get(detail_url(started))
    assert page.status_code == 200
    assert escape(_("Consent withdrawn")) in page.text
    assert "Testa Testsson" in page.text
    listed = client.get(list_url(project_a))
    assert escape(_("Consent withdrawn")) in listed.text
    assert extend_url(started) not in page.text


def test_it_refuses_post_on_the_participant_page(persona_client, started):
    assert persona_client("coordinator").post(detail_url(started)).status_code == 405


def test_it_links_the_participants_from_the_project_page_for_coordinators_only(
    persona_client, project_a
):
    url = list_url(project_a)
    assert (
        url
        in persona_client("coordinator").get(reverse("project-detail", args=[project_a.pk])).text
    )
    assert (
        url
        not in persona_client("case_group_member")
        .get(reverse("project-detail", args=[project_a.pk]))
        .text
    )
