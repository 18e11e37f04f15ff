"""Informational interviews in the mentee's-choice program, in every state they live in.

A few mentors offer them, each with a monthly number; some requests wait for an answer,
some for the asker to pick one of the proposed times, one is agreed for the coming days;
several conversations were held over the past months, most ending in two yeses and a
mentoring relationship, one in a yes and a no, and one request was declined kindly. The
demo mentee has one conversation coming and one held last week, whose "would you like to
continue?" still waits for her. Everything goes through the services, which ask the
pairing policy and keep the monthly limits; the dates then move into the past.
"""

import datetime
import random
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from django.db.models import F
from django.utils import timezone

from tandem.accounts.models import User
from tandem.demo.agency import AGENCY_TIME_ZONE
from tandem.demo.lives import pair_live, pair_sign
from tandem.demo.stories import _ready
from tandem.interviews import services
from tandem.interviews.models import Interview, InterviewTime
from tandem.notifications.models import Notification
from tandem.policy.eligibility import interview_refusal, pair_refusal, places_left
from tandem.programs.models import Enrollment, EnrollmentTopic, Program, Topic

ZONE = ZoneInfo(AGENCY_TIME_ZONE)
# How many mentors offer conversations, and how many a month each.
HOSTS = 5
PER_MONTH = (4, 3, 4, 3, 2)
ABOUT = (
    "How I moved from the front counter to policy work, and what I would do differently.",
    "What a week in my department really looks like; bring your questions.",
    "Presenting to council without losing sleep over it.",
    "Working across departments, and finding the person who can actually say yes.",
    "Coming back to work after a long leave, and setting boundaries that hold.",
)
# Conversations held in past months that ended in two yeses, and days ago each was held.
BOTH_YES_DAYS = (75, 52, 33)
ASKING = (
    "I am new to {topic} and would love half an hour to hear how you learned it.",
    "Could I ask you about {topic}? I am weighing whether to move into it next year.",
    "I keep hearing your name when {topic} comes up. Could we talk for a short while?",
    "I am preparing for a step up and {topic} is where I feel least sure of myself.",
)
HOST_DECLINE = (
    "Thank you for thinking of me. This season is full with the budget cycle, and I would "
    "rather say so now than keep you waiting. Do ask again once spring comes."
)


def create_interviews(*, seed: int, programs: dict[str, Program], personas: dict[str, User]) -> int:
    """Bring informational interviews alive in the choice program; return how many made."""
    program = next(
        (
            p
            for p in programs.values()
            if p.matching_mode == Program.MatchingMode.CHOICE
            and p.format == Program.Format.ONE_TO_ONE
        ),
        None,
    )
    if program is None:
        return 0
    rng = random.Random(f"{seed}:interviews")
    now = timezone.now()
    # In the other mentoring programs a couple of mentors offer conversations too.
    for other in programs.values():
        if other != program and other.format == Program.Format.ONE_TO_ONE:
            _offer(rng, other, personas["mentor"], count=2)
    mentee = personas["mentee"]
    hosts = _offer(rng, program, personas["mentor"])
    if len(hosts) < 3:
        return 0
    askers = [
        e
        for e in _ready(program, is_mentee=True)
        if e.user_id != mentee.pk and e.user_id not in {h.user_id for h in hosts}
    ]
    rng.shuffle(askers)
    linh = next((e for e in _ready(program, is_mentee=True) if e.user_id == mentee.pk), None)
    made: list[Interview] = []

    # Past months: conversations held that ended in two yeses, then in a yes and a no.
    for turn, days in enumerate(BOTH_YES_DAYS):
        pair = _pair(askers, hosts[turn:] + hosts[:turn], now, relationship=True)
        if pair is None:
            continue
        interview = _held(rng, *pair, days_ago=days, now=now)
        _answer(interview, yes=(True, True))
        relationship = Interview.objects.get(pk=interview.pk).relationship
        if relationship is not None and interview.starts_at is not None:
            agreed = interview.starts_at + datetime.timedelta(days=2)
            signed = agreed + datetime.timedelta(days=4)
            pair_sign(relationship, accepted=agreed, signed=signed)
            # Still going: it began less than three months ago and lasts longer.
            pair_live(rng, relationship, signed, now, months=(4, 8))
        made.append(interview)
    pair = _pair(askers, hosts, now)
    if pair is not None:
        interview = _held(rng, *pair, days_ago=20, now=now)
        _answer(interview, yes=(True, False))
        made.append(interview)
    pair = _pair(askers, hosts, now)
    if pair is not None:
        declined = _ask(rng, *pair)
        services.interview_decline(interview=declined, by=pair[1].user, reply=HOST_DECLINE)
        _move(declined, asked=now - datetime.timedelta(days=9), now=now)
        made.append(declined)

    # The demo mentee: a conversation held last week, her answer still to give, and one
    # agreed for the coming days.
    if linh is not None:
        # Not with the demo mentor: she is already Linh's mentor.
        strangers = [h for h in hosts if h.user_id != personas["mentor"].pk]
        pair = _pair([linh], strangers, now)
        if pair is not None:
            past = _held(rng, *pair, days_ago=6, now=now)
            services.interview_continue_answer(interview=past, by=pair[1].user, continues=True)
            made.append(past)
        others = [h for h in strangers if pair is None or h != pair[1]]
        pair = _pair([linh], others, now)
        if pair is not None:
            made.append(_scheduled(rng, *pair, days_ahead=3, now=now))

    # Now: one more agreed, two with times to pick, and requests waiting for an answer,
    # one of them to the demo mentor.
    others = hosts[1:]
    pair = _pair(askers, others, now)
    if pair is not None:
        made.append(_scheduled(rng, *pair, days_ahead=8, now=now))
    for turn in range(2):
        pair = _pair(askers, others[turn + 1 :] + others[: turn + 1], now)
        if pair is not None:
            made.append(_proposed(rng, *pair, now=now))
    rosa = [h for h in hosts if h.user_id == personas["mentor"].pk]
    for to in (rosa, others[::-1]):
        pair = _pair(askers, to, now)
        if pair is not None:
            asked = _ask(rng, *pair)
            _move(asked, asked=now - datetime.timedelta(days=rng.randint(1, 3)), now=now)
            made.append(asked)
    _date_notifications(made, now)
    return len(made)


