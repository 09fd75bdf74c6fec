"""What roles a user holds, read once per request from their `Membership` rows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from fokus.roles import Role

if TYPE_CHECKING:
    from fokus.models import Membership, Project, User

_CACHE_ATTR = "_fokus_memberships"


def memberships(user: User) -> list[Membership]:
    """The user's memberships in their own federation, loaded once per request."""
    if not user.is_authenticated or not user.is_active or user.federation_id is None:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(
            user.memberships.filter(federation_id=user.federation_id).select_related(
                "project", "agency"
            )
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_memberships(user: User) -> None:
    """Drop the per-request cache after the user's own memberships changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def roles(user: User) -> set[str]:
    return {m.role for m in memberships(user)}


def has_role(user: User, role: Role) -> bool:
    return role in roles(user)


def is_federation_admin(user: User) -> bool:
    return has_role(user, Role.FEDERATION_ADMIN)


def is_federation_staff(user: User) -> bool:
    """Förbund staff and admins: project set-up and aggregate figures, no case notes."""
    return bool(roles(user) & {Role.FEDERATION_STAFF, Role.FEDERATION_ADMIN})


def reviews_access_log(user: User) -> bool:
    """The federation's access log: its administrators and its log reviewers (loggkontroll)."""
    return bool(roles(user) & {Role.FEDERATION_ADMIN, Role.LOG_REVIEWER})


def sees_all_projects(user: User) -> bool:
    """Staff see every project; case officers need the list to refer people to one."""
    return bool(roles(user) & {Role.FEDERATION_STAFF, Role.FEDERATION_ADMIN, Role.CASE_OFFICER})


def project_ids(user: User) -> set[int]:
    """Projects the user works in as coordinator or ärendegrupp member."""
    return {m.project_id for m in memberships(user) if m.project_id is not None}


def coordinated_project_ids(user: User) -> set[int]:
    return {m.project_id for m in memberships(user) if m.role == Role.COORDINATOR}


def case_officer_agency_ids(user: User) -> set[int]:
    return {m.agency_id for m in memberships(user) if m.role == Role.CASE_OFFICER}


def case_group_seats(user: User) -> list[Membership]:
    """(project, agency) seats in ärendegrupper, substitutes included."""
    return [m for m in memberships(user) if m.role == Role.CASE_GROUP_MEMBER]


def case_group_project_ids(user: User) -> set[int]:
    return {m.project_id for m in case_group_seats(user)}


def reviewed_project_ids(user: User) -> set[int]:
    """Projects whose queue the user reviews: as coordinator or ärendegrupp member."""
    return coordinated_project_ids(user) | case_group_project_ids(user)


def can_coordinate(user: User, project: Project) -> bool:
    return project.pk in coordinated_project_ids(user)


def require_federation_admin(user: User) -> None:
    if not is_federation_admin(user):
        raise PermissionDenied(_("Only the federation's administrators may do this."))


def require_log_review(user: User) -> None:
    if not reviews_access_log(user):
        raise PermissionDenied(
            _("Only the federation's administrators and log reviewers may do this.")
        )


def require_any_role(user: User) -> None:
    """A logged-in account with no role yet sees only its start page and account pages."""
    if not memberships(user):
        raise PermissionDenied(_("Your account has no role yet. Ask your administrator."))
