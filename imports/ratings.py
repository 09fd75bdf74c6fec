"""Step ratings from a spreadsheet: one row per rating of a participant imported before (or
entered in the app with the same `external_id`). A rating is matched on participant, date and
kind, so a second import of the file changes nothing. The live rules about *when* a rating
may be entered (before the exit, within 30 days of it) do not apply to history."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from fokus import text_limits
from fokus.models import ImportBatch
from imports.base import Importer, column, duplicate_keys, without_insert_history
from imports.matching import match_key
from imports.outcomes import Outcome, RowResult
from imports.widgets import CodeWidget, DateWidget, IntegerWidget, TextWidget
from participants.models import Enrolment
from stepladder.models import Marker, Rating, RatingKind, Step
from stepladder.project_ladder import ladder_for
from stepladder.services import ONCE_ONLY_KINDS

MARKER_SEPARATOR = ";"


@dataclass
class RatingRow:
    enrolment_id: int
    rated_on: object
    kind: str
    step: Step
    participant_step: Step | None
    comment: str
    marker_ids: list[int] = field(default_factory=list)
    existing: Rating | None = None


class RatingImporter(Importer):
    kind = "ratings"

    participant_external_id = column("participant_external_id", TextWidget(64), required=True)
    rated_on = column("rated_on", DateWidget(), required=True)
    kind_column = column("kind", CodeWidget(RatingKind), required=True)
    step = column("step", IntegerWidget(1, 20), required=True)
    markers = column("markers", TextWidget(2000))
    participant_step = column("participant_step", IntegerWidget(1, 20))
    comment = column("comment", TextWidget(text_limits.NOTE))

    def check_rows(self, rows, progress):
        self._load_register(rows)
        results = []
        for done, sheet_row in enumerate(rows, start=1):
            result = RowResult(sheet_row.number, "")
            values = self.clean_cells(sheet_row, result)
            self._check_row(values, result)
            results.append(result)
            progress(done, len(rows))
        duplicate_keys(results)
        self._once_only(results)
        return results

    def _load_register(self, rows) -> None:
        self.today = timezone.localdate()
        ladder = ladder_for(self.project)
        self.steps = {step.number: step for step in Step.objects.filter(ladder=ladder)}
        self.markers: dict[int, dict[str, Marker]] = {}
        for marker in Marker.objects.filter(step__ladder=ladder).select_related("step"):
            by_step = self.markers.setdefault(marker.step.number, {})
            by_step[match_key(marker.text)] = marker
        ids = {str(row.cells.get("participant_external_id", "")) for row in rows} - {""}
        self.enrolments = {
            e.referral.external_id: e
            for e in Enrolment.objects.filter(project=self.project, referral__external_id__in=ids)
            .select_related("referral")
            .order_by()
        }
        enrolment_ids = [e.pk for e in self.enrolments.values()]
        self.existing: dict[tuple, Rating] = {}
        self.once_only_taken: set[tuple[int, str]] = set()
        ratings = Rating.objects.filter(enrolment_id__in=enrolment_ids).prefetch_related("markers")
        for rating in ratings.order_by():
            self.existing[(rating.enrolment_id, rating.rated_on, rating.kind)] = rating
            if rating.kind in ONCE_ONLY_KINDS:
                self.once_only_taken.add((rating.enrolment_id, rating.kind))

    def _check_row(self, v: dict, result: RowResult) -> None:
        external_id = v["participant_external_id"]
        enrolment = self.enrolments.get(external_id) if external_id else None
        if not external_id:
            result.error(_("participant_external_id is missing"))
        elif enrolment is None:
            result.error(
                _(
                    "no participant with the id '%(id)s' in the project: import the "
                    "participants first"
                )
                % {"id": external_id}
            )
        elif enrolment.is_consent_withdrawn:
            result.error(_("the participant has withdrawn their consent: no ratings are imported"))
        elif enrolment.enrolled_on is None:
            result.error(_("the participant has not started: a rating needs a start"))
        for name in ("rated_on", "kind", "step"):
            if v[name] in (None, "") and name not in result.unreadable:
                result.error(_("%(column)s is missing") % {"column": name})
        rated_on, kind = v["rated_on"], v["kind"]
        if rated_on and rated_on > self.today:
            result.error(_("rated_on is in the future"))
        if rated_on and enrolment and enrolment.enrolled_on and rated_on < enrolment.enrolled_on:
            result.error(
                _("rated_on is before the participant's start, %(date)s")
                % {"date": enrolment.enrolled_on.isoformat()}
            )
        step = self.steps.get(v["step"]) if v["step"] else None
        if v["step"] and step is None:
            result.error(_("the project's step ladder has no step %(step)s") % {"step": v["step"]})
        participant_step = None
        if v["participant_step"]:
            participant_step = self.steps.get(v["participant_step"])
            if participant_step is None:
                result.error(
                    _("the project's step ladder has no step %(step)s")
                    % {"step": v["participant_step"]}
                )
        marker_ids = []
        if step and v["markers"]:
            known = self.markers.get(step.number, {})
            for text in v["markers"].split(MARKER_SEPARATOR):
                if not text.strip():
                    continue
                marker = known.get(match_key(text))
                if marker is None:
                    result.error(
                        _("step %(step)s has no marker '%(marker)s'")
                        % {"step": step.number, "marker": text.strip()}
                    )
                else:
                    marker_ids.append(marker.pk)
        if enrolment and rated_on and kind:
            result.key = f"{external_id} {rated_on.isoformat()} {kind}"
        if result.is_error:
            return
        existing = self.existing.get((enrolment.pk, rated_on, kind))
        result.payload = RatingRow(
            enrolment_id=enrolment.pk,
            rated_on=rated_on,
            kind=kind,
            step=step,
            participant_step=participant_step,
            comment=v["comment"],
            marker_ids=sorted(set(marker_ids)),
            existing=existing,
        )
        if existing is None:
            return
        changes = []
        if existing.step_id != step.pk:
            changes.append("step")
        if existing.participant_step_id != (participant_step.pk if participant_step else None):
            changes.append("participant_step")
        if existing.comment != v["comment"]:
            changes.append("comment")
        if sorted(m.pk for m in existing.markers.all()) != result.payload.marker_ids:
            changes.append("markers")
        if changes:
            result.outcome = Outcome.UPDATED
            result.changes = [_("changes: %(fields)s") % {"fields": ", ".join(changes)}]
        else:
            result.outcome = Outcome.UNCHANGED

    def _once_only(self, results: list[RowResult]) -> None:
        """One rating at enrolment and one at exit per participation, file and register
        together."""
        seen: dict[tuple[int, str], int] = {}
        for result in results:
            payload: RatingRow | None = result.payload
            if result.is_error or payload is None or payload.kind not in ONCE_ONLY_KINDS:
                continue
            key = (payload.enrolment_id, payload.kind)
            if payload.existing is None and key in self.once_only_taken:
                result.error(
                    _("the participant already has a rating of the kind '%(kind)s'")
                    % {"kind": payload.kind}
                )
            elif key in seen:
                result.error(
                    _("the participant has a rating of the kind '%(kind)s' in row %(row)s")
                    % {"kind": payload.kind, "row": seen[key]}
                )
            else:
                seen[key] = result.row

    def _create(self, rows, batch: ImportBatch) -> list[Rating]:
        return Rating.objects.bulk_create(
            [
                Rating(
                    enrolment_id=row.payload.enrolment_id,
                    rated_on=row.payload.rated_on,
                    kind=row.payload.kind,
                    step=row.payload.step,
                    participant_step=row.payload.participant_step,
                    comment=row.payload.comment,
                    rated_by=self.actor,
                    import_batch=batch,
                    import_row=row.row,
                )
                for row in rows
            ],
            batch_size=5000,
        )

    def write(self, result, *, batch: ImportBatch) -> dict[str, int]:
        rows = result.to_write
        new = [row for row in rows if row.payload.existing is None]
        updated = [row for row in rows if row.payload.existing is not None]
        with without_insert_history(Rating):
            created = self._create(new, batch)
        changed = []
        for row in updated:
            rating = row.payload.existing
            rating.step = row.payload.step
            rating.participant_step = row.payload.participant_step
            rating.comment = row.payload.comment
            rating.corrected_at = timezone.now()
            changed.append(rating)
        Rating.objects.bulk_update(
            changed, ["step", "participant_step", "comment", "corrected_at"], batch_size=2000
        )
        through = Rating.markers.through
        through.objects.filter(rating__in=changed).delete()
        through.objects.bulk_create(
            [
                through(rating_id=rating.pk, marker_id=marker_id)
                for row, rating in [
                    *zip(new, created, strict=True),
                    *((row, row.payload.existing) for row in updated),
                ]
                for marker_id in row.payload.marker_ids
            ],
            batch_size=5000,
        )
        return {"new": len(new), "updated": len(updated)}
