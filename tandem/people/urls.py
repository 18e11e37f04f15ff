from django.urls import path

from tandem.people.views import home, sign_on

app_name = "people"
# Each page module adds its routes here.
urlpatterns = [
    path("<int:organization_id>/", home.organization_home, name="home"),
    path("sign-on/", sign_on.sign_on_start, name="sign_on_start"),
    path("<int:organization_id>/sign-on/", sign_on.sign_on_settings, name="sign_on"),
    path("<int:organization_id>/sign-on/off/", sign_on.sign_on_turn_off, name="sign_on_off"),
]
