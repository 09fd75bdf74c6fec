"""How long a free text may be: one limit per kind of text, here and nowhere else.

These texts end up in PDFs (reports, letters) and pages that lay them out, and WeasyPrint's
time grows with the text: a 216 KB narrative took 8.4 s to render. The forms refuse a longer
text with a message giving the limit and the text's length (and keep the text, so it can be
shortened); the services refuse it too (`check_lengths`), so an import or any other caller
cannot pass a form's limit by.

Lengths are counted as the person sees them: a line break is one character, also when the
browser sends it as CR LF.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import BaseValidator
from django.db.models import Model, TextField
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# A report's section: the follow-up and exit reports' texts, the final and interim reports'.
NARRATIVE = 10_000
# Notes and case texts: meeting notes, a referral's free texts, a free-text survey answer.
NOTE = 5_000
# A plan: the plan after exit.
PLAN = 4_000
# A short text: a goal, a letter's personal message, who receives the person at exit.
SHORT = 2_000

TOO_LONG = gettext_lazy(
    "The text is too long: %(show_value)d characters, and at most %(limit_value)d are "
    "allowed. Shorten it and save again."
)


def length(text: str) -> int:
    return len(text.replace("\r\n", "\n"))


class TextLengthValidator(BaseValidator):
    message = TOO_LONG
    code = "max_length"

    def compare(self, a, b):
        return a > b

    def clean(self, x):
        return length(x)


def limit_field(field: forms.Field, limit: int) -> forms.Field:
    """Give a form's text field the limit (for fields a ModelForm makes)."""
    field.validators.append(TextLengthValidator(limit))
    field.error_messages["max_length"] = TOO_LONG
    return field


def text_field(limit: int, **kwargs) -> forms.CharField:
    """An optional multi-line text field with the limit. No maxlength attribute: a browser
    would cut a pasted text short without a word; the server says how long it is instead."""
    kwargs.setdefault("required", False)
    kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4}))
    return limit_field(forms.CharField(**kwargs), limit)


def too_long(text: str, limit: int) -> str:
    return TOO_LONG % {"show_value": length(text), "limit_value": limit}


def over_limit(**texts: tuple[str | None, int]) -> dict[str, str]:
    """{name: message} for each `name=(text, limit)` whose text is longer than its limit: for a
    service whose errors are keyed by its form's field names."""
    return {
        name: too_long(text, limit)
        for name, (text, limit) in texts.items()
        if text and length(text) > limit
    }


def text_fields(model: type[Model]) -> list[str]:
    """The names of the model's free-text (TextField) columns."""
    return [f.name for f in model._meta.concrete_fields if isinstance(f, TextField)]


def check_lengths(
    error: type[ValidationError], model: type[Model], limit: int, **texts: str | None
) -> None:
    """Raise `error` naming the first text (a field of `model`) longer than `limit`."""
    for name, text in texts.items():
        if text and length(text) > limit:
            label = capfirst(model._meta.get_field(name).verbose_name)
            raise error(
                _(
                    "%(field)s is too long: %(length)d characters, and at most %(limit)d are "
                    "allowed."
                )
                % {"field": label, "length": length(text), "limit": limit}
            )
