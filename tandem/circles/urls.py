from django.urls import URLPattern, URLResolver, path

from tandem.circles.views import members, sessions

app_name = "circles"

urlpatterns: list[URLPattern | URLResolver] = [
    path("<id:circle_id>/", members.circle_detail, name="detail"),
    path("<id:circle_id>/sessions.ics", members.sessions_ics, name="sessions_ics"),
    path("sessions/<id:session_id>.ics", members.session_ics, name="session_ics"),
    path("agreements/<id:agreement_id>/sign/", members.agreement_sign, name="sign"),
    path("places/<id:membership_id>/answer/", members.place_answer, name="answer"),
    # Sessions
    path("<id:circle_id>/sessions/plan/", sessions.sessions_plan, name="sessions_plan"),
    path("sessions/<id:session_id>/", sessions.session_detail, name="session"),
    path("sessions/<id:session_id>/seats/", sessions.seats_assign, name="seats_assign"),
    path("sessions/<id:session_id>/swaps/", sessions.swap_offer, name="swap_offer"),
    path(
        "sessions/<id:session_id>/swaps/<id:swap_id>/answer/",
        sessions.swap_answer,
        name="swap_answer",
    ),
    path(
        "sessions/<id:session_id>/swaps/<id:swap_id>/withdraw/",
        sessions.swap_withdraw,
        name="swap_withdraw",
    ),
    path("sessions/<id:session_id>/absence/", sessions.absence_say, name="absence_say"),
    path(
        "sessions/<id:session_id>/absence/take-back/",
        sessions.absence_take_back,
        name="absence_take_back",
    ),
    path("sessions/<id:session_id>/questions/", sessions.question_post, name="question_post"),
    path(
        "questions/<id:question_id>/withdraw/",
        sessions.question_withdraw,
        name="question_withdraw",
    ),
    path("sessions/<id:session_id>/notes/", sessions.notes_write, name="notes"),
    path("sessions/<id:session_id>/held/", sessions.session_hold, name="session_hold"),
    path("sessions/<id:session_id>/cancel/", sessions.session_cancel, name="session_cancel"),
    path(
        "sessions/<id:session_id>/commitments/",
        sessions.commitment_make,
        name="commitment_make",
    ),
    path(
        "commitments/<id:commitment_id>/follow-up/",
        sessions.commitment_follow_up,
        name="commitment_follow_up",
    ),
]
