"""Recording step ratings and correcting the latest one.

Ratings are made by the project's coordinators while the participation runs: at enrolment,
regularly, extra when something happens, and at exit. An exit rating may still be recorded
for `EXIT_RATING_DAYS` after the exit, since the exit meeting is often written up afterwards.
Ratings are entered in date order, so the latest by date is also the latest entered: only
that one can be corrected, with a reason, and what it said before is kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fokus import policy
from fokus.audit import log_access
from fokus.models import AccessAction, User
from participants.models import Enrolment
from stepladder.models import Ladder, Marker, Rating, RatingCorrection, RatingKind, Step
from stepladder.progress import latest_rating_id
from stepladder.project_ladder import ladder_for

EXIT_RATING_DAYS = 30

# One of each per participation; regular and extra ratings as often as needed.
ONCE_ONLY_KINDS = (RatingKind.ENROLMENT, RatingKind.EXIT)


LOCKED = gettext_lazy("Only the latest rating can be corrected; older ratings are locked.")


class RatingError(ValidationError):
    """A rule refused the rating; the message is for the user."""


def _kinds_by_status(enrolment: Enrolment, today: date) -> list[str]:
    status = enrolment.status
    if status == Enrolment.Status.ACCEPTED:
        # The intake talk comes before the start: the first rating may too.
        return [RatingKind.ENROLMENT, RatingKind.EXTRA]
    if status == Enrolment.Status.ACTIVE:
        return list(RatingKind.values)
    if (
        status == Enrolment.Status.EXITED
        and enrolment.exited_on
        and today <= enrolment.exited_on + timedelta(days=EXIT_RATING_DAYS)
    ):
        return [RatingKind.EXIT]
    return []


def ratings_open(enrolment: Enrolment, today: date) -> bool:
    """Whether ratings may be recorded or corrected at all."""
    return bool(_kinds_by_status(enrolment, today))


def kinds_open(enrolment: Enrolment, today: date, *, rating: Rating | None = None) -> list[str]:
    """The kinds of rating that may be recorded now (for `rating`: what a correction may make
    it). Empty when the participation is closed to ratings."""
    kinds = _kinds_by_status(enrolment, today)
    if not kinds:
        return []
    if rating is not None and rating.kind not in kinds:
        # Correcting after the exit: the rating may keep its kind.
        kinds.append(rating.kind)
    used = set(
        Rating.objects.filter(enrolment=enrolment, kind__in=ONCE_ONLY_KINDS)
        .exclude(pk=rating.pk if rating else None)
        .values_list("kind", flat=True)
    )
    return [kind for kind in RatingKind.values if kind in kinds and kind not in used]


def ratings_closed_message(enrolment: Enrolment) -> str:
    if enrolment.status == Enrolment.Status.EXITED:
        return _(
            "The participation has ended. An exit rating can be recorded or corrected up to "
            "%(days)d days after the exit."
        ) % {"days": EXIT_RATING_DAYS}
    if enrolment.status == Enrolment.Status.CONSENT_WITHDRAWN:
        return _("The person has withdrawn their consent: no more step ratings are recorded.")
    return _("No step rating can be recorded for this participation now.")


def _earliest_day(enrolment: Enrolment) -> date:
    if enrolment.enrolled_on:
        return enrolment.enrolled_on
    # Accepted, not yet started: from the acceptance on.
    return timezone.localdate(enrolment.created_at)


def _check(
    enrolment: Enrolment,
    *,
    ladder: Ladder,
    rated_on: date,
    kind: str,
    step: Step,
    markers: list[Marker],
    participant_step: Step | None,
    rating: Rating | None = None,
) -> dict[str, str]:
    """The rules a new or corrected rating must keep, as errors by form field."""
    today = timezone.localdate()
    errors: dict[str, str] = {}
    kinds = kinds_open(enrolment, today, rating=rating)
    if kind not in kinds:
        if kind in ONCE_ONLY_KINDS and kind in _kinds_by_status(enrolment, today):
            errors["kind"] = _("The participation already has a rating of this kind.")
        else:
            errors["kind"] = _("Choose one of the kinds of rating offered.")
    earliest = _earliest_day(enrolment)
    others = Rating.objects.filter(enrolment=enrolment).exclude(pk=rating.pk if rating else None)
    latest_other = others.order_by("-rated_on").values_list("rated_on", flat=True).first()
    if rated_on > today:
        errors["rated_on"] = _("The date of the rating cannot be in the future.")
    elif rated_on < earliest:
        errors["rated_on"] = _("The date cannot be before the enrolment date, %(date)s.") % {
            "date": earliest.isoformat()
        }
    elif latest_other and rated_on < latest_other:
        # Ratings follow each other in time; the history is not rewritten from the middle.
        errors["rated_on"] = _("Ratings are entered in date order: choose %(date)s or later.") % {
            "date": latest_other.isoformat()
        }
    if step.ladder_id != ladder.pk:
        errors["step"] = _("Choose a step of the project's step ladder.")
    if participant_step is not None and participant_step.ladder_id != ladder.pk:
        errors["participant_step"] = _("Choose a step of the project's step ladder.")
    marker_ids = {marker.pk for marker in markers}
    if marker_ids and (
        Marker.objects.filter(pk__in=marker_ids, step__ladder=ladder).count() != len(marker_ids)
    ):
        errors["markers"] = _("Choose markers of the project's step ladder.")
    return errors


def _lock(enrolment: Enrolment) -> Enrolment:
    # One rating at a time per participation, so the once-only kinds stay once only.
    return (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=enrolment.pk)
    )


def _require_coordinator(actor: User, enrolment: Enrolment) -> None:
    if not policy.enrolments.can_coordinate(actor, enrolment):
        raise RatingError(_("Only the project's coordinators rate its participants."))


@transaction.atomic
def rating_create(
    *,
    actor: User,
    enrolment: Enrolment,
    rated_on: date,
    kind: str,
    step: Step,
    markers: Iterable[Marker] = (),
    comment: str = "",
    participant_step: Step | None = None,
    disagreement_note: str = "",
) -> Rating:
    """Record a rating on the project's ladder. Errors are keyed by the form's fields."""
    enrolment = _lock(enrolment)
    _require_coordinator(actor, enrolment)
    if not ratings_open(enrolment, timezone.localdate()):
        raise RatingError(ratings_closed_message(enrolment))
    markers = list(markers)
    errors = _check(
        enrolment,
        ladder=ladder_for(enrolment.project),
        rated_on=rated_on,
        kind=kind,
        step=step,
        markers=markers,
        participant_step=participant_step,
    )
    if errors:
        raise RatingError(errors)
    rating = Rating.objects.create(
        enrolment=enrolment,
        rated_on=rated_on,
        kind=kind,
        step=step,
        comment=comment.strip(),
        participant_step=participant_step,
        disagreement_note=disagreement_note.strip(),
        rated_by=actor,
    )
    rating.markers.set(markers)
    log_access(
        actor=actor,
        action=AccessAction.CREATE,
        obj=rating,
        federation_id=enrolment.federation_id,
        detail=f"step rating of {enrolment.public_id}: {kind}, step {step.number}, "
        f"{len(markers)} markers",
    )
    return rating


def rating_values(rating: Rating) -> dict:
    """What a rating says, as kept in a correction's `before`: readable, with the ids that
    make it exact."""
    markers = sorted(rating.markers.all(), key=lambda m: (m.step.number, m.position, m.pk))
    return {
        "rated_on": rating.rated_on.isoformat(),
        "kind": rating.kind,
        "step": rating.step.number,
        "step_id": rating.step_id,
        "headline": rating.step.headline,
        "markers": [marker.text for marker in markers],
        "marker_ids": [marker.pk for marker in markers],
        "comment": rating.comment,
        "participant_step": rating.participant_step.number if rating.participant_step else None,
        "participant_step_id": rating.participant_step_id,
        "disagreement_note": rating.disagreement_note,
    }


# The values a correction compares, and the field each belongs to.
_COMPARED = {
    "rated_on": "rated_on",
    "kind": "kind",
    "step_id": "step",
    "marker_ids": "markers",
    "comment": "comment",
    "participant_step_id": "participant_step",
    "disagreement_note": "disagreement_note",
}


@transaction.atomic
def rating_correct(
    *,
    actor: User,
    rating: Rating,
    reason: str,
    rated_on: date,
    kind: str,
    step: Step,
    markers: Iterable[Marker] = (),
    comment: str = "",
    participant_step: Step | None = None,
    disagreement_note: str = "",
) -> Rating:
    """Correct the participation's latest rating. The ladder stays the one it was rated on.
    Refused for older ratings, without a reason, and when nothing changes."""
    enrolment = _lock(rating.enrolment)
    _require_coordinator(actor, enrolment)
    rating = (
        Rating.objects.select_related("step__ladder", "participant_step")
        .prefetch_related("markers__step")
        .get(pk=rating.pk)
    )
    if latest_rating_id(enrolment.pk) != rating.pk:
        raise RatingError(LOCKED)
    if not ratings_open(enrolment, timezone.localdate()):
        raise RatingError(ratings_closed_message(enrolment))
    markers = list(markers)
    errors = _check(
        enrolment,
        ladder=rating.step.ladder,
        rated_on=rated_on,
        kind=kind,
        step=step,
        markers=markers,
        participant_step=participant_step,
        rating=rating,
    )
    reason = reason.strip()
    if not reason:
        errors["reason"] = _("Write why the rating is corrected.")
    if errors:
        raise RatingError(errors)

    before = rating_values(rating)
    comment, disagreement_note = comment.strip(), disagreement_note.strip()
    after = {
        "rated_on": rated_on.isoformat(),
        "kind": kind,
        "step_id": step.pk,
        "marker_ids": sorted(marker.pk for marker in markers),
        "comment": comment,
        "participant_step_id": participant_step.pk if participant_step else None,
        "disagreement_note": disagreement_note,
    }
    changed = [
        field
        for key, field in _COMPARED.items()
        if (sorted(before[key]) if key == "marker_ids" else before[key]) != after[key]
    ]
    if not changed:
        raise RatingError(_("Nothing was changed, so there is nothing to correct."))

    rating.rated_on = rated_on
    rating.kind = kind
    rating.step = step
    rating.comment = comment
    rating.participant_step = participant_step
    rating.disagreement_note = disagreement_note
    rating.corrected_at = timezone.now()
    rating.save()
    rating.markers.set(markers)
    RatingCorrection.objects.create(rating=rating, reason=reason, before=before, by=actor)
    log_access(
        actor=actor,
        action=AccessAction.CHANGE,
        obj=rating,
        federation_id=enrolment.federation_id,
        detail=f"step rating of {enrolment.public_id} corrected: {', '.join(changed)}",
    )
    return rating
