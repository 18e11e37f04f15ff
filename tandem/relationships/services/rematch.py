"""After a match that was not a fit: what the next match takes from the reflection."""

import dataclasses

from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import Department, User
from tandem.core.errors import DomainError
from tandem.programs.models import Cadence, Enrollment, Topic
from tandem.programs.next_match import MAX_GAP_HOURS, MAX_WORDS, NextMatchAsks
from tandem.relationships.models import Reflection


def _check(asks: NextMatchAsks, enrollment: Enrollment) -> None:
    if asks.cadence and asks.cadence not in Cadence.values:
        raise DomainError("Choose a rhythm from the list.", field="cadence")
    gap = asks.max_time_zone_gap
    if gap is not None and not 0 <= gap <= MAX_GAP_HOURS:
        raise DomainError(
            f"Choose a time-zone limit of at most {MAX_GAP_HOURS:g} hours.",
            field="max_time_zone_gap",
        )
    if len(asks.words) > MAX_WORDS:
        raise DomainError(f"Keep the words under {MAX_WORDS} characters.", field="words")
    organization = enrollment.program.organization_id
    if asks.outside_departments:
        known = set(
            Department.objects.filter(
                organization_id=organization, name__in=asks.outside_departments
            ).values_list("name", flat=True)
        )
        if known != set(asks.outside_departments):
            raise DomainError(
                "Choose departments of this organization.", field="outside_departments"
            )
    if asks.min_expertise:
        if any(not 1 <= level <= 3 for level in asks.min_expertise.values()):
            raise DomainError("Choose a level from the list.", field="experience_level")
        topics = Topic.objects.filter(organization_id=organization, pk__in=asks.min_expertise)
        if topics.count() != len(asks.min_expertise):
            raise DomainError("Choose a topic of this program.", field="experience_topic")


@transaction.atomic
def next_match_asks_confirm(
    *, reflection: Reflection, author: User, asks: NextMatchAsks
) -> NextMatchAsks:
    """Store the asks a mentee confirmed after a reflection; the next matches follow them."""
    if reflection.author_id != author.pk:
        raise DomainError("Only the author of a reflection decides what it changes.")
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("program")
        .get(pk=reflection.relationship.mentee_id)
    )
    if enrollment.user_id != author.pk:
        raise DomainError("Only the author of a reflection decides what it changes.")
    _check(asks, enrollment)
    confirmed = dataclasses.replace(
        asks,
        from_relationship=reflection.relationship_id,
        confirmed_at=timezone.now().isoformat(),
        words=" ".join(asks.words.split()),
    )
    enrollment.next_match_asks = confirmed.to_json()
    enrollment.save(update_fields=["next_match_asks", "updated_at"])
    return NextMatchAsks.from_json(enrollment.next_match_asks)


@transaction.atomic
def reflection_share_set(*, reflection: Reflection, author: User, share: bool) -> Reflection:
    """Let the next mentor read a reflection, or stop sharing it, keeping its words."""
    reflection = Reflection.objects.select_for_update().get(pk=reflection.pk)
    if reflection.author_id != author.pk:
        raise DomainError("Only the author of a reflection decides who reads it.")
    reflection.share_with_next = share
    reflection.save(update_fields=["share_with_next", "updated_at"])
    return reflection
