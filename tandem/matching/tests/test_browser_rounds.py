"""A program admin runs a round, reviews it, locks a pair, runs again and publishes."""

import re
from typing import Any

import pytest

from tandem.matching.models import MatchingRound, RoundPair
from tandem.programs.models import Enrollment
from tandem.relationships.models import Proposal
from tandem.testing.browser import AxeChecker, sign_in, wait_until_live
from tandem.testing.factories import PASSWORD
from tandem.testing.fixtures import World

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("warm_engine"),
]


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
    # The task worker publishes (in-process here); the page follows it to the result.
    page.get_by_text("Each pair below is now a proposal").wait_for()
    matching_round = MatchingRound.objects.get()
    assert matching_round.status == MatchingRound.Status.PUBLISHED
    assert Proposal.objects.count() == matching_round.pairs.count()
    assert axe.problems == [], "\n".join(axe.problems)


def test_sort_filter_and_swap_a_mentor_by_searching(
    cohort: World, page: Any, axe: AxeChecker
) -> None:
    sign_in(page, cohort.admin.email, PASSWORD)
    page.goto(f"/matching/programs/{cohort.program.pk}/")
    page.get_by_label("Name").fill("Spring cohort")
    page.get_by_role("button", name="Run the round").click()
    page.get_by_text("Ready for review").first.wait_for()
    # Mentor 0 gets room to spare: the search must still keep him away from Mia, his report.
    Enrollment.objects.filter(user__full_name="Mentor 0").update(capacity=5)

    page.get_by_label("Order").select_option("mentee")
    page.wait_for_url(re.compile(r"sort=mentee"))
    names = page.locator("#review tbody tr td:first-child").all_inner_texts()
    assert names == sorted(names)
    axe.check(page, "m04-sorted")

    mia = page.locator("#review tbody tr").filter(has_text="Mia Santos")
    mia.get_by_role("link", name=re.compile("Change mentor")).click()
    search = page.get_by_label("Find a mentor for Mia Santos by name")
    wait_until_live(search)
    # Wait for the search's own answer to the whole word, whatever it lists.
    with page.expect_response(lambda r: "/mentors/" in r.url and "q=Mentor" in r.url):
        search.press_sequentially("Mentor")
    results = "#review [id^=swap-results-]"
    page.locator(f"{results} li, {results} p").first.wait_for()
    assert page.get_by_role("button", name="Choose Mentor 0").count() == 0

    row = (
        page.locator("#review tbody tr")
        .filter(has_not_text="Mia Santos")
        .filter(has_not_text="Mentor 0")
        .first
    )
    mentee = row.locator("td").first.inner_text().split("\n")[0]
    row.get_by_role("link", name=re.compile("Change mentor")).click()
    search = page.get_by_label(f"Find a mentor for {mentee} by name")
    wait_until_live(search)
    search.press_sequentially("Mentor 0")
    page.get_by_role("button", name="Choose Mentor 0").wait_for()
    axe.check(page, "m05-search")
    page.get_by_role("button", name="Choose Mentor 0").click()
    page.get_by_text("Mentor 0 is now proposed").wait_for()
    assert "sort=mentee" in page.url
    pair = RoundPair.objects.get(round__name="Spring cohort", mentee__user__full_name=mentee)
    assert pair.mentor.user.full_name == "Mentor 0" and pair.locked

    page.get_by_label("Show", exact=True).select_option("locked")
    page.wait_for_url(re.compile(r"flag=locked"))
    assert page.locator("#review tbody tr").count() == 1
    axe.check(page, "m06-locked")
    assert axe.problems == [], "\n".join(axe.problems)
