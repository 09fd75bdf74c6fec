"""Tenant-aware querysets of the referrals app; who sees what is `fokus.policy.referrals`."""

from django.db import models
from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, When

from fokus import policy


class ReferralQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(policy.referrals.visible_referrals(user))

    def with_wait_list_position(self):
        """Place on the project's wait list, counted among *all* its wait-listed referrals
        (not only those this user sees), in one subquery so a list costs the same for any
        length."""
        ahead = (
            self.model.objects.filter(project=OuterRef("project"), status="wait_listed")
            .filter(
                Q(wait_listed_at__lt=OuterRef("wait_listed_at"))
                | Q(wait_listed_at=OuterRef("wait_listed_at"), pk__lte=OuterRef("pk"))
            )
            .order_by()
            .values("project")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(
            wait_list_position=Case(
                When(status="wait_listed", then=Subquery(ahead)),
                default=None,
                output_field=IntegerField(),
            )
        )


class CaseGroupMeetingQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(policy.referrals.visible_case_group_meetings(user))


class ConsultationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(policy.referrals.visible_consultations(user))
