from django.urls import path

from tandem.matching import views

app_name = "matching"
urlpatterns = [
    path("programs/<int:program_id>/", views.round_list, name="rounds"),
    path("rounds/<int:round_id>/", views.round_detail, name="round"),
    path("rounds/<int:round_id>/act/", views.round_action, name="act"),
]
