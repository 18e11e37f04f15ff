from django.apps import AppConfig, apps


class SecurityConfig(AppConfig):
    """The security log: sign-ins, failures, second factors, exports and concern access."""

    name = "tandem.security"
    label = "security"
    verbose_name = "Security log"

    def ready(self) -> None:
        from tandem.security import signals

        # Sign-in events come from Django and django-allauth, which tell of them only
        # through signals; everything Tandem itself does is logged by explicit calls.
        signals.connect_auth()
        if apps.is_installed("allauth.account"):
            signals.connect_allauth_account()
        if apps.is_installed("allauth.mfa"):
            signals.connect_allauth_mfa()
