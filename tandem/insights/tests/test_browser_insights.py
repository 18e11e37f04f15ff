"""A program admin finds stalled pairs, nudges them, reads fairness and impact; a mentor
opens their own impact page from home."""

from typing import Any

import pytest

from tandem.accounts.models import Department
from tandem.insights.models import Nudge
from tandem.programs.models import Cadence
from tandem.testing.browser import AxeChecker, sign_in
from tandem.testing.factories import PASSWORD
from tandem.testing.fixtures import World

from .builders import meeting, pair, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _history(world: World) -> None:
    world.program.default_cadence = Cadence.WEEKLY
    world.program.save()
    alpha = Department.objects.create(organization=world.org, name="Alpha")
    beta = Department.objects.create(organization=world.org, name="Beta")
    quiet = pair(world, world.mentor_enrollment, world.mentee_enrollment, started_days_ago=60)
    meeting(quiet, days_ago=40)
    for n in range(3):
        pair(world, world.mentor_enrollment, person(world, f"Quiet {n}"), started_days_ago=50)
    for department in (alpha, beta):
        for n in range(12):
            mentee = person(world, f"{department.name} {n}", department=department)
            if n < 6:
                pair(world, world.mentor_enrollment, mentee, created_days_ago=40)


def test_admin_nudges_stalled_pairs_and_reads_fairness_and_impact(
    world: World, new_page: Any, axe: AxeChecker
) -> None:
    _history(world)
    page = new_page()
    sign_in(page, world.admin.email, PASSWORD)
    page.goto(f"/programs/{world.program.pk}/manage/")
    page.get_by_role("link", name="Stalled pairs").click()
    page.get_by_role("heading", level=1, name="Stalled pairs").wait_for()
    axe.check(page, "insights-stalled")
    page.get_by_label("Select no meeting held: Mo Haddad and Mia Santos").check()
    page.get_by_label("Select no meeting held: Mo Haddad and Quiet 0").check()
    page.get_by_role("button", name="Nudge the selected").click()
    page.get_by_text("Nudge sent for 2 items.").wait_for()
    assert page.get_by_text("nudged this week").count() == 2
    axe.check(page, "insights-stalled-nudged")
    assert Nudge.objects.count() == 2

    page.goto(f"/programs/{world.program.pk}/manage/")
    page.get_by_role("link", name="Fairness").click()
    page.get_by_role("heading", level=1, name="Fairness over time").wait_for()
    axe.check(page, "insights-fairness")
    page.get_by_label("People who joined").select_option("12")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**period=12**")

    page.goto(f"/programs/{world.program.pk}/manage/")
    page.get_by_role("link", name="Mentor impact").click()
    page.get_by_role("heading", level=1, name="Mentor impact").wait_for()
    axe.check(page, "insights-impact")

    mentor = new_page()
    sign_in(mentor, world.mentor.email, PASSWORD)
    mentor.get_by_role("link", name="Your impact as a mentor").click()
    mentor.get_by_role("heading", level=1, name="Your impact as a mentor").wait_for()
    axe.check(mentor, "insights-legacy")
    mentor.set_viewport_size({"width": 390, "height": 844})
    axe.check(mentor, "insights-legacy-390")
    assert axe.problems == [], "\n".join(axe.problems)
