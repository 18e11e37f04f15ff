from django.urls import path

from tandem.accounts import views

app_name = "accounts"
urlpatterns: list = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("signup/", views.signup, name="signup"),
    path("invite/<str:token>/", views.invitation_accept_view, name="invitation"),
]
