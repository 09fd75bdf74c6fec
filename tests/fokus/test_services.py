"""The federation set-up's services called with data, as views and imports call them, in
autocommit (transaction=True): each must be atomic on its own."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from cohorts.models import Cohort
from fokus.models import AccessAction, AccessLogEntry, Municipality, Project, User
from fokus.services import federation_object_save, user_update

pytestmark = pytest.mark.django_db(transaction=True)


def log_entries(action: str) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(action=action).order_by("pk"))


def test_it_creates_a_row_placed_in_the_federation_and_logs_it(federation_admin, fed_a):
    municipality = federation_object_save(
        actor=federation_admin,
        model=Municipality,
        owner={"federation": fed_a},
        values={"name": "Norrby", "code": "0999"},
    )

    assert Municipality.objects.get(pk=municipality.pk).federation == fed_a
    [entry] = log_entries(AccessAction.CREATE)
    assert (entry.object_id, entry.detail) == (str(municipality.pk), "")


def test_it_logs_exactly_the_fields_that_changed_many_to_many_too(
    federation_admin, fed_a, project_a, municipality_a
):
    values = {
        "name": project_a.name,
        "owner": project_a.owner,
        "description": project_a.description,
        "start_date": project_a.start_date,
        "end_date": date(2030, 6, 30),
        "municipalities": [municipality_a],
        "intake_mode": project_a.intake_mode,
        "min_age": project_a.min_age,
        "max_age": project_a.max_age,
    }

    federation_object_save(
        actor=federation_admin,
        model=Project,
        owner={"federation": fed_a},
        values=values,
        pk=project_a.pk,
    )

    project_a.refresh_from_db()
    assert project_a.end_date == date(2030, 6, 30)
    assert list(project_a.municipalities.all()) == [municipality_a]
    [entry] = log_entries(AccessAction.CHANGE)
    assert entry.detail == "end_date, municipalities"


def test_it_refuses_to_place_a_row_in_another_federation(federation_admin, project_b):
    with pytest.raises(ValidationError):
        federation_object_save(
            actor=federation_admin,
            model=Cohort,
            owner={"project": project_b},
            values={
                "municipality": project_b.municipalities.first(),
                "start_date": date(2027, 1, 4),
            },
        )

    assert not Cohort.objects.filter(project=project_b).exists()
    assert not AccessLogEntry.objects.exists()


def test_it_does_not_find_a_row_outside_its_owner(federation_admin, fed_a, project_b):
    other = project_b.municipalities.first()

    with pytest.raises(Municipality.DoesNotExist):
        federation_object_save(
            actor=federation_admin,
            model=Municipality,
            owner={"federation": fed_a},
            values={"name": "Kapad"},
            pk=other.pk,
        )

    other.refresh_from_db()
    assert other.name != "Kapad"


def _user_values(user: User, **changes) -> dict:
    values = {
        "full_name": user.full_name,
        "email": user.email,
        "phone": user.phone,
        "is_active": user.is_active,
    }
    return {**values, **changes}


def test_it_changes_a_user_and_logs_the_changed_fields(federation_admin, coordinator):
    user_update(
        actor=federation_admin,
        user=coordinator,
        **_user_values(coordinator, phone="010-123 45 67", is_active=False),
    )

    coordinator.refresh_from_db()
    assert (coordinator.phone, coordinator.is_active) == ("010-123 45 67", False)
    [entry] = log_entries(AccessAction.CHANGE)
    assert entry.detail == "is_active, phone"


def test_it_compares_with_the_stored_user_not_the_callers_copy(federation_admin, coordinator):
    """A form that already wrote its values on the instance must not hide the change."""
    coordinator.phone = "010-999 99 99"

    user_update(
        actor=federation_admin, user=coordinator, **_user_values(coordinator, is_active=True)
    )

    [entry] = log_entries(AccessAction.CHANGE)
    assert entry.detail == "phone"


def test_it_refuses_deactivating_oneself_and_changes_nothing(federation_admin):
    with pytest.raises(ValidationError):
        user_update(
            actor=federation_admin,
            user=federation_admin,
            **_user_values(federation_admin, full_name="Nytt Namn", is_active=False),
        )

    federation_admin.refresh_from_db()
    assert federation_admin.is_active and federation_admin.full_name != "Nytt Namn"
    assert not log_entries(AccessAction.CHANGE)


def test_it_refuses_changing_a_user_of_another_federation(federation_admin, outsider):
    with pytest.raises(User.DoesNotExist):
        user_update(actor=federation_admin, user=outsider, **_user_values(outsider, phone="1"))
