from django.urls import URLPattern, URLResolver, path

from tandem.webhooks import views

app_name = "webhooks"

# An organization's endpoints, each with its delivery log; the pages sit among the
# organization admin's pages (tandem.people) and link back to them.
urlpatterns: list[URLPattern | URLResolver] = [
    path("<id:organization_id>/", views.endpoint_list, name="endpoints"),
    path(
        "<id:organization_id>/endpoints.<str:file_format>",
        views.endpoint_list_export,
        name="endpoints_export",
    ),
    path("<id:organization_id>/<id:endpoint_id>/", views.endpoint_detail, name="endpoint"),
    path(
        "<id:organization_id>/<id:endpoint_id>/deliveries.<str:file_format>",
        views.endpoint_deliveries_export,
        name="deliveries_export",
    ),
    path("<id:organization_id>/<id:endpoint_id>/edit/", views.endpoint_edit, name="endpoint_edit"),
    path(
        "<id:organization_id>/<id:endpoint_id>/secret/",
        views.endpoint_secret,
        name="endpoint_secret",
    ),
    path(
        "<id:organization_id>/<id:endpoint_id>/delete/",
        views.endpoint_remove,
        name="endpoint_delete",
    ),
    path("<id:organization_id>/<id:endpoint_id>/test/", views.endpoint_test, name="endpoint_test"),
    path(
        "<id:organization_id>/<id:endpoint_id>/deliveries/<id:delivery_id>/",
        views.delivery_detail,
        name="delivery",
    ),
    path(
        "<id:organization_id>/<id:endpoint_id>/deliveries/<id:delivery_id>/replay/",
        views.delivery_replay_view,
        name="delivery_replay",
    ),
]
