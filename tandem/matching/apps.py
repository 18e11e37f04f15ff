from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "tandem.matching"
    label = "matching"
    verbose_name = "Matching rounds"
