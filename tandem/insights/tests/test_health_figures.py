"""The health figures against history built by hand, with known dates and answers."""

import datetime

import pytest

from tandem.insights import health
from tandem.insights.health import Chart, scope_for
from tandem.relationships.models import Meeting, MentorshipRequest, Proposal
from tandem.testing.factories import ProgramFactory
from tandem.testing.fixtures import World

from .health_data import NOW, at, checkin, meeting, pair, person

pytestmark = pytest.mark.django_db


def _scope(world: World, months: int = 6) -> health.Scope:
    return scope_for([world.program], months=months, now=NOW)


def _column(chart: Chart, name: str) -> dict[str, object]:
    index = chart.headers.index(name)
    return {row[0]: row[index] for row in chart.rows()}  # type: ignore[misc]


def test_months_run_from_oldest_to_the_current_one(world: World) -> None:
    scope = _scope(world)
    assert scope.labels == ["Nov 2025", "Dec 2025", "Jan 2026", "Feb 2026", "Mar 2026", "Apr 2026"]


def test_three_pairs_signed_in_march_give_median_and_90th_percentile(world: World) -> None:
    mentor = person(world, joined=at(1, 5), mentor=True)
    for asked, waited in ((at(3, 1), 2), (at(3, 3), 4), (at(2, 20), 10)):
        mentee = person(world, joined=at(1, 10))
        pair(world, mentee, mentor, asked=asked, signed=asked + datetime.timedelta(days=waited))
    # A proposal counts from when it was made.
    mentee = person(world, joined=at(1, 10))
    pair(world, mentee, mentor, asked=at(4, 1), signed=at(4, 7), origin="proposal")

    chart = health.time_to_match(_scope(world))

    assert _column(chart, "Median (days)")["Mar 2026"] == "4.0"
    # Inclusive interpolation over 2, 4, 10: 4 + 0.8 * 6.
    assert _column(chart, "90th percentile (days)")["Mar 2026"] == "8.8"
    assert _column(chart, "Pairs signed")["Mar 2026"] == 3
    assert _column(chart, "Median (days)")["Apr 2026"] == "6.0"
    assert _column(chart, "Median (days)")["Feb 2026"] == ""


def test_enrolment_counts_joiners_leavers_and_who_takes_part(world: World) -> None:
    # The world's own three people joined today, long after the page's "now".
    person(world, joined=at(2, 3))
    person(world, joined=at(2, 20), left=at(3, 9))
    person(world, joined=at(3, 1))

    chart = health.enrolment(_scope(world))

    assert _column(chart, "Joined") == {
        "Nov 2025": 0,
        "Dec 2025": 0,
        "Jan 2026": 0,
        "Feb 2026": 2,
        "Mar 2026": 1,
        "Apr 2026": 0,
    }
    assert _column(chart, "Left")["Mar 2026"] == 1
    assert _column(chart, "Taking part at month end")["Mar 2026"] == 2
    assert _column(chart, "Taking part at month end")["Apr 2026"] == 2


def test_match_rate_is_the_share_of_seeking_people_in_an_open_pair(world: World) -> None:
    mentor = person(world, joined=at(1, 2), mentor=True)
    first = person(world, joined=at(1, 5))
    second = person(world, joined=at(1, 6))
    person(world, joined=at(1, 7))
    person(world, joined=at(1, 8))
    pair(world, first, mentor, asked=at(1, 10), signed=at(1, 20), closed=at(3, 5))
    pair(world, second, mentor, asked=at(2, 10), signed=at(2, 20))

    chart = health.match_rate(_scope(world))

    rate = _column(chart, "Matched (%)")
    assert rate["Dec 2025"] == ""  # nobody was seeking yet
    assert rate["Jan 2026"] == "25.0"
    assert rate["Feb 2026"] == "50.0"
    assert rate["Mar 2026"] == "25.0"
    assert _column(chart, "Seeking")["Mar 2026"] == 4


