"""Where an organization requires its sign-on: refusals are logged, and site staff keep a way in.

Site staff answer to the site, not to the organization whose domain their address is at;
they sign in with a password and Tandem's second factor. An address alone tells nobody
whether it belongs to site staff: without the right password, the answer is the same.
"""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.test import Client
from django.urls import reverse

from tandem.accounts.models import User
from tandem.accounts.tests.test_signup import same_page
from tandem.people.services.sign_on import sign_on_configure_saml
from tandem.security.models import SecurityEvent
from tandem.testing import saml_idp
from tandem.testing.factories import UserFactory
from tandem.testing.fixtures import World, client_for

# Sign-in e-mails go out through the task worker, which runs after each request here.
pytestmark = pytest.mark.usefixtures("tasks_after_each_request")

MO_PASSWORD = "mo-password-1"
STAFF_PASSWORD = "staff-password-1"
REFUSAL = "sign in through Northwind Transit Agency's single sign-on"


@pytest.fixture
def required(world: World) -> None:
    """Require the organization's sign-on at northwind.test."""
    world.org.email_domains = ["northwind.test"]
    world.org.save(update_fields=["email_domains"])
    sign_on_configure_saml(
        organization=world.org,
        idp_entity_id=saml_idp.ENTITY_ID,
        idp_sso_url=saml_idp.SSO_URL,
        idp_certificate=saml_idp.signing_key().certificate_pem,
        require_sign_on=True,
    )


@pytest.fixture
def staff(db: None) -> User:
    """Site staff whose address is at the organization's domain, with a second factor."""
    user = UserFactory.create(email="sam.staff@northwind.test", is_staff=True, is_superuser=True)
    user.set_password(STAFF_PASSWORD)
    user.save(update_fields=["password"])
    TOTP.activate(user, generate_totp_secret())
    return user


def _sign_in(email: str, password: str) -> tuple[Client, str]:
    client = Client()
    response = client.post(reverse("account_login"), {"login": email, "password": password})
    return client, response.content.decode().replace("&#x27;", "'")


@pytest.mark.usefixtures("required")
def test_each_refused_password_sign_in_is_in_the_organizations_log(
    world: World, staff: User
) -> None:
    world.mentor.set_password(MO_PASSWORD)
    world.mentor.save(update_fields=["password"])
    attempts = [
        ("mo.mentor@northwind.test", MO_PASSWORD),
        ("mo.mentor@northwind.test", "wrong-password-1"),
        ("MO.MENTOR@NORTHWIND.TEST", MO_PASSWORD),
        ("nobody@northwind.test", "any-password-1"),
        ("sam.staff@northwind.test", "wrong-password-1"),
    ]
    for email, password in attempts:
        client, page = _sign_in(email, password)
        assert REFUSAL in page
        assert "_auth_user_id" not in client.session
    failures = SecurityEvent.objects.filter(kind="sign_in_failed").order_by("pk")
    assert [(f.email, f.organization) for f in failures] == [
        (email.lower(), world.org) for email, _ in attempts
    ]
    # Only the organization's own people are named; site staff are not among them.
    assert {f.user for f in failures} == {world.mentor, None}
    for failure in failures:
        assert failure.detail == {"sign_on": "saml-northwind"}
        assert MO_PASSWORD not in str(failure.detail) and "wrong-password" not in str(
            failure.detail
        )
    # The organization's admins read the refusals in their security log.
    log = client_for(world.admin).get(
        f"/organizations/{world.org.pk}/security/", {"kind": "sign_in_failed"}
    )
    assert log.status_code == 200
    assert log.content.decode().count("nobody@northwind.test") == 1


@pytest.mark.usefixtures("required")
def test_site_staff_sign_in_with_their_password_and_second_factor(staff: User) -> None:
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": staff.email, "password": STAFF_PASSWORD}
    )
    # The password is accepted; Tandem's second factor comes next, as for staff anywhere.
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert not SecurityEvent.objects.filter(kind="sign_in_failed").exists()


@pytest.mark.usefixtures("required")
def test_staff_address_with_a_wrong_password_is_answered_as_an_unknown_address(
    staff: User,
) -> None:
    _, staff_page = _sign_in(staff.email, "wrong-password-1")
    _, unknown_page = _sign_in("nobody@northwind.test", "wrong-password-1")
    assert REFUSAL in staff_page
    assert same_page(staff_page, staff.email) == same_page(unknown_page, "nobody@northwind.test")


@pytest.mark.usefixtures("required")
def test_site_staff_can_reset_their_password(staff: User) -> None:
    staff_client, other = Client(), Client()
    staff_answer = staff_client.post(reverse("account_reset_password"), {"email": staff.email})
    other_answer = other.post(
        reverse("account_reset_password"), {"email": "mo.mentor@northwind.test"}
    )
    assert [message.to for message in mail.outbox] == [[staff.email]]
    assert staff_answer.status_code == other_answer.status_code == 302
    assert staff_answer["Location"] == other_answer["Location"]


@pytest.mark.usefixtures("required")
def test_sign_up_with_a_staff_address_points_to_sign_on_as_for_any_covered_address(
    staff: User,
) -> None:
    data = {"full_name": "Sam Again", "password1": "another-password-1"}
    staff_page = Client().post("/accounts/signup/", {"email": staff.email, **data})
    unknown_page = Client().post("/accounts/signup/", {"email": "nobody@northwind.test", **data})
    staff_text = staff_page.content.decode().replace("&#x27;", "'")
    assert REFUSAL in staff_text
    assert same_page(staff_text, staff.email) == same_page(
        unknown_page.content.decode().replace("&#x27;", "'"), "nobody@northwind.test"
    )
    assert User.objects.filter(email=staff.email).count() == 1


@pytest.mark.usefixtures("required")
def test_sign_on_settings_say_site_staff_are_exempt(world: World) -> None:
    page = client_for(world.admin).get(f"/organizations/{world.org.pk}/sign-on/")
    assert page.status_code == 200
    assert "Site staff keep signing in with a password" in page.content.decode()


@pytest.mark.usefixtures("required")
def test_refused_passkey_is_logged_and_site_staff_keep_theirs(
    world: World, staff: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.webauthn.forms import LoginWebAuthnForm

    keys = {
        user: Authenticator.objects.create(
            user=user, type=Authenticator.Type.WEBAUTHN, data={"passwordless": True}
        )
        for user in (world.mentor, staff)
    }
    # Stand in for the browser's signed answer, whose check is allauth's; what follows it,
    # the sign-in itself, is what refuses the covered address and lets staff through.
    monkeypatch.setattr(LoginWebAuthnForm, "clean_credential", lambda form: keys[world.mentor])
    mentor = Client()
    mentor.post(reverse("mfa_login_webauthn"), {"credential": '{"id": "k"}'})
    assert "_auth_user_id" not in mentor.session
    failure = SecurityEvent.objects.get(kind="sign_in_failed")
    assert (failure.user, failure.organization) == (world.mentor, world.org)
    assert failure.detail == {"sign_on": "saml-northwind"}

    monkeypatch.setattr(LoginWebAuthnForm, "clean_credential", lambda form: keys[staff])
    site_staff = Client()
    site_staff.post(reverse("mfa_login_webauthn"), {"credential": '{"id": "k"}'})
    assert site_staff.session.get("_auth_user_id") == str(staff.pk)
    assert SecurityEvent.objects.filter(kind="sign_in_failed").count() == 1
