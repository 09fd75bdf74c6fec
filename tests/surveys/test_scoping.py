"""The surveys' querysets and rules (fokus/policy/surveys.py): who finds which survey, contact
and response, and who may read and manage a survey."""

import pytest

from fokus.models import AccessAction, AccessLogEntry
from fokus.policy import surveys as survey_policy
from surveys import definitions, partners
from surveys.models import Contact, Response, Survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def template():
    return Survey.objects.templates().get(name="Samverkan")


@pytest.fixture
def survey_a(template, project_a, coordinator):
    return definitions.survey_copy(actor=coordinator, source=template, project=project_a)


@pytest.fixture
def survey_b(template, project_b, outsider):
    return definitions.survey_copy(actor=outsider, source=template, project=project_b)


@pytest.fixture
def contact_a(project_a, coordinator):
    return partners.contact_save(
        actor=coordinator,
        project=project_a,
        name="Per Partner",
        agency=None,
        role="",
        email="per@a.example",
    )


def test_it_finds_surveys_in_the_users_federation_only(template, survey_a, survey_b, coordinator):
    found = set(Survey.objects.in_federation(coordinator))
    assert template in found and survey_a in found and survey_b not in found


def test_it_lets_coordinators_and_staff_read_a_project_survey(
    survey_a, template, coordinator, federation_staff, case_officer_a, outsider
):
    assert survey_a in Survey.objects.for_user(coordinator)
    assert survey_a in Survey.objects.for_user(federation_staff)
    assert survey_a not in Survey.objects.for_user(case_officer_a)
    assert template in Survey.objects.for_user(case_officer_a)
    assert survey_a not in Survey.objects.for_user(outsider)
    assert survey_policy.can_read(federation_staff, survey_a)
    assert not survey_policy.can_manage(federation_staff, survey_a)
    assert survey_policy.can_manage(coordinator, survey_a)
    assert not survey_policy.can_read(outsider, survey_a)


def test_it_offers_only_own_projects_surveys_to_copy(
    survey_a, survey_b, template, coordinator, federation_staff
):
    sources = set(Survey.objects.in_federation(coordinator).copy_sources(coordinator))
    assert {template, survey_a} <= sources and survey_b not in sources
    assert survey_a not in Survey.objects.in_federation(federation_staff).copy_sources(
        federation_staff
    )


def test_it_keeps_contacts_and_responses_to_the_coordinators(
    contact_a, survey_a, coordinator, federation_staff, outsider
):
    response = Response.objects.create(survey=survey_a, channel="paper", entered_by=coordinator)
    assert list(Contact.objects.for_user(coordinator)) == [contact_a]
    assert list(Response.objects.for_user(coordinator)) == [response]
    for user in (federation_staff, outsider):
        assert not Contact.objects.for_user(user).exists()
        assert not Response.objects.for_user(user).exists()
    # The tenant: staff find the contact (and get 403 from the view), outsiders do not (404).
    assert Contact.objects.in_federation(federation_staff).exists()
    assert not Contact.objects.in_federation(outsider).exists()


def test_it_logs_the_changed_fields_of_a_contact_not_the_person(contact_a, coordinator):
    saved = partners.contact_save(
        actor=coordinator,
        project=contact_a.project,
        contact=contact_a,
        name="Per Partner",
        agency=None,
        role="Handläggare",
        email="per@a.example",
        is_active=False,
    )
    assert (saved.role, saved.is_active) == ("Handläggare", False)
    entry = AccessLogEntry.objects.get(action=AccessAction.CHANGE)
    assert entry.detail == f"survey contact {contact_a.pk}: is_active, role"
    assert "Per" not in entry.detail
