from django.apps import AppConfig


class CoachingConfig(AppConfig):
    """Coaching engagements: a paid or allocated piece of work with a firm scope."""

    name = "tandem.coaching"
    label = "coaching"
