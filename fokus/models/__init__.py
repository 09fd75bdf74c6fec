"""Organisations, people and their roles: the tenant structure every feature hangs from, one
module per feature: organisation (federation, municipalities, agencies), projects, users (users
and their memberships), role_requests (roles an admin asked for themselves, waiting for a
second admin), access_log (the append-only access log), log_review (its review rounds),
imports (uploaded spreadsheets that imported records point back to) and jobs (background
work a user started, with its progress)."""

from fokus.models.access_log import AccessAction, AccessLogEntry, AccessLogQuerySet
from fokus.models.imports import UPLOAD_KEPT_DAYS, ImportBatch, ImportBatchQuerySet, ImportKind
from fokus.models.jobs import Job, JobQuerySet
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
    "ImportBatch",
    "ImportBatchQuerySet",
    "ImportKind",
    "IntakeMode",
    "Job",
    "JobQuerySet",
    "LogReview",
    "LogReviewQuerySet",
    "Membership",
    "Municipality",
    "Project",
    "ProjectQuerySet",
    "RoleGrantRequest",
    "RoleGrantRequestQuerySet",
    "UPLOAD_KEPT_DAYS",
    "User",
    "UserManager",
]
