from django.urls import URLPattern, URLResolver, path

from tandem.circles.views import admin, life, members, sessions

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
    # Life
    path("<id:circle_id>/agreement/", life.agreement_write, name="agreement"),
    path("<id:circle_id>/checkins/", life.checkins, name="checkins"),
    path("<id:circle_id>/join/", life.join_request, name="join"),
    path("places/<id:membership_id>/leave/", life.leave, name="leave"),
    path("programs/<id:program_id>/", life.program_circles, name="program"),
    path("programs/<id:program_id>/new/", life.circle_new, name="new"),
    path("programs/<id:program_id>/free-hours/", life.free_hours, name="free_hours"),
    path("programs/<id:program_id>/manage/", admin.program_circles, name="admin_program"),
    path("<id:circle_id>/manage/", admin.circle_manage, name="manage"),
    path("<id:circle_id>/approve/", admin.circle_approve, name="approve"),
    path("<id:circle_id>/pause/", admin.circle_pause, name="pause"),
    path("<id:circle_id>/resume/", admin.circle_resume, name="resume"),
    path("<id:circle_id>/close/", admin.circle_close, name="close"),
    path("<id:circle_id>/replacement/", admin.replacement_add, name="replacement"),
    path("requests/<id:membership_id>/answer/", admin.join_answer, name="join_answer"),
    path("places/<id:membership_id>/remove/", admin.member_remove, name="remove"),
]
