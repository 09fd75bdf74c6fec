"""Forms of the survey editor: the survey's texts and settings, and its questions.

The questions are edited on one page without JavaScript: a fieldset per question (type,
text, help text, required, the options in a text area one per line, and for a scale its
highest value, end labels and "don't know"), a position number to reorder them and a box to
remove one. Empty rows are skipped, so new questions are added in the empty rows at the end
("More rows" adds more).
"""

from __future__ import annotations

from django import forms
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import gettext_lazy as _

from surveys.models import Audience, Option, Question, QuestionKind, Survey
from surveys.questions import (
    MAX_OPTIONS,
    MAX_QUESTIONS,
    SCALE_MAX_RANGE,
    QuestionData,
    question_problems,
)

PREFIX = "questions"
EXTRA_ROWS = 2  # empty rows after the survey's questions
ADD_ROWS = 3  # rows added by the "more rows" button

_OPTION_MAX = Option._meta.get_field("text").max_length
_LABEL_MAX = Question._meta.get_field("scale_min_label").max_length
_HELP_MAX = Question._meta.get_field("help_text").max_length
_LABELS = ("scale_min_label", "scale_max_label")


class SurveyForm(forms.Form):
    """Name, texts and settings: these may change even when the survey has answers."""

    name = forms.CharField(
        label=_("Name"),
        max_length=Survey._meta.get_field("name").max_length,
        error_messages={
            "required": _("Enter a name for the survey."),
            "max_length": _("Use at most %(limit_value)d characters for the name."),
        },
    )
    introduction = forms.CharField(
        label=_("Introduction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown above the questions: why we ask, and how long it takes."),
    )
    thanks = forms.CharField(
        label=_("Thank-you text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown when the answers have been sent."),
    )
    is_open = forms.BooleanField(
        label=_("Open for answers"),
        required=False,
        help_text=_("A closed survey takes no more answers; its results are kept."),
    )
    follows_individuals = forms.BooleanField(
        label=_("Follow individual participants"),
        required=False,
        help_text=_(
            "Offers a personal link per participant besides the cohort's anonymous link. "
            "Answers given through a personal link are linked to the person and are then "
            "personal data."
        ),
    )

    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey = survey
        if survey.audience != Audience.PARTICIPANTS:
            # Partners always answer through their personal link.
            del self.fields["follows_individuals"]

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Enter a name for the survey."), code="required")
        return name

    def clean_introduction(self) -> str:
        return self.cleaned_data["introduction"].strip()

    def clean_thanks(self) -> str:
        return self.cleaned_data["thanks"].strip()

    def values(self) -> dict:
        """The keyword arguments of `survey_update`; call after is_valid()."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "introduction": data["introduction"],
            "thanks": data["thanks"],
            "is_open": data["is_open"],
            "follows_individuals": data.get("follows_individuals", self.survey.follows_individuals),
        }


def survey_initial(survey: Survey) -> dict:
    return {
        "name": survey.name,
        "introduction": survey.introduction,
        "thanks": survey.thanks,
        "is_open": survey.is_open,
        "follows_individuals": survey.follows_individuals,
    }


class QuestionForm(forms.Form):
    """One question. Every field is optional here: an empty row is skipped, and the rules of
    each type (`question_problems`) are checked only on rows that have something in them."""

    source_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        label=_("Type of question"),
        choices=QuestionKind.choices,
        initial=QuestionKind.SINGLE,
        error_messages={"invalid_choice": _("Choose one of the types in the list.")},
    )
    text = forms.CharField(
        label=_("Question"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    help_text = forms.CharField(
        label=_("Help text"),
        required=False,
        max_length=_HELP_MAX,
        help_text=_("Optional. Shown under the question, e.g. how to think when answering."),
        error_messages={"max_length": _("Use at most %(limit_value)d characters.")},
    )
    required = forms.BooleanField(
        label=_("Required"),
        required=False,
        help_text=_("The form cannot be sent without an answer to this question."),
    )
    options = forms.CharField(
        label=_("Options, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Single and multiple choice only: at least two, in the order shown."),
    )
    scale_max = forms.IntegerField(
        label=_("Highest value of the scale"),
        required=False,
        min_value=SCALE_MAX_RANGE[0],
        max_value=SCALE_MAX_RANGE[1],
        help_text=_("Scales only: the scale runs from 1 to this value (2–10), e.g. 4."),
        error_messages={
            "invalid": _("Enter a whole number from 2 to 10."),
            "min_value": _("Enter a whole number from 2 to 10."),
            "max_value": _("Enter a whole number from 2 to 10."),
        },
    )
    scale_min_label = forms.CharField(
        label=_("Label of the lowest value (1)"),
        required=False,
        max_length=_LABEL_MAX,
        help_text=_("Scales only, e.g. “Hard”."),
        error_messages={"max_length": _("Use at most %(limit_value)d characters.")},
    )
    scale_max_label = forms.CharField(
        label=_("Label of the highest value"),
        required=False,
        max_length=_LABEL_MAX,
        help_text=_("Scales only, e.g. “Easy”."),
        error_messages={"max_length": _("Use at most %(limit_value)d characters.")},
    )
    allow_dont_know = forms.BooleanField(
        label=_("Offer “Don't know”"),
        required=False,
        help_text=_("Scales only: an answer that counts as answered but not in the mean."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scale_max"].widget.attrs.update(inputmode="numeric")

    def clean_text(self) -> str:
        return self.cleaned_data["text"].strip()

    def clean_help_text(self) -> str:
        return " ".join(self.cleaned_data["help_text"].split())

    def clean_scale_min_label(self) -> str:
        return " ".join(self.cleaned_data["scale_min_label"].split())

    def clean_scale_max_label(self) -> str:
        return " ".join(self.cleaned_data["scale_max_label"].split())

    def clean_options(self) -> list[str]:
        options = [" ".join(line.split()) for line in self.cleaned_data["options"].splitlines()]
        options = [text for text in options if text]
        too_long = [text for text in options if len(text) > _OPTION_MAX]
        if too_long:
            raise forms.ValidationError(
                _("An option can have at most %(limit)d characters: shorten “%(option)s…”."),
                params={"limit": _OPTION_MAX, "option": too_long[0][:40]},
            )
        if len(options) > MAX_OPTIONS:
            raise forms.ValidationError(
                _("A question can have at most %(limit)d options."), params={"limit": MAX_OPTIONS}
            )
        duplicates = [text for i, text in enumerate(options) if text in options[:i]]
        if duplicates:
            raise forms.ValidationError(
                _("Each option must be different: “%(option)s” is there twice."),
                params={"option": duplicates[0][:40]},
            )
        return options

    def clean(self):
        cleaned = super().clean()
        content = ("text", "help_text", "options", "scale_max") + _LABELS
        self.is_blank = not any(cleaned.get(key) for key in content) and not any(
            self.has_error(key) for key in content
        )
        if self.is_blank:
            return cleaned
        for name, message in question_problems(self.question()).items():
            if name in self.fields and not self.has_error(name):
                self.add_error(name, message)
        return cleaned

    def question(self) -> QuestionData:
        data = self.cleaned_data
        kind = data.get("kind", "")
        is_scale = kind == QuestionKind.SCALE
        return QuestionData(
            kind=kind,
            text=data.get("text", ""),
            help_text=data.get("help_text", ""),
            required=bool(data.get("required")),
            # Only a scale keeps its scale settings; they are left out of other types.
            scale_max=data.get("scale_max") if is_scale else None,
            scale_min_label=data.get("scale_min_label", "") if is_scale else "",
            scale_max_label=data.get("scale_max_label", "") if is_scale else "",
            allow_dont_know=bool(data.get("allow_dont_know")) and is_scale,
            options=data.get("options") or [],
            source_id=data.get("source_id"),
        )


class BaseQuestionFormSet(BaseFormSet):
    default_error_messages = {
        "missing_management_form": _(
            "The form was incomplete. Reload the page and enter the questions again."
        ),
        "too_many_forms": _("A survey can have at most %(num)d questions."),
        "too_few_forms": _("A survey needs at least %(num)d question."),
    }

    def __init__(self, *args, rows: int | None = None, **kwargs):
        kwargs.setdefault("prefix", PREFIX)
        super().__init__(*args, **kwargs)
        if rows is not None:
            self.extra = max(0, min(rows, MAX_QUESTIONS) - len(self.initial or []))

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["ORDER"].label = _("Position")
        form.fields["ORDER"].help_text = _("Change the numbers to put the questions in order.")
        form.fields["ORDER"].error_messages["invalid"] = _("Enter a whole number.")
        form.fields["DELETE"].label = _("Remove this question")

    def _kept(self) -> list[tuple[int, forms.Form]]:
        """(row, form) of the filled rows that are not removed, in the order asked for: by
        position number, rows without a number last, ties in row order."""
        kept = [
            (index, form)
            for index, form in enumerate(self.forms)
            if not getattr(form, "is_blank", True) and not self._should_delete_form(form)
        ]

        def key(item):
            index, form = item
            order = form.cleaned_data.get("ORDER")
            return (order is None, order if order is not None else 0, index)

        return sorted(kept, key=key)

    def clean(self):
        if any(self.errors):
            return
        kept = self._kept()
        if not kept:
            raise forms.ValidationError(
                _("A survey needs at least one question: fill in at least one row.")
            )
        if len(kept) > MAX_QUESTIONS:
            raise forms.ValidationError(
                _("A survey can have at most %(num)d questions."), params={"num": MAX_QUESTIONS}
            )

    def questions(self) -> list[QuestionData]:
        """The filled rows in the order asked for; call after is_valid()."""
        return [form.question() for _index, form in self._kept()]


QuestionFormSet = formset_factory(
    QuestionForm,
    formset=BaseQuestionFormSet,
    extra=0,
    can_order=True,
    can_delete=True,
    max_num=MAX_QUESTIONS,
    absolute_max=MAX_QUESTIONS,
)


def question_initial(questions: list[QuestionData]) -> list[dict]:
    return [
        {
            "source_id": q.source_id,
            "kind": q.kind,
            "text": q.text,
            "help_text": q.help_text,
            "required": q.required,
            "options": "\n".join(q.options),
            "scale_max": q.scale_max,
            "scale_min_label": q.scale_min_label,
            "scale_max_label": q.scale_max_label,
            "allow_dont_know": q.allow_dont_know,
        }
        for q in questions
    ]


def with_more_rows(data):
    """The posted data with ADD_ROWS more empty rows (at most MAX_QUESTIONS in all), for the
    "More rows" button that works without JavaScript."""
    data = data.copy()
    key = f"{PREFIX}-TOTAL_FORMS"
    try:
        total = int(data.get(key, 0))
    except (TypeError, ValueError):
        total = 0
    data[key] = str(max(0, min(total + ADD_ROWS, MAX_QUESTIONS)))
    return data
