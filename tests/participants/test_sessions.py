"""A cohort's group sessions with everyone's attendance in one form, and the attendance grid,
through the test client. Status codes per persona are in tests/test_permissions.py."""

from datetime import date
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from cohorts.models import Cohort
from fokus.models import AccessAction, AccessLogEntry
from participants import meetings
from participants.meetings import session_save
from participants.models import Attendance, Enrolment, GroupSession
from participants.services import enrolment_start

FORM_ERRORS = "The form has errors. Correct the fields marked below; nothing has been saved yet."
FLAG = "Two unexcused absences in a row"
TODAY = date(2026, 10, 15)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    """Fix the date the app sees as today (the clock is outside the project)."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


@pytest.fixture
def enrol(accept, coordinator):
    """A started participation in the cohort: enrol("981", "Bertil", date(2026, 9, 8))."""

    def make(serial: str, name: str, enrolled_on: date = date(2026, 9, 1)) -> Enrolment:
        return enrolment_start(
            actor=coordinator,
            enrolment=accept(serial, name=name),
            coordinator=coordinator,
            enrolled_on=enrolled_on,
            income_source_before="sickness_benefit",
            occupation_before="other",
            education_level="compulsory",
        )

    return make


@pytest.fixture
def trio(enrol):
    """Anna, Bertil and Cecilia, all started on 1 September."""
    return [enrol("981", "Anna Ek"), enrol("982", "Bertil Gran"), enrol("983", "Cecilia Lind")]


@pytest.fixture
def client_a(coordinator):
    client = Client()
    client.force_login(coordinator)
    return client


def list_url(cohort):
    return reverse("participants:session-list", args=[cohort.pk])


def create_url(cohort):
    return reverse("participants:session-create", args=[cohort.pk])


def edit_url(session):
    return reverse("participants:session-edit", args=[session.pk])


def session_data(statuses: dict[Enrolment, str], **changes):
    data = {
        "date": "2026-10-13",
        "start_time": "09:00",
        "duration_minutes": "180",
        "theme": "sleep",
        "theme_note": "",
        "notes": "Bra samtal om kvällsrutiner.",
        **{f"attendance-{e.pk}": status for e, status in statuses.items()},
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def record(actor, cohort, day, statuses: dict[Enrolment, str], theme="stress"):
    return session_save(
        actor=actor,
        cohort=cohort,
        date=day,
        duration_minutes=180,
        theme=theme,
        attendance={e.pk: status for e, status in statuses.items()},
    )


class _Page(HTMLParser):
    """Rows of every table as cell texts, and which radio buttons are checked."""

    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self.checked: dict[str, str] = {}
        self.legends: list[str] = []
        self._row = self._cell = self._legend = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "radio" and "checked" in attrs:
            self.checked[attrs["name"]] = attrs["value"]
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "legend":
            self._legend = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        elif tag == "legend" and self._legend is not None:
            self.legends.append(" ".join("".join(self._legend).split()))
            self._legend = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._legend is not None:
            self._legend.append(data)


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def statuses_of(session) -> dict[int, str]:
    return dict(session.attendances.values_list("enrolment_id", "status"))


# --- Recording a session -----------------------------------------------------------------------


def test_it_lists_every_participant_present_by_default(client_a, cohort, trio):
    cohort.session_minutes = 150
    cohort.save()
    response = client_a.get(create_url(cohort))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["date"] == TODAY
    assert form.initial["duration_minutes"] == 150
    page = parse(response.content.decode())
    # One fieldset with its legend per participant, present ticked.
    assert [_("Group session"), _("Attendance"), "Anna Ek", "Bertil Gran", "Cecilia Lind"] == (
        page.legends
    )
    assert page.checked == {f"attendance-{e.pk}": "present" for e in trio}


def test_it_saves_the_session_and_everyones_attendance(client_a, cohort, trio, coordinator):
    anna, bertil, cecilia = trio
    response = client_a.post(
        create_url(cohort),
        session_data({anna: "present", bertil: "absent", cecilia: "excused"}),
    )
    assert response.status_code == 302
    assert response["Location"] == list_url(cohort)
    session = GroupSession.objects.get()
    assert session.cohort == cohort
    assert session.date == date(2026, 10, 13)
    assert session.duration_minutes == 180
    assert session.theme == "sleep"
    assert session.notes == "Bra samtal om kvällsrutiner."
    assert session.recorded_by == coordinator
    assert statuses_of(session) == {anna.pk: "present", bertil.pk: "absent", cecilia.pk: "excused"}
    entry = AccessLogEntry.objects.get(action=AccessAction.CREATE, object_id=str(session.pk))
    assert "1 present, 1 absent, 1 excused" in entry.detail
    assert entry.federation_id == cohort.project.federation_id


def test_it_requires_a_named_theme_for_other_and_keeps_every_choice(client_a, cohort, trio):
    anna, bertil, cecilia = trio
    choices = {anna: "absent", bertil: "excused", cecilia: "present"}
    response = client_a.post(create_url(cohort), session_data(choices, theme="other"))
    assert response.status_code == 400
    assert response.context["form"].errors["theme_note"] == [
        _("Name the theme when you choose “Other theme”.")
    ]
    html = response.content.decode()
    assert escape(_(FORM_ERRORS)) in html
    assert parse(html).checked == {f"attendance-{e.pk}": s for e, s in choices.items()}
    assert "Bra samtal om kvällsrutiner." in html
    assert not GroupSession.objects.exists()
    assert not Attendance.objects.exists()

    response = client_a.post(
        create_url(cohort), session_data(choices, theme="other", theme_note="Studiebesök")
    )
    assert response.status_code == 302
    assert GroupSession.objects.get().theme_note == "Studiebesök"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"date": "2026-10-16"},
            "date",
            "The date cannot be in the future: a session is recorded after it has been held.",
        ),
        ({"duration_minutes": "10"}, "duration_minutes", meetings.SESSION_DURATION),
        ({"duration_minutes": "481"}, "duration_minutes", meetings.SESSION_DURATION),
        ({"theme": "yoga"}, "theme", "Choose the theme of the session."),
        ({"start_time": "25:61"}, "start_time", "Enter the time as HH:MM, e.g. 13:30."),
    ],
)
def test_it_refuses_bad_input_and_saves_nothing(client_a, cohort, trio, changes, field, message):
    response = client_a.post(
        create_url(cohort), session_data(dict.fromkeys(trio, "absent"), **changes)
    )
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [_(str(message))]
    assert not GroupSession.objects.exists()
    assert not Attendance.objects.exists()


def test_it_requires_a_choice_for_every_participant(client_a, cohort, trio):
    anna, bertil, cecilia = trio
    data = session_data({anna: "present", bertil: "present"})
    response = client_a.post(create_url(cohort), data)
    assert response.status_code == 400
    message = _("Choose present, absent or excused for %(name)s.") % {"name": "Cecilia Lind"}
    assert response.context["form"].errors[f"attendance-{cecilia.pk}"] == [message]
    assert escape(message) in response.content.decode()
    assert not GroupSession.objects.exists()


@pytest.mark.parametrize("value", ["late", "", "present'; --"])
def test_it_refuses_a_tampered_status(client_a, cohort, trio, value):
    anna, bertil, cecilia = trio
    response = client_a.post(
        create_url(cohort), session_data({anna: value, bertil: "present", cecilia: "present"})
    )
    assert response.status_code == 400
    assert f"attendance-{anna.pk}" in response.context["form"].errors
    assert not Attendance.objects.exists()


def test_it_refuses_attendance_for_someone_outside_the_start(
    client_a, cohort, trio, project_a, municipality_a
):
    """A posted choice for a participation that is not listed (another start, or a made-up
    key) is refused, not silently saved or dropped."""
    other = Cohort.objects.create(project=project_a, municipality=municipality_a, start_date=TODAY)
    outsider = Enrolment.objects.filter(pk=trio[2].pk)
    outsider.update(cohort=other)
    for extra in (f"attendance-{trio[2].pk}", "attendance-abc"):
        data = session_data({trio[0]: "present", trio[1]: "present"}, **{extra: "present"})
        response = client_a.post(create_url(cohort), data)
        assert response.status_code == 400
        assert response.context["form"].non_field_errors()
    assert not GroupSession.objects.exists()


def test_it_lists_only_participations_running_on_the_date(client_a, cohort, trio, enrol):
    """Started after the date or ended before it: not listed and no attendance row. Ended on
    or after the date: listed, so an exited participant's past sessions can be recorded."""
    anna, bertil, cecilia = trio
    late = enrol("984", "David Sen", enrolled_on=date(2026, 10, 14))
    Enrolment.objects.filter(pk=bertil.pk).update(
        status="exited", exited_on=date(2026, 10, 12), exit_reason="registered_in_error"
    )
    Enrolment.objects.filter(pk=cecilia.pk).update(
        status="exited", exited_on=date(2026, 10, 13), exit_reason="registered_in_error"
    )
    response = client_a.post(create_url(cohort), session_data({anna: "present", cecilia: "absent"}))
    assert response.status_code == 302
    assert statuses_of(GroupSession.objects.get()) == {anna.pk: "present", cecilia.pk: "absent"}
    # On the 14th David has started and Cecilia has ended.
    form = client_a.get(create_url(cohort)).context["form"]
    assert [e.pk for e in form.participants] == [anna.pk, late.pk]


