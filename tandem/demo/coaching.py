"""A coaching program with engagements in every stage, the demo mentee's among them.

Coaches, internal and external, each have a profile: internal coaches are city staff,
external ones are executive coaches the city contracts, with the title that says so, and
they bill in dollars. Clients choose a coach by request; the coach says yes through the
services, which ask the pairing policy. Then the contract: objectives, numbers, payer and,
where the organization pays, the client's manager as sponsor with a budget code. One
engagement is still writing its contract; most are active, with held sessions, shared
notes, the client's ratings of each objective, assignments, the coach's private session
notes and both people's check-ins; two ended with a closing review; one was ended by the
program after a concern that the work went beyond the agreed scope, and its client now
works with another coach. The demo mentee is a client whose engagement the demo admin
sponsors, so both can sign in and see theirs. Sessions and ratings of the past are written
directly, as they were made at their time, as lives.py does for mentoring pairs; a request
dated back keeps its deadline its lifetime after it was sent.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.db.models import F
from django.utils import timezone

from tandem.accounts.models import Membership, User
from tandem.coaching.models import (
    Assignment,
    CoachProfile,
    Engagement,
    Objective,
    ObjectiveRating,
    SessionNote,
)
from tandem.demo.agency import AGENCY_TIME_ZONE, REMOTE
from tandem.demo.lives import pair_close, pair_sign
from tandem.policy.eligibility import pair_refusal
from tandem.programs.models import Cadence, Enrollment, EnrollmentTopic, Program, Topic
from tandem.relationships import services
from tandem.relationships.models import (
    Agreement,
    CheckIn,
    Concern,
    Meeting,
    MentorshipRequest,
    Relationship,
)

PROGRAM_NAME = "Leadership coaching"
DAY = datetime.timedelta(days=1)
# Coaching topics: the coaches' expertise, and what clients ask help with.
TOPICS = (
    "Leadership",
    "First-time management",
    "Managing up",
    "Giving and receiving feedback",
    "Delegation",
    "Strategic thinking",
)


# External coaches are not city staff: the city contracts them, and gives each an account.
CONTRACTED_TITLE = "Executive coach (contracted)"
CONTRACTED_DOMAIN = "northlight-coaching.example"
CONTRACTED_NAMES = (("Margaret Oyelaran", "Margaret"), ("Daniel Whitcombe", "Dan"))


@dataclass(frozen=True)
class Coach:
    kind: str
    credentials: str
    approach: str
    availability: str
    what_i_bring: str
    hourly_rate: Decimal | None = None
    currency: str = ""
    hours_per_client: Decimal | None = None


COACHES = (
    Coach(
        CoachProfile.Kind.EXTERNAL,
        "ICF PCC (2018); Master's in organizational psychology",
        "Six to eight sessions of an hour. We agree on two or three objectives, you rate "
        "them at every session, and each session ends with one thing to try before the next.",
        "Mondays and Wednesdays, 8:00 to 12:00",
        "Fifteen years coaching public-sector leaders through their first senior role.",
        hourly_rate=Decimal("180.00"),
        currency="USD",
    ),
    Coach(
        CoachProfile.Kind.INTERNAL,
        "Certified internal coach, city leadership academy (2021)",
        "Practical and direct: we look at a real week of your calendar and change it.",
        "Tuesday and Thursday afternoons",
        "Led three teams in operations; coaches new managers in their first year.",
        hours_per_client=Decimal("6"),
    ),
    Coach(
        CoachProfile.Kind.EXTERNAL,
        "EMCC Senior Practitioner; trained mediator",
        "Conversations first: we rehearse the hard ones before you have them.",
        "Fridays, and early mornings by video",
        "Former HR director; specialises in feedback, conflict and managing up.",
        hourly_rate=Decimal("150.00"),
        currency="USD",
    ),
    Coach(
        CoachProfile.Kind.INTERNAL,
        "ICF ACC (2022)",
        "Questions more than answers; you leave with your own plan and a date for it.",
        "Wednesday mornings",
        "Policy lead who moved from specialist to manager and remembers what it took.",
        hours_per_client=Decimal("8"),
    ),
    Coach(
        CoachProfile.Kind.INTERNAL,
        "Certified internal coach, city leadership academy (2019)",
        "We start from what already works for you and build on it, one habit at a time.",
        "Thursday mornings",
        "Twenty years at the city, eight of them leading a team of engineers.",
        hours_per_client=Decimal("6"),
    ),
)
GOALS = (
    "Lead my team through the reorganization with fewer surprises for everyone.",
    "Step into my first management role without trying to do everyone's job.",
    "Handle my director's expectations and my team's capacity without burning out.",
    "Give feedback early and clearly, instead of saving it for the annual review.",
    "Delegate the work I have outgrown, and trust people with it.",
    "Think beyond this year's budget and bring a plan to the leadership team.",
)
OBJECTIVES = (
    (
        "Run a weekly team meeting that ends with decisions",
        "Four meetings in a row end with written decisions and owners",
    ),
    ("Give difficult feedback within a week", "Two feedback conversations held and followed up"),
    ("Delegate one recurring task for good", "The task runs for a month without my review"),
    (
        "Say no to work that does not fit our priorities",
        "Three requests declined or deferred, with reasons my director accepts",
    ),
    (
        "Prepare a one-page plan for next year",
        "The plan is presented to the leadership team and gets a decision",
    ),
    (
        "Have a monthly one-to-one with each person on my team",
        "Every one-to-one held for two months running",
    ),
    (
        "Bring options, not problems, to my director",
        "Three issues raised with two options each and a recommendation",
    ),
)
SHARED_NOTES = (
    "Looked at last week's meetings: two ended without a decision. Agreed to close each "
    "meeting by reading back decisions and owners.",
    "Rehearsed the feedback conversation with the team lead. Opening line agreed; the "
    "example to use is the missed deadline in March.",
    "Went through the list of recurring tasks. The monthly report is the one to hand over; "
    "the handover plan is in the shared folder.",
    "Talked about the director's new priorities and what they mean for the team's plan.",
    "Reviewed the assignment: the first attempt went better than expected. Next step is the "
    "harder conversation.",
    "Mapped who decides what in the budget round, and where to bring the proposal first.",
)
PRIVATE_NOTES = (
    "Energy lower than last time; the reorganization is weighing on them. Start next session "
    "by asking how the week went before any task.",
    "Tends to answer for the team before asking them. Worth naming gently next time.",
    "Big step today: named the real reason the feedback keeps slipping. Build on it.",
    "Came prepared; rated progress honestly, a little low if anything.",
    "Watch the pull towards talking about the director rather than their own choices.",
    "Ready for a harder assignment. Consider the budget conversation.",
)
CLIENT_PRIVATE_NOTES = (
    "I said I would try the read-back at the end of meetings. I am nervous about it.",
    "What I did not say in the session: I am not sure I want to manage people long term.",
)
ASSIGNMENTS = (
    "End each team meeting by reading back decisions and owners",
    "Hold the feedback conversation with the team lead and note how it went",
    "Write down every task you did this week that someone else could do",
    "Decline or defer one request that does not fit the priorities",
    "Draft the first page of next year's plan",
    "Book a one-to-one with each person on the team for this month",
    "Ask the director what success looks like this quarter",
)
CLIENT_NOTES = (
    "Done. Two of the three meetings ended with decisions; the third ran over.",
    "Done, and it went better than I feared. They had seen it coming.",
    "Done. The list was longer than I expected; eight tasks.",
    "Done, but I softened it more than I meant to.",
    "",
)
AGENDAS = (
    "How the feedback conversation went, and what comes next.",
    "The plan for next year: first draft.",
    "Delegation: what happened with the monthly report.",
)
CLOSING_SUMMARIES = (
    "I came in wanting my meetings to decide things; they do now, most weeks. The bigger "
    "change is that I ask before I answer. I will keep the read-back and the monthly "
    "one-to-ones.",
    "Feedback is no longer the thing I put off. I held four hard conversations in three "
    "months, and the team says they know where they stand. Delegation is still work.",
)
OUTCOMES = (
    "Achieved: seven meetings in a row ended with written decisions.",
    "Mostly there: two conversations held, one still to follow up.",
    "Partly: the report is handed over; I still check it too often.",
    "Achieved: presented in June and approved with one change.",
)
BEYOND_SCOPE = (
    "In our last two sessions my coach kept steering the conversation to my family "
    "situation and how it affects my work. That is outside what we agreed, and I do not "
    "want to go there in coaching."
)
CONCERN_RESPONSE = (
    "Thank you for telling us. The program is ending this engagement and will help you "
    "choose another coach; your hours carry over."
)
END_MESSAGE = (
    "The program ends this engagement after a concern that the sessions went beyond the "
    "agreed scope. Thank you both for the work so far."
)
REQUESTS = (
    "I have just taken over a team of nine and would like a coach for the first months. "
    "Your profile mentions {focus}, which is where I feel least sure.",
    "My director suggested coaching this year. I would like to work on {focus} with you; "
    "your approach sounds like what I need.",
    "I would value a few sessions on {focus}. I can commit to the assignments between them.",
)


@dataclass
class _Made:
    relationship: Relationship
    engagement: Engagement
    meetings: list[Meeting]


def create_coaching(
    *, seed: int, beside: Program, personas: dict[str, User], today: datetime.date
) -> Program:
    """Create the coaching program beside ``beside`` (same organization) and its engagements."""
    rng = random.Random(f"{seed}:coaching")
    now = timezone.now()
    admin = personas["admin"]
    program = _program(beside, admin)
    topics = list(Topic.objects.filter(organization=program.organization, name__in=TOPICS))
    coaches, clients = _enroll(rng, program, personas, topics, today)
    linh = next(c for c in clients if c.user_id == personas["mentee"].pk)
    others = [c for c in clients if c is not linh]
    profiles = {p.enrollment_id: p for p in CoachProfile.objects.filter(enrollment__in=coaches)}
    externals = [c for c in coaches if profiles[c.pk].kind == CoachProfile.Kind.EXTERNAL]

    def coach_for(
        client: Enrollment, start: int, prefer: list[Enrollment] | None = None
    ) -> Enrollment:
        order = (prefer or []) + coaches[start:] + coaches[:start]
        for coach in order:
            if pair_refusal(seeker=client, giver=coach, focus=_focus(client)) is None:
                return coach
        raise AssertionError("the demo city has no coach for this client")

    def engage(client: Enrollment, coach: Enrollment, days_ago: int) -> Relationship:
        return _accept(rng, client, coach, now - days_ago * DAY)

    # The demo mentee: an active engagement with an external coach; the admin (in HR) sponsors.
    made = _active(rng, engage(linh, coach_for(linh, 0, externals), 75), profiles, now, admin)
    _client_notes(made, rng)
    # Engagements under way, started between three weeks and four months ago.
    for index, days_ago in enumerate((110, 90, 60, 45, 30, 21)):
        client = others[index]
        _active(rng, engage(client, coach_for(client, index + 1), days_ago), profiles, now)
    # Two finished with a closing review.
    for index, days_ago in enumerate((260, 220)):
        client = others[6 + index]
        relationship = engage(client, coach_for(client, index + 2), days_ago)
        _completed(rng, relationship, profiles, now, ended_days_ago=days_ago - 180 + index * 9)
    # Ended by the program after a beyond-scope concern, then matched with another coach.
    client = others[8]
    first = coach_for(client, 3)
    ended = _active(rng, engage(client, first, 150), profiles, now, until=now - 70 * DAY)
    _end_beyond_scope(ended, admin, now - 66 * DAY)
    second = coach_for(client, 0, [c for c in coaches if c != first])
    _active(rng, engage(client, second, 58), profiles, now)
    # One is writing its contract; one has asked a coach and waits for the answer.
    client = others[9]
    _contract(rng, engage(client, coach_for(client, 1), 4), profiles, now)
    client = others[10]
    request = _request(rng, client, coach_for(client, 2))
    _date_request(request, now - 2 * DAY)
    return program


def _program(beside: Program, admin: User) -> Program:
    # The program form does not offer coaching yet (Program.AVAILABLE_FORMATS), so the demo
    # writes the program as an admin's form will once it does.
    program = Program.objects.create(
        organization=beside.organization,
        name=PROGRAM_NAME,
        tagline="A certified coach, agreed objectives, a set number of sessions.",
        description=(
            "Leaders at the city may work with an internal or an external coach for a set "
            "number of sessions. You choose your coach, agree two or three objectives and "
            "the scope of the work in a written contract, rate your progress at each "
            "session and close with a review. Your manager may sponsor the engagement and "
            "sees progress in figures only, never what you discuss."
        ),
        format=Program.Format.COACHING,
        status=Program.Status.ACTIVE,
        audience=Program.Audience.ORGANIZATION,
        matching_mode=Program.MatchingMode.CHOICE,
        default_cadence=Cadence.FORTNIGHTLY,
        default_length_months=6,
        enrollment_opens_on=beside.enrollment_opens_on,
        enrollment_closes_on=beside.enrollment_closes_on,
    )
    program.admins.add(admin)
    return program


def _enroll(
    rng: random.Random,
    program: Program,
    personas: dict[str, User],
    topics: list[Topic],
    today: datetime.date,
) -> tuple[list[Enrollment], list[Enrollment]]:
    """Enroll the coaches and twelve clients with managers (the demo mentee among them).

    Internal coaches are city staff; external ones are contracted coaches, members of the
    city by contract with the title that says so. The demo mentor does not coach: her home
    page lists the meetings of her mentoring.
    """
    members = list(
        Membership.objects.filter(
            organization=program.organization,
            status=Membership.Status.ACTIVE,
            manager__isnull=False,
        ).order_by("pk")
    )
    persona_ids = {u.pk for u in personas.values()}
    by_user = {m.user_id: m for m in members}
    candidates = [m for m in members if m.user_id not in persona_ids]
    rng.shuffle(candidates)
    internal = sum(spec.kind == CoachProfile.Kind.INTERNAL for spec in COACHES)
    # Profiles finished in the spring, on the demo's own calendar (same seed, same data).
    noon = datetime.time(12, tzinfo=ZoneInfo(AGENCY_TIME_ZONE))
    completed = datetime.datetime.combine(today - 300 * DAY, noon)
    contracted = iter(_contracted(program, personas["admin"], completed - 20 * DAY))
    staff = iter(candidates[:internal])
    coach_members = [
        next(staff if spec.kind == CoachProfile.Kind.INTERNAL else contracted) for spec in COACHES
    ]
    client_members = [by_user[personas["mentee"].pk], *candidates[internal : internal + 11]]
    specs = COACHES
    coaches = Enrollment.objects.bulk_create(
        Enrollment(
            program=program,
            user_id=member.user_id,
            membership=member,
            is_coach=True,
            capacity=4,
            accepting_now=True,
            what_i_bring=spec.what_i_bring,
            meeting_modes=["video", "in_person"],
            profile_completed_at=completed,
        )
        for member, spec in zip(coach_members, specs, strict=True)
    )
    CoachProfile.objects.bulk_create(
        CoachProfile(
            enrollment=coach,
            kind=spec.kind,
            credentials=spec.credentials,
            approach=spec.approach,
            availability=spec.availability,
            hourly_rate=spec.hourly_rate,
            currency=spec.currency,
            hours_per_client=spec.hours_per_client,
        )
        for coach, spec in zip(coaches, specs, strict=True)
    )
    clients = Enrollment.objects.bulk_create(
        Enrollment(
            program=program,
            user_id=member.user_id,
            membership=member,
            is_mentee=True,
            goals=GOALS[index % len(GOALS)],
            meeting_modes=["video", "in_person"],
            profile_completed_at=completed + index * DAY,
        )
        for index, member in enumerate(client_members)
    )
    rows = [
        EnrollmentTopic(enrollment=coach, topic=topic, kind=EnrollmentTopic.Kind.EXPERTISE, level=3)
        for coach in coaches
        for topic in rng.sample(topics, 4)
    ]
    rows += [
        EnrollmentTopic(
            enrollment=client, topic=topics[index % len(topics)], kind=EnrollmentTopic.Kind.FOCUS
        )
        for index, client in enumerate(clients)
    ]
    EnrollmentTopic.objects.bulk_create(rows)
    return coaches, clients


def _contracted(program: Program, admin: User, joined: datetime.datetime) -> list[Membership]:
    """The external coaches: accounts at their own practice, members of the city by contract,
    outside its departments and reporting lines."""
    users = User.objects.bulk_create(
        User(
            email=f"{preferred.lower()}@{CONTRACTED_DOMAIN}",
            full_name=full_name,
            preferred_name=preferred,
            # The demo's one password, as every demo account has.
            password=admin.password,
            date_joined=joined,
        )
        for full_name, preferred in CONTRACTED_NAMES
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, primary=True, verified=True) for user in users
    )
    return Membership.objects.bulk_create(
        Membership(
            user=user,
            organization=program.organization,
            title=CONTRACTED_TITLE,
            time_zone=AGENCY_TIME_ZONE,
            location=REMOTE,
        )
        for user in users
    )


def _focus(client: Enrollment) -> Topic:
    return client.topics.get(kind=EnrollmentTopic.Kind.FOCUS).topic


def _request(rng: random.Random, client: Enrollment, coach: Enrollment) -> MentorshipRequest:
    focus = _focus(client)
    return services.request_send(
        mentee=client,
        mentor=coach,
        focus=focus,
        message=rng.choice(REQUESTS).format(focus=focus.name.lower()),
    )


def _date_request(
    request: MentorshipRequest,
    asked: datetime.datetime,
    answered: datetime.datetime | None = None,
) -> None:
    """Date a request back to when it was sent: its deadline moves with it."""
    lifetime = request.expires_at - request.created_at
    MentorshipRequest.objects.filter(pk=request.pk).update(
        created_at=asked, expires_at=asked + lifetime, answered_at=answered
    )


def _accept(
    rng: random.Random, client: Enrollment, coach: Enrollment, asked: datetime.datetime
) -> Relationship:
    """The client asks, the coach says yes two days later; the contract is next."""
    request = _request(rng, client, coach)
    relationship = services.request_accept(
        request=request, by=coach.user, reply="Gladly. Let's write the contract together."
    )
    accepted = asked + 2 * DAY
    _date_request(request, asked, accepted)
    Relationship.objects.filter(pk=relationship.pk).update(created_at=accepted)
    Agreement.objects.filter(relationship=relationship).update(created_at=accepted)
    relationship.refresh_from_db()
    return relationship


def _contract_terms(
    rng: random.Random,
    relationship: Relationship,
    profile: CoachProfile,
    starts_on: datetime.date,
    sponsor: User | None,
) -> Engagement:
    """Write the contract: the agreement's scope and accountability, then the numbers."""
    client = relationship.mentee
    services.agreement_update(
        agreement=relationship.agreements.get(),
        by=client.user,
        goals=client.goals,
        topics_welcome=f"{relationship.focus.name}; leading my team; working with my director.",
        accountability="Ask me at the start of each session how the assignment went.",
    )
    # The agreement was drafted on the day of the yes: its review date counts from then.
    back = timezone.localdate() - timezone.localdate(relationship.created_at)
    Agreement.objects.filter(relationship=relationship).update(review_on=F("review_on") - back)
    if profile.kind == CoachProfile.Kind.INTERNAL:
        hours = profile.hours_per_client or Decimal("6")
        paid_by = Engagement.Payer.PROGRAM
    else:
        hours = Decimal(rng.choice((6, 8)))
        paid_by = Engagement.Payer.ORGANIZATION
    if sponsor is not None:
        # Someone in HR sponsors it: the organization pays, whoever coaches.
        paid_by = Engagement.Payer.ORGANIZATION
    elif paid_by == Engagement.Payer.ORGANIZATION:
        member = Membership.objects.select_related("manager__user").get(
            pk=client.membership_id or 0
        )
        sponsor = member.manager.user if member.manager else None
    code = f"LEAD-{starts_on.year}-{relationship.pk:03d}"
    engagement, _ = Engagement.objects.update_or_create(
        relationship=relationship,
        defaults={
            "sessions_contracted": int(hours),
            "hours_contracted": hours,
            "starts_on": starts_on,
            "ends_on": starts_on + datetime.timedelta(days=180),
            "paid_by": paid_by,
            "sponsor": sponsor if paid_by == Engagement.Payer.ORGANIZATION else None,
            "budget_code": code if paid_by == Engagement.Payer.ORGANIZATION else "",
        },
    )
    if not engagement.objectives.exists():
        chosen = rng.sample(OBJECTIVES, rng.choice((2, 3)))
        Objective.objects.bulk_create(
            Objective(engagement=engagement, position=n, text=text, measure=measure)
            for n, (text, measure) in enumerate(chosen, start=1)
        )
    return engagement


