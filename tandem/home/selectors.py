"""What is waiting for one person, across their programs: the top of their home page.

Each kind of item is read with one query, whatever the number of programs and
relationships, and through the same access rules as the page its link opens: the
person's own proposals, requests and relationships (``tandem.policy.access``), and the
programs they administer. Nothing here reads another person's private words: no journal,
no check-in answers, no reason for declining; an agenda is shared by the pair.
"""

import datetime
import enum
from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import User
from tandem.board.models import Answer, Question
from tandem.circles.models import (
    Circle,
    CircleAgreement,
    CircleCommitment,
    CircleMembership,
    CircleSession,
    CircleSignature,
)
from tandem.coaching.models import Engagement
from tandem.insights.stalled.selectors import stalled_counts
from tandem.interviews.models import Interview
from tandem.matching.models import MatchingRound
from tandem.policy.access import (
    circles_of,
    interviews_of,
    programs_administered_by,
    proposals_of,
    questions_visible_to,
    relationships_of,
    requests_of,
)
from tandem.policy.access.coaching import engagements_of
from tandem.programs.models import Enrollment, EnrollmentTopic, Program
from tandem.relationships.models import (
    Agreement,
    Commitment,
    Concern,
    Meeting,
    MentorshipRequest,
    Proposal,
    Relationship,
)
from tandem.relationships.services import pause_closes_on

# Each kind lists at most this many items; the pages they link to list the rest.
PER_KIND = 20
# Commitments show from this many days before they are due.
COMMITMENT_AHEAD = datetime.timedelta(days=7)
# A return date shows from this many days ahead; a pause closing gently, from this many.
PAUSE_RETURN_AHEAD = datetime.timedelta(days=7)
PAUSE_CLOSE_AHEAD = datetime.timedelta(days=14)
# A meeting stays "next" until it ends; none lasts longer than this.
LONGEST_MEETING = datetime.timedelta(minutes=240)
UNDATED = datetime.datetime.max.replace(tzinfo=datetime.UTC)
# A conversation nobody answered "continue?" for stops waiting on the home page after this.
INTERVIEW_ANSWER_WINDOW = datetime.timedelta(days=30)
# Board questions still without an answer are offered for this long after they were asked.
BOARD_QUESTION_FRESH = datetime.timedelta(days=30)


class Urgency(enum.IntEnum):
    NOW = 0
    SOON = 1
    WAITING = 2

    @property
    def heading(self) -> str:
        return {0: "Needs you now", 1: "Coming up", 2: "Waiting on others"}[self.value]


@dataclass(frozen=True)
class Need:
    """One thing waiting for this person, in plain words, with the place to act on it."""

    kind: str
    urgency: Urgency
    title: str
    url: str
    # A datetime, or a date for things that fall on a day (due dates, return dates).
    when: datetime.datetime | datetime.date | None = None
    when_label: str = ""
    detail: str = ""
    context: str = ""
    # A second place to go from the same item, e.g. a coaching session's engagement.
    also_url: str = ""
    also_label: str = ""

    @property
    def heading(self) -> str:
        return self.urgency.heading

    @property
    def all_day(self) -> bool:
        return not isinstance(self.when, datetime.datetime)

    def sort_key(self) -> tuple[int, datetime.datetime]:
        if self.when is None:
            # Undated items (an agreement to sign) come after the dated ones of their group.
            moment = UNDATED
        elif isinstance(self.when, datetime.datetime):
            moment = self.when
        else:
            # A day starts at midnight where the person is.
            moment = datetime.datetime.combine(
                self.when, datetime.time.min, tzinfo=timezone.get_current_timezone()
            )
        return (self.urgency, moment)


