from django.apps import AppConfig


class InterviewsConfig(AppConfig):
    """Informational interviews: one conversation that may become a mentoring relationship."""

    name = "tandem.interviews"
    label = "interviews"
