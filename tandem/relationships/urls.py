from django.urls import path

from tandem.relationships import views

app_name = "relationships"
urlpatterns = [
    path("", views.relationship_list, name="list"),
    path("journal/", views.journal, name="journal"),
    path("my-data.json", views.export, name="export"),
    path("journal/<id:entry_id>/", views.journal_entry, name="journal_entry"),
    path("<id:relationship_id>/", views.relationship_detail, name="detail"),
    path("<id:relationship_id>/agreement/", views.agreement, name="agreement"),
    path(
        "<id:relationship_id>/agreement/renegotiate/",
        views.agreement_renegotiate,
        name="renegotiate",
    ),
    path("agreements/<id:agreement_id>/sign/", views.agreement_sign, name="sign"),
    path("<id:relationship_id>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<id:meeting_id>/", views.meeting_detail, name="meeting"),
    path("meetings/<id:meeting_id>/held/", views.meeting_held, name="meeting_held"),
    path("meetings/<id:meeting_id>/meeting.ics", views.meeting_ics, name="meeting_ics"),
    path("calendar/", views.calendar_settings, name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="feed"),
    path("meetings/<id:meeting_id>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("<id:relationship_id>/commitments/", views.commitment_new, name="commitment_new"),
    path("commitments/<id:commitment_id>/done/", views.commitment_done, name="commitment_done"),
    path("<id:relationship_id>/check-in/", views.checkin, name="checkin"),
    path("<id:relationship_id>/revisit/", views.agenda_revisit, name="revisit"),
    path("<id:relationship_id>/pause/", views.pause, name="pause"),
    path("<id:relationship_id>/resume/", views.resume, name="resume"),
    path("<id:relationship_id>/close/", views.close, name="close"),
    path("<id:relationship_id>/concern/", views.concern_new, name="concern_new"),
    path("concerns/<id:concern_id>/", views.concern_detail, name="concern"),
    path("<id:relationship_id>/reflect/", views.reflect, name="reflect"),
    path("reflections/<id:reflection_id>/", views.reflection_detail, name="reflection"),
    path(
        "reflections/<id:reflection_id>/share/",
        views.reflection_share,
        name="reflection_share",
    ),
    path(
        "reflections/<id:reflection_id>/next-match/",
        views.reflection_next_match,
        name="reflection_next_match",
    ),
    path("<id:relationship_id>/end/", views.admin_end, name="admin_end"),
    path("requests/<id:request_id>/", views.request_detail, name="request"),
    path("proposals/<id:proposal_id>/", views.proposal_detail, name="proposal"),
    path("requests/<id:request_id>/withdraw/", views.request_withdraw, name="withdraw"),
    path("programs/<id:program_id>/mentors/", views.mentor_directory, name="directory"),
    path(
        "programs/<id:program_id>/mentors/<id:enrollment_id>/ask/",
        views.request_new,
        name="request_new",
    ),
    path("programs/<id:program_id>/", views.program_relationships, name="program"),
    path(
        "programs/<id:program_id>/relationships.<str:file_format>",
        views.program_relationships_export,
        name="program_export",
    ),
]
