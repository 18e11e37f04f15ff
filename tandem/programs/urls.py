from django.urls import path

from tandem.programs import views

app_name = "programs"
urlpatterns = [
    path("new/", views.program_new, name="new"),
    path("<id:program_id>/", views.program_detail, name="detail"),
    path("<id:program_id>/join/", views.program_join, name="join"),
    path("<id:program_id>/leave/", views.program_leave, name="leave"),
    path("<id:program_id>/profile/", views.profile_start, name="profile"),
    path("<id:program_id>/profile/<slug:step>/", views.profile_step, name="profile_step"),
    path("<id:program_id>/people/<id:enrollment_id>/", views.person_detail, name="person"),
    path("<id:program_id>/manage/", views.program_manage, name="manage"),
    path(
        "<id:program_id>/topics.<str:file_format>",
        views.topic_balance_export,
        name="topics_export",
    ),
    path("<id:program_id>/settings/", views.program_edit, name="edit"),
    path("<id:program_id>/invite/", views.program_invite, name="invite"),
    path(
        "<id:program_id>/invitations.<str:file_format>",
        views.invitations_export,
        name="invitations_export",
    ),
    path("topics/<id:organization_id>/", views.topic_list, name="topics"),
    path("topics/edit/<id:topic_id>/", views.topic_edit, name="topic_edit"),
]
