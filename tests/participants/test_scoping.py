"""The scoped querysets of a participation's case data: the plan, its goals and versions are
reached through the participation, by the tenant (`in_federation`) and by the role
(`for_user`). The views' 404s and 403s are in the view tests and tests/test_permissions.py."""

import pytest

from participants import plans
from participants.models import ActionPlan, ActionPlanVersion, Enrolment, Goal

pytestmark = pytest.mark.django_db

PLAN_MODELS = [ActionPlan, Goal, ActionPlanVersion]


@pytest.fixture
def goal(started, coordinator):
    return plans.goal_save(
        actor=coordinator, enrolment=started, text="Ta körkort", responsible="participant"
    )


@pytest.mark.parametrize("model", PLAN_MODELS)
def test_it_shows_the_projects_coordinator_the_plan(model, goal, coordinator):
    assert model.objects.for_user(coordinator).exists()
    assert model.objects.in_federation(coordinator).exists()


@pytest.mark.parametrize("model", PLAN_MODELS)
def test_it_keeps_the_plan_from_another_projects_coordinator(model, goal, other_coordinator):
    # Same federation: the view finds the row and answers 403; it is never listed for them.
    assert model.objects.in_federation(other_coordinator).exists()
    assert not model.objects.for_user(other_coordinator).exists()


@pytest.mark.parametrize("model", PLAN_MODELS)
def test_it_keeps_the_plan_from_another_federation(model, goal, outsider):
    assert not model.objects.in_federation(outsider).exists()
    assert not model.objects.for_user(outsider).exists()


def test_it_counts_a_starts_participations_in_one_query(
    accept, started, cohort, django_assert_num_queries
):
    accept("981")  # accepted, not started

    with django_assert_num_queries(1):
        counts = Enrolment.objects.filter(project=cohort.project).counts_per_cohort()

    assert counts == {cohort.pk: {"enrolled": 1, "active": 1, "exited": 0}}