def needs_for_user(
    *,
    user: User,
    administered: Sequence[int] | None = None,
    circles: Sequence[Circle] | None = None,
) -> list[Need]:
    """Return what waits for this person: to answer first, then coming up, then on others.

    ``administered``: the ids of the programs they run, when the caller has them already
    (the home page lists them); otherwise they are asked of the access policy here.
    ``circles``: their circles from ``my_circles``, likewise (empty: none to ask about).
    """
    now = timezone.now()
    today = timezone.localdate(now)
    needs = [
        *_proposals(user, now),
        *_requests(user, now),
        *_agreements(user),
        *_next_meetings(user, now),
        *_commitments(user, today),
        *_checkins_and_pauses(user, now, today),
        *_board_questions(user, now),
        *_interviews(user, now),
        *_circle_needs(user, my_circles(user) if circles is None else circles, now),
    ]
    # What waits for those who run programs, asked only of them.
    if administered is None:
        administered = list(programs_administered_by(user).values_list("pk", flat=True))
    if administered:
        needs += [
            *_rounds_to_review(administered),
            *_open_concerns(administered),
            *_stalled_pairs(administered),
        ]
    needs.sort(key=Need.sort_key)
    return needs


def _partner_name(user: User, mentor: User, mentee: User) -> str:
    return (mentee if mentor.pk == user.pk else mentor).full_name


def _proposals(user: User, now: datetime.datetime) -> list[Need]:
    pending = (
        proposals_of(user)
        .filter(status=Proposal.Status.PENDING, expires_at__gt=now)
        .select_related("program", "mentor__user", "mentee__user", "focus", "peer_focus")
        .order_by("expires_at")[:PER_KIND]
    )
    needs = []
    for proposal in pending:
        partner = _partner_name(user, proposal.mentor.user, proposal.mentee.user)
        answered = getattr(proposal, f"{proposal.side_of(user.pk)}_answer")
        needs.append(
            Need(
                kind="proposal",
                urgency=Urgency.WAITING if answered else Urgency.NOW,
                title=f"You said yes to a match with {partner}; their answer is next"
                if answered
                else f"Answer a proposed match with {partner}, on {proposal.focus_label}",
                url=reverse("relationships:proposal", args=[proposal.pk]),
                when=proposal.expires_at,
                when_label="Open until" if answered else "Answer by",
                context=proposal.program.name,
            )
        )
    return needs


def _requests(user: User, now: datetime.datetime) -> list[Need]:
    pending = (
        requests_of(user)
        .filter(status=MentorshipRequest.Status.PENDING, expires_at__gt=now)
        .select_related("program", "mentee__user", "mentor__user", "focus")
        .order_by("expires_at")[:PER_KIND]
    )
    needs = []
    for ask in pending:
        to_me = ask.mentor.user_id == user.pk
        needs.append(
            Need(
                kind="request",
                urgency=Urgency.NOW if to_me else Urgency.WAITING,
                title=f"{ask.mentee.user.full_name} asks you to mentor them on {ask.focus}"
                if to_me
                else f"Your request to {ask.mentor.user.full_name} on {ask.focus} "
                "is waiting for an answer",
                url=reverse("relationships:request", args=[ask.pk]),
                when=ask.expires_at,
                when_label="Answer by" if to_me else "Open until",
                context=ask.program.name,
            )
        )
    return needs


def _agreements(user: User) -> list[Need]:
    # The latest version of each open relationship's agreement that both have not signed.
    drafts = (
        Agreement.objects.filter(
            relationship__in=relationships_of(user).exclude(status=Relationship.Status.CLOSED)
        )
        .filter(Q(mentor_signed_at__isnull=True) | Q(mentee_signed_at__isnull=True))
        .exclude(
            Exists(
                Agreement.objects.filter(
                    relationship=OuterRef("relationship"), version__gt=OuterRef("version")
                )
            )
        )
        .select_related(
            "relationship__program", "relationship__mentor__user", "relationship__mentee__user"
        )
        .order_by("updated_at")[:PER_KIND]
    )
    needs = []
    for agreement in drafts:
        relationship = agreement.relationship
        mine = relationship.mentor.user_id == user.pk
        signed = agreement.mentor_signed_at if mine else agreement.mentee_signed_at
        partner = relationship.partner_of(user.pk).user.full_name
        if signed:
            title = f"You signed; {partner}'s signature is next"
        elif agreement.version == 1:
            title = f"Write and sign your agreement with {partner}"
        else:
            title = f"Read and sign version {agreement.version} of your agreement with {partner}"
        needs.append(
            Need(
                kind="agreement",
                urgency=Urgency.WAITING if signed else Urgency.NOW,
                title=title,
                url=reverse("relationships:agreement", args=[relationship.pk]),
                context=relationship.program.name,
            )
        )
    return needs


