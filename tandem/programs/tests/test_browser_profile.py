"""A mentee signs in, opens a program and fixes a mistake in their profile, in Chromium."""

from typing import Any

import pytest
from django.core.management import call_command

from tandem.programs.models import Enrollment
from tandem.testing.browser import AxeChecker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MENTEE = "mentee@harbourview.gov"


def test_mentee_edits_profile_fixing_an_invalid_field(page: Any, axe: AxeChecker) -> None:
    call_command("demo_data", seed=7, people=150, verbosity=0)

    page.goto("/")
    axe.check(page, "01-landing")
    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_label("E-mail address").fill(MENTEE)
    page.get_by_label("Password").fill("tandem-demo")
    axe.check(page, "02-login")
    page.get_by_role("button", name="Sign in", exact=True).click()

    page.get_by_role("heading", name="My programs").wait_for()
    axe.check(page, "03-home")
    mine = page.locator("section[aria-labelledby=mine] h3 a").first
    program_name = mine.inner_text()
    mine.click()
    page.get_by_role("heading", level=1, name=program_name).wait_for()
    axe.check(page, "04-program")

    page.get_by_role("link", name="Edit your profile").click()
    goals = page.get_by_label("What do you want from this, in your own words?")
    goals.wait_for()
    axe.check(page, "05-profile-goals")
    typed_topic = page.locator(".topic-row select").first
    typed_topic.select_option("3")
    goals.fill("")  # the invalid field: goals are required
    page.get_by_role("button", name="Save and continue").click()

    error = page.locator("#id_goals_error")
    error.wait_for()
    assert "required" in error.inner_text().lower()
    assert page.locator(".topic-row select").first.input_value() == "3"
    axe.check(page, "06-profile-error")

    new_goals = "Get confident presenting budget options to the council."
    page.get_by_label("What do you want from this, in your own words?").fill(new_goals)
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("heading", name="Your profile").wait_for()
    axe.check(page, "07-profile-offer")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Your time zone").wait_for()
    axe.check(page, "08-profile-practicalities")
    page.get_by_role("button", name="Save profile").click()
    page.get_by_text("Your profile is complete.").wait_for()
    axe.check(page, "09-saved")

    enrollment = Enrollment.objects.get(user__email=MENTEE, program__name=program_name)
    assert enrollment.goals == new_goals
    assert enrollment.profile_completed_at is not None
    assert axe.problems == [], "\n".join(axe.problems)
    assert len(axe.pages) == 9
