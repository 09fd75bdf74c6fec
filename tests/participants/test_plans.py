"""The action plan: goals and sub-goals, a version for every change, and who may see and change
it, through the service and the test client. Status codes per persona are in
tests/test_permissions.py."""

from datetime import date

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from fokus.models import AccessAction, AccessLogEntry
from participants import plans
from participants.models import ActionPlan, ActionPlanVersion, Enrolment, Goal
from participants.services import enrolment_exit
from referrals.services import consent_withdraw

FORM_ERRORS = "The form has errors. Correct the fields marked below; nothing has been saved yet."


def plan_url(enrolment):
    return reverse("participants:plan-detail", args=[enrolment.public_id])


def create_url(enrolment, parent=None):
    url = reverse("participants:goal-create", args=[enrolment.public_id])
    return f"{url}?parent={parent}" if parent is not None else url


def edit_url(goal):
    return reverse("participants:goal-edit", args=[goal.pk])


def version_url(enrolment, number):
    return reverse("participants:plan-version", args=[enrolment.public_id, number])


def goal_data(**changes):
    return {
        "text": "Ta körkort",
        "responsible": "participant",
        "responsible_agency": "",
        "target_date": "2027-03-01",
        "status": "planned",
        "follow_up_on": "2026-12-01",
        **changes,
    }


def add_goal(enrolment, actor, text="Ta körkort", **fields):
    values = {"responsible": "participant", **fields}
    return plans.goal_save(actor=actor, enrolment=enrolment, text=text, **values)


