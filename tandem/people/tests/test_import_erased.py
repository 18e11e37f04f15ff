"""A people file does not bring back a person erased on request; the preview says so."""

import pytest
from django.db import connection
from django.test import TestCase
from django.utils import timezone

from tandem.accounts import time_zones
from tandem.accounts.models import Membership, User
from tandem.people.services.erasure import erased_address_hash, membership_erase, person_erase
from tandem.people.tests.test_import_views import upload
from tandem.testing.fixtures import World, client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("northwind_domains")]

FILE = (
    b"email,full_name,title\n"
    b"max.member@northwind.test,Max Byrne,Driver\n"
    b"nia.new@northwind.test,Nia New,Planner\n"
)


def _erase_max(world: World) -> User:
    membership = Membership.objects.get(user=world.member, organization=world.org)
    membership_erase(admin=world.admin, membership=membership, reason="Asked by e-mail")
    return User.objects.get(pk=world.member.pk)


def _stored_text() -> str:
    found: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            found.extend(str(value) for row in cursor.fetchall() for value in row)
    return "\n".join(found)


def test_erasure_keeps_a_keyed_hash_of_the_address_and_never_the_address(world: World) -> None:
    erased = _erase_max(world)

    assert erased.erased_email_hash == erased_address_hash("max.member@northwind.test")
    assert erased.erased_at is not None
    assert "max.member@northwind.test" not in _stored_text()


def test_the_preview_leaves_an_erased_person_alone_and_the_import_does_not_recreate_them(
    world: World,
) -> None:
    _erase_max(world)
    client = client_for(world.admin)

    preview = client.get(upload(client, world, FILE)["Location"])

    page = preview.content.decode()
    assert "Left alone: erased on request on" in page
    reader = time_zones.zone_of(user_id=world.admin.pk)
    assert f"{timezone.localdate(timezone=reader):%-d %B %Y}" in page
    assert [email for _, email, _ in preview.context["plan"].erased] == [
        "max.member@northwind.test"
    ]
    assert not preview.context["plan"].errors
    with TestCase.captureOnCommitCallbacks(execute=True):
        done = client.post(preview.request["PATH_INFO"], {})
    assert done.status_code == 302
    assert (
        "1 row of people erased on request was left alone."
        in client.get(done["Location"]).content.decode()
    )
    assert not User.objects.filter(email__iexact="max.member@northwind.test").exists()
    assert Membership.objects.filter(user__email="nia.new@northwind.test").exists()


def test_an_erased_person_named_as_manager_is_a_row_error(world: World) -> None:
    _erase_max(world)
    client = client_for(world.admin)
    content = FILE + b"ola.new@northwind.test,Ola New,max.member@northwind.test\n"
    content = content.replace(b"email,full_name,title", b"email,full_name,manager_email")

    preview = client.get(upload(client, world, content)["Location"])

    assert "was erased on request and is left alone" in preview.content.decode()
    assert preview.context["plan"].errors


def test_a_person_erased_elsewhere_is_new_here(world: World) -> None:
    person_erase(person=world.outsider, by=None)
    # Both organizations hold the address's domain, as after a merger.
    world.org.email_domains = ["northwind.test", "riverside.test"]
    world.org.save(update_fields=["email_domains"])
    client = client_for(world.admin)
    content = b"email,full_name\nolga.outsider@riverside.test,Olga Petrova\n"

    preview = client.get(upload(client, world, content)["Location"])

    assert not preview.context["plan"].erased
    assert [e for _, e, _ in preview.context["plan"].new_people] == ["olga.outsider@riverside.test"]


def test_a_person_who_came_back_by_themselves_is_imported_as_usual(world: World) -> None:
    _erase_max(world)
    back = User.objects.create_user("max.member@northwind.test", "pw-back-123!", full_name="Max")
    Membership.objects.create(user=back, organization=world.org)
    client = client_for(world.admin)

    preview = client.get(upload(client, world, FILE)["Location"])

    assert not preview.context["plan"].erased
    assert any(c.email == "max.member@northwind.test" for c in preview.context["plan"].changes)


def test_an_identity_provider_cannot_bring_back_an_erased_person(world: World) -> None:
    from tandem.people.tests.scim_setup import USER, northwind_provider, scim_error

    _erase_max(world)
    provider = northwind_provider(world)
    response = provider.post("Users", {"schemas": [USER], "userName": "max.member@northwind.test"})
    body = scim_error(response, 409, "uniqueness")
    assert "erased from this organization on request" in body["detail"]
    assert not User.objects.filter(email__iexact="max.member@northwind.test").exists()
