"""What the dry run says about each row, kept on the batch as JSON for the preview page."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Outcome(models.TextChoices):
    NEW = "new", gettext_lazy("New")
    UPDATED = "updated", gettext_lazy("Updated")
    UNCHANGED = "unchanged", gettext_lazy("Unchanged")
    ERROR = "error", gettext_lazy("Error")


@dataclass
class RowResult:
    row: int
    key: str
    outcome: str = Outcome.NEW
    messages: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    # Columns whose cell could not be read: the row has their error already, so they are not
    # reported as missing too.
    unreadable: set[str] = field(default_factory=set)
    # What the write step needs for this row; not part of the preview.
    payload: object = None

    def error(self, message: str) -> None:
        self.outcome = Outcome.ERROR
        self.messages.append(message)

    @property
    def is_error(self) -> bool:
        return self.outcome == Outcome.ERROR

    @property
    def writes(self) -> bool:
        return self.outcome in (Outcome.NEW, Outcome.UPDATED)

    def line(self) -> str:
        """One line for the command line: "rad 17: okänd kommun 'Almhult' — menade du
        Älmhult?" for an error, "rad 18: ny" or "rad 19: ändrad — ändras: …" for the others."""
        prefix = _("row %(row)s:") % {"row": self.row}
        if self.is_error:
            return f"{prefix} {'; '.join(self.messages)}"
        text = f"{prefix} {Outcome(self.outcome).label.lower()}"
        details = self.messages + self.changes
        return f"{text} — {'; '.join(details)}" if details else text

    def as_json(self) -> dict:
        return {
            "row": self.row,
            "key": self.key,
            "outcome": self.outcome,
            "messages": self.messages,
            "changes": self.changes,
        }


@dataclass
class CheckResult:
    """A whole file checked: its rows' outcomes and the notes that concern the file."""

    rows: list[RowResult]
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts = {outcome.value: 0 for outcome in Outcome}
        for row in self.rows:
            counts[row.outcome] += 1
        return counts

    @property
    def has_errors(self) -> bool:
        return any(row.is_error for row in self.rows)

    @property
    def to_write(self) -> list[RowResult]:
        return [row for row in self.rows if row.writes]

    def as_json(self) -> dict:
        return {
            "counts": self.counts(),
            "notes": self.notes,
            "rows": [row.as_json() for row in self.rows],
        }
