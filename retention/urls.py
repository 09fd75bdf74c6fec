from django.urls import path

from retention import views

app_name = "retention"

urlpatterns = [
    path("manage/retention/", views.policy_edit, name="policy-edit"),
]
