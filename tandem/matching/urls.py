from django.urls import path

from tandem.matching import circle_views, views

app_name = "matching"
urlpatterns = [
    path("programs/<id:program_id>/", views.round_list, name="rounds"),
    path(
        "programs/<id:program_id>/rounds.<str:file_format>",
        views.round_list_export,
        name="rounds_export",
    ),
    path("rounds/<id:round_id>/", views.round_detail, name="round"),
    path("rounds/<id:round_id>/act/", views.round_action, name="act"),
    path("rounds/<id:round_id>/pairs.<str:file_format>", views.round_export, name="round_export"),
    path("rounds/<id:round_id>/circles/act/", circle_views.circle_action, name="circle_act"),
    path(
        "rounds/<id:round_id>/circles/<id:circle_id>/people/",
        circle_views.circle_people_search,
        name="circle_people",
    ),
    path(
        "rounds/<id:round_id>/pairs/<id:pair_id>/mentors/",
        views.pair_mentor_search,
        name="pair_mentors",
    ),
]
