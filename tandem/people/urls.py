from django.urls import path

from tandem.people.views import home

app_name = "people"
# Each page module adds its routes here.
urlpatterns = [
    path("<int:organization_id>/", home.organization_home, name="home"),
]
