from django.urls import path

from extracts import views

app_name = "extracts"

urlpatterns = [
    path("manage/register-extract/", views.extract, name="extract"),
]
