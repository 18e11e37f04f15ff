"""The mentor directory never offers to ask a mentor a mentee already has or already asked."""

from django.urls import reverse

from tandem.relationships import services
from tandem.relationships.models import Relationship
from tandem.relationships.tests.conftest import MESSAGE, accepted, active, complete
from tandem.testing.factories import EnrollmentFactory, MembershipFactory, UserFactory
from tandem.testing.fixtures import World, client_for


def _directory(world: World, query: str = "") -> str:
    url = reverse("relationships:directory", args=[world.program.pk]) + query
    return client_for(world.mentee).get(url).content.decode()


def _ask(world: World) -> None:
    services.request_send(
        mentee=world.mentee_enrollment,
        mentor=world.mentor_enrollment,
        focus=world.topic("Public speaking"),
        message=MESSAGE,
    )


def test_a_mentor_she_already_asked_shows_request_sent(ready: World) -> None:
    assert "Ask Mo" in _directory(ready)
    _ask(ready)
    request = ready.mentee_enrollment.sent_requests.get()
    for query in ("", "?all=1"):
        page = _directory(ready, query)
        assert "Ask Mo" not in page
        assert "Request sent" in page
        assert reverse("relationships:request", args=[request.pk]) in page
        assert "Ask Omar" in page  # the others can still be asked


def test_after_withdrawing_she_can_ask_again(ready: World) -> None:
    _ask(ready)
    request = ready.mentee_enrollment.sent_requests.get()
    services.request_withdraw(request=request, by=ready.mentee)
    page = _directory(ready)
    assert "Ask Mo" in page and "Request sent" not in page


def _never_offers_mo(world: World) -> None:
    for query in ("", "?all=1"):
        page = _directory(world, query)
        assert "Ask Mo" not in page
        if "Mo Haddad" in page:
            assert "Your mentor" in page


def test_her_own_mentor_is_never_offered_as_someone_to_ask(ready: World) -> None:
    relationship = accepted(ready)  # writing the agreement
    _never_offers_mo(ready)
    agreement = relationship.agreements.get()
    services.agreement_sign(agreement=agreement, by=ready.mentor)
    services.agreement_sign(agreement=agreement, by=ready.mentee)
    _never_offers_mo(ready)  # active
    services.relationship_pause(relationship=relationship, by=ready.mentee)
    _never_offers_mo(ready)  # paused


def test_another_mentee_asking_changes_nothing_for_her(ready: World) -> None:
    other = UserFactory.create(full_name="Nia Other")
    MembershipFactory.create(user=other, organization=ready.org)
    enrollment = complete(
        EnrollmentFactory.create(program=ready.program, user=other), ready, "focus"
    )
    services.request_send(
        mentee=enrollment,
        mentor=ready.mentor_enrollment,
        focus=ready.topic("Public speaking"),
        message=MESSAGE,
    )
    page = _directory(ready)
    assert "Ask Mo" in page and "Request sent" not in page


def test_after_closing_she_may_ask_her_former_mentor_again(ready: World) -> None:
    relationship = active(ready)
    services.relationship_close(
        relationship=relationship, by=ready.mentee, reason=Relationship.CloseReason.COMPLETED
    )
    page = _directory(ready)
    assert "Ask Mo" in page and "Your mentor" not in page
