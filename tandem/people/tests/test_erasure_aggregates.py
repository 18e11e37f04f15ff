"""Erasing someone leaves every number the admins read as it would be had they simply left."""

import re

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tandem.matching.models import MatchingRound, RoundPair
from tandem.people.services.erasure import person_erase
from tandem.programs.models import Enrollment
from tandem.relationships import services
from tandem.relationships.models import Relationship
from tandem.testing.fixtures import World, client_for

STAT = re.compile(r'<div class="stat"><strong>(.*?)</strong><span>(.*?)</span>', re.S)
TAG = re.compile(r"<[^>]+>")


def _stats(client: Client, url: str) -> dict[str, str]:
    """Read a page's figures as {label with its digits masked: value and label}."""
    response = client.get(url)
    assert response.status_code == 200, url
    figures = {}
    for value, label in STAT.findall(response.content.decode()):
        value, label = TAG.sub("", value).strip(), TAG.sub("", label).strip()
        figures[re.sub(r"\d+", "#", label)] = f"{value} {label}"
    return figures


def _number(figure: str) -> float:
    leading = re.match(r"[\d.]+", figure)
    assert leading is not None, figure
    return float(leading.group())


def _pairs_and_pulse(world: World) -> list[Relationship]:
    """Pair the cohort's six mentees, and let all nine people check in."""
    mentees = list(Enrollment.objects.filter(program=world.program, is_mentee=True).order_by("pk"))
    mentors = list(Enrollment.objects.filter(program=world.program, is_mentor=True).order_by("pk"))
    mentors = [m for m in mentors if m.user_id != world.other_mentor.pk]
    mia = world.mentee_enrollment
    mo = world.mentor_enrollment
    # Mentor 0 manages Mia, so Mia goes with Mo; everyone else fills the remaining places.
    others = [m for m in mentees if m.pk != mia.pk]
    givers = [mo] + [m for m in mentors if m.pk != mo.pk for _ in range(2)]
    relationships = [
        Relationship.objects.create(
            program=world.program,
            mentor=mentor,
            mentee=mentee,
            focus=world.topic("Public speaking"),
            origin=Relationship.Origin.ADMIN,
            status=Relationship.Status.ACTIVE,
            started_at=timezone.now(),
        )
        for mentee, mentor in zip([mia, *others], givers, strict=False)
    ]
    for n, relationship in enumerate(relationships):
        for side in (relationship.mentee, relationship.mentor):
            score = 1 if side.pk == mia.pk else 2 + n % 4
            services.checkin_record(
                relationship=relationship,
                author=side.user,
                going=score,
                meeting_goals=score,
                comment="private words",
            )
    return relationships


def _round(world: World) -> MatchingRound:
    matching_round = MatchingRound.objects.create(
        program=world.program,
        created_by=world.admin,
        name="Spring round",
        status=MatchingRound.Status.PUBLISHED,
        report={
            "mentees": 6,
            "pairs": 2,
            "matched_share": 1 / 3,
            "mean_score": 0.71,
            "utilization": 0.4,
            "places_offered": 5,
            "blocking_pairs": 0,
            "unmatched": [],
        },
    )
    other = Enrollment.objects.filter(program=world.program, is_mentee=True).exclude(
        pk=world.mentee_enrollment.pk
    )[0]
    for mentee, score in ((world.mentee_enrollment, 0.64), (other, 0.78)):
        RoundPair.objects.create(
            round=matching_round,
            mentee=mentee,
            mentor=world.mentor_enrollment,
            focus=world.topic("Public speaking"),
            score=score,
        )
    return matching_round


def test_admin_figures_after_erasure_are_those_of_a_departure(cohort: World) -> None:
    relationships = _pairs_and_pulse(cohort)
    matching_round = _round(cohort)
    admin = client_for(cohort.admin)
    pages = {
        "pairs": reverse("relationships:program", args=[cohort.program.pk]),
        "program": reverse("programs:manage", args=[cohort.program.pk]),
        "round": reverse("matching:round", args=[matching_round.pk]),
        "organization": reverse("people:home", args=[cohort.org.pk]),
    }
    before = {name: _stats(admin, url) for name, url in pages.items()}

    person_erase(person=cohort.mentee, by=cohort.mentee)

    after = {name: _stats(admin, url) for name, url in pages.items()}
    # Check-in averages keep the erased person's scores (over nine people, so they show).
    assert before["pairs"]["how it is going"] == after["pairs"]["how it is going"]
    assert before["pairs"]["helping with goals"] == after["pairs"]["helping with goals"]
    assert "—" not in before["pairs"]["how it is going"]
    # Her one open relationship is now closed; no relationship vanished.
    assert _number(after["pairs"]["active"]) == _number(before["pairs"]["active"]) - 1
    assert _number(after["pairs"]["closed"]) == _number(before["pairs"]["closed"]) + 1
    assert Relationship.objects.filter(program=cohort.program).count() == len(relationships)
    # She left the program, as a withdrawal would count it; the mentors are untouched.
    assert (
        _number(after["program"]["participants"]) == _number(before["program"]["participants"]) - 1
    )
    assert _number(after["program"]["mentees"]) == _number(before["program"]["mentees"]) - 1
    assert after["program"]["mentors"] == before["program"]["mentors"]
    # The round's history is what it was.
    assert after["round"] == before["round"]
    assert RoundPair.objects.filter(round=matching_round).count() == 2
    # One current member fewer, one alumna more.
    assert _number(after["organization"]["current members"]) == (
        _number(before["organization"]["current members"]) - 1
    )
    assert _number(after["organization"]["alumni"]) == _number(before["organization"]["alumni"]) + 1
    assert after["organization"]["departments"] == before["organization"]["departments"]
