"""Planning pages through the test client: starts (cohorts) and, for rolling intake, the yearly
places per agency. Status codes per persona are in tests/test_permissions.py."""

from datetime import date
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext as _

from cohorts.models import AgencyYearQuota, Cohort
from fokus.models import AccessAction, AccessLogEntry, IntakeMode, Municipality
from referrals.models import ReferralStatus
from tests.conftest import test_personnummer

FORM_ERRORS = "The form has errors. Correct the fields marked below; nothing has been saved yet."
MANAGERS = ["coordinator", "federation_admin"]


class _Page(HTMLParser):
    """The value of every input by name, and the rows of every table as cell texts."""

    def __init__(self):
        super().__init__()
        self.inputs: dict[str, str] = {}
        self.rows: list[list[str]] = []
        self._row = self._cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            self.inputs[attrs["name"]] = attrs.get("value") or ""
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def create_url(project):
    return reverse("participants:cohort-create", args=[project.pk])


def edit_url(cohort):
    return reverse("participants:cohort-edit", args=[cohort.pk])


def list_url(project):
    return reverse("participants:cohort-list", args=[project.pk])


def year_url(project):
    return reverse("participants:year-quota-edit", args=[project.pk])


def cohort_data(municipality, **changes):
    return {
        "municipality": municipality.pk,
        "start_date": "2027-02-01",
        "places": "12",
        "places_per_agency": "3",
        "release_date": "2027-01-15",
        "group_weeks": "12",
        "group_sessions_per_week": "1",
        "session_minutes": "180",
        "talks_before_group": "2",
        "period_months": "12",
        **changes,
    }


# --- Creating and changing a start ------------------------------------------------------------


@pytest.mark.parametrize("persona", MANAGERS)
def test_it_offers_16_places_and_4_per_agency_for_a_new_start(persona_client, persona, project_a):
    response = persona_client(persona).get(create_url(project_a))

    assert response.status_code == 200
    inputs = parse(response.text).inputs
    assert (inputs["places"], inputs["places_per_agency"]) == ("16", "4")


@pytest.mark.parametrize("persona", MANAGERS)
def test_it_creates_a_start(persona_client, persona, project_a, municipality_a2):
    client = persona_client(persona)

    response = client.post(create_url(project_a), cohort_data(municipality_a2))

    assert response.status_code == 302
    assert response["Location"] == list_url(project_a)
    cohort = Cohort.objects.get()
    assert (
        cohort.project,
        cohort.municipality,
        cohort.start_date,
        cohort.places,
        cohort.places_per_agency,
        cohort.release_date,
    ) == (project_a, municipality_a2, date(2027, 2, 1), 12, 3, date(2027, 1, 15))
    assert AccessLogEntry.objects.filter(
        action=AccessAction.CREATE, object_type="cohorts.cohort", object_id=str(cohort.pk)
    ).exists()
    shown = client.get(response["Location"])
    assert escape(_("The start %(cohort)s was saved.") % {"cohort": cohort}) in shown.text


@pytest.mark.parametrize("persona", MANAGERS)
def test_it_changes_a_start(persona_client, persona, cohort, municipality_a):
    response = persona_client(persona).post(
        edit_url(cohort),
        cohort_data(
            municipality_a,
            start_date="2026-10-01",
            places="20",
            places_per_agency="5",
            release_date="",
        ),
    )

    assert response.status_code == 302
    cohort.refresh_from_db()
    assert (cohort.start_date, cohort.places, cohort.places_per_agency, cohort.release_date) == (
        date(2026, 10, 1),
        20,
        5,
        None,
    )


@pytest.fixture
def municipality_outside(fed_a):
    """A municipality of federation A that does not take part in project A."""
    return Municipality.objects.create(federation=fed_a, name="Söderby", code="9903")


@pytest.fixture
def municipality_of_b(fed_b):
    return Municipality.objects.create(federation=fed_b, name="Österby")


INVALID = [
    pytest.param(
        {"start_date": "2027-02-01", "release_date": "2027-02-02"},
        "The release date must be on or before the start.",
        id="release-after-start",
    ),
    pytest.param(
        {"places": "3", "places_per_agency": "4"},
        "Places per agency cannot be more than the places of the whole start.",
        id="agency-places-over-places",
    ),
    pytest.param(
        {"municipality": "municipality_outside"},
        "Choose one of the project's municipalities.",
        id="municipality-outside-project",
    ),
    pytest.param(
        {"municipality": "municipality_of_b"},
        "Choose one of the project's municipalities.",
        id="municipality-of-another-federation",
    ),
]


