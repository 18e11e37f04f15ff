from django.urls import URLPattern, URLResolver, path

from tandem.insights.fairness import views as fairness_views
from tandem.insights.impact import views as impact_views
from tandem.insights.stalled import views as stalled_views

app_name = "insights"

urlpatterns: list[URLPattern | URLResolver] = []

urlpatterns += [
    path("programs/<id:program_id>/stalled/", stalled_views.stalled, name="stalled"),
    path(
        "programs/<id:program_id>/stalled/nudge/", stalled_views.stalled_nudge, name="stalled_nudge"
    ),
    path(
        "programs/<id:program_id>/stalled.<str:file_format>",
        stalled_views.stalled_export,
        name="stalled_export",
    ),
]

urlpatterns += [
    path("impact/", impact_views.legacy, name="legacy"),
    path("impact.<str:file_format>", impact_views.legacy_export, name="legacy_export"),
    path("programs/<id:program_id>/impact/", impact_views.program_impact, name="impact"),
    path(
        "programs/<id:program_id>/impact.<str:file_format>",
        impact_views.program_impact_export,
        name="impact_export",
    ),
]

urlpatterns += [
    path("programs/<id:program_id>/fairness/", fairness_views.fairness, name="fairness"),
    path(
        "programs/<id:program_id>/fairness.<str:file_format>",
        fairness_views.fairness_export,
        name="fairness_export",
    ),
]
