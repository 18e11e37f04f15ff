"""Asking for an informational interview, and the host's answer: times or a kind no."""

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import User
from tandem.core.errors import DomainError
from tandem.interviews.models import Interview, InterviewOffer, InterviewTime
from tandem.notifications.services import notify
from tandem.notifications.when import local_date, local_datetime, local_now
from tandem.policy.eligibility import interview_check, lock_people
from tandem.programs.models import Enrollment, Topic

MIN_MESSAGE = 20
MAX_MESSAGE = 1000
MIN_TIMES = 2
MAX_TIMES = 3
# A proposed time is at least this far ahead, and at most this far.
EARLIEST = datetime.timedelta(hours=1)
LATEST = datetime.timedelta(days=60)

KIND_DECLINE = (
    "Thank you for asking me. I cannot make time for this conversation, and I would rather "
    "say so than keep you waiting. I hope someone else here can help, and I wish you well."
)
LIMIT_NOTE = (
    "{host} offers {count} conversation{plural} a month, and this month's are taken. It is "
    "nothing to do with you or your question: ask again from {opens}, when new ones open."
)


def _url(interview: Interview) -> str:
    return reverse("interviews:detail", args=[interview.pk])


def _org(interview: Interview) -> int:
    return interview.program.organization_id


@transaction.atomic
def interview_offer_set(
    *, enrollment: Enrollment, is_offering: bool, per_month: int, about: str = ""
) -> InterviewOffer:
    """Say whether one offers informational interviews in a program, and how many a month."""
    if enrollment.status != Enrollment.Status.ACTIVE:
        raise DomainError("Only people taking part in the program can offer interviews.")
    if not 1 <= per_month <= 20:
        raise DomainError("Offer between 1 and 20 conversations a month.", field="per_month")
    offer, _ = InterviewOffer.objects.select_for_update().get_or_create(enrollment=enrollment)
    offer.is_offering = is_offering
    offer.per_month = per_month
    offer.about = about.strip()[:300]
    offer.save(update_fields=["is_offering", "per_month", "about", "updated_at"])
    return offer


def month_start(host: Enrollment, now: datetime.datetime) -> datetime.datetime:
    """Return the start of the host's current month, on their own clock."""
    local = local_now(host.user, organization_id=host.program.organization_id, now=now)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _next_month(start: datetime.datetime) -> datetime.datetime:
    return (start + datetime.timedelta(days=32)).replace(day=1)


def interviews_taken_this_month(host: Enrollment, now: datetime.datetime | None = None) -> int:
    """Return how many of the host's conversations this month are asked for or held."""
    start = month_start(host, now or timezone.now())
    return Interview.objects.filter(
        host=host, created_at__gte=start, status__in=Interview.OPEN_STATUSES
    ).count()


def _check_ask(
    asker: Enrollment, host: Enrollment, topic: Topic, minutes: int, message: str
) -> None:
    interview_check(asker=asker, host=host)
    if topic.organization_id != asker.program.organization_id:
        raise DomainError("Choose one of the program's topics.", field="topic")
    if minutes not in Interview.Minutes.values:
        raise DomainError("Choose 30 or 45 minutes.", field="minutes")
    text = message.strip()
    if len(text) < MIN_MESSAGE:
        raise DomainError(
            "Write a line or two: who you are and what you would like to learn.", field="message"
        )
    if len(text) > MAX_MESSAGE:
        raise DomainError(f"Keep it short: at most {MAX_MESSAGE} characters.", field="message")
    still_open = Q(status__in=(Interview.Status.ASKED, Interview.Status.PROPOSED)) | Q(
        status=Interview.Status.SCHEDULED, starts_at__gt=timezone.now()
    )
    if Interview.objects.filter(still_open, asker=asker, host=host).exists():
        raise DomainError(f"You already have a conversation open with {host.user.display_name}.")


@transaction.atomic
def interview_ask(
    *, asker: Enrollment, host: Enrollment, topic: Topic, minutes: int, message: str
) -> Interview:
    """Ask someone who offers it for one conversation on a topic.

    Beyond the host's monthly number the request is declined for them at once, with a
    kind note naming the day new conversations open; the host hears nothing of it.
    """
    # The host's row lock queues two askers racing for the last place this month.
    people = lock_people([asker, host])
    asker, host = people[asker.pk], people[host.pk]
    _check_ask(asker, host, topic, minutes, message)
    now = timezone.now()
    offer = InterviewOffer.objects.get(enrollment=host)
    interview = Interview.objects.create(
        program=asker.program,
        asker=asker,
        host=host,
        topic=topic,
        minutes=minutes,
        message=message.strip(),
    )
    if interviews_taken_this_month(host, now) > offer.per_month:
        opens = _next_month(month_start(host, now))
        interview.status = Interview.Status.DECLINED
        interview.declined_for_limit = True
        interview.answered_at = now
        interview.reply = LIMIT_NOTE.format(
            host=host.user.display_name,
            count=offer.per_month,
            plural="" if offer.per_month == 1 else "s",
            opens=local_date(asker.user, opens, organization_id=_org(interview)),
        )
        interview.save(update_fields=["status", "declined_for_limit", "answered_at", "reply"])
        notify(
            user=asker.user,
            kind="interview_declined",
            title=f"{host.user.display_name}'s conversations for this month are taken",
            body=interview.reply,
            url=_url(interview),
        )
        return interview
    notify(
        user=host.user,
        kind="interview_asked",
        title=f"{asker.user.full_name} asks you for a conversation on {topic}",
        body=f"{interview.minutes} minutes. Propose a few times, or decline kindly.",
        url=_url(interview),
    )
    return interview


