"""Writes of the federation set-up: users, agencies, municipalities, projects (memberships and
role requests: `fokus.memberships`).

Each runs in a transaction and writes the access log; field-level history comes from
django-pghistory's triggers on the models.
"""

from collections.abc import Mapping
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from fokus import conflicts, request_context
from fokus.audit import log_access
from fokus.memberships import other_active_admins
from fokus.models import AccessAction, Federation, Membership, User
from fokus.roles import Role
from fokus.signin.tokens import invitation_token_generator

ModelT = TypeVar("ModelT", bound=models.Model)


def _federation_id_of(owner: models.Model) -> int:
    return owner.pk if isinstance(owner, Federation) else owner.federation_id


def _snapshot(obj: models.Model, names) -> dict[str, Any]:
    """The stored values of `names`, many-to-many ones as sets of keys, for the change log."""
    values = {}
    for name in names:
        field = obj._meta.get_field(name)
        if field.many_to_many:
            values[name] = set(getattr(obj, name).values_list("pk", flat=True)) if obj.pk else set()
        else:
            values[name] = field.value_from_object(obj)
    return values


@transaction.atomic
def federation_object_save(
    *,
    actor: User,
    model: type[ModelT],
    owner: Mapping[str, models.Model],
    values: Mapping[str, Any],
    pk: int | None = None,
    version: int | None = None,
) -> ModelT:
    """Create (no `pk`) or change a row of the actor's federation — a municipality, agency,
    project or start — and log which fields changed.

    `owner` holds the fields that place the row, e.g. `{"federation": federation}` or
    `{"project": project}`; an existing row is looked up within them, so a key from
    elsewhere raises `DoesNotExist`. `values` are validated field values by name, as a form's
    `cleaned_data`; many-to-many fields are set after the row is saved. `version`, on a model
    with one (`fokus.conflicts`): the version the editor loaded; a row saved since raises
    `ConflictError` and nothing is written.
    """
    for placed_in in owner.values():
        if _federation_id_of(placed_in) != actor.federation_id:
            raise ValidationError(_("The row belongs to another federation."))
    rows = model.objects.select_for_update()
    obj = model(**owner) if pk is None else rows.get(pk=pk, **owner)
    before = _snapshot(obj, values)
    if conflicts.has_version(model) and pk is not None:
        conflicts.check(obj, version=version, yours=values)
        obj.edit_version = conflicts.next_version(obj)
    many = {}
    for name, value in values.items():
        if obj._meta.get_field(name).many_to_many:
            many[name] = value
        else:
            setattr(obj, name, value)
    obj.save()
    for name, value in many.items():
        getattr(obj, name).set(value)
    after = _snapshot(obj, values)
    log_access(
        actor=actor,
        action=AccessAction.CHANGE if pk else AccessAction.CREATE,
        obj=obj,
        detail=", ".join(sorted(n for n in values if before[n] != after[n])) if pk else "",
    )
    return obj


def user_send_invitation(*, user: User) -> None:
    """E-mail a link where the person chooses their password (valid FOKUS_INVITATION_TIMEOUT)."""
    link = request_context.current().absolute_url(
        reverse(
            "invitation-accept",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": invitation_token_generator.make_token(user),
            },
        )
    )
    context = {
        "user": user,
        "link": link,
        "federation": user.federation,
        "valid_days": settings.FOKUS_INVITATION_TIMEOUT // 86400,
    }
    send_mail(
        subject=_("Your account in Fokus"),
        message=render_to_string("fokus/manage/invitation_email.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


@transaction.atomic
def user_invite(
    *, actor: User, federation: Federation, full_name: str, email: str, phone: str = ""
) -> User:
    """Create an account without a password and e-mail its holder a link to choose one."""
    user = User(federation=federation, full_name=full_name, email=email, phone=phone)
    user.set_unusable_password()
    user.save()
    log_access(actor=actor, action=AccessAction.CREATE, obj=user)
    # The mail goes out only if the account was really created.
    request_context.on_commit(lambda: user_send_invitation(user=user))
    return user


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    full_name: str,
    email: str,
    phone: str,
    is_active: bool,
) -> User:
    """Change an account of the actor's federation. Nobody deactivates themselves or the
    federation's last active administrator."""
    user = User.objects.select_for_update().get(pk=user.pk, federation_id=actor.federation_id)
    values = {"full_name": full_name, "email": email, "phone": phone, "is_active": is_active}
    changed = sorted(name for name, value in values.items() if getattr(user, name) != value)
    if user.is_active and not is_active:
        if user.pk == actor.pk:
            raise ValidationError(_("You cannot deactivate your own account."))
        if Membership.objects.filter(
            user=user, role=Role.FEDERATION_ADMIN
        ).exists() and not other_active_admins(federation_id=user.federation_id, excluding=user):
            raise ValidationError(_("The federation must keep at least one active administrator."))
    for name, value in values.items():
        setattr(user, name, value)
    user.save()
    log_access(actor=actor, action=AccessAction.CHANGE, obj=user, detail=", ".join(changed))
    return user