def _contract(
    rng: random.Random,
    relationship: Relationship,
    profiles: dict[int, CoachProfile],
    now: datetime.datetime,
) -> Engagement:
    """A contract being written: objectives drafted, nobody has signed yet."""
    profile = profiles[relationship.mentor_id]
    starts_on = timezone.localdate(now) + 10 * DAY
    return _contract_terms(rng, relationship, profile, starts_on, None)


def _active(
    rng: random.Random,
    relationship: Relationship,
    profiles: dict[int, CoachProfile],
    now: datetime.datetime,
    sponsor: User | None = None,
    *,
    until: datetime.datetime | None = None,
) -> _Made:
    """Sign the contract, then hold fortnightly sessions up to ``until`` (by default now),
    with ratings, assignments and the coach's notes; plan the next session ahead."""
    accepted = relationship.created_at
    signed = accepted + rng.randint(3, 6) * DAY
    engagement = _contract_terms(
        rng, relationship, profiles[relationship.mentor_id], timezone.localdate(signed), sponsor
    )
    pair_sign(relationship, accepted=accepted, signed=signed)
    end = until or now - DAY
    meetings = _sessions(rng, relationship, engagement, signed, end)
    _checkins(rng, relationship, meetings, signed, end, keep_up=until is None)
    if until is None:
        # The next session fits in the hours the contract has left.
        planned = Meeting.objects.create(
            relationship=relationship,
            starts_at=_at_ten(now + rng.randint(4, 11) * DAY),
            duration_minutes=60,
            agenda=rng.choice(AGENDAS),
        )
        Meeting.objects.filter(pk=planned.pk).update(created_at=meetings[-1].starts_at)
    return _Made(relationship, engagement, meetings)


