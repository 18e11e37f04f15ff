"""The audit trail shows every time, in a change too, in the reading admin's time zone."""

import zoneinfo

from django.urls import reverse

from tandem.accounts.models import Membership
from tandem.relationships import services
from tandem.relationships.models import Relationship
from tandem.relationships.tests.conftest import active, complete
from tandem.testing.fixtures import World, client_for


def test_times_inside_a_change_are_in_the_admins_zone(world: World) -> None:
    Membership.objects.filter(user=world.admin).update(time_zone="America/Chicago")
    complete(world.mentee_enrollment, world, "focus")
    complete(world.mentor_enrollment, world, "expertise")
    relationship = active(world)
    services.relationship_close(relationship=relationship, by=world.mentor, reason="completed")
    closed_at = Relationship.objects.get(pk=relationship.pk).closed_at
    assert closed_at is not None

    response = client_for(world.admin).get(
        reverse("people:audit", args=[world.org.pk]), {"kind": "relationship"}
    )

    chicago = closed_at.astimezone(zoneinfo.ZoneInfo("America/Chicago"))
    [closing] = [e for e in response.context["entries"] if e.changes[0].new == "Closed"]
    shown = {change.label: change.new for change in closing.changes}
    assert shown["Closed at"] == f"{chicago:%Y-%m-%d %H:%M}"
    assert f"{chicago:%Y-%m-%d %H:%M}" in response.content.decode()
    # Closing changes what closing changes, and not when the relationship started.
    assert "Started at" not in shown
