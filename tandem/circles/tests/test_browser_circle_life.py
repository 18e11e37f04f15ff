"""A circle's life in Chromium: formed by a member, joined, approved, agreed, and left."""

from typing import Any

import pytest

from tandem.circles.models import Circle, CircleAgreement, CircleMembership, CircleSignature
from tandem.testing.browser import AxeChecker, sign_in
from tandem.testing.circles import Cast
from tandem.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_forms_a_circle_that_others_join_agree_and_one_leaves(
    cast: Cast, new_page: Any, axe: AxeChecker
) -> None:
    people = cast.people[:4]
    ana, ben, cleo, dev = pages = [new_page() for _ in people]
    ada = new_page()
    for page, person in zip(pages, people, strict=True):
        sign_in(page, person.user.email, PASSWORD)
    sign_in(ada, cast.admin.email, PASSWORD)
    program = cast.program.pk

    # Ana says when she is free, then forms a circle after one mistake the form explains.
    ana.goto(f"/programs/{program}/")
    ana.get_by_role("heading", name="Your circles").wait_for()
    axe.check(ana, "c01-program-page")
    ana.get_by_role("link", name="When you are free").click()
    ana.get_by_label("Tuesday 08:00").check()
    ana.get_by_label("Thursday 18:00").check()
    axe.check(ana, "c02-free-hours")
    ana.get_by_role("button", name="Save").click()
    ana.get_by_text("Circles are proposed at hours their members share").wait_for()
    ana.get_by_role("link", name="Form a circle").click()
    ana.get_by_label("Name of the circle").fill("Early risers")
    ana.get_by_label("On which day").select_option("Tuesday")
    ana.get_by_role("button", name="Form the circle").click()
    ana.locator("#id_local_time_error").wait_for()
    axe.check(ana, "c03-form-errors")
    ana.get_by_label("At what time").fill("08:00")
    ana.get_by_role("button", name="Form the circle").click()
    ana.get_by_text("Early risers is formed").wait_for()
    axe.check(ana, "c04-formed")
    circle = Circle.objects.get(name="Early risers")

    # Ben, Cleo and Dev ask to join from their program page.
    for page in (ben, cleo, dev):
        page.goto(f"/programs/{program}/")
        page.get_by_role("button", name="Ask to join Early risers").click()
        page.get_by_text("You asked to join Early risers").wait_for()
    axe.check(dev, "c05-asked-to-join")

    # Ada approves the requests and the circle from the program's circles page.
    ada.goto(f"/programs/{program}/manage/")
    ada.get_by_role("link", name="Circles", exact=True).click()
    ada.get_by_role("heading", name="Waiting for you").wait_for()
    axe.check(ada, "c06-admin-circles")
    for person in people[1:]:
        name = person.user.display_name
        ada.get_by_role("button", name=f"Approve {name} in Early risers").click()
        ada.get_by_text(f"{name} is in Early risers").wait_for()
    ada.get_by_role("button", name="Approve Early risers").click()
    ada.get_by_text("Early risers is approved").wait_for()
    circle.refresh_from_db()
    assert circle.state == Circle.State.ACTIVE
    ada.get_by_role("link", name="Early risers").first.click()
    ada.get_by_role("heading", name="Pulse").wait_for()
    axe.check(ada, "c07-admin-circle")

    # Ana writes the first draft; everyone signs it.
    ana.goto(f"/circles/{circle.pk}/")
    ana.get_by_role("link", name="Write the first draft").click()
    ana.get_by_label("What the circle is for").fill("Grow as leaders of small teams.")
    axe.check(ana, "c08-first-draft")
    ana.get_by_role("button", name="Save the first draft").click()
    ana.get_by_text("Version 1 is written").wait_for()
    for page, shot in ((ana, "c09-sign"), (ben, ""), (cleo, ""), (dev, "")):
        page.goto(f"/circles/{circle.pk}/")
        if shot:
            axe.check(page, shot)
        page.get_by_role("button", name="Sign version 1").click()
        page.get_by_role("status").get_by_text("You signed version 1").wait_for()
    dev.get_by_text("Every member signed version 1").wait_for()
    axe.check(dev, "c10-agreed")
    agreement = CircleAgreement.objects.get(circle=circle)
    assert CircleSignature.objects.filter(agreement=agreement).count() == 4

    # Ben checks in privately.
    ben.get_by_role("link", name="Private check-in").click()
    ben.get_by_label("4").check()
    ben.get_by_label("Anything to add? (only you see this)").fill("A good first month.")
    ben.get_by_role("button", name="Save check-in").click()
    ben.get_by_text("Only you will ever read it").wait_for()
    axe.check(ben, "c11-checkin")

    # Dev leaves with a word; the others read it.
    dev.get_by_role("link", name="Leave this circle").click()
    dev.get_by_label("A word to the circle (optional)").fill("Thank you all; a new role calls.")
    axe.check(dev, "c12-leave")
    dev.get_by_role("button", name="Leave the circle").click()
    dev.get_by_text("You left Early risers").wait_for()
    assert circle.memberships.get(enrollment=people[3]).state == CircleMembership.State.LEFT
    cleo.goto(f"/circles/{circle.pk}/")
    cleo.get_by_text("Thank you all; a new role calls.").wait_for()
    axe.check(cleo, "c13-after-leaving")
    assert axe.problems == [], axe.problems
