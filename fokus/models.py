"""Organisations, people and their roles: the tenant structure every feature hangs from."""

import uuid

import pghistory
import pgtrigger
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fokus.access import Role
from fokus.history import row_history
from fokus.tenancy import PROJECT_STAYS_IN_ITS_FEDERATION, federation_matches_project


@pghistory.track(*row_history())
class Federation(models.Model):
    """A samordningsförbund: the tenant. Nothing of one federation is visible to another."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    contact_email = models.EmailField(
        _("contact e-mail"), blank=True, help_text=_("Shown in the footer of every page.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("federation")
        verbose_name_plural = _("federations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FederationScopedQuerySet(models.QuerySet):
    """Organisation data is readable by anyone of the same federation; case data is not."""

    def for_user(self, user):
        if not user.is_authenticated or user.federation_id is None:
            return self.none()
        return self.filter(federation_id=user.federation_id)


@pghistory.track(*row_history())
class Municipality(models.Model):
    federation = models.ForeignKey(
        Federation, on_delete=models.PROTECT, related_name="municipalities"
    )
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(
        _("municipality code"),
        max_length=4,
        blank=True,
        validators=[RegexValidator(r"^\d{4}$", _("Enter the four-digit municipality code."))],
        help_text=_("The four-digit code from SCB, e.g. 0781."),
    )

    objects = FederationScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "federation", Lower("name"), name="municipality_unique_name_per_federation"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AgencyKind(models.TextChoices):
    EMPLOYMENT_SERVICE = "af", _("Arbetsförmedlingen")
    SOCIAL_INSURANCE = "fk", _("Försäkringskassan")
    REGION = "region", _("Region (health care)")
    SOCIAL_SERVICES = "social_services", _("Municipal social services")
    OTHER = "other", _("Other")


@pghistory.track(*row_history())
class Agency(models.Model):
    """A party (part) of the federation: AF, FK, the region or a municipality's social services."""

    federation = models.ForeignKey(Federation, on_delete=models.PROTECT, related_name="agencies")
    kind = models.CharField(_("kind"), max_length=20, choices=AgencyKind.choices)
    name = models.CharField(_("name"), max_length=200)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agencies",
        verbose_name=_("municipality"),
        help_text=_("Required for a municipality's social services."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = FederationScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "federation", Lower("name"), name="agency_unique_name_per_federation"
            ),
            models.CheckConstraint(
                condition=~Q(kind="social_services") | Q(municipality__isnull=False),
                name="agency_social_services_has_municipality",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class IntakeMode(models.TextChoices):
    COHORT = "cohort", _("Cohort starts")
    ROLLING = "rolling", _("Rolling intake")


class ProjectQuerySet(models.QuerySet):
    def for_user(self, user):
        """Projects a user may open: the federation's for staff, admins and case officers
        (who refer to them); only their own for coordinators and ärendegrupp members."""
        from fokus import access

        if not user.is_authenticated or user.federation_id is None:
            return self.none()
        scoped = self.filter(federation_id=user.federation_id)
        if access.sees_all_projects(user):
            return scoped
        return scoped.filter(pk__in=access.project_ids(user))


@pghistory.track(*row_history())
class Project(models.Model):
    """An insats/projekt funded by the federation."""

    federation = models.ForeignKey(Federation, on_delete=models.PROTECT, related_name="projects")
    name = models.CharField(_("name"), max_length=200)
    owner = models.CharField(
        _("project owner"),
        max_length=200,
        help_text=_("The organisation that runs the project, e.g. a municipality."),
    )
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    municipalities = models.ManyToManyField(
        Municipality, related_name="projects", verbose_name=_("participating municipalities")
    )
    intake_mode = models.CharField(
        _("intake"), max_length=10, choices=IntakeMode.choices, default=IntakeMode.COHORT
    )
    min_age = models.PositiveSmallIntegerField(
        _("lowest age"), default=16, help_text=_("On the start date of the person's cohort.")
    )
    max_age = models.PositiveSmallIntegerField(
        _("highest age"), default=64, help_text=_("On the start date of the person's cohort.")
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        triggers = [PROJECT_STAYS_IN_ITS_FEDERATION]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-start_date", "name"]
        constraints = [
            models.UniqueConstraint(
                "federation", Lower("name"), name="project_unique_name_per_federation"
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="project_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(max_age__gte=models.F("min_age")),
                name="project_age_limits_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name


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
        from fokus import access

        if not user.is_authenticated or not access.is_federation_admin(user):
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
            # Each role names exactly the context it needs, no more.
            models.CheckConstraint(
                condition=(
                    Q(role=Role.COORDINATOR, project__isnull=False, agency__isnull=True)
                    | Q(role=Role.CASE_OFFICER, project__isnull=True, agency__isnull=False)
                    | Q(role=Role.CASE_GROUP_MEMBER, project__isnull=False, agency__isnull=False)
                    | Q(
                        role__in=[Role.FEDERATION_STAFF, Role.FEDERATION_ADMIN],
                        project__isnull=True,
                        agency__isnull=True,
                    )
                ),
                name="membership_context_matches_role",
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


class AccessAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    CREATE = "create", _("Created")
    CHANGE = "change", _("Changed")
    DELETE = "delete", _("Deleted")
    EXPORT = "export", _("Exported")
    PRINT = "print", _("Printed")
    LOGIN = "login", _("Logged in")
    LOGOUT = "logout", _("Logged out")
    FAILED_LOGIN = "failed_login", _("Failed login")


class AccessLogQuerySet(models.QuerySet):
    def for_user(self, user):
        from fokus import access

        if not user.is_authenticated or not access.is_federation_admin(user):
            return self.none()
        return self.filter(federation_id=user.federation_id)


class AccessLogEntry(models.Model):
    """Who did what to which object, when. Append-only: the database refuses edits."""

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    # The actor's e-mail at the time, and the typed user name of a failed login.
    actor_label = models.CharField(_("user"), max_length=254, blank=True)
    federation = models.ForeignKey(
        Federation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=20, choices=AccessAction.choices)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_label = models.CharField(_("object"), max_length=200, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["federation", "-at"], name="accesslog_fed_at"),
            models.Index(fields=["object_type", "object_id"], name="accesslog_object"),
        ]
        triggers = [
            pgtrigger.Protect(
                name="access_log_append_only",
                operation=pgtrigger.Update | pgtrigger.Delete,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_label}"
