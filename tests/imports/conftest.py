"""A project with history: 2020–2022, three municipalities (one with å/ä/ö), the agencies a
participants file names, and its coordinator."""

from datetime import date

import pytest

from fokus.models import Agency, AgencyKind, Municipality, Project
from fokus.roles import Role
from tests.browser.conftest import restore_built_in_rows
from tests.world import make_user


@pytest.fixture(autouse=True)
def built_in_rows(db):
    """The default step ladder and the built-in surveys the ratings and responses are
    imported against: a transactional test's flush (here, or before in the worker) removes
    the rows the data migrations made."""
    restore_built_in_rows()


@pytest.fixture
def almhult(fed_a):
    return Municipality.objects.create(federation=fed_a, name="Älmhult", code="9903")


@pytest.fixture
def history_project(
    fed_a, municipality_a, municipality_a2, almhult, agency_af, agency_fk, agency_soc
):
    Agency.objects.create(federation=fed_a, kind=AgencyKind.REGION, name="Region A")
    project = Project.objects.create(
        federation=fed_a,
        name="Steget",
        owner="Ekeby kommun",
        start_date=date(2020, 1, 1),
        end_date=date(2022, 12, 31),
    )
    project.municipalities.set([municipality_a, municipality_a2, almhult])
    return project


@pytest.fixture
def history_coordinator(fed_a, history_project):
    return make_user(
        fed_a,
        "historik@a.example",
        "Hedda Historik",
        (Role.COORDINATOR, {"project": history_project}),
    )


def csv_file(*rows: str) -> bytes:
    return ("\n".join(rows) + "\n").encode()


PARTICIPANT_HEADER = (
    "external_id,municipality,cohort_start,referring_agency_kind,gender,birth_year,"
    "enrolled_on,exited_on,exit_reason,destination"
)
