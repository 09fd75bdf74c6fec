"""One participant's step ratings: the history with the trajectory chart, a new rating, and
the correction of the latest. Coordinators of the project rate; the case officer of a
referring agency that the consent covers reads the whole history (without the edit links)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from fokus import policy
from fokus.audit import log_access
from fokus.models import AccessAction
from participants.views.lookup import enrolment_for, enrolment_for_reader
from stepladder import services
from stepladder.forms.ratings import RatingCorrectForm, RatingForm
from stepladder.models import Rating, RatingKind
from stepladder.progress import current_rating, latest_rating_id, ratings_of, trajectory_for
from stepladder.project_ladder import ladder_for


@login_required
@require_safe
def rating_list(request: HttpRequest, public_id) -> HttpResponse:
    enrolment, coordinates = enrolment_for_reader(request, public_id)
    log_access(
        actor=request.user,
        action=AccessAction.VIEW,
        obj=enrolment,
        detail="step ratings",
    )
    ratings = list(ratings_of(enrolment))
    latest = ratings[-1] if ratings else None
    kinds = dict(RatingKind.choices)
    for rating in ratings:
        for correction in rating.corrections.all():
            correction.before_kind = kinds.get(correction.before.get("kind"), "")
    today = timezone.localdate()
    is_open = coordinates and services.ratings_open(enrolment, today)
    return render(
        request,
        "stepladder/rating_list.html",
        {
            "enrolment": enrolment,
            "referral": enrolment.referral,
            "ratings": ratings[::-1],
            "latest": latest,
            "current_rating": latest,
            "chart": trajectory_for(enrolment, ratings),
            "can_rate": is_open and bool(services.kinds_open(enrolment, today)),
            "can_correct": is_open and latest is not None,
            "coordinates": coordinates,
        },
    )


def _initial_kind(request: HttpRequest, kinds: list[str], has_ratings: bool) -> str | None:
    """The kind asked for (the due list links with ?kind=), else the usual next one: at
    enrolment first, then regular; after the exit only the exit rating is offered."""
    asked = request.GET.get("kind")
    if asked in kinds:
        return asked
    if len(kinds) == 1:
        return kinds[0]
    if RatingKind.ENROLMENT in kinds and not has_ratings:
        return RatingKind.ENROLMENT
    return RatingKind.QUARTERLY if RatingKind.QUARTERLY in kinds else None


@login_required
@require_http_methods(["GET", "POST"])
def rating_create(request: HttpRequest, public_id) -> HttpResponse:
    enrolment = enrolment_for(request, public_id)
    today = timezone.localdate()
    kinds = services.kinds_open(enrolment, today)
    if not kinds:
        raise PermissionDenied(services.ratings_closed_message(enrolment))
    ladder = ladder_for(enrolment.project)
    previous = current_rating(enrolment)
    if request.method == "POST":
        form = RatingForm(request.POST, ladder=ladder, kinds=kinds)
        if form.is_valid():
            try:
                services.rating_create(actor=request.user, enrolment=enrolment, **form.cleaned_data)
            except services.RatingError as error:
                # Errors keyed by field show at their field.
                form.add_error(None, error)
            else:
                messages.success(request, _("The step rating was saved."))
                return redirect("stepladder:rating-list", enrolment.public_id)
    else:
        initial = {
            "rated_on": today,
            "kind": _initial_kind(request, kinds, previous is not None),
            # What was reached stays reached unless the coordinator unticks it.
            "markers": [marker.pk for marker in previous.markers.all()] if previous else [],
        }
        form = RatingForm(ladder=ladder, kinds=kinds, initial=initial)
    return render(
        request,
        "stepladder/rating_form.html",
        {
            "enrolment": enrolment,
            "referral": enrolment.referral,
            "form": form,
            "ladder": ladder,
            "previous": previous,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def rating_correct(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require_any_role(request.user)
    rating = get_object_or_404(
        Rating.objects.in_federation(request.user)
        .select_related(
            "enrolment__project",
            "enrolment__referral",
            "step__ladder",
            "participant_step",
            "rated_by",
        )
        .prefetch_related("markers__step"),
        pk=pk,
    )
    enrolment = rating.enrolment
    policy.project_access_for(request.user, enrolment.project, "participants.coordinate")
    context = {"enrolment": enrolment, "referral": enrolment.referral, "rating": rating}
    today = timezone.localdate()
    locked = None
    if latest_rating_id(enrolment.pk) != rating.pk:
        locked = services.LOCKED
    elif not services.ratings_open(enrolment, today):
        locked = services.ratings_closed_message(enrolment)
    if locked:
        # Refused with the reason on the page, so the coordinator knows what to do instead.
        return render(
            request, "stepladder/rating_correct.html", {**context, "locked": locked}, status=403
        )
    kinds = services.kinds_open(enrolment, today, rating=rating)
    ladder = rating.step.ladder
    if request.method == "POST":
        form = RatingCorrectForm(request.POST, ladder=ladder, kinds=kinds)
        if form.is_valid():
            try:
                services.rating_correct(actor=request.user, rating=rating, **form.cleaned_data)
            except services.RatingError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The step rating was corrected."))
                return redirect("stepladder:rating-list", enrolment.public_id)
    else:
        form = RatingCorrectForm(
            ladder=ladder, kinds=kinds, initial=RatingCorrectForm.initial_for(rating)
        )
    return render(
        request,
        "stepladder/rating_correct.html",
        {**context, "form": form, "ladder": ladder},
        status=400 if form.errors else 200,
    )