def _checkins(
    rng: random.Random,
    relationship: Relationship,
    meetings: list[Meeting],
    signed: datetime.datetime,
    until: datetime.datetime,
    *,
    keep_up: bool,
) -> None:
    """Both people's private check-ins, a few days after most sessions, as lives.py writes
    them for mentoring pairs. While the engagement goes on, each has checked in within the
    program's interval, so that none is months overdue."""
    interval = datetime.timedelta(weeks=relationship.program.checkin_interval_weeks)
    rows: list[CheckIn] = []
    for person in (relationship.mentor.user, relationship.mentee.user):
        times = [
            min(meeting.ends_at + rng.randint(1, 3) * DAY, until)
            for meeting in meetings
            if rng.random() < 0.8
        ]
        last = max(times, default=signed)
        if keep_up and last < until - interval:
            times.append(until - rng.randint(1, interval.days - 3) * DAY)
        for when in times:
            score = rng.choice((3, 4, 4, 4, 5, 5))
            rows.append(
                CheckIn(
                    relationship=relationship,
                    author=person,
                    going=score,
                    meeting_goals=max(1, min(5, score + rng.choice((-1, 0, 0, 1)))),
                    created_at=when,
                )
            )
    CheckIn.objects.bulk_create(rows)


def _at_ten(moment: datetime.datetime) -> datetime.datetime:
    """Ten in the morning at the city, on the day of ``moment``."""
    local = moment.astimezone(ZoneInfo(AGENCY_TIME_ZONE))
    return local.replace(hour=10, minute=0, second=0, microsecond=0)


