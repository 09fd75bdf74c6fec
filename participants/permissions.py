"""What a user may do with a participation they can already see (fetched in its federation)."""

from fokus import access
from participants.models import Enrolment


def can_coordinate(user, enrolment: Enrolment) -> bool:
    """Any coordinator of the project: staff turnover is the norm, so not only the assigned one."""
    return enrolment.project_id in access.coordinated_project_ids(user)


def can_start(user, enrolment: Enrolment) -> bool:
    return enrolment.status == Enrolment.Status.ACCEPTED and can_coordinate(user, enrolment)


def can_extend(user, enrolment: Enrolment) -> bool:
    return enrolment.status == Enrolment.Status.ACTIVE and can_coordinate(user, enrolment)


def can_exit(user, enrolment: Enrolment) -> bool:
    return enrolment.status == Enrolment.Status.ACTIVE and can_coordinate(user, enrolment)


def can_record_meeting(user, enrolment: Enrolment) -> bool:
    """Meetings, letters and the plan: from acceptance (the intake talk comes before the
    start) until the exit."""
    return enrolment.is_running and can_coordinate(user, enrolment)


def can_record_follow_up(user, enrolment: Enrolment) -> bool:
    """An exited participation with a planned follow-up (none after death or an error)."""
    return (
        enrolment.status == Enrolment.Status.EXITED
        and getattr(enrolment, "follow_up", None) is not None
        and can_coordinate(user, enrolment)
    )


def can_see_details(user, enrolment: Enrolment) -> bool:
    """After consent is withdrawn only the coordinators keep the details: they must document
    the ending. Everyone else sees a flagged status."""
    if enrolment.status != Enrolment.Status.CONSENT_WITHDRAWN:
        return True
    return can_coordinate(user, enrolment)
