"""A mentee and a mentor open the demo in Chromium, see what needs them and follow a link."""

from typing import Any

import pytest
from django.core.management import call_command

from tandem.testing.browser import AxeChecker, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_what_needs_you_leads_to_the_place_to_act(new_page: Any, axe: AxeChecker) -> None:
    call_command("demo_data", verbosity=0)

    page = new_page()
    sign_in(page, "mentee@harbourview.gov", "tandem-demo")
    needs = page.locator("section.needs")
    needs.get_by_role("heading", name="Needs you now").wait_for()
    axe.check(page, "home-needs-mentee")
    # She is in a circle of the demo: her circles are listed, its next session waits.
    circles = page.locator('section[aria-labelledby="your-circles"]')
    assert "Thursday leaders" in circles.inner_text()
    assert needs.locator("li.need-circle-session").count() == 1
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    axe.check(page, "home-needs-mentee-390")
    needs.get_by_role("link", name="Answer a proposed match").click()
    page.get_by_role("heading", level=1, name="A proposed match").wait_for()

    page = new_page()
    sign_in(page, "mentor@harbourview.gov", "tandem-demo")
    meeting = page.locator("section.needs").get_by_role("link", name="Meeting with")
    assert "No agenda yet" in page.locator("li.need-meeting").inner_text()
    meeting.click()
    page.wait_for_url("**/relationships/meetings/*/")
    axe.check(page, "home-needs-mentor-meeting")
    assert axe.problems == [], "\n".join(axe.problems)
