from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from tandem.accounts.models import User


class EmailBackend(ModelBackend):
    """Authenticate by e-mail address, ignoring its case."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        email = kwargs.get("email", username)
        if not email or password is None:
            return None
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            # Hash anyway so that unknown addresses take as long as wrong passwords.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
