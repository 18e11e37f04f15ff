"""Around the conversation: the reminder, private notes, and "would you like to continue?"."""

import datetime

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import User
from tandem.core.errors import DomainError
from tandem.interviews.models import Interview, InterviewNote
from tandem.notifications.services import News, notify, notify_many
from tandem.notifications.when import local_datetime
from tandem.policy.eligibility import lock_people, pair_refusal
from tandem.relationships.models import Relationship
from tandem.relationships.services.agreements import agreement_start

MAX_NOTE = 5000
REMIND_BEFORE = datetime.timedelta(hours=24)

ENDED_NOTE = (
    "Thank you both for the conversation. It ends here, as most informational interviews "
    "do, and either of you is welcome to ask for another one later."
)


def _url(interview: Interview) -> str:
    return reverse("interviews:detail", args=[interview.pk])


def _party(interview: Interview, user: User) -> str:
    if user.pk == interview.asker.user_id:
        return "asker"
    if user.pk == interview.host.user_id:
        return "host"
    raise DomainError("Only the two people in this conversation can do that.")


def interview_has_happened(interview: Interview, now: datetime.datetime | None = None) -> bool:
    """Return whether the agreed conversation's time is over."""
    ends = interview.ends_at
    return (
        interview.status == Interview.Status.SCHEDULED
        and ends is not None
        and (ends <= (now or timezone.now()))
    )


@transaction.atomic
def interview_note_write(
    *, interview: Interview, by: User, body: str, share_if_continuing: bool
) -> InterviewNote:
    """Keep one's own private notes on an interview; shared only if both continue."""
    _party(interview, by)
    text = body.strip()
    if not text:
        raise DomainError("Write something to keep.", field="body")
    if len(text) > MAX_NOTE:
        raise DomainError(f"Keep notes under {MAX_NOTE} characters.", field="body")
    if interview.status in (Interview.Status.DECLINED, Interview.Status.WITHDRAWN):
        raise DomainError("This request is closed; there is no conversation to keep notes on.")
    if interview.outcome:
        raise DomainError("This conversation is settled; its notes are kept as they were.")
    note, _ = InterviewNote.objects.update_or_create(
        interview=interview,
        author=by,
        defaults={"body": text, "share_if_continuing": share_if_continuing},
    )
    return note


def _shared_notes(interview: Interview) -> str:
    notes = InterviewNote.objects.filter(interview=interview, share_if_continuing=True)
    names = {
        interview.asker.user_id: interview.asker.user,
        interview.host.user_id: interview.host.user,
    }
    lines = [
        f"{names[note.author_id].display_name}'s notes: {note.body}"
        for note in sorted(notes, key=lambda n: n.author_id != interview.asker.user_id)
    ]
    if not lines:
        return ""
    return f"From our informational interview on {interview.topic}:\n" + "\n".join(lines)


def _propose_relationship(interview: Interview) -> Relationship | None:
    """Start a relationship from two yeses, as an accepted request does, if the rules allow."""
    lock_people([interview.asker, interview.host])
    # Both yeses are their consent, so "not accepting new people" does not apply.
    refusal = pair_refusal(
        seeker=interview.asker, giver=interview.host, focus=interview.topic, require_accepting=False
    )
    if refusal is not None:
        return None
    relationship = Relationship.objects.create(
        program=interview.program,
        mentor=interview.host,
        mentee=interview.asker,
        focus=interview.topic,
        origin=Relationship.Origin.INTERVIEW,
    )
    agreement = agreement_start(relationship=relationship)
    shared = _shared_notes(interview)
    if shared:
        agreement.goals = f"{shared}\n\n{agreement.goals}".strip()
        agreement.save(update_fields=["goals", "updated_at"])
    return relationship


