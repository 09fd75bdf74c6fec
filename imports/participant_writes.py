"""Writing checked participant rows in bulk: the starts they need, the referrals with their
status history and participations, and the follow-ups still to come — a handful of queries
whatever the number of rows, inside the caller's transaction (`imports.services`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.models import Cohort
from fokus.models import ImportBatch, Project, User
from imports.base import without_insert_history
from imports.outcomes import RowResult
from participants.models import EXIT_REASONS_WITHOUT_HANDOVER, Enrolment, FollowUp
from referrals.models import Referral, ReferralStatus, ReferralStatusChange

# The values a row sets, compared with what is stored to tell "updated" from "unchanged".
REFERRAL_FIELDS = [
    "home_municipality_id",
    "cohort_id",
    "referring_agency_id",
    "gender",
    "birth_year",
    "personnummer",
    "name",
    "status",
    "submitted_at",
    "decided_at",
]
ENROLMENT_FIELDS = [
    "cohort_id",
    "status",
    "enrolled_on",
    "planned_exit_on",
    "income_source_before",
    "occupation_before",
    "education_level",
    "exited_on",
    "exit_reason",
    "destination",
    "destination_extent_percent",
    "receiving_party",
    "exit_plan",
    "income_source_after",
    "occupation_after",
    "occupation_extent_percent",
]


def noon(day: date) -> datetime:
    """A day in the file as a moment: midday Swedish time, so it stays that day in reports."""
    return timezone.make_aware(datetime.combine(day, time(12)))


@dataclass
class ParticipantRow:
    """What one valid row writes."""

    referral: dict
    enrolment: dict
    cohort_key: tuple[int, date] | None
    existing: Referral | None
    history: list[tuple[str, date]]  # (status, on) in order


class ParticipantWriter:
    def __init__(
        self, *, project: Project, actor: User, coordinator: User | None, shape: dict, today: date
    ):
        self.project = project
        self.actor = actor
        self.coordinator = coordinator
        self.shape = shape
        self.today = today

    def write(self, rows: list[RowResult], *, batch: ImportBatch) -> dict[str, int]:
        """The rows checked valid (new or updated), in bulk, in the caller's transaction."""
        cohorts = self._create_cohorts(rows)  # few: with their history
        for row in rows:
            payload: ParticipantRow = row.payload
            if payload.cohort_key:
                cohort_id = cohorts[payload.cohort_key].pk
                payload.referral["cohort_id"] = payload.enrolment["cohort_id"] = cohort_id
        new = [row for row in rows if row.payload.existing is None]
        updated = [row for row in rows if row.payload.existing is not None]
        with without_insert_history(Referral, Enrolment, FollowUp):
            self._create(new, batch)
            self._update(updated, batch)
        return {"new": len(new), "updated": len(updated), "cohorts": len(cohorts)}

    def _create_cohorts(self, rows) -> dict[tuple[int, date], Cohort]:
        sizes = Counter(row.payload.cohort_key for row in rows if row.payload.cohort_key)
        created = Cohort.objects.bulk_create(
            [
                Cohort(
                    project=self.project,
                    municipality_id=municipality_id,
                    start_date=start,
                    # A start of the past had the places its participants took.
                    **(self.shape | {"places": max(self.shape["places"], size)}),
                )
                for (municipality_id, start), size in sorted(sizes.items())
            ]
        )
        return {(c.municipality_id, c.start_date): c for c in created}

    def _note(self, batch: ImportBatch, row: RowResult) -> str:
        return _("Imported from %(file)s, row %(row)s") % {"file": batch.file_name, "row": row.row}

    def _create(self, rows, batch: ImportBatch) -> None:
        referrals = Referral.objects.bulk_create(
            [
                Referral(
                    federation_id=self.project.federation_id,
                    project=self.project,
                    created_by=self.actor,
                    decided_by=self.actor,
                    external_id=row.key,
                    import_batch=batch,
                    import_row=row.row,
                    **row.payload.referral,
                )
                for row in rows
            ],
            batch_size=2000,
        )
        enrolments = Enrolment.objects.bulk_create(
            [
                Enrolment(
                    federation_id=self.project.federation_id,
                    project=self.project,
                    referral=referral,
                    coordinator=self.coordinator,
                    import_batch=batch,
                    **row.payload.enrolment,
                )
                for row, referral in zip(rows, referrals, strict=True)
            ],
            batch_size=2000,
        )
        ReferralStatusChange.objects.bulk_create(
            [
                ReferralStatusChange(
                    referral=referral,
                    status=status,
                    at=noon(on),
                    by=self.actor,
                    note=self._note(batch, row),
                    cohort_id=row.payload.referral["cohort_id"]
                    if status == ReferralStatus.ACCEPTED
                    else None,
                )
                for row, referral in zip(rows, referrals, strict=True)
                for status, on in row.payload.history
            ],
            batch_size=5000,
        )
        self._plan_follow_ups(enrolments)

    def _plan_follow_ups(self, enrolments) -> None:
        """The 90-day follow-up of an exit whose follow-up is still to come; none for exits
        long ago, which would only fill the due list with work nobody can do."""
        FollowUp.objects.bulk_create(
            [
                FollowUp(enrolment=enrolment, due_on=FollowUp.due_after(enrolment.exited_on))
                for enrolment in enrolments
                if enrolment.status == Enrolment.Status.EXITED
                and enrolment.exit_reason not in EXIT_REASONS_WITHOUT_HANDOVER
                and FollowUp.due_after(enrolment.exited_on) >= self.today
            ],
            ignore_conflicts=True,
        )

    def _update(self, rows, batch: ImportBatch) -> None:
        if not rows:
            return
        referrals, enrolments, changes = [], [], []
        for row in rows:
            payload: ParticipantRow = row.payload
            referral, enrolment = payload.existing, payload.existing.enrolment
            known = {status for status, _on in payload.history}
            old_status = referral.status
            for name, value in payload.referral.items():
                setattr(referral, name, value)
            for name, value in payload.enrolment.items():
                setattr(enrolment, name, value)
            enrolment.coordinator_id = enrolment.coordinator_id or (
                self.coordinator.pk if self.coordinator else None
            )
            referrals.append(referral)
            enrolments.append(enrolment)
            if referral.status != old_status and referral.status in known:
                on = dict(payload.history)[referral.status]
                changes.append(
                    ReferralStatusChange(
                        referral=referral,
                        status=referral.status,
                        at=noon(on),
                        by=self.actor,
                        note=self._note(batch, row),
                    )
                )
        Referral.objects.bulk_update(referrals, REFERRAL_FIELDS, batch_size=2000)
        Enrolment.objects.bulk_update(
            enrolments, [*ENROLMENT_FIELDS, "coordinator"], batch_size=2000
        )
        ReferralStatusChange.objects.bulk_create(changes)
        # An exit moved into the follow-up's window plans it; one no longer an exit drops it.
        FollowUp.objects.filter(
            Q(enrolment__in=enrolments) & ~Q(enrolment__status=Enrolment.Status.EXITED),
            done_on__isnull=True,
        ).delete()
        self._plan_follow_ups(enrolments)
