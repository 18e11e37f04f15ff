"""An import adds only people at the organization's own e-mail domains, and says no more."""

import pytest
from django.urls import reverse

from tandem.accounts.models import Membership, User
from tandem.people.models import ImportBatch
from tandem.people.services.imports import ImportRefused, import_apply
from tandem.people.tests.test_import_plan import table
from tandem.people.tests.test_import_views import confirm, upload
from tandem.testing.factories import OrganizationFactory
from tandem.testing.fixtures import World, client_for

pytestmark = pytest.mark.usefixtures("northwind_domains")

FOREIGN = (
    b"email,full_name,role\n"
    b"andres.rios@partner.test,Andres Rios,admin\n"
    b"stranger@gmail.test,A Stranger,member\n"
)


def _partner_member() -> User:
    partner = OrganizationFactory.create(name="Partner PTA", email_domains=["partner.test"])
    user = User.objects.create_user(
        "andres.rios@partner.test", "pw-partner-123!", full_name="Andrés Ríos Gutiérrez"
    )
    Membership.objects.create(user=user, organization=partner)
    return user


def test_the_preview_refuses_foreign_addresses_and_says_nothing_about_their_accounts(
    world: World,
) -> None:
    andres = _partner_member()
    client = client_for(world.admin)

    response = upload(client, world, FOREIGN, name="foreign.csv")
    preview = client.get(response["Location"])
    page = preview.content.decode()

    plan = preview.context["plan"]
    assert [(e.line, e.message) for e in plan.errors] == [
        (
            2,
            "partner.test is not one of Northwind Transit Agency's e-mail domains "
            "(northwind.test); only people with an address at those domains can be added.",
        ),
        (
            3,
            "gmail.test is not one of Northwind Transit Agency's e-mail domains "
            "(northwind.test); only people with an address at those domains can be added.",
        ),
    ]
    assert (plan.new_people, plan.joining) == ([], [])
    assert "Andrés" not in page and "Has an account" not in page and "New to Tandem" not in page
    assert "Import 2 rows" not in page

    # Posting the confirmation anyway imports nothing.
    confirm(client, response["Location"])
    assert ImportBatch.objects.get().state != ImportBatch.State.IMPORTED
    assert not Membership.objects.filter(user=andres, organization=world.org).exists()
    assert not User.objects.filter(email="stranger@gmail.test").exists()


def test_the_import_service_refuses_a_foreign_address_and_writes_nothing(world: World) -> None:
    _partner_member()
    members = Membership.objects.count()

    with pytest.raises(ImportRefused):
        import_apply(
            organization=world.org,
            table=table("andres.rios@partner.test,,,,,,,admin\n"),
            by=world.admin,
            file_name="people.csv",
        )

    assert Membership.objects.count() == members
    assert not Membership.objects.filter(
        organization=world.org, user__email="andres.rios@partner.test"
    ).exists()


def test_a_current_member_at_another_domain_can_still_be_updated(world: World) -> None:
    # Members from before the domains were set stay members, and an import may update them.
    kept = User.objects.create_user("kim.kept@gmail.test", "pw-kept-123!", full_name="Kim Kept")
    Membership.objects.create(user=kept, organization=world.org, title="Clerk")

    import_apply(
        organization=world.org,
        table=table("kim.kept@gmail.test,,,Senior clerk,,,,\n"),
        by=world.admin,
        file_name="people.csv",
    )

    assert Membership.objects.get(user=kept, organization=world.org).title == "Senior clerk"


def test_an_organization_without_domains_can_update_members_but_add_nobody(
    world: World,
) -> None:
    world.org.email_domains = []
    world.org.save(update_fields=["email_domains"])
    client = client_for(world.admin)

    page = client.get(reverse("people:import", args=[world.org.pk])).content.decode()
    assert "has no e-mail domains yet" in page
    assert reverse("people:sign_on", args=[world.org.pk]) in page

    content = (
        b"email,full_name,title\n"
        b"mia.mentee@northwind.test,,Planner\n"
        b"nia.new@northwind.test,Nia New,Planner\n"
    )
    preview = client.get(upload(client, world, content)["Location"])
    errors = [(e.line, e.message) for e in preview.context["plan"].errors]
    assert errors == [
        (
            3,
            "Northwind Transit Agency has no e-mail domains yet, so nobody can be added to it. "
            "Site staff set them once they know which domains are yours.",
        )
    ]
    assert not User.objects.filter(email="nia.new@northwind.test").exists()

    # Without the new person, the same file updates the member.
    import_apply(
        organization=world.org,
        table=table("mia.mentee@northwind.test,,,Planner,,,,\n"),
        by=world.admin,
        file_name="people.csv",
    )
    assert Membership.objects.get(user=world.mentee, organization=world.org).title == "Planner"
