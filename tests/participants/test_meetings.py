"""Meetings with a participant (intake, individual talks, follow-up, exit, external) through the
test client and the service. Status codes per persona are in tests/test_permissions.py."""

from datetime import date, time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from fokus.models import AccessAction, AccessLogEntry, Agency, AgencyKind
from participants.meetings import MeetingError, meeting_save
from participants.models import ClientMeeting, Enrolment
from tests.conftest import make_user

FORM_ERRORS = "The form has errors. Correct the fields marked below; nothing has been saved yet."
TALK_FORM_REQUIRED = "Choose how the individual talk was held."
TALK_FORM_NOT_ALLOWED = (
    "Only an individual talk has a form. Leave the form of the talk empty for this type of meeting."
)
IN_FUTURE = "The date cannot be in the future: a meeting is recorded after it has been held."
DURATION = "Enter the duration in whole minutes, from 5 to 720."
FOREIGN_AGENCY = "Choose among the federation's agencies."

TODAY = date(2026, 10, 15)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    """Fix the date the app sees as today (the clock is outside the project)."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


@pytest.fixture
def client_a(coordinator):
    client = Client()
    client.force_login(coordinator)
    return client


def create_url(enrolment, kind=""):
    url = reverse("participants:meeting-create", args=[enrolment.public_id])
    return f"{url}?kind={kind}" if kind else url


def edit_url(meeting):
    return reverse("participants:meeting-edit", args=[meeting.pk])


def detail_url(enrolment):
    return reverse("participants:participant-detail", args=[enrolment.public_id])


def meeting_data(**changes):
    data = {
        "kind": "individual",
        "talk_form": "walk",
        "date": "2026-10-14",
        "start_time": "10:00",
        "duration_minutes": "45",
        "participant_attended": "on",
        "other_attendees": "Tolk",
        "notes": "Promenad runt sjön; pratade om sömn.",
        "next_step": "Ringa vårdcentralen före nästa träff.",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def meeting(started, coordinator, agency_af):
    return meeting_save(
        actor=coordinator,
        enrolment=started,
        kind="intake",
        date=date(2026, 9, 1),
        start_time=time(9, 0),
        duration_minutes=60,
        coordinators=[coordinator],
        agencies=[agency_af],
        notes="Inskrivningssamtal.",
        next_step="Två enskilda samtal före gruppstart.",
    )


# --- Recording a meeting -----------------------------------------------------------------------


def test_it_offers_the_defaults_and_preselects_the_type(client_a, started, coordinator):
    response = client_a.get(create_url(started, "individual"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["kind"] == "individual"
    assert form.initial["date"] == TODAY
    assert form.initial["duration_minutes"] == 60
    assert form.initial["participant_attended"] is True
    assert form.initial["coordinators"] == [coordinator.pk]
    html = response.content.decode()
    assert '<option value="individual" selected>' in html
    assert 'value="2026-10-15"' in html
    assert f'value="{coordinator.pk}"' in html and "checked" in html


def test_it_ignores_an_unknown_preselected_type(client_a, started):
    response = client_a.get(create_url(started, "party"))
    assert response.status_code == 200
    assert "kind" not in response.context["form"].initial


def test_it_records_an_individual_talk(
    client_a, started, coordinator, agency_af, agency_fk, agency_soc
):
    response = client_a.post(
        create_url(started),
        meeting_data(coordinators=[coordinator.pk], agencies=[agency_af.pk, agency_soc.pk]),
    )
    assert response.status_code == 302
    assert response["Location"] == detail_url(started)
    meeting = ClientMeeting.objects.get(enrolment=started)
    assert meeting.kind == "individual"
    assert meeting.talk_form == "walk"
    assert meeting.date == date(2026, 10, 14)
    assert meeting.start_time == time(10, 0)
    assert meeting.duration_minutes == 45
    assert meeting.participant_attended is True
    assert list(meeting.coordinators.all()) == [coordinator]
    assert set(meeting.agencies.all()) == {agency_af, agency_soc}
    assert meeting.other_attendees == "Tolk"
    assert meeting.next_step == "Ringa vårdcentralen före nästa träff."
    assert meeting.recorded_by == coordinator
    entry = AccessLogEntry.objects.get(action=AccessAction.CREATE, object_id=str(started.public_id))
    assert entry.actor == coordinator
    assert f"meeting {meeting.pk} individual 2026-10-14 recorded" == entry.detail


def test_it_records_a_meeting_the_participant_missed(client_a, started):
    data = meeting_data(kind="follow_up", talk_form="")
    del data["participant_attended"]
    response = client_a.post(create_url(started), data)
    assert response.status_code == 302
    meeting = ClientMeeting.objects.get(enrolment=started)
    assert meeting.kind == "follow_up"
    assert meeting.participant_attended is False


def test_it_records_the_intake_talk_before_the_start(client_a, accepted):
    assert accepted.status == Enrolment.Status.ACCEPTED
    response = client_a.post(create_url(accepted), meeting_data(kind="intake", talk_form=""))
    assert response.status_code == 302
    assert ClientMeeting.objects.get(enrolment=accepted).kind == "intake"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"kind": "individual", "talk_form": ""}, "talk_form", TALK_FORM_REQUIRED),
        ({"kind": "exit", "talk_form": "office"}, "talk_form", TALK_FORM_NOT_ALLOWED),
        ({"date": "2026-10-16"}, "date", IN_FUTURE),
        ({"duration_minutes": "4"}, "duration_minutes", DURATION),
        ({"duration_minutes": "721"}, "duration_minutes", DURATION),
        ({"duration_minutes": "en timme"}, "duration_minutes", DURATION),
        ({"date": "2026-13-45"}, "date", "Enter the date as YYYY-MM-DD, e.g. 2026-09-01."),
        ({"kind": "party"}, "kind", "Choose the type of meeting."),
        ({"talk_form": "sauna"}, "talk_form", "Choose a form of the talk from the list."),
    ],
)
def test_it_refuses_bad_input_and_keeps_what_was_typed(client_a, started, changes, field, message):
    response = client_a.post(create_url(started), meeting_data(**changes))
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors[field] == [_(message)]
    html = response.content.decode()
    assert escape(_(FORM_ERRORS)) in html
    assert escape(_(message)) in html
    # What was typed is still there.
    assert "Promenad runt sjön; pratade om sömn." in html
    assert not ClientMeeting.objects.exists()


def test_it_refuses_another_federations_agency_without_failing(client_a, started, agency_b):
    response = client_a.post(create_url(started), meeting_data(agencies=[agency_b.pk]))
    assert response.status_code == 400
    assert escape(_(FOREIGN_AGENCY)) in response.content.decode()
    assert not ClientMeeting.objects.exists()


@pytest.mark.parametrize("value", ["abc", "999999", "-1"])
def test_it_refuses_a_tampered_agency_or_coordinator(client_a, started, value):
    response = client_a.post(create_url(started), meeting_data(agencies=[value]))
    assert response.status_code == 400
    assert "agencies" in response.context["form"].errors
    response = client_a.post(create_url(started), meeting_data(coordinators=[value]))
    assert response.status_code == 400
    assert "coordinators" in response.context["form"].errors
    assert not ClientMeeting.objects.exists()


def test_it_offers_only_the_projects_coordinators_and_active_agencies(
    client_a, started, coordinator, other_coordinator, agency_af, fed_a
):
    closed = Agency.objects.create(
        federation=fed_a, kind=AgencyKind.REGION, name="Region (nedlagd)", is_active=False
    )
    form = client_a.get(create_url(started)).context["form"]
    assert list(form.fields["coordinators"].queryset) == [coordinator]
    assert agency_af in form.fields["agencies"].queryset
    assert closed not in form.fields["agencies"].queryset
    response = client_a.post(create_url(started), meeting_data(coordinators=[other_coordinator.pk]))
    assert response.status_code == 400
    assert response.context["form"].errors["coordinators"]
    response = client_a.post(create_url(started), meeting_data(agencies=[closed.pk]))
    assert response.status_code == 400
    assert not ClientMeeting.objects.exists()


# --- Changing a meeting ------------------------------------------------------------------------


def test_it_prefills_the_meeting_to_change(client_a, meeting, coordinator, agency_af):
    response = client_a.get(edit_url(meeting))
    assert response.status_code == 200
    initial = response.context["form"].initial
    assert initial["kind"] == "intake"
    assert initial["date"] == date(2026, 9, 1)
    assert initial["coordinators"] == [coordinator.pk]
    assert initial["agencies"] == [agency_af.pk]
    assert "Två enskilda samtal före gruppstart." in response.content.decode()


def test_it_changes_a_meeting(client_a, meeting, started, agency_fk):
    response = client_a.post(
        edit_url(meeting),
        meeting_data(kind="individual", talk_form="home_visit", agencies=[agency_fk.pk]),
    )
    assert response.status_code == 302
    assert response["Location"] == detail_url(started)
    meeting.refresh_from_db()
    assert meeting.kind == "individual"
    assert meeting.talk_form == "home_visit"
    assert list(meeting.agencies.all()) == [agency_fk]
    # Nobody ticked: the coordinators are removed.
    assert not meeting.coordinators.exists()
    assert ClientMeeting.objects.count() == 1
    assert AccessLogEntry.objects.filter(
        action=AccessAction.CHANGE, detail__contains=f"meeting {meeting.pk} individual"
    ).exists()


def test_it_keeps_an_agency_made_inactive_on_an_old_meeting(client_a, meeting, agency_af):
    Agency.objects.filter(pk=agency_af.pk).update(is_active=False)
    response = client_a.post(
        edit_url(meeting), meeting_data(kind="intake", talk_form="", agencies=[agency_af.pk])
    )
    assert response.status_code == 302
    assert list(meeting.agencies.all()) == [agency_af]


def test_it_refuses_a_bad_change_and_saves_nothing(client_a, meeting):
    response = client_a.post(edit_url(meeting), meeting_data(kind="exit", talk_form="walk"))
    assert response.status_code == 400
    assert response.context["form"].errors["talk_form"] == [_(TALK_FORM_NOT_ALLOWED)]
    meeting.refresh_from_db()
    assert meeting.kind == "intake"


# --- Access ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("other_coordinator", 404),
        ("case_officer_a", 403),
        ("case_group_member", 403),
        ("federation_admin", 403),
        ("outsider", 404),
    ],
)
def test_it_lets_only_the_projects_coordinators_in(request, started, meeting, persona, status):
    client = Client()
    client.force_login(request.getfixturevalue(persona))
    for url in (create_url(started), edit_url(meeting)):
        assert client.get(url).status_code == status
        assert client.post(url, meeting_data()).status_code == status
    assert ClientMeeting.objects.count() == 1


def test_it_sends_anonymous_users_to_the_login_page(started, meeting):
    for url in (create_url(started), edit_url(meeting)):
        response = Client().post(url, meeting_data())
        assert response.status_code == 302
        assert reverse("login") in response["Location"]
    assert ClientMeeting.objects.count() == 1


def test_it_is_not_found_for_an_unknown_meeting(client_a):
    assert client_a.get(reverse("participants:meeting-edit", args=[999999])).status_code == 404


def test_it_lets_a_coordinator_of_the_project_change_a_colleagues_meeting(
    meeting, fed_a, project_a
):
    from fokus.roles import Role

    colleague = make_user(
        fed_a, "kollega@a.example", "Kalle Kollega", (Role.COORDINATOR, {"project": project_a})
    )
    client = Client()
    client.force_login(colleague)
    assert client.get(edit_url(meeting)).status_code == 200


@pytest.mark.parametrize("status", ["exited", "consent_withdrawn"])
def test_it_refuses_new_meetings_for_an_ended_participation(client_a, started, status):
    Enrolment.objects.filter(pk=started.pk).update(
        status=status, exited_on=date(2026, 10, 1), exit_reason="registered_in_error"
    )
    assert client_a.get(create_url(started)).status_code == 403
    assert client_a.post(create_url(started), meeting_data()).status_code == 403
    assert not ClientMeeting.objects.exists()


def test_it_refuses_the_wrong_method(client_a, started, meeting):
    assert client_a.put(create_url(started)).status_code == 405
    assert client_a.delete(edit_url(meeting)).status_code == 405


# --- The service on its own --------------------------------------------------------------------


def test_the_service_applies_the_rules_itself(started, coordinator, agency_b):
    base = {"actor": coordinator, "enrolment": started, "date": date(2026, 10, 1)}
    with pytest.raises(MeetingError) as error:
        meeting_save(**base, kind="individual", duration_minutes=60)
    assert error.value.message_dict == {"talk_form": [_(TALK_FORM_REQUIRED)]}
    with pytest.raises(MeetingError) as error:
        meeting_save(**base, kind="intake", duration_minutes=3, agencies=[agency_b])
    assert set(error.value.message_dict) == {"duration_minutes", "agencies"}
    with pytest.raises(MeetingError):
        meeting_save(
            actor=coordinator,
            enrolment=started,
            kind="intake",
            date=date(2026, 10, 16),
            duration_minutes=60,
        )
    assert not ClientMeeting.objects.exists()
