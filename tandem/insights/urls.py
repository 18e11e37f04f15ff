from django.urls import URLPattern, URLResolver

app_name = "insights"

urlpatterns: list[URLPattern | URLResolver] = []

# Program health (health_views.py).
from django.urls import path  # noqa: E402

from tandem.insights import health_views  # noqa: E402

urlpatterns += [
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
]
