"""What a user may do in one project: `ProjectAccess`, asked by name ("reports.view").

Every project-scoped view gets one through `fokus.policy.views.project_view` (or
`project_access_for` when it reached the project through a child object) and asks it, instead
of combining roles itself. Templates get its booleans.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from fokus.policy import held

if TYPE_CHECKING:
    from fokus.models import Project, User


def has_project(user: User, project: Project) -> bool:
    """Whether the project is the user's: in their federation, and either they see all of its
    projects (staff, admins, case officers) or they hold a role in this one. The same set as
    `Project.objects.for_user`, without a query."""
    return project.federation_id == user.federation_id and (
        held.sees_all_projects(user) or project.pk in held.project_ids(user)
    )


def require_project(user: User, project: Project) -> None:
    """404 for a project that is not the user's (the rule in `fokus.policy`)."""
    if not has_project(user, project):
        raise Http404


@dataclass(frozen=True)
class Permission:
    allows: Callable[[ProjectAccess], bool]
    refusal: str


_ROLE_REFUSAL = _("You do not have a role in this project that allows this.")
_FIGURES_REFUSAL = _(
    "Only the project's coordinators and the federation's staff see these figures."
)

# The project-scoped permissions, by name. A view names one; the refusal is its 403 text.
PERMISSIONS: dict[str, Permission] = {
    # Everyone who sees the project sees its page and its starts (planning data).
    "project.view": Permission(lambda a: True, _ROLE_REFUSAL),
    "project.settings": Permission(
        lambda a: a.is_admin, _("Only the federation's administrators may do this.")
    ),
    "cohorts.manage": Permission(lambda a: a.coordinates or a.is_admin, _ROLE_REFUSAL),
    # Bringing history in from spreadsheets (`imports`).
    "imports.run": Permission(
        lambda a: a.coordinates or a.is_admin,
        _("Only the project's coordinators and the federation's administrators import data."),
    ),
    # The queue, the ärendegrupp's meetings, the quota board.
    "referrals.review": Permission(lambda a: a.reviews, _ROLE_REFUSAL),
    # Referral counts, never contents.
    "referrals.counts": Permission(lambda a: a.coordinates or a.is_staff, _ROLE_REFUSAL),
    "consultations.view": Permission(
        lambda a: a.reviews or bool(held.case_officer_agency_ids(a.user)), _ROLE_REFUSAL
    ),
    "consultations.raise": Permission(lambda a: bool(a.consultation_agency_ids), _ROLE_REFUSAL),
    "participants.coordinate": Permission(
        lambda a: a.coordinates, _("Only the project's coordinators work with its participants.")
    ),
    # Step statistics, reports and survey results: coordinators see everything, federation
    # staff the aggregates (`sees_individuals` tells which).
    "figures.view": Permission(lambda a: a.coordinates or a.is_staff, _FIGURES_REFUSAL),
    "reports.edit": Permission(
        lambda a: a.coordinates or a.is_admin,
        _(
            "The report's text is written by the project's coordinators and the federation's "
            "administrators."
        ),
    ),
    # A project's final and interim reports (aggregates), its report settings, and the
    # participants' follow-up and exit reports.
    "reports.view": Permission(
        lambda a: a.coordinates or a.is_staff,
        _("Only the project's coordinators and the federation's staff see its reports."),
    ),
    "reports.settings": Permission(
        lambda a: a.coordinates or a.is_staff,
        _("Only the federation's staff and the project's coordinators change report settings."),
    ),
    "participant_reports.write": Permission(
        lambda a: a.coordinates,
        _("Only the project's coordinators write its participants' reports."),
    ),
    "surveys.manage": Permission(
        lambda a: a.coordinates, _("Only the project's coordinators manage its surveys.")
    ),
    # A project's surveys and their questions (results are "figures.view").
    "surveys.view": Permission(
        lambda a: a.coordinates or a.is_staff,
        _("Only the project's coordinators and the federation's staff."),
    ),
}


@dataclass(frozen=True)
class ProjectAccess:
    """One user in one project that is theirs (`has_project` holds)."""

    user: User
    project: Project

    @classmethod
    def of(cls, user: User, project: Project) -> ProjectAccess:
        """404 unless the project is the user's; then the access object to ask."""
        require_project(user, project)
        return cls(user, project)

    @cached_property
    def coordinates(self) -> bool:
        return held.can_coordinate(self.user, self.project)

    @cached_property
    def sits_in_case_group(self) -> bool:
        return self.project.pk in held.case_group_project_ids(self.user)

    @cached_property
    def reviews(self) -> bool:
        """The project's coordinators and ärendegrupp members."""
        return self.coordinates or self.sits_in_case_group

    @cached_property
    def is_staff(self) -> bool:
        return held.is_federation_staff(self.user)

    @cached_property
    def is_admin(self) -> bool:
        return held.is_federation_admin(self.user)

    @property
    def sees_individuals(self) -> bool:
        """Names, case notes and who went down: the coordinators. Staff see aggregates."""
        return self.coordinates

    @cached_property
    def consultation_agency_ids(self) -> set[int]:
        """Agencies the user may raise a consultation for: their case-officer agencies and
        their seats in this project's ärendegrupp."""
        seats = {
            m.agency_id for m in held.case_group_seats(self.user) if m.project_id == self.project.pk
        }
        return held.case_officer_agency_ids(self.user) | seats

    def can(self, permission: str) -> bool:
        return PERMISSIONS[permission].allows(self)

    def require(self, permission: str) -> None:
        """403 with the permission's own message."""
        rule = PERMISSIONS[permission]
        if not rule.allows(self):
            raise PermissionDenied(rule.refusal)


def project_access_for(user: User, project: Project, permission: str) -> ProjectAccess:
    """The one rule for a project the view reached through a child object (a cohort, a
    survey, an enrolment): no role at all → 403, not the user's project → 404, the
    permission missing → 403."""
    held.require_any_role(user)
    access = ProjectAccess.of(user, project)
    access.require(permission)
    return access
