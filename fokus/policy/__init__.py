"""Who may see and do what: the one place that answers it.

Roles are held through `Membership` rows, each a role in a context (a project, an agency or the
federation); `memberships` reads them once per request. Views ask this package and pass
booleans to templates; templates never compare roles.

**The one rule, followed everywhere.** Something outside the user's federation, or in a project
or agency they hold no role in, is a 404: exactly as if it did not exist. In their own project
(or agency), a role that does not allow the page or the action is a 403 with a message saying
who may. An account with no role at all gets a 403 from `require_any_role` first.

How it is applied:
- Case data is reached through tenant-aware querysets: each model's `for_user(user)` filters by
  the `visible_*` conditions in `referrals`, `enrolments` (this package), or through its parent's.
- A project-scoped view is declared with `fokus.policy.views.project_view("<permission>")` and
  gets a `ProjectAccess` (`projects.PERMISSIONS` lists the permissions); a view that reached a
  project through a child object calls `project_access_for(user, project, "<permission>")`.
- What one may do with a referral or a participation one can see: `policy.referrals.can_*`,
  `policy.enrolments.can_*`; how much of a decided referral the ärendegrupp still sees:
  `policy.referrals.case_group_sees_full`.
- Who reads and reviews the access log (federation admins and log reviewers):
  `reviews_access_log`, applied by `AccessLogEntry.objects.for_user` and `LogReview`'s.
- Which role grants need a second admin, and who decides them: `policy.grants`.
"""

from fokus.policy import enrolments, grants, referrals
from fokus.policy.held import (
    can_coordinate,
    case_group_project_ids,
    case_group_seats,
    case_officer_agency_ids,
    coordinated_project_ids,
    forget_memberships,
    has_role,
    is_federation_admin,
    is_federation_staff,
    memberships,
    project_ids,
    require_any_role,
    require_federation_admin,
    require_log_review,
    reviewed_project_ids,
    reviews_access_log,
    roles,
    sees_all_projects,
)
from fokus.policy.projects import (
    PERMISSIONS,
    ProjectAccess,
    has_project,
    project_access_for,
    require_project,
)

__all__ = [
    "PERMISSIONS",
    "ProjectAccess",
    "can_coordinate",
    "case_group_project_ids",
    "case_group_seats",
    "case_officer_agency_ids",
    "coordinated_project_ids",
    "enrolments",
    "forget_memberships",
    "grants",
    "has_project",
    "has_role",
    "is_federation_admin",
    "is_federation_staff",
    "memberships",
    "project_access_for",
    "project_ids",
    "referrals",
    "require_any_role",
    "require_federation_admin",
    "require_log_review",
    "require_project",
    "reviewed_project_ids",
    "reviews_access_log",
    "roles",
    "sees_all_projects",
]
