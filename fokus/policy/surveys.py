"""Who sees which surveys and their distribution, and what they may do with a survey they can
see (DOMAIN §8).

Built-in surveys (no project, no federation) are shared: anyone with a role reads them and may
copy them into a project they coordinate; nobody changes them. A project's survey is read by
the project's coordinators, who manage it, and by the federation's staff, who see the
definition and the aggregated results only. The contact register, the links and the responses
are the coordinators' alone: they hold names, and answers that may be personal data.

The surveys' querysets (`for_user`, `in_federation`) filter by the conditions here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.translation import gettext as _

from fokus.policy import held

if TYPE_CHECKING:
    from fokus.models import User
    from surveys.models import Survey

NOTHING = Q(pk__in=[])


def _has_federation(user: User) -> bool:
    return user.is_authenticated and user.federation_id is not None


def in_federation(user: User) -> Q:
    """The tenant only: the built-in surveys and every survey of the user's federation. A view
    fetches one survey through this and then asks the rules below (or the project's
    permissions), so the wrong role is a 403 and another federation's survey a 404."""
    if not _has_federation(user):
        return NOTHING
    return Q(project__isnull=True) | Q(federation_id=user.federation_id)


def visible_surveys(user: User) -> Q:
    """The tenant and the role: what `can_read` allows, as a filter."""
    if not _has_federation(user) or not held.memberships(user):
        return NOTHING
    own = Q(federation_id=user.federation_id)
    if not held.is_federation_staff(user):
        own &= Q(project_id__in=held.coordinated_project_ids(user))
    return Q(project__isnull=True) | own


def copy_sources(user: User) -> Q:
    """Surveys a coordinator may copy into a project: the built-in ones and the surveys of
    every project the user coordinates."""
    if not _has_federation(user):
        return NOTHING
    return Q(project__isnull=True) | Q(
        federation_id=user.federation_id, project_id__in=held.coordinated_project_ids(user)
    )


def coordinated(user: User, project_field: str) -> Q:
    """Rows of the projects the user coordinates, reached through `project_field` (e.g.
    "survey__project"): the contact register, invitations, links and responses."""
    if not _has_federation(user):
        return NOTHING
    return Q(
        **{
            f"{project_field}__federation_id": user.federation_id,
            f"{project_field}_id__in": held.coordinated_project_ids(user),
        }
    )


def can_manage(user: User, survey: Survey) -> bool:
    """Change, copy into new versions, distribute: the project's coordinators (the project
    permission "surveys.manage"). Nobody changes a built-in survey."""
    return survey.project_id is not None and survey.project_id in held.coordinated_project_ids(user)


def can_read(user: User, survey: Survey) -> bool:
    """Built-in surveys: anyone with a role. A project's survey: its coordinators and the
    federation's staff (who see the definition and aggregated results only)."""
    if survey.project_id is None:
        return bool(held.memberships(user))
    if survey.federation_id != user.federation_id:
        return False
    return can_manage(user, survey) or held.is_federation_staff(user)


def can_change_questions(survey: Survey) -> bool:
    """A survey with answers keeps its questions: the answers point at them."""
    return not survey.has_answers()


def edit_refusal(survey: Survey) -> str | None:
    """Why the survey's questions cannot be changed, or None if they can."""
    if survey.is_template:
        return _(
            "Built-in surveys are shared by every project and cannot be changed. Copy one to "
            "your project and change the copy."
        )
    if survey.has_answers():
        return _(
            "This survey has answers, so its questions cannot be changed: the answers would "
            "no longer say what they said. Make a new version to change the questions; the "
            "answers stay with this version."
        )
    return None
