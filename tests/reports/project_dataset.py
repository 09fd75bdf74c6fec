"""A constructed project for the final and interim report tests, small enough to count by hand.

Project "Insats A" (2026-01-01 – 2027-12-31) of federation A, municipalities Ekeby and
Norrvik, agencies Arbetsförmedlingen (AF), Försäkringskassan (FK) and Ekeby socialtjänst (SOC).

Starts: Ekeby 2026-03-02 (12 weeks, 1 session a week, 180 min, 2 talks, 12 months) and Norrvik
2026-09-07 (8 weeks, 2 a week, 150 min, 3 talks, 9 months).

Participants (gender, agency, ratings at enrolment → exit, exit, follow-up). Each planned exit
date is the first of the month a year after the enrolment: Ekeby 2027-03-01, Norrvik
2027-09-01, the rolling intake 2027-05-01.

    Ekeby start, enrolled 2026-03-02
      E1 woman  AF   1 → 4  2026-12-15 work / work without subsidy   follow-up: yes, salary
      E2 woman  FK   2 → 3  2027-02-01 health / none                  follow-up: no, sjuk-/akt.
      E3 man    AF   1 → 5  2027-03-01 studies / studies              follow-up not done
                            (on the planned exit date: not early)
      E4 man    SOC  1      active
      E5 (none) FK   2      active
      W1 man    AF   1      consent withdrawn: counted nowhere but in the referrals
    Norrvik start, enrolled 2026-09-07
      N1 woman  AF   1 → 6  2027-12-31 completed period / subsidised  follow-up not done
                            (after the planned exit date: not early; on the project's
                            last day)
      N2 man    SOC  3 → 4  2027-06-15 work training / other programme  follow-up: yes, akt.stöd
      N3 man    AF   2, then 3 (regular)  active
      A1 woman  FK   accepted, never started
    Rolling intake (no start), home Norrvik, enrolled 2026-05-01
      R1 woman  FK   3      active
    Referrals only: D1 AF Ekeby declined (submitted 2026-02-10); a draft (AF Ekeby); one
    submitted 2025-12-15, before the project (AF Ekeby).

Worked out by hand, for the project period:

    Participants  Ekeby   women 2 (E1 E2)  men 2 (E3 E4)  other 1 (E5)  all 5
                  Norrvik women 2 (N1 R1)  men 2 (N2 N3)  other 0       all 4
                  Total   4 4 1 9
    Referrals     AF  Ekeby 4 (E1 E3 W1 D1)  Norrvik 2 (N1 N3)  6
                  SOC Ekeby 1 (E4)           Norrvik 1 (N2)     2
                  FK  Ekeby 2 (E2 E5)        Norrvik 2 (R1 A1)  4
                  Total 7 5 12
    Steps         Ekeby   at enrolment (1+2+1+1+2)/5 = 1,4; at exit (4+3+5)/3 = 4,0;
                          5 participants, 5 rated at enrolment, 3 at exit, 2 on 4–6: 66,7 %
                  Norrvik (1+3+2+3)/4 = 2,25 → 2,3; (6+4)/2 = 5,0; 4, 4, 2, 2: 100,0 %
                  Total   16/9 = 1,78 → 1,8; 22/5 = 4,4; 9, 9, 5, 4: 80,0 %
    Exits         completed period 0 / 1, work 1 / 1, studies 0 / 1, work training 1 / 1,
                  health 1 / 1; total 3 / 5  (early, before the planned exit date / all);
                  the early ones' reasons: work, work training, health 1 each, 33,3 %
    Destinations  without subsidy 1/1, subsidised 0/1, studies 0/1, other programme 1/1,
                  none 1/1; total 3 / 5
    Follow-ups    activity support 1 yes 0 no, sickness compensation 0 / 1, salary 1 / 0;
                  done 2 / 1 / 3; not done 2 (E3, N1)
    Starts        2026-03-02 Ekeby 5 (12 1 180 2 12); 2026-09-07 Norrvik 3 (8 2 150 3 9);
                  total 8
    Partner survey  4 invitations sent, 3 answered: 75,0 % (3/4)
                  Q1 "Hur ofta?"  Varje vecka 2 (66,7 %), Varje månad 0 (0,0 %),
                                  Mer sällan 1 (33,3 %)
                  Q2 scale 1–4: 4, 3, 2 → mean 3,00, median 3,00
                  Q3 free text "Hemlig kommentar" — never in the report
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.utils import timezone

from cohorts.models import Cohort
from fokus.models import Agency, Municipality, Project, User
from participants.models import Enrolment, FollowUp
from referrals.models import Referral, ReferralStatus
from stepladder.models import Ladder, Rating, RatingKind, Step
from surveys.models import (
    Answer,
    Audience,
    Channel,
    Contact,
    Invitation,
    Question,
    QuestionKind,
    Response,
    Survey,
)
from surveys.models import Option as SurveyOption

EKEBY_START = date(2026, 3, 2)
NORRVIK_START = date(2026, 9, 7)


def at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


@dataclass
class Builder:
    """Makes referrals, participations and ratings in one project, quickly (no services)."""

    project: Project
    coordinator: User
    agencies: dict[str, Agency]
    steps: dict[int, Step] = field(default_factory=dict)
    serial: int = 0

    def __post_init__(self):
        ladder = Ladder.objects.get(is_default=True)
        self.steps = {step.number: step for step in Step.objects.filter(ladder=ladder)}

    def referral(
        self,
        *,
        agency: str,
        home: Municipality | None,
        gender: str = "",
        cohort: Cohort | None = None,
        status: str = ReferralStatus.ENROLLED,
        submitted: date | None = date(2026, 2, 1),
        name: str = "",
    ) -> Referral:
        self.serial += 1
        return Referral.objects.create(
            federation=self.project.federation,
            project=self.project,
            cohort=cohort,
            referring_agency=self.agencies[agency],
            created_by=self.coordinator,
            status=status,
            submitted_at=at(submitted) if submitted else None,
            name=name or f"Deltagare Hemligsson {self.serial}",
            gender=gender,
            home_municipality=home,
        )

    def participant(
        self,
        *,
        agency: str,
        home: Municipality | None,
        gender: str,
        cohort: Cohort | None,
        enrolled_on: date | None,
        ratings: list[tuple[str, int]] = (),
        exited_on: date | None = None,
        reason: str = "",
        destination: str = "",
        extent: int | None = None,
        status: str | None = None,
        follow_up: tuple[bool, str] | None = None,
    ) -> Enrolment:
        if status is None:
            status = Enrolment.Status.EXITED if exited_on else Enrolment.Status.ACTIVE
        referral = self.referral(agency=agency, home=home, gender=gender, cohort=cohort)
        enrolment = Enrolment.objects.create(
            federation=self.project.federation,
            project=self.project,
            cohort=cohort,
            referral=referral,
            status=status,
            coordinator=self.coordinator if enrolled_on else None,
            enrolled_on=enrolled_on,
            planned_exit_on=date(enrolled_on.year + 1, enrolled_on.month, 1)
            if enrolled_on
            else None,
            exited_on=exited_on,
            exit_reason=reason,
            destination=destination,
            destination_extent_percent=extent,
            receiving_party="Arbetsförmedlingen" if exited_on else "",
            exit_plan="Plan" if exited_on else "",
        )
        for kind, number in ratings:
            Rating.objects.create(
                enrolment=enrolment,
                rated_on=exited_on if kind == RatingKind.EXIT else enrolled_on,
                kind=kind,
                step=self.steps[number],
                rated_by=self.coordinator,
            )
        if exited_on:
            done = follow_up is not None
            FollowUp.objects.create(
                enrolment=enrolment,
                due_on=FollowUp.due_after(exited_on),
                done_on=FollowUp.due_after(exited_on) if done else None,
                self_sufficient=follow_up[0] if done else None,
                income_source=follow_up[1] if done else "",
                occupation="work" if done else "",
                recorded_by=self.coordinator if done else None,
                recorded_at=timezone.now() if done else None,
            )
        return enrolment


E, X, Q = RatingKind.ENROLMENT, RatingKind.EXIT, RatingKind.QUARTERLY


def build(project, coordinator, municipality_a, municipality_a2, agency_af, agency_fk, agency_soc):
    """The dataset of the module docstring. Returns {name: object} for the tests."""
    ekeby, norrvik = municipality_a, municipality_a2
    b = Builder(project, coordinator, {"AF": agency_af, "FK": agency_fk, "SOC": agency_soc})
    c1 = Cohort.objects.create(
        project=project,
        municipality=ekeby,
        start_date=EKEBY_START,
        group_weeks=12,
        group_sessions_per_week=1,
        session_minutes=180,
        talks_before_group=2,
        period_months=12,
    )
    c2 = Cohort.objects.create(
        project=project,
        municipality=norrvik,
        start_date=NORRVIK_START,
        group_weeks=8,
        group_sessions_per_week=2,
        session_minutes=150,
        talks_before_group=3,
        period_months=9,
    )
    p = {"c1": c1, "c2": c2}
    ek = {"home": ekeby, "cohort": c1, "enrolled_on": EKEBY_START}
    no = {"home": norrvik, "cohort": c2, "enrolled_on": NORRVIK_START}
    p["E1"] = b.participant(
        agency="AF",
        gender="woman",
        ratings=[(E, 1), (X, 4)],
        exited_on=date(2026, 12, 15),
        reason="work",
        destination="work_unsubsidised",
        extent=100,
        follow_up=(True, "salary"),
        **ek,
    )
    p["E2"] = b.participant(
        agency="FK",
        gender="woman",
        ratings=[(E, 2), (X, 3)],
        exited_on=date(2027, 2, 1),
        reason="health",
        destination="none",
        follow_up=(False, "sickness_compensation"),
        **ek,
    )
    p["E3"] = b.participant(
        agency="AF",
        gender="man",
        ratings=[(E, 1), (X, 5)],
        exited_on=date(2027, 3, 1),
        reason="studies",
        destination="studies",
        **ek,
    )
    p["E4"] = b.participant(agency="SOC", gender="man", ratings=[(E, 1)], **ek)
    p["E5"] = b.participant(agency="FK", gender="", ratings=[(E, 2)], **ek)
    p["W1"] = b.participant(
        agency="AF",
        gender="man",
        ratings=[(E, 1)],
        status=Enrolment.Status.CONSENT_WITHDRAWN,
        **ek,
    )
    p["N1"] = b.participant(
        agency="AF",
        gender="woman",
        ratings=[(E, 1), (X, 6)],
        exited_on=date(2027, 12, 31),
        reason="completed_period",
        destination="work_subsidised",
        extent=50,
        **no,
    )
    p["N2"] = b.participant(
        agency="SOC",
        gender="man",
        ratings=[(E, 3), (X, 4)],
        exited_on=date(2027, 6, 15),
        reason="work_training",
        destination="other_programme",
        follow_up=(True, "activity_support"),
        **no,
    )
    p["N3"] = b.participant(agency="AF", gender="man", ratings=[(E, 2), (Q, 3)], **no)
    p["A1"] = b.participant(
        agency="FK",
        gender="woman",
        status=Enrolment.Status.ACCEPTED,
        home=norrvik,
        cohort=c2,
        enrolled_on=None,
    )
    p["R1"] = b.participant(
        agency="FK",
        gender="woman",
        home=norrvik,
        cohort=None,
        enrolled_on=date(2026, 5, 1),
        ratings=[(E, 3)],
    )
    b.referral(agency="AF", home=ekeby, status=ReferralStatus.DECLINED, submitted=date(2026, 2, 10))
    b.referral(agency="AF", home=ekeby, status=ReferralStatus.DRAFT, submitted=None)
    b.referral(
        agency="AF", home=ekeby, status=ReferralStatus.SUBMITTED, submitted=date(2025, 12, 15)
    )
    p["survey"] = partner_survey(project, coordinator, agency_af)
    return p


def partner_survey(project, coordinator, agency) -> Survey:
    survey = Survey.objects.create(
        federation=project.federation,
        project=project,
        name="Samverkan",
        audience=Audience.PARTNERS,
        created_by=coordinator,
    )
    q1 = Question.objects.create(
        survey=survey, position=1, kind=QuestionKind.SINGLE, text="Hur ofta?"
    )
    options = [
        SurveyOption.objects.create(question=q1, position=n, text=text)
        for n, text in enumerate(["Varje vecka", "Varje månad", "Mer sällan"], start=1)
    ]
    q2 = Question.objects.create(
        survey=survey,
        position=2,
        kind=QuestionKind.SCALE,
        text="Hur lätt var det att nå projektet?",
        scale_max=4,
        scale_min_label="svårt",
        scale_max_label="lätt",
    )
    q3 = Question.objects.create(
        survey=survey, position=3, kind=QuestionKind.TEXT, text="Övriga synpunkter"
    )
    answers = [(options[0], 4), (options[0], 3), (options[2], 2)]
    for n in range(4):
        contact = Contact.objects.create(
            project=project, name=f"Kontakt {n}", agency=agency, email=f"kontakt{n}@a.example"
        )
        invitation = Invitation.objects.create(
            survey=survey,
            contact=contact,
            token_hash=f"{n:064d}",
            expires_on=date(2027, 12, 31),
            sent_at=at(date(2026, 9, 1)),
        )
        if n < len(answers):
            response = Response.objects.create(
                survey=survey,
                channel=Channel.PERSONAL,
                invitation=invitation,
                answered_on=date(2026, 10, 1),
            )
            option, value = answers[n]
            Answer.objects.create(response=response, question=q1).options.add(option)
            Answer.objects.create(response=response, question=q2, scale_value=value)
            Answer.objects.create(response=response, question=q3, text="Hemlig kommentar")
    return survey