def _sessions(
    rng: random.Random,
    relationship: Relationship,
    engagement: Engagement,
    signed: datetime.datetime,
    until: datetime.datetime,
    *,
    all_of_them: bool = False,
) -> list[Meeting]:
    """Hold the sessions, within the contract's numbers, fortnightly from the signing; an
    engagement still going keeps an hour for its next session."""
    budget = int(engagement.hours_contracted * 60) - (0 if all_of_them else 60)
    most = engagement.sessions_contracted if all_of_them else engagement.sessions_contracted - 1
    rows: list[Meeting] = []
    used = 0
    day = signed + rng.randint(4, 8) * DAY
    while day < until and len(rows) < most:
        minutes = rng.choice((45, 60, 60, 60, 75, 90))
        if used + minutes > budget:
            minutes = budget - used
        if minutes < 30:
            break
        used += minutes
        rows.append(
            Meeting(
                relationship=relationship,
                starts_at=_at_ten(day),
                duration_minutes=minutes,
                status=Meeting.Status.HELD,
                notes=SHARED_NOTES[len(rows) % len(SHARED_NOTES)],
            )
        )
        day += datetime.timedelta(days=14 * rng.uniform(0.85, 1.25))
    meetings = Meeting.objects.bulk_create(rows)
    for meeting in meetings:
        meeting.created_at = meeting.starts_at - rng.randint(5, 10) * DAY
    Meeting.objects.bulk_update(meetings, ["created_at"])
    services.relationships_last_met_refresh(relationship_ids=[relationship.pk])
    _ratings(rng, engagement, meetings)
    _assignments(rng, engagement, meetings, until)
    _coach_notes(rng, relationship, meetings)
    return meetings


