from django.apps import AppConfig


class CirclesConfig(AppConfig):
    """Mastermind circles: small groups with a rhythm, an agreement and a rotating hot seat."""

    name = "tandem.circles"
    label = "circles"
