"""Access to informational interviews: their two people; notes: their author alone."""

from django.db.models import Q, QuerySet

from tandem.accounts.models import User
from tandem.core.errors import NotFound
from tandem.interviews.models import Interview, InterviewNote, InterviewOffer
from tandem.programs.models import Enrollment, Program


def interviews_of(user: User) -> QuerySet[Interview]:
    """Return the interviews this person asked for or was asked for."""
    if not user.is_authenticated:
        return Interview.objects.none()
    return Interview.objects.filter(Q(asker__user=user) | Q(host__user=user))


def interview_get_for_user(*, user: User, interview_id: int) -> Interview:
    """Return an interview to one of its two people; otherwise raise NotFound."""
    try:
        return (
            interviews_of(user)
            .select_related("program__organization", "asker__user", "host__user", "topic")
            .get(pk=interview_id)
        )
    except Interview.DoesNotExist:
        raise NotFound("No such interview.") from None


def interview_note_get_for_author(*, user: User, interview: Interview) -> InterviewNote | None:
    """Return this person's own note on an interview they are in, if they wrote one."""
    if not user.is_authenticated or user.pk not in (
        interview.asker.user_id,
        interview.host.user_id,
    ):
        return None
    return InterviewNote.objects.filter(interview=interview, author=user).first()


def interview_offer_get_own(*, user: User, program: Program) -> InterviewOffer:
    """Return this person's interview offer in a program they take part in; else NotFound."""
    enrollment = (
        Enrollment.objects.filter(program=program, user=user, status=Enrollment.Status.ACTIVE)
        .select_related("program", "user")
        .first()
    )
    if enrollment is None or not user.is_authenticated:
        raise NotFound("No such program.")
    offer = InterviewOffer.objects.filter(enrollment=enrollment).first()
    return offer or InterviewOffer(enrollment=enrollment)
