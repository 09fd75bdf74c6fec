"""Everything one federation holds about one person, found by personnummer: the register extract
(GDPR art. 15). Pure reads: nothing here writes, logs or renders.

The person is their referrals: every other row about them (consent, participation, meetings,
plan, ratings, reports, survey answers, letters) hangs off a referral, and each referral
carries the personnummer. The access log is matched on the objects found.

Each kind of row is read with one query for all the person's rows (plus its prefetches), so an
extract costs the same few queries however much is held. Lists are in a fixed order and the
data holds no time of its own, so the same rows always give the same extract."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import translation
from django.utils.translation import gettext as _

from extracts.access import access_log
from extracts.serialise import file_info, record, when
from fokus.models import Federation
from fokus.pdf import PDF_LANGUAGE
from participants.models import (
    ActionPlanVersion,
    Attendance,
    ClientMeeting,
    Enrolment,
    EnrolmentExtension,
    Goal,
    InvitationLetter,
)
from referrals.models import Referral, ReferralStatusChange
from reports.models import ParticipantReport
from stepladder.models import Rating, RatingCorrection
from surveys.models import Answer, Invitation


@dataclass
class Extract:
    federation: Federation
    data: dict
    # The rows found, by log label ("referrals.referral") → their ids as the access log has them.
    objects: dict[str, set[str]] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not self.data["referrals"]

    @property
    def referral_ids(self) -> list[str]:
        return [r["public_id"] for r in self.data["referrals"]]


def anonymous_answers_note() -> str:
    return _(
        "Answers given through an anonymous link or on paper are not connected to any person "
        "and cannot be included in this extract."
    )


def protected_identity_note() -> str:
    return _(
        "A referral registered under protected identity holds no personnummer and cannot be "
        "found by it."
    )


class _Found:
    """The log label and log id of every row put in the extract, for the access log."""

    def __init__(self):
        self.ids: dict[str, set[str]] = defaultdict(set)

    def add(self, obj) -> None:
        self.ids[obj._meta.label_lower].add(str(getattr(obj, "public_id", None) or obj.pk))


def collect(*, federation: Federation, personnummer: str) -> Extract:
    """The extract of the person with this personnummer (12 digits, as stored) in `federation`.
    Another federation's rows are never read."""
    with translation.override(PDF_LANGUAGE):
        found = _Found()
        referrals = _referrals(federation, personnummer)
        for referral in referrals:
            found.add(referral)
        enrolments = _enrolments(federation, referrals)
        participations = _participations(enrolments, found)
        items = []
        for referral in referrals:
            item = record(referral)
            item["status_history"] = [
                record(change, exclude=("referral",)) for change in referral.history.all()
            ]
            item["consent"] = _consent(referral, found)
            enrolment = enrolments.get(referral.pk)
            item["participation"] = participations.get(enrolment.pk) if enrolment else None
            items.append(item)
        data = {
            "federation": federation.name,
            "person": {
                "personnummer": f"{personnummer[:8]}-{personnummer[8:]}",
                "names": sorted({r.display_name for r in referrals}),
            },
            "referrals": items,
            "access_log": access_log(federation, found.ids) if referrals else [],
            "notes": {
                "anonymous_survey_answers": anonymous_answers_note(),
                "protected_identity": protected_identity_note(),
            },
        }
    return Extract(federation=federation, data=data, objects=dict(found.ids))


def _referrals(federation: Federation, personnummer: str) -> list[Referral]:
    history = ReferralStatusChange.objects.select_related(
        "by", "meeting__project", "cohort__municipality"
    ).order_by("at", "pk")
    return list(
        Referral.objects.filter(federation=federation, personnummer=personnummer)
        .select_related(
            "project",
            "cohort__municipality",
            "referring_agency",
            "created_by",
            "home_municipality",
            "meeting__project",
            "decided_by",
            "consent__recorded_by",
            "consent__withdrawn_by",
        )
        .prefetch_related(Prefetch("history", queryset=history))
        .order_by("created_at", "pk")
    )


def _consent(referral: Referral, found: _Found) -> dict | None:
    if not hasattr(referral, "consent"):
        return None
    consent = referral.consent
    found.add(consent)
    item = record(consent, exclude=("referral", "document"))
    document = file_info(consent.document, dated=consent.recorded_at)
    item["documents"] = [document] if document else []
    return item


def _enrolments(federation: Federation, referrals: list[Referral]) -> dict[int, Enrolment]:
    """The participation of each referral that has one, by the referral's pk."""
    rows = Enrolment.objects.filter(
        federation=federation, referral__in=[r.pk for r in referrals]
    ).select_related(
        "project",
        "cohort__municipality",
        "coordinator",
        "follow_up__recorded_by",
        "plan__updated_by",
    )
    return {row.referral_id: row for row in rows}


def _by_enrolment(rows, path: str = "enrolment_id") -> dict[int, list]:
    grouped = defaultdict(list)
    for row in rows:
        grouped[_attr(row, path)].append(row)
    return grouped


def _attr(obj, path: str):
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


