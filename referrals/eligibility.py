"""The target-group rules a referral is checked against before it can be submitted.

Hard rules block submission; soft rules warn and need a comment (DOMAIN §1 target group).
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from fokus.models import AgencyKind
from referrals.models import CONSENT_PARTIES, Referral, YesNo

# Which contact slot of the form an agency of each kind fills when it refers.
_SLOT_OF_KIND = {
    AgencyKind.SOCIAL_SERVICES: "social_services",
    AgencyKind.EMPLOYMENT_SERVICE: "af",
    AgencyKind.SOCIAL_INSURANCE: "fk",
    AgencyKind.REGION: "region",
    AgencyKind.OTHER: "other",
}


@dataclass
class Eligibility:
    hard: list[str] = field(default_factory=list)
    soft: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.hard


def birth_date(referral: Referral) -> date | None:
    if referral.personnummer:
        digits = referral.personnummer
        day = int(digits[6:8])
        # A samordningsnummer adds 60 to the day of birth.
        return date(int(digits[:4]), int(digits[4:6]), day - 60 if day > 60 else day)
    return None


def age_on(referral: Referral, day: date) -> int | None:
    born = birth_date(referral)
    if born is not None:
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    if referral.birth_year:
        # Only the year is known (protected identity): the age reached during that year.
        return day.year - referral.birth_year
    return None


def involved_agencies(referral: Referral) -> set[str]:
    involved = set(referral.involved_agency_slots())
    involved.add(_SLOT_OF_KIND[referral.referring_agency.kind])
    return involved


def check(referral: Referral, *, today: date) -> Eligibility:
    result = Eligibility()
    project = referral.project
    _identity(referral, result)

    if project.intake_mode == "cohort" and referral.cohort_id is None:
        result.hard.append(_("Choose the start (cohort) the person is referred to."))
    reference_day = referral.cohort.start_date if referral.cohort_id else today
    age = age_on(referral, reference_day)
    if age is not None and not project.min_age <= age <= project.max_age:
        result.hard.append(
            _("The person must be %(low)s–%(high)s years old on %(day)s; they will be %(age)s.")
            % {"low": project.min_age, "high": project.max_age, "day": reference_day, "age": age}
        )

    municipality_id = referral.home_municipality_id
    if municipality_id is not None:
        if not project.municipalities.filter(pk=municipality_id).exists():
            result.hard.append(_("The person must live in one of the project's municipalities."))
        elif referral.cohort_id and referral.cohort.municipality_id != municipality_id:
            result.hard.append(
                _("The chosen start is in %(start)s, but the person lives in %(home)s.")
                % {"start": referral.cohort.municipality, "home": referral.home_municipality}
            )

    if len(involved_agencies(referral)) < 2:
        result.hard.append(
            _(
                "At least two agencies must be involved: mark the other agencies the person "
                "has contact with under Current agency contacts."
            )
        )

    questions = {
        "far_from_labour_market": _("far from the labour market"),
        "long_term_unemployed": _("long-term unemployed"),
        "needs_rehabilitation": _("needs rehabilitation"),
        "sufficient_swedish": _("sufficient Swedish"),
    }
    unanswered = [label for name, label in questions.items() if not getattr(referral, name)]
    if unanswered:
        result.hard.append(
            _("Answer every target-group question (missing: %(questions)s).")
            % {"questions": ", ".join(str(q) for q in unanswered)}
        )

    consent = getattr(referral, "consent", None)
    if consent is None or not all(getattr(consent, party) for party in CONSENT_PARTIES):
        result.hard.append(
            _("Record the person's consent, covering every party, before submitting.")
        )

    if referral.sufficient_swedish == YesNo.NO:
        result.soft.append(
            _(
                "The person may not have enough Swedish to follow the programme without an "
                "interpreter."
            )
        )
    if referral.far_from_labour_market == YesNo.NO and referral.long_term_unemployed == YesNo.NO:
        result.soft.append(
            _("The person is neither far from the labour market nor long-term unemployed.")
        )
    if referral.needs_rehabilitation == YesNo.NO:
        result.soft.append(_("The person is not said to need rehabilitation."))
    return result


def _identity(referral: Referral, result: Eligibility) -> None:
    if referral.protected_identity:
        missing = [
            label
            for value, label in [
                (referral.alias, _("alias")),
                (referral.birth_year, _("birth year")),
                (referral.gender, _("gender")),
                (referral.home_municipality_id, _("home municipality")),
            ]
            if not value
        ]
    else:
        missing = [
            label
            for value, label in [
                (referral.name, _("name")),
                (referral.personnummer, _("personal identity number")),
                (referral.home_municipality_id, _("home municipality")),
            ]
            if not value
        ]
    if missing:
        result.hard.append(
            _("Fill in the person's %(fields)s.") % {"fields": ", ".join(str(m) for m in missing)}
        )
