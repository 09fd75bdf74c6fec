"""Rows as plain, stable JSON values for the register extract: every stored field by its column
name, dates in ISO 8601, related rows by their name, choices as their code with the Swedish
label beside it. The same rows always give the same values, so the extract is reproducible."""

from __future__ import annotations

import mimetypes
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import PurePosixPath
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models.fields.files import FieldFile

from fokus.models import User

# Never part of an extract: secrets that are not information about the person.
SECRET_FIELDS = {"token_hash", "password"}


def when(value) -> str | None:
    """ISO 8601: a date as YYYY-MM-DD, a time to the second, a moment in Swedish time with its
    offset (the same moment always gives the same text)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(ZoneInfo(settings.TIME_ZONE)).isoformat(timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    raise TypeError(value)


def label(related: models.Model | None) -> str | None:
    """A related row as a person reads it: a user by name, anything else by its str()."""
    if related is None:
        return None
    if isinstance(related, User):
        return related.full_name or related.email
    return str(related)


def file_info(document: FieldFile, *, dated) -> dict | None:
    """A stored file listed, never its bytes: name, type, size and date."""
    if not document:
        return None
    name = PurePosixPath(document.name).name
    try:
        size = document.size
    except OSError:  # listed in the database, missing on disk: still listed
        size = None
    return {
        "file_name": name,
        "content_type": mimetypes.guess_type(name)[0] or "application/octet-stream",
        "size_bytes": size,
        "date": when(dated),
    }


def plain(value):
    if isinstance(value, date | time | datetime):
        return when(value)
    if isinstance(value, Decimal):
        return str(value)
    return value


def record(obj: models.Model, *, exclude: tuple[str, ...] = ()) -> dict:
    """Every stored field of `obj` but its key, its tenant and `exclude`: foreign keys by the
    related row's name (select them with the row), many-to-many by the sorted names (prefetch
    them), choices with a `<field>_label`, files by `file_info`."""
    skipped = {"id", "federation", *SECRET_FIELDS, *exclude}
    out: dict = {}
    for field in obj._meta.concrete_fields:
        if field.name in skipped:
            continue
        if field.is_relation:
            out[field.name] = label(getattr(obj, field.name))
            continue
        value = getattr(obj, field.attname)
        if isinstance(value, FieldFile):
            out[field.name] = file_info(value, dated=None)
            continue
        out[field.name] = str(value) if field.name == "public_id" else plain(value)
        if field.choices and value not in (None, ""):
            out[f"{field.name}_label"] = str(getattr(obj, f"get_{field.name}_display")())
    for field in obj._meta.many_to_many:
        if field.name not in skipped:
            out[field.name] = sorted(label(r) for r in getattr(obj, field.name).all())
    return out
