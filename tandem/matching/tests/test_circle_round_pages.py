"""The pages of a circles round: set up, review page by page, move, lock, re-run, publish."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tandem.circles.models import Circle, CircleMembership
from tandem.matching.circle_selectors import CIRCLES_PAGE_SIZE
from tandem.matching.models import MatchingRound, RoundCircle, RoundCircleMember
from tandem.matching.tests.test_circle_rounds import _circles, _line, _program
from tandem.policy.eligibility import seeker_refusal
from tandem.relationships.models import MatchExclusion
from tandem.testing.circles import Cast
from tandem.testing.factories import MembershipFactory, UserFactory
from tandem.testing.fixtures import client_for

Commit = Callable[..., Any]


def _start(
    client: Client, cast: Cast, commit: Commit, name: str = "Autumn circles"
) -> MatchingRound:
    with commit(execute=True):
        response = client.post(
            f"/matching/programs/{cast.program.pk}/", {"name": name, "seed": "3"}
        )
    matching_round = MatchingRound.objects.get(program=cast.program, name=name)
    assert response["Location"] == f"/matching/rounds/{matching_round.pk}/"
    matching_round.refresh_from_db()
    assert matching_round.status == MatchingRound.Status.READY, matching_round.error
    return matching_round


def _act(client: Client, matching_round: MatchingRound, **data: Any) -> str:
    """Post a circle action and return the page it leads back to."""
    response = client.post(f"/matching/rounds/{matching_round.pk}/circles/act/", data)
    assert response.status_code == 302
    return client.get(response["Location"]).content.decode()


def test_an_admin_forms_circles_and_sees_them_explained(
    cast: Cast, django_capture_on_commit_callbacks: Commit
) -> None:
    _program(cast, 20)
    client = client_for(cast.admin)
    page = client.get(f"/matching/programs/{cast.program.pk}/").content.decode()
    # Only what a circles round asks: no pair weights, no solver.
    assert "Form the circles" in page and 'name="w_focus"' not in page
    assert 'name="solver"' not in page
    matching_round = _start(client, cast, django_capture_on_commit_callbacks)
    assert matching_round.weights == {} and matching_round.rules == {}
    page = client.get(f"/matching/rounds/{matching_round.pk}/").content.decode()
    first = RoundCircle.objects.filter(round=matching_round).order_by("-fit", "pk").first()
    assert first is not None
    assert first.name in page
    assert "Why this circle" in page and "Time zone" in page
    row = RoundCircleMember.objects.filter(circle=first).select_related("enrollment__user").first()
    assert row is not None
    assert row.enrollment.user.full_name in page
    assert row.reasons[0]["text"].replace("'", "&#x27;") in page
    listing = client.get(f"/matching/programs/{cast.program.pk}/").content.decode()
    assert f">{matching_round.report['circles']}<" in listing


def test_the_review_pages_and_filters_circles_in_a_fixed_number_of_queries(
    cast: Cast,
    django_capture_on_commit_callbacks: Commit,
    django_assert_max_num_queries: Any,
) -> None:
    people = _program(cast, 150)
    client = client_for(cast.admin)
    matching_round = _start(client, cast, django_capture_on_commit_callbacks)
    count = RoundCircle.objects.filter(round=matching_round).count()
    assert count > CIRCLES_PAGE_SIZE
    url = f"/matching/rounds/{matching_round.pk}/"
    with django_assert_max_num_queries(14):
        page = client.get(f"{url}?page=2").content.decode()
    assert "Page 2 of 2" in page
    assert page.count("<article") == count - CIRCLES_PAGE_SIZE
    with django_assert_max_num_queries(14):
        low = client.get(f"{url}?sort=fit_low").content.decode()
    lowest = RoundCircle.objects.filter(round=matching_round).order_by("fit", "pk").first()
    assert lowest is not None and f'id="circle-{lowest.pk}"' in low
    # Search by someone's name shows their circle alone.
    named = RoundCircleMember.objects.get(round=matching_round, enrollment=people[7])
    found = client.get(
        f"{url}?q={people[7].user.full_name}", headers={"HX-Request": "true", "HX-Target": "review"}
    )
    assert found.content.decode().count("<article") == 1
    assert f'id="circle-{named.circle_id}"' in found.content.decode()
    assert "<html" not in found.content.decode()
    # The flags pick the circles an admin should look at.
    stored = list(RoundCircle.objects.filter(round=matching_round))
    for flag, wanted in (
        ("no_time", [c for c in stored if not c.common_hours]),
        ("low", [c for c in stored if c.fit < 0.5]),
    ):
        with django_assert_max_num_queries(14):
            shown = client.get(f"{url}?flag={flag}").content.decode()
        assert f"{len(wanted)} circle" in shown
        assert all(f'id="circle-{c.pk}"' in shown for c in wanted[:CIRCLES_PAGE_SIZE])
    # A nonsense filter or page falls back to the default view.
    assert client.get(f"{url}?sort=nope&flag=zzz&page=abc").status_code == 200


def test_a_move_lock_and_rerun_through_the_page(
    cast: Cast, django_capture_on_commit_callbacks: Commit
) -> None:
    people = _program(cast, 22)
    client = client_for(cast.admin)
    matching_round = _start(client, cast, django_capture_on_commit_callbacks)
    circles = _circles(matching_round)
    line = set(_line(people))
    source = next(c for c, m in circles.items() if len(m) > 4)
    target = next(c for c, m in circles.items() if c != source and len(m) < 6)
    mover = next(pk for pk in sorted(circles[source]) if pk not in line)
    name = next(p.user.full_name for p in people if p.pk == mover)
    # The search finds them, with the circle they are in now.
    found = client.get(
        f"/matching/rounds/{matching_round.pk}/circles/{target}/people/", {"name": name}
    ).content.decode()
    assert f"Move {name} here" in found
    page = _act(client, matching_round, action="move", circle=target, person=mover)
    target_name = RoundCircle.objects.get(pk=target).name
    assert f"{name} is now in {target_name}" in page
    assert (
        RoundCircleMember.objects.get(round=matching_round, enrollment_id=mover).circle_id == target
    )
    page = _act(client, matching_round, action="lock", circle=target)
    assert f"{target_name} is locked." in page
    assert RoundCircle.objects.get(pk=target).locked
    kept = _circles(matching_round)[target]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/matching/rounds/{matching_round.pk}/act/", {"action": "rerun"})
    matching_round.refresh_from_db()
    assert matching_round.status == MatchingRound.Status.READY
    again = RoundCircle.objects.get(round=matching_round, name=target_name)
    assert again.locked and _circles(matching_round)[again.pk] == kept


def test_bad_moves_are_refused_with_the_reason_and_change_nothing(
    cast: Cast, django_capture_on_commit_callbacks: Commit
) -> None:
    people = _program(cast, 22)
    cast.program.circle_max_size = 5
    cast.program.save(update_fields=["circle_max_size"])
    MatchExclusion.objects.create(mentee=people[1], mentor=people[2], reason="do_not_match")
    client = client_for(cast.admin)
    matching_round = _start(client, cast, django_capture_on_commit_callbacks)
    before = _circles(matching_round)
    where = {pk: c for c, members in before.items() for pk in members}
    full = next(c for c, m in before.items() if len(m) == 5)
    outsider = next(
        p.pk for p in people if where.get(p.pk) not in (None, full) and len(before[where[p.pk]]) > 4
    )
    page = _act(client, matching_round, action="move", circle=full, person=outsider)
    assert "holds at most 5 people" in page
    page = _act(
        client, matching_round, action="move", circle=where[people[2].pk], person=people[1].pk
    )
    assert "not to be matched with each other" in page
    page = _act(client, matching_round, action="lock", circle=full)
    page = _act(client, matching_round, action="move", circle=full, person=outsider)
    assert "is locked; unlock it" in page
    page = _act(client, matching_round, action="move", circle=full, person="abc")
    assert "Choose someone from the list." in page
    page = _act(client, matching_round, action="fly", circle=full)
    assert "Unknown action." in page
    assert _circles(matching_round) == before


def test_publishing_twice_proposes_each_circle_once(
    cast: Cast, django_capture_on_commit_callbacks: Commit
) -> None:
    _program(cast, 12)
    client = client_for(cast.admin)
    matching_round = _start(client, cast, django_capture_on_commit_callbacks)
    count = RoundCircle.objects.filter(round=matching_round).count()
    url = f"/matching/rounds/{matching_round.pk}/act/"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(url, {"action": "publish"})
        client.post(url, {"action": "publish"})
    matching_round.refresh_from_db()
    assert matching_round.status == MatchingRound.Status.PUBLISHING
    page = client.get(f"/matching/rounds/{matching_round.pk}/").content.decode()
    assert f"Publishing {count} circle" in page
    for callback in callbacks:
        callback()
    matching_round.refresh_from_db()
    assert matching_round.status == MatchingRound.Status.PUBLISHED
    assert Circle.objects.filter(program=cast.program).count() == count
    placed = RoundCircleMember.objects.filter(round=matching_round).count()
    assert CircleMembership.objects.filter(circle__program=cast.program).count() == placed
    page = client.get(f"/matching/rounds/{matching_round.pk}/").content.decode()
    assert "Published" in page and "Publish: propose the circles" not in page


@pytest.mark.parametrize("persona", ["other_admin", "member", "participant"])
def test_only_the_programs_admins_reach_a_circles_round(
    cast: Cast, django_capture_on_commit_callbacks: Commit, persona: str
) -> None:
    people = _program(cast, 12)
    matching_round = _start(client_for(cast.admin), cast, django_capture_on_commit_callbacks)
    circle = RoundCircle.objects.filter(round=matching_round).first()
    assert circle is not None
    if persona == "other_admin":
        user = UserFactory.create()
        MembershipFactory.create(user=user, organization=cast.world.org)
        cast.world.program.admins.add(user)
    elif persona == "member":
        user = cast.world.member
    else:
        user = people[0].user
    client = client_for(user)
    base = f"/matching/rounds/{matching_round.pk}"
    assert client.get(f"/matching/programs/{cast.program.pk}/").status_code == 404
    assert client.get(f"{base}/").status_code == 404
    assert client.get(f"{base}/circles/{circle.pk}/people/?name=Member").status_code == 404
    before = _circles(matching_round)
    response = client.post(f"{base}/circles/act/", {"action": "lock", "circle": circle.pk})
    assert response.status_code == 404
    assert client.post(f"{base}/act/", {"action": "publish"}).status_code == 404
    circle.refresh_from_db()
    assert not circle.locked and _circles(matching_round) == before
    matching_round.refresh_from_db()
    assert matching_round.status == MatchingRound.Status.READY


def test_a_circles_program_offers_no_mentor_directory_or_one_to_one_requests(cast: Cast) -> None:
    person = cast.people[0]
    client = client_for(person.user)
    assert client.get(f"/relationships/programs/{cast.program.pk}/mentors/").status_code == 404
    refusal = seeker_refusal(person)
    assert refusal is not None and refusal.code == "circles_only"
    page = client.get(f"/programs/{cast.program.pk}/").content.decode()
    assert "4 to 6 people each; up to 1 per person" in page
