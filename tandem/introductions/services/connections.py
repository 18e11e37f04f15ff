"""What a connection leads to: an informational interview or a mentoring request.

Either of the two connected people may start one, through the interviews and relationships
services and their rules; the suggestion records it, so the introduction is its origin.
"""

from django.db import transaction

from tandem.accounts.models import User
from tandem.core.errors import DomainError
from tandem.interviews.models import Interview
from tandem.interviews.services import interview_ask
from tandem.introductions.models import Suggestion
from tandem.programs.models import Enrollment, Topic
from tandem.relationships.models import MentorshipRequest
from tandem.relationships.services.requests import request_send


def _sides(suggestion: Suggestion, by: User) -> tuple[Enrollment, Enrollment]:
    """Return (the person starting, the other) for one of the two connected people."""
    if suggestion.status != Suggestion.Status.AGREED:
        raise DomainError("You are not connected yet.")
    asker, person = suggestion.introduction.asker, suggestion.person
    if by.pk == asker.user_id:
        return asker, person
    if by.pk == person.user_id:
        return person, asker
    raise DomainError("Only the two people introduced can start a conversation from it.")


def _locked(suggestion: Suggestion) -> Suggestion:
    return (
        Suggestion.objects.select_for_update(of=("self",))
        .select_related("introduction__program", "introduction__asker__user", "person__user")
        .get(pk=suggestion.pk)
    )


@transaction.atomic
def connection_start_interview(
    *, suggestion: Suggestion, by: User, topic: Topic, minutes: int, message: str
) -> Interview:
    """Ask the other person for an informational interview, with the introduction as origin."""
    suggestion = _locked(suggestion)
    starter, other = _sides(suggestion, by)
    if suggestion.interview_id is not None:
        raise DomainError("An informational interview was already asked from this introduction.")
    interview = interview_ask(
        asker=starter, host=other, topic=topic, minutes=minutes, message=message
    )
    suggestion.interview = interview
    suggestion.save(update_fields=["interview", "updated_at"])
    return interview


@transaction.atomic
def connection_start_request(
    *, suggestion: Suggestion, by: User, focus: Topic, message: str
) -> MentorshipRequest:
    """Ask the other person to mentor you, with the introduction as origin."""
    suggestion = _locked(suggestion)
    mentee, mentor = _sides(suggestion, by)
    if suggestion.mentorship_request_id is not None:
        raise DomainError("A mentoring request has already been sent from this introduction.")
    request = request_send(mentee=mentee, mentor=mentor, focus=focus, message=message)
    suggestion.mentorship_request = request
    suggestion.save(update_fields=["mentorship_request", "updated_at"])
    return request
