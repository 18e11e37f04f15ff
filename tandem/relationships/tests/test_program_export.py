"""The program's list of pairs as a download: who, on what, in which state, nothing more."""

import csv
import io

import pytest
from django.urls import reverse

from tandem.relationships import services
from tandem.relationships.tests.conftest import active
from tandem.security.models import SecurityEvent
from tandem.testing.fixtures import World, client_for

CANARY = "canary-export-5d0a"


def _url(world: World, file_format: str = "csv") -> str:
    return reverse("relationships:program_export", args=[world.program.pk, file_format])


def test_admins_download_every_pair_and_nothing_the_pair_wrote(ready: World) -> None:
    relationship = active(ready)
    services.journal_entry_write(
        author=ready.mentee, relationship=relationship, title="Note", body=CANARY
    )
    response = client_for(ready.admin).get(_url(ready))
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Mentor", "Mentee", "Focus", "Status", "Since", "Started from"]
    assert rows[1][:4] == [
        ready.mentor.full_name,
        ready.mentee.full_name,
        "Public speaking",
        "Active",
    ]
    assert rows[1][5] == relationship.get_origin_display()
    assert CANARY not in text
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.EXPORT)
    assert event.detail["what"] == "relationships" and event.detail["rows"] == 1
    xlsx = client_for(ready.admin).get(_url(ready, "xlsx"))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


@pytest.mark.parametrize("who", ["mentor", "mentee", "member", "outsider"])
def test_nobody_else_downloads_it(ready: World, who: str) -> None:
    active(ready)
    assert client_for(getattr(ready, who)).get(_url(ready)).status_code == 404


def test_an_unknown_format_is_not_found(ready: World) -> None:
    assert client_for(ready.admin).get(_url(ready, "pdf")).status_code == 404
