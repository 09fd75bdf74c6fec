"""Bringing a project's history in from spreadsheets (CSV or XLSX): participants, step
ratings and survey responses.

The flow is upload → dry run (every row's outcome, nothing written) → confirm → one
transaction. Each kind is one module (`participants`, `ratings`, `responses`) that checks a
file's rows against the database and writes the valid ones in bulk; `services` runs them for
a batch (`fokus.models.ImportBatch`), `jobs` in the background, `views` and the
`import_data` command are the two ways in. Imported history keeps the dates of its file and
stays quiet: no e-mails, no due items already past, none of the rules meant for live entry
(see docs/import.md).
"""
