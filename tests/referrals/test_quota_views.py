"""The quota board (per start and agency, or per agency and year) and the referral counts page,
through the test client. The figures expected here are worked out by hand from the referrals
each test creates."""

from datetime import datetime, timedelta
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cohorts.models import AgencyYearQuota, Cohort
from fokus.models import IntakeMode
from referrals.models import ReferralStatus
from tests.conftest import test_personnummer


class _Tables(HTMLParser):
    """Every <table> of a page as (caption, rows), each row the text of its cells."""

    def __init__(self):
        super().__init__()
        self.tables: list[tuple[list[str], list[list[str]]]] = []
        self._caption = self._row = self._cell = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append(([], []))
        elif tag == "caption":
            self._caption = []
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "caption" and self._caption is not None:
            self.tables[-1][0].append(" ".join("".join(self._caption).split()))
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1][1].append(self._row)
            self._row = None

    def handle_data(self, data):
        for buffer in (self._cell, self._caption):
            if buffer is not None:
                buffer.append(data)


def table(html: str, caption: str) -> list[list[str]]:
    """The rows of the table with this caption (header and footer rows included)."""
    parser = _Tables()
    parser.feed(html)
    found = [rows for captions, rows in parser.tables if captions == [caption]]
    assert len(found) == 1, f"no single table captioned {caption!r}"
    return found[0]


def today():
    return timezone.localdate()


def board_url(project):
    return reverse("referrals:quota-board", args=[project.pk])


@pytest.fixture
def refer(make_referral):
    """n referrals of one agency, each with its own personnummer (serials 980–999 per birth
    date, so every call uses its own birth date)."""
    births = iter(f"19{year}0101" for year in range(60, 99))

    def make(n, *, agency, officer, cohort=None, status=ReferralStatus.SUBMITTED, **fields):
        birth = next(births)
        if cohort is not None:
            fields["cohort"] = cohort
        return [
            make_referral(
                agency=agency,
                officer=officer,
                status=status,
                personnummer=test_personnummer(birth, str(980 + i)),
                **fields,
            )
            for i in range(n)
        ]

    return make


@pytest.fixture
def upcoming(project_a, municipality_a):
    """A start a month ahead in Ekeby (16 places, 4 per agency); each test sets its release."""
    return Cohort.objects.create(
        project=project_a,
        municipality=municipality_a,
        start_date=today() + timedelta(days=30),
        places=16,
        places_per_agency=4,
    )


def agency_table_caption(cohort):
    return _("Places per agency, start %(start)s") % {"start": cohort}


@pytest.mark.parametrize(("release_in_days", "released"), [(-1, True), (10, False)])
def test_it_shows_used_and_open_places_per_agency_before_and_after_the_release_date(
    persona_client,
    refer,
    upcoming,
    project_a,
    municipality_a2,
    agency_af,
    agency_fk,
    agency_soc,
    case_officer_a,
    case_officer_b,
    release_in_days,
    released,
):
    upcoming.release_date = today() + timedelta(days=release_in_days)
    upcoming.save()
    norrvik = Cohort.objects.create(
        project=project_a,
        municipality=municipality_a2,
        start_date=today() + timedelta(days=60),
    )
    refer(3, agency=agency_af, officer=case_officer_a, cohort=upcoming)
    refer(
        1,
        agency=agency_af,
        officer=case_officer_a,
        cohort=upcoming,
        status=ReferralStatus.WITHDRAWN,
    )
    refer(4, agency=agency_fk, officer=case_officer_b, cohort=upcoming)
    refer(1, agency=agency_fk, officer=case_officer_b, cohort=norrvik)

    response = persona_client("case_group_member").get(board_url(project_a))

    assert response.status_code == 200
    yes, no = _("Yes"), _("No")
    header = [_("Agency"), _("Used"), _("Own places open"), _("Can refer now")]
    # Ekeby: AF 3 of 4 (the withdrawn one frees its place), FK 4 of 4, social services 0.
    # 7 of 16 used, 9 free; after the release FK may use the places the others left: 1 + 4.
    assert table(response.text, agency_table_caption(upcoming)) == [
        header,
        ["Arbetsförmedlingen", "3 / 4", "1", yes],
        ["Ekeby socialtjänst", "0 / 4", "4", yes],
        ["Försäkringskassan", "4 / 4", "0", yes if released else no],
        [_("Total"), "7 / 16", f"9 {_('free')}", ""],
    ]
    # Norrvik has no social services of its own in the project.
    assert table(response.text, agency_table_caption(norrvik)) == [
        header,
        ["Arbetsförmedlingen", "0 / 4", "4", yes],
        ["Försäkringskassan", "1 / 4", "3", yes],
        [_("Total"), "1 / 16", f"15 {_('free')}", ""],
    ]
    released_text = escape(
        ngettext(
            "%(n)s unused place released to every agency",
            "%(n)s unused places released to every agency",
            5,
        )
        % {"n": 5}
    )
    assert (released_text in response.text) is released
    assert (escape(_("not yet released")) in response.text) is not released
    assert escape(_("none: agencies keep their own places")) in response.text  # Norrvik