def _ratings(rng: random.Random, engagement: Engagement, meetings: list[Meeting]) -> None:
    """The client rates each objective at most sessions: rising, unevenly."""
    rows: list[tuple[ObjectiveRating, datetime.datetime]] = []
    for objective in engagement.objectives.all():
        progress = rng.randint(1, 3)
        for n, meeting in enumerate(meetings):
            if n:
                progress = max(0, min(10, progress + rng.choice((-1, 0, 1, 1, 2, 2))))
            if 0 < n < len(meetings) - 1 and rng.random() < 0.2:
                continue
            rows.append(
                (
                    ObjectiveRating(objective=objective, meeting=meeting, progress=progress),
                    meeting.ends_at,
                )
            )
    made = ObjectiveRating.objects.bulk_create(r for r, _ in rows)
    for rating, (_, when) in zip(made, rows, strict=True):
        rating.created_at = when
    ObjectiveRating.objects.bulk_update(made, ["created_at"])


def _assignments(
    rng: random.Random, engagement: Engagement, meetings: list[Meeting], until: datetime.datetime
) -> None:
    rows: list[tuple[Assignment, Meeting]] = []
    for n, meeting in enumerate(meetings):
        if rng.random() > 0.65 and n != len(meetings) - 1:
            continue
        due = meeting.starts_at + rng.randint(7, 12) * DAY
        done = due < until and rng.random() < 0.8
        assignment = Assignment(
            engagement=engagement,
            meeting=meeting,
            text=ASSIGNMENTS[(n + engagement.pk) % len(ASSIGNMENTS)],
            due_on=timezone.localdate(due),
            done_at=meeting.starts_at + rng.randint(3, 7) * DAY if done else None,
            client_note=rng.choice(CLIENT_NOTES) if done else "",
        )
        rows.append((assignment, meeting))
    made = Assignment.objects.bulk_create(a for a, _ in rows)
    for assignment, (_, meeting) in zip(made, rows, strict=True):
        assignment.created_at = meeting.ends_at
    Assignment.objects.bulk_update(made, ["created_at"])


