from django.urls import URLPattern, URLResolver, path

from tandem.introductions import views

app_name = "introductions"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.mine, name="mine"),
    path("programs/<id:program_id>/people/", views.colleagues, name="colleagues"),
    path("programs/<id:program_id>/ask/<id:enrollment_id>/", views.ask, name="ask"),
    path("<id:introduction_id>/", views.detail, name="detail"),
    path("<id:introduction_id>/suggest/", views.suggest, name="suggest"),
    path("<id:introduction_id>/decline/", views.decline, name="decline"),
    path("suggestions/<id:suggestion_id>/answer/", views.answer, name="answer"),
    path("suggestions/<id:suggestion_id>/interview/", views.start_interview, name="interview"),
    path("suggestions/<id:suggestion_id>/request/", views.start_request, name="request"),
]
