"""Which of a project's planning and ärendegrupp pages a user may use.

The project itself is fetched through `Project.objects.for_user` first, so these answer only
for a project the user can already see: False means 403 (right federation, wrong role).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from fokus import access

if TYPE_CHECKING:
    from fokus.models import Project, User


def is_reviewer(user: User, project: Project) -> bool:
    """The project's coordinators and ärendegrupp members: the queue, meetings and places."""
    return project.pk in access.coordinated_project_ids(user) or any(
        m.project_id == project.pk for m in access.case_group_seats(user)
    )


def can_manage_cohorts(user: User, project: Project) -> bool:
    """Starts and yearly quotas are planned by the project's coordinators and the admins."""
    return access.can_coordinate(user, project) or access.can_manage_project_settings(user, project)


def can_see_counts(user: User, project: Project) -> bool:
    """Referral counts, never contents: federation staff and admins, and the coordinators."""
    return (
        access.is_federation_staff(user) and project.federation_id == user.federation_id
    ) or access.can_coordinate(user, project)


def consultation_agency_ids(user: User, project: Project) -> set[int]:
    """Agencies the user may raise a consultation for: their case-officer agencies and their
    seats in this project's ärendegrupp."""
    seats = {m.agency_id for m in access.case_group_seats(user) if m.project_id == project.pk}
    return access.case_officer_agency_ids(user) | seats


def can_raise_consultation(user: User, project: Project) -> bool:
    return bool(consultation_agency_ids(user, project))


def can_see_consultations(user: User, project: Project) -> bool:
    return is_reviewer(user, project) or bool(access.case_officer_agency_ids(user))


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You do not have a role in this project that allows this."))
