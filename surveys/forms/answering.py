"""The answer form, built from a survey's questions in a language, and the extra details of a
paper answer. The fields themselves are in `surveys.forms.answer_fields`.

The templates render the fields by hand (fieldsets, legends, numbering, end labels);
`AnswerForm.items` holds what they need.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort
from participants.forms.common import DATE_ERRORS, DATE_WIDGET
from surveys.answering import (
    SOURCE_LANGUAGE,
    GivenAnswer,
    available_languages,
    language_name,
    translated,
)
from surveys.forms.answer_fields import DONT_KNOW, FIELD_CLASSES, submitted_values
from surveys.models import Audience, Question, QuestionKind, Survey


@dataclass
class Choice:
    value: str
    label: str
    lang: str
    id: str


@dataclass
class QuestionItem:
    """One numbered question as the template shows it, in the chosen language."""

    number: int
    question: Question
    bound: forms.BoundField
    text: str
    text_lang: str
    help_text: str
    help_lang: str
    choices: list[Choice]
    dont_know: Choice | None
    min_label: str
    max_label: str
    min_lang: str
    max_lang: str

    @property
    def kind(self) -> str:
        return self.question.kind

    @property
    def required(self) -> bool:
        return self.bound.field.required

    @property
    def name(self) -> str:
        return self.bound.html_name

    @property
    def errors(self):
        return self.bound.errors

    @property
    def selected(self) -> list[str]:
        """The values to show as chosen (what was submitted, kept on error)."""
        return submitted_values(self.bound.value()) if self.kind != QuestionKind.TEXT else []

    @property
    def typed(self) -> str:
        if self.kind != QuestionKind.TEXT:
            return ""
        return self.bound.value() or ""

    @property
    def first_id(self) -> str:
        """Where the error summary's link for this question goes."""
        if self.kind == QuestionKind.TEXT:
            return self.bound.auto_id
        return self.choices[0].id if self.choices else self.bound.auto_id

    @property
    def help_id(self) -> str:
        return f"{self.bound.auto_id}_help" if self.help_text else ""

    @property
    def scale_id(self) -> str:
        if self.kind == QuestionKind.SCALE and (self.min_label or self.max_label):
            return f"{self.bound.auto_id}_scale"
        return ""

    @property
    def error_id(self) -> str:
        return f"{self.bound.auto_id}_error" if self.errors else ""

    @property
    def describedby(self) -> str:
        return " ".join(i for i in (self.scale_id, self.help_id, self.error_id) if i)


