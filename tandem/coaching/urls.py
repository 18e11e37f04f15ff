from django.urls import URLPattern, URLResolver

app_name = "coaching"

# Each part of an engagement keeps its pages in its own views module.
urlpatterns: list[URLPattern | URLResolver] = []
