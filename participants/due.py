"""The coordinators' due list: what should happen soon, and what is late, for each participant.

Each rule below is one function that turns a queryset of participations into `DueItem`s. An
item is *overdue* when its date has passed and *upcoming* when it falls within the rule's
window (7 days, or 30 for planned exits). Items further ahead are not shown. Other apps add
their rules to `DUE_RULES` (the step ladder's ratings, the reports' follow-up reports).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cohorts.models import add_months
from participants import attendance
from participants.models import Enrolment, MeetingKind

UPCOMING_DAYS = 7
PLANNED_EXIT_WINDOW_DAYS = 30
TALK_INTERVAL_DAYS = 14
FOLLOW_UP_MEETING_MONTHS = 3

# Talks with the participant that keep the weekly contact going.
CONTACT_TALKS = (MeetingKind.INTAKE, MeetingKind.INDIVIDUAL)


@dataclass(frozen=True)
class DueItem:
    enrolment: Enrolment
    due_on: date
    what: str | Promise
    # A page where the coordinator does the thing; the participant page when there is none.
    action_url: str
    window_days: int = UPCOMING_DAYS

    def is_overdue(self, today: date) -> bool:
        return self.due_on < today

    def is_shown(self, today: date) -> bool:
        return self.due_on <= today + timedelta(days=self.window_days)


DueRule = Callable[[QuerySet, date], Iterable[DueItem]]


def _participant_url(enrolment: Enrolment) -> str:
    return reverse("participants:participant-detail", args=[enrolment.public_id])


def _meeting_url(enrolment: Enrolment, kind: str) -> str:
    url = reverse("participants:meeting-create", args=[enrolment.public_id])
    return f"{url}?kind={kind}"


def not_started(enrolments: QuerySet, today: date) -> Iterable[DueItem]:
    """Accepted by the ärendegrupp and not yet started when the start's date comes."""
    for enrolment in enrolments.filter(status=Enrolment.Status.ACCEPTED).exclude(cohort=None):
        yield DueItem(
            enrolment,
            enrolment.cohort.start_date,
            _("Start the participation"),
            reverse("participants:enrolment-start", args=[enrolment.public_id]),
        )


def talks_and_follow_up_meeting(enrolments: QuerySet, today: date) -> Iterable[DueItem]:
    """An individual talk at least every 14 days, and the follow-up meeting with the parties
    about three months after the enrolment (when the group programme ends)."""
    active = enrolments.filter(status=Enrolment.Status.ACTIVE).annotate(
        last_talk=Max(
            "meetings__date",
            filter=Q(meetings__kind__in=CONTACT_TALKS, meetings__participant_attended=True),
        ),
        follow_up_meetings=Count("meetings", filter=Q(meetings__kind=MeetingKind.FOLLOW_UP)),
    )
    for enrolment in active:
        last_contact = max(filter(None, [enrolment.last_talk, enrolment.enrolled_on]))
        yield DueItem(
            enrolment,
            last_contact + timedelta(days=TALK_INTERVAL_DAYS),
            _("Individual talk (none in 14 days)"),
            _meeting_url(enrolment, MeetingKind.INDIVIDUAL),
        )
        if not enrolment.follow_up_meetings:
            yield DueItem(
                enrolment,
                add_months(enrolment.enrolled_on, FOLLOW_UP_MEETING_MONTHS),
                _("Follow-up meeting with the parties"),
                _meeting_url(enrolment, MeetingKind.FOLLOW_UP),
            )


def planned_exits(enrolments: QuerySet, today: date) -> Iterable[DueItem]:
    """Exits are prepared a month ahead: an exit meeting, a receiving party and a plan."""
    for enrolment in enrolments.filter(status=Enrolment.Status.ACTIVE):
        yield DueItem(
            enrolment,
            enrolment.planned_exit_on,
            _("Planned exit"),
            reverse("participants:enrolment-exit", args=[enrolment.public_id]),
            window_days=PLANNED_EXIT_WINDOW_DAYS,
        )


def follow_ups(enrolments: QuerySet, today: date) -> Iterable[DueItem]:
    for enrolment in enrolments.filter(
        status=Enrolment.Status.EXITED, follow_up__done_on__isnull=True
    ).exclude(follow_up=None):
        yield DueItem(
            enrolment,
            enrolment.follow_up.due_on,
            _("90-day follow-up"),
            reverse("participants:follow-up-record", args=[enrolment.public_id]),
        )


def absences(enrolments: QuerySet, today: date) -> Iterable[DueItem]:
    """Two unexcused absences in a row: an early warning, due from the second absence."""
    active = {e.pk: e for e in enrolments.filter(status=Enrolment.Status.ACTIVE)}
    for enrolment_id, since in attendance.absence_flags(list(active)).items():
        yield DueItem(
            active[enrolment_id],
            since,
            _("Two unexcused absences in a row"),
            _participant_url(active[enrolment_id]),
        )


DUE_RULES: list[DueRule] = [
    not_started,
    talks_and_follow_up_meeting,
    planned_exits,
    follow_ups,
    absences,
]


def _before_import(item: DueItem) -> bool:
    """Imported history asks nothing that was due before it came in: its past talks, ratings
    and exits were done (or not) back then, and nobody can do them now."""
    batch = item.enrolment.import_batch
    if batch is None or batch.committed_at is None:
        return False
    return item.due_on < timezone.localdate(batch.committed_at)


@dataclass(frozen=True)
class DueList:
    overdue: list[DueItem]
    upcoming: list[DueItem]

    def __len__(self) -> int:
        return len(self.overdue) + len(self.upcoming)


def due_list(enrolments: QuerySet, today: date) -> DueList:
    """Every rule's shown items, overdue first, each part by date. One or two queries per
    rule whatever the number of participants."""
    enrolments = enrolments.select_related(
        "referral", "cohort__municipality", "coordinator", "follow_up", "import_batch"
    )
    items = [
        item
        for rule in DUE_RULES
        for item in rule(enrolments, today)
        if item.is_shown(today) and not _before_import(item)
    ]
    items.sort(key=lambda item: (item.due_on, str(item.enrolment.referral.display_name)))
    return DueList(
        overdue=[item for item in items if item.is_overdue(today)],
        upcoming=[item for item in items if not item.is_overdue(today)],
    )
