"""Who sees which participations, and what they may do with one they can see."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from fokus.policy import held

if TYPE_CHECKING:
    from fokus.models import User
    from participants.models import Enrolment


def in_federation(user: User) -> Q:
    """The tenant only. A view fetches one enrolment through this and then asks the rules
    below, so a user of the right federation without the role gets 403, an outsider 404."""
    if not user.is_authenticated or user.federation_id is None:
        return Q(pk__in=[])
    return Q(federation_id=user.federation_id)


def visible_enrolments(user: User) -> Q:
    """The tenant and the role: coordinators see their projects' participants."""
    return in_federation(user) & Q(project_id__in=held.coordinated_project_ids(user))


def can_coordinate(user: User, enrolment: Enrolment) -> bool:
    """Any coordinator of the project: staff turnover is the norm, so not only the assigned one."""
    return enrolment.project_id in held.coordinated_project_ids(user)


def can_start(user: User, enrolment: Enrolment) -> bool:
    return enrolment.is_accepted and can_coordinate(user, enrolment)


def can_extend(user: User, enrolment: Enrolment) -> bool:
    return enrolment.is_active and can_coordinate(user, enrolment)


def can_exit(user: User, enrolment: Enrolment) -> bool:
    return enrolment.is_active and can_coordinate(user, enrolment)


def can_record_meeting(user: User, enrolment: Enrolment) -> bool:
    """Meetings, letters and the plan: from acceptance (the intake talk comes before the
    start) until the exit."""
    return enrolment.is_running and can_coordinate(user, enrolment)


def can_record_follow_up(user: User, enrolment: Enrolment) -> bool:
    """An exited participation with a planned follow-up (none after death or an error)."""
    return (
        enrolment.is_exited
        and getattr(enrolment, "follow_up", None) is not None
        and can_coordinate(user, enrolment)
    )


def can_see_details(user: User, enrolment: Enrolment) -> bool:
    """After consent is withdrawn only the coordinators keep the details: they must document
    the ending. Everyone else sees a flagged status."""
    if not enrolment.is_consent_withdrawn:
        return True
    return can_coordinate(user, enrolment)