@pytest.fixture
def today(monkeypatch):
    """Fix the date the app sees as today (the clock is outside the project)."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date(2027, 6, 1))


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


# --- The service --------------------------------------------------------------------------------


def test_it_adds_a_goal_and_a_sub_goal_each_as_a_version(started, coordinator, agency_af):
    goal = add_goal(started, coordinator, target_date=date(2027, 3, 1))
    sub = add_goal(
        started,
        coordinator,
        text="Boka uppkörning",
        parent=goal,
        responsible="agency",
        responsible_agency=agency_af,
    )

    plan = ActionPlan.objects.get(enrolment=started)
    assert plan.version == 2
    assert plan.updated_by == coordinator
    assert sub.parent == goal and sub.plan == plan
    versions = list(plan.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].summary == _("New goal: %(text)s") % {"text": "Ta körkort"}
    assert versions[1].summary == _("New sub-goal: %(text)s") % {"text": "Boka uppkörning"}
    assert all(v.by == coordinator and v.at is not None for v in versions)
    # The snapshot is the plan as it then stood.
    assert [g["text"] for g in versions[0].goals] == ["Ta körkort"]
    assert versions[0].goals[0]["sub_goals"] == []
    latest = versions[1].goals
    assert latest == plans.snapshot(plan)
    assert latest[0]["target_date"] == "2027-03-01"
    assert latest[0]["status"] == "planned"
    assert latest[0]["responsible"] == str(_("The participant"))
    assert latest[0]["sub_goals"][0]["text"] == "Boka uppkörning"
    assert latest[0]["sub_goals"][0]["responsible"] == "Arbetsförmedlingen"
    entries = AccessLogEntry.objects.filter(object_id=str(started.public_id))
    assert entries.filter(action=AccessAction.CREATE, detail__startswith="action plan v2").exists()
    # The goal's text is case content: it stays out of the access log.
    assert not entries.filter(detail__contains="körkort").exists()


def test_it_records_a_change_with_what_changed(started, coordinator):
    goal = add_goal(started, coordinator)

    plans.goal_save(actor=coordinator, enrolment=started, goal=goal, status="in_progress")
    plans.goal_save(actor=coordinator, enrolment=started, goal=goal, status="done")

    goal.refresh_from_db()
    assert goal.status == "done"
    version = ActionPlanVersion.objects.get(plan__enrolment=started, number=3)
    assert _("status: %(old)s → %(new)s") % {"old": _("In progress"), "new": _("Done")} in (
        version.summary
    )
    assert version.summary.startswith(_("Changed goal: %(text)s (") % {"text": "Ta körkort"})
    assert version.goals[0]["status"] == "done"
    assert version.goals[0]["status_display"] == str(_("Done"))
    assert AccessLogEntry.objects.filter(
        action=AccessAction.CHANGE, detail=f"action plan v3: goal {goal.pk} changed (status)"
    ).exists()


def test_it_writes_no_version_when_nothing_changed(started, coordinator):
    goal = add_goal(started, coordinator, target_date=date(2027, 3, 1))

    same = plans.goal_save(
        actor=coordinator,
        enrolment=started,
        goal=goal,
        text="  Ta körkort ",
        responsible="participant",
        responsible_agency=None,
        target_date=date(2027, 3, 1),
        status="planned",
        follow_up_on=None,
    )

    assert same.pk == goal.pk
    assert ActionPlan.objects.get(enrolment=started).version == 1
    assert ActionPlanVersion.objects.filter(plan__enrolment=started).count() == 1


def test_it_refuses_a_sub_goal_of_a_sub_goal(started, coordinator):
    goal = add_goal(started, coordinator)
    sub = add_goal(started, coordinator, text="Teoriprov", parent=goal)

    with pytest.raises(plans.PlanError):
        add_goal(started, coordinator, text="Plugga", parent=sub)

    assert Goal.objects.count() == 2
    assert ActionPlan.objects.get(enrolment=started).version == 2


def test_it_refuses_a_parent_from_another_plan(started, accept, coordinator):
    other = accept("981")
    foreign = add_goal(other, coordinator, text="Annat mål")

    with pytest.raises(plans.PlanError):
        add_goal(started, coordinator, parent=foreign)

    assert not Goal.objects.filter(plan__enrolment=started).exists()


def test_it_requires_an_agency_of_the_federation(started, coordinator, agency_b):
    with pytest.raises(plans.PlanError) as missing:
        add_goal(started, coordinator, responsible="agency")
    with pytest.raises(plans.PlanError) as foreign:
        add_goal(started, coordinator, responsible="agency", responsible_agency=agency_b)

    assert "responsible_agency" in missing.value.message_dict
    assert "responsible_agency" in foreign.value.message_dict
    assert not Goal.objects.exists()


def test_it_clears_the_agency_when_another_party_is_responsible(started, coordinator, agency_af):
    goal = add_goal(started, coordinator, responsible="agency", responsible_agency=agency_af)

    plans.goal_save(actor=coordinator, enrolment=started, goal=goal, responsible="project")

    goal.refresh_from_db()
    assert goal.responsible == "project" and goal.responsible_agency is None
    summary = ActionPlanVersion.objects.get(plan__enrolment=started, number=2).summary
    assert "Arbetsförmedlingen" in summary


def test_it_refuses_dates_before_the_enrolment(started, coordinator):
    with pytest.raises(plans.PlanError) as refused:
        add_goal(started, coordinator, follow_up_on=date(2026, 8, 31))

    assert set(refused.value.message_dict) == {"follow_up_on"}
    assert add_goal(started, coordinator, follow_up_on=date(2026, 9, 1)).pk


def test_it_keeps_an_ended_plan_as_it_was(exited, coordinator):
    with pytest.raises(plans.PlanError):
        add_goal(exited, coordinator)
    assert not Goal.objects.exists()


def test_current_goals_nests_sub_goals_in_constant_queries(started, coordinator, agency_af):
    assert plans.current_goals(started) == []
    for n in range(3):
        goal = add_goal(started, coordinator, text=f"Mål {n}")
        add_goal(
            started,
            coordinator,
            text=f"Delmål {n}",
            parent=goal,
            responsible="agency",
            responsible_agency=agency_af,
        )

    with CaptureQueriesContext(connection) as queries:
        goals = plans.current_goals(started)
        names = [[s.responsible_agency.name for s in g.sub_goals.all()] for g in goals]

    assert len(queries) == 2
    assert [g.text for g in goals] == ["Mål 0", "Mål 1", "Mål 2"]
    assert names == [["Arbetsförmedlingen"]] * 3


# --- The pages ----------------------------------------------------------------------------------


def test_it_adds_a_goal_and_a_sub_goal_through_the_pages(persona_client, started, agency_af):
    client = persona_client("coordinator")

    assert client.get(create_url(started)).status_code == 200
    response = client.post(create_url(started), goal_data())
    assert response.status_code == 302
    assert response.url == plan_url(started)
    goal = Goal.objects.get(plan__enrolment=started)
    assert (goal.text, goal.target_date, goal.follow_up_on) == (
        "Ta körkort",
        date(2027, 3, 1),
        date(2026, 12, 1),
    )

    response = client.post(
        create_url(started, goal.pk),
        goal_data(
            text="Boka uppkörning", responsible="agency", responsible_agency=str(agency_af.pk)
        ),
    )
    assert response.status_code == 302
    sub = Goal.objects.get(parent=goal)
    assert sub.responsible_agency == agency_af

    page = client.get(plan_url(started))
    assert page.status_code == 200
    assert "Boka uppkörning" in page.text
    assert edit_url(sub) in page.text
    assert create_url(started, goal.pk) in page.text
    assert version_url(started, 2) in page.text
    # A sub-goal gets no "add a sub-goal" link of its own.
    assert create_url(started, sub.pk) not in page.text


def test_it_refuses_a_sub_goal_of_a_sub_goal_through_the_page(persona_client, started, coordinator):
    goal = add_goal(started, coordinator)
    sub = add_goal(started, coordinator, text="Teoriprov", parent=goal)
    client = persona_client("coordinator")

    assert client.get(create_url(started, sub.pk)).status_code == 404
    assert client.post(create_url(started, sub.pk), goal_data(text="Plugga")).status_code == 404
    assert client.get(create_url(started, "abc")).status_code == 404
    assert client.get(create_url(started, "99999999999999999999999")).status_code == 404
    assert Goal.objects.count() == 2


def test_it_refuses_a_parent_of_another_participant(persona_client, started, accept, coordinator):
    foreign = add_goal(accept("981"), coordinator, text="Annat mål")
    client = persona_client("coordinator")

    response = client.post(create_url(started, foreign.pk), goal_data())

    assert response.status_code == 404
    assert not Goal.objects.filter(plan__enrolment=started).exists()


def test_it_requires_the_agency_when_an_agency_is_responsible(persona_client, started):
    client = persona_client("coordinator")

    response = client.post(create_url(started), goal_data(responsible="agency", text="Behåll"))

    assert response.status_code == 400
    assert escape(_(FORM_ERRORS)) in response.text
    assert escape(_("Choose the responsible agency, or choose another responsible party.")) in (
        response.text
    )
    assert "Behåll" in response.text  # what was typed is kept
    assert not Goal.objects.exists()


def test_it_refuses_an_agency_of_another_federation(persona_client, started, agency_b):
    client = persona_client("coordinator")

    for value in (str(agency_b.pk), "x", "99999999999999999999"):
        response = client.post(
            create_url(started), goal_data(responsible="agency", responsible_agency=value)
        )
        assert response.status_code == 400
        assert escape(_("Choose one of the federation's agencies.")) in response.text
    assert not Goal.objects.exists()


def test_it_does_not_offer_inactive_agencies(persona_client, started, agency_af, agency_fk):
    agency_fk.is_active = False
    agency_fk.save()
    client = persona_client("coordinator")

    page = client.get(create_url(started))

    assert "Arbetsförmedlingen" in page.text
    assert "Försäkringskassan" not in page.text


def test_it_shows_the_service_refusal_at_the_field(persona_client, started):
    client = persona_client("coordinator")

    response = client.post(create_url(started), goal_data(follow_up_on="2026-08-01"))

    assert response.status_code == 400
    message = _("The follow-up date cannot be before the enrolment date, %(date)s.") % {
        "date": "2026-09-01"
    }
    assert escape(message) in response.text
    assert not Goal.objects.exists()


def test_it_refuses_bad_input_with_a_clear_message(persona_client, started):
    client = persona_client("coordinator")

    response = client.post(
        create_url(started), goal_data(text="", status="finished", target_date="1 mars")
    )

    assert response.status_code == 400
    assert escape(_("Write the goal.")) in response.text
    assert escape(_("Choose the status of the goal.")) in response.text
    assert escape(_("Enter the date as YYYY-MM-DD, e.g. 2026-09-01.")) in response.text
    assert not Goal.objects.exists()


def test_it_changes_a_goal_and_keeps_the_old_version(persona_client, started, coordinator):
    goal = add_goal(started, coordinator, text="Söka jobb i butik")
    client = persona_client("coordinator")

    form = client.get(edit_url(goal))
    assert form.status_code == 200
    assert "Söka jobb i butik" in form.text
    response = client.post(
        edit_url(goal), goal_data(text="Söka jobb i lager", status="in_progress")
    )

    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.text == "Söka jobb i lager"
    assert ActionPlan.objects.get(enrolment=started).version == 2
    old = client.get(version_url(started, 1))
    assert old.status_code == 200
    assert "Söka jobb i butik" in old.text
    assert "Söka jobb i lager" not in old.text
    assert coordinator.full_name in old.text
    new = client.get(version_url(started, 2))
    assert "Söka jobb i lager" in new.text
    assert client.get(version_url(started, 3)).status_code == 404


def test_it_saves_no_version_when_the_form_is_sent_unchanged(persona_client, started, coordinator):
    goal = add_goal(
        started,
        coordinator,
        target_date=date(2027, 3, 1),
        follow_up_on=date(2026, 12, 1),
    )
    client = persona_client("coordinator")

    response = client.post(edit_url(goal), goal_data())

    assert response.status_code == 302
    assert ActionPlanVersion.objects.filter(plan__enrolment=started).count() == 1


def test_it_keeps_an_inactive_agency_already_named(persona_client, started, coordinator, agency_fk):
    goal = add_goal(started, coordinator, responsible="agency", responsible_agency=agency_fk)
    agency_fk.is_active = False
    agency_fk.save()
    client = persona_client("coordinator")

    response = client.post(
        edit_url(goal),
        goal_data(responsible="agency", responsible_agency=str(agency_fk.pk), status="done"),
    )

    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.status == "done" and goal.responsible_agency == agency_fk


def test_the_partial_has_no_edit_links(started, coordinator):
    goal = add_goal(started, coordinator)
    add_goal(started, coordinator, text="Teoriprov", parent=goal)

    html = render_to_string(
        "participants/_plan_goals.html", {"goals": plans.current_goals(started)}
    )

    assert "Ta körkort" in html and "Teoriprov" in html
    assert "<a " not in html
    empty = render_to_string("participants/_plan_goals.html", {"goals": []})
    assert escape(_("The action plan has no goals yet.")) in empty


# --- Who may see and change the plan ------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("other_coordinator", 404),
        ("case_officer_a", 403),
        ("case_group_member", 403),
        ("federation_staff", 403),
        ("no_role_user", 403),
        ("outsider", 404),
    ],
)
def test_only_the_projects_coordinators_see_and_change_the_plan(
    request, started, coordinator, persona, status
):
    goal = add_goal(started, coordinator)
    client = Client()
    client.force_login(request.getfixturevalue(persona))

    assert client.get(plan_url(started)).status_code == status
    assert client.get(version_url(started, 1)).status_code == status
    assert client.get(create_url(started)).status_code == status
    assert client.get(edit_url(goal)).status_code == status
    created = client.post(create_url(started), goal_data(text="Nytt"))
    changed = client.post(edit_url(goal), goal_data(text="Ändrat"))
    if status == 200:
        assert (created.status_code, changed.status_code) == (302, 302)
    else:
        assert (created.status_code, changed.status_code) == (status, status)
        goal.refresh_from_db()
        assert goal.text == "Ta körkort"
        assert Goal.objects.count() == 1


def test_anonymous_is_sent_to_log_in(persona_client, started, coordinator):
    goal = add_goal(started, coordinator)
    client = persona_client("anonymous")

    for url in (plan_url(started), create_url(started), edit_url(goal), version_url(started, 1)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert client.post(create_url(started), goal_data()).status_code == 302
    assert Goal.objects.count() == 1


def test_unknown_goal_is_not_found(persona_client, started):
    client = persona_client("coordinator")

    assert client.get(reverse("participants:goal-edit", args=[987654])).status_code == 404
    assert client.get("/goals/99999999999999999999999/edit/").status_code == 404


def test_it_only_reads_and_writes_with_get_and_post(persona_client, started, coordinator):
    add_goal(started, coordinator)
    client = persona_client("coordinator")

    assert client.post(plan_url(started)).status_code == 405
    assert client.post(version_url(started, 1)).status_code == 405
    assert client.delete(create_url(started)).status_code == 405


def test_an_ended_participation_has_a_read_only_plan(persona_client, started, coordinator, today):
    goal = add_goal(started, coordinator)
    enrolment_exit(
        actor=coordinator,
        enrolment=started,
        exited_on=date(2026, 11, 2),
        exit_reason="completed_period",
        destination="studies",
        receiving_party="Vuxenutbildningen Ekeby",
        exit_plan="Komvux i januari.",
        income_source_after="study_support",
        occupation_after="studies",
    )
    client = persona_client("coordinator")

    page = client.get(plan_url(started))
    assert page.status_code == 200
    assert "Ta körkort" in page.text
    assert edit_url(goal) not in page.text
    assert create_url(started) not in page.text
    assert client.get(edit_url(goal)).status_code == 403
    assert client.post(create_url(started), goal_data(text="Nytt")).status_code == 403
    assert client.post(edit_url(goal), goal_data(status="done")).status_code == 403
    goal.refresh_from_db()
    assert goal.status == "planned"
    assert Goal.objects.count() == 1


def test_a_withdrawn_consent_makes_the_plan_read_only(persona_client, started, coordinator):
    goal = add_goal(started, coordinator)
    consent_withdraw(
        actor=coordinator,
        referral=started.referral,
        withdrawn_on=date(2026, 10, 1),
        channel="phone",
    )
    started.refresh_from_db()
    assert started.status == Enrolment.Status.CONSENT_WITHDRAWN
    client = persona_client("coordinator")

    assert client.get(plan_url(started)).status_code == 200
    assert client.post(edit_url(goal), goal_data(status="done")).status_code == 403
    goal.refresh_from_db()
    assert goal.status == "planned"


def test_an_accepted_participation_can_have_a_plan(persona_client, accepted):
    client = persona_client("coordinator")

    response = client.post(create_url(accepted), goal_data(follow_up_on="2020-01-01"))

    # Not started: no enrolment date to be before.
    assert response.status_code == 302
    assert Goal.objects.filter(plan__enrolment=accepted).count() == 1


def test_the_plan_page_logs_the_view(persona_client, started, coordinator):
    persona_client("coordinator").get(plan_url(started))

    assert AccessLogEntry.objects.filter(
        action=AccessAction.VIEW, object_id=str(started.public_id), detail="action plan"
    ).exists()


def test_the_plan_page_takes_the_same_queries_for_2_or_10_goals(
    persona_client, started, accept, coordinator, agency_af
):
    def fill(enrolment, count):
        for n in range(count):
            goal = add_goal(
                enrolment,
                coordinator,
                text=f"Mål {n}",
                responsible="agency",
                responsible_agency=agency_af,
            )
            add_goal(enrolment, coordinator, text=f"Delmål {n}", parent=goal)

    other = accept("981")
    fill(started, 2)
    fill(other, 10)
    client = persona_client("coordinator")
    client.get(plan_url(started))  # warm the session and caches

    with CaptureQueriesContext(connection) as few:
        assert client.get(plan_url(started)).status_code == 200
    with CaptureQueriesContext(connection) as many:
        page = client.get(plan_url(other))
        assert page.status_code == 200

    assert "Delmål 9" in page.text
    assert len(few) == len(many)
