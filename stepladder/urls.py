from django.urls import path

from stepladder.views import ladders, ratings, stats

app_name = "stepladder"
urlpatterns = [
    # Ratings of one participant.
    path("participants/<uuid:public_id>/ratings/", ratings.rating_list, name="rating-list"),
    path(
        "participants/<uuid:public_id>/ratings/new/",
        ratings.rating_create,
        name="rating-create",
    ),
    path("ratings/<int:pk>/correct/", ratings.rating_correct, name="rating-correct"),
    # Progress of a start and of a project.
    path("cohorts/<int:pk>/steps/", stats.cohort_steps, name="cohort-steps"),
    path("projects/<int:project_pk>/steps/", stats.project_steps, name="project-steps"),
    # Ladder definitions (federation admins) and a project's ladder.
    path("manage/ladders/", ladders.ladder_list, name="ladder-list"),
    path("manage/ladders/new/", ladders.ladder_create, name="ladder-create"),
    path("manage/ladders/<int:pk>/", ladders.ladder_detail, name="ladder-detail"),
    path("manage/ladders/<int:pk>/edit/", ladders.ladder_edit, name="ladder-edit"),
    path(
        "manage/ladders/<int:pk>/new-version/",
        ladders.ladder_new_version,
        name="ladder-new-version",
    ),
    path("projects/<int:project_pk>/ladder/", ladders.project_ladder, name="project-ladder"),
]
