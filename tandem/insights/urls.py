from django.urls import URLPattern, URLResolver, path

from tandem.insights import health_views
from tandem.insights.fairness import views as fairness_views
from tandem.insights.impact import shared_views
from tandem.insights.impact import views as impact_views
from tandem.insights.snapshots import views as snapshot_views
from tandem.insights.stalled import views as stalled_views

app_name = "insights"

urlpatterns: list[URLPattern | URLResolver] = [
    # Program health over time, each chart also as SVG, CSV and Excel.
    path("programs/<id:program_id>/health/", health_views.program_health, name="program_health"),
    path(
        "programs/<id:program_id>/health/<slug:chart>.<str:file_format>",
        health_views.program_health_chart,
        name="program_health_chart",
    ),
    path(
        "organizations/<id:organization_id>/health/",
        health_views.organization_health,
        name="organization_health",
    ),
    path(
        "organizations/<id:organization_id>/health/<slug:chart>.<str:file_format>",
        health_views.organization_health_chart,
        name="organization_health_chart",
    ),
    # Stalled pairs and the nudge.
    path("programs/<id:program_id>/stalled/", stalled_views.stalled, name="stalled"),
    path(
        "programs/<id:program_id>/stalled/nudge/", stalled_views.stalled_nudge, name="stalled_nudge"
    ),
    path(
        "programs/<id:program_id>/stalled.<str:file_format>",
        stalled_views.stalled_export,
        name="stalled_export",
    ),
    # A mentor's own impact, and all mentors' for the program's admins.
    path("impact/", impact_views.legacy, name="legacy"),
    path("impact.<str:file_format>", impact_views.legacy_export, name="legacy_export"),
    path("programs/<id:program_id>/impact/", impact_views.program_impact, name="impact"),
    path(
        "programs/<id:program_id>/impact.<str:file_format>",
        impact_views.program_impact_export,
        name="impact_export",
    ),
    # What a mentee told their mentors helped, which they may take back.
    path("shared-words/", shared_views.shared_words, name="shared_words"),
    path(
        "shared-words/<id:words_id>/withdraw/",
        shared_views.shared_words_withdraw,
        name="shared_words_withdraw",
    ),
    # Who gets matched, how fast and to whom, by group.
    path("programs/<id:program_id>/fairness/", fairness_views.fairness, name="fairness"),
    path(
        "programs/<id:program_id>/fairness.<str:file_format>",
        fairness_views.fairness_export,
        name="fairness_export",
    ),
    # They read the stored insights; an admin may have them computed again.
    path(
        "programs/<id:program_id>/insights/recompute/",
        snapshot_views.recompute,
        name="recompute",
    ),
    path(
        "organizations/<id:organization_id>/health/recompute/",
        snapshot_views.organization_recompute,
        name="organization_recompute",
    ),
]
