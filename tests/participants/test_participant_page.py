"""The participant page: the timeline of everything, read in a constant number of queries,
next due actions, and what a case officer of the referring agency sees (not the notes)."""

from datetime import date, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fokus.models import AccessAction, AccessLogEntry
from participants.models import (
    ActionPlan,
    ActionPlanVersion,
    Attendance,
    ClientMeeting,
    Enrolment,
    GroupSession,
    InvitationLetter,
    MeetingKind,
)
from participants.timeline import timeline
from referrals.services import consent_withdraw

pytestmark = pytest.mark.django_db

NOTE = "Privat anteckning om samtalet"


def detail_url(enrolment):
    return reverse("participants:participant-detail", args=[enrolment.public_id])


def _add_events(enrolment, cohort, coordinator, agency, count, *, start=0):
    """`count` events of each kind: meetings (with attendees), group sessions with
    attendance, plan versions and invitation letters."""
    plan, _created = ActionPlan.objects.get_or_create(enrolment=enrolment)
    for i in range(start, start + count):
        day = date(2026, 9, 1) + timedelta(days=i)
        meeting = ClientMeeting.objects.create(
            enrolment=enrolment,
            kind=MeetingKind.INDIVIDUAL,
            talk_form="walk",
            date=day,
            duration_minutes=45,
            notes=NOTE,
            next_step=f"Steg {i}",
            recorded_by=coordinator,
        )
        meeting.coordinators.add(coordinator)
        meeting.agencies.add(agency)
        session = GroupSession.objects.create(
            cohort=cohort, date=day, duration_minutes=180, theme="sleep", recorded_by=coordinator
        )
        Attendance.objects.create(session=session, enrolment=enrolment, status="present")
        plan.version = i + 1
        plan.save()
        ActionPlanVersion.objects.create(
            plan=plan, number=i + 1, summary=f"Ändring {i}", goals=[], by=coordinator
        )
        InvitationLetter.objects.create(
            enrolment=enrolment,
            intake_at=timezone.make_aware(timezone.datetime.combine(day, time(10))),
            intake_place="Kontoret",
            contact=coordinator,
            contact_phone="010-123 45 67",
            created_by=coordinator,
        )


def _page_queries(client, enrolment):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(detail_url(enrolment))
    assert response.status_code == 200
    return len(queries), response.text


def test_a_page_with_100_timeline_events_runs_a_constant_number_of_queries(
    persona_client, started, cohort, coordinator, agency_fk
):
    client = persona_client("coordinator")
    _add_events(started, cohort, coordinator, agency_fk, 1)
    few, _html = _page_queries(client, started)

    _add_events(started, cohort, coordinator, agency_fk, 24, start=1)
    many, html = _page_queries(client, started)

    assert len(timeline(started)) >= 100
    assert many == few
    assert "Steg 24" in html and "Ändring 24" in html


def test_the_timeline_is_newest_first_and_covers_the_whole_story(
    started, cohort, coordinator, agency_fk
):
    _add_events(started, cohort, coordinator, agency_fk, 2)
    events = timeline(started)

    keys = [event.sort_key for event in events]
    assert keys == sorted(keys, reverse=True)
    categories = {event.category for event in events}
    assert categories == {"referral", "participation", "meeting", "attendance", "plan", "letter"}
    titles = [event.title for event in events]
    assert _("Participation started") in titles
    assert any(title.startswith(_("Referral: %(status)s") % {"status": ""}) for title in titles)


def test_the_page_shows_next_due_actions(persona_client, started, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date(2026, 9, 20))
    html = persona_client("coordinator").get(detail_url(started)).text

    due_section = html.split('id="due-heading"')[1].split("</section>")[0]
    assert _("Individual talk (none in 14 days)") in due_section
    assert _("Overdue") in due_section


# --- The case officer's view -------------------------------------------------------------------


def test_the_referring_agency_s_officer_sees_the_summary_but_not_the_notes(
    persona_client, started, cohort, coordinator, agency_fk, case_officer_a
):
    _add_events(started, cohort, coordinator, agency_fk, 1)
    response = persona_client("case_officer_a").get(detail_url(started))

    assert response.status_code == 200
    html = response.text
    assert "Testa Testsson" in html
    assert _("Action plan") in html
    assert NOTE not in html
    assert "Steg 0" not in html  # meeting details stay with the project
    assert reverse("participants:meeting-create", args=[started.public_id]) not in html
    assert AccessLogEntry.objects.filter(
        actor=case_officer_a, action=AccessAction.VIEW, object_id=str(started.public_id)
    ).exists()


def test_the_officer_lists_only_participants_shared_with_the_agency(
    persona_client, accept, started, agency_fk, case_officer_b
):
    from_fk = accept("985", agency=agency_fk, officer=case_officer_b, name="Frida Fk")
    list_url = reverse("participants:officer-participant-list")

    html_a = persona_client("case_officer_a").get(list_url).text
    html_b = persona_client("case_officer_b").get(list_url).text

    assert detail_url(started) in html_a and detail_url(from_fk) not in html_a
    assert detail_url(from_fk) in html_b and detail_url(started) not in html_b
    # Another agency's participant is a 404, as another agency's referral is.
    assert persona_client("case_officer_b").get(detail_url(started)).status_code == 404


def test_nothing_is_shared_after_consent_withdrawal(persona_client, started, case_officer_a):
    consent_withdraw(
        actor=case_officer_a,
        referral=started.referral,
        withdrawn_on=date(2026, 10, 1),
        channel="phone",
        note="",
    )
    client = persona_client("case_officer_a")

    assert client.get(detail_url(started)).status_code == 404
    listed = client.get(reverse("participants:officer-participant-list")).text
    assert detail_url(started) not in listed
    assert Enrolment.objects.shared_with_officer(case_officer_a).count() == 0


def test_consent_must_cover_the_referring_agency(started, case_officer_a, agency_af):
    """An agency of kind "other" has no box on the consent form: nothing is shared with it."""
    assert Enrolment.objects.shared_with_officer(case_officer_a).count() == 1
    agency_af.kind = "other"
    agency_af.save()
    assert Enrolment.objects.shared_with_officer(case_officer_a).count() == 0


def test_the_officer_list_is_for_case_officers_only(persona_client):
    url = reverse("participants:officer-participant-list")
    assert persona_client("coordinator").get(url).status_code == 403
