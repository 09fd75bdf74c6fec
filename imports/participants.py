"""Participants from a spreadsheet: one row is one person's participation — the referral, the
ärendegrupp's acceptance, the start and (when it has ended) the exit, each with the date in
the file. Matched on `external_id` within the project, so a second import of the same file
changes nothing and a corrected file updates what changed."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.models import Cohort, add_months
from fokus import text_limits
from fokus.models import Agency, AgencyKind, ImportBatch, IntakeMode, Municipality
from imports.base import Importer, column, duplicate_keys
from imports.matching import NameIndex
from imports.outcomes import Outcome, RowResult
from imports.participant_writes import ParticipantRow, ParticipantWriter, noon
from imports.widgets import CodeWidget, DateWidget, IntegerWidget, TextWidget
from participants.models import (
    EXIT_REASONS_WITHOUT_HANDOVER,
    Destination,
    EducationLevel,
    Enrolment,
    ExitReason,
    IncomeSource,
    Occupation,
)
from participants.services import project_coordinators
from referrals.forms.referral import PersonnummerField
from referrals.models import Gender, Referral, ReferralStatus

# Cohorts made for imported history take the programme shape of the project's latest start,
# or these model defaults when the project has none yet.
SHAPE_FIELDS = [
    "places",
    "places_per_agency",
    "group_weeks",
    "group_sessions_per_week",
    "session_minutes",
    "talks_before_group",
    "period_months",
]
# Rolling intake has no start: its participations run twelve months (as `enrolment_start`).
ROLLING_PERIOD_MONTHS = 12

_GENDER = CodeWidget(Gender, aliases={"unknown": ""})


class ParticipantImporter(Importer):
    kind = "participants"

    external_id = column("external_id", TextWidget(64), required=True)
    municipality = column("municipality", TextWidget(100), required=True)
    cohort_start = column("cohort_start", DateWidget(), required=True)
    referring_agency_kind = column("referring_agency_kind", CodeWidget(AgencyKind), required=True)
    gender = column("gender", _GENDER, required=True)
    birth_year = column("birth_year", IntegerWidget(1900, 2100), required=True)
    enrolled_on = column("enrolled_on", DateWidget(), required=True)
    exited_on = column("exited_on", DateWidget(), required=True)
    exit_reason = column("exit_reason", CodeWidget(ExitReason), required=True)
    destination = column("destination", CodeWidget(Destination), required=True)
    # Optional: identity, dates the file may have, the SUS variables and the hand-over.
    personnummer = column("personnummer", TextWidget(20))
    first_name = column("first_name", TextWidget(100))
    last_name = column("last_name", TextWidget(100))
    referred_on = column("referred_on", DateWidget())
    decided_on = column("decided_on", DateWidget())
    planned_exit_on = column("planned_exit_on", DateWidget())
    income_source_before = column("income_source_before", CodeWidget(IncomeSource))
    occupation_before = column("occupation_before", CodeWidget(Occupation))
    education_level = column("education_level", CodeWidget(EducationLevel))
    income_source_after = column("income_source_after", CodeWidget(IncomeSource))
    occupation_after = column("occupation_after", CodeWidget(Occupation))
    occupation_extent_percent = column("occupation_extent_percent", IntegerWidget(1, 100))
    destination_extent_percent = column("destination_extent_percent", IntegerWidget(1, 100))
    receiving_party = column("receiving_party", TextWidget(text_limits.SHORT))
    exit_plan = column("exit_plan", TextWidget(text_limits.PLAN))

    # --- Checking ----------------------------------------------------------------------------
    def check_rows(self, rows, progress):
        self._load_register(rows)
        results = []
        for done, sheet_row in enumerate(rows, start=1):
            result = RowResult(sheet_row.number, str(sheet_row.cells.get("external_id", "")))
            values = self.clean_cells(sheet_row, result)
            self._check_row(values, result)
            results.append(result)
            progress(done, len(rows))
        duplicate_keys(results)
        return results

    def _load_register(self, rows) -> None:
        """Everything the rows are checked against, in a handful of queries."""
        project = self.project
        federation_id = project.federation_id
        self.today = timezone.localdate()
        self.municipalities = NameIndex(Municipality.objects.filter(federation_id=federation_id))
        self.project_municipality_ids = set(project.municipalities.values_list("pk", flat=True))
        self.cohorts = {
            (c.municipality_id, c.start_date): c for c in Cohort.objects.filter(project=project)
        }
        latest = Cohort.objects.filter(project=project).order_by("-start_date").first()
        self.shape = {name: getattr(latest or Cohort(), name) for name in SHAPE_FIELDS}
        self.agencies = list(
            Agency.objects.filter(federation_id=federation_id).order_by("-is_active", "name")
        )
        coordinators = list(project_coordinators(project.pk).order_by("pk"))
        self.coordinator = next(
            (user for user in coordinators if user.pk == self.actor.pk),
            coordinators[0] if coordinators else None,
        )
        ids = {str(row.cells.get("external_id", "")) for row in rows} - {""}
        self.existing = {
            referral.external_id: referral
            for referral in Referral.objects.filter(project=project, external_id__in=ids)
            .select_related("enrolment")
            .order_by()
        }
        self.new_cohorts: set[tuple[int, date]] = set()

    def _agency(self, kind: str, municipality: Municipality | None) -> Agency | None:
        of_kind = [agency for agency in self.agencies if agency.kind == kind]
        if kind == AgencyKind.SOCIAL_SERVICES and municipality is not None:
            local = [a for a in of_kind if a.municipality_id == municipality.pk]
            of_kind = local or of_kind
        return of_kind[0] if of_kind else None

    def _municipality(self, name: str, result: RowResult) -> Municipality | None:
        if not name:
            result.error(_("municipality is missing"))
            return None
        found = self.municipalities.get(name)
        if found is None:
            suggestion = self.municipalities.suggestion(name)
            if suggestion:
                result.error(
                    _("unknown municipality '%(name)s' — did you mean %(suggestion)s?")
                    % {"name": name, "suggestion": suggestion}
                )
            else:
                result.error(_("unknown municipality '%(name)s'") % {"name": name})
            return None
        if found.pk not in self.project_municipality_ids:
            result.error(_("%(name)s does not take part in the project") % {"name": found.name})
        return found

    def _check_row(self, v: dict, result: RowResult) -> None:
        if not v["external_id"]:
            result.error(_("external_id is missing"))
        municipality = self._municipality(v["municipality"], result)
        agency = None
        if not v["referring_agency_kind"]:
            if "referring_agency_kind" not in result.unreadable:
                result.error(_("referring_agency_kind is missing"))
        else:
            agency = self._agency(v["referring_agency_kind"], municipality)
            if agency is None:
                result.error(
                    _("the federation has no agency of the kind '%(kind)s'")
                    % {"kind": v["referring_agency_kind"]}
                )

        personnummer = ""
        if v["personnummer"]:
            try:
                personnummer = PersonnummerField(required=False).clean(v["personnummer"])
            except forms.ValidationError:
                result.error(_("personnummer: not a valid personnummer"))
        birth_year = v["birth_year"] or (int(personnummer[:4]) if personnummer else None)
        if birth_year is None and not result.is_error:
            result.error(_("birth_year is missing"))
        elif birth_year and birth_year > self.today.year:
            result.error(_("birth_year is in the future"))

        cohort_key = None
        cohort = None
        rolling = self.project.intake_mode == IntakeMode.ROLLING
        if rolling and v["cohort_start"]:
            result.error(_("the project has rolling intake: leave cohort_start empty"))
        elif not rolling and not v["cohort_start"]:
            result.error(_("cohort_start is missing: the project has cohort starts"))
        elif not rolling and municipality is not None:
            cohort_key = (municipality.pk, v["cohort_start"])
            cohort = self.cohorts.get(cohort_key)

        enrolled_on, exited_on = v["enrolled_on"], v["exited_on"]
        for name in ("enrolled_on", "exited_on", "referred_on", "decided_on"):
            if v[name] and v[name] > self.today:
                result.error(_("%(column)s is in the future") % {"column": name})
        if exited_on and not enrolled_on:
            result.error(_("exited_on without enrolled_on: a participation ends after it starts"))
        if enrolled_on and exited_on and exited_on < enrolled_on:
            result.error(_("exited_on is before enrolled_on"))
        if exited_on and not v["exit_reason"] and "exit_reason" not in result.unreadable:
            result.error(_("exit_reason is missing for an exit"))
        if v["exit_reason"] and not exited_on:
            result.error(_("exit_reason without exited_on"))
        if v["destination"] and not exited_on:
            result.error(_("destination without exited_on"))

        referred_on = v["referred_on"] or min(
            filter(None, [v["cohort_start"], enrolled_on]), default=None
        )
        if referred_on is None:
            result.error(_("referred_on is missing: the row has no date to refer on"))
        decided_on = v["decided_on"] or referred_on
        if referred_on and decided_on and decided_on < referred_on:
            result.error(_("decided_on is before referred_on"))

        period = cohort.period_months if cohort else self.shape["period_months"]
        if rolling:
            period = ROLLING_PERIOD_MONTHS
        planned_exit_on = v["planned_exit_on"] or (
            add_months(enrolled_on, period) if enrolled_on else None
        )
        if planned_exit_on and enrolled_on and planned_exit_on <= enrolled_on:
            result.error(_("planned_exit_on must be after enrolled_on"))

        if exited_on:
            status, referral_status = Enrolment.Status.EXITED, ReferralStatus.EXITED
        elif enrolled_on:
            status, referral_status = Enrolment.Status.ACTIVE, ReferralStatus.ENROLLED
        else:
            status, referral_status = Enrolment.Status.ACCEPTED, ReferralStatus.ACCEPTED
        if status == Enrolment.Status.ACTIVE and self.coordinator is None:
            result.error(_("the project has no coordinator to be responsible for the participant"))

        existing = self.existing.get(v["external_id"])
        enrolment = getattr(existing, "enrolment", None) if existing else None
        if existing is not None and (enrolment is None or enrolment.is_consent_withdrawn):
            result.error(
                _("%(id)s is in the project already and cannot be changed by an import")
                % {"id": v["external_id"]}
            )
        if result.is_error:
            return

        if cohort_key and cohort is None and cohort_key not in self.new_cohorts:
            self.new_cohorts.add(cohort_key)
            result.messages.append(
                _("a new start is created: %(municipality)s %(date)s")
                % {"municipality": municipality.name, "date": cohort_key[1].isoformat()}
            )
        name = " ".join(filter(None, [v["first_name"], v["last_name"]]))
        exited_with_handover = bool(exited_on) and v["exit_reason"] not in (
            EXIT_REASONS_WITHOUT_HANDOVER
        )
        referral_values = {
            "home_municipality_id": municipality.pk,
            "cohort_id": cohort.pk if cohort else None,
            "referring_agency_id": agency.pk,
            "gender": v["gender"],
            "birth_year": birth_year,
            "personnummer": personnummer,
            "name": name,
            "status": referral_status,
            "submitted_at": noon(referred_on),
            "decided_at": noon(decided_on),
        }
        enrolment_values = {
            "cohort_id": cohort.pk if cohort else None,
            "status": status,
            "enrolled_on": enrolled_on,
            "planned_exit_on": planned_exit_on,
            "income_source_before": v["income_source_before"],
            "occupation_before": v["occupation_before"],
            "education_level": v["education_level"],
            "exited_on": exited_on,
            "exit_reason": v["exit_reason"],
            "destination": v["destination"] if exited_with_handover else "",
            "destination_extent_percent": v["destination_extent_percent"],
            "receiving_party": v["receiving_party"],
            "exit_plan": v["exit_plan"],
            "income_source_after": v["income_source_after"],
            "occupation_after": v["occupation_after"],
            "occupation_extent_percent": v["occupation_extent_percent"],
        }
        history = [(ReferralStatus.SUBMITTED, referred_on), (ReferralStatus.ACCEPTED, decided_on)]
        if enrolled_on:
            history.append((ReferralStatus.ENROLLED, enrolled_on))
        if exited_on:
            history.append((ReferralStatus.EXITED, exited_on))
        result.payload = ParticipantRow(
            referral=referral_values,
            enrolment=enrolment_values,
            cohort_key=cohort_key if cohort is None else None,
            existing=existing,
            history=history,
        )
        if existing is not None:
            changes = [
                name
                for name, value in referral_values.items()
                if name != "cohort_id" and getattr(existing, name) != value
            ]
            changes += [
                name
                for name, value in enrolment_values.items()
                if getattr(enrolment, name) != value
            ]
            if cohort is None and cohort_key:
                changes.append("cohort_start")
            if changes:
                result.outcome = Outcome.UPDATED
                result.changes = [_("changes: %(fields)s") % {"fields": ", ".join(changes)}]
            else:
                result.outcome = Outcome.UNCHANGED

    # --- Writing -----------------------------------------------------------------------------
    def write(self, result, *, batch: ImportBatch) -> dict[str, int]:
        writer = ParticipantWriter(
            project=self.project,
            actor=self.actor,
            coordinator=self.coordinator,
            shape=self.shape,
            today=self.today,
        )
        return writer.write(result.to_write, batch=batch)
