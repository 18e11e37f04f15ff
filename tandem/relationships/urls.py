from django.urls import path

from tandem.relationships import views

app_name = "relationships"
urlpatterns = [
    path("", views.relationship_list, name="list"),
    path("journal/", views.journal, name="journal"),
    path("my-data.json", views.export, name="export"),
    path("journal/<int:entry_id>/", views.journal_entry, name="journal_entry"),
    path("<int:relationship_id>/", views.relationship_detail, name="detail"),
    path("<int:relationship_id>/agreement/", views.agreement, name="agreement"),
    path(
        "<int:relationship_id>/agreement/renegotiate/",
        views.agreement_renegotiate,
        name="renegotiate",
    ),
    path("agreements/<int:agreement_id>/sign/", views.agreement_sign, name="sign"),
    path("<int:relationship_id>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:meeting_id>/held/", views.meeting_held, name="meeting_held"),
    path("meetings/<int:meeting_id>/meeting.ics", views.meeting_ics, name="meeting_ics"),
    path("calendar/", views.calendar_settings, name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="feed"),
    path("meetings/<int:meeting_id>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("<int:relationship_id>/commitments/", views.commitment_new, name="commitment_new"),
    path("commitments/<int:commitment_id>/done/", views.commitment_done, name="commitment_done"),
    path("<int:relationship_id>/check-in/", views.checkin, name="checkin"),
    path("<int:relationship_id>/revisit/", views.agenda_revisit, name="revisit"),
    path("<int:relationship_id>/pause/", views.pause, name="pause"),
    path("<int:relationship_id>/resume/", views.resume, name="resume"),
    path("<int:relationship_id>/close/", views.close, name="close"),
    path("<int:relationship_id>/concern/", views.concern_new, name="concern_new"),
    path("concerns/<int:concern_id>/", views.concern_detail, name="concern"),
    path("<int:relationship_id>/reflect/", views.reflect, name="reflect"),
    path("reflections/<int:reflection_id>/", views.reflection_detail, name="reflection"),
    path(
        "reflections/<int:reflection_id>/share/",
        views.reflection_share,
        name="reflection_share",
    ),
    path(
        "reflections/<int:reflection_id>/next-match/",
        views.reflection_next_match,
        name="reflection_next_match",
    ),
    path("<int:relationship_id>/end/", views.admin_end, name="admin_end"),
    path("requests/<int:request_id>/", views.request_detail, name="request"),
    path("proposals/<int:proposal_id>/", views.proposal_detail, name="proposal"),
    path("requests/<int:request_id>/withdraw/", views.request_withdraw, name="withdraw"),
    path("programs/<int:program_id>/mentors/", views.mentor_directory, name="directory"),
    path(
        "programs/<int:program_id>/mentors/<int:enrollment_id>/ask/",
        views.request_new,
        name="request_new",
    ),
    path("programs/<int:program_id>/", views.program_relationships, name="program"),
]
