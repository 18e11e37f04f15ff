from django.apps import AppConfig


class IntroductionsConfig(AppConfig):
    """Warm introductions: a colleague connects two people, each of whom agrees first."""

    name = "tandem.introductions"
    label = "introductions"
