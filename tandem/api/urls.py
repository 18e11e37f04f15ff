from django.urls import URLPattern, URLResolver, path, re_path

from tandem.api import views
from tandem.api.errors import not_found_view

app_name = "api"

urlpatterns: list[URLPattern | URLResolver] = [
    path("tokens/", views.personal_tokens, name="tokens"),
    path("tokens.<str:file_format>", views.personal_tokens_export, name="tokens_export"),
    path("tokens/<id:token_id>/revoke/", views.personal_token_revoke, name="token_revoke"),
    path("organizations/<id:organization_id>/tokens/", views.service_tokens, name="service_tokens"),
    path(
        "organizations/<id:organization_id>/tokens.<str:file_format>",
        views.service_tokens_export,
        name="service_tokens_export",
    ),
    path(
        "organizations/<id:organization_id>/tokens/<id:token_id>/revoke/",
        views.service_token_revoke,
        name="service_token_revoke",
    ),
    # /api/v1/ itself is mounted in tandem/urls.py (django-ninja names its own namespace).
    # Any other address under the API answers in its JSON shape, not with an HTML page.
    re_path(r"^v1/(?P<rest>.*)$", not_found_view),
]
