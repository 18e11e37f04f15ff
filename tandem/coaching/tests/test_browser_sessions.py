"""A coaching engagement in Chromium: a session logged, rated, an assignment set and done."""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from tandem.coaching.models import Assignment, ObjectiveRating, SessionNote
from tandem.coaching.tests.sessions_setup import held, running
from tandem.testing.browser import AxeChecker, sign_in
from tandem.testing.coaching import Practice
from tandem.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_session_is_logged_rated_and_followed_up(
    practice: Practice, new_page: Any, axe: AxeChecker
) -> None:
    engagement = running(practice)
    one, two = engagement.objectives.all()
    earlier = held(practice, days_ago=14)
    ObjectiveRating.objects.create(objective=one, meeting=earlier, progress=2)
    ObjectiveRating.objects.create(objective=two, meeting=earlier, progress=3)
    cora, cal = new_page(), new_page()
    sign_in(cora, practice.coach.user.email, PASSWORD)
    sign_in(cal, practice.client.user.email, PASSWORD)

    # Cora logs today's session from the engagement page.
    cora.goto(f"/relationships/{practice.relationship.pk}/")
    cora.get_by_role("link", name="The coaching engagement").click()
    cora.get_by_role("link", name="Log a session").click()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    cora.get_by_label("Date").fill(yesterday.isoformat())
    cora.get_by_label("Start time").fill("09:30")
    cora.get_by_label("Minutes").fill("75")
    cora.get_by_label("Shared notes").fill("We looked at how the weekly meeting ends.")
    cora.get_by_role("button", name="Log the session").click()
    cora.get_by_text("Session logged.").wait_for()

    # She sets an assignment and keeps a private note.
    assignment = cora.get_by_role("textbox", name="Assignment")
    assignment.fill("End Monday's meeting with three written decisions")
    cora.get_by_role("button", name="Set the assignment").click()
    cora.get_by_text("Assignment set. Your client is told.").wait_for()
    cora.get_by_label("Your private note").fill("Cal rushes the ending; ask about time.")
    cora.get_by_role("button", name="Save my private note").click()
    cora.get_by_text("Your private note is saved.").wait_for()
    axe.check(cora, "c01-session-coach")
    session_url = cora.url

    # Cal rates progress on each objective and marks the assignment done.
    cal.goto(session_url)
    cal.get_by_text("Only you can read this").wait_for()
    assert "Cal rushes the ending" not in cal.content()
    cal.locator(f"input[name=objective_{one.pk}][value='5']").check()
    cal.locator(f"input[name=objective_{two.pk}][value='4']").check()
    cal.get_by_role("button", name="Save my ratings").click()
    cal.get_by_text("Your ratings are saved.").wait_for()
    axe.check(cal, "c02-session-client")
    cal.get_by_label("A word to your coach").fill("Done: the team wrote down four decisions.")
    cal.get_by_role("button", name="Mark done").click()
    cal.get_by_text("Marked done. Your coach is told.").wait_for()
    axe.check(cal, "c03-engagement-client")
    assert cal.get_by_role("link", name="Raise a concern: the coach went beyond").count() == 1

    cora.goto(f"/coaching/{engagement.pk}/")
    cora.get_by_text("Done: the team wrote down four decisions.").wait_for()
    axe.check(cora, "c04-engagement-coach")
    cora.get_by_role("link", name="Your hours log").click()
    cora.get_by_text("Cal Client").first.wait_for()
    axe.check(cora, "c05-hours-log")

    latest = ObjectiveRating.objects.filter(objective=one).latest("created_at")
    assert latest.progress == 5
    assert Assignment.objects.get().done_at is not None
    assert SessionNote.objects.get().author == practice.coach.user
    assert axe.problems == [], axe.problems


@pytest.mark.parametrize("width", [1280, 390])
def test_an_overdue_assignment_stacks_its_badge_and_note_form(
    practice: Practice, new_page: Any, axe: AxeChecker, width: int
) -> None:
    engagement = running(practice)
    meeting = held(practice, days_ago=14)
    Assignment.objects.create(
        engagement=engagement,
        meeting=meeting,
        text="End Monday's meeting with three written decisions",
        due_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    cal = new_page()
    cal.set_viewport_size({"width": width, "height": 1200})
    sign_in(cal, practice.client.user.email, PASSWORD)

    cal.goto(f"/coaching/{engagement.pk}/")

    item = cal.locator("li.overdue")
    item.screenshot(path=f"/tmp/coaching-overdue-{width}.png")
    card, text = item.bounding_box(), item.get_by_text("End Monday's meeting").first.bounding_box()
    badge = item.get_by_text("Overdue", exact=True).bounding_box()
    note = item.get_by_label("A word to your coach").bounding_box()
    # The text and its badge share the first line, the badge at the right; the note form
    # takes the card's whole width below them.
    assert badge["y"] < note["y"] and text["y"] < note["y"]
    assert badge["x"] + badge["width"] > card["x"] + card["width"] * 0.7
    assert note["width"] > card["width"] * 0.8
    axe.check(cal, f"c09-overdue-assignment-{width}")
