"""Survey responses from a spreadsheet: one row per filled-in form, one column per question
(its number: "7", "q7" or "fråga 7"), holding the option (its number or its text), the scale
value or the text; an empty cell is "not answered". Matched on the survey and `respondent_id`,
so a second import of the file changes nothing. Closed surveys and expired links do not
matter: the answers were given back then."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.models import Cohort
from fokus.models import ImportBatch, Municipality
from fokus.numbers import parse_int
from imports.base import Importer, column, duplicate_keys
from imports.matching import NameIndex, match_key
from imports.outcomes import Outcome, RowResult
from imports.participant_writes import noon
from imports.reading import ImportFileError
from imports.widgets import DateWidget, TextWidget, is_empty
from surveys.answering import TEXT_MAX_LENGTH
from surveys.models import Answer, Channel, Question, QuestionKind, Response, Survey

OPTION_SEPARATOR = ";"
DONT_KNOW_WORDS = {"vet ej", "vet inte", "dont_know", "don't know", "?"}
_QUESTION_COLUMN = re.compile(r"(?:q|f|fråga_?|fraga_?|question_?)?([0-9]{1,3})")


def question_position(header: str) -> int | None:
    match = _QUESTION_COLUMN.fullmatch(header)
    return parse_int(match.group(1)) if match else None


@dataclass(frozen=True)
class GivenValue:
    question_id: int
    option_ids: tuple[int, ...] = ()
    scale_value: int | None = None
    dont_know: bool = False
    text: str = ""


@dataclass
class ResponseRow:
    survey: Survey
    external_id: str
    answered_on: object
    cohort_id: int | None
    answers: list[GivenValue]
    existing: Response | None


class ResponseImporter(Importer):
    kind = "responses"
    open_columns = True

    survey = column("survey", TextWidget(200))
    respondent_id = column("respondent_id", TextWidget(64), required=True)
    answered_on = column("answered_on", DateWidget(), required=True)
    municipality = column("municipality", TextWidget(100))
    cohort_start = column("cohort_start", DateWidget())

    def check_headers(self, headers):
        super().check_headers(headers)
        if self.survey_id is None and "survey" not in headers:
            raise ImportFileError(
                _("Choose the survey, or give each row a 'survey' column with its name.")
            )
        known = {f.column_name for f in self.columns()}
        self.question_columns = {h: question_position(h) for h in headers if h and h not in known}
        unknown = [h for h, position in self.question_columns.items() if position is None]
        if unknown:
            raise ImportFileError(
                _("Columns that are neither a known column nor a question number: %(columns)s")
                % {"columns": ", ".join(unknown)}
            )
        return []

    def check_rows(self, rows, progress):
        self._load_register(rows)
        results = []
        for done, sheet_row in enumerate(rows, start=1):
            result = RowResult(sheet_row.number, "")
            values = self.clean_cells(sheet_row, result)
            self._check_row(sheet_row, values, result)
            results.append(result)
            progress(done, len(rows))
        duplicate_keys(results)
        return results

    def _load_register(self, rows) -> None:
        self.today = timezone.localdate()
        surveys = list(
            Survey.objects.filter(project=self.project).prefetch_related("questions__options")
        )
        self.surveys_by_name = NameIndex(surveys, name=lambda s: s.name)
        self.surveys_by_id = {str(s.pk): s for s in surveys} | {
            str(s.public_id): s for s in surveys
        }
        self.chosen = self.surveys_by_id.get(str(self.survey_id)) if self.survey_id else None
        self.questions = {
            survey.pk: {q.position: q for q in survey.questions.all()} for survey in surveys
        }
        self.municipalities = NameIndex(
            Municipality.objects.filter(federation_id=self.project.federation_id)
        )
        self.cohorts = {
            (c.municipality_id, c.start_date): c.pk
            for c in Cohort.objects.filter(project=self.project)
        }
        ids = {str(row.cells.get("respondent_id", "")) for row in rows} - {""}
        self.existing = {
            (response.survey_id, response.external_id): response
            for response in Response.objects.filter(
                survey__in=surveys, external_id__in=ids
            ).prefetch_related("answers__options")
        }

    def _survey(self, name: str, result: RowResult) -> Survey | None:
        if self.survey_id is not None:
            if self.chosen is None:
                raise ImportFileError(_("The chosen survey is not one of the project's surveys."))
            named = self.surveys_by_id.get(name) or self.surveys_by_name.get(name)
            if name and named is not self.chosen:
                result.error(
                    _("the row names another survey, '%(name)s', than the one chosen")
                    % {"name": name}
                )
            return self.chosen
        if not name:
            result.error(_("survey is missing"))
            return None
        found = self.surveys_by_id.get(name) or self.surveys_by_name.get(name)
        if found is None:
            suggestion = self.surveys_by_name.suggestion(name)
            message = _("the project has no survey '%(name)s'") % {"name": name}
            if suggestion:
                message += " — " + _("did you mean %(suggestion)s?") % {"suggestion": suggestion}
            result.error(message)
        return found

    def _check_row(self, sheet_row, v: dict, result: RowResult) -> None:
        survey = self._survey(v["survey"], result)
        if not v["respondent_id"]:
            result.error(_("respondent_id is missing"))
        if not v["answered_on"]:
            if "answered_on" not in result.unreadable:
                result.error(_("answered_on is missing"))
        elif v["answered_on"] > self.today:
            result.error(_("answered_on is in the future"))
        cohort_id = None
        if v["municipality"] or v["cohort_start"]:
            municipality = self.municipalities.get(v["municipality"] or "")
            cohort_id = (
                self.cohorts.get((municipality.pk, v["cohort_start"])) if municipality else None
            )
            if cohort_id is None:
                result.error(
                    _("the project has no start %(municipality)s %(date)s")
                    % {
                        "municipality": v["municipality"] or "?",
                        "date": v["cohort_start"].isoformat() if v["cohort_start"] else "?",
                    }
                )
        if survey is None:
            return
        # The survey's name is part of the key only when the rows name their surveys.
        respondent = v["respondent_id"]
        result.key = respondent if self.survey_id else f"{survey.name}: {respondent}"
        questions = self.questions[survey.pk]
        answers = []
        for header, position in self.question_columns.items():
            question = questions.get(position)
            raw = sheet_row.cells.get(header, "")
            if question is None:
                if not is_empty(raw):
                    result.error(_("the survey has no question %(number)s") % {"number": position})
                continue
            if is_empty(raw):
                continue
            given = self._answer(question, raw, result)
            if given is not None:
                answers.append(given)
        if result.is_error:
            return
        existing = self.existing.get((survey.pk, v["respondent_id"]))
        result.payload = ResponseRow(
            survey=survey,
            external_id=v["respondent_id"],
            answered_on=v["answered_on"],
            cohort_id=cohort_id,
            answers=sorted(answers, key=lambda a: a.question_id),
            existing=existing,
        )
        if existing is not None:
            stored = sorted(
                (
                    GivenValue(
                        a.question_id,
                        tuple(sorted(o.pk for o in a.options.all())),
                        a.scale_value,
                        a.dont_know,
                        a.text,
                    )
                    for a in existing.answers.all()
                ),
                key=lambda a: a.question_id,
            )
            changes = []
            if stored != result.payload.answers:
                changes.append(_("answers"))
            if existing.answered_on != v["answered_on"]:
                changes.append("answered_on")
            if existing.cohort_id != cohort_id:
                changes.append("cohort")
            if changes:
                result.outcome = Outcome.UPDATED
                result.changes = [_("changes: %(fields)s") % {"fields": ", ".join(changes)}]
            else:
                result.outcome = Outcome.UNCHANGED

    def _answer(self, question: Question, raw, result: RowResult) -> GivenValue | None:
        number = question.position
        text = str(raw).strip()
        if isinstance(raw, float) and raw.is_integer():
            text = str(int(raw))
        if question.kind == QuestionKind.TEXT:
            if len(text) > TEXT_MAX_LENGTH:
                result.error(
                    _("question %(number)s: the text is longer than %(max)s characters")
                    % {"number": number, "max": TEXT_MAX_LENGTH}
                )
                return None
            return GivenValue(question.pk, text=text)
        if question.kind == QuestionKind.SCALE:
            if question.allow_dont_know and text.casefold() in DONT_KNOW_WORDS:
                return GivenValue(question.pk, dont_know=True)
            value = parse_int(text)
            if value is None or not 1 <= value <= (question.scale_max or 0):
                result.error(
                    _("question %(number)s: '%(value)s' is not a value from 1 to %(max)s")
                    % {"number": number, "value": text, "max": question.scale_max}
                )
                return None
            return GivenValue(question.pk, scale_value=value)
        options = list(question.options.all())
        by_position = {str(o.position): o for o in options}
        by_text = {match_key(o.text): o for o in options}
        parts = [p.strip() for p in text.split(OPTION_SEPARATOR) if p.strip()]
        if question.kind == QuestionKind.SINGLE and len(parts) > 1:
            result.error(
                _("question %(number)s takes one option, not %(count)s")
                % {"number": number, "count": len(parts)}
            )
            return None
        chosen = []
        for part in parts:
            option = by_position.get(part) or by_text.get(match_key(part))
            if option is None:
                result.error(
                    _("question %(number)s has no option '%(value)s'")
                    % {"number": number, "value": part}
                )
                return None
            chosen.append(option.pk)
        return GivenValue(question.pk, option_ids=tuple(sorted(set(chosen))))

    def write(self, result, *, batch: ImportBatch) -> dict[str, int]:
        rows = result.to_write
        new = [row for row in rows if row.payload.existing is None]
        updated = [row for row in rows if row.payload.existing is not None]
        created = Response.objects.bulk_create(
            [
                Response(
                    survey=row.payload.survey,
                    channel=Channel.IMPORTED,
                    cohort_id=row.payload.cohort_id,
                    entered_by=self.actor,
                    answered_on=row.payload.answered_on,
                    submitted_at=noon(row.payload.answered_on),
                    external_id=row.payload.external_id,
                    import_batch=batch,
                    import_row=row.row,
                )
                for row in new
            ],
            batch_size=2000,
        )
        changed = []
        for row in updated:
            response = row.payload.existing
            response.answered_on = row.payload.answered_on
            response.submitted_at = noon(row.payload.answered_on)
            response.cohort_id = row.payload.cohort_id
            changed.append(response)
        Response.objects.bulk_update(changed, ["answered_on", "submitted_at", "cohort_id"])
        Answer.objects.filter(response__in=changed).delete()
        pairs = [*zip(new, created, strict=True), *((row, row.payload.existing) for row in updated)]
        given = [(response, a) for row, response in pairs for a in row.payload.answers]
        answers = Answer.objects.bulk_create(
            [
                Answer(
                    response=response,
                    question_id=a.question_id,
                    scale_value=a.scale_value,
                    dont_know=a.dont_know,
                    text=a.text,
                )
                for response, a in given
            ],
            batch_size=5000,
        )
        Answer.options.through.objects.bulk_create(
            [
                Answer.options.through(answer_id=answer.pk, option_id=option_id)
                for answer, (_response, a) in zip(answers, given, strict=True)
                for option_id in a.option_ids
            ],
            batch_size=5000,
        )
        return {"new": len(new), "updated": len(updated)}
