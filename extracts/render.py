"""The register extract as a file: JSON (for machines, reproducible) and PDF (for the person).

The JSON document has two parts: `data`, which depends only on what is stored (sorted keys, a
fixed order of rows, no time of its own, so the same data gives the same bytes), and
`envelope`, which says when and by whom this copy was made. The PDF shows the same data, read
from the same dict."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from extracts.collect import Extract
from extracts.serialise import when
from fokus.models import User
from fokus.pdf import PDF_LANGUAGE, render_pdf
from participants.models import (
    ActionPlan,
    ActionPlanVersion,
    ClientMeeting,
    Enrolment,
    EnrolmentExtension,
    FollowUp,
    Goal,
    InvitationLetter,
)
from referrals.models import Consent, Referral
from reports.models import ParticipantReport
from stepladder.models import Rating, RatingCorrection
from surveys.models import Invitation, Response

FORMAT_VERSION = 1
FILENAMES = {"json": "registerutdrag.json", "pdf": "registerutdrag.pdf"}
# Columns without a label of their own (bookkeeping the forms never show).
KEY_LABELS = {
    "public_id": gettext_lazy("Identifier"),
    "edit_version": gettext_lazy("Edit version"),
    "created_at": gettext_lazy("Created"),
    "created_by": gettext_lazy("Created by"),
    "updated_at": gettext_lazy("Last changed"),
    "updated_by": gettext_lazy("Changed by"),
    "recorded_at": gettext_lazy("Recorded"),
    "recorded_by": gettext_lazy("Recorded by"),
    "submitted_at": gettext_lazy("Submitted"),
    "decided_at": gettext_lazy("Decided"),
    "decided_by": gettext_lazy("Decided by"),
    "withdrawn_at": gettext_lazy("Withdrawal recorded"),
    "withdrawn_by": gettext_lazy("Withdrawal recorded by"),
    "wait_listed_at": gettext_lazy("Wait-listed"),
    "finalised_by": gettext_lazy("Finalised by"),
    "supersedes_version": gettext_lazy("Replaces version"),
    "by": gettext_lazy("By"),
    "position": gettext_lazy("Order"),
    "language": gettext_lazy("Language"),
    "survey": gettext_lazy("Survey"),
    "project": gettext_lazy("Project"),
    "cohort": gettext_lazy("Start"),
    "parent": gettext_lazy("Part of the goal"),
}
_MOMENT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")


def data_json(data: dict) -> str:
    """The data part alone, as it appears in the document: the reproducible part."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, indent=2)


def envelope(extract: Extract, *, actor: User) -> dict:
    return {
        "document": "register extract (GDPR art. 15)",
        "format_version": FORMAT_VERSION,
        "generated_at": when(timezone.now()),
        "generated_by": actor.full_name or actor.email,
    }


def json_bytes(extract: Extract, *, actor: User) -> bytes:
    """{"data": …, "envelope": …}, with the data part exactly `data_json`'s text, so that a
    copy can be checked against another by comparing that part byte for byte."""
    about = json.dumps(envelope(extract, actor=actor), sort_keys=True, ensure_ascii=False)
    return f'{{"data": {data_json(extract.data)},\n"envelope": {about}}}\n'.encode()


def pdf_bytes(extract: Extract, *, actor: User) -> bytes:
    with translation.override(PDF_LANGUAGE):
        about = envelope(extract, actor=actor)
        context = {
            "data": extract.data,
            "envelope": about,
            "produced": _show(about["generated_at"]),
            "blocks": blocks(extract.data),
        }
    return render_pdf("extracts/extract_pdf.html", context)


# --- The PDF's blocks: headings with label/value rows, read from the data -----------------------


@dataclass
class Block:
    title: str
    level: int = 2
    rows: list[tuple[str, str]] = field(default_factory=list)
    head: list[str] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)
    empty: str = ""


def blocks(data: dict) -> list[Block]:
    out: list[Block] = []
    for referral in data["referrals"]:
        title = _("Referral to %(project)s") % {"project": referral["project"]}
        out.append(Block(title, 2, _rows(Referral, referral)))
        out.append(
            Block(
                _("Status history"),
                3,
                head=[_("Time"), _("Status"), _("By"), _("Note")],
                table=[
                    [_show(c["at"]), c.get("status_label", ""), c["by"] or "", _note(c)]
                    for c in referral["status_history"]
                ],
                empty=_("No status changes."),
            )
        )
        out += _consent(referral["consent"])
        if (participation := referral["participation"]) is not None:
            out += _participation(participation)
    out.append(
        Block(
            _("Who has accessed the information"),
            2,
            head=[_("Time"), _("User"), _("Organisation"), _("Action"), _("Object")],
            table=[
                [_show(e["at"]), e["user"], e["organisation"], e["action_label"], _object(e)]
                for e in data["access_log"]
            ],
            empty=_("No one has opened the information."),
        )
    )
    return out


