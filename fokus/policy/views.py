"""Project-scoped views, declared once: `@project_view("reports.view")`.

The decorator resolves `<project_pk>` from the URL through `Project.objects.for_user`, applies
the rule in `fokus.policy` (no role at all → 403, not your project → 404, your project without
the permission → 403) and calls the view with a `ProjectAccess` in place of the id:

    @project_view("figures.view")
    def project_steps(request, access):
        project = access.project
        ... access.sees_individuals ...
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from fokus.models import Project
from fokus.numbers import parse_int
from fokus.policy.held import require_any_role
from fokus.policy.projects import PERMISSIONS, ProjectAccess


def project_for(request: HttpRequest, project_pk, *, select_related=()) -> Project:
    """The user's project with this id, or 404 (another federation's, or not theirs)."""
    pk = parse_int(str(project_pk))
    if pk is None:
        raise Http404
    queryset = Project.objects.for_user(request.user).select_related("federation", *select_related)
    try:
        return queryset.get(pk=pk)
    except Project.DoesNotExist:
        raise Http404 from None


def project_access(request: HttpRequest, project_pk, permission: str) -> ProjectAccess:
    """What `project_view` does, for a view that takes the project id itself."""
    require_any_role(request.user)
    access = ProjectAccess(request.user, project_for(request, project_pk))
    access.require(permission)
    return access


def object_or_refusal(visible: QuerySet, *, user, refusal: str, **lookup) -> Model:
    """One object through its `for_user` queryset `visible`. An object the user cannot see
    but that belongs to a project that is theirs is a 403 with `refusal` (they hold the wrong
    role there); anything else they cannot see is a 404."""
    found = visible.filter(**lookup).first()
    if found is not None:
        return found
    everything = visible.model._default_manager
    if everything.filter(project__in=Project.objects.for_user(user), **lookup).exists():
        raise PermissionDenied(refusal)
    raise Http404


def project_view(permission: str, *, url_kwarg: str = "project_pk"):
    if permission not in PERMISSIONS:
        raise ValueError(f"Unknown project permission {permission!r}")

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            require_any_role(request.user)
            project = project_for(request, kwargs.pop(url_kwarg))
            access = ProjectAccess(request.user, project)
            access.require(permission)
            return view(request, access, *args, **kwargs)

        wrapper.project_permission = permission
        return wrapper

    return decorator
