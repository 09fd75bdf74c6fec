"""Every personal field of a referral and its participation, in one table, and what retention
does with it.

Anonymising a participation (`retention.services`) applies each row of `PERSONAL_DATA` to the
rows that reach the anonymised referral through `to_referral`, and the same to the rows of the
model's django-pghistory event table, so that the history forgets as well:

- `erase`: identity (name, personnummer, contact details, address): emptied.
- `mark`: free text: replaced by `MARKER` when it held something, so a reader sees that there
  was text and that it was removed (and the database's "not empty" rules still hold).
- `files`: documents under MEDIA_ROOT: deleted from disk, the name replaced by `MARKER`.
- `replace`: other values, as database expressions over the row's *old* values.

What is not listed is kept, on purpose: the aggregates the reports count (municipality,
agency, gender, birth year, dates, statuses, steps, exit reason, destination, the SUS
variables, survey choices and scales) and who among the staff did what.

Deleting a referral that never led to a participation removes the rows of `DELETE_ORDER`
(the rest goes with them by cascade) and every event row of every model listed here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Case, Expression, F, Func, IntegerField, JSONField, Q, Value, When
from django.db.models.functions import Cast, Substr

# Stored in place of removed free text. Data, not interface text: it stays as written.
MARKER = "[gallrad]"


class _JsonWithout(Func):
    """`value - '{key,…}'::text[]`: the JSON object without those keys."""

    template = "%(expressions)s - %(keys)s::text[]"

    def __init__(self, expression: str, keys: tuple[str, ...]):
        super().__init__(F(expression))
        self.extra["keys"] = "'{" + ",".join(keys) + "}'"


class _NewRandomHash(Func):
    """A fresh random 64-hex-digit value: a token hash that no token has."""

    template = "md5(random()::text || %(expressions)s::text) || md5(random()::text)"

    def __init__(self):
        super().__init__(F("pk"))


def _birth_year_kept() -> Expression:
    """The registered birth year, else the one in the personnummer (which is erased in the same
    statement: an UPDATE reads the old values)."""
    return Case(
        When(
            Q(birth_year__isnull=True) & ~Q(personnummer=""),
            then=Cast(Substr("personnummer", 1, 4), IntegerField()),
        ),
        default=F("birth_year"),
        output_field=IntegerField(),
    )


@dataclass(frozen=True)
class PersonalData:
    model: str  # "app_label.ModelName"
    to_referral: str  # lookup from the model to its referral's pk
    erase: tuple[str, ...] = ()
    mark: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    replace: dict[str, object] = field(default_factory=dict)


_AGENCY_CONTACTS = tuple(
    f"{slot}_{part}"
    for slot in ("social_services", "af", "fk", "region", "other")
    for part in ("contact", "phone")
)
_COMMENTS = tuple(
    f"{question}_comment"
    for question in (
        "far_from_labour_market",
        "long_term_unemployed",
        "needs_rehabilitation",
        "sufficient_swedish",
        "income_social_assistance",
        "income_activity_support",
        "income_sickness_compensation",
        "income_sickness_benefit",
        "income_study_support",
        "income_salary",
        "income_other",
    )
)

PERSONAL_DATA: tuple[PersonalData, ...] = (
    # --- referrals ---------------------------------------------------------------------------
    PersonalData(
        "referrals.Referral",
        "pk",
        erase=(
            "personnummer",
            "street_address",
            "postal_code",
            "city",
            "email",
            "phone",
            *_AGENCY_CONTACTS,
            "officer_name",
            "officer_email",
            "officer_phone",
            "officer_workplace",
        ),
        mark=(
            "name",
            "alias",
            "last_employment",
            *_COMMENTS,
            "background",
            "purpose",
            "important_to_know",
            "previous_interventions",
            "ongoing_interventions_elsewhere",
            "eligibility_comment",
            "decision_comment",
            "withdrawal_reason",
        ),
        replace={"birth_year": _birth_year_kept()},
    ),
    PersonalData("referrals.ReferralStatusChange", "referral", mark=("note", "comment")),
    PersonalData(
        "referrals.Consent",
        "referral",
        mark=("place", "withdrawal_note"),
        files=("document",),
    ),
    # --- participants ------------------------------------------------------------------------
    PersonalData("participants.Enrolment", "referral", mark=("receiving_party", "exit_plan")),
    PersonalData("participants.EnrolmentExtension", "enrolment__referral", mark=("reason",)),
    PersonalData("participants.FollowUp", "enrolment__referral", mark=("comment",)),
    PersonalData(
        "participants.InvitationLetter",
        "enrolment__referral",
        mark=("intake_place", "group_place", "message"),
    ),
    PersonalData(
        "participants.ClientMeeting",
        "enrolment__referral",
        mark=("other_attendees", "notes", "next_step"),
    ),
    PersonalData("participants.Attendance", "enrolment__referral"),
    PersonalData("participants.ActionPlan", "enrolment__referral"),
    PersonalData("participants.Goal", "plan__enrolment__referral", mark=("text",)),
    PersonalData(
        "participants.ActionPlanVersion",
        "plan__enrolment__referral",
        mark=("summary",),
        replace={"goals": Value([], output_field=JSONField())},
    ),
    # --- stepladder --------------------------------------------------------------------------
    PersonalData("stepladder.Rating", "enrolment__referral", mark=("comment", "disagreement_note")),
    PersonalData(
        "stepladder.RatingCorrection",
        "rating__enrolment__referral",
        mark=("reason",),
        replace={"before": _JsonWithout("before", ("comment", "disagreement_note"))},
    ),
    # --- reports -----------------------------------------------------------------------------
    PersonalData(
        "reports.ParticipantReport",
        "enrolment__referral",
        mark=("mapping", "summary", "recommendations"),
        files=("pdf",),
        replace={"pdf_sha256": Value("")},
    ),
    # --- surveys: a participant's personal link and the free text answered through it ---------
    PersonalData(
        "surveys.Invitation", "enrolment__referral", replace={"token_hash": _NewRandomHash()}
    ),
    PersonalData("surveys.Answer", "response__invitation__enrolment__referral", mark=("text",)),
)

# A referral that is deleted: these first, in this order (each protects the next); the rest
# of the table goes with them by cascade.
DELETE_ORDER: tuple[tuple[str, str], ...] = (
    ("surveys.Response", "invitation__enrolment__referral"),
    ("surveys.Invitation", "enrolment__referral"),
    ("reports.ParticipantReport", "enrolment__referral"),
    ("participants.Enrolment", "referral"),
    ("referrals.Referral", "pk"),
)