def _invalid_data(request, municipality, changes):
    changes = dict(changes)
    if "municipality" in changes:
        municipality = request.getfixturevalue(changes.pop("municipality"))
    return cohort_data(municipality, **changes)


@pytest.mark.parametrize(("changes", "message"), INVALID)
def test_it_refuses_an_invalid_new_start_and_saves_nothing(
    request, persona_client, project_a, municipality_a, changes, message
):
    response = persona_client("coordinator").post(
        create_url(project_a), _invalid_data(request, municipality_a, changes)
    )

    assert response.status_code == 400
    assert escape(_(message)) in response.text
    assert escape(_(FORM_ERRORS)) in response.text
    assert not Cohort.objects.exists()


@pytest.mark.parametrize(("changes", "message"), INVALID)
def test_it_refuses_an_invalid_change_and_keeps_the_start(
    request, persona_client, cohort, municipality_a, changes, message
):
    before = Cohort.objects.values().get(pk=cohort.pk)

    response = persona_client("federation_admin").post(
        edit_url(cohort), _invalid_data(request, municipality_a, changes)
    )

    assert response.status_code == 400
    assert escape(_(message)) in response.text
    assert Cohort.objects.values().get(pk=cohort.pk) == before


def test_it_refuses_fewer_places_than_are_already_used(persona_client, cohort, make_referral):
    for serial in ("980", "981", "982"):
        make_referral(
            status=ReferralStatus.SUBMITTED,
            personnummer=test_personnummer("19850101", serial),
        )

    response = persona_client("coordinator").post(
        edit_url(cohort),
        cohort_data(
            cohort.municipality,
            start_date=cohort.start_date.isoformat(),
            release_date=cohort.release_date.isoformat(),
            places="2",
            places_per_agency="2",
        ),
    )

    assert response.status_code == 400
    message = _(
        "%(used)d referrals already hold a place in this start: the start cannot "
        "have fewer places than that."
    ) % {"used": 3}
    assert escape(message) in response.text
    cohort.refresh_from_db()
    assert cohort.places == 16


# --- The list of starts -----------------------------------------------------------------------


def test_it_lists_each_start_with_its_places_used_and_free(
    persona_client,
    cohort,
    project_a,
    municipality_a2,
    make_referral,
    agency_fk,
    case_officer_b,
):
    Cohort.objects.create(
        project=project_a,
        municipality=municipality_a2,
        start_date=date(2027, 3, 1),
        places=10,
        places_per_agency=2,
    )
    statuses = [
        ReferralStatus.SUBMITTED,
        ReferralStatus.SUBMITTED,
        ReferralStatus.ACCEPTED,
        ReferralStatus.DECLINED,
        ReferralStatus.WITHDRAWN,
        ReferralStatus.WAIT_LISTED,
        ReferralStatus.DRAFT,
    ]
    for serial, status in enumerate(statuses, start=980):
        make_referral(
            status=status,
            agency=agency_fk,
            officer=case_officer_b,
            personnummer=test_personnummer("19850101", str(serial)),
        )

    response = persona_client("coordinator").get(list_url(project_a))

    assert response.status_code == 200
    rows = [row[:7] for row in parse(response.text).rows]
    released = f"{date_format(cohort.release_date, 'SHORT_DATE_FORMAT')} ({_('released')})"
    # Submitted twice and accepted once hold places; the others do not.
    assert [
        date_format(cohort.start_date, "SHORT_DATE_FORMAT"),
        "Ekeby",
        "16",
        "4",
        released,
        "3",
        "13",
    ] in rows
    assert [
        date_format(date(2027, 3, 1), "SHORT_DATE_FORMAT"),
        "Norrvik",
        "10",
        "2",
        "–",
        "0",
        "10",
    ] in rows
    assert edit_url(cohort) in response.text


def test_it_shows_a_case_officer_the_starts_without_links_to_change_them(
    persona_client, cohort, project_a
):
    response = persona_client("case_officer_a").get(list_url(project_a))
    assert response.status_code == 200
    assert "Ekeby" in response.text
    assert edit_url(cohort) not in response.text
    assert create_url(project_a) not in response.text


# --- Yearly places for rolling intake ---------------------------------------------------------


@pytest.fixture
def rolling(project_a):
    project_a.intake_mode = IntakeMode.ROLLING
    project_a.save()
    return project_a


