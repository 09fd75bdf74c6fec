"""People who log in (User and its manager) and their roles: one Membership per role and
context (a project, an agency or the federation itself)."""

import uuid

import pghistory
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fokus import policy
from fokus.history import row_history
from fokus.models.organisation import Agency, Federation, FederationScopedQuerySet
from fokus.models.projects import Project
from fokus.roles import Role
from fokus.tenancy import federation_matches_project


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        # E-mail addresses are compared case-insensitively, so "Anna@Kommun.se" can log in.
        return self.get(email__iexact=username)

    def create_user(self, email: str, password: str | None = None, **fields):
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password) if password else user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)

    def for_user(self, user):
        """People a federation admin manages: everyone of their federation."""
        if not user.is_authenticated or not policy.is_federation_admin(user):
            return self.none()
        return self.filter(federation_id=user.federation_id)


@pghistory.track(*row_history(), exclude=["password", "last_login"])
class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with their e-mail address.

    Every user except platform superusers belongs to one federation; their memberships give
    roles inside it. Users are deactivated, never deleted, so the access log keeps its actors.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("e-mail"), max_length=254, unique=True)
    full_name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    federation = models.ForeignKey(
        Federation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("federation"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("platform staff"), default=False, help_text=_("May log in to the Django admin.")
    )
    date_joined = models.DateTimeField(_("created"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_unique_email_ci"),
            models.CheckConstraint(
                condition=Q(is_superuser=True) | Q(federation__isnull=False),
                name="user_belongs_to_federation",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


# Each role names exactly the context it needs, no more (memberships and requests for one).
ROLE_CONTEXT_MATCHES = (
    Q(role=Role.COORDINATOR, project__isnull=False, agency__isnull=True)
    | Q(role=Role.CASE_OFFICER, project__isnull=True, agency__isnull=False)
    | Q(role=Role.CASE_GROUP_MEMBER, project__isnull=False, agency__isnull=False)
    | Q(
        role__in=[Role.FEDERATION_STAFF, Role.FEDERATION_ADMIN, Role.LOG_REVIEWER],
        project__isnull=True,
        agency__isnull=True,
    )
)


@pghistory.track(*row_history())
class Membership(models.Model):
    """One role of one user in one context (a project, an agency, or the federation itself)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    federation = models.ForeignKey(Federation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("project"),
    )
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("agency"),
    )
    is_substitute = models.BooleanField(
        _("substitute"), default=False, help_text=_("Stands in for the agency's ordinary member.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FederationScopedQuerySet.as_manager()

    class Meta:
        triggers = [federation_matches_project("membership")]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["role", "project__name", "agency__name"]
        constraints = [
            models.CheckConstraint(
                condition=ROLE_CONTEXT_MATCHES, name="membership_context_matches_role"
            ),
            models.CheckConstraint(
                condition=Q(is_substitute=False) | Q(role=Role.CASE_GROUP_MEMBER),
                name="membership_substitute_only_in_case_group",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "project", "agency"],
                nulls_distinct=False,
                name="membership_unique_per_context",
            ),
        ]

    def __str__(self) -> str:
        context = " / ".join(str(part) for part in (self.project, self.agency) if part)
        label = self.get_role_display()
        return f"{label} ({context})" if context else label
