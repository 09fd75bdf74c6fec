from datetime import datetime, time

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from fokus import policy
from fokus.forms import AccessLogFilterForm
from fokus.models import AccessLogEntry


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    """The federation's access log, newest first, for its administrators."""
    policy.require_federation_admin(request.user)
    filters = AccessLogFilterForm(request.GET or None)
    entries = AccessLogEntry.objects.for_user(request.user)
    if filters.is_valid():
        data = filters.cleaned_data
        if q := data["q"].strip():
            entries = entries.filter(Q(actor_label__icontains=q) | Q(object_label__icontains=q))
        if data["action"]:
            entries = entries.filter(action=data["action"])
        zone = timezone.get_current_timezone()
        if data["date_from"]:
            entries = entries.filter(at__gte=datetime.combine(data["date_from"], time.min, zone))
        if data["date_to"]:
            entries = entries.filter(at__lte=datetime.combine(data["date_to"], time.max, zone))
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(request, "fokus/manage/access_log.html", {"page": page, "filters": filters})
