"""Writes of the federation set-up: users, memberships, agencies, municipalities, projects.

Each runs in a transaction and writes the access log; field-level history comes from
django-pghistory's triggers on the models.
"""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.forms import ModelForm
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from fokus import policy, request_context
from fokus.audit import log_access
from fokus.models import AccessAction, Agency, Federation, Membership, Project, User
from fokus.roles import Role


def _changed_fields(form: ModelForm) -> str:
    return ", ".join(sorted(form.changed_data))


@transaction.atomic
def federation_object_save(*, actor: User, form: ModelForm):
    """Save a municipality, agency or project form of the actor's federation and log it."""
    created = form.instance.pk is None
    obj = form.save()
    log_access(
        actor=actor,
        action=AccessAction.CREATE if created else AccessAction.CHANGE,
        obj=obj,
        detail="" if created else _changed_fields(form),
    )
    return obj


def user_send_invitation(*, user: User) -> None:
    """E-mail a link where the person chooses their password (valid PASSWORD_RESET_TIMEOUT)."""
    link = request_context.current().absolute_url(
        reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    )
    context = {
        "user": user,
        "link": link,
        "federation": user.federation,
        "valid_days": settings.PASSWORD_RESET_TIMEOUT // 86400,
    }
    send_mail(
        subject=_("Your account in Fokus"),
        message=render_to_string("fokus/manage/invitation_email.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


@transaction.atomic
def user_invite(*, actor: User, federation: Federation, form: ModelForm):
    user = form.save(commit=False)
    user.federation = federation
    user.set_unusable_password()
    user.save()
    log_access(actor=actor, action=AccessAction.CREATE, obj=user)
    # The mail goes out only if the account was really created.
    request_context.on_commit(lambda: user_send_invitation(user=user))
    return user


def _other_active_admins(federation_id: int, excluding: User) -> bool:
    """Whether someone else can still administer the federation. Locks the admin rows so two
    admins removing each other at the same moment cannot both succeed."""
    # order_by() drops the model's default ordering, whose outer joins PostgreSQL cannot lock.
    admins = (
        Membership.objects.filter(federation_id=federation_id, role=Role.FEDERATION_ADMIN)
        .order_by()
        .select_related("user")
        .select_for_update(of=("self",))
    )
    return any(m.user_id != excluding.pk and m.user.is_active for m in admins)


@transaction.atomic
def user_update(*, actor: User, form: ModelForm) -> User:
    user = form.instance
    if "is_active" in form.changed_data and not form.cleaned_data["is_active"]:
        if user.pk == actor.pk:
            raise ValidationError(_("You cannot deactivate your own account."))
        if Membership.objects.filter(
            user=user, role=Role.FEDERATION_ADMIN
        ).exists() and not _other_active_admins(user.federation_id, user):
            raise ValidationError(_("The federation must keep at least one active administrator."))
    user = form.save()
    log_access(
        actor=actor,
        action=AccessAction.CHANGE,
        obj=user,
        detail=_changed_fields(form),
    )
    return user


@transaction.atomic
def membership_add(
    *,
    actor: User,
    user: User,
    role: str,
    project: Project | None,
    agency: Agency | None,
    is_substitute: bool,
) -> Membership:
    for context in (project, agency):
        # Forms already limit the choices; this guards every other caller.
        if context is not None and context.federation_id != user.federation_id:
            raise ValidationError(_("The project or agency belongs to another federation."))
    membership = Membership.objects.create(
        user=user,
        federation_id=user.federation_id,
        role=role,
        project=project,
        agency=agency,
        is_substitute=is_substitute,
    )
    log_access(
        actor=actor,
        action=AccessAction.CREATE,
        obj=membership,
        detail=f"{user.email}: {membership}",
    )
    policy.forget_memberships(user)
    return membership


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> None:
    if membership.role == Role.FEDERATION_ADMIN and not _other_active_admins(
        membership.federation_id, membership.user
    ):
        raise ValidationError(_("The federation must keep at least one active administrator."))
    log_access(
        actor=actor,
        action=AccessAction.DELETE,
        obj=membership,
        detail=f"{membership.user.email}: {membership}",
    )
    membership.delete()
    policy.forget_memberships(membership.user)
