"""The access log: one call for every read, write, export or print of something worth tracing.

Changes to rows are also kept, field by field, by django-pghistory's triggers; this log adds what
triggers cannot see: who *looked at* or *printed* what, and logins.
"""

from __future__ import annotations

from django.db import models, transaction

from fokus import request_context
from fokus.models import AccessAction, AccessLogEntry, User


# savepoint=False: inside a caller's transaction (most calls) this costs no query at all.
@transaction.atomic(savepoint=False)
def log_access(
    *,
    actor: User | None,
    action: AccessAction,
    obj: models.Model | None = None,
    federation_id: int | None = None,
    detail: str = "",
    actor_label: str = "",
) -> AccessLogEntry:
    """Append one row. `obj`'s label is its str(): never pass an object whose str() holds
    secrets such as a personnummer. The client's address and browser come from the request
    context (`fokus.request_context`), so services need no request to log."""
    if federation_id is None:
        federation_id = getattr(obj, "federation_id", None) or getattr(actor, "federation_id", None)
    if obj is not None:
        object_type = obj._meta.label_lower
        object_id = str(getattr(obj, "public_id", None) or obj.pk)
        object_label = str(obj)[:200]
    else:
        object_type = object_id = object_label = ""
    if actor is not None and actor.is_authenticated:
        label = actor_label or actor.email
    else:
        actor, label = None, actor_label
    context = request_context.current()
    return AccessLogEntry.objects.create(
        actor=actor,
        actor_label=label[:254],
        federation_id=federation_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_label=object_label,
        detail=detail[:500],
        ip_address=context.ip_address,
        user_agent=context.user_agent,
    )
