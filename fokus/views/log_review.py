"""The access-log review (loggkontroll): the federation's log filtered, its flags, the review
rounds of the last months and the period's export. Federation admins and log reviewers."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from fokus import policy
from fokus.audit import log_access
from fokus.exports import FORMATS, table_response
from fokus.logreview import flags
from fokus.logreview.filters import LogReviewFilterForm
from fokus.logreview.forms import LogReviewMarkForm
from fokus.logreview.services import MONTHS_SHOWN, LogReviewError, log_review_mark, recent_months
from fokus.models import AccessAction, AccessLogEntry, LogReview

PAGE_SIZE = 50
EXPORT_COLUMNS = (
    ("at", gettext_lazy("Time")),
    ("actor_label", gettext_lazy("User")),
    ("action", gettext_lazy("Action")),
    ("object_type", gettext_lazy("Object type")),
    ("object_id", gettext_lazy("Object id")),
    ("object_label", gettext_lazy("Object")),
    ("detail", gettext_lazy("Detail")),
    ("ip_address", gettext_lazy("IP address")),
)


def _page(request: HttpRequest, filter_form, mark_form=None, status: int = 200) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    filters = filter_form.filters()
    entries = AccessLogEntry.objects.for_user(user)
    page = Paginator(filters.apply(entries), PAGE_SIZE).get_page(request.GET.get("page"))
    found = flags.compute(entries, filters)
    since = today.replace(day=1) - timedelta(days=31 * MONTHS_SHOWN)
    reviews = LogReview.objects.for_user(user).filter(period_end__gte=since)
    months = recent_months(reviews.select_related("reviewed_by"), today=today)
    if mark_form is None:
        mark_form = LogReviewMarkForm(
            initial={"period_start": filters.period_start, "period_end": filters.period_end}
        )
    # Reading the log shows who looked at whom: that is logged too.
    log_access(
        actor=user,
        action=AccessAction.VIEW,
        detail=f"access log review {filters.period_start}–{filters.period_end}, page {page.number}",
    )
    base = reverse("manage:log-review")
    context = {
        "filters": filter_form,
        "period": filters,
        "page": page,
        "flags": [(flag, f"{base}?{urlencode(flag.query)}") for flag in found],
        "months": [
            (month, f"{base}?{urlencode({'date_from': month.start, 'date_to': month.end})}")
            for month in months
        ],
        "mark_form": mark_form,
        "export_query": urlencode(filters.query()),
        "thresholds": {
            "factor": flags.SPIKE_FACTOR,
            "minimum": flags.SPIKE_MINIMUM,
            "days": flags.BASELINE_DAYS,
            "refusals": flags.REFUSALS_PER_DAY,
        },
    }
    return render(request, "fokus/manage/log_review.html", context, status=status)


@login_required
@require_GET
def log_review(request: HttpRequest) -> HttpResponse:
    policy.require_log_review(request.user)
    form = LogReviewFilterForm(request.GET or None, today=timezone.localdate())
    return _page(request, form)


@login_required
@require_POST
def log_review_mark_view(request: HttpRequest) -> HttpResponse:
    policy.require_log_review(request.user)
    form = LogReviewMarkForm(request.POST)
    if form.is_valid():
        try:
            review = log_review_mark(actor=request.user, **form.cleaned_data)
        except LogReviewError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The period %(period)s is marked as reviewed.") % {"period": review}
            )
            query = urlencode({"date_from": review.period_start, "date_to": review.period_end})
            return redirect(f"{reverse('manage:log-review')}?{query}")
    filters = LogReviewFilterForm(
        {"date_from": request.POST.get("period_start"), "date_to": request.POST.get("period_end")},
        today=timezone.localdate(),
    )
    return _page(request, filters, form)


@login_required
@require_GET
def log_review_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The filtered rows of the period as a table. The export is itself an EXPORT row."""
    policy.require_log_review(request.user)
    if fmt not in FORMATS:
        raise Http404
    form = LogReviewFilterForm(request.GET or None, today=timezone.localdate())
    filters = form.filters()
    entries = filters.apply(AccessLogEntry.objects.for_user(request.user)).order_by("at", "pk")
    count = entries.count()
    log_access(
        actor=request.user,
        action=AccessAction.EXPORT,
        detail=f"access log {filters.period_start}–{filters.period_end} as {fmt}, {count} rows",
    )
    fields = [name for name, _label in EXPORT_COLUMNS]
    actions = dict(AccessAction.choices)
    rows = (
        [
            timezone.localtime(values[0]),
            values[1],
            str(actions.get(values[2], values[2])),
            *values[3:],
        ]
        for values in entries.values_list(*fields).iterator(chunk_size=2000)
    )
    headers = [str(label) for _name, label in EXPORT_COLUMNS]
    stem = f"access-log-{filters.period_start}-{filters.period_end}"
    return table_response(stem, headers, rows, fmt)
