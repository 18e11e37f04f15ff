"""A circle's session in Chromium: queue, swap, commitment, notes, held, followed up."""

import datetime
from typing import Any

import pytest

from tandem.circles.models import Circle, CircleCommitment, CircleSession, HotSeat
from tandem.circles.services import (
    circle_commitment_make,
    circle_pause,
    circle_question_post,
    circle_resume,
    circle_session_hold,
    circle_session_notes_write,
    circle_sessions_plan,
)
from tandem.circles.tests.conftest import START, Clock, members
from tandem.testing.browser import AxeChecker, sign_in, wait_until_live
from tandem.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MINUTE = datetime.timedelta(minutes=1)


def test_a_circle_meets_and_follows_up_at_the_next_session(
    agreed: Circle, clock: Clock, new_page: Any, axe: AxeChecker
) -> None:
    ana_place, ben_place, cleo_place, _dev = members(agreed)
    # Half an hour before the first Thursday's session (START is the Monday before).
    clock(START + datetime.timedelta(days=3, hours=7, minutes=30))
    ana, ben, cleo = new_page(), new_page(), new_page()
    for page, place in ((ana, ana_place), (ben, ben_place), (cleo, cleo_place)):
        sign_in(page, place.enrollment.user.email, PASSWORD)

    # Ana plans the sessions from the circle page and opens the first.
    ana.goto(f"/circles/{agreed.pk}/")
    ana.get_by_label("How many sessions").fill("3")
    ana.get_by_role("button", name="Plan the next sessions").click()
    ana.get_by_text("Planned sessions 1, 2, 3.").wait_for()
    axe.check(ana, "cs01-circle-sessions")
    first, second, _third = CircleSession.objects.filter(circle=agreed).order_by("number")
    ana.get_by_role("link", name="Session 1", exact=True).click()
    ana.get_by_role("heading", name="Session 1").wait_for()

    # Ben lets the rotation set the seat: Ana's turn comes first.
    ben.goto(f"/circles/sessions/{first.pk}/")
    ben.get_by_role("button", name="Set the hot seats by the rotation").click()
    ben.get_by_text("The rotation has set the hot seats.").wait_for()
    assert HotSeat.objects.get(session=first).membership == ana_place

    # Ana brings a question, then offers her seat to Ben, who takes it.
    ana.reload()
    wait_until_live(ana.locator(f"form[hx-post='/circles/sessions/{first.pk}/questions/']"))
    ana.get_by_label("What you want to bring").fill(
        "How do I hand over the budget work without losing sight of it?"
    )
    ana.get_by_role("button", name="Add to the queue").click()
    ana.get_by_text("Your question is in the queue.").wait_for()
    axe.check(ana, "cs02-question-queued")
    ana.get_by_label("Offer my seat to").select_option(label="Ben")
    ana.get_by_role("button", name="Offer my seat").click()
    ana.get_by_text("You offered your seat to Ben.").wait_for()
    ben.reload()
    ben.get_by_text("Ana offers you their hot seat in this session.").wait_for()
    axe.check(ben, "cs03-seat-offered")
    ben.get_by_role("button", name="Take the seat").click()
    ben.get_by_text("The hot seat is yours.").wait_for()
    seat = HotSeat.objects.get(session=first)
    assert (seat.membership, seat.swapped_with) == (ben_place, ana_place)

    # The session starts: Ana commits, Cleo writes the notes, Ben marks it held.
    clock(first.starts_at + MINUTE)
    ana.reload()
    ana.get_by_label("By next session I will…").fill("Write the hand-over note for the budget.")
    ana.get_by_role("button", name="Record my commitment").click()
    ana.get_by_text("Your commitment is recorded").wait_for()
    axe.check(ana, "cs04-commitment-made")
    cleo.goto(f"/circles/sessions/{first.pk}/")
    wait_until_live(cleo.locator(f"form[hx-post='/circles/sessions/{first.pk}/notes/']"))
    cleo.get_by_label("What we said and decided").fill(
        "Ben: ask the team what they would stop doing.\nAna: weekly 15-minute check."
    )
    cleo.get_by_role("button", name="Save the notes").click()
    cleo.get_by_text("The notes are saved.").wait_for()
    first.refresh_from_db()
    assert first.notes.startswith("Ben: ask the team")
    ben.reload()
    ben.get_by_role("button", name="Mark session 1 held").click()
    ben.get_by_text("Session 1 is marked held.").wait_for()
    axe.check(ben, "cs05-session-held")
    first.refresh_from_db()
    assert first.state == "held"

    # At the next session Ana says how her commitment went.
    clock(second.starts_at + MINUTE)
    # A week on, Ana signs in again.
    sign_in(ana, ana_place.enrollment.user.email, PASSWORD)
    ana.goto(f"/circles/{agreed.pk}/")
    ana.get_by_role("link", name="Session 2", exact=True).click()
    ana.get_by_role("heading", name="Commitments to follow up").wait_for()
    axe.check(ana, "cs06-commitments-due")
    ana.get_by_label("Done", exact=True).check()
    ana.get_by_label("What happened (optional)").fill("Sent on Tuesday.")
    ana.get_by_role("button", name="Record the follow-up").click()
    ana.get_by_text("Followed up: done.").wait_for()
    axe.check(ana, "cs07-followed-up")
    commitment = CircleCommitment.objects.get(made_at=first)
    assert (commitment.state, commitment.follow_up_note) == ("done", "Sent on Tuesday.")
    assert axe.problems == [], axe.problems


