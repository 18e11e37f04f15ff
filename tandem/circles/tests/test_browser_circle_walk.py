"""Six people form a circle through a round, sign its agreement and meet six weeks running.

The whole of a circle's life in Chromium, with axe on every kind of page: an admin sizes
the program's circles and runs a round; each member reads why this circle and joins; one
writes the agreement and all six sign it; the circle plans six weekly sessions and holds
them: a member says they will be absent before each, questions queue with the hot seat's
first, notes are kept, commitments are made and followed up at the next session, and one
seat is swapped. The database sets up the program and the people and checks the outcome;
every action is taken on a page.
"""

import datetime
import itertools
import re
from typing import Any

import pytest

from tandem.accounts.models import Membership
from tandem.circles.models import (
    Circle,
    CircleAgreement,
    CircleCommitment,
    CircleMembership,
    CircleQuestion,
    CircleSession,
    CircleSignature,
    HotSeat,
    HotSeatSwap,
    SessionAbsence,
)
from tandem.circles.selectors import session_question_queue
from tandem.circles.tests.conftest import Clock
from tandem.matching.models import MatchingRound, RoundCircleMember
from tandem.programs.models import Enrollment, EnrollmentTopic, Topic
from tandem.testing.browser import AxeChecker, sign_in, wait_until_live
from tandem.testing.circles import Cast
from tandem.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MINUTE = datetime.timedelta(minutes=1)
ZONES = ("Europe/London", "Europe/Berlin")
# Tuesday and Thursday, 17:00 and 18:00, each in the person's own time.
EVENINGS = [24 + 17, 24 + 18, 72 + 17, 72 + 18]
EVENING_LABELS = ("Tuesday 17:00", "Tuesday 18:00", "Thursday 17:00", "Thursday 18:00")
# Before these sessions the member the rotation chose says they cannot come; before the
# others, someone who is not needed on the seat does.
SEATED_ABSENT = (1, 4)
SWAP_AT = 3


def _program(cast: Cast) -> list[Enrollment]:
    """Six of the cast in London and Berlin with finished profiles sharing a focus; the
    other two withdraw. Five have said when they are free; Ana says so on the page.
    """
    people = cast.people[:6]
    Enrollment.objects.filter(pk__in=[p.pk for p in cast.people[6:]]).update(
        status=Enrollment.Status.WITHDRAWN
    )
    focus, expertise = Topic.objects.filter(organization=cast.world.org).order_by("pk")[:2]
    for n, person in enumerate(people):
        Membership.objects.filter(enrollments=person).update(time_zone=ZONES[n % 2])
        for topic, kind in ((focus, "focus"), (expertise, "expertise")):
            EnrollmentTopic.objects.create(enrollment=person, topic=topic, kind=kind, level=2)
        # What a finished peer's profile holds: saving the program's settings checks it.
        Enrollment.objects.filter(pk=person.pk).update(
            goals="Lead a small team well.", capacity=1, free_hours=EVENINGS if n else []
        )
    return people


def _name(membership: CircleMembership) -> str:
    return membership.enrollment.user.display_name


def _seat(session: CircleSession) -> int:
    return HotSeat.objects.get(session=session).membership_id


def _sat(circle: Circle) -> set[int]:
    return set(
        HotSeat.objects.filter(
            session__circle=circle, session__state=CircleSession.State.HELD
        ).values_list("membership_id", flat=True)
    )


def _open_session(page: Any, session: CircleSession) -> None:
    page.goto(f"/circles/sessions/{session.pk}/")
    page.get_by_role("heading", name=f"Session {session.number}", exact=True).wait_for()


def _seat_shown(page: Any) -> str:
    section = page.locator("section[aria-labelledby=seats-h]")
    return section.locator("ul.plain li strong").first.inner_text().strip()


