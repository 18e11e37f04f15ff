"""Clients and coaches are paired by the one eligibility policy, as mentors and mentees are."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tandem.coaching.models import Engagement
from tandem.coaching.tests.contract_support import joins
from tandem.core.errors import DomainError
from tandem.matching import services as matching
from tandem.matching.models import MatchingRound, RoundPair
from tandem.policy.eligibility import pair_refusal
from tandem.programs.models import Enrollment, EnrollmentTopic, Program
from tandem.relationships import services
from tandem.relationships.models import MentorshipRequest, Relationship
from tandem.relationships.tests.conftest import complete
from tandem.testing.coaching import Practice
from tandem.testing.fixtures import client_for
from tandem.testing.rounds import round_create_default

MESSAGE = (
    "Hello, I am Nia. I lead a team of six since spring and freeze when I present our plans "
    "to the board; I would like to work on that with you for a few sessions."
)


def _directory(practice: Practice, client: Enrollment) -> str:
    url = reverse("relationships:directory", args=[practice.program.pk])
    return client_for(client.user).get(url).content.decode()


def _ask_url(practice: Practice, coach: Enrollment) -> str:
    return reverse("relationships:request_new", args=[practice.program.pk, coach.pk])


def _ask(practice: Practice, client: Enrollment, coach: Enrollment) -> int:
    return (
        client_for(client.user)
        .post(
            _ask_url(practice, coach),
            {"focus": practice.world.topic("Public speaking").pk, "message": MESSAGE},
        )
        .status_code
    )


@pytest.fixture
def coached(practice: Practice) -> Practice:
    """Cora offers public speaking; Max, a second coach, is Nia's manager."""
    complete(practice.coach, practice.world, EnrollmentTopic.Kind.EXPERTISE)
    return practice


def test_a_client_finds_a_coach_and_sends_a_request(coached: Practice) -> None:
    nia = joins(coached, "Nia Newcomer")
    page = _directory(coached, nia)
    assert "Cora Coach" in page and _ask_url(coached, coached.coach) in page
    assert _ask(coached, nia, coached.coach) == 302
    request = MentorshipRequest.objects.get(mentee=nia, mentor=coached.coach)
    relationship = services.request_accept(request=request, by=coached.coach.user, reply="Yes")
    assert relationship.status == Relationship.Status.AGREEING
    engagement = Engagement.objects.get(relationship=relationship)
    assert engagement.hours_contracted == Decimal("8")


def test_a_coachs_capacity_is_held(coached: Practice) -> None:
    # Cal's engagement, still agreeing, already holds one of Cora's places.
    Enrollment.objects.filter(pk=coached.coach.pk).update(capacity=1)
    nia = joins(coached, "Nia Newcomer")
    refusal = pair_refusal(seeker=nia, giver=coached.coach)
    assert refusal is not None
    assert _ask_url(coached, coached.coach) not in _directory(coached, nia)
    assert _ask(coached, nia, coached.coach) == 200
    assert not MentorshipRequest.objects.filter(mentee=nia).exists()
    # With a place free, she asks; once another client takes the last place, Cora cannot
    # accept her.
    Enrollment.objects.filter(pk=coached.coach.pk).update(capacity=2)
    assert _ask(coached, nia, coached.coach) == 302
    other = joins(coached, "Olu Other")
    first = services.request_send(
        mentee=other,
        mentor=Enrollment.objects.get(pk=coached.coach.pk),
        focus=coached.world.topic("Public speaking"),
        message=MESSAGE,
    )
    services.request_accept(request=first, by=coached.coach.user)
    waiting = MentorshipRequest.objects.get(mentee=nia)
    with pytest.raises(DomainError):
        services.request_accept(request=waiting, by=coached.coach.user)
    assert not Relationship.objects.filter(mentee=nia).exists()


def test_a_client_never_asks_their_manager_to_coach_them(coached: Practice) -> None:
    max_ = joins(coached, "Max Manager", coach=True)
    nia = joins(coached, "Nia Newcomer", manager=max_)
    refusal = pair_refusal(seeker=nia, giver=max_)
    assert refusal is not None and refusal.code == "reporting_line"
    page = _directory(coached, nia)
    assert "Cora Coach" in page and "Max Manager" not in page
    form = client_for(nia.user).get(_ask_url(coached, max_)).content.decode()
    assert "You cannot ask Max" in form
    assert _ask(coached, nia, max_) == 200
    assert not MentorshipRequest.objects.filter(mentee=nia, mentor=max_).exists()
    with pytest.raises(DomainError):
        services.request_send(
            mentee=nia,
            mentor=max_,
            focus=coached.world.topic("Public speaking"),
            message=MESSAGE,
        )


def test_a_round_never_pairs_a_client_with_their_manager(
    coached: Practice, django_capture_on_commit_callbacks
) -> None:
    Program.objects.filter(pk=coached.program.pk).update(matching_mode=Program.MatchingMode.BOTH)
    coached.program.refresh_from_db()
    # Max is the better fit on paper: the same topic, and free.
    max_ = joins(coached, "Max Manager", coach=True)
    nia = joins(coached, "Nia Newcomer", manager=max_)
    Enrollment.objects.filter(pk=coached.coach.pk).update(capacity=2)
    with django_capture_on_commit_callbacks(execute=True):
        created = round_create_default(program=coached.program, by=coached.admin)
        matching.round_start(matching_round=created)
    created.refresh_from_db()
    assert created.status == MatchingRound.Status.READY
    pairs = {(p.mentee_id, p.mentor_id) for p in created.pairs.all()}
    assert (nia.pk, max_.pk) not in pairs
    assert (nia.pk, coached.coach.pk) in pairs
    pair = created.pairs.get(mentee=nia)
    response = client_for(coached.admin).post(
        reverse("matching:act", args=[created.pk]),
        {"action": "swap", "pair": pair.pk, "mentor": max_.pk},
        follow=True,
    )
    assert "reporting line" in response.content.decode()
    assert RoundPair.objects.get(pk=pair.pk).mentor_id == coached.coach.pk


def test_a_proposed_match_accepted_by_both_opens_its_engagement(coached: Practice) -> None:
    nia = joins(coached, "Nia Newcomer")
    proposal = services.proposal_create(
        program=coached.program,
        mentor=coached.coach,
        mentee=nia,
        focus=coached.world.topic("Public speaking"),
        score=0.8,
        reasons=["Cora coaches public speaking, which you asked for"],
    )
    services.proposal_answer(proposal=proposal, by=nia.user, accept=True)
    assert not Engagement.objects.filter(relationship__mentee=nia).exists()
    services.proposal_answer(proposal=proposal, by=coached.coach.user, accept=True)
    engagement = Engagement.objects.get(relationship__mentee=nia)
    assert engagement.relationship.origin == Relationship.Origin.PROPOSAL
    assert (engagement.sessions_contracted, engagement.paid_by) == (6, Engagement.Payer.PROGRAM)