def _coach_notes(rng: random.Random, relationship: Relationship, meetings: list[Meeting]) -> None:
    coach = relationship.mentor.user_id
    notes = [
        SessionNote(meeting=meeting, author_id=coach, body=PRIVATE_NOTES[n % len(PRIVATE_NOTES)])
        for n, meeting in enumerate(meetings)
        if rng.random() < 0.8
    ]
    made = SessionNote.objects.bulk_create(notes)
    for note in made:
        note.created_at = note.updated_at = note.meeting.ends_at + datetime.timedelta(minutes=20)
    SessionNote.objects.bulk_update(made, ["created_at", "updated_at"])


def _client_notes(made: _Made, rng: random.Random) -> None:
    """The client keeps a private note on two sessions of her own."""
    client = made.relationship.mentee.user_id
    notes = SessionNote.objects.bulk_create(
        SessionNote(meeting=meeting, author_id=client, body=body)
        for meeting, body in zip(made.meetings[-2:], CLIENT_PRIVATE_NOTES, strict=False)
    )
    for note in notes:
        note.created_at = note.updated_at = note.meeting.ends_at + datetime.timedelta(hours=2)
    SessionNote.objects.bulk_update(notes, ["created_at", "updated_at"])


def _completed(
    rng: random.Random,
    relationship: Relationship,
    profiles: dict[int, CoachProfile],
    now: datetime.datetime,
    *,
    ended_days_ago: int,
) -> None:
    """Every session held, the relationship closed as completed, the closing review written."""
    accepted = relationship.created_at
    signed = accepted + rng.randint(3, 6) * DAY
    engagement = _contract_terms(
        rng, relationship, profiles[relationship.mentor_id], timezone.localdate(signed), None
    )
    pair_sign(relationship, accepted=accepted, signed=signed)
    ended = _at_ten(now - ended_days_ago * DAY)
    meetings = _sessions(rng, relationship, engagement, signed, ended, all_of_them=True)
    _checkins(rng, relationship, meetings, signed, ended, keep_up=False)
    ends = max(meetings[-1].ends_at, ended) if meetings else ended
    Engagement.objects.filter(pk=engagement.pk).update(
        ends_on=max(timezone.localdate(ends), engagement.starts_on + DAY)
    )
    pair_close(rng, relationship, Relationship.CloseReason.COMPLETED, ends)
    reviewed = ends + 3 * DAY
    objectives = list(engagement.objectives.all())
    latest = {
        r.objective_id: r.progress
        for r in ObjectiveRating.objects.filter(objective__in=objectives).order_by("created_at")
    }
    closing = ObjectiveRating.objects.bulk_create(
        ObjectiveRating(
            objective=objective,
            meeting=None,
            progress=min(10, latest.get(objective.pk, 5) + rng.choice((0, 1, 1))),
        )
        for objective in objectives
    )
    ObjectiveRating.objects.filter(pk__in=[r.pk for r in closing]).update(created_at=reviewed)
    for n, objective in enumerate(objectives):
        objective.outcome = OUTCOMES[(n + engagement.pk) % len(OUTCOMES)]
    Objective.objects.bulk_update(objectives, ["outcome"])
    Engagement.objects.filter(pk=engagement.pk).update(
        closing_summary=CLOSING_SUMMARIES[engagement.pk % len(CLOSING_SUMMARIES)],
        closing_reviewed_at=reviewed,
    )


