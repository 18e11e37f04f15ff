from django.urls import path

from tandem.accounts import views

# Sign-in, sign-up, e-mail verification, password reset and second factors are allauth's
# URLs (tandem/urls.py); these are Tandem's own.
app_name = "accounts"
urlpatterns = [
    path("invite/<str:token>/", views.invitation_accept_view, name="invitation"),
    path(
        "reauthenticate/sign-on/",
        views.reauthenticate_sign_on_view,
        name="reauthenticate_sign_on",
    ),
    path(
        "reauthenticate/sign-on/done/",
        views.reauthenticate_sign_on_finish_view,
        name="reauthenticate_sign_on_finish",
    ),
]
