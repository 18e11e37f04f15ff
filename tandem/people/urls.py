from django.urls import path

from tandem.people.views import audit, home

app_name = "people"
# Each page module adds its routes here.
urlpatterns = [
    path("<int:organization_id>/", home.organization_home, name="home"),
    path("<int:organization_id>/audit/", audit.audit_trail, name="audit"),
    path("<int:organization_id>/security/", audit.security_log, name="security"),
]
