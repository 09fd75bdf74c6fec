"""Organisations, people and their roles: the tenant structure every feature hangs from, one
module per feature: organisation (federation, municipalities, agencies), projects, users (users
and their memberships), role_requests (roles an admin asked for themselves, waiting for a
second admin), access_log (the append-only access log) and log_review (its review rounds)."""

from fokus.models.access_log import AccessAction, AccessLogEntry, AccessLogQuerySet
from fokus.models.log_review import LogReview, LogReviewQuerySet
from fokus.models.organisation import (
    Agency,
    AgencyKind,
    Federation,
    FederationScopedQuerySet,
    Municipality,
)
from fokus.models.projects import IntakeMode, Project, ProjectQuerySet
from fokus.models.role_requests import RoleGrantRequest, RoleGrantRequestQuerySet
from fokus.models.users import Membership, User, UserManager

__all__ = [
    "AccessAction",
    "AccessLogEntry",
    "AccessLogQuerySet",
    "Agency",
    "AgencyKind",
    "Federation",
    "FederationScopedQuerySet",
    "IntakeMode",
    "LogReview",
    "LogReviewQuerySet",
    "Membership",
    "Municipality",
    "Project",
    "ProjectQuerySet",
    "RoleGrantRequest",
    "RoleGrantRequestQuerySet",
    "User",
    "UserManager",
]
