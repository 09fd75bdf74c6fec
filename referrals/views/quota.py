"""Places and counts: the quota board the ärendegrupp checks before each meeting (DOMAIN §10),
and referral counts for the federation. Both are computed live, in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from cohorts.forms import YearForm
from fokus.models import IntakeMode
from fokus.policy import ProjectAccess
from fokus.policy.views import project_view
from referrals import quota
from referrals.models import ReferralStatus


@project_view("referrals.review")
def quota_board(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    project = access.project
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
    context["can_manage_cohorts"] = access.can("cohorts.manage")
    return render(request, "referrals/quota_board.html", context, status=status)


@project_view("referrals.counts")
def referral_counts(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    project = access.project
    rows = quota.referral_counts(project)
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
