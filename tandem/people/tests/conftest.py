import pytest
from pytest_django.fixtures import Settings


@pytest.fixture(autouse=True)
def _loopback_identity_providers(settings: Settings) -> None:
    """The sign-on tests run their identity providers on plain http on this machine."""
    settings.SIGN_ON_ALLOW_LOOPBACK_HTTP = True
