from django.urls import URLPattern, URLResolver, path

from tandem.board import views

app_name = "board"

urlpatterns: list[URLPattern | URLResolver] = [
    path("mine/", views.mine, name="mine"),
    path("programs/<id:program_id>/", views.program_board, name="program"),
    path("programs/<id:program_id>/ask/", views.ask_program, name="ask_program"),
    path("programs/<id:program_id>/reports/", views.program_queue, name="program_queue"),
    path(
        "programs/<id:program_id>/reports.<str:file_format>",
        views.program_queue_export,
        name="program_queue_export",
    ),
    path("organizations/<id:organization_id>/", views.organization_board, name="organization"),
    path(
        "organizations/<id:organization_id>/ask/",
        views.ask_organization,
        name="ask_organization",
    ),
    path(
        "organizations/<id:organization_id>/reports/",
        views.organization_queue,
        name="organization_queue",
    ),
    path(
        "organizations/<id:organization_id>/reports.<str:file_format>",
        views.organization_queue_export,
        name="organization_queue_export",
    ),
    path(
        "organizations/<id:organization_id>/settings/",
        views.organization_settings,
        name="organization_settings",
    ),
    path("questions/<id:question_id>/", views.question_detail, name="question"),
    path("questions/<id:question_id>/bring-back/", views.question_bring_back, name="bring_back"),
    path("questions/<id:question_id>/report/", views.report, name="report"),
    path("questions/<id:question_id>/moderate/", views.question_moderate, name="moderate"),
    path("answers/<id:answer_id>/helpful/", views.answer_helpful, name="helpful"),
    path("answers/<id:answer_id>/moderate/", views.answer_moderate, name="answer_moderate"),
    path("reports/<id:report_id>/dismiss/", views.report_dismiss, name="report_dismiss"),
]