def _participations(enrolments: dict[int, Enrolment], found: _Found) -> dict[int, dict]:
    """Each participation with everything recorded in it, by the enrolment's pk."""
    ids = [e.pk for e in enrolments.values()]
    if not ids:
        return {}
    extensions = _by_enrolment(
        EnrolmentExtension.objects.filter(enrolment__in=ids)
        .select_related("by")
        .order_by("at", "pk")
    )
    meetings = _by_enrolment(
        ClientMeeting.objects.filter(enrolment__in=ids)
        .select_related("recorded_by")
        .prefetch_related("coordinators", "agencies")
        .order_by("date", "start_time", "pk")
    )
    attendance = _by_enrolment(
        Attendance.objects.filter(enrolment__in=ids)
        .select_related("session")
        .order_by("session__date", "session__start_time", "pk")
    )
    goals = _by_enrolment(
        Goal.objects.filter(plan__enrolment__in=ids)
        .select_related("plan", "parent", "responsible_agency")
        .order_by("plan", "parent_id", "position", "pk"),
        "plan.enrolment_id",
    )
    versions = _by_enrolment(
        ActionPlanVersion.objects.filter(plan__enrolment__in=ids)
        .select_related("plan", "by")
        .order_by("number", "pk"),
        "plan.enrolment_id",
    )
    ratings = _by_enrolment(
        Rating.objects.filter(enrolment__in=ids)
        .select_related("step", "participant_step", "rated_by")
        .prefetch_related(
            "markers",
            Prefetch(
                "corrections",
                queryset=RatingCorrection.objects.select_related("by").order_by("at", "pk"),
            ),
        )
        .order_by("rated_on", "created_at", "pk")
    )
    reports = _by_enrolment(
        ParticipantReport.objects.filter(enrolment__in=ids)
        .select_related("created_by", "finalised_by", "supersedes")
        .prefetch_related("shared_with")
        .order_by("kind", "version", "pk")
    )
    surveys = _survey_answers(ids, found)
    letters = _by_enrolment(
        InvitationLetter.objects.filter(enrolment__in=ids)
        .select_related("contact", "created_by")
        .order_by("created_at", "pk")
    )
    out = {}
    for enrolment in enrolments.values():
        pk = enrolment.pk
        found.add(enrolment)
        item = record(enrolment, exclude=("referral",))
        item["extensions"] = _records(extensions[pk], found, exclude=("enrolment",))
        item["follow_up"] = _one_to_one(enrolment, "follow_up", found)
        item["client_meetings"] = _records(meetings[pk], found, exclude=("enrolment",))
        item["group_attendance"] = [_attendance(row, found) for row in attendance[pk]]
        item["action_plan"] = _plan(enrolment, goals[pk], versions[pk], found)
        item["step_ratings"] = [_rating(row, found) for row in ratings[pk]]
        item["participant_reports"] = [_report(row, found) for row in reports[pk]]
        item["survey_answers"] = surveys.get(pk, [])
        item["invitation_letters"] = _records(letters[pk], found, exclude=("enrolment",))
        out[pk] = item
    return out


def _records(rows, found: _Found, *, exclude: tuple[str, ...]) -> list[dict]:
    for row in rows:
        found.add(row)
    return [record(row, exclude=exclude) for row in rows]


def _one_to_one(obj, name: str, found: _Found) -> dict | None:
    if not hasattr(obj, name):
        return None
    related = getattr(obj, name)
    found.add(related)
    return record(related, exclude=("enrolment",))


def _attendance(row: Attendance, found: _Found) -> dict:
    found.add(row)
    session = row.session
    return {
        "date": when(session.date),
        "start_time": when(session.start_time),
        "duration_minutes": session.duration_minutes,
        "theme": session.theme,
        "theme_label": str(session.get_theme_display()),
        "status": row.status,
        "status_label": str(row.get_status_display()),
    }


def _plan(enrolment: Enrolment, goals: list, versions: list, found: _Found) -> dict | None:
    if not hasattr(enrolment, "plan"):
        return None
    plan = enrolment.plan
    found.add(plan)
    item = record(plan, exclude=("enrolment",))
    item["goals"] = _records(goals, found, exclude=("plan",))
    item["versions"] = _records(versions, found, exclude=("plan",))
    return item


def _rating(row: Rating, found: _Found) -> dict:
    found.add(row)
    item = record(row, exclude=("enrolment",))
    item["corrections"] = _records(list(row.corrections.all()), found, exclude=("rating",))
    return item


def _report(row: ParticipantReport, found: _Found) -> dict:
    found.add(row)
    item = record(row, exclude=("enrolment", "supersedes", "pdf", "pdf_sha256"))
    item["supersedes_version"] = row.supersedes.version if row.supersedes_id else None
    document = file_info(row.pdf, dated=row.finalised_at)
    item["documents"] = [document] if document else []
    return item


def _survey_answers(enrolment_ids: list[int], found: _Found) -> dict[int, list[dict]]:
    """Personal-link invitations and what was answered through them, per enrolment."""
    invitations = list(
        Invitation.objects.filter(enrolment__in=enrolment_ids)
        .select_related("survey", "sent_by", "response__entered_by")
        .order_by("pk")
    )
    answers = _by_enrolment(
        Answer.objects.filter(response__invitation__in=[i.pk for i in invitations])
        .select_related("question")
        .prefetch_related("options")
        .order_by("question__position", "pk"),
        "response_id",
    )
    out = defaultdict(list)
    for invitation in invitations:
        found.add(invitation)
        item = record(invitation, exclude=("enrolment", "contact"))
        response = invitation.response if hasattr(invitation, "response") else None
        if response is not None:
            found.add(response)
            item["response"] = record(
                response, exclude=("survey", "invitation", "cohort", "entered_by")
            )
            item["response"]["answers"] = [_answer(a) for a in answers[response.pk]]
        else:
            item["response"] = None
        out[invitation.enrolment_id].append(item)
    return out


def _answer(answer: Answer) -> dict:
    return {
        "question": answer.question.text,
        "options": sorted(o.text for o in answer.options.all()),
        "scale_value": answer.scale_value,
        "dont_know": answer.dont_know,
        "text": answer.text,
    }
