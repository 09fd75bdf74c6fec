"""Municipalities, agencies and projects: the federation admin's set-up pages."""

from datetime import date

import pytest
from django.urls import reverse
from pytest_django.asserts import assertRedirects

from fokus.models import AccessLogEntry, Agency, AgencyKind, Municipality, Project

INVALID_CHOICE = "Välj ett giltigt alternativ. Det valet finns inte bland tillgängliga alternativ."


def project_data(*municipalities, **changes) -> dict:
    data = {
        "name": "Insats Norr",
        "owner": "Norrvik kommun",
        "description": "Stöd till arbete för unga vuxna.",
        "start_date": "2026-03-01",
        "end_date": "2027-02-28",
        "municipalities": [m.pk for m in municipalities],
        "intake_mode": "rolling",
        "min_age": 18,
        "max_age": 64,
    }
    data.update(changes)
    return data


def edit_project_data(project: Project, **changes) -> dict:
    data = {
        "name": project.name,
        "owner": project.owner,
        "description": project.description,
        "start_date": project.start_date.isoformat(),
        "end_date": project.end_date.isoformat(),
        "municipalities": [m.pk for m in project.municipalities.all()],
        "intake_mode": project.intake_mode,
        "min_age": project.min_age,
        "max_age": project.max_age,
    }
    data.update(changes)
    return data


def only_log_entry(action: str) -> AccessLogEntry:
    return AccessLogEntry.objects.get(action=action)


# --- Municipalities ------------------------------------------------------------------------------


def test_it_creates_a_municipality(admin_client_a, fed_a, federation_admin):
    response = admin_client_a.post(
        reverse("manage:municipality-create"), {"name": " Västerby ", "code": "0781"}, follow=True
    )

    assertRedirects(response, reverse("manage:municipality-list"))
    assert "Västerby har sparats." in response.content.decode()
    municipality = Municipality.objects.get(name="Västerby")
    assert municipality.federation == fed_a
    assert municipality.code == "0781"
    entry = only_log_entry("create")
    assert entry.actor == federation_admin
    assert entry.federation == fed_a
    assert (entry.object_type, entry.object_id) == ("fokus.municipality", str(municipality.pk))


def test_it_changes_a_municipality(admin_client_a, federation_admin, municipality_a):
    response = admin_client_a.post(
        reverse("manage:municipality-edit", args=[municipality_a.pk]),
        {"name": "Ekeby stad", "code": "9901"},
    )

    assertRedirects(response, reverse("manage:municipality-list"))
    municipality_a.refresh_from_db()
    assert municipality_a.name == "Ekeby stad"
    entry = only_log_entry("change")
    assert entry.actor == federation_admin
    assert entry.object_label == "Ekeby stad"
    assert entry.detail == "name"


@pytest.mark.usefixtures("municipality_a")
@pytest.mark.parametrize("name", ["EKEBY", "ekeby", " Ekeby "])
def test_it_refuses_a_second_municipality_with_the_same_name(admin_client_a, name):
    response = admin_client_a.post(reverse("manage:municipality-create"), {"name": name})

    assert response.status_code == 400
    assert response.context["form"].errors["name"] == [
        "Förbundet har redan en kommun med det här namnet."
    ]
    assert "Förbundet har redan en kommun med det här namnet." in response.content.decode()
    assert Municipality.objects.filter(name__iexact="ekeby").count() == 1
    assert not AccessLogEntry.objects.filter(action="create").exists()


def test_it_refuses_renaming_a_municipality_to_a_name_in_use(
    admin_client_a, municipality_a, municipality_a2
):
    response = admin_client_a.post(
        reverse("manage:municipality-edit", args=[municipality_a2.pk]), {"name": "ekeby"}
    )

    assert response.status_code == 400
    municipality_a2.refresh_from_db()
    assert municipality_a2.name == "Norrvik"


def test_it_allows_a_name_used_in_another_federation(admin_client_a, fed_a, project_b):
    # project_b's federation already has a municipality called Västby.
    response = admin_client_a.post(reverse("manage:municipality-create"), {"name": "Västby"})

    assertRedirects(response, reverse("manage:municipality-list"))
    assert Municipality.objects.filter(name="Västby").count() == 2
    assert Municipality.objects.get(name="Västby", federation=fed_a)


