"""Step ratings of one participant: the default ladder, recording a rating, correcting the
latest one (older ones are locked), the pages and who may open them, and their query counts."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from fokus.models import AccessAction, AccessLogEntry
from participants.models import Enrolment
from participants.services import enrolment_exit
from participants.timeline import timeline
from referrals.services import consent_withdraw
from stepladder import services
from stepladder.models import Ladder, Marker, Rating, RatingCorrection, RatingKind, Step
from stepladder.progress import current_rating, ratings_of
from stepladder.timeline import rating_events

pytestmark = pytest.mark.django_db

FORM_ERRORS = "The form has errors. Correct the fields marked below; nothing has been saved yet."
ENROLMENT, QUARTERLY, EXIT, EXTRA = (
    RatingKind.ENROLMENT,
    RatingKind.QUARTERLY,
    RatingKind.EXIT,
    RatingKind.EXTRA,
)


def text(msgid: str, **params) -> str:
    """A message as it appears on the page: translated and escaped."""
    return escape(_(msgid) % params if params else _(msgid))


def list_url(enrolment):
    return reverse("stepladder:rating-list", args=[enrolment.public_id])


def create_url(enrolment):
    return reverse("stepladder:rating-create", args=[enrolment.public_id])


def correct_url(rating):
    return reverse("stepladder:rating-correct", args=[rating.pk])


def _errors(error: services.RatingError) -> dict:
    return {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}


@pytest.fixture
def other_ladder(fed_a):
    """A federation's own ladder, not the project's."""
    ladder = Ladder.objects.create(federation=fed_a, name="BIP-trappan")
    for number in (1, 2, 3):
        step = Step.objects.create(ladder=ladder, number=number, headline=f"BIP {number}")
        Marker.objects.create(step=step, text=f"BIP-kännetecken {number}", position=1)
    return ladder


# --- The default ladder -------------------------------------------------------------------------


def test_it_has_the_fokus_ladder_with_six_steps_and_their_markers(ladder):
    steps = list(ladder.steps.order_by("number").prefetch_related("markers"))
    assert ladder.federation is None and ladder.is_default
    assert [s.number for s in steps] == [1, 2, 3, 4, 5, 6]
    assert steps[0].headline == "Passiv"
    markers = {s.number: [m.text for m in s.markers.all()] for s in steps}
    # DOMAIN §6's typical markers.
    assert markers[2] == ["Individuella samtal", "Kartläggning gjord", "Planering gjord"]
    assert markers[3] == [
        "Förbättrad eller ny kontakt med myndighet",
        "Ökad motivation",
        "Mål satta",
    ]
    assert "Ansökan till rätt ersättningssystem" in markers[4]
    assert "Ökad kompetens (till exempel körkort)" in markers[5]
    assert "Beslut om rätt ersättningssystem beviljat" in markers[6]
    assert all(markers.values())


# --- Recording a rating -------------------------------------------------------------------------


def test_it_records_a_rating_with_markers_of_any_step_and_logs_it(
    started, rate, marker, step, today
):
    rating = rate(
        started,
        date(2026, 9, 1),
        2,
        kind=ENROLMENT,
        # Reached on step 1 and 2, and one of step 4 already: all of the ladder's markers count.
        markers=[marker(1, 1), marker(2, 1), marker(2, 2), marker(4, 2)],
        comment="  Har kommit till två samtal. ",
        participant_step=step(3),
    )

    rating.refresh_from_db()
    assert (rating.step.number, rating.kind, rating.rated_by.email) == (
        2,
        ENROLMENT,
        "koordinator@a.example",
    )
    assert rating.comment == "Har kommit till två samtal."
    assert sorted(m.pk for m in rating.markers.all()) == sorted(
        m.pk for m in [marker(1, 1), marker(2, 1), marker(2, 2), marker(4, 2)]
    )
    # The views differ and no note was written: allowed, the note is encouraged, not required.
    assert rating.participant_step.number == 3 and rating.disagreement_note == ""
    entry = AccessLogEntry.objects.get(action=AccessAction.CREATE, object_type="stepladder.rating")
    assert entry.object_id == str(rating.pk)
    assert entry.federation_id == started.federation_id
    assert "19850101" not in entry.detail + entry.object_label


def test_it_refuses_steps_and_markers_of_another_ladder(
    started, coordinator, other_ladder, step, today
):
    with pytest.raises(services.RatingError) as refused:
        services.rating_create(
            actor=coordinator,
            enrolment=started,
            rated_on=date(2026, 9, 1),
            kind=ENROLMENT,
            step=other_ladder.steps.get(number=2),
            markers=[Marker.objects.get(step__ladder=other_ladder, step__number=1)],
            participant_step=other_ladder.steps.get(number=1),
        )
    assert set(_errors(refused.value)) == {"step", "markers", "participant_step"}
    assert not Rating.objects.exists()


@pytest.mark.parametrize(
    ("rated_on", "message"),
    [
        (date(2027, 6, 2), "The date of the rating cannot be in the future."),
        (date(2026, 8, 31), "The date cannot be before the enrolment date, %(date)s."),
    ],
)
def test_it_refuses_a_date_in_the_future_or_before_the_enrolment(
    started, rate, today, rated_on, message
):
    with pytest.raises(services.RatingError) as refused:
        rate(started, rated_on, 1, kind=ENROLMENT)
    assert _errors(refused.value) == {"rated_on": [_(message) % {"date": "2026-09-01"}]}


def test_ratings_follow_each_other_in_time(started, rate, today):
    rate(started, date(2026, 12, 1), 2)
    with pytest.raises(services.RatingError) as refused:
        rate(started, date(2026, 11, 30), 2, kind=ENROLMENT)
    assert _errors(refused.value) == {
        "rated_on": [
            _("Ratings are entered in date order: choose %(date)s or later.")
            % {"date": "2026-12-01"}
        ]
    }
    # The same day is fine.
    rate(started, date(2026, 12, 1), 3, kind=EXTRA)


def test_there_is_one_enrolment_rating_and_one_exit_rating(started, rate, today):
    rate(started, date(2026, 9, 1), 1, kind=ENROLMENT)
    rate(started, date(2027, 5, 1), 3, kind=EXIT)
    for kind in (ENROLMENT, EXIT):
        with pytest.raises(services.RatingError) as refused:
            rate(started, date(2027, 5, 2), 3, kind=kind)
        assert _errors(refused.value) == {
            "kind": [_("The participation already has a rating of this kind.")]
        }
    # Regular and extra ratings as often as needed.
    rate(started, date(2027, 5, 3), 3, kind=QUARTERLY)
    rate(started, date(2027, 5, 3), 3, kind=QUARTERLY)
    rate(started, date(2027, 5, 3), 3, kind=EXTRA)
    assert Rating.objects.count() == 5


def test_before_the_start_only_an_enrolment_or_extra_rating_is_made(accepted, rate):
    # Not started yet: the participation counts from the day it was accepted, today.
    day = timezone.localdate()
    assert services.kinds_open(accepted, day) == [ENROLMENT, EXTRA]
    with pytest.raises(services.RatingError):
        rate(accepted, day, 1, kind=QUARTERLY)
    rate(accepted, day, 1, kind=ENROLMENT)


def _exit(enrolment, coordinator, exited_on):
    return enrolment_exit(
        actor=coordinator,
        enrolment=enrolment,
        exited_on=exited_on,
        exit_reason="completed_period",
        destination="studies",
        receiving_party="Komvux",
        exit_plan="Studier",
        income_source_after="study_support",
        occupation_after="studies",
    )


def test_after_the_exit_only_the_exit_rating_is_made_for_30_days(started, rate, coordinator, today):
    _exit(started, coordinator, date(2027, 5, 20))
    today(date(2027, 6, 19))
    with pytest.raises(services.RatingError) as refused:
        rate(started, date(2027, 6, 19), 4, kind=QUARTERLY)
    assert "kind" in _errors(refused.value)

    today(date(2027, 6, 20))
    with pytest.raises(services.RatingError):
        rate(started, date(2027, 5, 20), 4, kind=EXIT)

    today(date(2027, 6, 19))
    rating = rate(started, date(2027, 5, 20), 4, kind=EXIT)
    assert rating.kind == EXIT


def test_no_rating_after_consent_is_withdrawn(started, rate, case_officer_a, today):
    consent_withdraw(
        actor=case_officer_a,
        referral=started.referral,
        withdrawn_on=date(2027, 1, 1),
        channel="phone",
    )
    with pytest.raises(services.RatingError) as refused:
        rate(started, date(2027, 1, 2), 2)
    assert refused.value.messages == [
        _("The person has withdrawn their consent: no more step ratings are recorded.")
    ]


def test_only_the_projects_coordinators_rate(started, rate, other_coordinator, today):
    with pytest.raises(services.RatingError):
        rate(started, date(2026, 9, 1), 2, kind=ENROLMENT, actor=other_coordinator)
    assert not Rating.objects.exists()


# --- Correcting the latest rating --------------------------------------------------------------


@pytest.fixture
def two_ratings(started, rate, marker, step, today):
    first = rate(started, date(2026, 9, 1), 1, kind=ENROLMENT, markers=[marker(1, 1)])
    latest = rate(
        started,
        date(2026, 12, 1),
        2,
        markers=[marker(1, 1), marker(2, 1)],
        comment="Kartläggning påbörjad",
        participant_step=step(3),
        disagreement_note="Ser sig själv i gruppen redan",
    )
    return first, latest


def _correct(rating, actor, **changes):
    values = {
        "reason": "Fel steg valdes",
        "rated_on": rating.rated_on,
        "kind": rating.kind,
        "step": rating.step,
        "markers": list(rating.markers.all()),
        "comment": rating.comment,
        "participant_step": rating.participant_step,
        "disagreement_note": rating.disagreement_note,
        **changes,
    }
    return services.rating_correct(actor=actor, rating=rating, **values)


def test_it_corrects_the_latest_rating_and_keeps_what_it_said_before(
    two_ratings, coordinator, step, marker
):
    _first, latest = two_ratings
    before_ids = sorted([marker(1, 1).pk, marker(2, 1).pk])

    _correct(latest, coordinator, step=step(3), markers=[marker(3, 2)], comment="Rättad")

    latest.refresh_from_db()
    assert latest.step.number == 3 and latest.comment == "Rättad"
    assert [m.pk for m in latest.markers.all()] == [marker(3, 2).pk]
    assert latest.corrected_at is not None
    assert latest.rated_by == coordinator  # still who rated; the correction says who corrected
    correction = RatingCorrection.objects.get(rating=latest)
    assert correction.reason == "Fel steg valdes" and correction.by == coordinator
    assert correction.before == {
        "rated_on": "2026-12-01",
        "kind": QUARTERLY,
        "step": 2,
        "step_id": step(2).pk,
        "headline": step(2).headline,
        "markers": ["Tar sig hemifrån till ett möte", "Individuella samtal"],
        "marker_ids": before_ids,
        "comment": "Kartläggning påbörjad",
        "participant_step": 3,
        "participant_step_id": step(3).pk,
        "disagreement_note": "Ser sig själv i gruppen redan",
    }
    entry = AccessLogEntry.objects.get(action=AccessAction.CHANGE, object_type="stepladder.rating")
    assert entry.detail.endswith("corrected: step, markers, comment")


def test_every_correction_is_kept(two_ratings, coordinator, step):
    _first, latest = two_ratings
    _correct(latest, coordinator, step=step(3))
    _correct(latest, coordinator, step=step(4), reason="Ny information")

    befores = [c.before["step"] for c in RatingCorrection.objects.filter(rating=latest)]
    assert befores == [2, 3]


def test_older_ratings_are_locked(two_ratings, coordinator, step):
    first, _latest = two_ratings
    with pytest.raises(services.RatingError) as refused:
        _correct(first, coordinator, step=step(2))
    assert refused.value.messages == [str(services.LOCKED)]
    first.refresh_from_db()
    assert first.step.number == 1 and first.corrected_at is None
    assert not RatingCorrection.objects.exists()


def test_a_correction_needs_a_reason(two_ratings, coordinator, step):
    _first, latest = two_ratings
    with pytest.raises(services.RatingError) as refused:
        _correct(latest, coordinator, step=step(3), reason="   ")
    assert _errors(refused.value) == {"reason": [_("Write why the rating is corrected.")]}
    assert not RatingCorrection.objects.exists()


def test_a_correction_that_changes_nothing_is_refused(two_ratings, coordinator, marker):
    _first, latest = two_ratings
    # The same markers in another order, the comment with spaces around: still the same.
    with pytest.raises(services.RatingError) as refused:
        _correct(
            latest,
            coordinator,
            markers=[marker(2, 1), marker(1, 1)],
            comment=" Kartläggning påbörjad ",
        )
    assert refused.value.messages == [_("Nothing was changed, so there is nothing to correct.")]
    latest.refresh_from_db()
    assert latest.corrected_at is None and not RatingCorrection.objects.exists()


def test_a_correction_cannot_move_the_rating_before_the_previous_one(two_ratings, coordinator):
    _first, latest = two_ratings
    with pytest.raises(services.RatingError) as refused:
        _correct(latest, coordinator, rated_on=date(2026, 8, 31))
    assert "rated_on" in _errors(refused.value)
    _correct(latest, coordinator, rated_on=date(2026, 9, 1))  # the same day as the previous


def test_a_correction_stays_on_the_ladder_rated_on(two_ratings, coordinator, other_ladder):
    _first, latest = two_ratings
    with pytest.raises(services.RatingError) as refused:
        _correct(latest, coordinator, step=other_ladder.steps.get(number=3))
    assert set(_errors(refused.value)) == {"step"}


# --- Reading: progress and timeline -------------------------------------------------------------


def test_the_current_rating_is_the_latest(two_ratings, started, django_assert_num_queries):
    _first, latest = two_ratings
    with django_assert_num_queries(2):
        current = current_rating(started)
        assert [m.text for m in current.markers.all()] == [
            "Tar sig hemifrån till ett möte",
            "Individuella samtal",
        ]
    assert current == latest
    assert [r.step.number for r in ratings_of(started)] == [1, 2]


def test_ratings_are_in_the_timeline(two_ratings, started, django_assert_num_queries):
    with django_assert_num_queries(2):
        events = rating_events(started, editable=True)
    assert [e.category for e in events] == ["rating", "rating"]
    assert events[1].title == _("Step rating: step %(number)d (%(kind)s)") % {
        "number": 2,
        "kind": RatingKind.QUARTERLY.label.lower(),
    }
    assert "Kartläggning påbörjad" in events[1].details
    assert events[1].url == list_url(started)
    assert "rating" in {e.category for e in timeline(started)}


# --- The pages ----------------------------------------------------------------------------------


def _post(step, *, markers=(), kind=QUARTERLY, rated_on="2027-06-01", **fields):
    return {
        "rated_on": rated_on,
        "kind": kind,
        "step": step.pk if isinstance(step, Step) else step,
        "markers": [m.pk if isinstance(m, Marker) else m for m in markers],
        "comment": "",
        "participant_step": "",
        "disagreement_note": "",
        **fields,
    }


def test_the_form_preselects_the_kind_and_shows_the_previous_rating(
    two_ratings, started, persona_client
):
    response = persona_client("coordinator").get(create_url(started) + "?kind=extra")

    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["kind"] == EXTRA
    # The enrolment rating is made already: not offered again.
    assert [value for value, _label in form.fields["kind"].choices] == ["", QUARTERLY, EXIT, EXTRA]
    # The previous rating's markers are ticked to start with.
    assert len(form.initial["markers"]) == 2
    assert response.context["previous"] == two_ratings[1]
    page = response.text
    assert text("Previous rating") in page and "Kartläggning påbörjad" in page
    # Every step with its headline and description, and the markers in a fieldset per step.
    assert page.count('name="step"') == 6
    assert escape("Saknar socialt sammanhang och planering.") in page
    assert page.count('<legend class="fs-6 fw-semibold mb-1">') == 6


def test_the_form_offers_the_usual_next_kind(started, rate, persona_client, today):
    client = persona_client("coordinator")
    assert client.get(create_url(started)).context["form"].initial["kind"] == ENROLMENT
    rate(started, date(2026, 9, 1), 1, kind=ENROLMENT)
    # Not the exit rating, although an active participation may have it.
    assert client.get(create_url(started)).context["form"].initial["kind"] == QUARTERLY
    assert client.get(create_url(started) + "?kind=bad").context["form"].initial["kind"] == (
        QUARTERLY
    )


def test_it_saves_a_rating_from_the_form(started, persona_client, step, marker, today):
    response = persona_client("coordinator").post(
        create_url(started),
        _post(
            step(3),
            kind=ENROLMENT,
            markers=[marker(2, 1), marker(3, 1)],
            participant_step=step(2).pk,
            disagreement_note="Tycker inte att gruppen räknas än",
        ),
    )

    assert response.status_code == 302 and response.url == list_url(started)
    rating = Rating.objects.get()
    assert (rating.step.number, rating.participant_step.number, rating.markers.count()) == (3, 2, 2)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"step": "other"}, "step"),  # the other ladder's step
        ({"step": "abc"}, "step"),
        ({"step": ""}, "step"),
        ({"step": "999999"}, "step"),
        ({"markers": ["other"]}, "markers"),
        ({"markers": ["x"]}, "markers"),
        ({"participant_step": "other"}, "participant_step"),
        ({"kind": "everything"}, "kind"),
        ({"rated_on": "2027-06-02"}, "rated_on"),  # tomorrow
        ({"rated_on": "1 juni"}, "rated_on"),
    ],
)
def test_a_tampered_or_bad_post_is_a_form_error_and_saves_nothing(
    started, persona_client, step, other_ladder, today, changes, field
):
    other = {
        "step": other_ladder.steps.get(number=2).pk,
        "markers": [Marker.objects.filter(step__ladder=other_ladder).first().pk],
        "participant_step": other_ladder.steps.get(number=1).pk,
    }
    data = {**_post(step(2)), **changes}
    data.update(
        {key: other[key] for key, value in changes.items() if value in ("other", ["other"])}
    )

    response = persona_client("coordinator").post(create_url(started), data)

    assert response.status_code == 400
    assert response.context["form"].errors.keys() == {field}
    assert text(FORM_ERRORS) in response.text
    assert not Rating.objects.exists()


def test_the_list_shows_the_current_step_chart_and_history_with_corrections(
    two_ratings, started, persona_client, coordinator, step
):
    _first, latest = two_ratings
    _correct(latest, coordinator, step=step(3), reason="Hade missat gruppdeltagandet")

    response = persona_client("coordinator").get(list_url(started))

    assert response.status_code == 200
    page = response.text
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page and 'role="img"' in page
    assert escape(step(3).headline) in page
    assert "Hade missat gruppdeltagandet" in page and "Kim Koordinator" in page
    assert "Ser sig själv i gruppen redan" in page
    assert page.count(correct_url(latest)) == 1
    assert correct_url(two_ratings[0]) not in page
    assert text("Locked") in page
    assert create_url(started) in page
    assert AccessLogEntry.objects.filter(
        action=AccessAction.VIEW, object_id=str(started.public_id), detail="step ratings"
    ).exists()


def test_the_referring_officer_reads_the_whole_history_without_edit_links(
    two_ratings, started, persona_client
):
    response = persona_client("case_officer_a").get(list_url(started))

    assert response.status_code == 200
    page = response.text
    assert "Kartläggning påbörjad" in page and "Ser sig själv i gruppen redan" in page
    assert len(response.context["ratings"]) == 2
    assert create_url(started) not in page
    assert "/correct/" not in page
    assert text("Locked") not in page


def test_it_corrects_through_the_form(two_ratings, persona_client, step):
    _first, latest = two_ratings
    client = persona_client("coordinator")

    page = client.get(correct_url(latest))
    assert page.status_code == 200
    assert page.context["form"].initial["step"] == latest.step_id

    data = _post(step(2), kind=QUARTERLY, rated_on="2026-12-01", markers=latest.markers.all())
    data.update(comment="Kartläggning påbörjad", participant_step=step(3).pk)
    data["disagreement_note"] = "Ser sig själv i gruppen redan"
    # Without a reason: nothing saved.
    response = client.post(correct_url(latest), data)
    assert response.status_code == 400 and "reason" in response.context["form"].errors
    # Nothing changed: refused with a message.
    response = client.post(correct_url(latest), {**data, "reason": "Kontroll"})
    assert response.status_code == 400
    assert text("Nothing was changed, so there is nothing to correct.") in response.text

    response = client.post(correct_url(latest), {**data, "step": step(3).pk, "reason": "Fel"})
    assert response.status_code == 302
    latest.refresh_from_db()
    assert latest.step.number == 3 and latest.corrections.get().reason == "Fel"


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_older_rating_cannot_be_opened_for_correction(two_ratings, persona_client, step, method):
    first, _latest = two_ratings
    response = getattr(persona_client("coordinator"), method)(
        correct_url(first), _post(step(3), reason="Fel") if method == "post" else None
    )

    assert response.status_code == 403
    assert text(str(services.LOCKED)) in response.text
    first.refresh_from_db()
    assert first.step.number == 1 and not RatingCorrection.objects.exists()


def test_rating_closes_30_days_after_the_exit(
    two_ratings, started, coordinator, persona_client, today
):
    _first, latest = two_ratings
    _exit(started, coordinator, date(2027, 5, 1))
    client = persona_client("coordinator")
    today(date(2027, 5, 31))
    assert client.get(create_url(started)).status_code == 200
    assert client.get(correct_url(latest)).status_code == 200

    today(date(2027, 5, 1) + timedelta(days=31))
    assert client.get(create_url(started)).status_code == 403
    assert client.get(correct_url(latest)).status_code == 403
    assert create_url(started) not in client.get(list_url(started)).text


# --- Who may open the pages ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "list_status", "create_status", "correct_status"),
    [
        ("coordinator", 200, 200, 200),
        ("other_coordinator", 404, 404, 404),  # another project is not theirs
        ("case_officer_a", 200, 403, 403),  # the referring agency's officer reads only
        ("case_officer_b", 404, 403, 403),  # another agency: the participant is not theirs
        ("case_group_member", 403, 403, 403),
        ("federation_staff", 403, 403, 403),  # aggregates only
        ("federation_admin", 403, 403, 403),
        ("outsider", 404, 404, 404),  # another federation
        ("anonymous", 302, 302, 302),
    ],
)
def test_who_may_open_the_pages(
    two_ratings,
    started,
    persona_client,
    other_coordinator,
    persona,
    list_status,
    create_status,
    correct_status,
):
    client = persona_client(persona)
    _first, latest = two_ratings
    for url, expected in (
        (list_url(started), list_status),
        (create_url(started), create_status),
        (correct_url(latest), correct_status),
    ):
        response = client.get(url)
        assert response.status_code == expected, url
        if expected == 302:
            assert response.url.startswith(reverse("login"))


def test_writes_need_post_and_reads_get(two_ratings, started, persona_client):
    client = persona_client("coordinator")
    assert client.post(list_url(started)).status_code == 405
    assert client.put(create_url(started)).status_code == 405
    assert client.delete(correct_url(two_ratings[1])).status_code == 405


def test_an_unknown_rating_is_not_found(persona_client):
    assert (
        persona_client("coordinator")
        .get(reverse("stepladder:rating-correct", args=[999999]))
        .status_code
        == 404
    )


# --- Query counts -------------------------------------------------------------------------------


def _history(enrolment, coordinator, count):
    """`count` ratings with markers and a correction each, straight into the tables."""
    steps = list(Step.objects.filter(ladder__is_default=True).order_by("number"))
    markers = list(Marker.objects.filter(step__ladder__is_default=True))
    for i in range(count):
        rating = Rating.objects.create(
            enrolment=enrolment,
            rated_on=date(2026, 9, 1) + timedelta(days=7 * i),
            kind=QUARTERLY,
            step=steps[i % 6],
            participant_step=steps[(i + 1) % 6],
            rated_by=coordinator,
            comment=f"Kommentar {i}",
        )
        rating.markers.set(markers[i % 5 : i % 5 + 3])
        RatingCorrection.objects.create(rating=rating, reason=f"Skäl {i}", by=coordinator)


def _list_queries(client, enrolment):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(list_url(enrolment))
    assert response.status_code == 200
    return len(queries)


def test_the_list_runs_the_same_queries_for_2_and_12_ratings(
    started, coordinator, persona_client, today
):
    client = persona_client("coordinator")
    _history(started, coordinator, 2)
    two = _list_queries(client, started)
    Rating.objects.all().delete()
    _history(started, coordinator, 12)
    twelve = _list_queries(client, started)

    assert two == twelve, (two, twelve)
    assert twelve <= 20
    assert Enrolment.objects.count() == 1