class AnswerForm(forms.Form):
    """One field per question, named q<question pk>. A paper answer is typed in as it is
    (`enforce_required=False`): a question the person skipped on paper stays empty."""

    def __init__(
        self,
        *args,
        questions: list[Question],
        language: str = SOURCE_LANGUAGE,
        enforce_required: bool = True,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.language = language
        for question in questions:
            self.fields[self.field_name(question)] = FIELD_CLASSES[question.kind](
                question=question, required=question.required and enforce_required
            )
        self.items = [self._item(n, q) for n, q in enumerate(questions, start=1)]

    @staticmethod
    def field_name(question: Question) -> str:
        return f"q{question.pk}"

    @property
    def total(self) -> int:
        return len(self.questions)

    @property
    def required_count(self) -> int:
        return sum(1 for item in self.items if item.required)

    @property
    def answered_count(self) -> int:
        """Questions with something submitted (for the progress line after an error)."""
        if not self.is_bound:
            return 0
        return sum(1 for item in self.items if item.selected or item.typed.strip())

    def _item(self, number: int, question: Question) -> QuestionItem:
        bound = self[self.field_name(question)]
        lang = self.language
        text, text_lang = translated(question.translations, lang, "text", question.text)
        help_text, help_lang = translated(
            question.translations, lang, "help_text", question.help_text
        )
        choices = []
        dont_know = None
        min_label = max_label = ""
        min_lang = max_lang = SOURCE_LANGUAGE
        if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            for index, option in enumerate(question.options.all()):
                label, label_lang = translated(option.translations, lang, None, option.text)
                option_id = f"{bound.auto_id}_{index}"
                choices.append(Choice(str(option.pk), label, label_lang, option_id))
        elif question.kind == QuestionKind.SCALE:
            top = question.scale_max or 0
            choices = [
                Choice(str(n), str(n), lang, f"{bound.auto_id}_{n - 1}") for n in range(1, top + 1)
            ]
            min_label, min_lang = translated(
                question.translations, lang, "scale_min_label", question.scale_min_label
            )
            max_label, max_lang = translated(
                question.translations, lang, "scale_max_label", question.scale_max_label
            )
            if question.allow_dont_know:
                dont_know = Choice(DONT_KNOW, _("Don't know"), lang, f"{bound.auto_id}_dk")
        return QuestionItem(
            number=number,
            question=question,
            bound=bound,
            text=text,
            text_lang=text_lang,
            help_text=help_text,
            help_lang=help_lang,
            choices=choices,
            dont_know=dont_know,
            min_label=min_label,
            max_label=max_label,
            min_lang=min_lang,
            max_lang=max_lang,
        )

    def clean(self):
        cleaned = super().clean()
        # An empty form is a slip of the thumb, and would use up a personal link.
        if not self.errors and all(a.is_empty for a in self.answers()):
            raise forms.ValidationError(
                _("Answer at least one question before sending."), code="empty"
            )
        return cleaned

    def answers(self) -> list[GivenAnswer]:
        """The clean answers, one per question (empty ones included); call after is_valid()."""
        given = []
        for question in self.questions:
            value = self.cleaned_data.get(self.field_name(question))
            if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
                given.append(GivenAnswer(question=question, options=list(value or [])))
            elif question.kind == QuestionKind.SCALE:
                scale_value, dont_know = value or (None, False)
                given.append(
                    GivenAnswer(question=question, scale_value=scale_value, dont_know=dont_know)
                )
            else:
                given.append(GivenAnswer(question=question, text=value or ""))
        return given


class PaperDetailsForm(forms.Form):
    """What the paper tells beyond the answers: its date, the start it came from (participant
    surveys) and the language it was filled in (when the survey has translations)."""

    answered_on = forms.DateField(
        label=_("Date on the paper"),
        required=False,
        widget=DATE_WIDGET,
        error_messages=DATE_ERRORS,
        help_text=_("Leave empty if the paper has no date."),
    )
    cohort = forms.ModelChoiceField(
        label=_("Start (cohort)"),
        queryset=None,
        required=False,
        empty_label=_("Not known"),
        help_text=_("Which start the person who answered belongs to, if you know it."),
        error_messages={"invalid_choice": _("Choose one of the project's starts.")},
    )
    language = forms.ChoiceField(
        label=_("Language of the paper"),
        required=False,
        error_messages={"invalid_choice": _("Choose one of the languages shown.")},
    )

    def __init__(self, *args, survey: Survey, **kwargs):
        kwargs.setdefault("prefix", "paper")
        super().__init__(*args, **kwargs)
        if survey.audience == Audience.PARTICIPANTS:
            self.fields["cohort"].queryset = (
                Cohort.objects.filter(project_id=survey.project_id)
                .select_related("municipality")
                .order_by("-start_date", "pk")
            )
        else:
            del self.fields["cohort"]
        languages = available_languages(survey)
        if len(languages) > 1:
            self.fields["language"].choices = [(code, language_name(code)) for code in languages]
            self.fields["language"].initial = SOURCE_LANGUAGE
        else:
            del self.fields["language"]

    def clean_answered_on(self) -> date | None:
        answered_on = self.cleaned_data.get("answered_on")
        if answered_on and answered_on > timezone.localdate():
            raise forms.ValidationError(_("The date on the paper cannot be in the future."))
        return answered_on

    def clean_language(self) -> str:
        return self.cleaned_data.get("language") or SOURCE_LANGUAGE
