"""Writes of the planning pages that span several rows: yearly places per agency."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest

from fokus.audit import log_access
from fokus.models import AccessAction, Agency, Project, User
from participants.models import AgencyYearQuota


@transaction.atomic
def year_quotas_save(
    *,
    actor: User,
    project: Project,
    year: int,
    places_by_agency: dict[Agency, int | None],
    request: HttpRequest | None = None,
) -> int:
    """Set each agency's places for the year; None removes the limit. Returns how many
    agencies changed."""
    existing = {
        q.agency_id: q
        for q in AgencyYearQuota.objects.select_for_update().filter(project=project, year=year)
    }
    changed = []
    for agency, places in places_by_agency.items():
        quota = existing.get(agency.pk)
        if places is None:
            if quota is not None:
                quota.delete()
                changed.append(f"{agency.name}: -")
        elif quota is None:
            AgencyYearQuota.objects.create(project=project, agency=agency, year=year, places=places)
            changed.append(f"{agency.name}: {places}")
        elif quota.places != places:
            quota.places = places
            quota.save(update_fields=["places"])
            changed.append(f"{agency.name}: {places}")
    if changed:
        log_access(
            actor=actor,
            action=AccessAction.CHANGE,
            obj=project,
            request=request,
            detail=f"yearly places {year}: " + "; ".join(changed),
        )
    return len(changed)