def _next_meetings(user: User, now: datetime.datetime) -> list[Need]:
    # Meetings that started longer ago than any meeting lasts cannot still be going on.
    upcoming = Meeting.objects.filter(
        status=Meeting.Status.PLANNED, starts_at__gt=now - LONGEST_MEETING
    )
    first = upcoming.filter(relationship=OuterRef("relationship")).order_by("starts_at", "pk")
    meetings = (
        upcoming.filter(
            relationship__in=relationships_of(user).filter(status=Relationship.Status.ACTIVE),
            pk=Subquery(first.values("pk")[:1]),
        )
        .select_related(
            "relationship__program",
            "relationship__mentor__user",
            "relationship__mentee__user",
            # A coaching session's engagement comes in the same query, for its link.
            "relationship__engagement",
        )
        .order_by("starts_at")[:PER_KIND]
    )
    return [_meeting_need(meeting, user) for meeting in meetings if meeting.ends_at > now]


def _meeting_need(meeting: Meeting, user: User) -> Need:
    relationship = meeting.relationship
    need = Need(
        kind="meeting",
        urgency=Urgency.SOON,
        title=f"Meeting with {relationship.partner_of(user.pk).user.full_name}",
        url=reverse("relationships:meeting", args=[meeting.pk]),
        when=meeting.starts_at,
        when_label="Starts",
        detail=meeting.agenda or "No agenda yet: add what you would like to talk about.",
        context=relationship.program.name,
    )
    # hasattr: a relationship outside a coaching program has no engagement.
    if relationship.program.is_coaching and hasattr(relationship, "engagement"):
        need = replace(
            need,
            also_url=reverse("coaching:engagement", args=[relationship.engagement.pk]),
            also_label="Open the coaching engagement",
        )
    return need


def _interviews(user: User, now: datetime.datetime) -> list[Need]:
    """Informational interviews waiting for an answer, a pick, the conversation or a
    "continue?"; one query."""
    open_ones = (
        interviews_of(user)
        .filter(
            Q(status__in=(Interview.Status.ASKED, Interview.Status.PROPOSED))
            | Q(
                status=Interview.Status.SCHEDULED,
                outcome=Interview.Outcome.OPEN,
                starts_at__gt=now - INTERVIEW_ANSWER_WINDOW,
            )
        )
        .select_related("program", "asker__user", "host__user", "topic")
        .order_by("starts_at", "created_at")[:PER_KIND]
    )
    needs = []
    for interview in open_ones:
        need = _interview_need(interview, user, now)
        if need is not None:
            needs.append(need)
    return needs


def _interview_need(interview: Interview, user: User, now: datetime.datetime) -> Need | None:
    side = interview.side_of(user.pk)
    other = interview.other_of(user.pk).user.full_name
    topic = interview.topic

    def need(urgency: Urgency, title: str) -> Need:
        return Need(
            kind="interview",
            urgency=urgency,
            title=title,
            url=reverse("interviews:detail", args=[interview.pk]),
            context=interview.program.name,
        )

    if interview.status == Interview.Status.ASKED:
        if side == "host":
            return need(
                Urgency.NOW,
                f"{other} asks you for a conversation on {topic}: propose times or decline",
            )
        return need(
            Urgency.WAITING,
            f"Your request to {other} for a conversation on {topic} is waiting for an answer",
        )
    if interview.status == Interview.Status.PROPOSED:
        if side == "asker":
            return need(Urgency.NOW, f"Pick a time for your conversation with {other} on {topic}")
        return need(Urgency.WAITING, f"{other} is picking one of the times you proposed")
    ends = interview.ends_at
    if ends is None:
        return None
    if ends > now:
        return replace(
            need(Urgency.SOON, f"Conversation with {other} on {topic}"),
            when=interview.starts_at,
            when_label="Starts",
            detail=f"{interview.minutes} minutes.",
        )
    if getattr(interview, f"{side}_continues") is None:
        return need(
            Urgency.NOW, f"Would you like to keep talking with {other}? Your answer is private"
        )
    return None


