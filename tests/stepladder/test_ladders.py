"""Ladder definitions as data: the default ladder, a federation's own ladders and their versions,
and the ladder and rating interval of a project."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from fokus import versions
from fokus.models import AccessLogEntry
from participants.models import Enrolment
from referrals.models import ReferralStatus
from stepladder import ladders
from stepladder.ladders import StepData
from stepladder.models import Ladder, Marker, ProjectLadder, Rating, RatingKind, Step
from stepladder.project_ladder import default_ladder, interval_months, ladder_for
from tests.conftest import test_personnummer

pytestmark = pytest.mark.django_db

FORM_ERRORS = "The form has errors. Correct the fields marked below; nothing has been saved yet."


def text(msgid: str, **params) -> str:
    """The page text of a message, as translated and escaped on the page."""
    return escape(_(msgid) % params if params else _(msgid))


THREE_STEPS = [
    StepData("Hemma", "Första steget", ["Tar sig hemifrån"]),
    StepData("Samtal", "", ["Individuella samtal", "Kartläggning gjord"]),
    StepData("Arbete", "Med stöd", []),
]


def _steps_post(rows, *, name="BIP-trappan", description="", total=None):
    """POST data for the ladder form: rows of (headline, description, markers text)."""
    data = {
        "name": name,
        "description": description,
        "form-TOTAL_FORMS": str(total if total is not None else len(rows)),
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "20",
    }
    for i, (headline, step_description, markers) in enumerate(rows):
        data[f"form-{i}-headline"] = headline
        data[f"form-{i}-description"] = step_description
        data[f"form-{i}-markers"] = markers
    return data


@pytest.fixture
def own_ladder(fed_a, federation_admin):
    return ladders.ladder_create(
        actor=federation_admin,
        federation=fed_a,
        name="BIP-trappan",
        description="För BIP-projekt",
        steps=THREE_STEPS,
    )


@pytest.fixture
def enrolment(project_a, cohort, coordinator, make_referral):
    return Enrolment.objects.create(
        federation=project_a.federation,
        project=project_a,
        cohort=cohort,
        referral=make_referral(
            status=ReferralStatus.ENROLLED, personnummer=test_personnummer("19850101", "985")
        ),
        status=Enrolment.Status.ACTIVE,
        coordinator=coordinator,
        enrolled_on=date(2026, 9, 1),
        planned_exit_on=date(2027, 9, 1),
    )


def _rate(enrolment, step, coordinator, *markers):
    rating = Rating.objects.create(
        enrolment=enrolment,
        rated_on=date(2026, 9, 1),
        kind=RatingKind.ENROLMENT,
        step=step,
        rated_by=coordinator,
    )
    rating.markers.set(markers)
    return rating


# --- The default ladder ---------------------------------------------------------------------


def test_it_has_the_fokus_ladder_as_default():
    ladder = default_ladder()
    assert ladder.federation_id is None
    assert list(ladder.steps.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6]
    step_2 = ladder.steps.get(number=2)
    assert list(step_2.markers.values_list("text", flat=True)) == [
        "Individuella samtal",
        "Kartläggning gjord",
        "Planering gjord",
    ]


# --- Services -------------------------------------------------------------------------------


def test_it_creates_a_ladder_with_numbered_steps_and_markers(own_ladder, fed_a):
    assert own_ladder.federation == fed_a
    assert own_ladder.version == 1
    assert ladders.steps_of(own_ladder) == THREE_STEPS
    assert list(own_ladder.steps.values_list("number", "headline")) == [
        (1, "Hemma"),
        (2, "Samtal"),
        (3, "Arbete"),
    ]
    assert AccessLogEntry.objects.filter(
        object_type="stepladder.ladder", object_id=str(own_ladder.pk), action="create"
    ).exists()


def test_it_refuses_a_second_ladder_of_the_same_name(own_ladder, fed_a, federation_admin):
    with pytest.raises(ladders.LadderNameTaken):
        ladders.ladder_create(
            actor=federation_admin,
            federation=fed_a,
            name="BIP-trappan",
            description="",
            steps=THREE_STEPS,
        )
    assert Ladder.objects.filter(federation=fed_a).count() == 1


def test_it_copies_everything_into_a_new_version_and_leaves_old_ratings_alone(
    own_ladder, federation_admin, enrolment, coordinator
):
    old_step = own_ladder.steps.get(number=2)
    old_marker = old_step.markers.get(text="Kartläggning gjord")
    rating = _rate(enrolment, old_step, coordinator, old_marker)

    copy = ladders.ladder_new_version(actor=federation_admin, ladder=own_ladder)

    assert (copy.name, copy.version, copy.previous_version) == ("BIP-trappan", 2, own_ladder)
    assert copy.federation_id == own_ladder.federation_id
    assert copy.description == own_ladder.description
    assert ladders.steps_of(copy) == ladders.steps_of(own_ladder) == THREE_STEPS
    assert not Step.objects.filter(ladder=copy, pk=old_step.pk).exists()
    rating.refresh_from_db()
    assert rating.step_id == old_step.pk
    assert list(rating.markers.all()) == [old_marker]
    assert Marker.objects.filter(step__ladder=own_ladder).count() == 3
    # A second new version from the old one continues the chain at its end.
    third = ladders.ladder_new_version(actor=federation_admin, ladder=own_ladder)
    assert (third.version, third.previous_version) == (3, copy)
    assert versions.chain_of(copy) == [own_ladder, copy, third]


def test_it_copies_a_built_in_ladder_into_an_own_one(fed_a, federation_admin):
    built_in = default_ladder()
    copy = ladders.ladder_new_version(actor=federation_admin, ladder=built_in)
    assert copy.name == f"{built_in.name} (Förbund A)"
    assert (copy.federation, copy.version, copy.previous_version) == (fed_a, 1, None)
    assert ladders.steps_of(copy) == ladders.steps_of(built_in)
    # Copying it again makes the next version of that copy.
    again = ladders.ladder_new_version(actor=federation_admin, ladder=built_in)
    assert (again.name, again.version, again.previous_version) == (copy.name, 2, copy)
    assert Ladder.objects.filter(federation=None).count() == 1


def test_it_refuses_to_update_a_ladder_in_use(own_ladder, federation_admin, enrolment, coordinator):
    _rate(enrolment, own_ladder.steps.get(number=1), coordinator)
    with pytest.raises(ladders.LadderLocked):
        ladders.ladder_update(
            actor=federation_admin,
            ladder=own_ladder,
            name="Ny",
            description="",
            steps=THREE_STEPS[:2],
        )
    own_ladder.refresh_from_db()
    assert own_ladder.name == "BIP-trappan"
    assert own_ladder.steps.count() == 3


# --- Access ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("federation_admin", 200),
        ("federation_staff", 403),
        ("coordinator", 403),
        ("case_officer_a", 403),
        ("outsider_admin", 200),
        ("anonymous", 302),
    ],
)
def test_it_shows_the_ladder_list_to_federation_admins_only(persona, expected, persona_client):
    response = persona_client(persona).get(reverse("stepladder:ladder-list"))
    assert response.status_code == expected
    if persona == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("federation_admin", 200),
        ("federation_staff", 403),
        ("coordinator", 403),
        ("case_officer_a", 403),
        ("outsider_admin", 404),
        ("anonymous", 302),
    ],
)
def test_it_shows_an_own_ladder_to_its_federations_admins_only(
    persona, expected, persona_client, own_ladder
):
    for name in ("stepladder:ladder-detail", "stepladder:ladder-edit"):
        response = persona_client(persona).get(reverse(name, args=[own_ladder.pk]))
        assert response.status_code == expected, name
    response = persona_client(persona).post(
        reverse("stepladder:ladder-new-version", args=[own_ladder.pk])
    )
    assert response.status_code == (302 if expected == 200 else expected)
    assert Ladder.objects.filter(previous_version=own_ladder).exists() == (expected == 200)


def test_it_shows_built_in_ladders_to_every_federations_admins(persona_client):
    url = reverse("stepladder:ladder-detail", args=[default_ladder().pk])
    assert persona_client("outsider_admin").get(url).status_code == 200
    response = persona_client("federation_admin").get(url)
    assert response.status_code == 200
    assert "Kartläggning gjord" in response.text


def test_it_lists_built_in_and_own_ladders_with_use(
    admin_client_a, own_ladder, project_a, project_a_other, enrolment, coordinator, fed_b
):
    ProjectLadder.objects.create(project=project_a, ladder=own_ladder)
    _rate(enrolment, own_ladder.steps.get(number=1), coordinator)
    Ladder.objects.create(federation=fed_b, name="B:s hemliga trappa")
    response = admin_client_a.get(reverse("stepladder:ladder-list"))
    assert response.status_code == 200
    rows = {ladder.pk: (ladder, projects) for ladder, projects in response.context["own"]}
    ladder, projects = rows[own_ladder.pk]
    assert (ladder.step_count, ladder.in_use) == (3, True)
    assert projects == [(project_a, True)]
    [(built_in, default_projects)] = response.context["built_in"]
    assert (built_in.step_count, built_in.in_use) == (6, False)
    assert default_projects == [(project_a_other, False)]
    html = response.text
    assert "B:s hemliga trappa" not in html
    assert reverse("stepladder:ladder-create") in html


def test_it_refuses_get_on_new_version(admin_client_a, own_ladder):
    response = admin_client_a.get(reverse("stepladder:ladder-new-version", args=[own_ladder.pk]))
    assert response.status_code == 405


# --- Creating and editing through the form --------------------------------------------------


def test_it_offers_empty_rows_for_a_new_ladder(admin_client_a):
    response = admin_client_a.get(reverse("stepladder:ladder-create"))
    assert response.status_code == 200
    assert response.context["formset"].total_form_count() == 6


def test_it_creates_a_ladder_from_the_form(admin_client_a, fed_a):
    rows = [
        ("Hemma", "Första steget", "Tar sig hemifrån\n\n  Har kontakt  \n"),
        ("", "", ""),  # an empty row is left out
        ("Samtal", "", "Individuella samtal\nKartläggning gjord"),
        ("Arbete", "", ""),
        ("", "", ""),
    ]
    response = admin_client_a.post(reverse("stepladder:ladder-create"), _steps_post(rows))
    assert response.status_code == 302
    ladder = Ladder.objects.get(federation=fed_a, name="BIP-trappan")
    assert response["Location"] == reverse("stepladder:ladder-detail", args=[ladder.pk])
    assert ladders.steps_of(ladder) == [
        StepData("Hemma", "Första steget", ["Tar sig hemifrån", "Har kontakt"]),
        StepData("Samtal", "", ["Individuella samtal", "Kartläggning gjord"]),
        StepData("Arbete", "", []),
    ]
    assert list(ladder.steps.values_list("number", flat=True)) == [1, 2, 3]


def test_it_prefills_a_new_ladder_from_the_default(admin_client_a):
    built_in = default_ladder()
    response = admin_client_a.get(reverse("stepladder:ladder-create") + f"?from={built_in.pk}")
    assert response.status_code == 200
    formset = response.context["formset"]
    assert formset.total_form_count() == 6 + 2
    assert formset.forms[1].initial["markers"] == (
        "Individuella samtal\nKartläggning gjord\nPlanering gjord"
    )


@pytest.mark.parametrize("value", ["abc", "999999", "-1"])
def test_it_does_not_prefill_from_an_unknown_ladder(admin_client_a, value):
    response = admin_client_a.get(reverse("stepladder:ladder-create") + f"?from={value}")
    assert response.status_code == 404


def test_it_does_not_prefill_from_another_federations_ladder(persona_client, own_ladder):
    url = reverse("stepladder:ladder-create") + f"?from={own_ladder.pk}"
    assert persona_client("outsider_admin").get(url).status_code == 404


TOO_FEW = text("A ladder needs at least %(min)d steps: fill in at least %(min)d rows.", min=2)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("Hemma", "", "")], TOO_FEW),
        ([("", "", ""), ("", "", "")], TOO_FEW),
        (
            [("Hemma", "", ""), ("", "Beskrivning", "Markör")],
            text("Enter a headline for this step, or empty the row."),
        ),
        (
            [("x" * 201, "", ""), ("Samtal", "", "")],
            text("Use at most %(limit_value)d characters for the headline.", limit_value=200),
        ),
        (
            [("Hemma", "", "m" * 201), ("Samtal", "", "")],
            text(
                "A marker can have at most %(limit)d characters: shorten “%(marker)s…”.",
                limit=200,
                marker="m" * 40,
            ),
        ),
    ],
)
def test_it_refuses_a_ladder_with_bad_steps(admin_client_a, fed_a, rows, message):
    response = admin_client_a.post(reverse("stepladder:ladder-create"), _steps_post(rows))
    assert response.status_code == 400
    assert message in response.text
    assert text(FORM_ERRORS) in response.text
    assert not Ladder.objects.filter(federation=fed_a).exists()


def test_it_refuses_more_than_twenty_steps(admin_client_a, fed_a):
    rows = [(f"Steg {n}", "", "") for n in range(21)]
    response = admin_client_a.post(reverse("stepladder:ladder-create"), _steps_post(rows))
    assert response.status_code == 400
    assert text("A ladder can have at most %(num)d steps.", num=20) in response.text
    assert not Ladder.objects.filter(federation=fed_a).exists()


def test_it_refuses_a_tampered_or_missing_management_form(admin_client_a, fed_a):
    data = _steps_post([("Hemma", "", ""), ("Samtal", "", "")])
    data["form-TOTAL_FORMS"] = "many"
    assert admin_client_a.post(reverse("stepladder:ladder-create"), data).status_code == 400
    del data["form-TOTAL_FORMS"]
    assert admin_client_a.post(reverse("stepladder:ladder-create"), data).status_code == 400
    assert not Ladder.objects.filter(federation=fed_a).exists()


def test_it_refuses_a_duplicate_name_and_keeps_what_was_typed(admin_client_a, own_ladder):
    rows = [("Hemma", "", ""), ("Samtal", "", "Individuella samtal")]
    response = admin_client_a.post(reverse("stepladder:ladder-create"), _steps_post(rows))
    assert response.status_code == 400
    html = response.text
    assert (
        text(
            "The federation already has a ladder called %(name)s. Choose another name.",
            name="BIP-trappan",
        )
        in html
    )
    assert "Individuella samtal" in html
    assert Ladder.objects.filter(name="BIP-trappan").count() == 1


def test_it_allows_the_name_of_another_federations_ladder(persona_client, own_ladder, fed_b):
    rows = [("Hemma", "", ""), ("Samtal", "", "")]
    response = persona_client("outsider_admin").post(
        reverse("stepladder:ladder-create"), _steps_post(rows)
    )
    assert response.status_code == 302
    assert Ladder.objects.filter(federation=fed_b, name="BIP-trappan").exists()


def test_it_adds_rows_without_saving(admin_client_a, fed_a):
    data = _steps_post([("Hemma", "", ""), ("Samtal", "", "")])
    data["more_rows"] = "1"
    response = admin_client_a.post(reverse("stepladder:ladder-create"), data)
    assert response.status_code == 200
    assert response.context["formset"].total_form_count() == 5
    assert "Samtal" in response.text
    assert not Ladder.objects.filter(federation=fed_a).exists()


def test_it_edits_a_ladder_not_in_use(admin_client_a, own_ladder):
    response = admin_client_a.get(reverse("stepladder:ladder-edit", args=[own_ladder.pk]))
    assert response.status_code == 200
    assert response.context["form"].initial["name"] == "BIP-trappan"
    rows = [("Ett", "", "A\nB"), ("Två", "", "")]
    response = admin_client_a.post(
        reverse("stepladder:ladder-edit", args=[own_ladder.pk]),
        _steps_post(rows, description="Ny beskrivning"),
    )
    assert response.status_code == 302
    own_ladder.refresh_from_db()
    assert own_ladder.description == "Ny beskrivning"
    assert ladders.steps_of(own_ladder) == [
        StepData("Ett", "", ["A", "B"]),
        StepData("Två", "", []),
    ]


def test_it_refuses_to_edit_a_ladder_in_use(admin_client_a, own_ladder, enrolment, coordinator):
    _rate(enrolment, own_ladder.steps.get(number=1), coordinator)
    url = reverse("stepladder:ladder-edit", args=[own_ladder.pk])
    response = admin_client_a.get(url)
    assert response.status_code == 403
    html = response.text
    assert (
        text(
            "This ladder has ratings, and changing it would change what they say. Make a new "
            "version instead: the ratings stay on this one."
        )
        in html
    )
    assert reverse("stepladder:ladder-new-version", args=[own_ladder.pk]) in html
    response = admin_client_a.post(url, _steps_post([("Ett", "", ""), ("Två", "", "")]))
    assert response.status_code == 403
    assert ladders.steps_of(own_ladder) == THREE_STEPS


def test_it_refuses_to_edit_a_built_in_ladder(admin_client_a):
    built_in = default_ladder()
    url = reverse("stepladder:ladder-edit", args=[built_in.pk])
    assert admin_client_a.get(url).status_code == 403
    response = admin_client_a.post(url, _steps_post([("Ett", "", ""), ("Två", "", "")]))
    assert response.status_code == 403
    assert built_in.steps.count() == 6


def test_it_makes_a_new_version_and_opens_it_for_editing(admin_client_a, own_ladder, fed_a):
    response = admin_client_a.post(reverse("stepladder:ladder-new-version", args=[own_ladder.pk]))
    copy = Ladder.objects.get(previous_version=own_ladder)
    assert response.status_code == 302
    assert response["Location"] == reverse("stepladder:ladder-edit", args=[copy.pk])
    detail = admin_client_a.get(reverse("stepladder:ladder-detail", args=[copy.pk]))
    assert detail.context["previous"] == own_ladder
    assert reverse("stepladder:ladder-detail", args=[own_ladder.pk]) in detail.content.decode()


def test_it_keeps_the_name_of_the_chain_when_editing_a_new_version(
    admin_client_a, own_ladder, federation_admin
):
    copy = ladders.ladder_new_version(actor=federation_admin, ladder=own_ladder)
    rows = [("Ett", "", ""), ("Två", "", "")]
    response = admin_client_a.post(
        reverse("stepladder:ladder-edit", args=[copy.pk]), _steps_post(rows)
    )
    assert response.status_code == 302  # its own name, shared with version 1, is fine


# --- A project's ladder ---------------------------------------------------------------------


def test_it_uses_the_default_ladder_every_three_months_without_a_setting(project_a):
    assert ladder_for(project_a) == default_ladder()
    assert interval_months(project_a) == 3


def test_it_saves_the_project_ladder(admin_client_a, project_a, own_ladder):
    url = reverse("stepladder:project-ladder", args=[project_a.pk])
    response = admin_client_a.get(url)
    assert response.status_code == 200
    assert response.context["form"].initial == {"ladder": default_ladder().pk, "interval_months": 3}
    response = admin_client_a.post(url, {"ladder": own_ladder.pk, "interval_months": "2"})
    assert response.status_code == 302
    assert ladder_for(project_a) == own_ladder
    assert interval_months(project_a) == 2
    # And changed again: the same row is updated.
    response = admin_client_a.post(url, {"ladder": default_ladder().pk, "interval_months": "6"})
    assert response.status_code == 302
    assert ProjectLadder.objects.filter(project=project_a).count() == 1
    assert (ladder_for(project_a), interval_months(project_a)) == (default_ladder(), 6)


@pytest.mark.parametrize("interval", ["0", "13", "tre", "", "2.5"])
def test_it_refuses_a_bad_interval(admin_client_a, project_a, interval):
    message = text("Enter a whole number of months from 1 to 12.")
    url = reverse("stepladder:project-ladder", args=[project_a.pk])
    response = admin_client_a.post(
        url, {"ladder": default_ladder().pk, "interval_months": interval}
    )
    assert response.status_code == 400
    assert message in response.text
    assert not ProjectLadder.objects.filter(project=project_a).exists()


@pytest.mark.parametrize("ladder", ["foreign", "abc", "", "99999"])
def test_it_refuses_a_ladder_outside_the_federation(admin_client_a, project_a, fed_b, ladder):
    foreign = Ladder.objects.create(federation=fed_b, name="B-trappan")
    value = str(foreign.pk) if ladder == "foreign" else ladder
    url = reverse("stepladder:project-ladder", args=[project_a.pk])
    response = admin_client_a.post(url, {"ladder": value, "interval_months": "3"})
    assert response.status_code == 400
    assert not ProjectLadder.objects.filter(project=project_a).exists()


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("federation_admin", 200),
        ("federation_staff", 403),
        ("coordinator", 403),
        ("case_officer_a", 403),
        ("outsider_admin", 404),
        ("anonymous", 302),
    ],
)
def test_it_lets_only_the_federations_admins_choose_the_ladder(
    persona, expected, persona_client, project_a
):
    url = reverse("stepladder:project-ladder", args=[project_a.pk])
    assert persona_client(persona).get(url).status_code == expected
    response = persona_client(persona).post(
        url, {"ladder": default_ladder().pk, "interval_months": "4"}
    )
    assert response.status_code == (302 if expected == 200 else expected)
    assert ProjectLadder.objects.filter(project=project_a).exists() == (expected == 200)


def test_it_warns_that_older_ratings_stay_on_their_ladder(
    admin_client_a, project_a, own_ladder, enrolment, coordinator
):
    old_step = default_ladder().steps.get(number=2)
    rating = _rate(enrolment, old_step, coordinator)
    url = reverse("stepladder:project-ladder", args=[project_a.pk])
    note = text(
        "The project already has ratings. If you choose another ladder, the ratings made so far "
        "stay on the ladder they were made on; only new ratings use the ladder you choose."
    )
    assert note in admin_client_a.get(url).text
    response = admin_client_a.post(
        url, {"ladder": own_ladder.pk, "interval_months": "3"}, follow=True
    )
    assert response.status_code == 200
    warning = text(
        "Ratings made before the change stay on the ladder they were made on; new ratings use "
        "%(ladder)s.",
        ladder=own_ladder,
    )
    assert warning in response.text
    rating.refresh_from_db()
    assert rating.step == old_step
    assert ladder_for(project_a) == own_ladder