def test_acceptance_counts_decided_proposals_and_requests(world: World) -> None:
    mentor = person(world, joined=at(1, 2), mentor=True)
    focus = world.topic("Public speaking")
    statuses = ["accepted", "declined", "expired", "accepted", "pending"]
    for status in statuses:
        mentee = person(world, joined=at(1, 5))
        proposal = Proposal.objects.create(
            program=world.program,
            mentor=mentor,
            mentee=mentee,
            focus=focus,
            status=status,
            expires_at=at(3, 20),
        )
        Proposal.objects.filter(pk=proposal.pk).update(created_at=at(3, 2))
    for status in ("accepted", "declined", "withdrawn"):
        mentee = person(world, joined=at(1, 5))
        request = MentorshipRequest.objects.create(
            program=world.program,
            mentee=mentee,
            mentor=mentor,
            focus=focus,
            message="Hello",
            status=status,
            expires_at=at(3, 20),
        )
        MentorshipRequest.objects.filter(pk=request.pk).update(created_at=at(3, 2))

    chart = health.acceptance(_scope(world))

    assert _column(chart, "Proposals accepted (%)")["Mar 2026"] == "50.0"
    assert _column(chart, "Proposals decided")["Mar 2026"] == 4
    # A request its sender withdrew was never answered.
    assert _column(chart, "Requests accepted (%)")["Mar 2026"] == "50.0"


def test_meetings_compare_held_with_what_the_rhythm_calls_for(world: World) -> None:
    mentor = person(world, joined=at(1, 2), mentor=True)
    weekly = pair(
        world,
        person(world, joined=at(1, 3)),
        mentor,
        asked=at(1, 20),
        signed=at(2, 1),
        cadence="weekly",
    )
    for day in (3, 10, 17):
        meeting(weekly, at(3, day))
    meeting(weekly, at(3, 24), status=Meeting.Status.PLANNED)
    meeting(weekly, at(3, 28), status=Meeting.Status.CANCELLED)

    chart = health.meetings(_scope(world))

    assert _column(chart, "Planned")["Mar 2026"] == 4
    assert _column(chart, "Held")["Mar 2026"] == 3
    # 31 days of a weekly rhythm.
    assert _column(chart, "Called for by the agreed rhythm")["Mar 2026"] == "4.4"
    assert _column(chart, "Rhythm kept (% held of called for)")["Mar 2026"] == "67.7"


def test_checkin_scores_show_only_months_with_five_authors(world: World) -> None:
    mentor = person(world, joined=at(1, 2), mentor=True)
    pairs = [
        pair(world, person(world, joined=at(1, 3)), mentor, asked=at(1, 5), signed=at(1, 9))
        for _ in range(5)
    ]
    # February: four people; March: five.
    for n, relationship in enumerate(pairs[:4]):
        checkin(relationship, relationship.mentee.user, at(2, 10 + n), 2, 3)
    for relationship in pairs:
        checkin(relationship, relationship.mentee.user, at(3, 10), 4, 5)
    checkin(pairs[0], pairs[0].mentee.user, at(3, 20), 2, 1)

    chart = health.checkin_scores(_scope(world))

    assert _column(chart, "How it is going")["Feb 2026"] == ""
    assert _column(chart, "How it is going")["Mar 2026"] == "3.7"
    assert _column(chart, "Helping with the goals")["Mar 2026"] == "4.3"


def test_closure_reasons_never_point_at_fewer_than_five(world: World) -> None:
    mentor = person(world, joined=at(1, 2), mentor=True)
    reasons = ["completed"] * 7 + ["not_a_fit"] * 2 + ["other"] * 1
    for reason in reasons:
        pair(
            world,
            person(world, joined=at(1, 3)),
            mentor,
            asked=at(1, 5),
            signed=at(1, 9),
            closed=at(3, 1),
            reason=reason,
        )

    closed = _column(health.closure_reasons(_scope(world)), "Closed")

    # Seven completed would leave three others to be worked out from the total: hidden too.
    assert closed["We reached what we set out to do"] == ""
    assert closed["It was not a fit"] == ""
    assert closed["Something else"] == ""
    assert closed["It went quiet"] == 0
    assert closed["The reasons left blank, together"] == 10


def test_closure_reasons_show_when_every_count_is_safe(world: World) -> None:
    mentor = person(world, joined=at(1, 2), mentor=True)
    for reason in ["completed"] * 6 + ["not_a_fit"] * 5:
        pair(
            world,
            person(world, joined=at(1, 3)),
            mentor,
            asked=at(1, 5),
            signed=at(1, 9),
            closed=at(3, 1),
            reason=reason,
        )

    closed = _column(health.closure_reasons(_scope(world)), "Closed")

    assert closed["We reached what we set out to do"] == 6
    assert closed["It was not a fit"] == 5
    assert closed["The reasons left blank, together"] == 0


