"""Login, logout and failed logins go to the access log."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from fokus.audit import log_access
from fokus.models import AccessAction, User


@receiver(user_logged_in, dispatch_uid="fokus_log_login")
def _logged_in(sender, request, user, **kwargs):
    log_access(actor=user, action=AccessAction.LOGIN)


@receiver(user_logged_out, dispatch_uid="fokus_log_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        log_access(actor=user, action=AccessAction.LOGOUT)


@receiver(user_login_failed, dispatch_uid="fokus_log_failed_login")
def _login_failed(sender, credentials, **kwargs):
    # Only the typed user name is kept; Django has already masked the password.
    typed = str(credentials.get("username", ""))[:254]
    known = User.objects.filter(email__iexact=typed).values_list("federation_id", flat=True)
    log_access(
        actor=None,
        actor_label=typed,
        action=AccessAction.FAILED_LOGIN,
        federation_id=known.first(),
    )
