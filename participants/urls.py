from django.urls import path

from participants.views import cohorts, due, enrolments, letters, meetings, officer, plans

app_name = "participants"
urlpatterns = [
    path("projects/<int:project_pk>/cohorts/", cohorts.cohort_list, name="cohort-list"),
    path("projects/<int:project_pk>/cohorts/new/", cohorts.cohort_create, name="cohort-create"),
    path("cohorts/<int:pk>/edit/", cohorts.cohort_edit, name="cohort-edit"),
    path(
        "projects/<int:project_pk>/year-quotas/",
        cohorts.year_quota_edit,
        name="year-quota-edit",
    ),
    path(
        "projects/<int:project_pk>/participants/",
        enrolments.participant_list,
        name="participant-list",
    ),
    path(
        "participants/<uuid:public_id>/",
        enrolments.participant_detail,
        name="participant-detail",
    ),
    path(
        "participants/<uuid:public_id>/start/",
        enrolments.enrolment_start,
        name="enrolment-start",
    ),
    path(
        "participants/<uuid:public_id>/extend/",
        enrolments.enrolment_extend,
        name="enrolment-extend",
    ),
    path("participants/<uuid:public_id>/exit/", enrolments.enrolment_exit, name="enrolment-exit"),
    path(
        "participants/<uuid:public_id>/follow-up/",
        enrolments.follow_up_record,
        name="follow-up-record",
    ),
]

# Meetings and group sessions with attendance.
urlpatterns += [
    path(
        "participants/<uuid:public_id>/meetings/new/",
        meetings.meeting_create,
        name="meeting-create",
    ),
    # Not "meetings/<pk>/edit/": that is the ärendegrupp's meeting (referrals:meeting-edit).
    path("participant-meetings/<int:pk>/edit/", meetings.meeting_edit, name="meeting-edit"),
    path("cohorts/<int:pk>/sessions/", meetings.session_list, name="session-list"),
    path("cohorts/<int:pk>/sessions/new/", meetings.session_create, name="session-create"),
    path("sessions/<int:pk>/edit/", meetings.session_edit, name="session-edit"),
]

# The action plan.
urlpatterns += [
    path("participants/<uuid:public_id>/plan/", plans.plan_detail, name="plan-detail"),
    path("participants/<uuid:public_id>/plan/goals/new/", plans.goal_create, name="goal-create"),
    path("goals/<int:pk>/edit/", plans.goal_edit, name="goal-edit"),
    path(
        "participants/<uuid:public_id>/plan/versions/<int:number>/",
        plans.plan_version,
        name="plan-version",
    ),
]

# Invitation letters.
urlpatterns += [
    path(
        "participants/<uuid:public_id>/letters/new/",
        letters.letter_create,
        name="letter-create",
    ),
    path("letters/<int:pk>/pdf/", letters.letter_pdf, name="letter-pdf"),
]

# The coordinators' due list and the case officers' participants.
urlpatterns += [
    path("projects/<int:project_pk>/due/", due.due_list, name="due-list"),
    path("my-participants/", officer.officer_participant_list, name="officer-participant-list"),
]
