from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The public JSON API at /api/v1/ and its access tokens."""

    name = "tandem.api"
    label = "api"
