from django.urls import path

from tandem.programs import views

app_name = "programs"
urlpatterns = []
