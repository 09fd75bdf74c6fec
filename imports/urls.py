from django.urls import path

from imports import views

app_name = "imports"
urlpatterns = [
    path("projects/<int:project_pk>/import/", views.import_index, name="index"),
    path(
        "projects/<int:project_pk>/import/columns/<str:kind>.csv",
        views.column_template,
        name="column-template",
    ),
    path("projects/<int:project_pk>/import/<uuid:public_id>/", views.batch_detail, name="batch"),
    path(
        "projects/<int:project_pk>/import/<uuid:public_id>/commit/",
        views.batch_commit,
        name="commit",
    ),
]
