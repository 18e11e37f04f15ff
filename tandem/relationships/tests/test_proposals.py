import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.core.errors import DomainError
from tandem.notifications.models import Notification
from tandem.programs.models import Enrollment
from tandem.relationships import services
from tandem.relationships.models import Proposal, Relationship
from tandem.testing.fixtures import World, client_for


def _propose(world: World) -> Proposal:
    return services.proposal_create(
        program=world.program,
        mentor=world.mentor_enrollment,
        mentee=world.mentee_enrollment,
        focus=world.topic("Public speaking"),
        score=0.82,
        reasons=["Mo has deep expertise in public speaking, which you asked for"],
    )


def test_both_see_the_proposal_with_its_reasons(ready: World) -> None:
    proposal = _propose(ready)
    url = reverse("relationships:proposal", args=[proposal.pk])
    for person in (ready.mentor, ready.mentee):
        page = client_for(person).get(url).content.decode()
        assert "deep expertise in public speaking" in page
    for person in (ready.other_mentor, ready.admin, ready.outsider):
        assert client_for(person).get(url).status_code == 404
    assert Notification.objects.filter(kind="proposal_received").count() == 2


def test_the_relationship_starts_only_when_both_say_yes(ready: World) -> None:
    proposal = _propose(ready)
    url = reverse("relationships:proposal", args=[proposal.pk])
    client_for(ready.mentee).post(url, {"answer": "yes"})
    assert not Relationship.objects.exists()
    response = client_for(ready.mentor).post(url, {"answer": "yes"})
    relationship = Relationship.objects.get()
    assert response["Location"] == reverse("relationships:agreement", args=[relationship.pk])
    assert relationship.origin == Relationship.Origin.PROPOSAL
    assert relationship.agreements.count() == 1


def test_a_decline_keeps_its_reason_private(ready: World) -> None:
    proposal = _propose(ready)
    url = reverse("relationships:proposal", args=[proposal.pk])
    client_for(ready.mentee).post(url, {"answer": "no", "private_reason": "secret-reason-42"})
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DECLINED
    assert proposal.mentee_decline_reason == "secret-reason-42"
    assert "secret-reason-42" not in client_for(ready.mentor).get(url).content.decode()
    assert "secret-reason-42" in client_for(ready.mentee).get(url).content.decode()
    note = Notification.objects.get(user=ready.mentor, kind="proposal_declined")
    assert "secret" not in note.body and "reject" not in note.body.lower()


def test_answers_close_after_the_window_and_proposals_expire(ready: World) -> None:
    proposal = _propose(ready)
    Proposal.objects.filter(pk=proposal.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    with pytest.raises(DomainError, match="passed"):
        services.proposal_answer(proposal=proposal, by=ready.mentee, accept=True)
    assert services.proposals_expire() == 1
    assert services.proposals_expire() == 0


def test_a_full_mentor_cannot_start_a_proposed_match(ready: World) -> None:
    Enrollment.objects.filter(pk=ready.mentor_enrollment.pk).update(capacity=2)
    proposal = _propose(ready)
    services.proposal_answer(proposal=proposal, by=ready.mentee, accept=True)
    # The mentor's other place is taken after the round published the proposal.
    Relationship.objects.create(
        program=ready.program,
        mentor=ready.mentor_enrollment,
        mentee=Enrollment.objects.create(program=ready.program, user=ready.member, is_mentee=True),
        focus=ready.topic("Leadership"),
        origin=Relationship.Origin.ADMIN,
    )
    Enrollment.objects.filter(pk=ready.mentor_enrollment.pk).update(capacity=1)
    with pytest.raises(DomainError, match="no free place"):
        services.proposal_answer(proposal=proposal, by=ready.mentor, accept=True)
    assert Relationship.objects.count() == 1
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PENDING and proposal.mentor_answer == ""
