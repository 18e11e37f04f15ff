from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    """Signed event deliveries to an organization's HTTPS endpoints."""

    name = "tandem.webhooks"
    label = "webhooks"
