from django.urls import path

from surveys.views import answering, definitions, distribution, results

app_name = "surveys"
urlpatterns = [
    # Definitions: a project's surveys, copied from the built-in ones and adapted.
    path("projects/<int:project_pk>/surveys/", definitions.survey_list, name="survey-list"),
    path(
        "projects/<int:project_pk>/surveys/copy/<uuid:public_id>/",
        definitions.survey_copy,
        name="survey-copy",
    ),
    path("surveys/<uuid:public_id>/", definitions.survey_detail, name="survey-detail"),
    path("surveys/<uuid:public_id>/edit/", definitions.survey_edit, name="survey-edit"),
    path(
        "surveys/<uuid:public_id>/new-version/",
        definitions.survey_new_version,
        name="survey-new-version",
    ),
    # Distribution: the partner contact register, personal links by e-mail, reminders, and
    # the cohorts' anonymous links with QR codes.
    path(
        "projects/<int:project_pk>/survey-contacts/",
        distribution.contact_list,
        name="contact-list",
    ),
    path(
        "projects/<int:project_pk>/survey-contacts/new/",
        distribution.contact_create,
        name="contact-create",
    ),
    path("survey-contacts/<int:pk>/edit/", distribution.contact_edit, name="contact-edit"),
    path("surveys/<uuid:public_id>/send/", distribution.survey_send, name="survey-send"),
    path("surveys/<uuid:public_id>/remind/", distribution.survey_remind, name="survey-remind"),
    path(
        "surveys/<uuid:public_id>/cohorts/<int:cohort_pk>/link/",
        distribution.anonymous_link,
        name="anonymous-link",
    ),
    path(
        "surveys/<uuid:public_id>/cohorts/<int:cohort_pk>/personal-links/",
        distribution.participant_links,
        name="participant-links",
    ),
    # Answering: without an account, and paper answers entered by staff.
    path("s/p/<str:token>/", answering.answer_personal, name="answer-personal"),
    path("s/a/<str:token>/", answering.answer_anonymous, name="answer-anonymous"),
    path("s/thanks/<uuid:public_id>/", answering.answer_thanks, name="answer-thanks"),
    path("surveys/<uuid:public_id>/paper/", answering.paper_answer, name="paper-answer"),
    # Results.
    path("surveys/<uuid:public_id>/results/", results.survey_results, name="survey-results"),
    path(
        "surveys/<uuid:public_id>/results/export.<str:fmt>",
        results.survey_results_export,
        name="survey-results-export",
    ),
]