def test_it_shows_the_new_list_when_the_date_changes_who_takes_part(client_a, cohort, trio, enrol):
    anna, bertil, cecilia = trio
    late = enrol("984", "David Sen", enrolled_on=date(2026, 10, 14))
    # The page was opened today (David listed), then the date was set to before his start.
    data = session_data({anna: "absent", bertil: "present", cecilia: "present", late: "present"})
    response = client_a.post(create_url(cohort), data)
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    page = parse(response.content.decode())
    assert f"attendance-{late.pk}" not in page.checked
    assert page.checked[f"attendance-{anna.pk}"] == "absent"
    assert not GroupSession.objects.exists()
    # Saved again from the new list.
    del data[f"attendance-{late.pk}"]
    assert client_a.post(create_url(cohort), data).status_code == 302
    assert set(statuses_of(GroupSession.objects.get())) == {anna.pk, bertil.pk, cecilia.pk}


def test_it_saves_nothing_when_a_write_fails_half_way(cohort, trio, coordinator, monkeypatch):
    def broken_log(**kwargs):
        raise RuntimeError("the access log is down")

    monkeypatch.setattr(meetings, "log_access", broken_log)
    with pytest.raises(RuntimeError):
        record(coordinator, cohort, date(2026, 10, 13), dict.fromkeys(trio, "present"))
    assert not GroupSession.objects.exists()
    assert not Attendance.objects.exists()


