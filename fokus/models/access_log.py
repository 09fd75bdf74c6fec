"""The access log: who did what to which object, when, append-only in the database."""

import pgtrigger
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fokus import policy
from fokus.models.organisation import Federation
from fokus.models.users import User


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
    PASSWORD_RESET = "password_reset", _("Asked for a password reset")
    # A 403 or 404 on a page a signed-in user asked for (fokus.middleware.RefusalLogMiddleware).
    REFUSED = "refused", _("Refused")


class AccessLogQuerySet(models.QuerySet):
    def for_user(self, user):
        """The user's federation's rows, for its administrators and log reviewers."""
        if not user.is_authenticated or not policy.reviews_access_log(user):
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
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

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
