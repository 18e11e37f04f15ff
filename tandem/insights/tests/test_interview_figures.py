"""Informational interviews in the program's figures: held, people helped, hours, mentoring."""

import csv
import io

import pytest
from django.urls import reverse

from tandem.api.tests.conftest import personal_client
from tandem.insights.impact.interviews import program_interview_figures
from tandem.insights.snapshots import services as snapshots
from tandem.interviews import services
from tandem.interviews.models import Interview, InterviewOffer
from tandem.interviews.tests.conftest import (
    MESSAGE,
    answer_both,
    ask,
    happened,
    omar,
    scheduled,
    soon,
)
from tandem.programs.models import EnrollmentTopic
from tandem.relationships.models import Relationship
from tandem.relationships.services import agreement_sign
from tandem.relationships.tests.conftest import complete
from tandem.testing.fixtures import World, client_for

CANARY = "canary-interview-note-7c1e"


@pytest.fixture
def held(world: World) -> World:
    """Mia held two conversations: 30 minutes with Mo (both yes, now mentoring) and 45 with
    Omar (it ended); a third, with Mo again, is agreed for later this week."""
    complete(world.mentee_enrollment, world, EnrollmentTopic.Kind.FOCUS)
    complete(world.mentor_enrollment, world, EnrollmentTopic.Kind.EXPERTISE)
    complete(omar(world), world, EnrollmentTopic.Kind.EXPERTISE)
    for host in (world.mentor_enrollment, omar(world)):
        InterviewOffer.objects.create(enrollment=host, is_offering=True, per_month=5)
    with_mo = happened(scheduled(world, ask(world)))
    services.interview_note_write(
        interview=with_mo, by=world.mentee, body=CANARY, share_if_continuing=False
    )
    answer_both(with_mo, world.mentee, world.mentor, yes=(True, True))
    relationship = Relationship.objects.get(origin=Relationship.Origin.INTERVIEW)
    agreement = relationship.agreements.get()
    agreement_sign(agreement=agreement, by=world.mentor)
    agreement_sign(agreement=agreement, by=world.mentee)
    with_omar = services.interview_ask(
        asker=world.mentee_enrollment,
        host=omar(world),
        topic=world.topic("Public speaking"),
        minutes=45,
        message=MESSAGE,
    )
    services.interview_propose_times(
        interview=with_omar, by=world.other_mentor, times=[soon(3), soon(4)]
    )
    first = with_omar.times.first()
    assert first is not None
    services.interview_pick_time(interview=with_omar, by=world.mentee, time_id=first.pk)
    answer_both(happened(with_omar), world.mentee, world.other_mentor, yes=(True, False))
    scheduled(world)
    return world


def _url(world: World, name: str, *args: object) -> str:
    return reverse(f"insights:{name}", args=[world.program.pk, *args])


def test_held_conversations_count_people_hours_and_those_that_became_mentoring(
    held: World,
) -> None:
    figures = program_interview_figures(program=held.program)
    assert (figures.held, figures.people_helped, figures.became_mentoring) == (2, 1, 1)
    assert figures.minutes_given == 75 and figures.hours_given == 1.3
    assert Interview.objects.filter(status=Interview.Status.SCHEDULED).count() == 3


def test_the_impact_page_api_and_download_show_them_from_the_snapshot(held: World) -> None:
    client = client_for(held.admin)
    page = client.get(_url(held, "impact"))
    text = page.content.decode()
    assert "Informational interviews" in text
    shown = page.context["impact"].interviews
    assert (shown.held, shown.people_helped, shown.hours_given, shown.became_mentoring) == (
        2,
        1,
        1.3,
        1,
    )
    assert CANARY not in text and MESSAGE not in text
    stored = held.program.insights_snapshot.impact["interviews"]
    assert stored == {"held": 2, "people_helped": 1, "minutes_given": 75, "became_mentoring": 1}
    api = personal_client(held.admin).get(f"/programs/{held.program.pk}/insights/impact").json()
    assert api["interviews"] == {
        "held": 2,
        "people_helped": 1,
        "hours_given": 1.3,
        "became_mentoring": 1,
    }
    download = client.get(_url(held, "impact_export", "csv")).content.decode()
    rows = list(csv.reader(io.StringIO(download)))
    assert rows[-1] == [
        "Informational interviews (everyone who offers them)",
        "1",
        "1.3",
        "2",
        "",
        "",
        "1",
    ]
    assert CANARY not in download


def test_the_page_keeps_the_figures_of_the_snapshot_until_recomputed(held: World) -> None:
    client = client_for(held.admin)
    client.get(_url(held, "impact"))
    Interview.objects.filter(status=Interview.Status.SCHEDULED).update(starts_at=soon(5))
    assert client.get(_url(held, "impact")).context["impact"].interviews.held == 2
    snapshots.snapshot_compute(program=held.program)
    shown = client.get(_url(held, "impact")).context["impact"].interviews
    assert (shown.held, shown.people_helped, shown.became_mentoring) == (0, 0, 1)


def test_a_program_without_interviews_shows_no_section(world: World) -> None:
    page = client_for(world.admin).get(_url(world, "impact"))
    assert page.status_code == 200
    assert b"Informational interviews" not in page.content
    api = personal_client(world.admin).get(f"/programs/{world.program.pk}/insights/impact").json()
    assert api["interviews"]["held"] == 0
    rows = list(
        csv.reader(
            io.StringIO(client_for(world.admin).get(_url(world, "impact_export", "csv")).text)
        )
    )
    assert rows[-1][0] == "All mentors"