def test_a_very_long_word_wraps_instead_of_widening_the_page(
    agreed: Circle, clock: Clock, new_page: Any, axe: AxeChecker
) -> None:
    ana_place, ben_place, _cleo, _dev = members(agreed)
    ana_user, ben_user = ana_place.enrollment.user, ben_place.enrollment.user
    first, second = circle_sessions_plan(circle=agreed, by=ana_user, count=2)
    clock(first.starts_at + MINUTE)
    circle_session_hold(session=first, by=ana_user)
    circle_commitment_make(session=first, by=ana_user, text="c" * 300)
    circle_session_notes_write(session=first, by=ben_user, notes="n" * 3000)
    circle_question_post(session=second, by=ben_user, text="q" * 2000)
    page = new_page()
    sign_in(page, ana_user.email, PASSWORD)
    for url, name in (
        (f"/circles/sessions/{second.pk}/", "cs-long-question"),
        (f"/circles/sessions/{first.pk}/", "cs-long-commitment"),
    ):
        page.goto(url)
        page.get_by_role("heading", name="Question queue").wait_for()
        axe.check(page, name)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= page.evaluate("window.innerWidth")


def test_a_resumed_circle_lists_its_new_sessions_and_not_the_cancelled_ones_as_past(
    agreed: Circle, clock: Clock, new_page: Any, axe: AxeChecker
) -> None:
    ana_place, ben_place, _cleo, _dev = members(agreed)
    ana_user = ana_place.enrollment.user
    first, second, _third, _fourth = circle_sessions_plan(circle=agreed, by=ana_user, count=4)
    clock(first.starts_at + MINUTE)
    circle_session_hold(session=first, by=ana_user)
    circle_question_post(session=second, by=ben_place.enrollment.user, text="Delegating?")
    circle_pause(circle=agreed, by=ana_user)
    clock(second.starts_at + datetime.timedelta(days=2))
    circle_resume(circle=agreed, by=ben_place.enrollment.user)
    page = new_page()
    sign_in(page, ana_user.email, PASSWORD)
    page.goto(f"/circles/{agreed.pk}/")
    page.get_by_role("link", name="Session 5", exact=True).wait_for()
    axe.check(page, "cs-resumed-circle")
    past = page.locator("h3", has_text="Past sessions").locator("xpath=following-sibling::ul[1]")
    # Session 2's date went by during the pause; 3 and 4 gave their times to 5 and 6.
    assert past.get_by_role("link").all_inner_texts() == ["Session 2", "Session 1"]
    for number in (3, 4):
        assert page.get_by_role("link", name=f"Session {number}", exact=True).count() == 0
    page.get_by_role("link", name="Session 5", exact=True).click()
    page.get_by_text("Delegating?").wait_for()