@pytest.mark.parametrize("code", ["781", "07810", "07a1", "O781"])
def test_it_requires_a_four_digit_municipality_code(admin_client_a, code):
    response = admin_client_a.post(
        reverse("manage:municipality-create"), {"name": "Västerby", "code": code}
    )

    assert response.status_code == 400
    assert "code" in response.context["form"].errors
    assert not Municipality.objects.filter(name="Västerby").exists()


def test_it_explains_the_municipality_code_in_swedish(admin_client_a):
    response = admin_client_a.post(
        reverse("manage:municipality-create"), {"name": "Västerby", "code": "07a1"}
    )

    assert response.context["form"].errors["code"] == ["Skriv den fyrsiffriga kommunkoden."]
    assert "Skriv den fyrsiffriga kommunkoden." in response.content.decode()


def test_it_allows_a_municipality_without_code(admin_client_a):
    admin_client_a.post(reverse("manage:municipality-create"), {"name": "Västerby", "code": ""})

    assert Municipality.objects.get(name="Västerby").code == ""


# --- Agencies ------------------------------------------------------------------------------------


def test_it_creates_an_agency(admin_client_a, fed_a, federation_admin):
    response = admin_client_a.post(
        reverse("manage:agency-create"),
        {"kind": AgencyKind.REGION, "name": "Region Ekeby", "is_active": "on"},
    )

    assertRedirects(response, reverse("manage:agency-list"))
    agency = Agency.objects.get(name="Region Ekeby")
    assert (agency.federation, agency.kind, agency.is_active) == (fed_a, AgencyKind.REGION, True)
    entry = only_log_entry("create")
    assert entry.actor == federation_admin
    assert (entry.object_type, entry.object_label) == ("fokus.agency", "Region Ekeby")


def test_it_creates_social_services_for_a_municipality(admin_client_a, municipality_a2):
    response = admin_client_a.post(
        reverse("manage:agency-create"),
        {
            "kind": AgencyKind.SOCIAL_SERVICES,
            "name": "Norrvik socialtjänst",
            "municipality": municipality_a2.pk,
            "is_active": "on",
        },
    )

    assertRedirects(response, reverse("manage:agency-list"))
    assert Agency.objects.get(name="Norrvik socialtjänst").municipality == municipality_a2


def test_it_changes_an_agency(admin_client_a, federation_admin, agency_af):
    response = admin_client_a.post(
        reverse("manage:agency-edit", args=[agency_af.pk]),
        {"kind": AgencyKind.EMPLOYMENT_SERVICE, "name": "Arbetsförmedlingen Ekeby"},
    )

    assertRedirects(response, reverse("manage:agency-list"))
    agency_af.refresh_from_db()
    assert agency_af.name == "Arbetsförmedlingen Ekeby"
    assert not agency_af.is_active
    entry = only_log_entry("change")
    assert entry.actor == federation_admin
    assert entry.detail == "is_active, name"


