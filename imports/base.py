"""What every kind of import shares: the columns as a django-import-export `Resource` whose
fields clean the cells, the check of a whole file, and the rule for when it may be written."""

from __future__ import annotations

from collections.abc import Callable

import pgtrigger
from django.utils.translation import gettext as _
from import_export import fields, resources

from fokus.models import Project, User
from imports.outcomes import CheckResult, RowResult
from imports.reading import ImportFileError, SheetRow
from imports.widgets import CellError

Progress = Callable[[int, int], None]


def column(name: str, widget, *, required: bool = False) -> fields.Field:
    """A column of the file: its header is the field's name (`docs/import.md`)."""
    field = fields.Field(attribute=name, column_name=name, widget=widget)
    field.required_column = required
    return field


class Importer(resources.Resource):
    """One kind of file. A kind (`imports.participants`, `.ratings`, `.responses`) declares
    its columns as fields and has two methods of its own:
    `check_rows(rows, progress) -> list[RowResult]` — every row's outcome, from the database
    as it is, nothing written — and `write(result, *, batch) -> dict[str, int]` — the rows to
    write, in bulk, inside the caller's transaction (`imports.services.import_commit`)."""

    kind: str = ""
    # Columns the file may have beyond the declared fields (e.g. one per survey question).
    open_columns = False

    def __init__(self, *, project: Project, actor: User, survey_id: int | None = None):
        super().__init__()
        self.project = project
        self.actor = actor
        self.survey_id = survey_id

    # --- Columns -----------------------------------------------------------------------------
    @classmethod
    def columns(cls) -> list[fields.Field]:
        return list(cls.fields.values())

    @classmethod
    def required_columns(cls) -> list[str]:
        return [f.column_name for f in cls.columns() if getattr(f, "required_column", False)]

    def check_headers(self, headers: list[str]) -> list[str]:
        """File-level problems stop the check; unknown columns are only noted."""
        missing = [name for name in self.required_columns() if name not in headers]
        if missing:
            raise ImportFileError(
                _("The file lacks the column(s) %(columns)s. See the import guide for the columns.")
                % {"columns": ", ".join(missing)}
            )
        if self.open_columns:
            return []
        known = {f.column_name for f in self.columns()}
        unknown = [h for h in headers if h and h not in known]
        if unknown:
            return [
                _("Columns that are not imported: %(columns)s") % {"columns": ", ".join(unknown)}
            ]
        return []

    def clean_cells(self, sheet_row: SheetRow, result: RowResult) -> dict[str, object]:
        """Every declared column's value; a cell that cannot be read is an error of the row."""
        values: dict[str, object] = {}
        for field in self.columns():
            raw = sheet_row.cells.get(field.column_name, "")
            try:
                values[field.attribute] = field.widget.clean(raw)
            except CellError as error:
                result.error(f"{field.column_name}: {error}")
                result.unreadable.add(field.column_name)
                values[field.attribute] = None
        return values

    # --- The whole file ----------------------------------------------------------------------
    def check(
        self, headers: list[str], rows: list[SheetRow], progress: Progress | None = None
    ) -> CheckResult:
        notes = self.check_headers(headers)
        results = self.check_rows(rows, progress or (lambda done, total: None))
        return CheckResult(results, notes)


def without_insert_history(*models):
    """Row history (django-pghistory's triggers) for the rows an import inserts is skipped:
    each such row names its batch and its row in the file, so an insert event would only
    repeat it — and the per-row triggers cost two thirds of the write. Updates, by a
    re-import or later in the app, are in the history as always."""
    return pgtrigger.ignore(*(f"{model._meta.label}:insert_insert" for model in models))


def duplicate_keys(results: list[RowResult]) -> None:
    """The same key twice in one file is an error of the later row."""
    first_row: dict[str, int] = {}
    for result in results:
        if not result.key:
            continue
        if result.key in first_row:
            result.error(
                _("%(key)s is in row %(row)s already")
                % {"key": result.key, "row": first_row[result.key]}
            )
        else:
            first_row[result.key] = result.row
