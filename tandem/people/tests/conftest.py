import pytest
from pytest_django.fixtures import Settings

from tandem.testing.fixtures import World


@pytest.fixture(autouse=True)
def _loopback_identity_providers(settings: Settings) -> None:
    """The sign-on tests run their identity providers on plain http on this machine."""
    settings.SIGN_ON_ALLOW_LOOPBACK_HTTP = True


@pytest.fixture
def northwind_domains(world: World) -> None:
    """Give the world's organizations their own e-mail domains, as imports require."""
    world.org.email_domains = ["northwind.test"]
    world.org.save(update_fields=["email_domains"])
    world.other_org.email_domains = ["riverside.test"]
    world.other_org.save(update_fields=["email_domains"])
