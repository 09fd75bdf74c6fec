"""The roles a user can hold. A leaf module: models, forms and the policy all import it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    CASE_OFFICER = "case_officer", _("Case officer")
    CASE_GROUP_MEMBER = "case_group_member", _("Ärendegrupp member")
    FEDERATION_STAFF = "federation_staff", _("Federation staff")
    FEDERATION_ADMIN = "federation_admin", _("Federation admin")
    # Reads and reviews the federation's access log (loggkontroll), nothing else.
    LOG_REVIEWER = "log_reviewer", _("Log reviewer")


# Which context each role is held in; forms and constraints follow this table.
ROLE_NEEDS_PROJECT = {Role.COORDINATOR, Role.CASE_GROUP_MEMBER}
ROLE_NEEDS_AGENCY = {Role.CASE_OFFICER, Role.CASE_GROUP_MEMBER}
# Roles that open case data (names, case notes, referrals). An admin who gives one of these
# to themselves needs a second admin's approval (`fokus.policy.grants`).
ROLES_OPENING_CASE_DATA = {Role.COORDINATOR, Role.CASE_OFFICER, Role.CASE_GROUP_MEMBER}
