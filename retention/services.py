"""Retention (gallring): what a federation's periods (`RetentionPolicy`) say is due, and doing it.

- A participation that ended (exit, or consent withdrawn after the start) longer ago than
  `after_participation_days` is **anonymised**: the fields of `retention.fields.PERSONAL_DATA`
  are emptied or marked in its rows *and* in their django-pghistory event rows, its documents
  and report PDFs deleted from disk, its survey links made dead. What the reports count stays.
- A referral that never led to a participation (declined, withdrawn, an abandoned draft) after
  `unenrolled_referral_days`, and one whose consent was withdrawn before the start after
  `withdrawn_consent_days`: a draft, never submitted, is **deleted** with everything under it,
  history included; a submitted one is counted by the reports (referrals per agency), so it
  keeps a statistics-only row — anonymised like an ended participation, its document deleted.
- Access log entries older than `access_log_days` are deleted: the only deletion the log's
  append-only trigger lets through (`pgtrigger.ignore`).

Every run that acts writes one summary row to the access log; a dry run writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, timedelta
from functools import partial

import pghistory.models
import pgtrigger
from django.apps import apps
from django.db import models, transaction
from django.db.models import Case, Q, Value, When

from fokus.audit import log_access
from fokus.models import (
    UPLOAD_KEPT_DAYS,
    AccessAction,
    AccessLogEntry,
    Federation,
    ImportBatch,
)
from participants.models import Enrolment
from referrals.models import Referral, ReferralStatus
from retention.fields import DELETE_ORDER, MARKER, PERSONAL_DATA, PersonalData
from retention.models import Anonymised, RetentionPolicy

ACCESS_LOG_TRIGGER = "fokus.AccessLogEntry:access_log_append_only"
NEVER_ENROLLED = [ReferralStatus.DRAFT, ReferralStatus.DECLINED, ReferralStatus.WITHDRAWN]


@dataclass
class RetentionCounts:
    anonymised: int = 0
    unenrolled_anonymised: int = 0
    unenrolled_deleted: int = 0
    withdrawn_consent_deleted: int = 0
    documents_deleted: int = 0
    history_scrubbed: int = 0
    history_deleted: int = 0
    access_log_deleted: int = 0
    uploads_deleted: int = 0

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def detail(self) -> str:
        return "retention: " + ", ".join(f"{k}={v}" for k, v in self.as_dict().items())

    @property
    def deletes(self) -> bool:
        return bool(
            self.unenrolled_deleted
            or self.withdrawn_consent_deleted
            or self.documents_deleted
            or self.history_deleted
            or self.access_log_deleted
            or self.uploads_deleted
        )


@dataclass(frozen=True)
class Due:
    """The keys of what is due on one day in one federation."""

    anonymise: list[int]
    # Submitted but never started: kept for the reports' counts, anonymised.
    statistics_only: list[int]
    unenrolled: list[int]
    withdrawn_consent: list[int]
    access_log: models.QuerySet
    # Spreadsheets uploaded for an import that never came.
    uploads: models.QuerySet

    @property
    def delete(self) -> list[int]:
        return self.unenrolled + self.withdrawn_consent


def policy_or_defaults(federation: Federation) -> RetentionPolicy:
    """The federation's periods, or (unsaved) the defaults: reading them writes nothing."""
    return RetentionPolicy.objects.filter(federation=federation).first() or RetentionPolicy(
        federation=federation
    )


def _before(today: date, days: int) -> date:
    return today - timedelta(days=days)


