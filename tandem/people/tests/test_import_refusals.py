"""A refused people file leaves a line in the security log: who, when, file, how many errors."""

import pytest
from django.urls import reverse

from tandem.people.forms import imports as import_forms
from tandem.people.models import ImportBatch
from tandem.people.tests.test_import_views import upload
from tandem.security.models import SecurityEvent
from tandem.testing.fixtures import World, client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("northwind_domains")]

SECRET_CELL = "cell-text-7f3a"


def _refusals(world: World) -> list[SecurityEvent]:
    return list(
        SecurityEvent.objects.filter(
            kind=SecurityEvent.Kind.IMPORT_REFUSED, organization=world.org
        ).order_by("pk")
    )


def test_a_file_with_errors_is_logged_once_however_often_it_is_previewed(world: World) -> None:
    client = client_for(world.admin)
    content = (f"email,full_name\nnot-an-address,{SECRET_CELL}\nalso bad,{SECRET_CELL}\n").encode()

    preview_url = upload(client, world, content, name="march.csv")["Location"]
    client.get(preview_url)
    client.get(preview_url)

    [event] = _refusals(world)
    batch = ImportBatch.objects.get()
    assert event.user == world.admin
    assert event.detail == {"file": "march.csv", "errors": 2, "stage": "preview", "batch": batch.pk}
    assert SECRET_CELL not in str(event.detail) and "not-an-address" not in str(event.detail)
    log = client.get(reverse("people:security", args=[world.org.pk])).content.decode()
    assert "People file refused" in log and "march.csv: 2 errors" in log


def test_a_file_of_the_wrong_type_is_logged(world: World) -> None:
    client = client_for(world.admin)

    response = upload(client, world, f"%PDF-1.4 {SECRET_CELL}".encode(), name="people.pdf")

    assert response.status_code == 200
    assert "Upload a CSV file" in response.content.decode()
    [event] = _refusals(world)
    assert event.user == world.admin
    assert event.detail == {"file": "people.pdf", "errors": 1, "stage": "upload"}
    assert not ImportBatch.objects.exists()


def test_a_file_too_large_is_logged(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(import_forms, "MAX_UPLOAD_BYTES", 10)
    client = client_for(world.admin)

    response = upload(client, world, b"email\n" + b"a@northwind.test\n" * 5, name="big.csv")

    assert "larger than" in response.content.decode()
    [event] = _refusals(world)
    assert event.detail["file"] == "big.csv" and event.detail["stage"] == "upload"


def test_a_good_file_leaves_no_refusal(world: World) -> None:
    client = client_for(world.admin)

    client.get(upload(client, world, b"email,full_name\nnia@northwind.test,Nia\n")["Location"])

    assert _refusals(world) == []