@pytest.mark.usefixtures("agency_fk")
@pytest.mark.parametrize("name", ["FÖRSÄKRINGSKASSAN", "försäkringskassan"])
def test_it_refuses_a_second_agency_with_the_same_name(admin_client_a, name):
    response = admin_client_a.post(
        reverse("manage:agency-create"),
        {"kind": AgencyKind.SOCIAL_INSURANCE, "name": name, "is_active": "on"},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["name"] == [
        "Förbundet har redan en part med det här namnet."
    ]
    assert Agency.objects.filter(kind=AgencyKind.SOCIAL_INSURANCE).count() == 1


def test_it_allows_an_agency_name_used_in_another_federation(admin_client_a, fed_a, agency_b):
    response = admin_client_a.post(
        reverse("manage:agency-create"),
        {"kind": AgencyKind.EMPLOYMENT_SERVICE, "name": agency_b.name, "is_active": "on"},
    )

    assertRedirects(response, reverse("manage:agency-list"))
    assert Agency.objects.get(federation=fed_a, name=agency_b.name)


def test_it_requires_a_municipality_for_social_services(admin_client_a):
    response = admin_client_a.post(
        reverse("manage:agency-create"),
        {"kind": AgencyKind.SOCIAL_SERVICES, "name": "Socialtjänsten", "is_active": "on"},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["municipality"] == [
        "Välj vilken kommuns socialtjänst det gäller."
    ]
    assert "Välj vilken kommuns socialtjänst det gäller." in response.content.decode()
    assert not Agency.objects.filter(name="Socialtjänsten").exists()


def test_it_refuses_removing_the_municipality_of_social_services(admin_client_a, agency_soc):
    response = admin_client_a.post(
        reverse("manage:agency-edit", args=[agency_soc.pk]),
        {"kind": AgencyKind.SOCIAL_SERVICES, "name": agency_soc.name, "municipality": ""},
    )

    assert response.status_code == 400
    agency_soc.refresh_from_db()
    assert agency_soc.municipality is not None


def test_it_refuses_a_municipality_of_another_federation_for_an_agency(admin_client_a, project_b):
    foreign = project_b.municipalities.get()

    response = admin_client_a.post(
        reverse("manage:agency-create"),
        {
            "kind": AgencyKind.SOCIAL_SERVICES,
            "name": "Västby socialtjänst",
            "municipality": foreign.pk,
            "is_active": "on",
        },
    )

    assert response.status_code == 400
    assert INVALID_CHOICE in response.context["form"].errors["municipality"]
    assert not Agency.objects.filter(name="Västby socialtjänst").exists()


# --- Projects ------------------------------------------------------------------------------------


def test_it_creates_a_project(admin_client_a, fed_a, federation_admin, municipality_a2):
    response = admin_client_a.post(
        reverse("manage:project-create"), project_data(municipality_a2), follow=True
    )

    assertRedirects(response, reverse("project-list"))
    assert "Insats Norr har sparats." in response.content.decode()
    project = Project.objects.get(name="Insats Norr")
    assert project.federation == fed_a
    assert (project.start_date, project.end_date) == (date(2026, 3, 1), date(2027, 2, 28))
    assert list(project.municipalities.all()) == [municipality_a2]
    assert project.intake_mode == "rolling"
    entry = only_log_entry("create")
    assert entry.actor == federation_admin
    assert (entry.object_type, entry.object_id) == ("fokus.project", str(project.pk))


def test_it_changes_a_project(admin_client_a, federation_admin, project_a, municipality_a):
    response = admin_client_a.post(
        reverse("manage:project-edit", args=[project_a.pk]),
        edit_project_data(project_a, end_date="2028-06-30", municipalities=[municipality_a.pk]),
    )

    assertRedirects(response, reverse("project-list"))
    project_a.refresh_from_db()
    assert project_a.end_date == date(2028, 6, 30)
    assert list(project_a.municipalities.all()) == [municipality_a]
    entry = only_log_entry("change")
    assert entry.actor == federation_admin
    assert entry.detail == "end_date, municipalities"


def test_it_logs_no_changed_fields_when_nothing_changed(admin_client_a, project_a):
    admin_client_a.post(
        reverse("manage:project-edit", args=[project_a.pk]), edit_project_data(project_a)
    )

    assert only_log_entry("change").detail == ""


def test_it_shows_the_project_form_filled_in(admin_client_a, project_a):
    response = admin_client_a.get(reverse("manage:project-edit", args=[project_a.pk]))

    assert response.status_code == 200
    content = response.content.decode()
    assert 'value="Insats A"' in content
    assert 'value="2026-01-01"' in content


def test_it_refuses_a_project_that_ends_before_it_starts(admin_client_a, municipality_a):
    response = admin_client_a.post(
        reverse("manage:project-create"),
        project_data(municipality_a, start_date="2026-06-01", end_date="2026-05-31"),
    )

    assert response.status_code == 400
    assert response.context["form"].errors["end_date"] == [
        "Slutdatumet kan inte vara före startdatumet."
    ]
    assert "Slutdatumet kan inte vara före startdatumet." in response.content.decode()
    assert not Project.objects.filter(name="Insats Norr").exists()
    assert not AccessLogEntry.objects.filter(action="create").exists()


def test_it_refuses_moving_a_projects_end_before_its_start(admin_client_a, project_a):
    response = admin_client_a.post(
        reverse("manage:project-edit", args=[project_a.pk]),
        edit_project_data(project_a, end_date="2025-12-31"),
    )

    assert response.status_code == 400
    project_a.refresh_from_db()
    assert project_a.end_date == date(2027, 12, 31)


def test_it_allows_a_one_day_project(admin_client_a, municipality_a):
    admin_client_a.post(
        reverse("manage:project-create"),
        project_data(municipality_a, start_date="2026-06-01", end_date="2026-06-01"),
    )

    assert Project.objects.filter(name="Insats Norr").exists()


def test_it_refuses_a_municipality_of_another_federation_for_a_project(
    admin_client_a, municipality_a, project_b
):
    foreign = project_b.municipalities.get()

    response = admin_client_a.post(
        reverse("manage:project-create"), project_data(municipality_a, foreign)
    )

    assert response.status_code == 400
    [error] = response.context["form"].errors["municipalities"]
    assert error.startswith("Välj ett giltigt alternativ.")
    assert not Project.objects.filter(name="Insats Norr").exists()


def test_it_requires_a_participating_municipality(admin_client_a):
    response = admin_client_a.post(reverse("manage:project-create"), project_data())

    assert response.status_code == 400
    assert response.context["form"].errors["municipalities"] == ["Välj minst en deltagande kommun."]
    assert not Project.objects.filter(name="Insats Norr").exists()


@pytest.mark.usefixtures("project_a")
def test_it_refuses_a_second_project_with_the_same_name(admin_client_a, municipality_a):
    response = admin_client_a.post(
        reverse("manage:project-create"), project_data(municipality_a, name="insats a")
    )

    assert response.status_code == 400
    assert response.context["form"].errors["name"] == [
        "Förbundet har redan en insats med det här namnet."
    ]
    assert Project.objects.filter(name__iexact="insats a").count() == 1


def test_it_allows_a_project_name_used_in_another_federation(
    admin_client_a, fed_a, municipality_a, project_b
):
    response = admin_client_a.post(
        reverse("manage:project-create"), project_data(municipality_a, name=project_b.name)
    )

    assertRedirects(response, reverse("project-list"))
    assert Project.objects.get(federation=fed_a, name=project_b.name)


# --- Who may do it -------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    ("name", "fixture", "data"),
    [
        ("manage:municipality-edit", "municipality_b", {"name": "Kapad", "code": "0781"}),
        ("manage:agency-edit", "agency_b", {"kind": "af", "name": "Kapad"}),
        ("manage:project-edit", "project_b", None),
    ],
)
def test_it_hides_another_federations_objects(
    admin_client_a, municipality_a, request, method, name, fixture, data
):
    obj = request.getfixturevalue(fixture)
    if data is None:
        data = edit_project_data(obj, name="Kapad", municipalities=[municipality_a.pk])

    response = getattr(admin_client_a, method)(reverse(name, args=[obj.pk]), data)

    assert response.status_code == 404
    obj.refresh_from_db()
    assert obj.name != "Kapad"
    assert not AccessLogEntry.objects.filter(action="change").exists()


@pytest.fixture
def municipality_b(project_b):
    return project_b.municipalities.get()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("manage:municipality-create", {"name": "Västerby"}),
        ("manage:agency-create", {"kind": "region", "name": "Västerby region"}),
        ("manage:project-create", {"name": "Västerby insats"}),
    ],
)
def test_it_forbids_creating_to_a_coordinator(persona_client, name, data):
    client = persona_client("coordinator")

    assert client.get(reverse(name)).status_code == 403
    assert client.post(reverse(name), data).status_code == 403
    assert not Municipality.objects.filter(name__startswith="Västerby").exists()
    assert not Agency.objects.filter(name__startswith="Västerby").exists()
    assert not Project.objects.filter(name__startswith="Västerby").exists()


