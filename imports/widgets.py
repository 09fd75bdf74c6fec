"""Cells to values: django-import-export widgets whose errors are messages a coordinator can
act on (in Swedish), and which never guess — "2021-13-01", "12,5" or "²" is an error, not a
date or a number."""

from __future__ import annotations

import re
from datetime import date, datetime

from django.utils import translation
from django.utils.translation import gettext as _
from import_export.widgets import Widget

from fokus.numbers import parse_int

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


class CellError(ValueError):
    """A cell that cannot be read; the message is for the user."""


def is_empty(value: object) -> bool:
    return value is None or value == ""


class DateWidget(Widget):
    """YYYY-MM-DD, or a date cell of an Excel sheet."""

    def clean(self, value, row=None, **kwargs):
        if is_empty(value):
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        match = _ISO_DATE.fullmatch(str(value).strip())
        if match:
            try:
                return date(*(int(part) for part in match.groups()))
            except ValueError:
                pass
        raise CellError(_("'%(value)s' is not a date: write it as YYYY-MM-DD.") % {"value": value})


class IntegerWidget(Widget):
    """A whole number within limits: "1985", or 1985 from an Excel number cell."""

    def __init__(self, minimum: int, maximum: int):
        super().__init__()
        self.minimum, self.maximum = minimum, maximum

    def clean(self, value, row=None, **kwargs):
        if is_empty(value):
            return None
        number = None
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, str):
            number = parse_int(value.strip())
        if number is None or not self.minimum <= number <= self.maximum:
            raise CellError(
                _("'%(value)s' is not a whole number from %(min)s to %(max)s.")
                % {"value": value, "min": self.minimum, "max": self.maximum}
            )
        return number


class CodeWidget(Widget):
    """One of a list of codes (`TextChoices`), by its code or its label, in any case. Extra
    spellings map to codes (`aliases`), e.g. "unknown" to no value."""

    def __init__(self, choices, aliases: dict[str, str] | None = None):
        super().__init__()
        self.codes = [str(code) for code in choices.values]
        self.aliases = {key.casefold(): code for key, code in (aliases or {}).items()}
        self._by_word: dict[str, str] = {}
        for code, label in choices.choices:
            self._by_word[str(code).casefold()] = str(code)
            for language in ("sv", "en"):
                with translation.override(language):
                    self._by_word.setdefault(str(label).casefold(), str(code))

    def clean(self, value, row=None, **kwargs):
        if is_empty(value):
            return ""
        word = str(value).strip().casefold()
        if word in self.aliases:
            return self.aliases[word]
        if word in self._by_word:
            return self._by_word[word]
        raise CellError(
            _("unknown code '%(value)s'; the codes are %(codes)s")
            % {"value": value, "codes": ", ".join([*self.codes, *self.aliases])}
        )


class TextWidget(Widget):
    def __init__(self, max_length: int):
        super().__init__()
        self.max_length = max_length

    def clean(self, value, row=None, **kwargs):
        if is_empty(value):
            return ""
        text = str(value).strip()
        if len(text) > self.max_length:
            raise CellError(
                _("the text is longer than %(max)s characters") % {"max": self.max_length}
            )
        return text
