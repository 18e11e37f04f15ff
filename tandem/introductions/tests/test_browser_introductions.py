"""Warm introductions in Chromium: ask, suggest, agree, and an interview from the connection."""

from typing import Any

import pytest

from tandem.interviews.models import Interview, InterviewOffer
from tandem.introductions import services
from tandem.introductions.models import Introduction, Suggestion
from tandem.introductions.tests.conftest import NEED, NOTE, connected, omar, sam
from tandem.testing.browser import AxeChecker, sign_in
from tandem.testing.factories import PASSWORD
from tandem.testing.fixtures import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_introduction_becomes_an_informational_interview(
    intro: World, new_page: Any, axe: AxeChecker
) -> None:
    InterviewOffer.objects.create(enrollment=omar(intro), is_offering=True, per_month=2)
    mia, mo, omar_page = new_page(), new_page(), new_page()
    for page, person in ((mia, intro.mentee), (mo, intro.mentor), (omar_page, intro.other_mentor)):
        sign_in(page, person.email, PASSWORD)

    # Mia asks Mo from the program page, after one mistake the form explains.
    mia.goto(f"/programs/{intro.program.pk}/")
    mia.get_by_role("link", name="Ask for an introduction").click()
    mia.get_by_role("heading", name="Ask a colleague for an introduction").wait_for()
    mia.get_by_label("Search by name").fill("Mo")
    mia.get_by_role("button", name="Search").click()
    axe.check(mia, "i01-colleagues")
    mia.get_by_role("link", name="Ask Mo").click()
    mia.get_by_label("Who might help you with what?").fill("help")
    mia.get_by_role("button", name="Send your request").click()
    mia.locator("#id_need_error").wait_for()
    axe.check(mia, "i02-ask-errors")
    mia.get_by_label("Who might help you with what?").fill(NEED)
    mia.get_by_role("button", name="Send your request").click()
    mia.get_by_text("Your request is with Mo").wait_for()
    axe.check(mia, "i03-asked")
    introduction = Introduction.objects.get()

    # Mo finds Omar by name and suggests him with a note.
    mo.goto("/introductions/")
    axe.check(mo, "i04-mine-introducer")
    mo.get_by_role("link", name=f"Mia: {NEED}").click()
    mo.get_by_label("Search by name").fill("Omar")
    mo.get_by_role("button", name="Search").click()
    mo.get_by_label("Omar Lind").check()
    mo.get_by_label("Your note to them").fill(NOTE)
    mo.get_by_role("button", name="Ask them first").click()
    mo.get_by_text("Omar is asked first").wait_for()
    axe.check(mo, "i05-suggested")
    suggestion = Suggestion.objects.get()

    # Mia sees nothing of Omar yet.
    mia.goto(f"/introductions/{introduction.pk}/")
    mia.get_by_text("Waiting for an answer").first.wait_for()
    assert "Omar" not in mia.locator("main").inner_text()
    axe.check(mia, "i06-asker-waiting")

    # Omar reads the need and Mo's note, and agrees.
    omar_page.goto("/introductions/")
    omar_page.get_by_role("link", name="Mia, through Mo").click()
    omar_page.get_by_text(NOTE).wait_for()
    axe.check(omar_page, "i07-suggested-person")
    omar_page.get_by_label("Yes, introduce us").check()
    omar_page.get_by_role("button", name="Send my answer").click()
    omar_page.get_by_text("You are connected").first.wait_for()
    axe.check(omar_page, "i08-connected-suggested")
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.AGREED

    # Mia is connected and asks Omar for an informational interview from the connection.
    mia.goto(f"/introductions/{introduction.pk}/")
    mia.get_by_role("heading", name="Connected with Omar Lind").wait_for()
    axe.check(mia, "i09-connected-asker")
    mia.get_by_role("link", name="Ask Omar for an informational interview").click()
    mia.get_by_label("Topic").select_option(label="Public speaking")
    mia.get_by_label("A short message").fill(
        "Mo suggested I ask you how you prepared the spring budget hearing."
    )
    axe.check(mia, "i10-start-interview")
    mia.get_by_role("button", name="Send your request").click()
    mia.get_by_text("Your request is with Omar").wait_for()
    interview = Interview.objects.get()
    suggestion.refresh_from_db()
    assert suggestion.interview == interview
    assert (interview.asker.user, interview.host.user) == (intro.mentee, intro.other_mentor)
    mia.goto("/introductions/")
    axe.check(mia, "i11-mine-asker")
    assert axe.problems == [], axe.problems


def test_who_sees_the_ask_where_a_conversation_came_from_and_an_unanswered_suggestion(
    intro: World, new_page: Any, axe: AxeChecker
) -> None:
    InterviewOffer.objects.create(enrollment=omar(intro), is_offering=True, per_month=2)
    interview = services.connection_start_interview(
        suggestion=connected(intro),
        by=intro.mentee,
        topic=intro.topic("Public speaking"),
        minutes=30,
        message="Mo suggested I ask you about the spring budget hearing.",
    )
    admin, omar_page, mia, sam_page = new_page(), new_page(), new_page(), new_page()
    for page, person in (
        (admin, intro.admin),
        (omar_page, intro.other_mentor),
        (mia, intro.mentee),
        (sam_page, sam(intro).user),
    ):
        sign_in(page, person.email, PASSWORD)

    # An admin not taking part reads Mo's profile with no button that would lead nowhere.
    admin.goto(f"/programs/{intro.program.pk}/people/{intro.mentor_enrollment.pk}/")
    admin.get_by_role("heading", name="Mo Haddad").wait_for()
    assert "for an introduction" not in admin.locator("main").inner_text()
    axe.check(admin, "i20-profile-admin")
    mia.goto(f"/programs/{intro.program.pk}/people/{omar(intro).pk}/")
    mia.get_by_role("link", name="Ask Omar for an introduction").wait_for()
    axe.check(mia, "i21-profile-participant")

    # Omar, asked for the conversation, reads who introduced them.
    omar_page.goto(f"/interviews/{interview.pk}/")
    omar_page.get_by_text("Introduced by Mo Haddad.").wait_for()
    axe.check(omar_page, "i22-interview-origin")

    # Omar asks Mo in turn; Mo suggests Sam, who never answers: it closes as no match.
    later = services.introduction_ask(
        asker=omar(intro),
        introducer=intro.mentor_enrollment,
        need="Someone who has written a grant for a transit pilot",
    )
    (unanswered,) = services.introduction_suggest(
        introduction=later,
        by=intro.mentor,
        suggestions=[services.Suggested(person=sam(intro), note=NOTE)],
    )
    services.suggestions_expire(now=services.suggestion_expires_at(unanswered))
    sam_page.goto(f"/introductions/{later.pk}/")
    sam_page.get_by_text("This introduction closed before you answered.").wait_for()
    axe.check(sam_page, "i23-suggestion-expired")
    omar_page.goto(f"/introductions/{later.pk}/")
    omar_page.get_by_role("heading", name="No match this time").wait_for()
    assert "Sam" not in omar_page.locator("main").inner_text()
    axe.check(omar_page, "i24-asker-no-match")
    assert axe.problems == [], axe.problems
