"""The ärendegrupp's side: places, meetings and their queue, decisions, consultations, counts."""

from django.urls import path

from referrals.views import consultation, decisions, meeting, minutes, quota

urlpatterns = [
    path("projects/<int:project_pk>/places/", quota.quota_board, name="quota-board"),
    path(
        "projects/<int:project_pk>/referral-counts/",
        quota.referral_counts,
        name="referral-counts",
    ),
    path("projects/<int:project_pk>/meetings/", meeting.meeting_list, name="meeting-list"),
    path("projects/<int:project_pk>/meetings/new/", meeting.meeting_create, name="meeting-create"),
    path("meetings/<int:pk>/", meeting.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/edit/", meeting.meeting_edit, name="meeting-edit"),
    path("meetings/<int:pk>/minutes/", minutes.meeting_minutes, name="meeting-minutes"),
    path("referrals/<uuid:public_id>/decide/", decisions.referral_decide, name="referral-decide"),
    path("referrals/<uuid:public_id>/move/", decisions.referral_move, name="referral-move"),
    path(
        "projects/<int:project_pk>/consultations/",
        consultation.consultation_list,
        name="consultation-list",
    ),
    path(
        "projects/<int:project_pk>/consultations/new/",
        consultation.consultation_create,
        name="consultation-create",
    ),
    path(
        "consultations/<int:pk>/advice/",
        consultation.consultation_advice,
        name="consultation-advice",
    ),
]