def _consent(consent: dict | None) -> list[Block]:
    if consent is None:
        return [Block(_("Consent"), 3, empty=_("No consent is registered."))]
    return [
        Block(_("Consent"), 3, _rows(Consent, consent)),
        Block(
            _("Consent documents"),
            4,
            head=[_("File name"), _("Type"), _("Size (bytes)"), _("Date")],
            table=[_document(d) for d in consent["documents"]],
            empty=_("No document is stored."),
        ),
    ]


def _participation(item: dict) -> list[Block]:
    out = [Block(_("Participation"), 3, _rows(Enrolment, item))]
    out += [Block(_("Extension"), 4, _rows(EnrolmentExtension, x)) for x in item["extensions"]]
    if item["follow_up"]:
        out.append(Block(_("Follow-up after exit"), 4, _rows(FollowUp, item["follow_up"])))
    out += [
        Block(_("Client meeting %(date)s") % {"date": m["date"]}, 4, _rows(ClientMeeting, m))
        for m in item["client_meetings"]
    ]
    out.append(
        Block(
            _("Group sessions"),
            4,
            head=[_("Date"), _("Theme"), _("Attendance")],
            table=[
                [a["date"], a["theme_label"], a["status_label"]] for a in item["group_attendance"]
            ],
            empty=_("No group sessions are registered."),
        )
    )
    if plan := item["action_plan"]:
        out.append(Block(_("Action plan"), 4, _rows(ActionPlan, plan)))
        out += [Block(_("Goal"), 5, _rows(Goal, g)) for g in plan["goals"]]
        for version in plan["versions"]:
            title = _("Action plan, version %(number)s") % {"number": version["number"]}
            rows = _rows(ActionPlanVersion, version)
            rows += [(_("Goal"), g["text"]) for g in _flat_goals(version["goals"])]
            out.append(Block(title, 5, rows))
    for rating in item["step_ratings"]:
        out.append(Block(_("Step rating %(date)s") % {"date": rating["rated_on"]}, 4))
        out[-1].rows = _rows(Rating, rating)
        out += [
            Block(_("Correction"), 5, _rows(RatingCorrection, c)) for c in rating["corrections"]
        ]
    for report in item["participant_reports"]:
        out.append(
            Block(report.get("kind_label", report["kind"]), 4, _rows(ParticipantReport, report))
        )
        out[-1].rows += [(_("File"), _document_text(d)) for d in report["documents"]]
    for invitation in item["survey_answers"]:
        title = _("Survey: %(survey)s") % {"survey": invitation["survey"]}
        rows = _rows(Invitation, invitation)
        if response := invitation["response"]:
            rows += _rows(Response, response)
            rows += [(a["question"], _answer_text(a)) for a in response["answers"]]
        out.append(Block(title, 4, rows))
    out += [
        Block(_("Invitation letter"), 4, _rows(InvitationLetter, x))
        for x in item["invitation_letters"]
    ]
    return out


def _rows(model: type[models.Model], item: dict) -> list[tuple[str, str]]:
    """The item's filled-in fields, labelled as the forms label them; choices by their label."""
    rows = []
    for key, value in item.items():
        if key.endswith("_label") or isinstance(value, dict) or value in (None, "", []):
            continue
        if isinstance(value, list) and value and not isinstance(value[0], str):
            continue  # nested rows, shown as blocks of their own
        name = _label(model, key)
        rows.append((name, _show(item.get(f"{key}_label", value))))
    return rows


def _label(model: type[models.Model], key: str) -> str:
    if key in KEY_LABELS:
        return str(KEY_LABELS[key])
    try:
        return capfirst(str(model._meta.get_field(key).verbose_name))
    except FieldDoesNotExist:  # an added key, not a column
        return key.replace("_", " ")


def _show(value) -> str:
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    text = str(value)
    if _MOMENT.match(text):
        return text[:16].replace("T", " ")
    return text


def _note(change: dict) -> str:
    parts = [change.get("decline_reason_label", ""), change["note"], change["comment"]]
    return " · ".join(p for p in parts if p)


def _object(entry: dict) -> str:
    text = f"{entry['object_type']}: {entry['object']}" if entry["object"] else entry["object_type"]
    return f"{text} ({entry['detail']})" if entry["detail"] else text


def _document(document: dict) -> list[str]:
    size = document["size_bytes"]
    return [
        document["file_name"],
        document["content_type"],
        "" if size is None else str(size),
        _show(document["date"] or ""),
    ]


def _document_text(document: dict) -> str:
    return " · ".join(p for p in _document(document) if p)


def _flat_goals(goals: list[dict]) -> list[dict]:
    out = []
    for goal in goals:
        out.append(goal)
        out += _flat_goals(goal.get("sub_goals", []))
    return out


def _answer_text(answer: dict) -> str:
    parts = list(answer["options"])
    if answer["scale_value"] is not None:
        parts.append(str(answer["scale_value"]))
    if answer["dont_know"]:
        parts.append(_("Don't know"))
    if answer["text"]:
        parts.append(answer["text"])
    return ", ".join(parts)
