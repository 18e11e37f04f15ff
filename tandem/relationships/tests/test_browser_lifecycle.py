"""The whole lifecycle in Chromium, two people in two browsers, every page checked by axe."""

import datetime
import zoneinfo
from typing import Any

import pytest
from django.utils import timezone

from tandem.relationships.models import CheckIn, Commitment, Meeting, Reflection, Relationship
from tandem.relationships.tests.conftest import MESSAGE
from tandem.testing.browser import AxeChecker, sign_in
from tandem.testing.factories import PASSWORD
from tandem.testing.fixtures import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_request_to_rematch(ready: World, new_page: Any, axe: AxeChecker) -> None:
    mia, mo = new_page(), new_page()
    sign_in(mia, ready.mentee.email, PASSWORD)
    sign_in(mo, ready.mentor.email, PASSWORD)

    # Mia finds Mo and asks.
    mia.goto(f"/programs/{ready.program.pk}/")
    mia.get_by_role("link", name="Find a mentor").click()
    mia.get_by_role("heading", name="Find a mentor").wait_for()
    axe.check(mia, "l01-directory")
    mia.get_by_role("link", name="Ask Mo").click()
    mia.get_by_label("Your message").fill("Too short")
    mia.get_by_role("button", name="Send request").click()
    mia.locator("#id_message_error").wait_for()
    axe.check(mia, "l02-request-error")
    mia.get_by_label("Your message").fill(MESSAGE)
    mia.get_by_role("button", name="Send request").click()
    mia.get_by_text("Your request is on its way").wait_for()

    # Mo accepts and signs the draft agreement.
    mo.goto("/relationships/")
    axe.check(mo, "l03-mentor-relationships")
    mo.get_by_role("link", name="From Mia Santos").click()
    axe.check(mo, "l04-request")
    mo.get_by_label("Your words to them").fill("Gladly. Let's start.")
    mo.get_by_role("button", name="Accept").click()
    mo.get_by_role("heading", name="Your agreement").wait_for()
    axe.check(mo, "l05-agreement-draft")
    mo.get_by_label("How the mentee wants to be held accountable").fill("Ask me first thing.")
    mo.get_by_role("button", name="Save draft").click()
    mo.get_by_text("Draft saved").wait_for()
    mo.get_by_role("button", name="Sign version 1").click()
    mo.get_by_text("Your partner is asked to sign too").wait_for()

    # Mia signs: the relationship is active, with a first meeting planned.
    relationship = Relationship.objects.get()
    mia.goto(f"/relationships/{relationship.pk}/agreement/")
    mia.get_by_role("button", name="Sign version 1").click()
    mia.get_by_text("it is in force").wait_for()
    axe.check(mia, "l06-agreement-signed")
    mia.goto(f"/relationships/{relationship.pk}/")
    axe.check(mia, "l07-relationship")

    # They signed a few days ago and met yesterday: Mia moves the meeting and marks it held.
    signed = timezone.now() - datetime.timedelta(days=3)
    Relationship.objects.filter(pk=relationship.pk).update(started_at=signed, created_at=signed)
    meeting = Meeting.objects.get(relationship=relationship, status="planned")
    mia.goto(f"/relationships/meetings/{meeting.pk}/")
    mia.get_by_label("Shared agenda").fill("Board presentation, slide by slide")
    mia.get_by_role("button", name="Save for both of us").click()
    mia.get_by_text("Saved for both of you").wait_for()
    mia.get_by_text("Change the date or the way you meet").click()
    # The form reads times in Mia's own zone (her membership's).
    zone = zoneinfo.ZoneInfo(ready.mentee_enrollment.membership.time_zone)  # type: ignore[union-attr]
    yesterday = (timezone.now() - datetime.timedelta(days=1)).astimezone(zone)
    yesterday_text = yesterday.strftime("%Y-%m-%dT%H:%M")
    mia.get_by_label("When").fill(yesterday_text)
    mia.get_by_role("button", name="Save the new time").click()
    mia.get_by_text("Saved for both of you").wait_for()
    axe.check(mia, "l08-meeting")
    mia.get_by_role("button", name="We met: mark as held").click()
    mia.get_by_text("Marked as held").wait_for()
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.HELD
    assert "Board presentation" in Meeting.objects.get(pk=meeting.pk).agenda

    # A commitment, done.
    mia.goto(f"/relationships/{relationship.pk}/")
    mia.get_by_label("I will…").fill("rehearse the opening three times")
    mia.get_by_role("button", name="Add my commitment").click()
    mia.get_by_text("Commitment recorded").wait_for()
    mia.get_by_role("button", name="Mark done").click()
    mia.get_by_text("Well done").wait_for()
    assert Commitment.objects.get().done_at is not None
    mo.goto(f"/relationships/{relationship.pk}/")
    assert "rehearse the opening" in mo.content()

    # A low check-in offers ways forward.
    mia.goto(f"/relationships/{relationship.pk}/check-in/")
    axe.check(mia, "l09-checkin")
    mia.locator("#id_going_1").check()
    mia.locator("#id_meeting_goals_1").check()
    mia.get_by_role("button", name="Save check-in").click()
    mia.get_by_role("heading", name="Thank you for being honest").wait_for()
    axe.check(mia, "l10-checkin-low")
    assert CheckIn.objects.get().is_low
    mia.get_by_role("link", name="Pause").click()

    # Pause, resume, close as not a fit, reflect, and see new mentors.
    axe.check(mia, "l11-pause")
    mia.get_by_role("button", name="Pause").click()
    mia.get_by_text("Paused. Either of you can resume").wait_for()
    mo.goto(f"/relationships/{relationship.pk}/")
    mo.get_by_role("button", name="Resume").click()
    mo.get_by_text("Welcome back").wait_for()
    mia.goto(f"/relationships/{relationship.pk}/close/")
    axe.check(mia, "l12-close")
    mia.get_by_label("It was not a fit").check()
    mia.get_by_label("A private note (optional)").fill("Our styles clash.")
    mia.get_by_role("button", name="Close the relationship").click()
    mia.get_by_role("heading", name="Before your next match").wait_for()
    axe.check(mia, "l13-reflect")
    mia.get_by_label("What should be different next time?").fill("More homework.")
    mia.get_by_label("Share this reflection with my next mentor").check()
    mia.get_by_role("button", name="Save and find a new match").click()
    mia.get_by_role("heading", name="What your next match takes from your reflection").wait_for()
    axe.check(mia, "l14-next-match")
    mia.get_by_label("How often you would like to meet").select_option("monthly")
    mia.get_by_role("button", name="Confirm for my next match").click()
    mia.get_by_role("heading", name="Find a mentor").wait_for()
    assert "Mo Haddad" not in mia.content()  # never proposed again after "not a fit"
    # Her reflection stays hers to reread, and to stop sharing without retyping it.
    mia.goto("/relationships/journal/")
    mia.get_by_role("link", name="Public speaking with Mo Haddad").click()
    mia.get_by_role("heading", name="Your reflection on Public speaking with Mo Haddad").wait_for()
    axe.check(mia, "l15-reflection")
    mia.get_by_role("button", name="Stop sharing it").click()
    mia.get_by_text("No longer shared").wait_for()
    assert "More homework." in mia.content()

    relationship.refresh_from_db()
    assert relationship.close_reason == Relationship.CloseReason.NOT_A_FIT
    reflection = Reflection.objects.get()
    assert not reflection.share_with_next
    assert reflection.different == "More homework."
    assert axe.problems == [], "\n".join(axe.problems)