def _year_post(page_html, places_by_agency_pk, year):
    """What the browser posts: the page's hidden fields with the places typed in."""
    inputs = parse(page_html).inputs
    data = {name: value for name, value in inputs.items() if name.startswith("form-")}
    total = int(data["form-TOTAL_FORMS"])
    for index in range(total):
        agency_pk = int(data[f"form-{index}-agency"])
        data[f"form-{index}-places"] = places_by_agency_pk.get(agency_pk, "")
    data["year"] = str(year)
    return data


def _quotas(project, year):
    return dict(
        AgencyYearQuota.objects.filter(project=project, year=year).values_list(
            "agency__name", "places"
        )
    )


@pytest.mark.parametrize("persona", MANAGERS)
def test_it_saves_the_yearly_places_per_agency(
    persona_client, persona, rolling, agency_af, agency_fk, agency_soc
):
    client = persona_client(persona)
    year = timezone.localdate().year + 1
    page = client.get(year_url(rolling), {"year": year})
    assert page.status_code == 200

    response = client.post(
        year_url(rolling), _year_post(page.text, {agency_af.pk: "6", agency_fk.pk: "4"}, year)
    )

    assert response.status_code == 302
    assert response["Location"] == f"{year_url(rolling)}?year={year}"
    assert _quotas(rolling, year) == {"Arbetsförmedlingen": 6, "Försäkringskassan": 4}
    assert _quotas(rolling, year - 1) == {}

    # Empty means no limit: FK's row goes, AF's changes, Ekeby's social services gets 0.
    page = client.get(response["Location"])
    response = client.post(
        year_url(rolling),
        _year_post(page.text, {agency_af.pk: "7", agency_soc.pk: "0"}, year),
    )
    assert response.status_code == 302
    assert _quotas(rolling, year) == {"Arbetsförmedlingen": 7, "Ekeby socialtjänst": 0}


def test_it_refuses_negative_yearly_places_and_saves_nothing(
    persona_client, rolling, agency_af, agency_fk
):
    client = persona_client("coordinator")
    year = timezone.localdate().year
    page = client.get(year_url(rolling))

    response = client.post(
        year_url(rolling), _year_post(page.text, {agency_af.pk: "-1", agency_fk.pk: "3"}, year)
    )

    assert response.status_code == 400
    assert escape(_("The number of places cannot be negative.")) in response.text
    assert not AgencyYearQuota.objects.exists()


def test_it_answers_a_bad_year_on_the_yearly_places_page_with_400(persona_client, rolling):
    response = persona_client("coordinator").get(year_url(rolling), {"year": "abc"})
    assert response.status_code == 400
    assert escape(_("Enter a year with four digits, e.g. 2026.")) in response.text


def test_it_saves_no_yearly_places_for_a_project_with_starts(persona_client, project_a, agency_af):
    response = persona_client("coordinator").post(
        year_url(project_a),
        {
            "year": "2026",
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-agency": agency_af.pk,
            "form-0-places": "5",
        },
    )
    assert response.status_code == 200
    assert not AgencyYearQuota.objects.exists()


# --- Who may plan -----------------------------------------------------------------------------


def test_it_refuses_a_case_officer_to_create_a_start(persona_client, project_a, municipality_a):
    officer = persona_client("case_officer_a")
    assert officer.get(create_url(project_a)).status_code == 403
    assert officer.post(create_url(project_a), cohort_data(municipality_a)).status_code == 403
    assert not Cohort.objects.exists()


def test_it_answers_404_to_an_admin_of_another_federation(
    persona_client, project_a, cohort, municipality_a, agency_af
):
    admin_b = persona_client("outsider_admin")
    before = Cohort.objects.values().get(pk=cohort.pk)

    assert admin_b.get(create_url(project_a)).status_code == 404
    assert admin_b.post(create_url(project_a), cohort_data(municipality_a)).status_code == 404
    assert admin_b.get(edit_url(cohort)).status_code == 404
    assert (
        admin_b.post(edit_url(cohort), cohort_data(municipality_a, places="20")).status_code == 404
    )
    assert (
        admin_b.post(
            year_url(project_a),
            {
                "year": "2026",
                "form-TOTAL_FORMS": "1",
                "form-INITIAL_FORMS": "1",
                "form-0-agency": agency_af.pk,
                "form-0-places": "5",
            },
        ).status_code
        == 404
    )
    assert list(Cohort.objects.values()) == [before]
    assert not AgencyYearQuota.objects.exists()
