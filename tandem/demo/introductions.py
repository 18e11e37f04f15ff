"""Warm introductions in the new-hire program, one or more in each state.

The demo mentee has one introduction that connected her with someone and one still
waiting for her colleague's answer; around her, colleagues' introductions wait for the
person suggested, ended with no match (the colleague declined, the person suggested said
no, or nobody answered in time) or connected. Everything goes through the real services
and the eligibility policy, so every rule holds; then the dates move back. The same seed
gives the same introductions.
"""

import datetime
import random
from collections.abc import Iterator

from django.utils import timezone

from tandem.accounts.models import User
from tandem.demo import catalog
from tandem.introductions import services
from tandem.introductions.models import Introduction, Suggestion
from tandem.policy.eligibility import introducers_for, introduction_refusal, suggestables_for
from tandem.programs.models import Enrollment, Program

DAY = datetime.timedelta(days=1)

NEEDS = (
    "Someone who has taken an item to council and knows how the agenda is set",
    "Someone in Finance who can explain how a capital budget request is reviewed",
    "Someone who moved from a private firm to the city and found their feet",
    "Someone who has written a grant application for a state infrastructure fund",
    "Someone who runs public meetings and keeps them calm when people are upset",
    "Someone who manages contractors on a long construction project",
    "Someone who went from engineer to project lead in the last few years",
    "Someone who knows how the permit office and Public Works share their work",
)
NOTES = (
    "You both care about getting decisions made without a year of back and forth; I think "
    "an hour together would save each of you a few weeks.",
    "You faced the same question in your first year here, and you explain it better than "
    "anyone I know. I think you would enjoy each other.",
    "You have been through exactly this, and you are generous with newcomers. No pressure "
    "at all; say no if the timing is wrong.",
    "I have watched you handle this for years. A short conversation would go a long way.",
)


def _ready(program: Program) -> list[Enrollment]:
    return list(
        Enrollment.objects.filter(
            program=program,
            status=Enrollment.Status.ACTIVE,
            profile_completed_at__isnull=False,
            user__is_active=True,
        )
        .select_related("user", "program")
        .order_by("user__email")
    )


def _pick(rng: random.Random, people: list[Enrollment], avoid: set[int]) -> Enrollment | None:
    """Return one of these people, chosen by the seed, leaving out those to avoid."""
    free = [p for p in people if p.user_id not in avoid]
    return rng.choice(free) if free else None


class _Cast:
    """Hand out askers (each asks once), introducers and people suggested, by the policy.

    The demo mentee asks only; she is nobody's introducer or suggestion, so her inbox
    shows her own two introductions.
    """

    def __init__(self, rng: random.Random, program: Program, mentee: User) -> None:
        self.rng = rng
        self.mentee = mentee.pk
        self.asked: set[int] = {mentee.pk}
        self.people = _ready(program)

    def askers(self) -> Iterator[Enrollment]:
        order = list(self.people)
        self.rng.shuffle(order)
        for person in order:
            if person.user_id not in self.asked:
                yield person

    def introducer(self, asker: Enrollment, avoid: set[int]) -> Enrollment | None:
        allowed = list(introducers_for(asker).select_related("user").order_by("user__email"))
        return _pick(self.rng, allowed, avoid | {self.mentee})

    def suggestable(self, asker: Enrollment, introducer: Enrollment) -> Enrollment | None:
        allowed = list(
            suggestables_for(asker=asker, introducer=introducer)
            .select_related("user")
            .order_by("user__email")
        )
        return _pick(self.rng, allowed, {self.mentee})


def _move_back(introduction: Introduction, days: float) -> None:
    """Date the introduction and its suggestions this many days back, answers a day later."""
    asked = timezone.now() - days * DAY
    Introduction.objects.filter(pk=introduction.pk).update(
        created_at=asked,
        answered_at=None if introduction.answered_at is None else asked + DAY,
    )
    for suggestion in introduction.suggestions.all():
        Suggestion.objects.filter(pk=suggestion.pk).update(
            created_at=asked + DAY,
            answered_at=None if suggestion.answered_at is None else asked + 2 * DAY,
        )


def _story(
    cast: _Cast, asker: Enrollment, state: str, n: int, *, days: float, avoid: set[int]
) -> Introduction | None:
    """Play one introduction through the services to this state; None if nobody fits."""
    introducer = cast.introducer(asker, avoid)
    if introducer is None or introduction_refusal(asker=asker, introducer=introducer):
        return None
    person = None
    if state != "asked" and state != "declined":
        person = cast.suggestable(asker, introducer)
        if person is None:
            return None
    introduction = services.introduction_ask(
        asker=asker, introducer=introducer, need=NEEDS[n % len(NEEDS)]
    )
    cast.asked.add(asker.user_id)
    if state == "declined":
        services.introduction_decline(introduction=introduction, by=introducer.user)
    elif person is not None:
        (suggestion,) = services.introduction_suggest(
            introduction=introduction,
            by=introducer.user,
            suggestions=[services.Suggested(person=person, note=NOTES[n % len(NOTES)])],
        )
        if state in ("connected", "said_no"):
            services.suggestion_answer(
                suggestion=suggestion, by=person.user, agrees=state == "connected"
            )
    introduction.refresh_from_db()
    _move_back(introduction, days)
    return introduction


# The colleagues' introductions: a state, and how many days ago they were asked.
AROUND = (
    ("asked", 2),
    ("checking", 4),
    ("checking", 9),
    ("connected", 12),
    ("connected", 25),
    ("declined", 8),
    ("said_no", 16),
    ("unanswered", 30),
)


def create_introductions(
    *, seed: int, programs: dict[str, Program], personas: dict[str, User]
) -> int:
    """Write the new-hire program's introductions; return how many."""
    program = programs[catalog.NEW_HIRE]
    mentee = personas["mentee"]
    rng = random.Random(seed * 15485863 + 10)
    cast = _Cast(rng, program, mentee)
    linh = Enrollment.objects.select_related("user", "program").get(program=program, user=mentee)
    made = 0
    # Hers: connected three weeks ago, and one asked two days ago, still waiting.
    hers: set[int] = set()
    for state, days in (("connected", 20), ("asked", 2)):
        if (found := _story(cast, linh, state, made, days=days, avoid=hers)) is not None:
            hers.add(found.introducer.user_id)
            made += 1
    askers = cast.askers()
    for state, days in AROUND:
        for asker in askers:
            if _story(cast, asker, state, made, days=days, avoid=set()) is not None:
                made += 1
                break
    # Nobody answered the last one in time: the schedule closed it as no match.
    services.suggestions_expire()
    return made
