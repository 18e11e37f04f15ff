"""A program admin opens the health page in a browser: charts draw, the CSP holds, axe passes."""

from typing import Any

import pytest

from tandem.testing.browser import AxeChecker, sign_in
from tandem.testing.factories import PASSWORD
from tandem.testing.fixtures import World

from .test_health_pages import _history

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_charts_draw_under_the_strict_policy(world: World, page: Any, axe: AxeChecker) -> None:
    _history(world)
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    sign_in(page, world.admin.email, PASSWORD)
    page.goto(f"/programs/{world.program.pk}/manage/")
    page.get_by_role("link", name="Health over time").click()
    page.get_by_role("heading", name="How New-hire mentoring is doing").wait_for()
    page.wait_for_load_state("networkidle")
    images = page.locator("img.health-chart-image")
    assert images.count() >= 5
    for n in range(images.count()):
        image = images.nth(n)
        assert image.get_attribute("alt")
        # A broken or blocked image has no natural width.
        assert image.evaluate("i => i.complete && i.naturalWidth > 0"), image.get_attribute("src")
    axe.check(page, "h01-program-health")

    page.get_by_text("The numbers behind this chart").first.click()
    assert page.get_by_role("table", name="Enrolment, last 12 months").is_visible()
    page.get_by_role("link", name="6 months").click()
    page.wait_for_url("**months=6")
    assert page.get_by_role("link", name="6 months").get_attribute("aria-current") == "page"
    axe.check(page, "h02-program-health-6-months")

    page.goto(f"/insights/organizations/{world.org.pk}/health/")
    page.get_by_role("table", name="Programs").wait_for()
    page.wait_for_load_state("networkidle")
    axe.check(page, "h03-organization-health")
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    assert axe.problems == [], "\n".join(axe.problems)
