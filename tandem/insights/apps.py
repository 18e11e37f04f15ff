from django.apps import AppConfig


class InsightsConfig(AppConfig):
    """Program insights: health over time, stalled pairs, fairness and mentor impact."""

    name = "tandem.insights"
    label = "insights"
