"""A program admin runs a round, reviews it, locks a pair, runs again and publishes."""

from typing import Any

import pytest

from tandem.matching.models import MatchingRound
from tandem.relationships.models import Proposal
from tandem.testing.browser import AxeChecker, sign_in
from tandem.testing.factories import PASSWORD
from tandem.testing.fixtures import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_run_review_lock_rerun_publish(cohort: World, page: Any, axe: AxeChecker) -> None:
    sign_in(page, cohort.admin.email, PASSWORD)
    page.goto(f"/programs/{cohort.program.pk}/manage/")
    page.get_by_role("link", name="Matching rounds").click()
    page.get_by_role("heading", name="Matching rounds").wait_for()
    axe.check(page, "m01-rounds")
    page.get_by_label("Name").fill("Autumn cohort")
    page.get_by_label("Never from the same department").check()
    page.get_by_role("button", name="Run the round").click()
    page.get_by_text("Ready for review").first.wait_for()
    axe.check(page, "m02-review")
    assert page.get_by_text("of 6 mentees matched").is_visible()

    page.get_by_role("button", name="Lock").first.click()
    page.get_by_text("locked", exact=True).first.wait_for()
    page.get_by_role("button", name="Run again around the locked pairs").click()
    page.get_by_text("Ready for review").first.wait_for()
    assert page.get_by_text("locked", exact=True).count() == 1
    axe.check(page, "m03-rerun")

    page.get_by_role("button", name="Publish: send the proposals").click()
    page.get_by_text("proposals are on their way").wait_for()
    matching_round = MatchingRound.objects.get()
    assert matching_round.status == MatchingRound.Status.PUBLISHED
    assert Proposal.objects.count() == matching_round.pairs.count()
    assert axe.problems == [], "\n".join(axe.problems)
