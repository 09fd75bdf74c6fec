"""Who may give whom a role at once, and who decides a role an admin asked for themselves.

A federation admin manages every account of the federation, their own included. A role that
opens case data (`ROLES_OPENING_CASE_DATA`) given to oneself would let one admin read every
case note with nobody else knowing, so it waits for a second admin (`RoleGrantRequest`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fokus.policy import held
from fokus.roles import ROLES_OPENING_CASE_DATA

if TYPE_CHECKING:
    from fokus.models import RoleGrantRequest, User


def needs_second_admin(actor: User, user: User, role: str) -> bool:
    """Whether giving `user` this role needs another admin's approval: a role opening case
    data, given by an admin to themselves. Given to someone else it takes effect at once."""
    return actor.pk == user.pk and role in ROLES_OPENING_CASE_DATA


def can_decide(user: User, grant_request: RoleGrantRequest) -> bool:
    """Another admin of the federation: never the one who asked, nor the one it is for."""
    return (
        held.is_federation_admin(user)
        and grant_request.federation_id == user.federation_id
        and user.pk not in (grant_request.requested_by_id, grant_request.user_id)
    )