def test_six_people_form_a_circle_sign_and_meet_for_six_weeks(
    cast: Cast, clock: Clock, new_page: Any, axe: AxeChecker, settings: Any
) -> None:
    # Six weeks pass in a few minutes of the clock: people would sign in again each week,
    # and their sessions are kept for the walk instead.
    settings.SESSION_COOKIE_AGE = 10 * 7 * 24 * 3600
    program = cast.program
    people = _program(cast)
    admin = new_page()
    sign_in(admin, cast.admin.email, PASSWORD)
    by_person: dict[int, Any] = {}
    for person in people:
        by_person[person.pk] = new_page()
        sign_in(by_person[person.pk], person.user.email, PASSWORD)
    ana = by_person[people[0].pk]

    # 1. Ana says when she is free; the admin sizes circles at six and runs a round.
    ana.goto(f"/programs/{program.pk}/")
    ana.get_by_role("link", name="When you are free").click()
    for label in EVENING_LABELS:
        ana.get_by_label(label, exact=True).check()
    axe.check(ana, "cw01-free-hours")
    ana.get_by_role("button", name="Save").click()
    ana.get_by_text("Circles are proposed at hours their members share").wait_for()
    assert sorted(Enrollment.objects.get(pk=people[0].pk).free_hours) == EVENINGS

    admin.goto(f"/programs/{program.pk}/settings/")
    admin.get_by_label("Smallest circle (people)").fill("6")
    admin.get_by_label("Largest circle (people)").fill("6")
    axe.check(admin, "cw02-program-settings")
    admin.get_by_role("button", name="Save settings").click()
    admin.get_by_text("Program settings saved.").wait_for()
    program.refresh_from_db()
    assert (program.circle_min_size, program.circle_max_size) == (6, 6)
    admin.get_by_role("link", name="Matching rounds").click()
    admin.get_by_role("heading", name="Matching rounds").wait_for()
    axe.check(admin, "cw03-rounds")
    admin.get_by_label("Name").fill("Winter circles")
    admin.get_by_role("button", name="Form the circles").click()
    admin.get_by_text("Ready for review").first.wait_for()
    assert admin.get_by_text("of 6 people placed").is_visible()
    assert admin.get_by_role("columnheader", name="Why this circle").is_visible()
    for person in people:
        row = admin.get_by_role("row").filter(has_text=person.user.full_name)
        assert row.locator("td").nth(3).inner_text().strip(), person.user.full_name
    axe.check(admin, "cw04-round-review")
    matching_round = MatchingRound.objects.get(program=program)
    assert RoundCircleMember.objects.filter(round=matching_round).count() == 6
    admin.get_by_role("button", name="Publish: propose the circles").click()
    admin.get_by_text("Each circle below is now proposed to its members").wait_for()
    axe.check(admin, "cw05-published")
    circle = Circle.objects.get(program=program)

    # 2. Each member reads why this circle and joins.
    for n, person in enumerate(people):
        page = by_person[person.pk]
        page.goto(f"/programs/{program.pk}/")
        yours = page.locator("section[aria-labelledby=circles-h]")
        yours.get_by_text("invited: answer on its page").wait_for()
        if n == 0:
            axe.check(page, "cw06-program-invited")
        yours.get_by_role("link", name=circle.name).click()
        invitation = page.locator("section[aria-labelledby=answer-h]")
        invitation.get_by_role("heading", name="You are invited to this circle").wait_for()
        assert invitation.get_by_text("Why this circle:").is_visible()
        assert invitation.locator("li").first.inner_text().strip()
        if n == 0:
            axe.check(page, "cw06-invitation")
        page.get_by_role("button", name="Join this circle").click()
        last = n == len(people) - 1
        page.get_by_text("Welcome to the circle" if last else "You are in.").wait_for()
    circle.refresh_from_db()
    assert circle.state == Circle.State.ACTIVE
    members = list(circle.memberships.select_related("enrollment__user").order_by("pk"))
    assert [m.state for m in members] == [CircleMembership.State.ACTIVE] * 6
    page_of = {m.pk: by_person[m.enrollment_id] for m in members}
    names = {m.pk: _name(m) for m in members}

    # 3. Ana writes the agreement; all six sign it.
    ana.goto(f"/circles/{circle.pk}/")
    ana.get_by_role("link", name="Write the first draft").click()
    ana.get_by_label("What the circle is for").fill("Grow as leaders of small teams.")
    ana.get_by_label("Confidentiality, and its exceptions").fill(
        "What a member brings stays in the circle; we speak of our own lessons only."
    )
    ana.get_by_label("Coming to sessions").fill(
        "Say on the session's page before it when you cannot come; the rotation skips you."
    )
    ana.get_by_label("How the hot seat works").fill(
        "One member a week, in turn, with half the session; swap on the page if needed."
    )
    ana.get_by_label("On which day").select_option(label="Thursday")
    ana.get_by_label("At what time").fill("18:00")
    ana.get_by_label("In which time zone").select_option("Europe/London")
    axe.check(ana, "cw07-agreement-draft")
    ana.get_by_role("button", name="Save the first draft").click()
    ana.get_by_text("Version 1 is written").wait_for()
    for n, membership in enumerate(members):
        page = page_of[membership.pk]
        page.goto(f"/circles/{circle.pk}/")
        if n == 0:
            axe.check(page, "cw08-agreement-to-sign")
        page.get_by_role("button", name="Sign version 1").click()
        page.get_by_role("status").get_by_text("You signed version 1").wait_for()
    page.get_by_text("Every member signed version 1").wait_for()
    axe.check(page, "cw09-agreed")
    agreement = CircleAgreement.objects.get(circle=circle)
    assert "stays in the circle" in agreement.confidentiality
    assert "rotation skips you" in agreement.attendance
    assert "in turn" in agreement.hot_seat

    # 4. Six weekly sessions, planned on the circle's page.
    ana.goto(f"/circles/{circle.pk}/")
    ana.get_by_label("How many sessions").fill("6")
    ana.get_by_role("button", name="Plan the next sessions").click()
    ana.get_by_text("Planned sessions 1, 2, 3, 4, 5, 6.").wait_for()
    axe.check(ana, "cw10-sessions-planned")
    sessions = list(CircleSession.objects.filter(circle=circle).order_by("number"))
    assert [s.starts_at.weekday() for s in sessions] == [3] * 6
    assert all(
        b.starts_at - a.starts_at == datetime.timedelta(weeks=1)
        for a, b in itertools.pairwise(sessions)
    )

    ids = [m.pk for m in members]
    skipped: dict[int, int] = {}
    swap: tuple[int, int] | None = None
    makers: dict[int, list[int]] = {}
    notes_written: dict[int, str] = {}
    for session in sessions:
        k = session.number
        # Half an hour before the session.
        clock(session.starts_at - 30 * MINUTE)
        setter = page_of[ids[k % 6]]
        _open_session(setter, session)
        setter.get_by_role("button", name="Set the hot seats by the rotation").click()
        setter.get_by_text("The rotation has set the hot seats.").wait_for()
        chosen = _seat(session)
        if k - 1 in skipped:
            # Whoever the rotation skipped last week keeps their turn and sits now.
            assert chosen == skipped[k - 1]
        sat = _sat(circle)
        waiting = [m for m in ids if m not in sat]
        if k in SEATED_ABSENT:
            absent = chosen
        else:
            # Someone who made no commitment last week and is not the last one waiting.
            absent = next(
                m
                for m in ids[k:] + ids[:k]
                if m not in makers.get(k - 1, []) and m != chosen and waiting != [m]
            )
        page = page_of[absent]
        _open_session(page, session)
        page.get_by_label("A word to the circle (optional)").fill(f"Travelling in week {k}.")
        page.get_by_role("button", name="I will be absent").click()
        page.get_by_text("The circle knows you will be absent; you keep your turn.").wait_for()
        holder = _seat(session)
        # The absent member's page shows who sits instead, if it was them.
        assert _seat_shown(page) == names[holder]
        if k == 1:
            axe.check(page, "cw11-absent")
        if k in SEATED_ABSENT:
            assert holder != absent
            skipped[k] = absent
        assert holder not in sat and holder != absent
        if k == SWAP_AT:
            # The member on the seat offers it to one who has not sat yet, who takes it.
            taker = next(m for m in waiting if m not in (holder, absent))
            giver_page, taker_page = page_of[holder], page_of[taker]
            _open_session(giver_page, session)
            taker_name, giver_name = names[taker], names[holder]
            giver_page.get_by_label("Offer my seat to").select_option(label=taker_name)
            giver_page.get_by_role("button", name="Offer my seat").click()
            giver_page.get_by_text(f"You offered your seat to {taker_name}.").wait_for()
            _open_session(taker_page, session)
            taker_page.get_by_text(f"{giver_name} offers you their hot seat").wait_for()
            axe.check(taker_page, "cw12-seat-offered")
            taker_page.get_by_role("button", name="Take the seat").click()
            taker_page.get_by_text("The hot seat is yours.").wait_for()
            assert _seat_shown(taker_page) == "You"
            swap = (holder, taker)
            holder = taker
        # A member who will come brings a question first; the hot seat's still leads.
        asker = next(m for m in ids[k + 1 :] + ids[: k + 1] if m not in (holder, absent))
        for who, text in (
            (asker, f"Week {k}: how do you say no to a senior colleague?"),
            (holder, f"Week {k}: my team misses deadlines; where do I start?"),
        ):
            page = page_of[who]
            _open_session(page, session)
            wait_until_live(
                page.locator(f"form[hx-post='/circles/sessions/{session.pk}/questions/']")
            )
            page.get_by_label("What you want to bring").fill(text)
            page.get_by_role("button", name="Add to the queue").click()
            page.get_by_text("Your question is in the queue.").wait_for()
        queue = page.locator("section[aria-labelledby=queue-h] ol > li")
        assert queue.count() == 2
        assert f"Week {k}: my team misses deadlines" in queue.first.inner_text()
        assert queue.first.get_by_text("hot seat", exact=True).is_visible()
        if k == 1:
            axe.check(page, "cw13-question-queue")

        # The session starts: due commitments are followed up by their makers, someone
        # keeps the notes, members commit, and the hot seat marks the session held.
        clock(session.starts_at + MINUTE)
        writer = next(m for m in ids[k + 2 :] + ids[: k + 2] if m != absent)
        # The hot seat commits, and so does someone who has had their turn (at first,
        # anyone), so that nobody the rotation will choose next has one to follow up.
        others = [m for m in ids[k + 3 :] + ids[: k + 3] if m not in (holder, absent)]
        other = next((m for m in others if m in sat), others[0])
        makers[k] = [holder, other] if k < len(sessions) else []
        due = dict(
            CircleCommitment.objects.filter(due_session=session).values_list("membership_id", "pk")
        )
        assert set(due) == set(makers.get(k - 1, []))
        for member in [m for m in ids if m != holder] + [holder]:
            acts = member in due or member in (writer, holder) or member in makers[k]
            if not acts:
                continue
            page = page_of[member]
            _open_session(page, session)
            if member in due:
                card = page.locator(f"#commitment-{due[member]}")
                card.get_by_label("Done", exact=True).check()
                card.get_by_label("What happened (optional)").fill(f"Done before session {k}.")
                if k == 2:
                    axe.check(page, "cw14-follow-up")
                card.get_by_role("button", name="Record the follow-up").click()
                page.get_by_text("Followed up: done.").wait_for()
            if member == writer:
                notes = f"Session {k}: {names[holder]} on the hot seat."
                wait_until_live(
                    page.locator(f"form[hx-post='/circles/sessions/{session.pk}/notes/']")
                )
                page.get_by_label("What we said and decided").fill(notes)
                page.get_by_role("button", name="Save the notes").click()
                page.get_by_text("The notes are saved.").wait_for()
                notes_written[k] = notes
            if member in makers[k]:
                page.get_by_label("By next session I will…").fill(
                    f"By session {k + 1}, talk to one person on my team about week {k}."
                )
                page.get_by_role("button", name="Record my commitment").click()
                page.get_by_text("Your commitment is recorded").wait_for()
            if member == holder:
                page.get_by_role("button", name=f"Mark session {k} held").click()
                page.get_by_text(f"Session {k} is marked held.").wait_for()
                if k in (1, len(sessions)):
                    axe.check(page, f"cw15-session-{k}-held")

    # 5. Every member held the seat once, around the absences and the swap.
    seats = [
        list(HotSeat.objects.filter(session=s).values_list("membership_id", flat=True))
        for s in sessions
    ]
    order = [row[0] for row in seats]
    assert all(len(row) == 1 for row in seats)
    assert sorted(order) == sorted(ids)
    absences = {
        s.number: set(
            SessionAbsence.objects.filter(session=s).values_list("membership_id", flat=True)
        )
        for s in sessions
    }
    assert all(len(absences[k]) == 1 for k in absences)
    assert all(order[k - 1] not in absences[k] for k in absences)
    for k, member in skipped.items():
        assert order[k] == member, "a member skipped for an absence sits at the next session"
    assert swap is not None
    giver, taker = swap
    third = HotSeat.objects.get(session=sessions[SWAP_AT - 1])
    assert (third.membership_id, third.swapped_with_id) == (taker, giver)
    assert order.index(giver) > SWAP_AT - 1
    assert HotSeatSwap.objects.filter(session__circle=circle, state="accepted").count() == 1
    assert [s.state for s in CircleSession.objects.filter(circle=circle).order_by("number")] == [
        CircleSession.State.HELD
    ] * 6
    commitments = CircleCommitment.objects.filter(membership__circle=circle)
    assert commitments.count() == 10
    assert set(commitments.values_list("state", flat=True)) == {CircleCommitment.State.DONE}
    assert all(
        c.due_session is not None and c.due_session.number == c.made_at.number + 1
        for c in commitments.select_related("due_session", "made_at")
    )
    assert {s.number: s.notes for s in CircleSession.objects.filter(circle=circle)} == notes_written
    for s in sessions:
        queue = session_question_queue(s)
        assert len(queue) == 2 and queue[0].on_hot_seat
        assert queue[0].question.author_id == HotSeat.objects.get(session=s).membership_id
    assert CircleQuestion.objects.filter(session__circle=circle).count() == 12
    assert CircleSignature.objects.filter(agreement=agreement).count() == 6

    # And the pages say the same: the circle's past sessions, each member once on the seat.
    ana.goto(f"/circles/{circle.pk}/")
    past = ana.locator("section[aria-labelledby=sessions-h] ul.commitments").last.locator("li")
    assert past.count() == 6
    shown = {}
    for row in past.all():
        text = row.inner_text()
        assert "Held" in text
        number = int(text.split(":")[0].removeprefix("Session ").strip())
        seated = re.search(r"hot seat: (\w+)", text)
        assert seated is not None, text
        shown[number] = seated.group(1)
    anas = next(m.pk for m in members if m.enrollment_id == people[0].pk)
    seen_by_ana = {**names, anas: "you"}
    assert [shown[k] for k in range(1, 7)] == [seen_by_ana[m] for m in order]
    assert ana.get_by_text("Every member signed version 1").is_visible()
    axe.check(ana, "cw16-circle-after-six-weeks")
    # Session 5's page: both commitments made there are done, its notes saved.
    _open_session(ana, sessions[4])
    made = ana.locator("section[aria-labelledby=made-h] li")
    assert made.count() == 2
    assert all("Done" in row.inner_text() for row in made.all())
    assert ana.get_by_label("What we said and decided").input_value() == notes_written[5]
    axe.check(ana, "cw17-session-5-after")
    assert axe.problems == [], "\n".join(axe.problems)
