from django.apps import AppConfig


class IntroductionsConfig(AppConfig):
    """Warm introductions: a colleague connects two people, each of whom agrees first."""

    name = "tandem.introductions"
    label = "introductions"

    def ready(self) -> None:
        from tandem.core.origins import origin_register
        from tandem.introductions.selectors import introduced_by

        # The interview and request pages show the introduction they came from.
        origin_register(introduced_by)
