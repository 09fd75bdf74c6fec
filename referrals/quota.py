"""Places: per cohort and agency (cohort intake), or per agency and year (rolling intake).

A referral holds a place from submission until it is declined, withdrawn or its consent is
withdrawn (PLACE_HOLDING_STATUSES). Before a cohort's release date each agency may use its own
share; after it, every unused place is open to any agency. Counting is done with one
aggregate query per project, so the quota board costs the same for 1 or 100 cohorts.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import gettext as _

from cohorts.models import AgencyYearQuota, Cohort
from fokus.models import Agency, AgencyKind, Project
from referrals.models import PLACE_HOLDING_STATUSES, Referral, ReferralStatus


@dataclass
class AgencyPlaces:
    agency: Agency
    used: int
    share: int  # the agency's own places (cohort) or its yearly quota (rolling)
    bookable: bool

    @property
    def open_own(self) -> int:
        return max(0, self.share - self.used)


@dataclass
class CohortPlaces:
    cohort: Cohort
    used: int
    released: bool
    agencies: list[AgencyPlaces] = field(default_factory=list)

    @property
    def free(self) -> int:
        return max(0, self.cohort.places - self.used)

    @property
    def released_places(self) -> int:
        """Places agencies left unused, now open to all (0 before the release date)."""
        if not self.released:
            return 0
        return min(self.free, sum(a.open_own for a in self.agencies))

    def for_agency(self, agency_id: int) -> AgencyPlaces | None:
        return next((a for a in self.agencies if a.agency.pk == agency_id), None)

    def agencies_with_places(self) -> list[Agency]:
        return [a.agency for a in self.agencies if a.bookable]


def referring_agencies(project: Project, cohort: Cohort | None = None) -> list[Agency]:
    """The agencies that refer to a start: AF, FK, the region, others, and the social
    services of the cohort's municipality (or of every participating municipality)."""
    agencies = Agency.objects.filter(federation_id=project.federation_id, is_active=True)
    municipality_ids = (
        [cohort.municipality_id]
        if cohort is not None
        else list(project.municipalities.values_list("pk", flat=True))
    )
    return [
        a
        for a in agencies
        if a.kind != AgencyKind.SOCIAL_SERVICES or a.municipality_id in municipality_ids
    ]


def _cohort_usage(project: Project) -> dict[tuple[int, int], int]:
    rows = (
        Referral.objects.filter(project=project, status__in=PLACE_HOLDING_STATUSES)
        .exclude(cohort=None)
        .values("cohort_id", "referring_agency_id")
        .annotate(n=Count("id"))
    )
    return {(row["cohort_id"], row["referring_agency_id"]): row["n"] for row in rows}


def _cohort_places(cohort, usage, agencies, today) -> CohortPlaces:
    used_total = sum(n for (cohort_id, _agency), n in usage.items() if cohort_id == cohort.pk)
    released = cohort.release_date is not None and today > cohort.release_date
    free = cohort.places - used_total
    rows = []
    for agency in agencies:
        used = usage.get((cohort.pk, agency.pk), 0)
        own_left = used < cohort.places_per_agency
        rows.append(
            AgencyPlaces(
                agency=agency,
                used=used,
                share=cohort.places_per_agency,
                bookable=free > 0 and (own_left or released),
            )
        )
    return CohortPlaces(cohort=cohort, used=used_total, released=released, agencies=rows)


def cohort_board(project: Project, *, today: date) -> list[CohortPlaces]:
    """Every cohort of the project with places used / open / released per agency."""
    usage = _cohort_usage(project)
    cohorts = Cohort.objects.filter(project=project).select_related("municipality")
    all_agencies = referring_agencies(project)
    board = []
    for cohort in cohorts:
        agencies = [
            a
            for a in all_agencies
            if a.kind != AgencyKind.SOCIAL_SERVICES or a.municipality_id == cohort.municipality_id
        ]
        board.append(_cohort_places(cohort, usage, agencies, today))
    return board


def cohort_places(cohort: Cohort, *, today: date) -> CohortPlaces:
    usage = _cohort_usage(cohort.project)
    return _cohort_places(cohort, usage, referring_agencies(cohort.project, cohort), today)


@dataclass
class YearPlaces:
    agency: Agency
    year: int
    places: int | None  # None: no quota set, intake is not limited for this agency
    used: int

    @property
    def open(self) -> int | None:
        return None if self.places is None else max(0, self.places - self.used)

    @property
    def bookable(self) -> bool:
        return self.places is None or self.used < self.places


def year_board(project: Project, *, year: int) -> list[YearPlaces]:
    quotas = {
        q.agency_id: q.places for q in AgencyYearQuota.objects.filter(project=project, year=year)
    }
    usage = dict(
        Referral.objects.filter(project=project, status__in=PLACE_HOLDING_STATUSES)
        .annotate(year=ExtractYear("submitted_at"))
        .filter(year=year)
        .values_list("referring_agency_id")
        .annotate(n=Count("id"))
        .values_list("referring_agency_id", "n")
    )
    return [
        YearPlaces(agency=a, year=year, places=quotas.get(a.pk), used=usage.get(a.pk, 0))
        for a in referring_agencies(project)
    ]


def referral_counts(project: Project):
    """Submitted referrals per agency, municipality and status: figures, no field of any
    referral. Federation staff see these although `Referral.objects.for_user` gives them no
    referral at all, by design."""
    return (
        Referral.objects.filter(federation_id=project.federation_id, project=project)
        .exclude(status=ReferralStatus.DRAFT)
        .annotate(municipality=Coalesce("cohort__municipality__name", "home_municipality__name"))
        .values("referring_agency__name", "municipality", "status")
        .annotate(n=Count("id"))
        .order_by()
    )


def full_message(agencies_with_places: list[Agency]) -> str:
    if not agencies_with_places:
        return _("The start is full: no agency has places left.")
    names = ", ".join(a.name for a in agencies_with_places)
    return _("Your agency has no places left in this start. Places are left for: %(names)s.") % {
        "names": names
    }


def check_bookable(referral: Referral, *, cohort: Cohort | None, today: date) -> str | None:
    """None when the referral's agency may take a place, else a message saying who may.
    Call under the project lock (services) so the answer still holds when the row is saved."""
    if cohort is not None:
        places = cohort_places(cohort, today=today)
        own = places.for_agency(referral.referring_agency_id)
        if own is not None and own.bookable:
            return None
        if own is None and places.free > 0 and places.released:
            return None
        return full_message(places.agencies_with_places())
    year = today.year
    for row in year_board(referral.project, year=year):
        if row.agency.pk == referral.referring_agency_id:
            if row.bookable:
                return None
            others = [r.agency for r in year_board(referral.project, year=year) if r.bookable]
            return full_message(others)
    return None
