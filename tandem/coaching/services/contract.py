"""The contract of an engagement: its numbers, its sponsor and its objectives.

Coach and client write it together while the relationship is agreeing, next to the
agreement that holds its scope and the client's accountability. A change clears the
signatures already given to the draft agreement, as a change to the agreement does, so that
both sign the same contract; once both have signed, nothing here changes.
"""

import datetime
from decimal import Decimal
from typing import Literal

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import User
from tandem.coaching.models import (
    ENGAGEMENT_LONGEST,
    HOURS_MOST,
    OBJECTIVES_MOST,
    SESSIONS_MOST,
    Engagement,
    Objective,
)
from tandem.core.errors import DomainError
from tandem.notifications.services import notify
from tandem.policy.access.coaching import sponsor_candidates
from tandem.relationships.models import Relationship
from tandem.relationships.services.agreements import agreement_draft_changed

# A contract that starts further back than this was written after the work began.
STARTS_EARLIEST = datetime.timedelta(days=90)
TEXT_LONGEST = 200


def contract_is_open(engagement: Engagement) -> bool:
    """Say whether the contract may still change: agreeing, and not yet signed by both."""
    relationship = engagement.relationship
    if relationship.status != Relationship.Status.AGREEING:
        return False
    draft = relationship.agreements.order_by("-version").first()
    return draft is not None and not draft.is_signed


def _lock(engagement: Engagement, by: User) -> Engagement:
    engagement = (
        Engagement.objects.select_for_update(of=("self",))
        .select_related(
            "relationship__program__organization",
            "relationship__mentor__user",
            "relationship__mentee__user",
        )
        .get(pk=engagement.pk)
    )
    if by.pk not in engagement.relationship.participant_ids():
        raise DomainError("Only the coach and the client write their contract.")
    if not contract_is_open(engagement):
        raise DomainError(
            "The contract is signed by both of you; it no longer changes. End the engagement "
            "and start a new one to contract different work."
        )
    return engagement


def _changed(engagement: Engagement, by: User) -> None:
    """Clear the draft's signatures and tell the partner whose signature no longer holds."""
    relationship = engagement.relationship
    draft = agreement_draft_changed(relationship=relationship, by=by)
    if draft is None:
        return
    notify(
        user=relationship.partner_of(by.pk).user,
        kind="agreement_edited",
        title=f"{by.display_name} changed your coaching contract",
        url=reverse("coaching:contract", args=[engagement.pk]),
        body="The signatures on the draft are cleared: read the changes and sign again.",
    )


def _check_numbers(
    *,
    sessions_contracted: int,
    hours_contracted: Decimal,
    starts_on: datetime.date,
    ends_on: datetime.date,
    paid_by: str,
) -> None:
    if not 1 <= sessions_contracted <= SESSIONS_MOST:
        raise DomainError(
            f"Contract between 1 and {SESSIONS_MOST} sessions.", field="sessions_contracted"
        )
    if not Decimal("0.5") <= hours_contracted <= HOURS_MOST:
        raise DomainError(
            f"Contract between half an hour and {HOURS_MOST} hours.", field="hours_contracted"
        )
    if hours_contracted * 2 != int(hours_contracted * 2):
        raise DomainError("Count hours in halves, e.g. 7.5.", field="hours_contracted")
    if starts_on < timezone.localdate() - STARTS_EARLIEST:
        raise DomainError("Pick a start within the last three months or later.", field="starts_on")
    if ends_on <= starts_on:
        raise DomainError("The engagement ends after it starts.", field="ends_on")
    if ends_on - starts_on > ENGAGEMENT_LONGEST:
        raise DomainError("An engagement lasts at most two years.", field="ends_on")
    if paid_by not in Engagement.Payer.values:
        raise DomainError("Choose who pays.", field="paid_by")


def sponsor_find(*, engagement: Engagement, query: str) -> User | None:
    """Return the member whose e-mail address names the sponsor; None for an empty field."""
    # An exact address only, and an error that never names anyone: the field must not let a
    # coach, perhaps from outside the organization, look up its members.
    query = query.strip()
    if not query:
        return None
    found = sponsor_candidates(engagement).filter(email__iexact=query).first()
    if found is not None:
        return found
    participants = engagement.relationship.participant_ids()
    if User.objects.filter(email__iexact=query, pk__in=participants).exists():
        raise DomainError(
            "The coach and the client cannot sponsor their own engagement.", field="sponsor"
        )
    raise DomainError("No member of the organization has that e-mail address.", field="sponsor")