def _commitments(user: User, today: datetime.date) -> list[Need]:
    due = (
        Commitment.objects.filter(
            owner=user,
            done_at__isnull=True,
            due_on__lte=today + COMMITMENT_AHEAD,
            relationship__in=relationships_of(user).exclude(status=Relationship.Status.CLOSED),
        )
        .select_related("relationship__program")
        .order_by("due_on", "pk")[:PER_KIND]
    )
    needs = []
    for commitment in due:
        if commitment.due_on < today:
            label = "Overdue, was due"
        else:
            label = "Due today" if commitment.due_on == today else "Due"
        needs.append(
            Need(
                kind="commitment",
                urgency=Urgency.NOW if commitment.due_on <= today else Urgency.SOON,
                title=f"Your commitment: {commitment.text}",
                url=reverse("relationships:detail", args=[commitment.relationship_id]),
                when=commitment.due_on,
                when_label=label,
                context=commitment.relationship.program.name,
            )
        )
    return needs


def _checkins_and_pauses(user: User, now: datetime.datetime, today: datetime.date) -> list[Need]:
    working = (
        relationships_of(user)
        .filter(status__in=[Relationship.Status.ACTIVE, Relationship.Status.PAUSED])
        .annotate(my_last_checkin=Max("checkins__created_at", filter=Q(checkins__author=user)))
        .select_related("program", "mentor__user", "mentee__user", "focus", "peer_focus")
        .order_by("pk")
    )
    needs: list[Need] = []
    for relationship in working:
        partner = relationship.partner_of(user.pk).user.full_name
        due_at = relationship.checkin_due_at(relationship.my_last_checkin)
        if due_at is not None and due_at <= now:
            needs.append(
                Need(
                    kind="checkin",
                    urgency=Urgency.NOW,
                    title=f"A private check-in on your relationship with {partner}: "
                    "two questions, thirty seconds",
                    url=reverse("relationships:checkin", args=[relationship.pk]),
                    when=timezone.localdate(due_at),
                    when_label="Due since",
                    context=relationship.program.name,
                )
            )
        pause = _pause_need(relationship, partner, today)
        if pause is not None:
            needs.append(pause)
    return needs


def _pause_need(relationship: Relationship, partner: str, today: datetime.date) -> Need | None:
    closes_on = pause_closes_on(relationship)
    if closes_on is None:
        return None
    url = reverse("relationships:resume", args=[relationship.pk])
    until = relationship.pause_until
    if until is not None and until <= today:
        title, urgency = f"Your pause with {partner} has ended: resume or close", Urgency.NOW
        when, label = closes_on, "Closes gently on"
    elif until is not None and until <= today + PAUSE_RETURN_AHEAD:
        title, urgency = f"Your pause with {partner} ends soon", Urgency.SOON
        when, label = until, "Back on"
    elif closes_on <= today + PAUSE_CLOSE_AHEAD:
        title, urgency = f"Your paused relationship with {partner} closes soon", Urgency.SOON
        when, label = closes_on, "Closes gently on"
    else:
        return None
    return Need(
        kind="pause",
        urgency=urgency,
        title=title,
        url=url,
        when=when,
        when_label=label,
        context=relationship.program.name,
    )


def my_engagements(user: User) -> list[Engagement]:
    """Return the engagements this person coaches or is coached in that have not closed."""
    return list(
        engagements_of(user)
        .exclude(relationship__status=Relationship.Status.CLOSED)
        .select_related(
            "relationship__program", "relationship__mentor__user", "relationship__mentee__user"
        )
        .order_by("relationship__program__name", "pk")
    )


def my_circles(user: User) -> list[Circle]:
    """Return the circles this person is in or invited to and that have not closed.

    Each carries ``my_state``: the state of the person's own place in it.
    """
    mine = CircleMembership.objects.filter(
        circle=OuterRef("pk"), enrollment__user=user, state__in=CircleMembership.LIVE
    )
    return list(
        circles_of(user)
        .exclude(state=Circle.State.CLOSED)
        .annotate(my_state=Subquery(mine.values("state")[:1]))
        .select_related("program")
        .order_by("program__name", "name", "pk")[:PER_KIND]
    )