# --- Changing a session ------------------------------------------------------------------------


def test_it_prefills_the_session_and_its_attendance(client_a, cohort, trio, coordinator):
    anna, bertil, cecilia = trio
    session = record(
        coordinator,
        cohort,
        date(2026, 10, 6),
        {anna: "absent", bertil: "excused", cecilia: "present"},
    )
    response = client_a.get(edit_url(session))
    assert response.status_code == 200
    assert response.context["form"].initial["date"] == date(2026, 10, 6)
    assert parse(response.content.decode()).checked == {
        f"attendance-{anna.pk}": "absent",
        f"attendance-{bertil.pk}": "excused",
        f"attendance-{cecilia.pk}": "present",
    }


def test_it_changes_the_session_and_the_statuses(client_a, cohort, trio, coordinator):
    anna, bertil, cecilia = trio
    session = record(coordinator, cohort, date(2026, 10, 6), dict.fromkeys(trio, "present"))
    ids = set(session.attendances.values_list("pk", flat=True))
    response = client_a.post(
        edit_url(session),
        session_data(
            {anna: "absent", bertil: "excused", cecilia: "present"},
            date="2026-10-06",
            theme="diet",
        ),
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.theme == "diet"
    assert statuses_of(session) == {anna.pk: "absent", bertil.pk: "excused", cecilia.pk: "present"}
    # The same rows, corrected: their history stays with them.
    assert set(session.attendances.values_list("pk", flat=True)) == ids
    assert GroupSession.objects.count() == 1
    assert AccessLogEntry.objects.filter(
        action=AccessAction.CHANGE, object_id=str(session.pk)
    ).exists()


def test_it_saves_no_change_from_an_invalid_edit(client_a, cohort, trio, coordinator):
    session = record(coordinator, cohort, date(2026, 10, 6), dict.fromkeys(trio, "present"))
    response = client_a.post(
        edit_url(session),
        session_data(dict.fromkeys(trio, "absent"), date="2026-10-06", duration_minutes="5"),
    )
    assert response.status_code == 400
    assert set(statuses_of(session).values()) == {"present"}
    session.refresh_from_db()
    assert session.duration_minutes == 180


def test_it_keeps_the_attendance_of_someone_who_withdrew_consent(
    client_a, cohort, trio, coordinator
):
    anna, bertil, cecilia = trio
    session = record(coordinator, cohort, date(2026, 10, 6), dict.fromkeys(trio, "absent"))
    Enrolment.objects.filter(pk=cecilia.pk).update(status="consent_withdrawn")
    form = client_a.get(edit_url(session)).context["form"]
    assert [e.pk for e in form.participants] == [anna.pk, bertil.pk]
    response = client_a.post(
        edit_url(session),
        session_data({anna: "present", bertil: "present"}, date="2026-10-06"),
    )
    assert response.status_code == 302
    assert statuses_of(session) == {anna.pk: "present", bertil.pk: "present", cecilia.pk: "absent"}


# --- The list and its attendance grid ----------------------------------------------------------


def test_it_shows_the_grid_with_rates_and_the_flag(client_a, cohort, trio, coordinator):
    anna, bertil, cecilia = trio
    cohort.group_weeks, cohort.group_sessions_per_week, cohort.session_minutes = 8, 2, 150
    cohort.save()
    days = [date(2026, 9, d) for d in (8, 15, 22, 29)]
    plan = {
        anna: ["present", "present", "absent", "present"],
        bertil: ["present", "excused", "absent", "absent"],
        cecilia: ["absent", "absent", "present", "present"],
    }
    for i, day in enumerate(days):
        record(coordinator, cohort, day, {e: statuses[i] for e, statuses in plan.items()})
    response = client_a.get(list_url(cohort))
    assert response.status_code == 200
    html = response.content.decode()
    shape = _("%(weeks)s weeks, %(sessions)s per week, %(minutes)s minutes per session")
    assert escape(shape % {"weeks": 8, "sessions": 2, "minutes": 150}) in " ".join(html.split())
    recorded = _("%(recorded)s of %(planned)s planned") % {"recorded": 4, "planned": 16}
    assert escape(recorded) in " ".join(html.split())
    page = parse(html)
    rows = {
        row[0]: row[1:]
        for row in page.rows
        if row and row[0] in ("Anna Ek", "Bertil Gran", "Cecilia Lind")
    }
    present, absent, excused = _("Present"), _("Absent"), _("Excused")
    # Oldest session first; the rate as a whole per cent; the flag as text.
    assert rows["Anna Ek"] == [present, present, absent, present, "75 %", ""]
    assert rows["Bertil Gran"] == [present, excused, absent, absent, "25 %", _(FLAG)]
    assert rows["Cecilia Lind"] == [absent, absent, present, present, "50 %", ""]
    assert len(response.context["sessions"]) == 4
    assert response.context["planned"] == 16
    assert response.context["sessions"][0].date == date(2026, 9, 29)  # newest first


def test_it_flags_a_withdrawn_consent_without_details(client_a, cohort, trio, coordinator):
    anna, bertil, cecilia = trio
    record(coordinator, cohort, date(2026, 9, 8), dict.fromkeys(trio, "absent"))
    record(coordinator, cohort, date(2026, 9, 15), dict.fromkeys(trio, "absent"))
    Enrolment.objects.filter(pk=cecilia.pk).update(status="consent_withdrawn")
    page = parse(client_a.get(list_url(cohort)).content.decode())
    row = next(row for row in page.rows if row[0].startswith("Cecilia Lind"))
    assert _("Consent withdrawn") in row[0]
    assert row[1:] == [_("Not shown: the person has withdrawn their consent.")]


def test_it_shows_an_empty_start(client_a, cohort):
    response = client_a.get(list_url(cohort))
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert escape(_("No group sessions recorded yet.")) in response.content.decode()


def test_it_builds_the_grid_in_a_constant_number_of_queries(client_a, cohort, enrol, coordinator):
    names = ["Anna", "Bo", "Cia", "Dan", "Eva", "Finn", "Gun", "Hans", "Ida", "Jan", "Kim", "Lo"]
    people = [enrol(str(981 + i), f"{name} Test") for i, name in enumerate(names[:3])]
    for day in (8, 15):
        record(coordinator, cohort, date(2026, 9, day), dict.fromkeys(people, "absent"))
    with CaptureQueriesContext(connection) as small:
        assert client_a.get(list_url(cohort)).status_code == 200
    people += [enrol(str(984 + i), f"{name} Test") for i, name in enumerate(names[3:])]
    for day in (22, 29, 30):
        record(coordinator, cohort, date(2026, 9, day), dict.fromkeys(people, "present"))
    with CaptureQueriesContext(connection) as large:
        response = client_a.get(list_url(cohort))
    assert len(response.context["rows"]) == 12
    assert len(response.context["columns"]) == 5
    assert len(large.captured_queries) == len(small.captured_queries)


# --- Access ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("other_coordinator", 404),
        ("case_officer_a", 403),
        ("case_group_member", 403),
        ("federation_admin", 403),
        ("no_role_user", 403),
        ("outsider", 404),
    ],
)
def test_it_lets_only_the_projects_coordinators_in(
    request, cohort, trio, coordinator, persona, status
):
    session = record(coordinator, cohort, date(2026, 9, 8), dict.fromkeys(trio, "present"))
    client = Client()
    client.force_login(request.getfixturevalue(persona))
    assert client.get(list_url(cohort)).status_code == status
    for url in (create_url(cohort), edit_url(session)):
        assert client.get(url).status_code == status
        data = session_data(dict.fromkeys(trio, "absent"), date="2026-09-08")
        assert client.post(url, data).status_code == status
    assert GroupSession.objects.count() == 1
    assert set(statuses_of(session).values()) == {"present"}


def test_it_sends_anonymous_users_to_the_login_page(cohort, trio, coordinator):
    session = record(coordinator, cohort, date(2026, 9, 8), dict.fromkeys(trio, "present"))
    for url in (list_url(cohort), create_url(cohort), edit_url(session)):
        response = Client().get(url)
        assert response.status_code == 302
        assert reverse("login") in response["Location"]


def test_it_is_not_found_for_unknown_objects(client_a):
    assert client_a.get(reverse("participants:session-list", args=[999999])).status_code == 404
    assert client_a.get(reverse("participants:session-create", args=[999999])).status_code == 404
    assert client_a.get(reverse("participants:session-edit", args=[999999])).status_code == 404


def test_it_refuses_the_wrong_method(client_a, cohort):
    assert client_a.post(list_url(cohort)).status_code == 405
    assert client_a.put(create_url(cohort)).status_code == 405
