from django.urls import URLPattern, URLResolver, path

from tandem.interviews import views

app_name = "interviews"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.mine, name="mine"),
    path("programs/<id:program_id>/offer/", views.offer, name="offer"),
    path("programs/<id:program_id>/people/", views.people, name="people"),
    path("programs/<id:program_id>/ask/<id:enrollment_id>/", views.ask, name="ask"),
    path("<id:interview_id>/", views.detail, name="detail"),
    path("<id:interview_id>/propose/", views.propose, name="propose"),
    path("<id:interview_id>/pick/", views.pick, name="pick"),
    path("<id:interview_id>/decline/", views.decline, name="decline"),
    path("<id:interview_id>/withdraw/", views.withdraw, name="withdraw"),
    path("<id:interview_id>/note/", views.note, name="note"),
    path("<id:interview_id>/answer/", views.answer, name="answer"),
    path("<id:interview_id>/interview.ics", views.ics, name="ics"),
]
