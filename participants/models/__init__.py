"""The participants app's models, one module per feature (the starts themselves are in
`cohorts`): enrolments (start, extension, exit), follow_ups (the 90-day follow-up), meetings
(client meetings and group sessions with attendance) and plans (the action plan)."""

from participants.models.enrolments import (
    EXIT_REASONS_WITHOUT_HANDOVER,
    FOLLOW_UP_DAYS,
    WORK_DESTINATIONS,
    Destination,
    EducationLevel,
    Enrolment,
    EnrolmentExtension,
    ExitReason,
    IncomeSource,
    Occupation,
)
from participants.models.follow_ups import FollowUp
from participants.models.letters import InvitationLetter
from participants.models.meetings import (
    Attendance,
    AttendanceStatus,
    ClientMeeting,
    GroupSession,
    MeetingKind,
    SessionTheme,
    TalkForm,
)
from participants.models.plans import (
    ActionPlan,
    ActionPlanVersion,
    Goal,
    GoalStatus,
    ResponsibleParty,
)

__all__ = [
    "ActionPlan",
    "ActionPlanVersion",
    "Attendance",
    "AttendanceStatus",
    "ClientMeeting",
    "Goal",
    "GoalStatus",
    "GroupSession",
    "InvitationLetter",
    "MeetingKind",
    "ResponsibleParty",
    "SessionTheme",
    "TalkForm",
    "EXIT_REASONS_WITHOUT_HANDOVER",
    "FOLLOW_UP_DAYS",
    "WORK_DESTINATIONS",
    "Destination",
    "EducationLevel",
    "Enrolment",
    "EnrolmentExtension",
    "ExitReason",
    "FollowUp",
    "IncomeSource",
    "Occupation",
]
