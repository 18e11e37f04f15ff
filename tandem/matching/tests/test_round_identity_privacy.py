"""A round's review page shows self-described identity only as groups of five or more.

Only people who let matching use what they shared are counted; pair reasons never say that
a mentor shares something with a mentee.
"""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from tandem.matching import services
from tandem.matching.models import MatchingRound, RoundPair
from tandem.programs.models import Enrollment, EnrollmentTopic, Program
from tandem.relationships.models import Proposal
from tandem.testing.factories import EnrollmentFactory, MembershipFactory, UserFactory
from tandem.testing.fixtures import World, client_for
from tandem.testing.rounds import round_create_default


def _person(world: World, name: str, **fields: object) -> Enrollment:
    user = UserFactory.create(full_name=name)
    enrollment = EnrollmentFactory.create(
        program=world.program,
        user=user,
        membership=MembershipFactory.create(user=user, organization=world.org),
        meeting_modes=["video"],
        profile_completed_at=timezone.now(),
        **fields,
    )
    kind = EnrollmentTopic.Kind.EXPERTISE if enrollment.is_mentor else EnrollmentTopic.Kind.FOCUS
    EnrollmentTopic.objects.create(
        enrollment=enrollment, topic=world.topic("Public speaking"), kind=kind, level=3
    )
    return enrollment


@pytest.fixture
def diverse(world: World) -> World:
    """Twelve mentees and four mentors with room for all of them."""
    world.program.matching_mode = Program.MatchingMode.ROUNDS
    world.program.save()
    for n in range(6):  # six veterans who keep it private
        _person(world, f"Private {n}", identity_attributes=["veteran"])
    for n in range(6):  # six carers who let matching use it, three of them immigrants too
        _person(
            world,
            f"Open {n}",
            identity_attributes=["parent_carer", *(["immigrant"] if n < 3 else [])],
            identity_use="match",
            requested_attributes=["veteran"] if n == 0 else [],
        )
    for n in range(4):
        _person(
            world,
            f"Mentor {n}",
            is_mentee=False,
            is_mentor=True,
            capacity=3,
            accepting_now=True,
            identity_attributes=["veteran"],
            identity_use="match" if n == 0 else "private",
        )
    return world


def test_the_review_page_counts_only_consenting_groups_of_five_or_more(
    diverse: World, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(diverse.admin).post(
            reverse("matching:rounds", args=[diverse.program.pk]),
            {"name": "Spring", "solver": "optimal", "participation_first": "on", "seed": "1"}
            | {f"w_{k}": str(v) for k, v in services.DEFAULT_WEIGHTS.items()},
        )
    created = MatchingRound.objects.get(program=diverse.program)
    assert response["Location"] == reverse("matching:round", args=[created.pk])
    created.refresh_from_db()
    assert created.status == MatchingRound.Status.READY
    assert created.report["mentees_matched"] == 12

    groups = {row["group"]: row for row in created.report["fairness"]}
    assert set(groups) == {"parent_carer"}
    assert groups["parent_carer"]["mentees"] == 6
    assert groups["parent_carer"]["matched_share"] == 1.0

    page = client_for(diverse.admin).get(reverse("matching:round", args=[created.pk]))
    html = page.content.decode()
    assert "parent_carer" in html
    assert "veteran" not in html  # held by six, but none of them said yes
    assert "immigrant" not in html  # said yes, but only three
    assert "asked for" not in html
    # Open 0 asked for a veteran and got the one who agreed to be matched on it...
    pair = RoundPair.objects.get(round=created, mentee__user__full_name="Open 0")
    assert pair.mentor.user.full_name == "Mentor 0"
    # ...which the admins' page and the proposal do not spell out.
    assert not any("asked for" in reason for reason in pair.reasons)
    assert "attributes" not in pair.components


def test_the_review_page_is_for_program_admins_only(
    diverse: World, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        created = round_create_default(
            program=diverse.program, by=diverse.admin, solver="stable", participation_first=False
        )
        services.round_start(matching_round=created)
    url = reverse("matching:round", args=[created.pk])
    assert client_for(diverse.admin).get(url).status_code == 200
    for person in (diverse.mentee, diverse.mentor, diverse.outsider):
        assert client_for(person).get(url).status_code == 404


def test_rounds_forget_what_they_learned_before_people_could_consent(
    world: World,
) -> None:
    mentor = _person(world, "Mentor", is_mentee=False, is_mentor=True, capacity=1)
    old = MatchingRound.objects.create(
        program=world.program,
        name="Before",
        report={
            "fairness": [
                {"dimension": "department", "group": "Ops", "mentees": 5},
                {"dimension": "group", "group": "veteran", "mentees": 5},
            ]
        },
    )
    reasons = ["Covers your focus areas", "Has 1 of the 1 things you asked for in a mentor"]
    pair = RoundPair.objects.create(
        round=old,
        mentee=world.mentee_enrollment,
        mentor=mentor,
        focus=world.topic("Public speaking"),
        score=0.9,
        components={"focus": 1.0, "attributes": 1.0},
        reasons=reasons,
    )
    proposal = Proposal.objects.create(
        program=world.program,
        mentee=world.mentee_enrollment,
        mentor=mentor,
        focus=world.topic("Public speaking"),
        score=0.9,
        reasons=reasons,
        expires_at=timezone.now(),
    )
    migration = importlib.import_module(
        "tandem.matching.migrations.0002_forget_identity_used_without_consent"
    )
    migration.forget(apps, None)
    old.refresh_from_db()
    pair.refresh_from_db()
    proposal.refresh_from_db()
    assert [row["group"] for row in old.report["fairness"]] == ["Ops"]
    assert pair.reasons == proposal.reasons == ["Covers your focus areas"]
    assert pair.components == {"focus": 1.0}
