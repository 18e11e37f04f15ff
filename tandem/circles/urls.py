from django.urls import URLPattern, URLResolver, path

from tandem.circles import views

app_name = "circles"

urlpatterns: list[URLPattern | URLResolver] = [
    path("<id:circle_id>/", views.circle_detail, name="detail"),
    path("<id:circle_id>/sessions.ics", views.sessions_ics, name="sessions_ics"),
    path("sessions/<id:session_id>.ics", views.session_ics, name="session_ics"),
    path("agreements/<id:agreement_id>/sign/", views.agreement_sign, name="sign"),
    path("places/<id:membership_id>/answer/", views.place_answer, name="answer"),
]