def _settle(interview: Interview) -> None:
    both = (interview.asker_continues, interview.host_continues)
    if None in both:
        return
    people = [interview.asker.user, interview.host.user]
    relationship = _propose_relationship(interview) if all(both) else None
    if relationship is None:
        interview.outcome = Interview.Outcome.ENDED
        interview.save(update_fields=["outcome", "updated_at"])
        # The same words to both: nobody learns who said no, or that a rule stood in the way.
        notify_many(
            [
                News(
                    user=person,
                    kind="interview_ended",
                    title=f"Your conversation on {interview.topic} ends here",
                    body=ENDED_NOTE,
                    url=_url(interview),
                )
                for person in people
            ]
        )
        return
    interview.outcome = Interview.Outcome.RELATIONSHIP
    interview.relationship = relationship
    interview.save(update_fields=["outcome", "relationship", "updated_at"])
    notify_many(
        [
            News(
                user=person,
                kind="interview_continues",
                title="You both want to continue: a mentoring relationship is proposed",
                body=f"Write your agreement together, on {interview.topic}.",
                url=reverse("relationships:agreement", args=[relationship.pk]),
            )
            for person in people
        ]
    )


@transaction.atomic
def interview_continue_answer(*, interview: Interview, by: User, continues: bool) -> Interview:
    """Say privately whether one would like to continue; two yeses propose mentoring."""
    interview = (
        Interview.objects.select_for_update(of=("self",))
        .select_related("program", "asker__user", "host__user", "topic")
        .get(pk=interview.pk)
    )
    side = _party(interview, by)
    if not interview_has_happened(interview):
        raise DomainError("You can answer once the conversation has taken place.")
    if interview.outcome:
        raise DomainError("This conversation is already settled.")
    field = f"{side}_continues"
    if getattr(interview, field) is not None:
        raise DomainError("You have already answered.")
    setattr(interview, field, continues)
    interview.save(update_fields=[field, "updated_at"])
    _settle(interview)
    return interview


def interviews_remind(*, now: datetime.datetime | None = None) -> int:
    """Remind both people a day before their conversation, once; return how many interviews."""
    now = now or timezone.now()
    due = Interview.objects.select_related("program", "asker__user", "host__user", "topic").filter(
        status=Interview.Status.SCHEDULED,
        reminder_sent_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + REMIND_BEFORE,
    )
    count = 0
    for interview in due:
        with transaction.atomic():
            if not Interview.objects.filter(pk=interview.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            ):
                continue
            assert interview.starts_at is not None
            for person, other in (
                (interview.asker.user, interview.host.user),
                (interview.host.user, interview.asker.user),
            ):
                when = local_datetime(
                    person, interview.starts_at, organization_id=interview.program.organization_id
                )
                notify(
                    user=person,
                    kind="interview_reminder",
                    title=f"Your conversation with {other.display_name} is on {when}",
                    body=f"{interview.minutes} minutes on {interview.topic}.",
                    url=_url(interview),
                    dedupe_key=f"interview-reminder-{interview.pk}-{person.pk}",
                )
            count += 1
    return count


def interviews_follow_up(*, now: datetime.datetime | None = None) -> int:
    """Ask both people, once the time has passed, whether they would like to continue."""
    now = now or timezone.now()
    due = Interview.objects.select_related("asker__user", "host__user", "topic").filter(
        Q(status=Interview.Status.SCHEDULED, followup_sent_at__isnull=True, starts_at__lte=now)
    )
    count = 0
    for interview in due:
        if not interview_has_happened(interview, now):
            continue
        with transaction.atomic():
            if not Interview.objects.filter(pk=interview.pk, followup_sent_at__isnull=True).update(
                followup_sent_at=now
            ):
                continue
            for person, other in (
                (interview.asker.user, interview.host.user),
                (interview.host.user, interview.asker.user),
            ):
                notify(
                    user=person,
                    kind="interview_follow_up",
                    title=f"Would you like to keep talking with {other.display_name}?",
                    body="Your answer is private. Only if you both say yes is a mentoring "
                    "relationship proposed; otherwise the conversation simply ends here.",
                    url=_url(interview),
                    dedupe_key=f"interview-follow-up-{interview.pk}-{person.pk}",
                )
            count += 1
    return count
