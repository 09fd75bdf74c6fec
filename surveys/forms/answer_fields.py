"""The answer form's fields, one class per kind of question.

Every choice field reads *all* submitted values of its name, so a tampered POST (two options for
a single choice, an option of another question, a value and "don't know" at once) gets a
message instead of being silently cut or crashing.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from surveys.answering import TEXT_MAX_LENGTH
from surveys.models import Question, QuestionKind

DONT_KNOW = "dont_know"

REQUIRED = _("This question must be answered.")


class _AllValues(forms.CheckboxSelectMultiple):
    """Hands every submitted value of the name to the field; the template does the markup."""

    def value_from_datadict(self, data, files, name):
        if hasattr(data, "getlist"):
            return data.getlist(name)
        value = data.get(name)
        if value is None:
            return []
        return list(value) if isinstance(value, list | tuple) else [value]


def submitted_values(value) -> list[str]:
    """The non-empty values submitted for a field, as strings."""
    if value in (None, ""):
        return []
    values = value if isinstance(value, list | tuple) else [value]
    return [str(v) for v in values if str(v) != ""]


class SingleChoiceField(forms.Field):
    widget = _AllValues
    default_error_messages = {
        "required": REQUIRED,
        "invalid_choice": _("Choose one of the options shown."),
        "several": _("Choose only one option."),
    }

    def __init__(self, *, question: Question, required: bool, **kwargs):
        self.options = {str(o.pk): o for o in question.options.all()}
        super().__init__(required=required, **kwargs)

    def clean(self, value):
        values = submitted_values(value)
        if not values:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        if len(values) > 1:
            raise forms.ValidationError(self.error_messages["several"], code="several")
        if values[0] not in self.options:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return [self.options[values[0]]]


class MultipleChoiceField(SingleChoiceField):
    default_error_messages = {
        "required": _("Choose at least one option."),
        "invalid_choice": _("Choose among the options shown."),
    }

    def clean(self, value):
        values = list(dict.fromkeys(submitted_values(value)))
        if not values:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        if any(v not in self.options for v in values):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return sorted((self.options[v] for v in values), key=lambda o: (o.position, o.pk))


class ScaleField(forms.Field):
    """A value 1..scale_max, or "don't know" where the question offers it; returns
    (value, dont_know)."""

    widget = _AllValues
    default_error_messages = {
        "required": REQUIRED,
        "invalid_choice": _("Choose a value from 1 to %(max)s."),
        "both": _("Choose either a value or “Don't know”, not both."),
        "several": _("Choose only one value."),
    }

    def __init__(self, *, question: Question, required: bool, **kwargs):
        self.scale_max = question.scale_max or 0
        self.allow_dont_know = question.allow_dont_know
        super().__init__(required=required, **kwargs)

    def clean(self, value):
        values = list(dict.fromkeys(submitted_values(value)))
        if not values:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return (None, False)
        invalid = forms.ValidationError(
            self.error_messages["invalid_choice"],
            code="invalid_choice",
            params={"max": self.scale_max},
        )
        if DONT_KNOW in values and self.allow_dont_know:
            if len(values) > 1:
                raise forms.ValidationError(self.error_messages["both"], code="both")
            return (None, True)
        if len(values) > 1:
            raise forms.ValidationError(self.error_messages["several"], code="several")
        # Only the exact digits 1..N: no "03", " 2", "+2" or "2.0".
        allowed = {str(n) for n in range(1, self.scale_max + 1)}
        if values[0] not in allowed:
            raise invalid
        return (int(values[0]), False)


class TextAnswerField(forms.CharField):
    default_error_messages = {
        "required": REQUIRED,
        "max_length": _("Write at most %(limit_value)d characters (you wrote %(show_value)d)."),
    }

    def __init__(self, *, question: Question, required: bool, **kwargs):
        super().__init__(
            required=required,
            max_length=TEXT_MAX_LENGTH,
            strip=True,
            widget=forms.Textarea(attrs={"rows": 4}),
            **kwargs,
        )


FIELD_CLASSES = {
    QuestionKind.SINGLE: SingleChoiceField,
    QuestionKind.MULTIPLE: MultipleChoiceField,
    QuestionKind.SCALE: ScaleField,
    QuestionKind.TEXT: TextAnswerField,
}