def due(federation: Federation, policy: RetentionPolicy, today: date) -> Due:
    referrals = Referral.objects.filter(federation=federation)
    ended_before = _before(today, policy.after_participation_days)
    started = Q(enrolment__enrolled_on__isnull=False)
    anonymise = referrals.filter(started, anonymised__isnull=True).filter(
        Q(enrolment__status=Enrolment.Status.EXITED, enrolment__exited_on__lt=ended_before)
        | Q(
            enrolment__status=Enrolment.Status.CONSENT_WITHDRAWN,
            consent__withdrawn_on__lt=ended_before,
        )
    )
    unenrolled = referrals.filter(
        status__in=NEVER_ENROLLED,
        enrolment__isnull=True,
        updated_at__date__lt=_before(today, policy.unenrolled_referral_days),
    )
    withdrawn_before = _before(today, policy.withdrawn_consent_days)
    withdrawn = (
        referrals.filter(status=ReferralStatus.CONSENT_WITHDRAWN)
        .exclude(started)
        .filter(
            Q(consent__withdrawn_on__lt=withdrawn_before)
            | Q(consent__isnull=True, updated_at__date__lt=withdrawn_before)
        )
    )
    submitted = Q(submitted_at__isnull=False)
    statistics_only = {
        pk
        for queryset in (unenrolled, withdrawn)
        for pk in queryset.filter(submitted, anonymised__isnull=True).values_list("pk", flat=True)
    }
    return Due(
        anonymise=sorted(anonymise.values_list("pk", flat=True)),
        statistics_only=sorted(statistics_only),
        unenrolled=sorted(unenrolled.exclude(submitted).values_list("pk", flat=True)),
        withdrawn_consent=sorted(withdrawn.exclude(submitted).values_list("pk", flat=True)),
        access_log=AccessLogEntry.objects.filter(
            federation=federation, at__date__lt=_before(today, policy.access_log_days)
        ),
        uploads=ImportBatch.objects.filter(
            federation=federation, created_at__date__lt=_before(today, UPLOAD_KEPT_DAYS)
        )
        .exclude(status=ImportBatch.Status.COMMITTED)
        .exclude(file=""),
    )


# --- The table of retention.fields applied ------------------------------------------------


def _event_models(model: type[models.Model]) -> list[type[models.Model]]:
    """The model's django-pghistory event tables (`<Model>Event`)."""
    return [
        m
        for m in apps.get_models()
        if issubclass(m, pghistory.models.Event) and m.pgh_tracked_model is model
    ]


def _marked(name: str) -> Case:
    return Case(When(**{name: ""}, then=Value("")), default=Value(MARKER))


def _values(entry: PersonalData) -> dict[str, object]:
    values: dict[str, object] = {name: Value("") for name in entry.erase}
    values.update({name: _marked(name) for name in (*entry.mark, *entry.files)})
    values.update(entry.replace)
    return values


@dataclass
class _Rows:
    model: type[models.Model]
    entry: PersonalData
    pks: list[int]
    files: list[str]


def _rows(referral_ids: list[int]) -> list[_Rows]:
    """Per row of the table, the keys and document names of the rows under these referrals."""
    found = []
    for entry in PERSONAL_DATA:
        model = apps.get_model(entry.model)
        rows = model._base_manager.filter(**{f"{entry.to_referral}__in": referral_ids})
        files = []
        for name in entry.files:
            stored = rows.exclude(**{name: ""}).exclude(**{name: MARKER})
            files += stored.values_list(name, flat=True)
        found.append(_Rows(model, entry, list(rows.values_list("pk", flat=True)), files))
    return found


def _history(rows: list[_Rows]) -> int:
    return sum(
        event.objects.filter(pgh_obj_id__in=found.pks).count()
        for found in rows
        for event in _event_models(found.model)
    )


def _delete_files_on_commit(rows: list[_Rows]) -> int:
    """Documents go from disk once the rows that name them are changed for good."""
    for found in rows:
        for name in found.files:
            for field_name in found.entry.files:
                storage = found.model._meta.get_field(field_name).storage
                transaction.on_commit(partial(storage.delete, name))
    return sum(len(found.files) for found in rows)


