"""Who may do what, in one place.

Roles are held through `Membership` rows, each a role in a context (a project, an agency or the
federation). Views ask the helpers below and pass booleans such as `can_edit` to templates;
templates never compare roles. Every model holding case data gets a queryset `for_user(user)`
that applies the tenant *and* these role rules; views fetch through it, so an object of another
federation or agency is simply not found (404). A user of the right federation but without the
role gets PermissionDenied (403) from the `require_*` helpers.

The one rule for project pages: a project the user has no role in (another federation's, or
another project of the same federation for a coordinator or ärendegrupp member) is a 404,
exactly as if it did not exist; in a project that is theirs, a role that does not allow the
page is a 403. `require_project` applies the first half wherever a view has fetched
something of a project; an account with no role at all gets `require_any_role`'s 403 first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from fokus.models import Membership, Project, User


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    CASE_OFFICER = "case_officer", _("Case officer")
    CASE_GROUP_MEMBER = "case_group_member", _("Ärendegrupp member")
    FEDERATION_STAFF = "federation_staff", _("Federation staff")
    FEDERATION_ADMIN = "federation_admin", _("Federation admin")


# Which context each role is held in; forms and constraints follow this table.
ROLE_NEEDS_PROJECT = {Role.COORDINATOR, Role.CASE_GROUP_MEMBER}
ROLE_NEEDS_AGENCY = {Role.CASE_OFFICER, Role.CASE_GROUP_MEMBER}

_CACHE_ATTR = "_fokus_memberships"


def memberships(user: User) -> list[Membership]:
    """The user's memberships in their own federation, loaded once per request."""
    if not user.is_authenticated or not user.is_active or user.federation_id is None:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        from fokus.models import Membership

        cached = list(
            Membership.objects.filter(user=user, federation_id=user.federation_id).select_related(
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


def can_coordinate(user: User, project: Project) -> bool:
    return project.pk in coordinated_project_ids(user)


def has_project(user: User, project: Project) -> bool:
    """Whether the project is the user's: in their federation, and either they see all of its
    projects (staff, admins, case officers) or they hold a role in this one. The same set as
    `Project.objects.for_user`, without a query."""
    return project.federation_id == user.federation_id and (
        sees_all_projects(user) or project.pk in project_ids(user)
    )


def require_project(user: User, project: Project) -> None:
    """404 for a project that is not the user's; see the module docstring."""
    if not has_project(user, project):
        raise Http404


def can_manage_project_settings(user: User, project: Project) -> bool:
    return is_federation_admin(user) and project.federation_id == user.federation_id


def require_federation_admin(user: User) -> None:
    if not is_federation_admin(user):
        raise PermissionDenied(_("Only the federation's administrators may do this."))


def require_any_role(user: User) -> None:
    """A logged-in account with no role yet sees only its start page and account pages."""
    if not memberships(user):
        raise PermissionDenied(_("Your account has no role yet. Ask your administrator."))
