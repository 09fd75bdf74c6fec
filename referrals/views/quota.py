"""Places and counts: the quota board the ärendegrupp checks before each meeting (DOMAIN §10),
and referral counts for the federation. Both are computed live, in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from fokus import access
from fokus.models import IntakeMode, Project
from participants.forms.cohorts import YearForm
from referrals import project_access, quota
from referrals.models import Referral, ReferralStatus


def _project(request: HttpRequest, project_pk: int) -> Project:
    access.require_any_role(request.user)
    return get_object_or_404(Project.objects.for_user(request.user), pk=project_pk)


@login_required
def quota_board(request: HttpRequest, project_pk: int) -> HttpResponse:
    project = _project(request, project_pk)
    project_access.require(project_access.is_reviewer(request.user, project))
    today = timezone.localdate()
    context = {"project": project, "today": today, "rolling": False}
    status = 200
    if project.intake_mode == IntakeMode.ROLLING:
        year = today.year
        form = YearForm(request.GET if "year" in request.GET else None, initial={"year": year})
        if form.is_bound:
            if form.is_valid():
                year = form.cleaned_data["year"]
            else:
                status = 400
        rows = quota.year_board(project, year=year)
        context.update(
            rolling=True,
            year=year,
            year_form=form,
            year_rows=rows,
            year_used=sum(r.used for r in rows),
            year_places=sum(r.places for r in rows if r.places is not None),
            year_unlimited=any(r.places is None for r in rows),
            previous_year=year - 1 if year > 2000 else None,
            next_year=year + 1 if year < 2100 else None,
        )
    else:
        context["board"] = quota.cohort_board(project, today=today)
    context["can_manage_cohorts"] = project_access.can_manage_cohorts(request.user, project)
    return render(request, "referrals/quota_board.html", context, status=status)


@login_required
def referral_counts(request: HttpRequest, project_pk: int) -> HttpResponse:
    project = _project(request, project_pk)
    project_access.require(project_access.can_see_counts(request.user, project))
    # Referral.objects.for_user gives federation staff no referral at all, by design: they
    # get figures only. This one aggregate, scoped to the project and its federation, is the
    # only read here, and it returns no field of any referral.
    rows = (
        Referral.objects.filter(federation_id=project.federation_id, project=project)
        .exclude(status=ReferralStatus.DRAFT)
        .annotate(municipality=Coalesce("cohort__municipality__name", "home_municipality__name"))
        .values("referring_agency__name", "municipality", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    statuses = [(value, label) for value, label in ReferralStatus.choices if value != "draft"]
    by_status: dict[str, int] = defaultdict(int)
    cells: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        key = (row["referring_agency__name"], row["municipality"] or "")
        cells[key][row["status"]] += row["n"]
        by_status[row["status"]] += row["n"]
    table = [
        {
            "agency": agency,
            "municipality": municipality,
            "counts": [cells[(agency, municipality)][value] for value, _label in statuses],
            "total": sum(cells[(agency, municipality)].values()),
        }
        for agency, municipality in sorted(cells)
    ]
    return render(
        request,
        "referrals/counts.html",
        {
            "project": project,
            "statuses": statuses,
            "status_totals": [(label, by_status[value]) for value, label in statuses],
            "column_totals": [by_status[value] for value, _label in statuses],
            "table": table,
            "total": sum(by_status.values()),
        },
    )