def _circle_needs(user: User, circles: Sequence[Circle], now: datetime.datetime) -> list[Need]:
    if not circles:
        return []
    joined = [c.pk for c in circles if c.my_state in CircleMembership.IN_CIRCLE]  # type: ignore[attr-defined]
    needs = [
        Need(
            kind="circle-place",
            urgency=Urgency.NOW,
            title=f"You are invited to join “{circle.name}”: say yes or no",
            url=reverse("circles:detail", args=[circle.pk]),
            detail="Read who is in it and why, then answer on the circle's page.",
            context=circle.program.name,
        )
        for circle in circles
        if circle.my_state == CircleMembership.State.PROPOSED  # type: ignore[attr-defined]
    ]
    if joined:
        needs += [
            *_circle_agreements(user, joined),
            *_circle_sessions(joined, now),
            *_circle_commitments(user, joined),
        ]
    return needs


def _circle_agreements(user: User, circles: Sequence[int]) -> list[Need]:
    # The latest version of each of my circles' agreements that I have not signed yet.
    unsigned = (
        CircleAgreement.objects.filter(circle__in=circles)
        .exclude(
            Exists(
                CircleAgreement.objects.filter(
                    circle=OuterRef("circle"), version__gt=OuterRef("version")
                )
            )
        )
        .exclude(
            Exists(
                CircleSignature.objects.filter(
                    agreement=OuterRef("pk"),
                    membership__enrollment__user=user,
                    membership__state__in=CircleMembership.IN_CIRCLE,
                )
            )
        )
        .select_related("circle__program")
        .order_by("updated_at", "pk")[:PER_KIND]
    )
    return [
        Need(
            kind="circle-agreement",
            urgency=Urgency.NOW,
            title=f"Read and sign version {agreement.version} of the agreement "
            f"of “{agreement.circle.name}”",
            url=reverse("circles:detail", args=[agreement.circle_id]) + "#agreement-h",
            context=agreement.circle.program.name,
        )
        for agreement in unsigned
    ]


def _circle_sessions(circles: Sequence[int], now: datetime.datetime) -> list[Need]:
    # The next session of each active circle I am in, until it ends.
    upcoming = CircleSession.objects.filter(
        state=CircleSession.State.PLANNED, starts_at__gt=now - LONGEST_MEETING
    )
    first = upcoming.filter(circle=OuterRef("circle")).order_by("starts_at", "pk")
    sessions = (
        upcoming.filter(
            circle__in=circles,
            circle__state=Circle.State.ACTIVE,
            pk=Subquery(first.values("pk")[:1]),
        )
        .select_related("circle__program")
        .order_by("starts_at")[:PER_KIND]
    )
    return [
        Need(
            kind="circle-session",
            urgency=Urgency.SOON,
            title=f"Session {session.number} of “{session.circle.name}”",
            url=reverse("circles:session", args=[session.pk]),
            when=session.starts_at,
            when_label="Starts",
            context=session.circle.program.name,
        )
        for session in sessions
        if session.ends_at > now
    ]


def _circle_commitments(user: User, circles: Sequence[int]) -> list[Need]:
    # What I said I would do by a session of one of my circles, not yet followed up.
    owed = (
        CircleCommitment.objects.filter(
            membership__circle__in=circles,
            membership__enrollment__user=user,
            membership__state__in=CircleMembership.IN_CIRCLE,
            state=CircleCommitment.State.OPEN,
        )
        .select_related("membership__circle__program", "due_session")
        .order_by("due_session__starts_at", "pk")[:PER_KIND]
    )
    needs = []
    for commitment in owed:
        circle = commitment.membership.circle
        due = commitment.due_session
        needs.append(
            Need(
                kind="circle-commitment",
                urgency=Urgency.SOON,
                title=f"Your commitment to “{circle.name}”: {commitment.text}",
                url=reverse("circles:session", args=[due.pk])
                if due is not None
                else reverse("circles:detail", args=[circle.pk]),
                when=due.starts_at if due is not None else None,
                when_label="By the session of" if due is not None else "",
                context=circle.program.name,
            )
        )
    return needs


