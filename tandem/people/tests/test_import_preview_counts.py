"""The preview's "what the correct rows would do" counts and lists only rows without errors."""

import pytest

from tandem.accounts.models import Membership, User
from tandem.people.services.erasure import membership_erase
from tandem.people.tests.test_import_views import upload
from tandem.testing.fixtures import World, client_for

pytestmark = pytest.mark.usefixtures("northwind_domains")


def test_rows_in_error_are_not_counted_as_new_people_or_departments(world: World) -> None:
    content = (
        b"email,full_name,department,manager_email,time_zone\n"
        b"ana.one@northwind.test,Ana One,Planning,,\n"
        b"ben.two@northwind.test,Ben Two,Planning,,\n"
        b"cy.bad@northwind.test,Cy Bad,Harbour Ops,,Mars/Olympus_Mons\n"
        b"dee.twice@northwind.test,Dee Twice,,,\n"
        b"dee.twice@northwind.test,Dee Twice,,,\n"
        b"eli.lost@northwind.test,Eli Lost,,nobody.here@northwind.test,\n"
        b"fay.three@northwind.test,Fay Three,,,\n"
    )
    client = client_for(world.admin)

    preview = client.get(upload(client, world, content, allow_new_departments="on")["Location"])

    plan = preview.context["plan"]
    assert sorted({e.line for e in plan.errors}) == [4, 5, 6, 7]
    assert [line for line, _, _ in plan.new_people] == [2, 3, 8]
    assert plan.new_departments == ["Planning"]
    page = preview.content.decode()
    assert "What the correct rows would do" in page
    assert "Cy Bad" not in page.split("Problems, row by row")[1].split("Created")[1]
    assert not User.objects.filter(email__endswith="@northwind.test", full_name="Ana One").exists()


def test_a_reimport_naming_an_erased_manager_counts_only_the_correct_rows(world: World) -> None:
    max_membership = Membership.objects.get(user=world.member, organization=world.org)
    membership_erase(admin=world.admin, membership=max_membership, reason="Asked by e-mail")
    content = (
        b"email,full_name,title,manager_email\n"
        b"mia.mentee@northwind.test,,Analyst,max.member@northwind.test\n"
        b"omar.mentor@northwind.test,,Analyst,max.member@northwind.test\n"
        b"mo.mentor@northwind.test,,Lead engineer,\n"
    )
    client = client_for(world.admin)

    preview = client.get(upload(client, world, content)["Location"])

    plan = preview.context["plan"]
    assert sorted(e.line for e in plan.errors) == [2, 3]
    assert [change.line for change in plan.changes] == [4]
    page = preview.content.decode()
    assert "→ max.member@northwind.test" not in page
    assert Membership.objects.get(user=world.mentee, organization=world.org).manager is None
