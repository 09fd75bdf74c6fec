from django.urls import path

from participants.views import cohorts, enrolments

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
