"""Who sees which referrals, meetings and consultations (DOMAIN §9)."""

from django.db import models
from django.db.models import Q

from fokus import access
from fokus.access import Role


def _case_group_project_ids(user) -> set[int]:
    return {m.project_id for m in access.case_group_seats(user)}


class ReferralQuerySet(models.QuerySet):
    def for_user(self, user):
        """Case officers: their agency's referrals. Coordinators: submitted referrals of their
        projects. Ärendegrupp members: submitted referrals of their project's queue.
        Federation staff see counts only (see `referrals.stats`), never a referral."""
        if not user.is_authenticated or user.federation_id is None:
            return self.none()
        visible = Q(pk__in=[])
        if agencies := access.case_officer_agency_ids(user):
            visible |= Q(referring_agency_id__in=agencies)
        reviewing = access.coordinated_project_ids(user) | _case_group_project_ids(user)
        if reviewing:
            visible |= Q(project_id__in=reviewing) & ~Q(status="draft")
        return self.filter(Q(federation_id=user.federation_id) & visible)


class CaseGroupMeetingQuerySet(models.QuerySet):
    def for_user(self, user):
        if not user.is_authenticated or user.federation_id is None:
            return self.none()
        projects = access.coordinated_project_ids(user) | _case_group_project_ids(user)
        return self.filter(project__federation_id=user.federation_id, project_id__in=projects)


class ConsultationQuerySet(models.QuerySet):
    def for_user(self, user):
        if not user.is_authenticated or user.federation_id is None:
            return self.none()
        projects = access.coordinated_project_ids(user) | _case_group_project_ids(user)
        visible = Q(project_id__in=projects)
        if Role.CASE_OFFICER in access.roles(user):
            visible |= Q(raised_by_agency_id__in=access.case_officer_agency_ids(user))
        return self.filter(Q(project__federation_id=user.federation_id) & visible)