@pytest.mark.parametrize(
    ("name", "fixture"),
    [
        ("manage:municipality-edit", "municipality_a"),
        ("manage:agency-edit", "agency_af"),
        ("manage:project-edit", "project_a"),
    ],
)
def test_it_forbids_editing_to_a_coordinator(persona_client, request, name, fixture):
    obj = request.getfixturevalue(fixture)
    client = persona_client("coordinator")

    assert client.get(reverse(name, args=[obj.pk])).status_code == 403
    assert client.post(reverse(name, args=[obj.pk]), {"name": "Kapad"}).status_code == 403
    obj.refresh_from_db()
    assert obj.name != "Kapad"


def test_it_lists_only_the_admins_own_municipalities(
    admin_client_a, municipality_a, municipality_a2, project_b
):
    response = admin_client_a.get(reverse("manage:municipality-list"))

    assert response.status_code == 200
    assert [m.name for m in response.context["municipalities"]] == ["Ekeby", "Norrvik"]
    assert "Västby" not in response.content.decode()


def test_it_lists_only_the_admins_own_agencies(admin_client_a, agency_af, agency_fk, agency_b):
    response = admin_client_a.get(reverse("manage:agency-list"))

    assert response.status_code == 200
    assert [a.name for a in response.context["agencies"]] == [
        "Arbetsförmedlingen",
        "Försäkringskassan",
    ]
    assert "Arbetsförmedlingen B" not in response.content.decode()
