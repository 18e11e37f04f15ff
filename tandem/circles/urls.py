from django.urls import URLPattern, URLResolver, path

from tandem.circles.views import members

app_name = "circles"

urlpatterns: list[URLPattern | URLResolver] = [
    path("<id:circle_id>/", members.circle_detail, name="detail"),
    path("<id:circle_id>/sessions.ics", members.sessions_ics, name="sessions_ics"),
    path("sessions/<id:session_id>.ics", members.session_ics, name="session_ics"),
    path("agreements/<id:agreement_id>/sign/", members.agreement_sign, name="sign"),
    path("places/<id:membership_id>/answer/", members.place_answer, name="answer"),
]
