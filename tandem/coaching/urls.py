from django.urls import URLPattern, URLResolver, path

app_name = "coaching"

# Each part of an engagement keeps its pages in its own views module.
urlpatterns: list[URLPattern | URLResolver] = []

# A sponsor's pages: numbers only.
from tandem.coaching.views import sponsor as sponsor_views  # noqa: E402

urlpatterns += [
    path("sponsored/", sponsor_views.sponsored, name="sponsored"),
    path("sponsored/<id:engagement_id>/", sponsor_views.sponsor_detail, name="sponsor_view"),
]

# A coaching program's engagements for its admins.
from tandem.coaching.views import admin as admin_views  # noqa: E402

urlpatterns += [
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
