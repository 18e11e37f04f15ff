"""The import pages: an organization admin uploads, reads the preview, then confirms."""

from typing import Any

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.urls import reverse

from tandem.accounts.models import Membership, User
from tandem.people.models import ImportBatch
from tandem.testing.fixtures import World, client_for

# Imports add only people at the organization's own e-mail domains.
pytestmark = pytest.mark.usefixtures("northwind_domains")

GOOD = (
    b"Email,Full name,Title,Manager_email\n"
    b"new.one@northwind.test,Nia One,Engineer,mo.mentor@northwind.test\n"
    b"mia.mentee@northwind.test,,Senior analyst,mo.mentor@northwind.test\n"
)


def upload(
    client: Client, world: World, content: bytes, name: str = "people.csv", **ticks: str
) -> Any:
    return client.post(
        reverse("people:import", args=[world.org.pk]),
        {"file": SimpleUploadedFile(name, content), **ticks},
    )


def test_an_admin_uploads_previews_and_confirms(world: World) -> None:
    client = client_for(world.admin)
    assert client.get(reverse("people:import", args=[world.org.pk])).status_code == 200
    response = upload(client, world, GOOD)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("people:import_preview", args=[world.org.pk, batch.pk])
    preview = client.get(response["Location"])
    page = preview.content.decode()
    assert "Nia One" in page and "Analyst → Senior analyst" in page
    assert not User.objects.filter(email="new.one@northwind.test").exists()
    done = confirm(client, response["Location"])
    assert done.status_code == 302 and done["Location"] == response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "people.csv is imported" in page and "See the members" in page
    new = Membership.objects.get(user__email="new.one@northwind.test")
    assert (new.title, new.manager) == ("Engineer", Membership.objects.get(user=world.mentor))
    batch.refresh_from_db()
    assert (batch.state, batch.rows, batch.summary["new_people"]) == ("imported", [], 1)

    # Reloading the page (or going back to it) after the import imports nothing again.
    history = Membership.history.count()
    again = confirm(client, response["Location"], follow=True)
    assert "people.csv is imported" in again.content.decode()
    assert Membership.history.count() == history


def confirm(client: Client, url: str, **kwargs: Any) -> Any:
    """Confirm the import and run the task it queues, as the worker would after the commit."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, {}, **kwargs)


def test_errors_are_listed_and_there_is_nothing_to_confirm(world: World) -> None:
    client = client_for(world.admin)
    bad = GOOD + b"bad-address,Someone,,\n"
    preview = client.get(upload(client, world, bad)["Location"])
    page = preview.content.decode()
    assert "“bad-address” is not a valid e-mail address." in page
    assert "Nothing will be imported" in page and "Import 3 rows" not in page
    batch = ImportBatch.objects.get()
    confirm(client, reverse("people:import_preview", args=[world.org.pk, batch.pk]))
    assert not User.objects.filter(email="new.one@northwind.test").exists()


def test_a_file_that_is_not_a_table_is_a_form_error(world: World) -> None:
    response = upload(client_for(world.admin), world, b"%PDF-1.4", name="people.pdf")
    assert response.status_code == 200
    assert "Upload a CSV file (.csv) or an Excel workbook" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_an_unchanged_file_says_there_is_nothing_to_change(world: World) -> None:
    client = client_for(world.admin)
    confirm(client, upload(client, world, GOOD)["Location"])
    page = client.get(upload(client, world, GOOD)["Location"]).content.decode()
    assert "Nothing to change" in page


def test_start_over_forgets_the_upload(world: World) -> None:
    client = client_for(world.admin)
    upload(client, world, GOOD)
    batch = ImportBatch.objects.get()
    response = client.post(reverse("people:import_discard", args=[world.org.pk, batch.pk]))
    assert response.status_code == 302 and not ImportBatch.objects.exists()


def test_the_templates_download_in_both_formats(world: World) -> None:
    client = client_for(world.admin)
    csv = client.get(reverse("people:import_template", args=[world.org.pk, "csv"]))
    assert csv.content.decode().startswith("email,full_name,department,title,manager_email")
    xlsx = client.get(reverse("people:import_template", args=[world.org.pk, "xlsx"]))
    assert tablib.Dataset().load(xlsx.content, format="xlsx").headers[0] == "email"


def test_the_template_imports_as_it_is(world: World, northwind_domains: None) -> None:
    client = client_for(world.admin)
    template = client.get(reverse("people:import_template", args=[world.org.pk, "csv"]))
    response = upload(
        client, world, template.content, name="people-template.csv", allow_new_departments="on"
    )
    preview = client.get(response["Location"]).content.decode()
    assert "Nothing will be imported" not in preview
    assert "@northwind.test" in preview and "@example.org" not in preview


def test_members_and_other_organizations_admins_get_404(world: World) -> None:
    client = client_for(world.admin)
    upload(client, world, GOOD)
    batch = ImportBatch.objects.get()
    urls = [
        reverse("people:import", args=[world.org.pk]),
        reverse("people:import_preview", args=[world.org.pk, batch.pk]),
        reverse("people:import_template", args=[world.org.pk, "csv"]),
    ]
    for outsider in (world.member, world.outsider):
        for url in urls:
            assert client_for(outsider).get(url).status_code == 404
        assert client_for(outsider).post(urls[1], {}).status_code == 404
    # Another organization's admin cannot reach this batch through their own organization:
    # it is as gone for them as an upload set aside.
    other = reverse("people:import_preview", args=[world.other_org.pk, batch.pk])
    response = client_for(world.outsider).post(other, {})
    assert response["Location"] == reverse("people:import", args=[world.other_org.pk])
    assert ImportBatch.objects.filter(pk=batch.pk).exists()
    assert not User.objects.filter(email="new.one@northwind.test").exists()


def test_the_preview_reads_a_bounded_number_of_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    client = client_for(world.admin)
    rows = b"".join(
        b"p%d@northwind.test,P %d,,mo.mentor@northwind.test\n" % (i, i) for i in range(300)
    )
    location = upload(client, world, b"email,full_name,title,manager_email\n" + rows)["Location"]
    with django_assert_max_num_queries(12):
        assert client.get(location).status_code == 200
