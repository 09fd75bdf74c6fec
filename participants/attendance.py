"""Attendance figures for participations: counts and rate, and the early-warning flag.

Absence patterns are the project's early warning (DOMAIN §3 step 5): two unexcused absences in
a row put the participant on the coordinators' due list. "In a row" means the participant's two
most recent recorded sessions, whatever the cohort: an excused absence or a presence in
between breaks the streak, and the next presence clears the flag.

Pure queries, no writes; each function costs a fixed number of queries however many
participations it is asked about, so lists can call them once per page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber

from participants.models import Attendance, AttendanceStatus, Enrolment

# The number of unexcused absences in a row that flags a participant.
ABSENCES_IN_A_ROW = 2


@dataclass(frozen=True)
class AttendanceSummary:
    """One participation's attendance over every session recorded for it."""

    present: int = 0
    absent: int = 0
    excused: int = 0
    # The date of the latest of the unexcused absences in a row, when flagged.
    flagged_since: date | None = None

    @property
    def total(self) -> int:
        return self.present + self.absent + self.excused

    @property
    def rate(self) -> Decimal | None:
        """Present / sessions recorded, 0–1 with four decimals; None before any session."""
        if not self.total:
            return None
        return (Decimal(self.present) / Decimal(self.total)).quantize(Decimal("0.0001"))

    @property
    def percent(self) -> int | None:
        """The rate as a whole per cent, rounded half up (2 of 3 is 67)."""
        if not self.total:
            return None
        return int((Decimal(100 * self.present) / self.total).quantize(0, ROUND_HALF_UP))

    @property
    def flagged(self) -> bool:
        return self.flagged_since is not None


NO_ATTENDANCE = AttendanceSummary()


def _ids(enrolment_ids: Iterable[int]) -> list[int]:
    return list({int(pk) for pk in enrolment_ids})


def absence_flags(enrolment_ids: Iterable[int]) -> dict[int, date]:
    """Enrolment id → date of the latest session, for each participation whose two most recent
    recorded attendances (by session date, then time, then session) are both unexcused
    absences. One query."""
    ids = _ids(enrolment_ids)
    if not ids:
        return {}
    latest = (
        Attendance.objects.filter(enrolment_id__in=ids)
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("enrolment_id")],
                order_by=[
                    F("session__date").desc(),
                    # A session without a time counts as held before one with a time that day.
                    F("session__start_time").desc(nulls_last=True),
                    F("session_id").desc(),
                ],
            )
        )
        .filter(position__lte=ABSENCES_IN_A_ROW)
        .values_list("enrolment_id", "status", "session__date")
    )
    streaks: dict[int, list[tuple[str, date]]] = {}
    for enrolment_id, status, day in latest:
        streaks.setdefault(enrolment_id, []).append((status, day))
    return {
        enrolment_id: max(day for _status, day in rows)
        for enrolment_id, rows in streaks.items()
        if len(rows) == ABSENCES_IN_A_ROW
        and all(status == AttendanceStatus.ABSENT for status, _day in rows)
    }


def attendance_rates(enrolment_ids: Iterable[int]) -> dict[int, AttendanceSummary]:
    """Enrolment id → counts (without the flag) for each participation with at least one
    recorded session. One aggregate query."""
    ids = _ids(enrolment_ids)
    if not ids:
        return {}
    rows = (
        Attendance.objects.filter(enrolment_id__in=ids)
        .values("enrolment_id")
        .annotate(
            present=Count("pk", filter=Q(status=AttendanceStatus.PRESENT)),
            absent=Count("pk", filter=Q(status=AttendanceStatus.ABSENT)),
            excused=Count("pk", filter=Q(status=AttendanceStatus.EXCUSED)),
        )
        .order_by()
    )
    return {
        row["enrolment_id"]: AttendanceSummary(
            present=row["present"], absent=row["absent"], excused=row["excused"]
        )
        for row in rows
    }


def attendance_summaries(enrolment_ids: Iterable[int]) -> dict[int, AttendanceSummary]:
    """Enrolment id → counts and flag, for every id asked about (an empty summary for one
    without recorded sessions). Two queries."""
    ids = _ids(enrolment_ids)
    rates = attendance_rates(ids)
    flags = absence_flags(ids)
    return {
        pk: AttendanceSummary(
            present=rates.get(pk, NO_ATTENDANCE).present,
            absent=rates.get(pk, NO_ATTENDANCE).absent,
            excused=rates.get(pk, NO_ATTENDANCE).excused,
            flagged_since=flags.get(pk),
        )
        for pk in ids
    }


def attendance_summary(enrolment: Enrolment) -> AttendanceSummary:
    """One participation's counts, rate and flag: for the participant page. Two queries."""
    return attendance_summaries([enrolment.pk])[enrolment.pk]
