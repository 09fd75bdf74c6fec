from django.urls import path

from reports.views import participant, project, summary

app_name = "reports"
urlpatterns = [
    # Follow-up and exit reports for one participant, to the agencies the consent covers.
    path(
        "participants/<uuid:public_id>/reports/",
        participant.report_list,
        name="participant-report-list",
    ),
    path(
        "participants/<uuid:public_id>/reports/new/",
        participant.report_create,
        name="participant-report-create",
    ),
    path(
        "participant-reports/<int:pk>/edit/",
        participant.report_edit,
        name="participant-report-edit",
    ),
    path(
        "participant-reports/<int:pk>/preview/",
        participant.report_preview,
        name="participant-report-preview",
    ),
    path(
        "participant-reports/<int:pk>/finalise/",
        participant.report_finalise,
        name="participant-report-finalise",
    ),
    path(
        "participant-reports/<int:pk>/reissue/",
        participant.report_reissue,
        name="participant-report-reissue",
    ),
    path(
        "participant-reports/<int:pk>/pdf/",
        participant.report_pdf,
        name="participant-report-pdf",
    ),
    # A project's final and interim reports.
    path("projects/<int:project_pk>/reports/", project.report_index, name="project-reports"),
    path("projects/<int:project_pk>/reports/final/", project.final_report, name="final-report"),
    path(
        "projects/<int:project_pk>/reports/final/edit/",
        project.final_report_edit,
        name="final-report-edit",
    ),
    path(
        "projects/<int:project_pk>/reports/final/pdf/",
        project.final_report_pdf,
        name="final-report-pdf",
    ),
    path(
        "projects/<int:project_pk>/reports/interim/<int:year>/<int:half>/",
        project.interim_report,
        name="interim-report",
    ),
    path(
        "projects/<int:project_pk>/reports/interim/<int:year>/<int:half>/edit/",
        project.interim_report_edit,
        name="interim-report-edit",
    ),
    path(
        "projects/<int:project_pk>/reports/interim/<int:year>/<int:half>/pdf/",
        project.interim_report_pdf,
        name="interim-report-pdf",
    ),
    path(
        "projects/<int:project_pk>/reports/<str:report>/tables/<str:table>.<str:fmt>",
        project.report_table_export,
        name="report-table-export",
    ),
    path(
        "projects/<int:project_pk>/reports/settings/",
        summary.report_settings,
        name="report-settings",
    ),
    # The förbund's summary across projects.
    path("reports/summary/", summary.federation_summary, name="federation-summary"),
    path("reports/summary/pdf/", summary.federation_summary_pdf, name="federation-summary-pdf"),
    path(
        "reports/summary/export.<str:fmt>",
        summary.federation_summary_export,
        name="federation-summary-export",
    ),
]
