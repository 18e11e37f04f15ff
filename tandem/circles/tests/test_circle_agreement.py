"""A circle's agreement: drafted, revised as new versions, signed by every member."""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from tandem.circles.models import Circle, CircleAgreement, CircleSignature
from tandem.circles.selectors import circle_is_agreed, circle_unsigned_members
from tandem.circles.services import (
    circle_agreement_sign,
    circle_agreement_write,
    circle_check_agreed,
    circle_leave,
    circle_membership_answer,
    circle_replacement_add,
)
from tandem.core.errors import DomainError
from tandem.testing.circles import Cast

TERMS = {
    "purpose": "Grow as first-time team leads.",
    "weekday": 3,
    "local_time": datetime.time(17, 30),
    "time_zone": "America/Chicago",
    "hot_seats_per_session": 2,
}


def _sign_all(cast: Cast, circle: Circle, agreement: CircleAgreement) -> None:
    for membership in circle_unsigned_members(circle):
        circle_agreement_sign(agreement=agreement, by=membership.enrollment.user)


def test_the_first_draft_starts_from_a_template_written_for_a_group(cast: Cast) -> None:
    circle = cast.active_circle()
    agreement = circle_agreement_write(circle=circle, by=cast.people[0].user, terms=TERMS)
    assert agreement.version == 1
    assert "stays in the circle" in agreement.confidentiality
    assert "hot seat" in agreement.hot_seat
    assert agreement.hot_seats_per_session == 2
    assert agreement.last_edited_by == cast.people[0].user


def test_once_every_member_signs_the_rhythm_becomes_the_circles(cast: Cast) -> None:
    circle = cast.active_circle()
    agreement = circle_agreement_write(circle=circle, by=cast.people[0].user, terms=TERMS)
    with pytest.raises(DomainError, match="every member has signed"):
        circle_check_agreed(circle=circle)
    _sign_all(cast, circle, agreement)
    assert CircleSignature.objects.filter(agreement=agreement).count() == 4
    circle_check_agreed(circle=circle)
    circle.refresh_from_db()
    assert (circle.weekday, circle.local_time, circle.time_zone) == (
        3,
        datetime.time(17, 30),
        "America/Chicago",
    )
    assert circle.hot_seats_per_session == 2


def test_a_revision_is_a_new_version_that_everyone_signs_again(cast: Cast) -> None:
    circle = cast.active_circle()
    first = circle_agreement_write(circle=circle, by=cast.people[0].user, terms=TERMS)
    _sign_all(cast, circle, first)
    second = circle_agreement_write(
        circle=circle, by=cast.people[1].user, terms={"cadence_weeks": 2}
    )
    assert second.version == 2 and second.purpose == TERMS["purpose"]
    assert not circle_is_agreed(circle)
    assert len(circle_unsigned_members(circle)) == 4
    with pytest.raises(DomainError, match="newer version"):
        circle_agreement_sign(agreement=first, by=cast.people[2].user)
    # The signed version stays as it was.
    first.refresh_from_db()
    assert first.cadence_weeks == 1 and first.signatures.count() == 4


def test_each_member_signs_once(cast: Cast) -> None:
    circle = cast.active_circle()
    agreement = circle_agreement_write(circle=circle, by=cast.people[0].user, terms=TERMS)
    circle_agreement_sign(agreement=agreement, by=cast.people[0].user)
    with pytest.raises(DomainError, match="already signed"):
        circle_agreement_sign(agreement=agreement, by=cast.people[0].user)


def test_only_members_write_or_sign(cast: Cast) -> None:
    circle = cast.active_circle()
    agreement = circle_agreement_write(circle=circle, by=cast.people[0].user, terms=TERMS)
    for outsider in (cast.people[6].user, cast.admin, cast.world.outsider):
        with pytest.raises(DomainError, match="members"):
            circle_agreement_write(circle=circle, by=outsider, terms={"derailers": "x"})
        with pytest.raises(DomainError, match="members"):
            circle_agreement_sign(agreement=agreement, by=outsider)
    assert circle.agreements.count() == 1
    assert not agreement.signatures.exists()


def test_bad_terms_are_refused_next_to_their_field(cast: Cast) -> None:
    circle = cast.active_circle()
    by = cast.people[0].user
    cases: dict[str, dict[str, Any]] = {
        "time_zone": {"time_zone": "Mars/Olympus"},
        "review_on": {"review_on": timezone.localdate()},
        "channels": {"channels": ["carrier pigeon"]},
        "hot_seats_per_session": {"hot_seats_per_session": 3},
        "purpose": {"purpose": ""},
    }
    for field, terms in cases.items():
        with pytest.raises(DomainError) as refused:
            circle_agreement_write(circle=circle, by=by, terms=terms)
        assert refused.value.field == field, field
    with pytest.raises(DomainError, match="Unknown"):
        circle_agreement_write(circle=circle, by=by, terms={"mentor_signed_at": None})
    assert not circle.agreements.exists()


def test_an_unchanged_revision_is_refused(cast: Cast) -> None:
    circle = cast.active_circle()
    circle_agreement_write(circle=circle, by=cast.people[0].user, terms=TERMS)
    with pytest.raises(DomainError, match="Nothing has changed"):
        circle_agreement_write(circle=circle, by=cast.people[1].user, terms=TERMS)


def test_a_replacement_signs_the_current_agreement_before_sessions(cast: Cast) -> None:
    circle = cast.active_circle()
    agreement = circle_agreement_write(circle=circle, by=cast.people[0].user, terms=TERMS)
    _sign_all(cast, circle, agreement)
    leaving = cast.membership(circle, cast.people[3])
    circle_leave(membership=leaving, by=cast.people[3].user, note="Thank you all.")
    newcomer = cast.people[6]
    place = circle_replacement_add(circle=circle, enrollment=newcomer, by=cast.admin)
    # A proposed place counts for nothing yet: the members agreed.
    assert circle_is_agreed(circle)
    circle_membership_answer(membership=place, by=newcomer.user, accept=True)
    assert not circle_is_agreed(circle)
    assert [m.enrollment for m in circle_unsigned_members(circle)] == [newcomer]
    circle_agreement_sign(agreement=agreement, by=newcomer.user)
    circle_check_agreed(circle=circle)
