from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fokus import policy
from fokus.models import Project
from fokus.roles import Role


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start page: one section per role the user holds, saying what they find where."""
    user = request.user
    held = policy.roles(user)
    projects = Project.objects.for_user(user).order_by("name")
    context = {
        "is_coordinator": Role.COORDINATOR in held,
        "is_case_officer": Role.CASE_OFFICER in held,
        "is_case_group_member": Role.CASE_GROUP_MEMBER in held,
        "is_federation_staff": Role.FEDERATION_STAFF in held,
        "is_federation_admin": Role.FEDERATION_ADMIN in held,
        "has_no_role": not held,
        "coordinated_projects": [p for p in projects if policy.can_coordinate(user, p)],
        "case_officer_agencies": sorted(
            {m.agency.name for m in policy.memberships(user) if m.role == Role.CASE_OFFICER}
        ),
        "case_group_seats": policy.case_group_seats(user),
    }
    return render(request, "fokus/home.html", context)


def accessibility(request: HttpRequest) -> HttpResponse:
    """Tillgänglighetsredogörelse, required of public-sector web services (DOS-lagen)."""
    return render(request, "fokus/accessibility.html")
