"""Who sees which reports, and who may write, finalise, re-issue and download a participant's
follow-up and exit reports (DOMAIN §7, §9).

Participant reports: the project's coordinators write, finalise and re-issue them, and read
every version. A case officer reads the latest finalised version of each report shared with
one of their agencies, for as long as the consent stands; any other report is a 404 to them,
as another agency's referral is. Nothing is written or shared after a consent withdrawal.

Project reports (final and interim): the project's coordinators and the federation's staff;
the view's permissions are "reports.view" and "reports.edit" in `projects.PERMISSIONS`.

The querysets' `for_user` and `in_federation` filter by the conditions here. This module is
the lowest layer: it names the reports' fields in `Q` objects and reads the models'
attributes, and never imports the reports or participants apps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from fokus.policy import enrolments, held
from fokus.policy.projects import PERMISSIONS

if TYPE_CHECKING:
    from fokus.models import User
    from participants.models import Enrolment
    from reports.models import ParticipantReport

NOTHING = Q(pk__in=[])
# The values of `ReportStatus` and `Enrolment.Status` these rules name.
FINAL = "final"
CONSENT_WITHDRAWN = "consent_withdrawn"

WRITE_REFUSAL = PERMISSIONS["participant_reports.write"].refusal


# --- Which reports ------------------------------------------------------------------------------


def in_federation(user: User) -> Q:
    """Participant reports of the tenant only. A view fetches one report through this and then
    asks the rules below, so a user of the right federation without the role gets 403."""
    if not user.is_authenticated or user.federation_id is None:
        return NOTHING
    return Q(enrolment__federation_id=user.federation_id)


def consent_in_force() -> Q:
    """Reports whose participation's consent exists, is not withdrawn, and has not ended in a
    withdrawal."""
    return Q(
        enrolment__referral__consent__isnull=False,
        enrolment__referral__consent__withdrawn_at__isnull=True,
    ) & ~Q(enrolment__status=CONSENT_WITHDRAWN)


def latest_final() -> Q:
    """Finalised reports that no finalised later version replaces."""
    return Q(status=FINAL) & ~Q(superseded_by__status=FINAL)


def shared_with_officer(user: User) -> Q:
    """What a case officer may download: the latest finalised version of each report shared
    with one of their agencies, while the consent stands. The condition joins the agencies:
    a queryset filtered by it needs `.distinct()`."""
    agencies = held.case_officer_agency_ids(user)
    if not agencies:
        return NOTHING
    return (
        in_federation(user)
        & latest_final()
        & consent_in_force()
        & Q(shared_with__in=sorted(agencies))
    )


def visible_reports(user: User) -> Q:
    """The tenant and the role: every version for the project's coordinators, the shared ones
    for case officers (`shared_with_officer`)."""
    coordinated = in_federation(user) & Q(
        enrolment__project_id__in=held.coordinated_project_ids(user)
    )
    return coordinated | shared_with_officer(user)


def visible_project_reports(user: User) -> Q:
    """Final and interim report narratives, and the project's report settings: the project's
    coordinators and the federation's staff (aggregates only, no names in these reports)."""
    if not user.is_authenticated or user.federation_id is None:
        return NOTHING
    tenant = Q(project__federation_id=user.federation_id)
    if held.is_federation_staff(user):
        return tenant
    return tenant & Q(project_id__in=held.coordinated_project_ids(user))


def shared_reports_for(user: User, enrolment: Enrolment) -> list[ParticipantReport]:
    """The reports of this participation that the case officer's agency may read now, in the
    order they are written: for the case officer's participant page and their report list.
    Empty after a withdrawal."""
    condition = shared_with_officer(user)
    if condition == NOTHING:
        return []
    reports = enrolment.reports.filter(condition).distinct().select_related("finalised_by")
    return sorted(reports, key=lambda report: report.kind_order)


# --- What one may do with a report ------------------------------------------------------------


def can_write(user: User, enrolment: Enrolment) -> bool:
    """Any coordinator of the project writes, finalises and re-issues its reports."""
    return enrolments.can_coordinate(user, enrolment)


def require_write(user: User, enrolment: Enrolment) -> None:
    if not can_write(user, enrolment):
        raise PermissionDenied(WRITE_REFUSAL)


def can_change(enrolment: Enrolment) -> bool:
    """Reports are written, corrected and finalised only under a consent that stands."""
    return not enrolment.is_consent_withdrawn


def can_edit(user: User, report: ParticipantReport) -> bool:
    """A draft's texts change, and a draft is finalised, until the consent is withdrawn."""
    return (
        not report.is_final and can_change(report.enrolment) and can_write(user, report.enrolment)
    )


def _has_successor(report: ParticipantReport) -> bool:
    # The `has_successor` annotation of `reports_of` when there is one, else one query.
    annotated = getattr(report, "has_successor", None)
    if annotated is not None:
        return annotated
    try:
        report.superseded_by  # noqa: B018 - the reverse one-to-one is read to test it
    except ObjectDoesNotExist:
        return False
    return True


def can_reissue(user: User, report: ParticipantReport) -> bool:
    """The latest finalised version, with no newer version (draft or final) yet."""
    return (
        report.is_final
        and can_change(report.enrolment)
        and can_write(user, report.enrolment)
        and not _has_successor(report)
    )


def can_officer_download(user: User, report: ParticipantReport) -> bool:
    condition = shared_with_officer(user)
    if condition == NOTHING:
        return False
    return report.enrolment.reports.filter(condition, pk=report.pk).exists()


def require_download(user: User, report: ParticipantReport) -> None:
    """The stored PDF of a report the user's project holds (`project_access_for` first).
    Coordinators: any finalised version; a draft has no PDF (404). A case officer: what
    `shared_with_officer` allows, anything else a 404. Anyone else: 403."""
    if can_write(user, report.enrolment):
        if not report.is_final:
            raise Http404(_("A draft has no PDF; preview it instead."))
    elif held.case_officer_agency_ids(user):
        if not can_officer_download(user, report):
            raise Http404
    else:
        raise PermissionDenied(WRITE_REFUSAL)