def test_pauses_come_from_the_audit_trail_and_closures_from_the_pairs(world: World) -> None:
    mentor = person(world, joined=at(1, 2), mentor=True)
    relationship = pair(
        world, person(world, joined=at(1, 3)), mentor, asked=at(1, 5), signed=at(1, 9)
    )
    # Paused in February and resumed: only the trail remembers.
    for paused_at in (at(2, 14), None):
        relationship.paused_at = paused_at
        relationship.status = "paused" if paused_at else "active"
        relationship.save()
    pair(
        world,
        person(world, joined=at(1, 3)),
        mentor,
        asked=at(1, 5),
        signed=at(1, 9),
        closed=at(3, 3),
    )

    chart = health.pauses_and_closures(_scope(world))

    assert _column(chart, "Paused")["Feb 2026"] == 1
    assert _column(chart, "Closed")["Mar 2026"] == 1
    assert sum(_column(chart, "Paused").values()) == 1  # type: ignore[arg-type]


def test_a_new_pair_after_a_closed_one_is_a_rematch(world: World) -> None:
    mentor = person(world, joined=at(1, 2), mentor=True)
    other = person(world, joined=at(1, 2), mentor=True)
    mentee = person(world, joined=at(1, 3))
    pair(
        world,
        mentee,
        mentor,
        asked=at(1, 5),
        signed=at(1, 9),
        closed=at(2, 20),
        reason="not_a_fit",
    )
    pair(world, mentee, other, asked=at(3, 5), signed=at(3, 15))
    pair(world, person(world, joined=at(1, 3)), other, asked=at(3, 6), signed=at(3, 16))

    chart = health.rematches(_scope(world))

    assert _column(chart, "New pairs")["Mar 2026"] == 2
    assert _column(chart, "Rematches")["Mar 2026"] == 1
    assert _column(chart, "Rematches")["Jan 2026"] == 0


def test_cohorts_follow_each_quarter_to_today(world: World) -> None:
    mentor = person(world, joined=at(1, 2), mentor=True)
    matched = person(world, joined=at(1, 3))
    person(world, joined=at(2, 3))  # joined in Q1, never matched
    early = pair(world, matched, mentor, asked=at(1, 10), signed=at(1, 14), closed=at(3, 30))
    for day in (20, 27):
        meeting(early, at(1, day))
    later = pair(world, person(world, joined=at(4, 1)), mentor, asked=at(4, 2), signed=at(4, 10))
    meeting(later, at(4, 12))

    chart = health.cohorts(_scope(world, months=6))

    assert chart.labels == ["Q4 2025", "Q1 2026", "Q2 2026"]
    q1 = dict(zip(chart.headers, chart.rows()[1], strict=True))
    assert q1["Pairs started"] == 1
    assert q1["Median days to agreement"] == "4.0"
    assert q1["Meetings held per pair"] == "2.0"
    assert q1["Pairs closed since (%)"] == "100.0"
    assert q1["People seeking who joined"] == 2
    assert q1["Joined and since matched (%)"] == "50.0"


def test_an_organization_scope_adds_up_its_programs(world: World) -> None:
    second = ProgramFactory.create(organization=world.org, name="Second program")
    mentor = person(world, joined=at(1, 2), mentor=True)
    pair(world, person(world, joined=at(1, 3)), mentor, asked=at(3, 1), signed=at(3, 3))
    other_mentor = person(world, joined=at(1, 2), mentor=True, program=second)
    pair(
        world,
        person(world, joined=at(1, 3), program=second),
        other_mentor,
        asked=at(3, 1),
        signed=at(3, 9),
    )
    scope = scope_for([world.program, second], months=6, now=NOW)

    assert _column(health.time_to_match(scope), "Pairs signed")["Mar 2026"] == 2
    table = health.program_table(scope, [world.program, second])
    assert table.labels == ["New-hire mentoring", "Second program"]
    assert _column(table, "Median days to agreement") == {
        "New-hire mentoring": "2.0",
        "Second program": "8.0",
    }
    assert _column(table, "Open pairs") == {"New-hire mentoring": 1, "Second program": 1}


def test_periods_on_offer() -> None:
    assert health.period_months("12") == 12
    assert health.period_months("abc") is None
    assert health.period_months("7") is None
    assert health.period_months(None) is None
