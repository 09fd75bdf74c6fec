"""Each role sees only the places it may use, and its own start page sections."""

import pytest
from django.urls import reverse

ADMIN_LINKS = [
    "manage:user-list",
    "manage:agency-list",
    "manage:municipality-list",
    "stepladder:ladder-list",
    "manage:access-log",
    "extracts:extract",
    "manage:log-review",
]

EXPECTED_NAV = {
    "coordinator": ["home", "project-list", "referrals:referral-list"],
    "case_officer_a": [
        "home",
        "project-list",
        "referrals:referral-list",
        "participants:officer-participant-list",
    ],
    "case_group_member": ["home", "project-list", "referrals:referral-list"],
    "federation_staff": ["home", "project-list", "reports:federation-summary"],
    "federation_admin": ["home", "project-list", "reports:federation-summary", *ADMIN_LINKS],
    "no_role_user": ["home"],
}
ALL_NAV = {
    "home",
    "project-list",
    "referrals:referral-list",
    "participants:officer-participant-list",
    "reports:federation-summary",
    *ADMIN_LINKS,
}

EXPECTED_SECTION = {
    "coordinator": "role-coordinator",
    "case_officer_a": "role-case-officer",
    "case_group_member": "role-case-group",
    "federation_staff": "role-staff",
    "federation_admin": "role-admin",
}


def _nav_hrefs(html: str) -> set[str]:
    nav = html.split('id="main-nav"', 1)[1].split("</ul>", 1)[0]
    return {part.split('"', 1)[0] for part in nav.split('href="')[1:]}


@pytest.mark.parametrize("persona", sorted(EXPECTED_NAV))
def test_it_shows_each_role_only_its_navigation(persona, persona_client):
    html = persona_client(persona).get(reverse("home")).text
    hrefs = _nav_hrefs(html)
    expected = {reverse(name) for name in EXPECTED_NAV[persona]}
    assert hrefs == expected
    hidden = {reverse(name) for name in ALL_NAV} - expected
    assert not hrefs & hidden


@pytest.mark.parametrize("persona", sorted(EXPECTED_SECTION))
def test_it_shows_a_start_page_section_per_role(persona, persona_client):
    html = persona_client(persona).get(reverse("home")).text
    for other_persona, section in EXPECTED_SECTION.items():
        assert (f'id="{section}"' in html) == (other_persona == persona)


def test_it_shows_every_section_of_a_person_with_several_roles(
    case_officer_a, project_a, agency_af, persona_client
):
    from fokus.models import Membership
    from fokus.roles import Role

    Membership.objects.create(
        user=case_officer_a,
        federation=case_officer_a.federation,
        role=Role.CASE_GROUP_MEMBER,
        project=project_a,
        agency=agency_af,
    )
    html = persona_client("case_officer_a").get(reverse("home")).text
    assert 'id="role-case-officer"' in html
    assert 'id="role-case-group"' in html
    assert "Handläggare, Ledamot i ärendegruppen" in html


def test_it_shows_the_federation_and_roles_in_the_header(persona_client, fed_a):
    html = persona_client("coordinator").get(reverse("home")).text
    header = html.split("</header>", 1)[0]
    assert fed_a.name in header
    assert "Koordinator" in header


def test_it_tells_a_user_without_role_to_ask_for_one(persona_client):
    html = persona_client("no_role_user").get(reverse("home")).text
    assert "har ingen roll" in html


def test_it_links_the_accessibility_statement_and_contact_in_the_footer(persona_client, fed_a):
    html = persona_client("anonymous").get(reverse("login")).text
    footer = html.split("<footer", 1)[1]
    assert reverse("accessibility") in footer
    assert "mailto:" in footer
    logged_in = persona_client("coordinator").get(reverse("home")).text.split("<footer", 1)[1]
    assert f"mailto:{fed_a.contact_email}" in logged_in


def test_it_marks_up_landmarks_and_a_skip_link(persona_client):
    html = persona_client("coordinator").get(reverse("home")).text
    assert '<html lang="sv">' in html
    assert 'href="#main"' in html and 'id="main"' in html
    for landmark in ("<header", "<nav", "<main", "<footer"):
        assert landmark in html
