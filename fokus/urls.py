from django.contrib import admin
from django.urls import include, path

from fokus.views import (
    access_log,
    accounts,
    jobs,
    log_review,
    manage_organisation,
    manage_users,
    pages,
    projects,
    two_factor,
)

account_urls = [
    path("login/", accounts.login, name="login"),
    path("logout/", accounts.logout, name="logout"),
    path("two-factor/", two_factor.two_factor_status, name="two-factor"),
    path("two-factor/setup/", two_factor.two_factor_setup, name="two-factor-setup"),
    path("two-factor/verify/", two_factor.two_factor_verify, name="two-factor-verify"),
    path("password/change/", accounts.password_change, name="password_change"),
    path("password/change/done/", accounts.password_change_done, name="password_change_done"),
    path("password/reset/", accounts.password_reset, name="password_reset"),
    path("password/reset/done/", accounts.password_reset_done, name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        accounts.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "invitation/<uidb64>/<token>/",
        accounts.invitation_accept,
        name="invitation-accept",
    ),
    path(
        "password/reset/complete/",
        accounts.password_reset_complete,
        name="password_reset_complete",
    ),
]

manage_urls = (
    [
        path("users/", manage_users.user_list, name="user-list"),
        path("users/new/", manage_users.user_create, name="user-create"),
        path("users/<uuid:public_id>/", manage_users.user_detail, name="user-detail"),
        path("users/<uuid:public_id>/edit/", manage_users.user_edit, name="user-edit"),
        path("users/<uuid:public_id>/invite/", manage_users.user_invite_again, name="user-invite"),
        path(
            "users/<uuid:public_id>/two-factor/reset/",
            two_factor.two_factor_reset,
            name="user-two-factor-reset",
        ),
        path(
            "users/<uuid:public_id>/memberships/new/",
            manage_users.membership_create,
            name="membership-create",
        ),
        path(
            "users/<uuid:public_id>/memberships/<int:pk>/delete/",
            manage_users.membership_delete,
            name="membership-delete",
        ),
        path(
            "role-requests/<int:pk>/decide/",
            manage_users.role_request_decide,
            name="role-request-decide",
        ),
        path("agencies/", manage_organisation.agency_list, name="agency-list"),
        path("agencies/new/", manage_organisation.agency_create, name="agency-create"),
        path("agencies/<int:pk>/edit/", manage_organisation.agency_edit, name="agency-edit"),
        path("municipalities/", manage_organisation.municipality_list, name="municipality-list"),
        path(
            "municipalities/new/",
            manage_organisation.municipality_create,
            name="municipality-create",
        ),
        path(
            "municipalities/<int:pk>/edit/",
            manage_organisation.municipality_edit,
            name="municipality-edit",
        ),
        path("projects/new/", manage_organisation.project_create, name="project-create"),
        path("projects/<int:pk>/edit/", manage_organisation.project_edit, name="project-edit"),
        path("access-log/", access_log.access_log, name="access-log"),
        path("log-review/", log_review.log_review, name="log-review"),
        path("log-review/mark/", log_review.log_review_mark_view, name="log-review-mark"),
        path(
            "log-review/export/<str:fmt>/", log_review.log_review_export, name="log-review-export"
        ),
    ],
    "manage",
)

urlpatterns = [
    path("", pages.home, name="home"),
    path("accessibility/", pages.accessibility, name="accessibility"),
    path("accounts/", include(account_urls)),
    path("projects/", projects.project_list, name="project-list"),
    path("projects/<int:pk>/", projects.project_detail, name="project-detail"),
    path("manage/", include(manage_urls)),
    # Background jobs: the page a user watches, its polled status and the file it made.
    path("jobs/<uuid:public_id>/", jobs.job_detail, name="job"),
    path("jobs/<uuid:public_id>/status/", jobs.job_status, name="job-status"),
    path("jobs/<uuid:public_id>/file/", jobs.job_file, name="job-file"),
    path("", include("referrals.urls")),
    path("", include("participants.urls")),
    path("", include("stepladder.urls")),
    path("", include("surveys.urls")),
    path("", include("reports.urls")),
    path("", include("extracts.urls")),
    path("", include("retention.urls")),
    path("", include("imports.urls")),
    path("django-admin/", admin.site.urls),
]