@transaction.atomic
def engagement_terms_update(
    *,
    engagement: Engagement,
    by: User,
    sessions_contracted: int,
    hours_contracted: Decimal,
    starts_on: datetime.date,
    ends_on: datetime.date,
    paid_by: str,
    budget_code: str,
    sponsor: str,
) -> Engagement:
    """Change the contract's numbers, payer and sponsor (named by e-mail address)."""
    engagement = _lock(engagement, by)
    _check_numbers(
        sessions_contracted=sessions_contracted,
        hours_contracted=hours_contracted,
        starts_on=starts_on,
        ends_on=ends_on,
        paid_by=paid_by,
    )
    budget_code = budget_code.strip()
    if len(budget_code) > 40:
        raise DomainError("Keep the budget code to 40 characters.", field="budget_code")
    sponsor_user = sponsor_find(engagement=engagement, query=sponsor)
    values = {
        "sessions_contracted": sessions_contracted,
        "hours_contracted": hours_contracted,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "paid_by": paid_by,
        "budget_code": budget_code,
        "sponsor": sponsor_user,
    }
    changed = [name for name, value in values.items() if getattr(engagement, name) != value]
    if not changed:
        return engagement
    for name in changed:
        setattr(engagement, name, values[name])
    engagement.save(update_fields=[*changed, "updated_at"])
    _changed(engagement, by)
    return engagement


def _check_objective(text: str, measure: str) -> tuple[str, str]:
    text, measure = text.strip(), measure.strip()
    if not text:
        raise DomainError("Write what the client wants to achieve.", field="text")
    if not measure:
        raise DomainError("Write how both of you will know it happened.", field="measure")
    for name, value in (("text", text), ("measure", measure)):
        if len(value) > TEXT_LONGEST:
            raise DomainError(f"Keep it to {TEXT_LONGEST} characters.", field=name)
    return text, measure


def _locked_objective(objective: Objective, by: User) -> tuple[Engagement, Objective]:
    engagement = _lock(objective.engagement, by)
    return engagement, Objective.objects.select_for_update().get(pk=objective.pk)


@transaction.atomic
def objective_add(*, engagement: Engagement, by: User, text: str, measure: str) -> Objective:
    """Add an objective, with its measure, at the end of the contract's list."""
    engagement = _lock(engagement, by)
    text, measure = _check_objective(text, measure)
    if engagement.objectives.count() >= OBJECTIVES_MOST:
        raise DomainError(
            f"A contract holds at most {OBJECTIVES_MOST} objectives: fewer, sharper ones get done.",
            field="text",
        )
    last = engagement.objectives.aggregate(p=Max("position"))["p"] or 0
    objective = Objective.objects.create(
        engagement=engagement, position=last + 1, text=text, measure=measure
    )
    _changed(engagement, by)
    return objective


@transaction.atomic
def objective_update(*, objective: Objective, by: User, text: str, measure: str) -> Objective:
    """Reword an objective or its measure."""
    engagement, objective = _locked_objective(objective, by)
    text, measure = _check_objective(text, measure)
    if (objective.text, objective.measure) == (text, measure):
        return objective
    objective.text, objective.measure = text, measure
    objective.save(update_fields=["text", "measure", "updated_at"])
    _changed(engagement, by)
    return objective


@transaction.atomic
def objective_remove(*, objective: Objective, by: User) -> None:
    """Take an objective out of the contract; the last one stays until another is written."""
    engagement, objective = _locked_objective(objective, by)
    if engagement.objectives.count() <= 1:
        raise DomainError(
            "A contract keeps at least one objective: write the new one before removing this."
        )
    objective.delete()
    _changed(engagement, by)


@transaction.atomic
def objective_move(
    *, objective: Objective, by: User, direction: Literal["up", "down"]
) -> Objective:
    """Move an objective one place up or down the list."""
    engagement, objective = _locked_objective(objective, by)
    ordered = list(engagement.objectives.order_by("position", "id"))
    index = next(i for i, o in enumerate(ordered) if o.pk == objective.pk)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(ordered):
        raise DomainError("That objective cannot move further.")
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered, start=1):
        item.position = position
    Objective.objects.bulk_update(ordered, ["position"])
    _changed(engagement, by)
    return ordered[other]
