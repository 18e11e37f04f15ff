"""A coach writes her profile; coach and client write the contract and sign it, in Chromium."""

from typing import Any

import pytest

from tandem.coaching.models import CoachProfile, Engagement
from tandem.relationships.models import Agreement, Relationship
from tandem.testing.browser import AxeChecker, sign_in
from tandem.testing.coaching import Practice
from tandem.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coaching_contract_is_written_and_signed(
    practice: Practice, new_page: Any, axe: AxeChecker
) -> None:
    # Cal has not yet said how he wants to be held accountable.
    Agreement.objects.filter(pk=practice.agreement.pk).update(accountability="")
    cora, cal = new_page(), new_page()
    sign_in(cora, practice.coach.user.email, PASSWORD)
    sign_in(cal, practice.client.user.email, PASSWORD)

    # Cora becomes an external coach, after the form asks for her rate.
    cora.goto(f"/programs/{practice.program.pk}/")
    cora.get_by_role("link", name="Edit your coach profile").click()
    cora.get_by_label("External coach, contracted").check()
    cora.get_by_label("Hours per client").fill("")
    cora.get_by_role("button", name="Save profile").click()
    cora.get_by_text("An external coach names an hourly rate").wait_for()
    axe.check(cora, "c01-coach-profile-errors")
    cora.get_by_label("Hourly rate").fill("150")
    cora.get_by_label("Currency").fill("eur")
    cora.get_by_role("button", name="Save profile").click()
    cora.get_by_text("150 EUR an hour").wait_for()
    axe.check(cora, "c02-coach-profile-shown")
    assert CoachProfile.objects.get(enrollment=practice.coach).currency == "EUR"

    # Cal opens the contract from the relationship and writes an objective and the terms.
    cal.goto(f"/relationships/{practice.relationship.pk}/")
    cal.get_by_role("link", name="Open the coaching contract").click()
    cal.get_by_text("How the client wants to be held accountable").wait_for()
    adding = cal.locator("form", has=cal.get_by_role("button", name="Add objective"))
    adding.get_by_label("Objective").fill("Say no to work outside my scope")
    adding.get_by_label("Measure").fill("Three requests declined kindly")
    cal.get_by_role("button", name="Add objective").click()
    cal.get_by_text("Objective added.").wait_for()
    cal.locator("#id_sessions_contracted").fill("8")
    cal.get_by_label("Sponsor (optional)").fill(practice.sponsor.email)
    cal.get_by_role("button", name="Save terms").click()
    cal.get_by_text("terms are saved").wait_for()
    axe.check(cal, "c03-contract-draft")
    engagement = Engagement.objects.get(pk=practice.engagement.pk)
    assert engagement.sessions_contracted == 8 and engagement.sponsor == practice.sponsor
    assert engagement.objectives.count() == 3

    # The agreement says what is missing; Cal writes his accountability and signs.
    cal.get_by_role("link", name="Edit the scope and accountability in the agreement").click()
    cal.get_by_text("Before either of you can sign").wait_for()
    cal.get_by_label("How the client wants to be held accountable").fill(
        "Ask me at each session what I did with the last assignment."
    )
    cal.get_by_role("button", name="Save draft").click()
    cal.get_by_role("button", name="Sign version 1").click()
    cal.get_by_text("Your partner is asked to sign too").wait_for()
    axe.check(cal, "c04-agreement-signed-by-client")

    cora.goto(f"/relationships/{practice.relationship.pk}/agreement/")
    cora.get_by_role("button", name="Sign version 1").click()
    cora.get_by_text("Signed by both of you").first.wait_for()
    practice.relationship.refresh_from_db()
    assert practice.relationship.status == Relationship.Status.ACTIVE

    cora.goto(f"/coaching/{practice.engagement.pk}/contract/")
    cora.get_by_text("A signed contract never changes.").wait_for()
    assert cora.get_by_role("button", name="Save terms").count() == 0
    axe.check(cora, "c05-contract-signed")
    assert not axe.problems, axe.problems
