"""The way from the home page to the site's admin: for staff, and for nobody else."""

from django.urls import reverse

from tandem.testing.fixtures import World, client_for

LINK = f'<a href="{reverse("admin:index")}">Site admin</a>'


def test_staff_find_the_site_admin_on_their_home_page_and_it_opens(world: World) -> None:
    staff = world.member
    staff.is_staff = staff.is_superuser = True
    staff.save(update_fields=["is_staff", "is_superuser"])
    client = client_for(staff)
    page = client.get(reverse("home")).content.decode()
    assert page.count(LINK) == 1
    admin = client.get(reverse("admin:index"))
    assert admin.status_code == 200 and "Site administration" in admin.content.decode()


def test_program_admins_who_are_not_staff_get_no_site_admin_link(world: World) -> None:
    assert not world.admin.is_staff
    client = client_for(world.admin)
    page = client.get(reverse("home")).content.decode()
    assert "Programs you run" in page
    assert LINK not in page and reverse("admin:index") not in page
    # Nor would it let them in: Django's admin asks staff to sign in.
    assert client.get(reverse("admin:index")).status_code == 302
