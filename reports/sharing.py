"""Whom a finalised participant report goes to (DOMAIN §7): `sharing_agencies` decides, from
the referral and its consent, which agencies a report finalised now is shared with. Their
case officers are e-mailed by `reports.services.participant_report_finalise`; whether a case
officer may still download the report later is `fokus.policy.reports.shared_with_officer`
(the consent must still be in force).
"""

from __future__ import annotations

from django.db.models import Q

from fokus.models import Agency, AgencyKind
from participants.models import Enrolment
from participants.models.enrolments import CONSENT_FIELD_BY_AGENCY_KIND
from referrals.models import Consent

# Which "involved" box of the referral names an agency of each kind. Social services are the
# home municipality's, so that box is handled apart.
INVOLVED_FIELD_BY_AGENCY_KIND = {
    AgencyKind.EMPLOYMENT_SERVICE: "af_involved",
    AgencyKind.SOCIAL_INSURANCE: "fk_involved",
    AgencyKind.REGION: "region_involved",
}


def sharing_agencies(enrolment: Enrolment) -> list[Agency]:
    """The agencies a report finalised now is shared with.

    Nothing while the consent is missing or withdrawn. Otherwise the agencies of the
    participation's federation that are

    - the referring agency, or
    - named on the referral as involved: `af_involved`, `fk_involved` and `region_involved`
      name the federation's active agencies of that kind, `social_services_involved` the
      active social services of the person's home municipality;

    and whose kind's box on the consent is ticked (`CONSENT_FIELD_BY_AGENCY_KIND`; an agency
    of kind "other" has no box and gets nothing). One or two queries."""
    if enrolment.status == Enrolment.Status.CONSENT_WITHDRAWN:
        return []
    referral = enrolment.referral
    consent = Consent.objects.filter(referral_id=referral.pk, withdrawn_at__isnull=True).first()
    if consent is None:
        return []
    ticked = [
        kind for kind, field in CONSENT_FIELD_BY_AGENCY_KIND.items() if getattr(consent, field)
    ]
    named = Q(pk=referral.referring_agency_id)
    involved_kinds = [
        kind for kind, field in INVOLVED_FIELD_BY_AGENCY_KIND.items() if getattr(referral, field)
    ]
    if involved_kinds:
        named |= Q(kind__in=involved_kinds, is_active=True)
    if referral.social_services_involved and referral.home_municipality_id:
        named |= Q(
            kind=AgencyKind.SOCIAL_SERVICES,
            municipality_id=referral.home_municipality_id,
            is_active=True,
        )
    return list(
        Agency.objects.filter(federation_id=enrolment.federation_id, kind__in=ticked)
        .filter(named)
        .order_by("name", "pk")
    )
