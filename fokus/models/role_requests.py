"""A role an admin asked for themselves, waiting for another admin of the federation.

Roles that open case data (`fokus.roles.ROLES_OPENING_CASE_DATA`) are not given by an admin to
themselves at once: the request waits here until a second admin approves it (which creates the
membership) or refuses it. The row stays afterwards as the record of who decided.
"""

import pghistory
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fokus import policy
from fokus.history import row_history
from fokus.models.organisation import Agency, Federation
from fokus.models.projects import Project
from fokus.models.users import ROLE_CONTEXT_MATCHES, User
from fokus.roles import Role
from fokus.tenancy import federation_matches_project


class RoleGrantRequestQuerySet(models.QuerySet):
    def for_user(self, user):
        """The requests of the federation, for its admins only."""
        if not user.is_authenticated or not policy.is_federation_admin(user):
            return self.none()
        return self.filter(federation_id=user.federation_id)

    def pending(self):
        return self.filter(outcome=RoleGrantRequest.Outcome.PENDING)


@pghistory.track(*row_history())
class RoleGrantRequest(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        # Not the access log's "Refused" (a refused page): another word in Swedish.
        REFUSED = "refused", pgettext_lazy("role request", "Refused")

    federation = models.ForeignKey(Federation, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="role_requests")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_substitute = models.BooleanField(_("substitute"), default=False)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING
    )
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = RoleGrantRequestQuerySet.as_manager()

    class Meta:
        triggers = [federation_matches_project("rolegrantrequest")]
        verbose_name = _("role request")
        verbose_name_plural = _("role requests")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=ROLE_CONTEXT_MATCHES, name="rolegrantrequest_context_matches_role"
            ),
            models.CheckConstraint(
                condition=Q(is_substitute=False) | Q(role=Role.CASE_GROUP_MEMBER),
                name="rolegrantrequest_substitute_only_in_case_group",
            ),
            # Decided means decided by someone, at a time; pending means neither.
            models.CheckConstraint(
                condition=Q(outcome="pending", decided_by__isnull=True, decided_at__isnull=True)
                | (
                    Q(outcome__in=["approved", "refused"])
                    & Q(decided_by__isnull=False, decided_at__isnull=False)
                ),
                name="rolegrantrequest_decided_has_decider",
            ),
            # A second admin decides: never the one who asked, never the one it is for.
            models.CheckConstraint(
                condition=~Q(decided_by=models.F("requested_by")) & ~Q(decided_by=models.F("user")),
                name="rolegrantrequest_decided_by_another",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "project", "agency"],
                condition=Q(outcome="pending"),
                nulls_distinct=False,
                name="rolegrantrequest_one_pending_per_context",
            ),
        ]

    def __str__(self) -> str:
        context = " / ".join(str(part) for part in (self.project, self.agency) if part)
        label = self.get_role_display()
        return f"{label} ({context})" if context else label

    @property
    def is_pending(self) -> bool:
        return self.outcome == self.Outcome.PENDING
