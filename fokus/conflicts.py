"""No lost updates: an edit form carries the version of the row it was loaded with, and the
service refuses the save when someone else has saved the row since.

A row that can be edited by two people at once has an `edit_version` column (not `version`:
a participant report's `version` is its re-issue number and an action plan's its plan
version). Its service locks the row, calls `check` with the version the form was loaded with
and the values it is about to write, and sets `edit_version` one higher when it saves. The view
catches `ConflictError`, calls `keep_for_second_save` and renders the form again with status
409; `templates/_conflict.html` shows what changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fokus.numbers import parse_int

VERSION_FIELD = "edit_version"
# The status a view answers a conflict with: the form comes back, nothing was saved.
CONFLICT_STATUS = 409


def version_column() -> models.PositiveIntegerField:
    return models.PositiveIntegerField(
        gettext_lazy("edit version"),
        default=1,
        editable=False,
        help_text=gettext_lazy("Raised by every save: an edit form loaded earlier is refused."),
    )


def has_version(model: type[models.Model]) -> bool:
    return any(field.name == VERSION_FIELD for field in model._meta.concrete_fields)


class VersionField(forms.Field):
    """The hidden form field with the version the user loaded. Empty: no check (a new row);
    0: there was no row yet when the form was loaded (a narrative written on first save).
    Read with `parse_int`: only ASCII digits, so a hand-made value is refused, not guessed."""

    widget = forms.HiddenInput
    default_error_messages = {
        "invalid": gettext_lazy(
            "The form was out of date. Open the page again and make your changes."
        )
    }

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        number = parse_int(str(value).strip())
        if number is None or number > 2**31 - 1:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


def version_field() -> VersionField:
    return VersionField()


@dataclass(frozen=True)
class Change:
    label: str
    theirs: str
    yours: str


class ConflictError(ValidationError):
    """Someone else saved the row after the user loaded it; nothing was written.

    `changes`: the fields where the stored values differ from the user's; `version`: the
    stored version, which the form carries from now on so that saving again overwrites."""

    def __init__(self, *, changes: list[Change], version: int):
        super().__init__(_("Someone else saved changes while you were editing."))
        self.changes = changes
        self.version = version


def _key(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.QuerySet | list | set | tuple):
        return {_key(item) for item in value}
    if value == "":
        return None
    return value


def _shown(field: models.Field, value: Any) -> str:
    if isinstance(value, models.QuerySet | list | set | tuple):
        return ", ".join(sorted(str(item) for item in value)) or "–"
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _stored(obj: models.Model, field: models.Field) -> Any:
    if field.many_to_many:
        return list(getattr(obj, field.name).all()) if obj.pk else []
    return getattr(obj, field.name)


def check(stored: models.Model, *, version: int | None, yours: Mapping[str, Any]) -> None:
    """Raise ConflictError when `stored` (locked by the caller) has been saved since the user
    loaded `version`, and writing `yours` (values by field name) would replace what was saved
    then. Without a version (a caller outside a form, a new row) there is nothing to check;
    a newer version whose values all equal the user's loses nothing, so it is no conflict."""
    current = getattr(stored, VERSION_FIELD)
    if version is None or version == current:
        return
    changes = []
    for name, value in yours.items():
        field = stored._meta.get_field(name)
        theirs = _stored(stored, field)
        if _key(theirs) != _key(value):
            changes.append(
                Change(
                    label=capfirst(str(field.verbose_name)),
                    theirs=_shown(field, theirs),
                    yours=_shown(field, value),
                )
            )
    if changes:
        raise ConflictError(changes=changes, version=current)


def next_version(stored: models.Model) -> int:
    return getattr(stored, VERSION_FIELD) + 1


def keep_for_second_save(form: forms.Form, conflict: ConflictError) -> None:
    """Keep what the user typed, show the banner, and let a deliberate second save overwrite:
    the bound form now carries the stored version."""
    data = form.data.copy()
    data[form.add_prefix("version")] = str(conflict.version)
    form.data = data
    form.conflict = conflict