def _rounds_to_review(programs: Sequence[int]) -> list[Need]:
    ready = (
        MatchingRound.objects.filter(
            program__in=programs,
            status=MatchingRound.Status.READY,
        )
        .select_related("program")
        .order_by("finished_at", "pk")[:PER_KIND]
    )
    return [
        Need(
            kind="round",
            urgency=Urgency.NOW,
            title=f"Matching round “{matching_round.name}” is ready for your review",
            url=reverse("matching:round", args=[matching_round.pk]),
            when=matching_round.finished_at,
            when_label="Finished",
            context=matching_round.program.name,
        )
        for matching_round in ready
    ]


def _open_concerns(programs: Sequence[int]) -> list[Need]:
    # How many, per program, and since when: what was raised and by whom stay on its page.
    counts = (
        Concern.objects.filter(
            relationship__program__in=programs,
            status__in=[Concern.Status.OPEN, Concern.Status.IN_REVIEW],
        )
        .values("relationship__program_id", "relationship__program__name")
        .annotate(n=Count("pk"), new=Count("pk", filter=Q(status=Concern.Status.OPEN)))
        .annotate(oldest=Min("created_at"))
        .order_by("oldest")[:PER_KIND]
    )
    needs = []
    for row in counts:
        n, new = row["n"], row["new"]
        title = f"{n} open concern{'s' if n != 1 else ''}"
        if new:
            title += f", {new} not yet looked at" if new != n else " not yet looked at"
        needs.append(
            Need(
                kind="concerns",
                urgency=Urgency.NOW if new else Urgency.SOON,
                title=title,
                url=reverse("relationships:program", args=[row["relationship__program_id"]]),
                when=row["oldest"],
                when_label="Oldest raised",
                context=row["relationship__program__name"],
            )
        )
    return needs


def _board_questions(user: User, now: datetime.datetime) -> list[Need]:
    # Questions on a program's board, in a topic this person offers there, that nobody has
    # answered yet: counted per program, linking to the board's unanswered list.
    offered_there = EnrollmentTopic.objects.filter(
        enrollment__user=user,
        enrollment__status=Enrollment.Status.ACTIVE,
        enrollment__program=OuterRef("question__program"),
        kind=EnrollmentTopic.Kind.EXPERTISE,
        topic=OuterRef("topic"),
    )
    in_my_topics = Question.topics.through.objects.filter(question=OuterRef("pk")).filter(
        Exists(offered_there)
    )
    answered = Answer.objects.filter(question=OuterRef("pk"), is_hidden=False)
    counts = (
        questions_visible_to(user)
        .filter(
            program__isnull=False,
            state=Question.State.OPEN,
            created_at__gte=now - BOARD_QUESTION_FRESH,
        )
        .exclude(author=user)
        .filter(Exists(in_my_topics))
        .exclude(Exists(answered))
        .values("program_id", "program__name")
        .annotate(n=Count("pk"), newest=Max("created_at"))
        .order_by("-newest")[:PER_KIND]
    )
    needs = []
    for row in counts:
        n = row["n"]
        needs.append(
            Need(
                kind="board",
                urgency=Urgency.SOON,
                title=(
                    f"{n} question{'s' if n != 1 else ''} in your topics "
                    f"{'have' if n != 1 else 'has'} no answer yet"
                ),
                url=reverse("board:program", args=[row["program_id"]]) + "?sort=unanswered",
                when=row["newest"],
                when_label="Latest asked",
                context=row["program__name"],
            )
        )
    return needs


def _stalled_pairs(programs: Sequence[int]) -> list[Need]:
    # How many per program, at the program's default thresholds; who, on the list itself.
    # They have waited past the program's own thresholds already: the admin acts now.
    counts = stalled_counts(programs=Program.objects.filter(pk__in=programs))
    needs = []
    for (program_id, name), n in sorted(counts.items(), key=lambda item: -item[1])[:PER_KIND]:
        needs.append(
            Need(
                kind="stalled",
                urgency=Urgency.NOW,
                title=f"{n} stalled pair{'s' if n != 1 else ''}",
                detail="Pairs that have not met lately, agreements not signed, "
                "proposals and requests waiting for an answer.",
                url=reverse("insights:stalled", args=[program_id]),
                context=name,
            )
        )
    return needs
