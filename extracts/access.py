"""Who accessed a person's data, and when: the access log rows about the rows of an extract."""

from __future__ import annotations

from django.apps import apps
from django.db.models import Prefetch, Q

from extracts.serialise import label, when
from fokus.models import AccessLogEntry, Federation, Membership
from fokus.roles import Role


def access_log(federation: Federation, ids: dict[str, set[str]]) -> list[dict]:
    """Who opened, changed, printed or exported one of the rows found, and when."""
    matches = Q(pk__in=[])
    for object_type, object_ids in sorted(ids.items()):
        matches |= Q(object_type=object_type, object_id__in=sorted(object_ids))
    memberships = Membership.objects.select_related("agency", "project", "federation")
    entries = (
        AccessLogEntry.objects.filter(federation=federation)
        .filter(matches)
        .select_related("actor")
        .prefetch_related(Prefetch("actor__memberships", queryset=memberships))
        .order_by("at", "pk")
    )
    return [
        {
            "at": when(entry.at),
            "user": label(entry.actor) if entry.actor else entry.actor_label,
            "organisation": _organisation(entry.actor),
            "action": entry.action,
            "action_label": str(entry.get_action_display()),
            "object_type": _type_name(entry.object_type),
            "object": entry.object_label,
            "detail": entry.detail,
        }
        for entry in entries
    ]


def _organisation(user) -> str:
    """Where the user works, from their roles today: their agencies, the owners of the projects
    they coordinate, or the federation itself."""
    if user is None:
        return ""
    names = set()
    for membership in user.memberships.all():
        if membership.agency is not None:
            names.add(membership.agency.name)
        elif membership.project is not None and membership.role == Role.COORDINATOR:
            names.add(membership.project.owner)
        else:
            names.add(membership.federation.name)
    return ", ".join(sorted(names))


def _type_name(object_type: str) -> str:
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type
