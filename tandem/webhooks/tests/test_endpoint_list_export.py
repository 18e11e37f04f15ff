"""The organization's webhook endpoints as a download, for its admins, without secrets."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from tandem.security.models import SecurityEvent
from tandem.testing.fixtures import client_for
from tandem.webhooks.tests.conftest import Hooked


def _url(hooked: Hooked, file_format: str = "csv") -> str:
    return reverse("webhooks:endpoints_export", args=[hooked.world.org.pk, file_format])


def test_the_admin_downloads_the_endpoints_and_never_a_secret(hooked: Hooked) -> None:
    admin = client_for(hooked.world.admin)
    page = admin.get(reverse("webhooks:endpoints", args=[hooked.world.org.pk]))
    assert _url(hooked) in page.content.decode()
    response = admin.get(_url(hooked))
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "URL",
        "Description",
        "Events",
        "State",
        "Added (UTC)",
        "Added by",
        "Secret last changed (UTC)",
    ]
    assert rows[1][:2] == [hooked.endpoint.url, "Our HR system"] and rows[1][3] == "On"
    assert hooked.endpoint.secret not in text and hooked.receiver.secret not in text
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.EXPORT)
    assert event.detail["what"] == "webhook-endpoints" and event.detail["rows"] == 1
    assert event.organization_id == hooked.world.org.pk
    xlsx = admin.get(_url(hooked, "xlsx"))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert admin.get(_url(hooked, "pdf")).status_code == 404


@pytest.mark.parametrize("who", ["mentor", "mentee", "member", "outsider"])
def test_nobody_else_downloads_the_endpoints(hooked: Hooked, who: str) -> None:
    assert client_for(getattr(hooked.world, who)).get(_url(hooked)).status_code == 404
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT).exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(hooked: Hooked) -> None:
    assert Client().get(_url(hooked)).status_code == 302