def _offer(
    rng: random.Random, program: Program, mentor: User, *, count: int = HOSTS
) -> list[Enrollment]:
    """Have the demo mentor and a few other mentors with free places offer conversations."""
    mentors = [m for m in _ready(program, is_mentor=True) if places_left(m) > 0]
    rosa = [m for m in mentors if m.user_id == mentor.pk]
    others = [m for m in mentors if m.user_id != mentor.pk]
    rng.shuffle(others)
    hosts = (rosa + others)[:count]
    for host, per_month, about in zip(hosts, PER_MONTH, ABOUT, strict=False):
        services.interview_offer_set(
            enrollment=host, is_offering=True, per_month=per_month, about=about
        )
    return hosts


def _topic(asker: Enrollment, host: Enrollment) -> Topic | None:
    """Return a topic the asker wants and the host offers, else one the asker wants."""

    def topics(enrollment: Enrollment, kind: str) -> list[Topic]:
        ids = EnrollmentTopic.objects.filter(enrollment=enrollment, kind=kind).values("topic")
        return list(Topic.objects.filter(pk__in=ids).order_by("name"))

    wanted = topics(asker, EnrollmentTopic.Kind.FOCUS)
    offered = {t.pk for t in topics(host, EnrollmentTopic.Kind.EXPERTISE)}
    both = [t for t in wanted if t.pk in offered]
    chosen = both or wanted
    return chosen[0] if chosen else None


def _pair(
    askers: list[Enrollment],
    hosts: Sequence[Enrollment],
    now: datetime.datetime,
    *,
    relationship: bool = False,
) -> tuple[Enrollment, Enrollment, Topic] | None:
    """Take the first asker who may ask one of the hosts, with room left this month; with
    ``relationship``, only a pair the policy would let start mentoring after two yeses."""
    for asker in list(askers):
        for host in hosts:
            if interview_refusal(asker=asker, host=host) is not None:
                continue
            offer = host.interview_offer
            if services.interviews_taken_this_month(host, now) >= offer.per_month:
                continue
            topic = _topic(asker, host)
            if topic is None:
                continue
            if relationship and (
                places_left(host) == 0
                or pair_refusal(seeker=asker, giver=host, focus=topic, require_accepting=False)
                is not None
            ):
                continue
            askers.remove(asker)
            return asker, host, topic
    return None


