"""Keep each relationship's stored last-met date equal to its latest held meeting.

Every write that holds, cancels, moves or removes meetings calls the one function here,
which recomputes the date from the meetings themselves, so the stored value cannot drift.
"""

from collections.abc import Iterable

from django.db.models import Max, OuterRef, QuerySet, Subquery

from tandem.relationships.models import Meeting, Relationship


def last_held_subquery(relationship: OuterRef | str = "pk") -> Subquery:
    """Return the start of the latest held meeting of the outer relationship."""
    outer = relationship if isinstance(relationship, OuterRef) else OuterRef(relationship)
    return Subquery(
        Meeting.objects.filter(relationship=outer, status=Meeting.Status.HELD)
        .order_by()
        .values("relationship")
        .annotate(last=Max("starts_at"))
        .values("last")
    )


def relationships_last_met_refresh(
    *, relationship_ids: Iterable[int] | QuerySet[Relationship, int]
) -> int:
    """Recompute the last-met date of these relationships from their meetings: one UPDATE.

    Takes ids, or a query of ids so that a bulk load refreshes a whole program at once.
    """
    if isinstance(relationship_ids, QuerySet):
        scope = Relationship.objects.filter(pk__in=relationship_ids)
    else:
        ids = sorted(set(relationship_ids))
        if not ids:
            return 0
        scope = Relationship.objects.filter(pk__in=ids)
    return scope.update(last_met_at=last_held_subquery())
