"""The ärendegrupp's meeting services called with data in autocommit (transaction=True):
the project lock they take must sit inside their own transaction."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from fokus.models import AccessAction, AccessLogEntry
from referrals import meetings
from referrals.models import CaseGroupMeeting, Consultation, ReferralStatus
from referrals.services import ReferralError

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_creates_a_meeting_and_queues_the_waiting_referrals(
    case_group_member, project_a, make_referral
):
    waiting = make_referral(status=ReferralStatus.SUBMITTED, submitted_at=timezone.now())
    day = timezone.localdate() + timedelta(days=3)

    meeting, queued = meetings.meeting_create(
        actor=case_group_member, project=project_a, date=day, time=time(13, 30), location=" Rum 2 "
    )

    assert (meeting.date, meeting.time, meeting.location) == (day, time(13, 30), "Rum 2")
    waiting.refresh_from_db()
    assert (queued, waiting.meeting) == (1, meeting)
    entry = AccessLogEntry.objects.get(action=AccessAction.CREATE)
    assert entry.detail == "1 referrals queued"


def test_it_logs_the_changed_fields_of_a_meeting_attendees_too(
    case_group_member, coordinator, project_a
):
    meeting = CaseGroupMeeting.objects.create(
        project=project_a, date=timezone.localdate() + timedelta(days=7), location="Rum 2"
    )
    meeting.location = "changed on the caller's copy, as a bound form does"

    meetings.meeting_update(
        actor=case_group_member,
        meeting=meeting,
        date=meeting.date,
        time=None,
        location="Rum 2",
        attendees=[case_group_member, coordinator],
        notes="Två ärenden.",
    )

    meeting.refresh_from_db()
    assert set(meeting.attendees.all()) == {case_group_member, coordinator}
    entry = AccessLogEntry.objects.get(action=AccessAction.CHANGE)
    assert entry.detail == "attendees, notes"


def test_it_raises_a_consultation_for_a_meeting_of_the_project(
    case_officer_a, agency_af, project_a
):
    meeting = CaseGroupMeeting.objects.create(
        project=project_a, date=timezone.localdate() + timedelta(days=7)
    )

    consultation = meetings.consultation_create(
        actor=case_officer_a,
        project=project_a,
        agency=agency_af,
        summary="En person i 30-årsåldern ...",
        question="Passar insatsen?",
        meeting=meeting,
    )

    assert (consultation.raised_by, consultation.raised_by_agency) == (case_officer_a, agency_af)
    assert consultation.meeting == meeting


def test_it_refuses_a_consultation_at_another_projects_meeting(
    case_officer_a, agency_af, project_a, project_a_other
):
    elsewhere = CaseGroupMeeting.objects.create(
        project=project_a_other, date=timezone.localdate() + timedelta(days=7)
    )

    with pytest.raises(ReferralError):
        meetings.consultation_create(
            actor=case_officer_a,
            project=project_a,
            agency=agency_af,
            summary="…",
            question="…",
            meeting=elsewhere,
        )

    assert not Consultation.objects.exists()