def _anonymise(referral_ids: list[int], today: date, counts: RetentionCounts) -> None:
    rows = _rows(referral_ids)
    for found in rows:
        values = _values(found.entry)
        if not values or not found.pks:
            continue
        found.model._base_manager.filter(pk__in=found.pks).update(**values)
        # The update's own event rows are scrubbed here too: they are among these.
        for event in _event_models(found.model):
            names = {f.name for f in event._meta.concrete_fields}
            event_values = {k: v for k, v in values.items() if k in names}
            if event_values:
                counts.history_scrubbed += event.objects.filter(pgh_obj_id__in=found.pks).update(
                    **event_values
                )
    counts.documents_deleted += _delete_files_on_commit(rows)
    Anonymised.objects.bulk_create(Anonymised(referral_id=pk, on=today) for pk in referral_ids)
    counts.anonymised += len(referral_ids)


def _delete(referral_ids: list[int], counts: RetentionCounts) -> None:
    rows = _rows(referral_ids)
    for label, path in DELETE_ORDER:
        queryset = apps.get_model(label)._base_manager.filter(**{f"{path}__in": referral_ids})
        if label == "reports.ParticipantReport":
            # A later version protects the one it replaces: the latest go first.
            for report in queryset.order_by("-version"):
                report.delete()
        else:
            queryset.delete()
    # After the deletes: their delete triggers have just written the rows' last state.
    for found in rows:
        for event in _event_models(found.model):
            deleted, _per_model = event.objects.filter(pgh_obj_id__in=found.pks).delete()
            counts.history_deleted += deleted
    counts.documents_deleted += _delete_files_on_commit(rows)


# --- The two entry points -------------------------------------------------------------------


def retention_counts(*, federation: Federation, today: date) -> RetentionCounts:
    """What `retention_apply` would do today, counted; writes nothing (the dry run)."""
    plan = due(federation, policy_or_defaults(federation), today)
    anonymised = _rows(plan.anonymise + plan.statistics_only)
    deleted = _rows(plan.delete)
    return RetentionCounts(
        anonymised=len(plan.anonymise),
        unenrolled_anonymised=len(plan.statistics_only),
        unenrolled_deleted=len(plan.unenrolled),
        withdrawn_consent_deleted=len(plan.withdrawn_consent),
        documents_deleted=sum(len(found.files) for found in anonymised + deleted),
        history_scrubbed=_history(anonymised),
        history_deleted=_history(deleted),
        access_log_deleted=plan.access_log.count(),
        uploads_deleted=plan.uploads.count(),
    )


def _delete_uploads(uploads: models.QuerySet) -> int:
    files = [(batch.file.storage, batch.file.name) for batch in uploads]
    uploads.update(file="")
    for storage, name in files:
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
    return len(files)


@transaction.atomic
def retention_apply(*, federation: Federation, today: date) -> RetentionCounts:
    """Anonymise and delete what the federation's periods say is due, in one transaction, and
    write the summary row to the access log."""
    RetentionPolicy.objects.get_or_create(federation=federation)
    # One run at a time per federation: the policy row is the lock.
    policy = RetentionPolicy.objects.select_for_update().get(federation=federation)
    plan = due(federation, policy, today)
    counts = RetentionCounts()
    if plan.anonymise or plan.statistics_only:
        _anonymise(plan.anonymise + plan.statistics_only, today, counts)
        counts.anonymised = len(plan.anonymise)
        counts.unenrolled_anonymised = len(plan.statistics_only)
    if plan.delete:
        _delete(plan.delete, counts)
        counts.unenrolled_deleted = len(plan.unenrolled)
        counts.withdrawn_consent_deleted = len(plan.withdrawn_consent)
    with pgtrigger.ignore(ACCESS_LOG_TRIGGER):
        counts.access_log_deleted, _per_model = plan.access_log.delete()
    counts.uploads_deleted = _delete_uploads(plan.uploads)
    log_access(
        actor=None,
        actor_label="apply_retention",
        action=AccessAction.DELETE if counts.deletes else AccessAction.CHANGE,
        federation_id=federation.pk,
        detail=counts.detail(),
    )
    return counts
