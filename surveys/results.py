"""A survey's results: per question the count and share per option, mean and median for
scales, the number who answered, the free-text answers when the reader may see them, and the
response rate. The results page, its export and the final report (reports app) all use
`survey_results`.

What is counted:
- A question is *answered* by a response that chose at least one option, gave a scale value or
  "don't know", or wrote a non-empty text. Shares are of those who answered the question:
  for multiple choice that is the share of respondents who ticked the option, so the shares
  may add up to more than 100 %. For scales, "don't know" is among the answered (it has a
  share) but not among the values behind the mean and median.
- A question's *answer rate* is those who answered it of the responses (the filtered
  respondents, whatever they answered), e.g. "94,4 % (34/36)": it stands beside the survey's
  response rate, which is of the people asked.
- Percentages have one decimal, means and medians two, rounded half up. The median of an even
  number of values is the mean of the two middle ones.

The queries do not depend on the number of responses: the answers are counted in the database
(per question, per option and per scale value), and the mean and median are computed from the
counts per scale value — which is the whole distribution — so no answer row is fetched except
the free texts when they are asked for.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext as _

from cohorts.models import Cohort
from fokus.models import Municipality
from participants.models import Enrolment
from surveys.models import Answer, Audience, Question, QuestionKind, Response, Survey
from surveys.smallgroups import withhold
from surveys.statistics import HUNDRED, mean_and_median, percent, rate_display


@dataclass(frozen=True)
class ResponseRate:
    """answered of invited. For a partner survey `invited` is the number of invitations sent;
    for a participant survey the number of participants (see `survey_results`). `percent`
    never passes 100: where there are more answers than people asked (an anonymous link
    answered twice, a paper answer besides), `exceeds` is true and `note` says why."""

    answered: int
    invited: int
    percent: Decimal
    basis: str  # "invitations" or "participants"

    @property
    def exceeds(self) -> bool:
        return self.answered > self.invited

    @property
    def note(self) -> str:
        if not self.exceeds:
            return ""
        return _(
            "There are more answers than people asked: an anonymous link can be answered more "
            "than once, so the rate is shown as at most 100 per cent."
        )

    def display(self) -> str:
        """ "94,4 % (34/36)" in the active language's number format."""
        return rate_display(self.percent, self.answered, self.invited)


@dataclass(frozen=True)
class OptionCount:
    """One row of a question's table: an option, a scale value or "don't know"."""

    text: str
    count: int
    percent: Decimal | None
    value: int | None = None  # the scale value; None for options and "don't know"
    label: str = ""  # a scale's end label ("hard", "easy") on its lowest and highest value
    is_dont_know: bool = False

    @property
    def display(self) -> str:
        return f"{self.text} ({self.label})" if self.label else self.text


@dataclass
class QuestionResult:
    question: Question
    answered: int
    # Choices, or the scale values 1..N followed by "don't know" (when offered or given).
    options: list[OptionCount] = field(default_factory=list)
    mean: Decimal | None = None
    median: Decimal | None = None
    numeric: int = 0  # scale answers with a value: the n behind the mean and median
    dont_know: int = 0
    texts: list[str] | None = None  # free texts, only when asked for
    withheld: bool = False  # answered by too few: emptied, see `surveys.smallgroups`
    respondents: int = 0  # the responses within the filters: the base of the answer rate

    @property
    def answered_percent(self) -> Decimal | None:
        """Those who answered the question of the respondents, one decimal."""
        return percent(self.answered, self.respondents)

    @property
    def answered_rate(self) -> str:
        """ "94,4 % (34/36)": answered of the respondents; "–" with no respondents."""
        return rate_display(self.answered_percent, self.answered, self.respondents)

    @property
    def kind(self) -> str:
        return self.question.kind

    @property
    def is_scale(self) -> bool:
        return self.question.kind == QuestionKind.SCALE

    @property
    def is_text(self) -> bool:
        return self.question.kind == QuestionKind.TEXT

    @property
    def is_multiple(self) -> bool:
        return self.question.kind == QuestionKind.MULTIPLE


