"""A survey's questions as the editor hands them over: `QuestionData`, the limits, and what
makes a question impossible to save (`question_problems`).

The form shows the problems next to the fields; the services refuse a question that has any
(`check_questions`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from surveys.models import QuestionKind, Survey

MAX_QUESTIONS = 60
MAX_OPTIONS = 20
SCALE_MAX_RANGE = (2, 10)  # the highest value of a scale; it always starts at 1
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)


@dataclass(frozen=True)
class QuestionData:
    """One question as the editor hands it over. `source_id` is the question it was edited
    from (a pk of the same survey), used to keep its translations and its rows' identity."""

    kind: str
    text: str
    help_text: str = ""
    required: bool = False
    scale_max: int | None = None
    scale_min_label: str = ""
    scale_max_label: str = ""
    allow_dont_know: bool = False
    options: list[str] = field(default_factory=list)
    source_id: int | None = None


def questions_of(survey: Survey) -> list[QuestionData]:
    """The survey's questions in order, e.g. to prefill the editor. Two queries."""
    return [
        QuestionData(
            kind=q.kind,
            text=q.text,
            help_text=q.help_text,
            required=q.required,
            scale_max=q.scale_max,
            scale_min_label=q.scale_min_label,
            scale_max_label=q.scale_max_label,
            allow_dont_know=q.allow_dont_know,
            options=[option.text for option in q.options.all()],
            source_id=q.pk,
        )
        for q in survey.questions.prefetch_related("options")
    ]


def question_problems(data: QuestionData) -> dict[str, str]:
    """What is wrong with a question, as {field: message}; empty when it can be saved."""
    problems: dict[str, str] = {}
    if not data.text.strip():
        problems["text"] = _("Write the question.")
    if data.kind not in QuestionKind.values:
        problems["kind"] = _("Choose a type of question.")
        return problems
    if data.kind in CHOICE_KINDS:
        if len(data.options) < 2:
            problems["options"] = _("A choice question needs at least two options, one per line.")
        elif len(data.options) > MAX_OPTIONS:
            problems["options"] = _("A question can have at most %(limit)d options.") % {
                "limit": MAX_OPTIONS
            }
        elif len(set(data.options)) != len(data.options):
            problems["options"] = _("Each option must be different.")
    elif data.options:
        problems["options"] = (
            _("A free-text question has no options: empty the box or choose another type.")
            if data.kind == QuestionKind.TEXT
            else _("A scale has no options: empty the box or choose another type.")
        )
    if data.kind == QuestionKind.SCALE:
        low, high = SCALE_MAX_RANGE
        if data.scale_max is None or not low <= data.scale_max <= high:
            problems["scale_max"] = _(
                "Enter the highest value of the scale, a whole number from %(low)d to %(high)d."
            ) % {"low": low, "high": high}
        if not data.scale_min_label.strip():
            problems["scale_min_label"] = _("Write what the lowest value (1) means.")
        if not data.scale_max_label.strip():
            problems["scale_max_label"] = _("Write what the highest value means.")
    return problems


def check_questions(questions: list[QuestionData]) -> None:
    """ValueError unless the list can be saved: the form has already said why to the user."""
    if not questions:
        raise ValueError("a survey needs at least one question")
    if len(questions) > MAX_QUESTIONS:
        raise ValueError(f"a survey has at most {MAX_QUESTIONS} questions")
    for data in questions:
        if problems := question_problems(data):
            raise ValueError(f"invalid question {data.text[:40]!r}: {problems}")
