"""The database keeps every row with a federation and a project in the project's federation
(fokus/tenancy.py), whatever code writes it."""

import pytest
from django.db import DatabaseError, IntegrityError, transaction

from fokus.models import Membership, Project
from fokus.roles import Role
from participants.models import Enrolment
from referrals.models import Referral
from surveys.models import Survey

pytestmark = pytest.mark.django_db


def _refused(write) -> None:
    with pytest.raises(IntegrityError, match="is not its project's"), transaction.atomic():
        write()


def test_a_referral_enrolment_or_survey_cannot_name_another_federations_project(
    make_referral, fed_b, project_b, coordinator
):
    referral = make_referral()
    _refused(lambda: Referral.objects.filter(pk=referral.pk).update(project=project_b))
    _refused(
        lambda: Enrolment.objects.create(
            federation=fed_b, project=referral.project, referral=referral
        )
    )
    survey = Survey.objects.create(
        federation=referral.federation, project=referral.project, name="Egen", audience="partners"
    )
    _refused(lambda: Survey.objects.filter(pk=survey.pk).update(federation=fed_b))
    _refused(
        lambda: Membership.objects.create(
            user=coordinator,
            federation=coordinator.federation,
            role=Role.COORDINATOR,
            project=project_b,
        )
    )


def test_rows_of_the_projects_own_federation_and_templates_are_accepted(make_referral):
    referral = make_referral()
    Enrolment.objects.create(
        federation=referral.federation, project=referral.project, referral=referral
    )
    Survey.objects.create(name="Mall", audience="partners")  # a template: no project
    assert Enrolment.objects.count() == 1


def test_a_project_cannot_move_to_another_federation_but_changes_otherwise(project_a, fed_b):
    read_only = pytest.raises(DatabaseError, match="Cannot update rows from fokus_project")
    with read_only, transaction.atomic():
        Project.objects.filter(pk=project_a.pk).update(federation=fed_b)
    Project.objects.filter(pk=project_a.pk).update(name="Nytt namn")
    project_a.refresh_from_db()
    assert (project_a.name, project_a.federation.slug) == ("Nytt namn", "a")
