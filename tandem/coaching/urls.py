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
