"""The attacks found on the old hand-written flows, each kept as a regression test."""

import re
from collections.abc import Iterator

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tandem.accounts.models import User
from tandem.accounts.tests.test_signup import NEW, code_in, same_page, sign_up
from tandem.testing.factories import PASSWORD
from tandem.testing.fixtures import World

# Sign-in e-mails go out through the task worker, which runs after each request here.
pytestmark = pytest.mark.usefixtures("tasks_after_each_request")

ATTACKER_PASSWORD = "attacker knows this 1"
VICTIM_PASSWORD = "victim chose this 22"


@pytest.fixture
def open_world(world: World) -> World:
    world.org.email_domains = ["northwind.test"]
    world.org.save()
    return world


@pytest.fixture
def hashes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Count the password hashes computed (the expensive step of sign-in and sign-up)."""
    seen: list[str] = []
    encode = MD5PasswordHasher.encode

    def counting(self: MD5PasswordHasher, password: str, salt: str) -> str:
        seen.append(password)
        return encode(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", counting)
    yield seen


def _reset_path(body: object) -> str:
    match = re.search(r"http://[^/\s]+(/accounts/password/reset/key/\S+/)", str(body))
    assert match, body
    return match.group(1)


# (a) Registering a victim's address with the attacker's password.


def test_a_squatted_address_cannot_be_proven_onto_the_attackers_account(
    open_world: World,
) -> None:
    attacker = Client()
    sign_up(attacker, {**NEW, "password1": ATTACKER_PASSWORD})
    code = code_in(mail.outbox[-1])  # lands in the victim's mailbox

    # The victim uses the code they were sent: outside the sign-up session it proves nothing.
    victim = Client()
    victim.post("/accounts/confirm-email/", {"code": code})
    victim.get(f"/accounts/confirm-email/?code={code}")
    assert not EmailAddress.objects.filter(email=NEW["email"], verified=True).exists()
    assert victim.get("/").context["user"].is_anonymous

    # The victim takes the address back through the reset link, then proves it in their
    # own session; the attacker's password is gone.
    cache.clear()  # later than the pause between two mails to one address
    victim.post("/accounts/password/reset/", {"email": NEW["email"]})
    form_page = victim.get(_reset_path(mail.outbox[-1].body), follow=True)
    victim.post(
        form_page.redirect_chain[-1][0],
        {"password1": VICTIM_PASSWORD, "password2": VICTIM_PASSWORD},
    )
    cache.clear()
    victim.post("/accounts/login/", {"login": NEW["email"], "password": VICTIM_PASSWORD})
    victim.post("/accounts/confirm-email/", {"code": code_in(mail.outbox[-1])})

    user = User.objects.get(email=NEW["email"])
    assert victim.get("/").context["user"] == user
    assert EmailAddress.objects.get(user=user).verified
    assert not user.check_password(ATTACKER_PASSWORD)
    assert user.check_password(VICTIM_PASSWORD)
    # The attacker's session never got in, and the attacker's password opens nothing.
    assert attacker.get("/").context["user"].is_anonymous
    cache.clear()
    late = Client()
    late.post("/accounts/login/", {"login": NEW["email"], "password": ATTACKER_PASSWORD})
    assert late.get("/").context["user"].is_anonymous


def test_signing_up_over_a_proven_account_changes_nothing_on_it(open_world: World) -> None:
    owner = open_world.mentee
    sign_up(Client(), {**NEW, "email": owner.email, "password1": ATTACKER_PASSWORD})
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)
    assert not owner.check_password(ATTACKER_PASSWORD)
    assert User.objects.filter(email__iexact=owner.email).count() == 1


# (b) One token, one purpose; nothing signs anyone in on a GET.


def test_the_old_confirmation_url_is_gone_and_a_reset_token_signs_nobody_in(
    world: World,
) -> None:
    uid = urlsafe_base64_encode(force_bytes(world.mentee.pk))
    token = default_token_generator.make_token(world.mentee)
    client = Client()
    assert client.get(f"/accounts/confirm/{uid}/{token}/").status_code == 404
    assert client.get("/").context["user"].is_anonymous
    world.mentee.refresh_from_db()
    assert world.mentee.last_login is None


def test_opening_a_reset_link_signs_nobody_in_and_its_key_is_no_verification_code(
    open_world: World,
) -> None:
    client = Client()
    client.post("/accounts/password/reset/", {"email": open_world.mentee.email})
    path = _reset_path(mail.outbox[-1].body)
    client.get(path, follow=True)
    assert client.get("/").context["user"].is_anonymous

    # Someone mid sign-up cannot prove their address with a reset key.
    cache.clear()
    newcomer = Client()
    sign_up(newcomer, NEW)
    key = path.rstrip("/").rsplit("/", 1)[-1]
    newcomer.post("/accounts/confirm-email/", {"code": key})
    assert not EmailAddress.objects.filter(email=NEW["email"], verified=True).exists()
    open_world.mentee.refresh_from_db()
    assert open_world.mentee.last_login is None


def test_a_verification_code_is_no_password_reset_key(open_world: World) -> None:
    sign_up(Client(), NEW)
    code = code_in(mail.outbox[-1])
    user = User.objects.get(email=NEW["email"])
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    client = Client()
    page = client.get(f"/accounts/password/reset/key/{uid}-{code}/", follow=True)
    assert "password1" not in page.content.decode()
    assert client.get("/").context["user"].is_anonymous


# (c) Enumeration: the same answer, and the same expensive work, for every address.


def test_sign_up_hashes_the_password_for_taken_and_new_addresses_alike(
    open_world: World, hashes: list[str]
) -> None:
    taken = sign_up(Client(), {**NEW, "email": open_world.mentee.email})
    taken_hashes = len(hashes)
    cache.clear()
    fresh = sign_up(Client(), NEW)
    assert taken_hashes == 1
    assert len(hashes) == 2
    assert same_page(taken, open_world.mentee.email) == same_page(fresh, NEW["email"])


def test_password_reset_answers_alike_for_known_and_unknown_addresses(
    world: World, hashes: list[str]
) -> None:
    known = Client().post("/accounts/password/reset/", {"email": world.mentee.email})
    unknown = Client().post("/accounts/password/reset/", {"email": "nobody@northwind.test"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    # Each address gets one mail, the unknown one saying there is no account.
    assert [m.to for m in mail.outbox] == [[world.mentee.email], ["nobody@northwind.test"]]
    assert len(hashes) == 0


def test_sign_in_hashes_once_for_unknown_addresses_as_for_known_ones(
    world: World, hashes: list[str]
) -> None:
    Client().post("/accounts/login/", {"login": world.mentee.email, "password": "wrong one"})
    Client().post("/accounts/login/", {"login": "nobody@northwind.test", "password": "wrong one"})
    assert hashes == ["wrong one", "wrong one"]


# (d) Rate limits.


def _wrong_password_attempts(client_ip: str | None, email: str, count: int) -> int:
    refused = 0
    for n in range(count):
        ip = client_ip or f"10.0.{n // 250}.{n % 250 + 1}"
        response = Client(REMOTE_ADDR=ip).post(
            "/accounts/login/", {"login": email, "password": f"guess {n}"}
        )
        refused += "Too many failed login attempts" in response.content.decode()
    return refused


def test_140_wrong_passwords_are_refused_after_five_even_from_many_addresses(
    world: World,
) -> None:
    refused = _wrong_password_attempts(None, world.mentee.email, 140)
    assert refused == 135
    # Now even the right password is turned away until the window passes.
    client = Client(REMOTE_ADDR="10.9.9.9")
    response = client.post("/accounts/login/", {"login": world.mentee.email, "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()
    assert client.get("/").context["user"].is_anonymous
    world.mentee.refresh_from_db()
    assert world.mentee.last_login is None


def test_the_login_counters_live_in_the_database_cache_shared_by_all_workers(
    world: World, settings: object
) -> None:
    settings.CACHES = {  # type: ignore[attr-defined]
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "tandem_cache",
        }
    }
    assert _wrong_password_attempts("10.1.1.1", world.mentee.email, 7) == 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM tandem_cache")
        assert cursor.fetchone()[0] > 0


def test_reset_mails_to_one_address_are_limited(world: World) -> None:
    for n in range(10):
        Client(REMOTE_ADDR=f"10.2.0.{n + 1}").post(
            "/accounts/password/reset/", {"email": world.mentee.email}
        )
    assert len(mail.outbox) == 3


def test_account_exists_mails_are_limited_however_often_someone_signs_up(
    open_world: World,
) -> None:
    for n in range(10):
        Client(REMOTE_ADDR=f"10.3.0.{n + 1}").post(
            "/accounts/signup/", {**NEW, "email": open_world.mentee.email}
        )
    assert len(mail.outbox) == 1


def test_sign_ups_from_one_address_are_limited(open_world: World) -> None:
    statuses = [
        Client(REMOTE_ADDR="10.4.0.1")
        .post("/accounts/signup/", {**NEW, "email": f"n{n}@northwind.test"})
        .status_code
        for n in range(12)
    ]
    assert statuses.count(429) == 2
    assert User.objects.filter(email__regex=r"^n\d+@northwind.test$").count() == 10
