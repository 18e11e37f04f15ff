from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from tandem.api import v1 as api_v1
from tandem.home import views as home_views
from tandem.people.views import erasure as erasure_views
from tandem.people.views import sign_on as sign_on_views

admin.site.site_header = "Tandem administration"
admin.site.site_title = "Tandem administration"
# The admin signs in through allauth, with its rate limits and second factor.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", home_views.home, name="home"),
    # Tandem's SAML metadata, at allauth's address (it is the entity ID), answers before the
    # identity provider's details are saved and names no single-logout address.
    path(
        "accounts/saml/<str:organization_slug>/metadata/",
        sign_on_views.saml_metadata,
        name="sign_on_saml_metadata",
    ),
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("tandem.accounts.urls")),
    path("account/delete/", erasure_views.account_delete, name="account_delete"),
    path("programs/", include("tandem.programs.urls")),
    path("relationships/", include("tandem.relationships.urls")),
    path("notifications/", include("tandem.notifications.urls")),
    path("matching/", include("tandem.matching.urls")),
    path("organizations/", include("tandem.people.urls")),
    path("insights/", include("tandem.insights.urls")),
    path("board/", include("tandem.board.urls")),
    path("interviews/", include("tandem.interviews.urls")),
    path("introductions/", include("tandem.introductions.urls")),
    path("circles/", include("tandem.circles.urls")),
    path("coaching/", include("tandem.coaching.urls")),
    path("webhooks/", include("tandem.webhooks.urls")),
    path("api/v1/", api_v1.urls()),
    path("api/", include("tandem.api.urls")),
    # SCIM 2.0 provisioning: bearer tokens, no cookies, so no CSRF (see people/scim/views.py).
    path("scim/v2/", include("tandem.people.scim.urls")),
    path("admin/", admin.site.urls),
]