def test_it_builds_the_board_in_the_same_number_of_queries_for_2_and_10_referrals(
    persona_client,
    refer,
    upcoming,
    project_a,
    agency_af,
    agency_fk,
    agency_soc,
    case_officer_a,
    case_officer_b,
):
    client = persona_client("coordinator")
    url = board_url(project_a)
    refer(2, agency=agency_af, officer=case_officer_a, cohort=upcoming)
    client.get(url)  # the first request of a session may do one-off work

    with CaptureQueriesContext(connection) as two:
        assert client.get(url).status_code == 200
    refer(2, agency=agency_af, officer=case_officer_a, cohort=upcoming)
    refer(4, agency=agency_fk, officer=case_officer_b, cohort=upcoming)
    refer(2, agency=agency_soc, officer=case_officer_a, cohort=upcoming)
    with CaptureQueriesContext(connection) as ten:
        response = client.get(url)

    assert [_("Total"), "10 / 16", f"6 {_('free')}", ""] in table(
        response.text, agency_table_caption(upcoming)
    )
    assert len(ten) == len(two)


def _in_year(year):
    return timezone.make_aware(datetime(year, 6, 15, 12, 0))


@pytest.fixture
def rolling(project_a):
    project_a.intake_mode = IntakeMode.ROLLING
    project_a.save()
    return project_a


def year_caption(year):
    return _("Places per agency in %(year)s") % {"year": str(year)}


def test_it_shows_the_yearly_places_per_agency_for_rolling_intake(
    persona_client,
    refer,
    rolling,
    agency_af,
    agency_fk,
    agency_soc,
    case_officer_a,
    case_officer_b,
):
    year = today().year
    AgencyYearQuota.objects.create(project=rolling, agency=agency_af, year=year, places=5)
    AgencyYearQuota.objects.create(project=rolling, agency=agency_fk, year=year, places=2)
    AgencyYearQuota.objects.create(project=rolling, agency=agency_af, year=year - 1, places=3)
    refer(2, agency=agency_af, officer=case_officer_a, submitted_at=_in_year(year))
    refer(
        1,
        agency=agency_af,
        officer=case_officer_a,
        status=ReferralStatus.WITHDRAWN,
        submitted_at=_in_year(year),
    )
    refer(1, agency=agency_af, officer=case_officer_a, submitted_at=_in_year(year - 1))
    refer(1, agency=agency_fk, officer=case_officer_b, submitted_at=_in_year(year))
    refer(
        1,
        agency=agency_fk,
        officer=case_officer_b,
        status=ReferralStatus.ACCEPTED,
        submitted_at=_in_year(year),
    )
    client = persona_client("coordinator")
    header = [_("Agency"), _("Places this year"), _("Used"), _("Open")]
    unlimited = _("no limit")
    some_unlimited = _("some agencies without a limit")

    this_year = client.get(board_url(rolling))

    assert this_year.status_code == 200
    assert table(this_year.text, year_caption(year)) == [
        header,
        ["Arbetsförmedlingen", "5", "2", "3"],
        ["Ekeby socialtjänst", unlimited, "0", "–"],
        ["Försäkringskassan", "2", "2", "0"],
        [_("Total"), f"7 ({some_unlimited})", "4", ""],
    ]

    last_year = client.get(board_url(rolling), {"year": year - 1})

    assert last_year.status_code == 200
    assert table(last_year.text, year_caption(year - 1)) == [
        header,
        ["Arbetsförmedlingen", "3", "1", "2"],
        ["Ekeby socialtjänst", unlimited, "0", "–"],
        ["Försäkringskassan", unlimited, "0", "–"],
        [_("Total"), f"3 ({some_unlimited})", "1", ""],
    ]


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("abc", "Enter a year with four digits, e.g. 2026."),
        ("1999", "Enter a year from 2000 to 2100."),
        ("", "Enter a year."),
    ],
)
def test_it_answers_a_bad_year_with_400_and_a_message(persona_client, rolling, year, message):
    response = persona_client("coordinator").get(board_url(rolling), {"year": year})
    assert response.status_code == 400
    assert escape(_(message)) in response.text


