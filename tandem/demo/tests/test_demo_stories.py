"""The demo's stories move their dates into the past, audit trail included."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from tandem.demo.stories import _move_back, _proposal_for
from tandem.people.selectors.audit import audit_entries, audit_records
from tandem.programs.models import Enrollment, Program
from tandem.relationships import services
from tandem.relationships.models import Proposal, Relationship
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


def test_the_proposed_match_goes_to_a_mentor_who_takes_people_on(world: World) -> None:
    world.program.matching_mode = Program.MatchingMode.ROUNDS
    world.program.format = Program.Format.ONE_TO_ONE
    world.program.save()
    complete(world.mentee_enrollment, world, "focus")
    # Mo shares Mia's focus but takes nobody new; Omar does.
    complete(world.mentor_enrollment, world, "expertise")
    Enrollment.objects.filter(pk=world.mentor_enrollment.pk).update(accepting_now=False)
    omar = Enrollment.objects.get(user=world.other_mentor, program=world.program)
    complete(omar, world, "expertise", topic="Budgeting and finance")
    Enrollment.objects.filter(pk=omar.pk).update(accepting_now=True)

    _proposal_for({"rounds": world.program}, {"mentee": world.mentee, "mentor": world.admin})

    proposal = Proposal.objects.get(program=world.program)
    assert (proposal.mentor, proposal.mentee) == (omar, world.mentee_enrollment)
    assert proposal.mentor_answer == Proposal.Answer.YES


@pytest.mark.django_db
@pytest.mark.parametrize("seed", ["3", "12"])
def test_the_demo_data_builds_with_other_seeds(seed: str, settings: object) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]
    call_command("demo_data", "--people", "120", "--seed", seed, stdout=StringIO())

    assert Relationship.objects.exists()
    assert Proposal.objects.exists()
