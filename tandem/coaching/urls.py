from django.urls import URLPattern, URLResolver, path

from tandem.coaching.views import admin as admin_views
from tandem.coaching.views import contract as contract_views
from tandem.coaching.views import engagement as engagement_views
from tandem.coaching.views import profile as profile_views
from tandem.coaching.views import sessions as session_views
from tandem.coaching.views import sponsor as sponsor_views

app_name = "coaching"

# Each part of an engagement keeps its pages in its own views module.
urlpatterns: list[URLPattern | URLResolver] = [
    # The contract and the coach's profile.
    path("<id:engagement_id>/contract/", contract_views.contract, name="contract"),
    path("coaches/<id:enrollment_id>/profile/", profile_views.coach_profile, name="coach_profile"),
    # The engagement, its sessions, assignments, the hours log and the closing review.
    path("<id:engagement_id>/", engagement_views.engagement, name="engagement"),
    path("hours/", engagement_views.hours_log, name="hours_log"),
    path("<id:engagement_id>/closing/", engagement_views.closing_review, name="closing_review"),
    path(
        "<id:engagement_id>/closing/ask/",
        engagement_views.closing_review_ask,
        name="closing_review_ask",
    ),
    path("<id:engagement_id>/sessions/new/", session_views.session_new, name="session_new"),
    path("<id:engagement_id>/sessions/<id:meeting_id>/", session_views.session, name="session"),
    path(
        "<id:engagement_id>/sessions/<id:meeting_id>/held/",
        session_views.session_held,
        name="session_held",
    ),
    path(
        "<id:engagement_id>/sessions/<id:meeting_id>/notes/",
        session_views.session_notes,
        name="session_notes",
    ),
    path(
        "<id:engagement_id>/sessions/<id:meeting_id>/my-note/",
        session_views.session_note,
        name="session_note",
    ),
    path(
        "<id:engagement_id>/sessions/<id:meeting_id>/ratings/",
        session_views.session_ratings,
        name="session_ratings",
    ),
    path(
        "<id:engagement_id>/sessions/<id:meeting_id>/assignments/",
        session_views.assignment_new,
        name="assignment_new",
    ),
    path(
        "<id:engagement_id>/assignments/<id:assignment_id>/done/",
        session_views.assignment_done,
        name="assignment_done",
    ),
    # A sponsor's pages: numbers only.
    path("sponsored/", sponsor_views.sponsored, name="sponsored"),
    path("sponsored/<id:engagement_id>/", sponsor_views.sponsor_detail, name="sponsor_view"),
    # A coaching program's engagements for its admins.
    path(
        "programs/<id:program_id>/engagements/",
        admin_views.engagements,
        name="admin_engagements",
    ),
    path(
        "programs/<id:program_id>/engagements/<id:engagement_id>/propose/",
        admin_views.propose_coach,
        name="admin_propose",
    ),
]
