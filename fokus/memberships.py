"""Roles: giving and removing them, and the roles an admin asks for themselves.

A role that opens case data, given by an admin to themselves, waits for a second admin
(`fokus.policy.grants`): `role_grant_request` records the wish, `role_grant_decide` approves it
(creating the membership) or refuses it. Every change is written to the access log and mailed,
after the commit, to the federation's other active admins, so that no admin changes access
with only their own eyes on the log.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fokus import policy, request_context
from fokus.audit import log_access
from fokus.models import (
    AccessAction,
    Agency,
    Membership,
    Project,
    RoleGrantRequest,
    User,
)
from fokus.roles import Role


# Meant to run inside the caller's transaction, which holds the locks until it commits.
@transaction.atomic(savepoint=False)
def other_active_admins(*, federation_id: int, excluding: User) -> bool:
    """Whether someone else can still administer the federation. Locks the admin rows so two
    admins removing each other (or both asking for a role) at the same moment are taken one
    after the other."""
    # order_by() drops the model's default ordering, whose outer joins PostgreSQL cannot lock.
    admins = (
        Membership.objects.filter(federation_id=federation_id, role=Role.FEDERATION_ADMIN)
        .order_by()
        .select_related("user")
        .select_for_update(of=("self",))
    )
    return any(m.user_id != excluding.pk and m.user.is_active for m in admins)


def _mail_other_admins(*, actor: User, user: User, change: str) -> None:
    """After the commit, tell every other active admin of `user`'s federation what changed.
    The mail names people and roles only: no case data."""
    recipients = list(
        User.objects.filter(
            federation_id=user.federation_id,
            is_active=True,
            memberships__role=Role.FEDERATION_ADMIN,
            memberships__federation_id=user.federation_id,
        )
        .exclude(pk=actor.pk)
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )
    if not recipients:
        return
    context = {
        "federation": user.federation,
        "change": change,
        "link": request_context.current().absolute_url(
            reverse("manage:user-detail", args=[user.public_id])
        ),
    }

    def send() -> None:
        subject = _("A role was changed in Fokus")
        body = render_to_string("fokus/manage/role_change_email.txt", context)
        # One message each: the admins do not see each other's addresses.
        send_mass_mail([(subject, body, None, [email]) for email in recipients])

    request_context.on_commit(send)


def _check_contexts(user: User, project: Project | None, agency: Agency | None) -> None:
    for context in (project, agency):
        # Forms already limit the choices; this guards every other caller.
        if context is not None and context.federation_id != user.federation_id:
            raise ValidationError(_("The project or agency belongs to another federation."))


def _create(
    *,
    actor: User,
    user: User,
    role: str,
    project: Project | None,
    agency: Agency | None,
    is_substitute: bool,
) -> Membership:
    _check_contexts(user, project, agency)
    if Membership.objects.filter(user=user, role=role, project=project, agency=agency).exists():
        raise ValidationError(_("The user already has this role in this context."))
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
def membership_add(
    *,
    actor: User,
    user: User,
    role: str,
    project: Project | None,
    agency: Agency | None,
    is_substitute: bool,
) -> Membership:
    """Give `user` a role at once. A role opening case data that the actor would give
    themselves is refused: it goes through `role_grant_request`."""
    if policy.grants.needs_second_admin(actor, user, role):
        raise ValidationError(
            _(
                "A role that opens case data, given to yourself, needs another "
                "administrator's approval: ask for it instead."
            )
        )
    membership = _create(
        actor=actor,
        user=user,
        role=role,
        project=project,
        agency=agency,
        is_substitute=is_substitute,
    )
    _mail_other_admins(
        actor=actor,
        user=user,
        change=_("%(actor)s gave %(user)s the role %(role)s.")
        % {"actor": actor, "user": user, "role": membership},
    )
    return membership


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> None:
    if membership.role == Role.FEDERATION_ADMIN and not other_active_admins(
        federation_id=membership.federation_id, excluding=membership.user
    ):
        raise ValidationError(_("The federation must keep at least one active administrator."))
    log_access(
        actor=actor,
        action=AccessAction.DELETE,
        obj=membership,
        detail=f"{membership.user.email}: {membership}",
    )
    label = str(membership)
    membership.delete()
    policy.forget_memberships(membership.user)
    _mail_other_admins(
        actor=actor,
        user=membership.user,
        change=_("%(actor)s removed the role %(role)s from %(user)s.")
        % {"actor": actor, "user": membership.user, "role": label},
    )


@transaction.atomic
def role_grant_request(
    *,
    actor: User,
    user: User,
    role: str,
    project: Project | None,
    agency: Agency | None,
    is_substitute: bool,
) -> RoleGrantRequest:
    """Record that the actor asks for a role opening case data for themselves; another
    admin of the federation approves or refuses it. Refused when there is no other admin."""
    if not policy.grants.needs_second_admin(actor, user, role):
        raise ValidationError(_("This role is given at once; it needs no approval."))
    _check_contexts(user, project, agency)
    if not other_active_admins(federation_id=user.federation_id, excluding=actor):
        raise ValidationError(
            _(
                "A role that opens case data cannot be given to yourself without the approval "
                "of another administrator, and the federation has no other active "
                "administrator. Ask for a second administrator to be added first; they can "
                "then give you the role or approve your request."
            )
        )
    if Membership.objects.filter(user=user, role=role, project=project, agency=agency).exists():
        raise ValidationError(_("The user already has this role in this context."))
    waiting = RoleGrantRequest.objects.pending().filter(
        user=user, role=role, project=project, agency=agency
    )
    if waiting.exists():
        raise ValidationError(
            _("You have already asked for this role; it is waiting for another administrator.")
        )
    grant_request = RoleGrantRequest.objects.create(
        federation_id=user.federation_id,
        requested_by=actor,
        user=user,
        role=role,
        project=project,
        agency=agency,
        is_substitute=is_substitute,
    )
    log_access(
        actor=actor,
        action=AccessAction.CREATE,
        obj=grant_request,
        detail=f"requested for oneself: {user.email}: {grant_request}",
    )
    _mail_other_admins(
        actor=actor,
        user=user,
        change=_(
            "%(actor)s asked for the role %(role)s for themselves. It is given only when "
            "another administrator approves it; approve or refuse it on the user's page."
        )
        % {"actor": actor, "role": grant_request},
    )
    return grant_request


@transaction.atomic
def role_grant_decide(
    *, actor: User, grant_request: RoleGrantRequest, approve: bool
) -> RoleGrantRequest:
    """Approve (giving the role) or refuse a pending request, as another admin."""
    grant_request = RoleGrantRequest.objects.select_for_update().get(
        pk=grant_request.pk, federation_id=actor.federation_id
    )
    if not grant_request.is_pending:
        raise ValidationError(_("This request has already been decided."))
    if not policy.grants.can_decide(actor, grant_request):
        raise ValidationError(_("Another administrator must decide on your own request."))
    outcome = RoleGrantRequest.Outcome
    grant_request.outcome = outcome.APPROVED if approve else outcome.REFUSED
    grant_request.decided_by = actor
    grant_request.decided_at = timezone.now()
    grant_request.save()
    user = grant_request.user
    log_access(
        actor=actor,
        action=AccessAction.CHANGE,
        obj=grant_request,
        detail=f"{grant_request.outcome}: {user.email}: {grant_request}",
    )
    if approve:
        _create(
            actor=actor,
            user=user,
            role=grant_request.role,
            project=grant_request.project,
            agency=grant_request.agency,
            is_substitute=grant_request.is_substitute,
        )
        change = _("%(actor)s approved the request of %(user)s for the role %(role)s.")
    else:
        change = _("%(actor)s refused the request of %(user)s for the role %(role)s.")
    _mail_other_admins(
        actor=actor,
        user=user,
        change=change % {"actor": actor, "user": user, "role": grant_request},
    )
    return grant_request
