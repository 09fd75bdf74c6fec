"""One participant's step ratings, read in a constant number of queries: the current step
(the latest rating) and the whole history, each with its step, markers, the participant's own
placement, who rated and the corrections."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Max, Prefetch, QuerySet

from participants.models import Enrolment
from stepladder.chart import Trajectory, trajectory_of
from stepladder.models import Marker, Rating, RatingCorrection
from stepladder.project_ladder import ladder_for

# Newest first: the rating that can still be corrected comes first.
NEWEST_FIRST = ("-rated_on", "-created_at", "-pk")


def _markers() -> Prefetch:
    return Prefetch(
        "markers",
        queryset=Marker.objects.select_related("step").order_by("step__number", "position", "pk"),
    )


def ratings_of(enrolment: Enrolment) -> QuerySet[Rating]:
    """Every rating of the participation, oldest first. Three queries however many: the
    ratings (with steps and raters), their markers, their corrections."""
    return (
        Rating.objects.filter(enrolment=enrolment)
        .select_related("step", "participant_step", "rated_by")
        .prefetch_related(
            _markers(),
            Prefetch("corrections", queryset=RatingCorrection.objects.select_related("by")),
        )
        .order_by("rated_on", "created_at", "pk")
    )


def current_rating(enrolment: Enrolment) -> Rating | None:
    """The latest rating, or None before the first: two queries."""
    return (
        Rating.objects.filter(enrolment=enrolment)
        .select_related("step", "participant_step", "rated_by")
        .prefetch_related(_markers())
        .order_by(*NEWEST_FIRST)
        .first()
    )


def latest_rating_id(enrolment_id: int) -> int | None:
    """Only the latest rating of a participation can be corrected; the others are locked."""
    return (
        Rating.objects.filter(enrolment_id=enrolment_id)
        .order_by(*NEWEST_FIRST)
        .values_list("pk", flat=True)
        .first()
    )


def trajectory_for(
    enrolment: Enrolment, ratings: Sequence[Rating] | None = None, *, key: str = "trajectory"
) -> Trajectory:
    """The trajectory chart of the participation on its project's ladder (steps 1 to the
    ladder's top step). Pass `ratings` (from `ratings_of`) when already read."""
    if ratings is None:
        ratings = list(ratings_of(enrolment))
    top = ladder_for(enrolment.project).steps.aggregate(top=Max("number"))["top"] or 1
    return trajectory_of(ratings, top_step=top, key=key)
