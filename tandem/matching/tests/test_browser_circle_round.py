"""A program admin forms circles, moves someone, locks a circle, runs again and publishes;
a member proposed a circle reads why and joins."""

from typing import Any

import pytest

from tandem.circles.models import Circle, CircleMembership
from tandem.matching.models import MatchingRound, RoundCircle, RoundCircleMember
from tandem.matching.tests.test_circle_rounds import _circles, _line, _program
from tandem.testing.browser import AxeChecker, sign_in, wait_until_live
from tandem.testing.circles import Cast
from tandem.testing.factories import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_form_move_lock_rerun_publish_and_join(cast: Cast, new_page: Any, axe: AxeChecker) -> None:
    people = _program(cast, 14)
    page = new_page()
    sign_in(page, cast.admin.email, PASSWORD)
    page.goto(f"/programs/{cast.program.pk}/manage/")
    page.get_by_role("link", name="Matching rounds").click()
    page.get_by_role("heading", name="Matching rounds").wait_for()
    axe.check(page, "c01-circle-rounds")
    page.get_by_label("Name").fill("Autumn circles")
    page.get_by_role("button", name="Form the circles").click()
    page.get_by_text("Ready for review").first.wait_for()
    axe.check(page, "c02-circle-review")
    matching_round = MatchingRound.objects.get(program=cast.program)
    assert page.get_by_text(f"of {len(people)} people placed").is_visible()

    # Someone outside the reporting line, from a circle with a place to spare, into another.
    circles = _circles(matching_round)
    line = set(_line(people))
    source = next(c for c, m in circles.items() if len(m) > 4)
    mover = next(p for p in people if p.pk in circles[source] and p.pk not in line)
    target = RoundCircle.objects.get(
        pk=next(c for c, m in circles.items() if c != source and len(m) < 6)
    )
    page.get_by_role("link", name=f"Move someone into {target.name}").click()
    field = page.get_by_label(f"Find someone to move into {target.name} by name")
    wait_until_live(field)
    field.fill(mover.user.full_name)
    page.get_by_role("button", name=f"Move {mover.user.full_name} here").click()
    page.get_by_text(f"{mover.user.full_name} is now in {target.name}").wait_for()
    assert RoundCircleMember.objects.get(enrollment=mover).circle_id == target.pk
    axe.check(page, "c03-moved")

    page.get_by_role("button", name=f"Lock {target.name}").click()
    page.get_by_text(f"{target.name} is locked.").wait_for()
    kept = _circles(matching_round)[target.pk]
    page.get_by_role("button", name="Run again around the locked circles").click()
    page.get_by_text("Ready for review").first.wait_for()
    page.get_by_role("button", name=f"Unlock {target.name}").wait_for()
    again = RoundCircle.objects.get(round=matching_round, name=target.name)
    assert again.locked and _circles(matching_round)[again.pk] == kept

    page.get_by_role("button", name="Publish: propose the circles").click()
    page.get_by_text("Each circle below is now proposed to its members").wait_for()
    matching_round.refresh_from_db()
    assert matching_round.status == MatchingRound.Status.PUBLISHED
    assert Circle.objects.filter(program=cast.program).count() == matching_round.circles.count()
    axe.check(page, "c04-published")

    place = CircleMembership.objects.select_related("circle").get(
        enrollment=mover, circle__program=cast.program
    )
    member = new_page()
    sign_in(member, mover.user.email, PASSWORD)
    member.goto(f"/circles/{place.circle_id}/")
    member.get_by_text("Why this circle").first.wait_for()
    assert member.get_by_text("Placed in this circle by the program admins.").is_visible()
    axe.check(member, "c05-why-this-circle")
    member.get_by_role("button", name="Join this circle").click()
    member.get_by_text("accepted").first.wait_for()
    place.refresh_from_db()
    assert place.state == CircleMembership.State.ACCEPTED
    assert axe.problems == [], "\n".join(axe.problems)
