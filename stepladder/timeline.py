"""Step ratings in the participant's timeline (registered in `participants.timeline.SOURCES`)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from participants.models import Enrolment
from participants.timeline import Event
from stepladder.models import Marker, Rating


def rating_events(enrolment: Enrolment, *, editable: bool) -> list[Event]:
    """One event per rating; two queries (the ratings, their markers). The comment is part of
    the step history the agencies may read, so it is a detail, not a private note."""
    ratings = (
        Rating.objects.filter(enrolment=enrolment)
        .select_related("step", "participant_step", "rated_by")
        .prefetch_related(
            Prefetch(
                "markers",
                queryset=Marker.objects.select_related("step").order_by(
                    "step__number", "position", "pk"
                ),
            )
        )
    )
    # The list is readable by everyone who sees the timeline; corrections are made from there.
    url = reverse("stepladder:rating-list", args=[enrolment.public_id])
    events = []
    for rating in ratings:
        details = [rating.step.headline]
        markers = [marker.text for marker in rating.markers.all()]
        if markers:
            details.append(_("Markers reached: %(markers)s") % {"markers": "; ".join(markers)})
        if rating.participant_step:
            details.append(
                _("The participant's own placement: step %(number)d")
                % {"number": rating.participant_step.number}
            )
        if rating.disagreement_note:
            details.append(rating.disagreement_note)
        if rating.comment:
            details.append(rating.comment)
        if rating.corrected_at:
            details.append(
                _("Corrected %(date)s")
                % {"date": timezone.localdate(rating.corrected_at).isoformat()}
            )
        events.append(
            Event(
                rating.rated_on,
                None,
                "rating",
                _("Step rating: step %(number)d (%(kind)s)")
                % {"kind": rating.get_kind_display().lower(), "number": rating.step.number},
                details,
                (rating.rated_by.full_name or rating.rated_by.email) if rating.rated_by else "",
                url,
            )
        )
    return events
