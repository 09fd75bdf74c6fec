"""The programme shape of a start (data per cohort, because it changed at almost every start)
and the participation counts on the list of starts."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext as _

from cohorts.models import Cohort
from participants.models import Enrolment
from referrals.models import ReferralStatus
from tests.conftest import test_personnummer
from tests.participants.test_cohort_views import cohort_data, parse


def test_it_saves_the_programme_shape_of_a_new_start(persona_client, project_a, municipality_a):
    response = persona_client("coordinator").post(
        reverse("participants:cohort-create", args=[project_a.pk]),
        cohort_data(
            municipality_a,
            group_weeks="8",
            group_sessions_per_week="2",
            session_minutes="150",
            talks_before_group="0",
            period_months="9",
        ),
    )

    assert response.status_code == 302
    cohort = Cohort.objects.get()
    assert (
        cohort.group_weeks,
        cohort.group_sessions_per_week,
        cohort.session_minutes,
        cohort.talks_before_group,
        cohort.period_months,
    ) == (8, 2, 150, 0, 9)


def test_it_offers_the_usual_shape_in_its_own_fieldset(persona_client, project_a):
    response = persona_client("coordinator").get(
        reverse("participants:cohort-create", args=[project_a.pk])
    )
    inputs = parse(response.text).inputs
    assert [inputs[name] for name in ("group_weeks", "session_minutes", "period_months")] == [
        "12",
        "180",
        "12",
    ]
    assert escape(_("Programme shape")) in response.text


@pytest.mark.parametrize(
    ("field", "value", "low", "high"),
    [("talks_before_group", "4", 0, 3), ("period_months", "0", 1, 36)],
)
def test_it_refuses_a_shape_out_of_range_and_saves_nothing(
    persona_client, project_a, municipality_a, field, value, low, high
):
    response = persona_client("coordinator").post(
        reverse("participants:cohort-create", args=[project_a.pk]),
        cohort_data(municipality_a, **{field: value}),
    )

    assert response.status_code == 400
    message = _("Enter a whole number from %(low)d to %(high)d.") % {"low": low, "high": high}
    assert escape(message) in response.text
    assert not Cohort.objects.exists()


def test_it_counts_enrolled_active_and_exited_per_start(
    persona_client, project_a, cohort, make_referral, coordinator
):
    def enrol(serial, status, started=True):
        exit_fields = {}
        if status == Enrolment.Status.EXITED:
            exit_fields = {
                "exited_on": date(2026, 11, 2),
                "exit_reason": "moved",
                "destination": "none",
                "receiving_party": "Socialtjänsten i Norrvik",
                "exit_plan": "Fortsatt kontakt med socialtjänsten.",
            }
        Enrolment.objects.create(
            federation=project_a.federation,
            project=project_a,
            cohort=cohort,
            referral=make_referral(
                status=ReferralStatus.ENROLLED,
                personnummer=test_personnummer("19850101", str(serial)),
            ),
            status=status,
            coordinator=coordinator if started else None,
            enrolled_on=date(2026, 9, 1) if started else None,
            planned_exit_on=date(2027, 9, 1) if started else None,
            **exit_fields,
        )

    client = persona_client("coordinator")
    url = reverse("participants:cohort-list", args=[project_a.pk])
    enrol(980, Enrolment.Status.ACCEPTED, started=False)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    enrol(981, Enrolment.Status.ACTIVE)
    enrol(982, Enrolment.Status.ACTIVE)
    enrol(983, Enrolment.Status.EXITED)
    enrol(984, Enrolment.Status.CONSENT_WITHDRAWN)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert len(many) == len(few)
    row = next(
        r
        for r in parse(response.text).rows
        if r and r[0] == date_format(cohort.start_date, "SHORT_DATE_FORMAT")
    )
    # Four have started (one has since withdrawn consent), two are active, one has exited.
    assert row[-4:-1] == ["4", "2", "1"]
