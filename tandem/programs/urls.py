from django.urls import path

from tandem.programs import views

app_name = "programs"
urlpatterns = [
    path("new/", views.program_new, name="new"),
    path("<int:program_id>/", views.program_detail, name="detail"),
    path("<int:program_id>/join/", views.program_join, name="join"),
    path("<int:program_id>/leave/", views.program_leave, name="leave"),
    path("<int:program_id>/profile/", views.profile_start, name="profile"),
    path("<int:program_id>/profile/<slug:step>/", views.profile_step, name="profile_step"),
    path("<int:program_id>/people/<int:enrollment_id>/", views.person_detail, name="person"),
    path("<int:program_id>/manage/", views.program_manage, name="manage"),
    path("<int:program_id>/settings/", views.program_edit, name="edit"),
    path("<int:program_id>/invite/", views.program_invite, name="invite"),
    path("topics/<int:organization_id>/", views.topic_list, name="topics"),
    path("topics/edit/<int:topic_id>/", views.topic_edit, name="topic_edit"),
]
