"""The demo's stories move their dates into the past, audit trail included."""

import datetime

from django.utils import timezone

from tandem.demo.stories import _move_back
from tandem.people.selectors.audit import audit_entries, audit_records
from tandem.relationships import services
from tandem.relationships.tests.conftest import active, complete
from tandem.testing.fixtures import World


def test_a_relationship_moved_back_then_closed_shows_no_change_of_its_start(
    world: World,
) -> None:
    complete(world.mentee_enrollment, world, "focus")
    complete(world.mentor_enrollment, world, "expertise")
    relationship = active(world)
    _move_back(relationship, 40)

    services.relationship_close(relationship=relationship, by=world.mentor, reason="completed")

    rows = list(audit_records(organization=world.org, kind="relationship"))
    entries = audit_entries(rows)
    closing, started, *_ = entries
    assert "Started at" not in [c.label for c in closing.changes]
    assert "Closed at" in [c.label for c in closing.changes]
    # The start is recorded once, in the version that started it, on the day it started.
    start = {c.label: c.new for c in started.changes}["Started at"]
    forty_days_ago = timezone.localtime() - datetime.timedelta(days=40)
    assert start == f"{forty_days_ago:%Y-%m-%d %H:%M}"
    assert started.when.date() == (timezone.now() - datetime.timedelta(days=40)).date()
