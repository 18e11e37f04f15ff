from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tandem.accounts"
    label = "accounts"
    verbose_name = "People and organizations"

    def ready(self) -> None:
        from allauth.socialaccount.signals import pre_social_login

        from tandem.accounts.reauthentication import on_pre_social_login

        # allauth's one hook after a provider vouched for someone and before it acts on
        # it; the organization's sign-on adapter has had its say by then.
        pre_social_login.connect(on_pre_social_login, dispatch_uid="accounts.reauthenticate")
