from django.urls import path

from tandem.people.views import home, imports, sign_on

app_name = "people"
# Each page module adds its routes here.
urlpatterns = [
    path("<int:organization_id>/", home.organization_home, name="home"),
    path("sign-on/", sign_on.sign_on_start, name="sign_on_start"),
    path("<int:organization_id>/sign-on/", sign_on.sign_on_settings, name="sign_on"),
    path("<int:organization_id>/sign-on/off/", sign_on.sign_on_turn_off, name="sign_on_off"),
    # The people import: upload, preview with errors, confirm.
    path("<int:organization_id>/import/", imports.import_upload, name="import"),
    path(
        "<int:organization_id>/import/template.<str:kind>",
        imports.import_template,
        name="import_template",
    ),
    path(
        "<int:organization_id>/import/<int:batch_id>/",
        imports.import_preview,
        name="import_preview",
    ),
    path(
        "<int:organization_id>/import/<int:batch_id>/discard/",
        imports.import_discard,
        name="import_discard",
    ),
]