@dataclass
class SurveyResults:
    survey: Survey
    responses: int
    response_rate: ResponseRate | None
    questions: list[QuestionResult]
    include_free_text: bool
    withheld: bool = False  # too few respondents: emptied, see `surveys.smallgroups`


def filtered_responses(
    survey: Survey,
    *,
    cohorts: Iterable[Cohort] | QuerySet | None = None,
    municipality: Municipality | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[Response]:
    """The survey's responses within the filters. The date of a response is the date on the
    paper for paper answers (when entered), otherwise the local date it was submitted."""
    responses = Response.objects.filter(survey=survey)
    if cohorts is not None:
        if not isinstance(cohorts, QuerySet):
            cohorts = list(cohorts)
        responses = responses.filter(cohort__in=cohorts)
    if municipality is not None:
        responses = responses.filter(cohort__municipality=municipality)
    if date_from is not None or date_to is not None:
        responses = responses.alias(
            answered_date=Coalesce("answered_on", TruncDate("submitted_at"))
        )
        if date_from is not None:
            responses = responses.filter(answered_date__gte=date_from)
        if date_to is not None:
            responses = responses.filter(answered_date__lte=date_to)
    return responses


def response_rate(
    survey: Survey,
    *,
    responses: int,
    cohorts: Iterable[Cohort] | QuerySet | None = None,
    municipality: Municipality | None = None,
) -> ResponseRate | None:
    """How many answered of how many were asked; None when nobody was asked.

    - Partner surveys (personal links by e-mail): answered invitations of all invitations
      sent for the survey. The filters do not apply: invitations have no start, municipality
      or answering date of their own, and the rate describes the whole mailing.
    - Participant surveys: `responses` (the filtered count, whatever the channel) of the
      participants who have started — active or exited — in the filtered starts, or in the
      whole project without a start filter (and within the municipality's starts with a
      municipality filter). The period does not narrow the participants. Anonymous links can
      be answered more than once, so there may be more answers than participants: the
      percentage is then 100 and the rate says so (`ResponseRate.note`).
    """
    if survey.audience == Audience.PARTNERS:
        figures = survey.invitations.filter(sent_at__isnull=False).aggregate(
            invited=Count("id"), answered=Count("id", filter=Q(response__isnull=False))
        )
        answered, invited, basis = figures["answered"], figures["invited"], "invitations"
    else:
        if survey.project_id is None:
            return None
        participants = Enrolment.objects.filter(
            project_id=survey.project_id,
            status__in=[Enrolment.Status.ACTIVE, Enrolment.Status.EXITED],
            enrolled_on__isnull=False,
        )
        if cohorts is not None:
            if not isinstance(cohorts, QuerySet):
                cohorts = list(cohorts)
            participants = participants.filter(cohort__in=cohorts)
        if municipality is not None:
            participants = participants.filter(cohort__municipality=municipality)
        answered, invited, basis = responses, participants.count(), "participants"
    if not invited:
        return None
    return ResponseRate(
        answered=answered,
        invited=invited,
        percent=min(percent(answered, invited), HUNDRED),
        basis=basis,
    )


_ANSWERED = (
    Q(options__isnull=False) | Q(scale_value__isnull=False) | Q(dont_know=True) | ~Q(text="")
)


def survey_results(
    survey: Survey,
    *,
    cohorts: Iterable[Cohort] | QuerySet | None = None,
    municipality: Municipality | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    include_free_text: bool = False,
    minimum: int | None = None,
) -> SurveyResults:
    """The results of `survey` within the filters (see the module docstring and
    `response_rate`). `cohorts=None` means every start; an empty list means none.
    `include_free_text` only for readers who may see free text (the project's coordinators).
    Groups too small to show are withheld (`surveys.smallgroups`; `minimum` may raise the
    floor, never lower it).
    A fixed number of queries, whatever the number of responses."""
    responses = filtered_responses(
        survey, cohorts=cohorts, municipality=municipality, date_from=date_from, date_to=date_to
    )
    response_ids = responses.values("pk")
    questions = list(survey.questions.prefetch_related("options").order_by("position", "pk"))
    answers = Answer.objects.filter(response__in=response_ids)

    answered = dict(
        answers.values("question_id")
        .annotate(n=Count("id", filter=_ANSWERED, distinct=True))
        .values_list("question_id", "n")
        .order_by()
    )
    option_counts = dict(
        Answer.options.through.objects.filter(answer__response__in=response_ids)
        .values("option_id")
        .annotate(n=Count("answer_id", distinct=True))
        .values_list("option_id", "n")
        .order_by()
    )
    scale_ids = [q.pk for q in questions if q.kind == QuestionKind.SCALE]
    scale_counts: dict[int, dict[int, int]] = defaultdict(dict)
    dont_knows: dict[int, int] = defaultdict(int)
    if scale_ids:
        rows = (
            answers.filter(question_id__in=scale_ids)
            .filter(Q(scale_value__isnull=False) | Q(dont_know=True))
            .values("question_id", "scale_value", "dont_know")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in rows:
            if row["dont_know"]:
                dont_knows[row["question_id"]] += row["n"]
            else:
                scale_counts[row["question_id"]][row["scale_value"]] = row["n"]
    texts: dict[int, list[str]] = defaultdict(list)
    text_ids = [q.pk for q in questions if q.kind == QuestionKind.TEXT]
    if include_free_text and text_ids:
        rows = (
            answers.filter(question_id__in=text_ids)
            .exclude(text="")
            .order_by("response_id")
            .values_list("question_id", "text")
        )
        for question_id, text in rows:
            texts[question_id].append(text)

    count = responses.count()
    results = [
        _question_result(
            question,
            respondents=count,
            answered=answered.get(question.pk, 0),
            option_counts=option_counts,
            scale_counts=scale_counts.get(question.pk, {}),
            dont_know=dont_knows.get(question.pk, 0),
            texts=texts.get(question.pk, []) if include_free_text else None,
        )
        for question in questions
    ]
    complete = SurveyResults(
        survey=survey,
        responses=count,
        response_rate=response_rate(
            survey, responses=count, cohorts=cohorts, municipality=municipality
        ),
        questions=results,
        include_free_text=include_free_text,
    )
    return withhold(complete, minimum=minimum)


def _question_result(
    question: Question,
    *,
    respondents: int,
    answered: int,
    option_counts: dict[int, int],
    scale_counts: dict[int, int],
    dont_know: int,
    texts: list[str] | None,
) -> QuestionResult:
    result = QuestionResult(
        question=question, answered=answered, texts=texts, respondents=respondents
    )
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        for option in question.options.all():
            n = option_counts.get(option.pk, 0)
            result.options.append(
                OptionCount(text=option.text, count=n, percent=percent(n, answered))
            )
    elif question.kind == QuestionKind.SCALE:
        highest = question.scale_max or 0
        # A value outside 1..N (the scale was never changed after answers, but be safe) is
        # still counted in the mean and median and shown in its own row.
        values = sorted(set(range(1, highest + 1)) | set(scale_counts))
        for value in values:
            n = scale_counts.get(value, 0)
            label = ""
            if value == 1:
                label = question.scale_min_label
            elif value == highest:
                label = question.scale_max_label
            result.options.append(
                OptionCount(
                    text=str(value), count=n, percent=percent(n, answered), value=value, label=label
                )
            )
        if question.allow_dont_know or dont_know:
            result.options.append(
                OptionCount(
                    text=_("Don't know"),
                    count=dont_know,
                    percent=percent(dont_know, answered),
                    is_dont_know=True,
                )
            )
        result.numeric = sum(scale_counts.values())
        result.dont_know = dont_know
        result.mean, result.median = mean_and_median(scale_counts)
    return result