def _locked(interview: Interview) -> Interview:
    return (
        Interview.objects.select_for_update(of=("self",))
        .select_related("program", "asker__user", "host__user", "topic")
        .get(pk=interview.pk)
    )


@transaction.atomic
def interview_propose_times(
    *, interview: Interview, by: User, times: Sequence[datetime.datetime]
) -> Interview:
    """Accept by proposing two or three times; the asker picks one."""
    interview = _locked(interview)
    if interview.host.user_id != by.pk:
        raise DomainError("Only the person who was asked can propose times.")
    if interview.status != Interview.Status.ASKED:
        raise DomainError(f"This conversation is already {interview.get_status_display().lower()}.")
    now = timezone.now()
    chosen = sorted(set(times))
    if not MIN_TIMES <= len(chosen) <= MAX_TIMES:
        raise DomainError("Propose two or three different times.", field="times")
    for moment in chosen:
        if timezone.is_naive(moment):
            raise DomainError("Give each time with its day and hour.", field="times")
        if moment < now + EARLIEST:
            raise DomainError("Propose times at least an hour from now.", field="times")
        if moment > now + LATEST:
            raise DomainError("Propose times within the next two months.", field="times")
    InterviewTime.objects.bulk_create(
        [InterviewTime(interview=interview, starts_at=moment) for moment in chosen]
    )
    interview.status = Interview.Status.PROPOSED
    interview.answered_at = now
    interview.save(update_fields=["status", "answered_at", "updated_at"])
    asker = interview.asker.user
    written = ", ".join(local_datetime(asker, m, organization_id=_org(interview)) for m in chosen)
    notify(
        user=asker,
        kind="interview_times",
        title=f"{by.display_name} said yes and proposed times for your conversation",
        body=f"Pick the one that suits you: {written}.",
        url=_url(interview),
    )
    return interview


@transaction.atomic
def interview_pick_time(*, interview: Interview, by: User, time_id: int) -> Interview:
    """Pick one of the proposed times; both people can then add it to their calendars."""
    interview = _locked(interview)
    if interview.asker.user_id != by.pk:
        raise DomainError("Only the person who asked picks the time.")
    if interview.status != Interview.Status.PROPOSED:
        raise DomainError("There are no proposed times to pick from.")
    picked = InterviewTime.objects.filter(interview=interview, pk=time_id).first()
    if picked is None:
        raise DomainError("Choose one of the proposed times.", field="time")
    if picked.starts_at <= timezone.now():
        raise DomainError("That time has passed. Choose another.", field="time")
    interview.starts_at = picked.starts_at
    interview.status = Interview.Status.SCHEDULED
    interview.save(update_fields=["starts_at", "status", "updated_at"])
    host = interview.host.user
    notify(
        user=host,
        kind="interview_scheduled",
        title=f"{by.display_name} picked a time for your conversation",
        body=f"{local_datetime(host, picked.starts_at, organization_id=_org(interview))}, "
        f"{interview.minutes} minutes, on {interview.topic}.",
        url=_url(interview),
    )
    return interview


@transaction.atomic
def interview_decline(*, interview: Interview, by: User, reply: str = "") -> Interview:
    """Decline kindly, with no reason needed; the asker reads the host's words or ours."""
    interview = _locked(interview)
    if interview.host.user_id != by.pk:
        raise DomainError("Only the person who was asked can decline.")
    if interview.status not in (Interview.Status.ASKED, Interview.Status.PROPOSED):
        raise DomainError(f"This conversation is already {interview.get_status_display().lower()}.")
    if len(reply) > MAX_MESSAGE:
        raise DomainError(f"Keep it short: at most {MAX_MESSAGE} characters.", field="reply")
    interview.status = Interview.Status.DECLINED
    interview.reply = reply.strip() or KIND_DECLINE
    interview.answered_at = timezone.now()
    interview.save(update_fields=["status", "reply", "answered_at", "updated_at"])
    InterviewTime.objects.filter(interview=interview).delete()
    notify(
        user=interview.asker.user,
        kind="interview_declined",
        title=f"{by.display_name} answered your request for a conversation",
        body=interview.reply,
        url=_url(interview),
    )
    return interview


@transaction.atomic
def interview_withdraw(*, interview: Interview, by: User) -> Interview:
    """Take back a request the host has not answered yet; their place this month is freed."""
    interview = _locked(interview)
    if interview.asker.user_id != by.pk:
        raise DomainError("Only the person who asked can withdraw the request.")
    if interview.status == Interview.Status.WITHDRAWN:
        raise DomainError("You have already withdrawn this request.")
    if interview.status != Interview.Status.ASKED:
        raise DomainError("It has been answered already, so it can no longer be withdrawn.")
    interview.status = Interview.Status.WITHDRAWN
    interview.save(update_fields=["status", "updated_at"])
    notify(
        user=interview.host.user,
        kind="interview_withdrawn",
        title=f"{by.display_name} withdrew their request for a conversation",
        body=f"On {interview.topic}. There is nothing for you to do.",
        url=_url(interview),
    )
    return interview
