"""Ending a participation (exit with hand-over) and the follow-up 90 days later, through the
test client. Status codes per persona are in tests/test_permissions.py."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from fokus.models import AccessAction, AccessLogEntry
from participants.models import Enrolment, FollowUp
from participants.services import enrolment_exit
from referrals.models import ReferralStatus, ReferralStatusChange

FORM_ERRORS = "The form has errors. Correct the fields marked below; nothing has been saved yet."
NO_RECEIVING_PARTY = (
    "Write who takes over after the project, e.g. an agency and a named contact. "
    "A participation cannot be ended without a receiving party."
)
NO_PLAN = (
    "Write the plan agreed for the time after the project. A participation cannot "
    "be ended without a plan."
)
NO_EXTENT = "Enter the extent of the work in per cent, e.g. 50 or 100."


def exit_url(enrolment):
    return reverse("participants:enrolment-exit", args=[enrolment.public_id])


def follow_up_url(enrolment):
    return reverse("participants:follow-up-record", args=[enrolment.public_id])


def detail_url(enrolment):
    return reverse("participants:participant-detail", args=[enrolment.public_id])


def exit_data(**changes):
    return {
        "exited_on": "2026-11-02",
        "exit_reason": "work",
        "destination": "work_subsidised",
        "destination_extent_percent": "50",
        "receiving_party": "Arbetsförmedlingen, Stina Stöd",
        "exit_plan": "Lönebidragsanställning på Ekeby förråd; uppföljning med AF i januari.",
        "income_source_after": "salary",
        "occupation_after": "work",
        "occupation_extent_percent": "50",
        **changes,
    }


@pytest.fixture
def today(monkeypatch):
    """Fix the date the app sees as today (the clock is outside the project)."""

    def set_today(day: date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)

    set_today(date(2027, 6, 1))
    return set_today


@pytest.fixture
def exited(started, coordinator, today):
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


def _assert_still_active(enrolment):
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.exited_on, enrolment.exit_reason) == (
        Enrolment.Status.ACTIVE,
        None,
        "",
    )
    assert not FollowUp.objects.exists()
    enrolment.referral.refresh_from_db()
    assert enrolment.referral.status == ReferralStatus.ENROLLED
    assert not ReferralStatusChange.objects.filter(status=ReferralStatus.EXITED).exists()


# --- Exit ---------------------------------------------------------------------------------------


def test_it_refuses_an_exit_without_receiving_party_and_plan(persona_client, started, today):
    response = persona_client("coordinator").post(
        exit_url(started), exit_data(receiving_party=" ", exit_plan="")
    )

    assert response.status_code == 400
    assert escape(_(FORM_ERRORS)) in response.text
    assert escape(_(NO_RECEIVING_PARTY)) in response.text
    assert escape(_(NO_PLAN)) in response.text
    _assert_still_active(started)


@pytest.mark.parametrize("reason", ["died", "registered_in_error"])
def test_it_ends_without_hand_over_when_the_person_died_or_was_registered_in_error(
    persona_client, started, today, reason
):
    response = persona_client("coordinator").post(
        exit_url(started),
        {"exited_on": "2026-11-02", "exit_reason": reason},
    )

    assert response.status_code == 302
    started.refresh_from_db()
    assert (started.status, started.exit_reason, started.receiving_party) == (
        Enrolment.Status.EXITED,
        reason,
        "",
    )
    # Nobody to follow up.
    assert not FollowUp.objects.exists()
    started.referral.refresh_from_db()
    assert started.referral.status == ReferralStatus.EXITED


@pytest.mark.parametrize("destination", ["work_unsubsidised", "work_subsidised"])
def test_it_requires_the_extent_of_work(persona_client, started, today, destination):
    response = persona_client("coordinator").post(
        exit_url(started),
        exit_data(destination=destination, destination_extent_percent=""),
    )

    assert response.status_code == 400
    assert escape(_(NO_EXTENT)) in response.text
    _assert_still_active(started)


@pytest.mark.parametrize("extent", ["0", "101", "halvtid"])
def test_it_refuses_an_extent_outside_1_to_100(persona_client, started, today, extent):
    response = persona_client("coordinator").post(
        exit_url(started), exit_data(destination_extent_percent=extent)
    )

    assert response.status_code == 400
    assert escape(_("Enter a whole number from 1 to 100.")) in response.text
    _assert_still_active(started)


def test_it_does_not_keep_an_extent_for_a_destination_other_than_work(
    persona_client, started, today
):
    response = persona_client("coordinator").post(
        exit_url(started), exit_data(destination="studies", destination_extent_percent="50")
    )

    assert response.status_code == 302
    started.refresh_from_db()
    assert (started.destination, started.destination_extent_percent) == ("studies", None)


def test_it_requires_the_destination_and_the_sus_variables_at_exit(persona_client, started, today):
    response = persona_client("coordinator").post(
        exit_url(started),
        exit_data(destination="", income_source_after="", occupation_after=""),
    )

    assert response.status_code == 400
    for message in (
        "Choose where the person goes after the project.",
        "Choose the main income source at exit.",
        "Choose the occupation at exit.",
    ):
        assert escape(_(message)) in response.text
    _assert_still_active(started)


@pytest.mark.parametrize(
    ("exited_on", "message", "values"),
    [
        (
            "2026-08-31",
            "The exit date cannot be before the enrolment date, %(date)s.",
            {"date": "2026-09-01"},
        ),
        ("2027-06-02", "The exit date cannot be in the future.", None),
    ],
)
def test_it_refuses_an_exit_date_before_enrolment_or_in_the_future(
    persona_client, started, today, exited_on, message, values
):
    response = persona_client("coordinator").post(exit_url(started), exit_data(exited_on=exited_on))

    assert response.status_code == 400
    assert escape(_(message) % values if values else _(message)) in response.text
    _assert_still_active(started)


def test_it_ends_a_participation_and_tells_the_officer_without_personal_data(
    persona_client,
    started,
    coordinator,
    case_officer_a,
    today,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client = persona_client("coordinator")
    assert client.get(exit_url(started)).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(exit_url(started), exit_data())

    assert response.status_code == 302
    assert response["Location"] == detail_url(started)
    started.refresh_from_db()
    assert (
        started.status,
        started.exited_on,
        started.exit_reason,
        started.destination,
        started.destination_extent_percent,
        started.receiving_party,
        started.income_source_after,
        started.occupation_after,
        started.occupation_extent_percent,
    ) == (
        Enrolment.Status.EXITED,
        date(2026, 11, 2),
        "work",
        "work_subsidised",
        50,
        "Arbetsförmedlingen, Stina Stöd",
        "salary",
        "work",
        50,
    )
    assert started.follow_up.due_on == date(2027, 1, 31)
    referral = started.referral
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.EXITED
    assert ReferralStatusChange.objects.filter(
        referral=referral, status=ReferralStatus.EXITED, by=coordinator
    ).exists()
    assert AccessLogEntry.objects.filter(
        action=AccessAction.CHANGE,
        object_id=str(started.public_id),
        detail__startswith="exited 2026-11-02",
    ).exists()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [case_officer_a.email]
    assert str(referral.public_id) in mail.body
    for secret in ("Testa", "Testsson", referral.personnummer, referral.personnummer[:8], "Insats"):
        assert secret not in mail.body
        assert secret not in mail.subject
    shown = client.get(response["Location"])
    message = _("The participation of %(name)s has ended.") % {"name": "Testa Testsson"}
    assert escape(message) in shown.text


@pytest.mark.parametrize(
    ("enrolled_on", "exited_on", "due_on"),
    [
        (date(2026, 9, 1), "2026-11-30", date(2027, 2, 28)),
        (date(2025, 12, 1), "2026-01-01", date(2026, 4, 1)),
        (date(2027, 9, 1), "2027-12-01", date(2028, 2, 29)),  # a leap year
    ],
)
def test_it_plans_the_follow_up_exactly_90_days_after_exit(
    persona_client, started, today, enrolled_on, exited_on, due_on
):
    today(date(2028, 1, 1))
    started.enrolled_on = enrolled_on
    started.planned_exit_on = date(2028, 12, 1)
    started.save()

    response = persona_client("coordinator").post(exit_url(started), exit_data(exited_on=exited_on))

    assert response.status_code == 302
    assert FollowUp.objects.get(enrolment=started).due_on == due_on


def test_it_ends_only_an_active_participation(persona_client, accept, exited, today):
    waiting = accept("985")
    client = persona_client("coordinator")
    for enrolment in (waiting, exited):
        assert client.get(exit_url(enrolment)).status_code == 403
        assert client.post(exit_url(enrolment), exit_data()).status_code == 403
    waiting.refresh_from_db()
    assert waiting.status == Enrolment.Status.ACCEPTED
    exited.refresh_from_db()
    assert exited.exit_reason == "completed_period"
    assert FollowUp.objects.count() == 1


@pytest.mark.parametrize(
    ("persona", "status"), [("other_coordinator", 404), ("case_officer_a", 403)]
)
def test_it_refuses_the_exit_to_anyone_but_the_project_s_coordinators(
    request, started, today, persona, status
):
    client = Client()
    client.force_login(request.getfixturevalue(persona))

    assert client.get(exit_url(started)).status_code == status
    assert client.post(exit_url(started), exit_data()).status_code == status
    _assert_still_active(started)


def test_it_answers_404_to_another_federation_for_the_exit(persona_client, started, today):
    client = persona_client("outsider")
    assert client.get(exit_url(started)).status_code == 404
    assert client.post(exit_url(started), exit_data()).status_code == 404
    _assert_still_active(started)


def test_it_answers_404_to_another_federation_for_the_follow_up(persona_client, exited, today):
    client = persona_client("outsider")
    assert client.get(follow_up_url(exited)).status_code == 404
    assert client.post(follow_up_url(exited), follow_up_data()).status_code == 404
    assert FollowUp.objects.get().done_on is None


def test_it_refuses_other_methods(persona_client, exited):
    client = persona_client("coordinator")
    assert client.put(exit_url(exited)).status_code == 405
    assert client.delete(follow_up_url(exited)).status_code == 405


# --- The follow-up ------------------------------------------------------------------------------


def follow_up_data(**changes):
    return {
        "done_on": "2027-01-31",
        "self_sufficient": "yes",
        "income_source": "study_support",
        "occupation": "studies",
        "comment": "Trivs på Komvux.",
        **changes,
    }


def test_it_records_the_follow_up(persona_client, exited, coordinator, today):
    client = persona_client("coordinator")
    assert client.get(follow_up_url(exited)).status_code == 200

    response = client.post(follow_up_url(exited), follow_up_data())

    assert response.status_code == 302
    assert response["Location"] == detail_url(exited)
    follow_up = FollowUp.objects.get()
    assert (
        follow_up.done_on,
        follow_up.self_sufficient,
        follow_up.income_source,
        follow_up.occupation,
        follow_up.comment,
        follow_up.recorded_by,
    ) == (date(2027, 1, 31), True, "study_support", "studies", "Trivs på Komvux.", coordinator)
    assert AccessLogEntry.objects.filter(
        action=AccessAction.CHANGE, detail="follow-up recorded 2027-01-31"
    ).exists()
    page = client.get(detail_url(exited))
    assert escape(_("The follow-up was recorded.")) in page.text
    assert "Trivs på Komvux." in page.text
    follow_up_section = page.text.split('id="follow-up-heading"')[1].split("</section>")[0]
    assert escape(_("Overdue")) not in follow_up_section


@pytest.mark.parametrize(
    ("done_on", "is_accepted"),
    [("2027-01-16", False), ("2027-01-17", True), ("2027-06-01", True), ("2027-06-02", False)],
)
def test_it_takes_the_follow_up_from_two_weeks_before_it_is_due_until_today(
    persona_client, exited, today, done_on, is_accepted
):
    # Due 2027-01-31; today is 2027-06-01.
    response = persona_client("coordinator").post(
        follow_up_url(exited), follow_up_data(done_on=done_on)
    )

    assert response.status_code == (302 if is_accepted else 400)
    follow_up = FollowUp.objects.get()
    assert follow_up.done_on == (date.fromisoformat(done_on) if is_accepted else None)
    if not is_accepted:
        assert escape(_(FORM_ERRORS)) in response.text


def test_it_explains_a_follow_up_recorded_too_early(persona_client, exited, today):
    response = persona_client("coordinator").post(
        follow_up_url(exited), follow_up_data(done_on="2027-01-01")
    )

    message = _(
        "The follow-up is due %(due)s: it can be recorded from %(earliest)s, two weeks before."
    ) % {"due": "2027-01-31", "earliest": "2027-01-17"}
    assert escape(message) in response.text


def test_it_requires_every_answer_of_the_follow_up(persona_client, exited, today):
    response = persona_client("coordinator").post(
        follow_up_url(exited), follow_up_data(self_sufficient="", income_source="")
    )

    assert response.status_code == 400
    assert escape(_("Answer whether the person is self-sufficient.")) in response.text
    assert escape(_("Choose the main income source.")) in response.text
    assert FollowUp.objects.get().done_on is None


def test_it_has_no_follow_up_to_record_before_exit_or_after_death(
    persona_client, started, coordinator, today
):
    client = persona_client("coordinator")
    assert client.get(follow_up_url(started)).status_code == 403
    enrolment_exit(
        actor=coordinator, enrolment=started, exited_on=date(2026, 11, 2), exit_reason="died"
    )
    assert client.post(follow_up_url(started), follow_up_data()).status_code == 403


@pytest.mark.parametrize(
    ("persona", "status"), [("other_coordinator", 404), ("case_officer_a", 403)]
)
def test_it_refuses_the_follow_up_to_anyone_but_the_project_s_coordinators(
    request, exited, persona, status
):
    client = Client()
    client.force_login(request.getfixturevalue(persona))

    assert client.post(follow_up_url(exited), follow_up_data()).status_code == status
    assert FollowUp.objects.get().done_on is None


# --- The participant page and the list ----------------------------------------------------------


def test_it_shows_the_exit_and_flags_an_overdue_follow_up(persona_client, exited, today):
    client = persona_client("coordinator")
    today(date(2027, 1, 31))  # the day it is due: not yet overdue
    page = client.get(detail_url(exited))

    assert page.status_code == 200
    for text in (
        _("Completed the period"),
        _("Studies"),
        "Vuxenutbildningen Ekeby, studievägledare Per",
        "Börjar på Komvux i januari.",
        _("Study support"),
        _("90-day follow-up"),
    ):
        assert escape(text) in page.text
    assert follow_up_url(exited) in page.text
    assert exit_url(exited) not in page.text

    def follow_up_section(html):
        return html.split('id="follow-up-heading"')[1].split("</section>")[0]

    assert escape(_("Overdue")) not in follow_up_section(page.text)

    today(date(2027, 2, 1))
    assert escape(_("Overdue")) in follow_up_section(client.get(detail_url(exited)).text)


def test_it_offers_the_exit_for_an_active_participation(persona_client, started):
    page = persona_client("coordinator").get(detail_url(started))

    assert exit_url(started) in page.text
    assert escape(_("End the participation")) in page.text
    assert follow_up_url(started) not in page.text


def test_it_lists_exited_participants_with_their_follow_up_date(
    persona_client, exited, accept, project_a
):
    waiting = accept("985", name="Vera Väntar")
    response = persona_client("coordinator").get(
        reverse("participants:participant-list", args=[project_a.pk]), {"status": "exited"}
    )

    assert response.status_code == 200
    assert detail_url(exited) in response.text
    assert detail_url(waiting) not in response.text
    assert "2027-01-31" in response.text
