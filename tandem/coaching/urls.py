from django.urls import URLPattern, URLResolver, path

from tandem.coaching.views import contract as contract_views
from tandem.coaching.views import profile as profile_views

app_name = "coaching"

# Each part of an engagement keeps its pages in its own views module.
urlpatterns: list[URLPattern | URLResolver] = []

urlpatterns += [
    path("<id:engagement_id>/contract/", contract_views.contract, name="contract"),
    path("coaches/<id:enrollment_id>/profile/", profile_views.coach_profile, name="coach_profile"),
]
