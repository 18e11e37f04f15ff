"""A circle's agreement: drafted and revised by its members, signed by every one of them."""

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from tandem.accounts import time_zones
from tandem.accounts.models import User
from tandem.circles.models import Circle, CircleAgreement, CircleSignature
from tandem.circles.selectors import circle_agreement_current, circle_is_agreed
from tandem.circles.services.guards import circle_locked, clean_or_refuse, member_of
from tandem.core.errors import DomainError
from tandem.programs.models import MeetingMode


def circle_agreement_template(circle: Circle) -> dict[str, Any]:
    """Return a first draft written for a group, with the circle's rhythm."""
    return {
        "purpose": "",
        "confidentiality": (
            "What members bring stays in the circle: we do not repeat it, name anyone, or "
            "pass it on outside, and nothing from the circle reaches anyone's manager."
        ),
        "attendance": (
            "We come to every session we can, and say so in advance when we cannot, so that "
            "the hot seat passes to someone who will be there."
        ),
        "hot_seat": (
            "Each session one or two members take the hot seat in turn; everyone has a turn "
            "before anyone has a second. The hot seat brings one question; the others ask "
            "before they advise. Members may swap turns."
        ),
        **{name: getattr(circle, name) for name in Circle.RHYTHM_FIELDS},
        "topics_welcome": "",
        "topics_off_limits": "",
        "channels": [MeetingMode.VIDEO.value],
        "accountability": (
            "Each of us may say what we will do by the next session; we follow it up there, "
            "without blame."
        ),
        "derailers": "",
        "review_on": timezone.localdate() + datetime.timedelta(days=90),
        "exit_clause": (
            "Anyone may leave at any time, with a word to the circle if they wish; the circle "
            "may pause, take in someone new, or close."
        ),
    }


def _check_terms(terms: Mapping[str, Any]) -> None:
    unknown = set(terms) - set(CircleAgreement.TERMS)
    if unknown:
        raise DomainError(f"Unknown agreement terms: {', '.join(sorted(unknown))}.")
    channels = terms.get("channels", [])
    if not isinstance(channels, list) or any(c not in MeetingMode.values for c in channels):
        raise DomainError("Choose the channels from the list.", field="channels")
    zone = terms.get("time_zone")
    if zone is not None and not (isinstance(zone, str) and time_zones.is_valid(zone)):
        raise DomainError("Choose a time zone from the list.", field="time_zone")
    review_on = terms.get("review_on")
    if isinstance(review_on, datetime.date):
        review_date_check(review_on)


def review_date_check(review_on: datetime.date) -> None:
    """Refuse a review date that is not in the future: the circle reviews what is to come."""
    if review_on <= timezone.localdate():
        raise DomainError("Choose a review date in the future.", field="review_on")


@transaction.atomic
def circle_agreement_write(
    *, circle: Circle, by: User, terms: Mapping[str, Any]
) -> CircleAgreement:
    """Write a new version of the circle's agreement; every member signs it afresh.

    Terms not given carry over from the latest version (or the template for the first).
    """
    circle = circle_locked(circle)
    member_of(circle, by)
    if circle.state == Circle.State.CLOSED:
        raise DomainError("This circle has closed.")
    _check_terms(terms)
    current = circle_agreement_current(circle)
    base = (
        {name: getattr(current, name) for name in CircleAgreement.TERMS}
        if current is not None
        else circle_agreement_template(circle)
    )
    merged = {**base, **terms}
    if current is not None and merged == base:
        raise DomainError(f"Nothing has changed since version {current.version}.")
    agreement = CircleAgreement(
        circle=circle,
        version=current.version + 1 if current is not None else 1,
        last_edited_by=by,
        **merged,
    )
    clean_or_refuse(agreement, exclude=["circle", "last_edited_by"])
    agreement.save()
    return agreement


@transaction.atomic
def circle_agreement_sign(*, agreement: CircleAgreement, by: User) -> CircleSignature:
    """Sign the latest version; once every member has, its rhythm becomes the circle's."""
    circle = circle_locked(agreement.circle)
    membership = member_of(circle, by)
    if circle.state == Circle.State.CLOSED:
        raise DomainError("This circle has closed.")
    current = circle_agreement_current(circle)
    if current is None or current.pk != agreement.pk:
        raise DomainError("There is a newer version of this agreement: read and sign that one.")
    if CircleSignature.objects.filter(agreement=current, membership=membership).exists():
        raise DomainError("You have already signed this version.")
    signature = CircleSignature.objects.create(agreement=current, membership=membership)
    if circle_is_agreed(circle):
        for name in Circle.RHYTHM_FIELDS:
            setattr(circle, name, getattr(current, name))
        circle.save(update_fields=[*Circle.RHYTHM_FIELDS, "updated_at"])
    return signature


def circle_check_agreed(*, circle: Circle) -> None:
    """Refuse unless every member has signed the latest agreement: sessions wait for it."""
    if not circle_is_agreed(circle):
        raise DomainError(
            "Sessions can be planned once every member has signed the circle's agreement."
        )
