"""Informational interviews in Chromium: asked, answered with times, picked, and continued."""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from tandem.accounts import time_zones
from tandem.interviews import services
from tandem.interviews.models import Interview, InterviewOffer
from tandem.programs.models import EnrollmentTopic
from tandem.relationships.models import Relationship
from tandem.relationships.tests.conftest import complete
from tandem.testing.browser import AxeChecker, sign_in
from tandem.testing.factories import PASSWORD
from tandem.testing.fixtures import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _local(world: World, moment: datetime.datetime) -> str:
    zone = time_zones.zone_of(user_id=world.mentor.pk)
    return f"{moment.astimezone(zone):%Y-%m-%dT%H:%M}"


def test_an_interview_becomes_a_proposed_relationship(
    world: World, new_page: Any, axe: AxeChecker
) -> None:
    complete(world.mentee_enrollment, world, EnrollmentTopic.Kind.FOCUS)
    complete(world.mentor_enrollment, world, EnrollmentTopic.Kind.EXPERTISE)
    mia, mo = new_page(), new_page()
    sign_in(mia, world.mentee.email, PASSWORD)
    sign_in(mo, world.mentor.email, PASSWORD)

    # Mo offers two conversations a month.
    mo.goto(f"/programs/{world.program.pk}/")
    mo.get_by_role("link", name="Offer interviews yourself").click()
    mo.get_by_label("I offer informational interviews").check()
    mo.get_by_label("How many a month").fill("2")
    mo.get_by_label("What you are happy to talk about").fill("Presenting to the board.")
    mo.get_by_role("button", name="Save").click()
    mo.get_by_text("You offer up to 2 conversations a month").wait_for()
    axe.check(mo, "i01-offer")

    # Mia finds him and asks, after one mistake the form explains.
    mia.goto(f"/programs/{world.program.pk}/")
    mia.get_by_role("link", name="Find people to ask").click()
    axe.check(mia, "i02-people")
    mia.get_by_role("link", name="Ask Mo").click()
    mia.get_by_label("Topic").select_option(label="Public speaking")
    mia.get_by_label("A short message").fill("Hi Mo")
    mia.get_by_role("button", name="Send your request").click()
    mia.get_by_text("Write a line or two").wait_for()
    axe.check(mia, "i03-ask-errors")
    mia.get_by_label("45 minutes").check()
    mia.get_by_label("A short message").fill(
        "I am Mia, new in planning. How did you learn to present to the board?"
    )
    mia.get_by_role("button", name="Send your request").click()
    mia.get_by_text("Your request is with Mo").wait_for()
    axe.check(mia, "i04-asked")
    interview = Interview.objects.get()

    # Mo proposes two times.
    first = (timezone.now() + datetime.timedelta(days=3)).replace(
        hour=15, minute=0, second=0, microsecond=0
    )
    mo.goto(f"/interviews/{interview.pk}/")
    axe.check(mo, "i05-host-sees-request")
    mo.get_by_label("First time").fill(_local(world, first))
    mo.get_by_label("Second time").fill(_local(world, first + datetime.timedelta(days=1)))
    mo.get_by_role("button", name="Propose these times").click()
    mo.get_by_text("Your times are sent").wait_for()
    axe.check(mo, "i06-times-proposed")

    # Mia picks the first one; both can add it to their calendars.
    mia.goto(f"/interviews/{interview.pk}/")
    mia.get_by_role("radio").first.check()
    axe.check(mia, "i07-pick")
    mia.get_by_role("button", name="Pick this time").click()
    mia.get_by_text("The time is set").wait_for()
    mia.get_by_role("link", name="Add to your calendar (.ics)").wait_for()
    mia.get_by_label("Your private notes").fill("Ask about the first minute.")
    mia.get_by_label("Share these notes if we both decide to continue").check()
    mia.get_by_role("button", name="Save my notes").click()
    mia.get_by_text("Only you can read them").first.wait_for()
    axe.check(mia, "i08-scheduled")
    interview.refresh_from_db()
    assert interview.starts_at == first

    # The conversation takes place; both say yes, separately.
    Interview.objects.filter(pk=interview.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=2)
    )
    for page, shot in ((mia, "i09-asker-answers"), (mo, "i10-host-answers")):
        page.goto(f"/interviews/{interview.pk}/")
        page.get_by_label("Yes, I would like to continue").check()
        axe.check(page, shot)
        page.get_by_role("button", name="Send my answer").click()
        page.get_by_text("Your answer stays private").wait_for()
    mo.get_by_text("A mentoring relationship is proposed").wait_for()
    axe.check(mo, "i11-relationship-proposed")
    mo.get_by_role("link", name="Write your agreement").click()
    mo.get_by_text("Ask about the first minute.").wait_for()
    relationship = Relationship.objects.get()
    assert relationship.status == Relationship.Status.AGREEING
    assert (relationship.mentor.user, relationship.mentee.user) == (world.mentor, world.mentee)
    axe.check(mo, "i12-agreement")
    mia.goto("/interviews/")
    axe.check(mia, "i13-my-interviews")
    assert axe.problems == [], axe.problems


def test_the_asker_finds_her_request_from_the_menu_and_withdraws_it(
    world: World, new_page: Any, axe: AxeChecker
) -> None:
    complete(world.mentee_enrollment, world, EnrollmentTopic.Kind.FOCUS)
    complete(world.mentor_enrollment, world, EnrollmentTopic.Kind.EXPERTISE)
    InterviewOffer.objects.create(enrollment=world.mentor_enrollment, is_offering=True)
    interview = services.interview_ask(
        asker=world.mentee_enrollment,
        host=world.mentor_enrollment,
        topic=world.topic("Public speaking"),
        minutes=30,
        message="I am Mia, new in planning. How did you learn to present to the board?",
    )
    mia = new_page()
    sign_in(mia, world.mentee.email, PASSWORD)
    mia.get_by_role("navigation", name="Main").get_by_role("link", name="Interviews").click()
    mia.get_by_role("link", name="Public speaking with Mo").click()
    mia.get_by_role("heading", name="Waiting for an answer").wait_for()
    axe.check(mia, "i14-waiting")
    mia.get_by_role("button", name="Withdraw my request").click()
    mia.get_by_text("Your request is withdrawn").wait_for()
    axe.check(mia, "i15-withdrawn")
    interview.refresh_from_db()
    assert interview.status == Interview.Status.WITHDRAWN
    assert axe.problems == [], axe.problems