def _ask(rng: random.Random, asker: Enrollment, host: Enrollment, topic: Topic) -> Interview:
    return services.interview_ask(
        asker=asker,
        host=host,
        topic=topic,
        minutes=rng.choice(Interview.Minutes.values),
        message=rng.choice(ASKING).format(topic=topic.name.lower()),
    )


def _at(now: datetime.datetime, days: int, hour: int) -> datetime.datetime:
    """Return the hour of the day ``days`` from now (or ago), on the agency's clock."""
    day = now.astimezone(ZONE) + datetime.timedelta(days=days)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


def _times(now: datetime.datetime, days_ahead: int) -> list[datetime.datetime]:
    return [_at(now, days_ahead, 10), _at(now, days_ahead + 1, 14)]


def _proposed(
    rng: random.Random, asker: Enrollment, host: Enrollment, topic: Topic, *, now: datetime.datetime
) -> Interview:
    interview = _ask(rng, asker, host, topic)
    services.interview_propose_times(
        interview=interview, by=host.user, times=_times(now, rng.randint(4, 10))
    )
    _move(interview, asked=now - datetime.timedelta(days=rng.randint(2, 4)), now=now)
    return interview


def _scheduled(
    rng: random.Random,
    asker: Enrollment,
    host: Enrollment,
    topic: Topic,
    *,
    days_ahead: int,
    now: datetime.datetime,
) -> Interview:
    interview = _ask(rng, asker, host, topic)
    services.interview_propose_times(
        interview=interview, by=host.user, times=_times(now, days_ahead)
    )
    first = interview.times.order_by("starts_at").first()
    assert first is not None
    interview = services.interview_pick_time(interview=interview, by=asker.user, time_id=first.pk)
    _move(interview, asked=now - datetime.timedelta(days=5), now=now)
    return interview


def _held(
    rng: random.Random,
    asker: Enrollment,
    host: Enrollment,
    topic: Topic,
    *,
    days_ago: int,
    now: datetime.datetime,
) -> Interview:
    """Agree a time through the services, then move the whole interview into the past."""
    interview = _scheduled(rng, asker, host, topic, days_ahead=2, now=now)
    starts = _at(now, -days_ago, 10)
    assert interview.starts_at is not None
    shift = interview.starts_at - starts
    InterviewTime.objects.filter(interview=interview).update(starts_at=F("starts_at") - shift)
    asked = starts - datetime.timedelta(days=8)
    done = starts + datetime.timedelta(minutes=interview.minutes)
    Interview.objects.filter(pk=interview.pk).update(
        starts_at=starts,
        created_at=asked,
        answered_at=asked + datetime.timedelta(days=1),
        updated_at=done,
        reminder_sent_at=starts - datetime.timedelta(days=1),
        followup_sent_at=done,
    )
    return Interview.objects.select_related("program", "asker__user", "host__user", "topic").get(
        pk=interview.pk
    )


def _answer(interview: Interview, *, yes: tuple[bool, bool]) -> None:
    services.interview_continue_answer(
        interview=interview, by=interview.asker.user, continues=yes[0]
    )
    services.interview_continue_answer(
        interview=interview, by=interview.host.user, continues=yes[1]
    )


def _move(interview: Interview, *, asked: datetime.datetime, now: datetime.datetime) -> None:
    """Date a request back to when it was asked; an answer came a day later, not after now."""
    answered = min(asked + datetime.timedelta(days=1), now)
    Interview.objects.filter(pk=interview.pk).update(created_at=asked, updated_at=answered)
    Interview.objects.filter(pk=interview.pk, answered_at__isnull=False).update(
        answered_at=answered
    )


def _date_notifications(interviews: list[Interview], now: datetime.datetime) -> None:
    """Date each notification about an interview to the interview's last change, and mark
    read what no longer waits on its reader."""
    for interview in Interview.objects.filter(pk__in=[i.pk for i in interviews]):
        about = Notification.objects.filter(url=f"/interviews/{interview.pk}/")
        settled = interview.outcome or interview.status == Interview.Status.DECLINED
        when = min(interview.updated_at, now)
        about.update(created_at=when)
        if settled or now - when > datetime.timedelta(days=7):
            about.update(read_at=min(when + datetime.timedelta(hours=3), now))


__all__ = ["create_interviews"]
