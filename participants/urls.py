from django.urls import path

from participants import views

app_name = "participants"
urlpatterns = [
    path("projects/<int:project_pk>/cohorts/", views.cohort_list, name="cohort-list"),
    path("projects/<int:project_pk>/cohorts/new/", views.cohort_create, name="cohort-create"),
    path("cohorts/<int:pk>/edit/", views.cohort_edit, name="cohort-edit"),
    path(
        "projects/<int:project_pk>/year-quotas/",
        views.year_quota_edit,
        name="year-quota-edit",
    ),
    path(
        "projects/<int:project_pk>/participants/",
        views.participant_list,
        name="participant-list",
    ),
    path("participants/<uuid:public_id>/", views.participant_detail, name="participant-detail"),
    path("participants/<uuid:public_id>/start/", views.enrolment_start, name="enrolment-start"),
    path("participants/<uuid:public_id>/extend/", views.enrolment_extend, name="enrolment-extend"),
    path("participants/<uuid:public_id>/exit/", views.enrolment_exit, name="enrolment-exit"),
    path(
        "participants/<uuid:public_id>/follow-up/",
        views.follow_up_record,
        name="follow-up-record",
    ),
]