def test_it_ignores_the_year_on_the_board_of_a_project_with_starts(
    persona_client, project_a, cohort
):
    response = persona_client("coordinator").get(board_url(project_a), {"year": "abc"})
    assert response.status_code == 200
    assert escape(agency_table_caption(cohort)) in response.text


# --- Referral counts --------------------------------------------------------------------------


def test_it_shows_federation_staff_counts_per_status_and_no_person(
    persona_client,
    refer,
    project_a,
    agency_af,
    agency_fk,
    case_officer_a,
    case_officer_b,
):
    made = [
        *refer(3, agency=agency_af, officer=case_officer_a, name="Anna Anvisad"),
        *refer(
            1,
            agency=agency_af,
            officer=case_officer_a,
            status=ReferralStatus.ACCEPTED,
            name="Bo Antagen",
        ),
        *refer(
            2,
            agency=agency_fk,
            officer=case_officer_b,
            status=ReferralStatus.DECLINED,
            name="Cilla Nekad",
        ),
        *refer(
            1,
            agency=agency_fk,
            officer=case_officer_b,
            status=ReferralStatus.WITHDRAWN,
            name="Dan Återtagen",
        ),
        *refer(
            1,
            agency=agency_af,
            officer=case_officer_a,
            status=ReferralStatus.DRAFT,
            name="Eva Utkast",
        ),
    ]

    response = persona_client("federation_staff").get(
        reverse("referrals:referral-counts", args=[project_a.pk])
    )

    assert response.status_code == 200
    counts = {
        ReferralStatus.SUBMITTED: 3,
        ReferralStatus.ACCEPTED: 1,
        ReferralStatus.DECLINED: 2,
        ReferralStatus.WITHDRAWN: 1,
    }
    statuses = [(value, str(label)) for value, label in ReferralStatus.choices if value != "draft"]
    assert table(response.text, _("Referrals per status")) == [
        [_("Status"), _("Number")],
        *[[label, str(counts.get(value, 0))] for value, label in statuses],
        [_("Total"), "7"],  # the draft is not counted
    ]
    per_agency = table(
        response.text,
        _(
            "Referrals per referring agency and municipality (the start's municipality, or "
            "the home municipality when there is no start)"
        ),
    )
    assert ["Arbetsförmedlingen", "Ekeby", *[str(n) for n in (3, 1, 0, 0, 0, 0, 0, 0)], "4"] in (
        per_agency
    )
    assert ["Försäkringskassan", "Ekeby", *[str(n) for n in (0, 0, 2, 0, 1, 0, 0, 0)], "3"] in (
        per_agency
    )
    for referral in made:
        for secret in (
            referral.name,
            referral.personnummer,
            referral.personnummer[2:],
            referral.formatted_personnummer,
            referral.masked_personnummer,
            str(referral.public_id),
        ):
            assert secret not in response.text
