"""Second factors: required for admins and site staff, optional for everyone else."""

import time
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from tandem.accounts.models import User
from tandem.testing.factories import PASSWORD, UserFactory
from tandem.testing.fixtures import World, client_for


@pytest.fixture(autouse=True)
def _second_factor_required(settings: object) -> None:
    settings.MFA_REQUIRED_FOR_ADMINS = True  # type: ignore[attr-defined]


def totp_code(secret: str) -> str:
    """Compute the code an authenticator app shows now for this secret."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(email: str, password: str = PASSWORD) -> tuple[Client, str]:
    client = Client()
    response = client.post("/accounts/login/", {"login": email, "password": password})
    return client, response["Location"]


def set_up_totp(client: Client, password: str = PASSWORD) -> str:
    """Walk the setup pages as a person would; return the secret they scanned."""
    response = client.get("/accounts/2fa/totp/activate/")
    assert response["Location"].startswith("/accounts/reauthenticate/")
    client.post(response["Location"], {"password": password})
    page = client.get("/accounts/2fa/totp/activate/")
    secret = page.context["form"].secret
    assert secret in page.content.decode()
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    return secret


def test_an_organization_admin_is_sent_to_set_up_a_second_factor(world: World) -> None:
    client, location = sign_in(world.admin.email)
    assert location == "/"
    response = client.get("/")
    assert response["Location"] == "/accounts/2fa/"
    page = client.get("/accounts/2fa/")
    assert "needs a second sign-in step" in page.content.decode()
    assert "Your account needs one" in page.content.decode()
    assert "Set up an authenticator app" in page.content.decode()
    # Everything else waits, even pages the admin may normally see.
    assert client.get(f"/programs/{world.program.pk}/").status_code == 302
    assert client.get("/relationships/").status_code == 302


def test_totp_end_to_end_from_setup_to_the_next_sign_in(world: World) -> None:
    client, _ = sign_in(world.admin.email)
    secret = set_up_totp(client)
    authenticator = Authenticator.objects.get(user=world.admin, type=Authenticator.Type.TOTP)
    assert authenticator.data["secret"]
    assert client.get(f"/programs/{world.program.pk}/").status_code == 200

    client.post("/accounts/logout/")
    cache.clear()  # the code just used may not be used twice within its 30 seconds
    client, location = sign_in(world.admin.email)
    assert location == "/accounts/2fa/authenticate/"
    step = client.get(location).content.decode()
    assert "One more step" in step and "Use a passkey or security key" in step
    assert client.get("/").context["user"].is_anonymous
    client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert client.get("/").context["user"].is_anonymous
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert response["Location"] == "/"
    assert client.get(f"/programs/{world.program.pk}/").status_code == 200
    authenticator.refresh_from_db()
    assert authenticator.last_used_at is not None


def test_recovery_codes_come_with_the_first_authenticator_and_work_once(world: World) -> None:
    client, _ = sign_in(world.admin.email)
    set_up_totp(client)
    codes = Authenticator.objects.get(user=world.admin, type=Authenticator.Type.RECOVERY_CODES)
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    code = RecoveryCodes(codes).get_unused_codes()[0]
    client.post("/accounts/logout/")
    client, location = sign_in(world.admin.email)
    client.post(location, {"code": code})
    assert client.get("/").context["user"] == world.admin
    client.post("/accounts/logout/")
    client, location = sign_in(world.admin.email)
    client.post(location, {"code": code})
    assert client.get("/").context["user"].is_anonymous


@pytest.mark.parametrize("who", ["program_admin", "staff"])
def test_program_admins_and_site_staff_must_set_up_a_second_factor(world: World, who: str) -> None:
    if who == "program_admin":
        person = world.mentor
        world.program.admins.add(person)
    else:
        person = UserFactory.create(is_staff=True)
    client, _ = sign_in(person.email)
    assert client.get("/")["Location"] == "/accounts/2fa/"


def test_a_mentee_may_sign_in_without_a_second_factor_and_add_one(world: World) -> None:
    client, _ = sign_in(world.mentee.email)
    assert client.get("/").status_code == 200
    page = client.get("/accounts/2fa/").content.decode()
    assert "needs a second sign-in step" not in page
    assert "optional for your account" in page
    set_up_totp(client)
    assert Authenticator.objects.filter(user=world.mentee).count() == 2  # TOTP and recovery


def test_an_admin_setting_up_may_still_sign_out(world: World) -> None:
    client, _ = sign_in(world.admin.email)
    client.post("/accounts/logout/")
    assert client.get("/").context["user"].is_anonymous


def test_the_requirement_can_be_switched_off(world: World, settings: object) -> None:
    settings.MFA_REQUIRED_FOR_ADMINS = False  # type: ignore[attr-defined]
    assert client_for(world.admin).get("/").status_code == 200


def test_the_django_admin_signs_in_through_allauth_with_the_second_factor(db: None) -> None:
    staff = UserFactory.create(is_staff=True, is_superuser=True)
    client = Client()
    response = client.get("/admin/login/?next=/admin/")
    assert response["Location"].startswith("/accounts/login/?next=")
    client.post(response["Location"], {"login": staff.email, "password": PASSWORD})
    # Signed in by password, the staff member must still add a second factor first.
    assert client.get("/admin/")["Location"] == "/accounts/2fa/"
    set_up_totp(client)
    assert client.get("/admin/").status_code == 200


def test_adding_a_second_factor_sends_the_signal_the_security_log_hears(
    world: World, django_capture_on_commit_callbacks
) -> None:
    from allauth.mfa.signals import authenticator_added

    heard: list[str] = []

    def on_added(
        sender: object, user: User, authenticator: Authenticator, **kwargs: object
    ) -> None:
        heard.append(f"{user.email}:{authenticator.type}")

    authenticator_added.connect(on_added, weak=False, dispatch_uid="test-mfa-added")
    try:
        client, _ = sign_in(world.mentee.email)
        with django_capture_on_commit_callbacks(execute=True):
            set_up_totp(client)
    finally:
        authenticator_added.disconnect(dispatch_uid="test-mfa-added")
    assert f"{world.mentee.email}:totp" in heard


def test_the_setup_message_is_a_warning(world: World) -> None:
    client, _ = sign_in(world.admin.email)
    response = client.get("/")
    levels = [m.level_tag for m in get_messages(response.wsgi_request)]
    assert "warning" in levels


def test_the_demo_admin_signs_in_with_the_code_the_demo_prints(db: None) -> None:
    call_command("demo_data", "--people", "150", stdout=StringIO())
    out = StringIO()
    call_command("demo_code", stdout=out)
    client, location = sign_in("admin@harbourview.gov", "tandem-demo")
    assert location == "/accounts/2fa/authenticate/"
    response = client.post(location, {"code": out.getvalue().split()[0]})
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.get("/").context["user"].email == "admin@harbourview.gov"


@pytest.mark.parametrize(
    "path", ["/accounts/2fa/", "/accounts/2fa/webauthn/", "/accounts/2fa/recovery-codes/"]
)
def test_the_second_factor_pages_answer_a_member_without_error(world: World, path: str) -> None:
    # Without recovery codes yet, their page is "not found"; never a server error.
    response = client_for(world.mentee).get(path)
    assert response.status_code in (200, 404), path
