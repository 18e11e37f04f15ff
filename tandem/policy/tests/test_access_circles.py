"""Who may see a circle and what its members write: member, other member, admin, outsider."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from tandem.accounts.models import User
from tandem.circles.models import (
    Circle,
    CircleCheckIn,
    CircleCommitment,
    CircleQuestion,
    CircleSession,
)
from tandem.circles.selectors import circle_pulse
from tandem.circles.services import (
    circle_agreement_write,
    circle_checkin_record,
    circle_join_request,
    circle_leave,
)
from tandem.core.errors import NotFound
from tandem.policy.access import (
    circle_agreement_get_for_member,
    circle_checkin_get_for_author,
    circle_checkins_of_author,
    circle_commitment_get_for_member,
    circle_get_for_admin,
    circle_get_for_member,
    circle_get_to_join,
    circle_membership_get_for_admin,
    circle_membership_get_own,
    circle_question_get_for_member,
    circle_session_get_for_member,
    circles_of,
)
from tandem.testing.circles import Cast


def _content(cast: Cast, circle: Circle) -> dict[str, tuple[Callable[..., Any], str, int]]:
    """Every kind of a circle's content, with the helper that fetches it for a member."""
    ana = cast.membership(circle, cast.people[0])
    agreement = circle_agreement_write(
        circle=circle, by=cast.people[0].user, terms={"purpose": "Lead well."}
    )
    session = CircleSession.objects.create(
        circle=circle, number=1, starts_at=timezone.now() + datetime.timedelta(days=2)
    )
    later = CircleSession.objects.create(
        circle=circle, number=2, starts_at=timezone.now() + datetime.timedelta(days=9)
    )
    question = CircleQuestion.objects.create(session=session, author=ana, text="How to delegate?")
    commitment = CircleCommitment.objects.create(
        membership=ana, made_at=session, due_session=later, text="Delegate one task."
    )
    return {
        "circle": (circle_get_for_member, "circle_id", circle.pk),
        "agreement": (circle_agreement_get_for_member, "agreement_id", agreement.pk),
        "session": (circle_session_get_for_member, "session_id", session.pk),
        "question": (circle_question_get_for_member, "question_id", question.pk),
        "commitment": (circle_commitment_get_for_member, "commitment_id", commitment.pk),
    }


def _personas(cast: Cast) -> dict[str, User]:
    return {
        "member": cast.people[1].user,
        "other member of the program": cast.people[6].user,
        "program admin": cast.admin,
        "outsider": cast.world.outsider,
    }


def test_a_circles_content_is_for_its_members_only(cast: Cast) -> None:
    circle = cast.active_circle()
    content = _content(cast, circle)
    for persona, user in _personas(cast).items():
        for kind, (helper, key, pk) in content.items():
            if persona == "member":
                assert helper(user=user, **{key: pk}).pk == pk, kind
            else:
                with pytest.raises(NotFound):
                    helper(user=user, **{key: pk})


def test_missing_and_forbidden_circle_content_raise_the_same(cast: Cast) -> None:
    circle = cast.active_circle()
    for kind, (helper, key, pk) in _content(cast, circle).items():
        with pytest.raises(NotFound) as forbidden:
            helper(user=cast.world.outsider, **{key: pk})
        with pytest.raises(NotFound) as missing:
            helper(user=cast.people[0].user, **{key: 999_999})
        assert str(forbidden.value) == str(missing.value), kind


def test_the_program_admin_sees_the_circle_and_its_places_not_its_content(cast: Cast) -> None:
    circle = cast.active_circle()
    place = cast.membership(circle, cast.people[0])
    assert circle_get_for_admin(user=cast.admin, circle_id=circle.pk) == circle
    assert circle_membership_get_for_admin(user=cast.admin, membership_id=place.pk) == place
    for persona, user in _personas(cast).items():
        if persona == "program admin":
            continue
        with pytest.raises(NotFound):
            circle_get_for_admin(user=user, circle_id=circle.pk)
        with pytest.raises(NotFound):
            circle_membership_get_for_admin(user=user, membership_id=place.pk)


def test_a_place_is_fetched_by_its_own_person_only(cast: Cast) -> None:
    circle = cast.active_circle()
    place = cast.membership(circle, cast.people[0])
    assert circle_membership_get_own(user=cast.people[0].user, membership_id=place.pk) == place
    for user in _personas(cast).values():
        with pytest.raises(NotFound):
            circle_membership_get_own(user=user, membership_id=place.pk)


def test_people_who_left_or_only_asked_to_join_no_longer_read_the_circle(cast: Cast) -> None:
    circle = cast.active_circle()
    leaver = cast.people[0]
    circle_leave(membership=cast.membership(circle, leaver), by=leaver.user)
    asker = cast.people[6]
    circle_join_request(circle=circle, enrollment=asker, by=asker.user)
    for person in (leaver, asker):
        with pytest.raises(NotFound):
            circle_get_for_member(user=person.user, circle_id=circle.pk)
        assert circle not in circles_of(person.user)


def test_someone_proposed_a_place_reads_the_circle_to_decide(cast: Cast) -> None:
    circle = cast.propose(cast.people[:4])
    assert circle_get_for_member(user=cast.people[0].user, circle_id=circle.pk) == circle


def test_a_circle_to_join_is_shown_only_within_ones_own_program(cast: Cast) -> None:
    circle = cast.active_circle()
    assert circle_get_to_join(user=cast.people[6].user, circle_id=circle.pk) == circle
    for user in (cast.world.outsider, cast.world.mentee):
        with pytest.raises(NotFound):
            circle_get_to_join(user=user, circle_id=circle.pk)


def test_a_check_in_is_its_authors_alone_whatever_the_persona(cast: Cast) -> None:
    circle = cast.active_circle()
    checkin = circle_checkin_record(circle=circle, by=cast.people[0].user, score=2, note="Hard")
    assert circle_checkin_get_for_author(user=cast.people[0].user, checkin_id=checkin.pk) == checkin
    assert list(circle_checkins_of_author(cast.people[0].user)) == [checkin]
    for user in _personas(cast).values():
        with pytest.raises(NotFound):
            circle_checkin_get_for_author(user=user, checkin_id=checkin.pk)
        assert not circle_checkins_of_author(user).exists()


def test_admins_see_a_circles_average_only_over_five_authors(cast: Cast) -> None:
    circle = cast.active_circle(cast.people[:5])
    for enrollment in cast.people[:4]:
        circle_checkin_record(circle=circle, by=enrollment.user, score=4)
    # Four authors, however many check-ins: no average.
    circle_checkin_record(circle=circle, by=cast.people[0].user, score=1)
    pulse = circle_pulse(circle)
    assert (pulse.checkins, pulse.authors, pulse.average) == (5, 4, None)
    circle_checkin_record(circle=circle, by=cast.people[4].user, score=5)
    pulse = circle_pulse(circle)
    assert (pulse.authors, pulse.average) == (5, round((4 * 4 + 1 + 5) / 6, 1))
    assert CircleCheckIn.objects.filter(membership__circle=circle).count() == 6