def _end_beyond_scope(made: _Made, admin: User, ended: datetime.datetime) -> None:
    """The client raises a beyond-scope concern; the admin answers and ends the engagement."""
    relationship = made.relationship
    concern = services.concern_raise(
        relationship=relationship, reporter=relationship.mentee.user, body=BEYOND_SCOPE
    )
    Concern.objects.filter(pk=concern.pk).update(kind=Concern.Kind.BEYOND_SCOPE)
    services.concern_update(
        concern=concern, admin=admin, status=Concern.Status.RESOLVED, response=CONCERN_RESPONSE
    )
    services.relationship_end_by_admin(relationship=relationship, admin=admin, message=END_MESSAGE)
    raised = ended - 3 * DAY
    Concern.objects.filter(pk=concern.pk).update(created_at=raised, updated_at=ended)
    Concern.history.filter(id=concern.pk).update(history_date=ended)
    Relationship.objects.filter(pk=relationship.pk).update(closed_at=ended)
    Relationship.history.filter(id=relationship.pk, closed_at__isnull=False).update(
        closed_at=ended, history_date=F("history_date") - (timezone.now() - ended)
    )
    # The engagement ended early: its end date is the day the program ended it.
    Engagement.objects.filter(pk=made.engagement.pk).update(ends_on=timezone.localdate(ended))
