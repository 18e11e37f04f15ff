"""Proposals from matching rounds: shown with their reasons, accepted by both or by neither."""

import dataclasses
import datetime
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import User
from tandem.core.bulk import history_rows_insert, rows_insert
from tandem.core.errors import DomainError
from tandem.notifications.services import News, notify, notify_many
from tandem.notifications.when import local_date, local_dates
from tandem.policy.eligibility import lock_people, pair_check, pairs_refusals
from tandem.policy.eligibility.pairs import PAIR_FIELDS
from tandem.programs.models import Enrollment, Program, Topic
from tandem.relationships.events import proposals_published_emit
from tandem.relationships.models import Proposal, Relationship
from tandem.relationships.services.agreements import agreement_start


def _url(proposal: Proposal) -> str:
    return reverse("relationships:proposal", args=[proposal.pk])


def _url_of_proposal(pattern: str, proposal: Proposal) -> str:
    """Return ``_url(proposal)`` from the address of proposal 0."""
    head, _, tail = pattern.rpartition("/0/")
    return f"{head}/{proposal.pk}/{tail}"


def _received(
    proposal: Proposal, person: Enrollment, other: Enrollment, answer_by: str, url: str = ""
) -> News:
    return News(
        user=person.user,
        kind="proposal_received",
        title=f"A proposed match: {other.user.full_name}, on {proposal.focus_label}",
        body=f"Please say yes or no by {answer_by}.",
        url=url or _url(proposal),
    )


def _answer_by(proposal: Proposal, user: User) -> str:
    return local_date(user, proposal.expires_at, organization_id=proposal.program.organization_id)


@transaction.atomic
def proposal_create(
    *,
    program: Program,
    mentor: Enrollment,
    mentee: Enrollment,
    focus: Topic,
    score: float,
    reasons: Sequence[str],
    peer_focus: Topic | None = None,
) -> Proposal:
    """Propose a match to both people, with the reasons for it.

    In a peer program ``peer_focus`` is what the second peer (``mentor``) wants help with.
    """
    if mentor.program_id != program.pk or mentee.program_id != program.pk:
        raise DomainError("Both people must be in the program.")
    people = lock_people([mentor, mentee])
    pair_check(seeker=people[mentee.pk], giver=people[mentor.pk], focus=focus)
    try:
        with transaction.atomic():
            proposal = Proposal.objects.create(
                program=program,
                mentor=mentor,
                mentee=mentee,
                focus=focus,
                peer_focus=peer_focus if program.is_peer else None,
                score=score,
                reasons=list(reasons),
                expires_at=proposal_deadline(program),
            )
    except IntegrityError:
        raise DomainError("These two already have a proposal waiting.") from None
    for person, other in ((mentor, mentee), (mentee, mentor)):
        news = _received(proposal, person, other, _answer_by(proposal, person.user))
        notify(user=news.user, kind=news.kind, title=news.title, body=news.body, url=news.url)
    proposals_published_emit(
        organization_id=program.organization_id,
        program_id=program.pk,
        proposal_ids=[proposal.pk],
        expires_at=proposal.expires_at,
    )
    return proposal


@dataclass(frozen=True)
class ProposedPair:
    """A pair to propose, as ``proposal_create`` takes it."""

    mentor: Enrollment
    mentee: Enrollment
    focus: Topic
    score: float
    reasons: Sequence[str]
    peer_focus: Topic | None = None


class ProposalsRefused(DomainError):
    """The pairing policy refuses some of the pairs, so none was proposed."""

    def __init__(self, refused: list[tuple[ProposedPair, str]]) -> None:
        super().__init__(f"{len(refused)} pairs can no longer be proposed.")
        self.refused = refused


def proposal_deadline(program: Program) -> datetime.datetime:
    """Return when proposals made now expire, unanswered: one moment for a whole batch."""
    return timezone.now() + datetime.timedelta(days=program.proposal_response_days)


def _people_read(enrollments: Sequence[Enrollment]) -> dict[int, Enrollment]:
    """Read what ``lock_people(..., lean=True)`` reads of these people, without locking them."""
    rows = list(
        Enrollment.objects.select_related("user")
        .only(*PAIR_FIELDS)
        .filter(pk__in=sorted({e.pk for e in enrollments}))
    )
    programs = Program.objects.select_related("organization").in_bulk(
        {row.program_id for row in rows}
    )
    for row in rows:
        row.program = programs[row.program_id]
    return {row.pk: row for row in rows}


def _refused(
    program: Program, pairs: Sequence[ProposedPair], people: dict[int, Enrollment] | None
) -> tuple[list[ProposedPair], list[tuple[ProposedPair, str]]]:
    """Check the pairs in order, each holding its places for the next: (pairs, refused).

    The pairs come back with their people as read (``people``, or read here without locks).
    """
    refused = [
        (pair, "Both people must be in the program.")
        for pair in pairs
        if pair.mentor.program_id != program.pk or pair.mentee.program_id != program.pk
    ]
    if refused:
        return list(pairs), refused
    if people is None:
        people = _people_read([p.mentor for p in pairs] + [p.mentee for p in pairs])
    pairs = [
        dataclasses.replace(p, mentor=people[p.mentor.pk], mentee=people[p.mentee.pk])
        for p in pairs
    ]
    refusals = pairs_refusals([(p.mentee, p.mentor, p.focus) for p in pairs])
    return pairs, [(p, r.message) for p, r in zip(pairs, refusals, strict=True) if r is not None]


def proposals_refused(
    *, program: Program, pairs: Sequence[ProposedPair]
) -> list[tuple[ProposedPair, str]]:
    """Return the pairs ``proposals_create_all`` would refuse now, and why; lock nobody.

    The same checks in the same order: a publishing asks first, for all its pairs, then
    proposes them batch by batch, each batch checked again under its people's locks. The
    proposals of the batches before hold their places then, as the pairs before held them
    here, so the answer is the same unless someone changed in between.
    """
    _, refused = _refused(program, pairs, None)
    return refused


@transaction.atomic
def proposals_create_all(
    *,
    program: Program,
    pairs: Sequence[ProposedPair],
    expires_at: datetime.datetime | None = None,
) -> list[int]:
    """Propose every pair, as ``proposal_create`` does each, or none; return the new ids.

    The pairs are checked in order, each one holding its places for the next, so the
    answer is the one ``proposal_create`` called pair by pair would give. Raise
    ProposalsRefused, writing nothing, when the policy refuses any pair. Every proposal
    expires at ``expires_at`` (by default the program's answer time from now): a round
    proposed in several batches passes one moment to all of them.
    """
    if not pairs:
        return []
    # The people as read under their locks, with their names for the notifications: only
    # what the checks and the notifications read, since a round locks thousands.
    people = lock_people([p.mentor for p in pairs] + [p.mentee for p in pairs], lean=True)
    pairs, refused = _refused(program, pairs, people)
    if refused:
        raise ProposalsRefused(refused)
    proposals = _proposals_insert(program, pairs, expires_at or proposal_deadline(program))
    # Every proposal of the batch expires at the same moment.
    answer_by = local_dates(
        [p.mentor.user_id for p in pairs] + [p.mentee.user_id for p in pairs],
        proposals[0].expires_at,
        organization_id=program.organization_id,
    )
    # One address per proposal, for both people: reverse() is slow at tens of thousands.
    url = functools.partial(_url_of_proposal, reverse("relationships:proposal", args=[0]))
    notify_many(
        [
            _received(proposal, person, other, answer_by[person.user_id], url(proposal))
            for proposal in proposals
            for person, other in (
                (proposal.mentor, proposal.mentee),
                (proposal.mentee, proposal.mentor),
            )
        ]
    )
    return [proposal.pk for proposal in proposals]


def _proposals_insert(
    program: Program, pairs: Sequence[ProposedPair], expires_at: datetime.datetime
) -> list[Proposal]:
    now = timezone.now()
    rows: list[dict[str, Any]] = [
        {
            "program_id": program.pk,
            "mentor_id": pair.mentor.pk,
            "mentee_id": pair.mentee.pk,
            "focus_id": pair.focus.pk,
            "peer_focus_id": pair.peer_focus.pk if program.is_peer and pair.peer_focus else None,
            "score": pair.score,
            "reasons": list(pair.reasons),
            "status": Proposal.Status.PENDING,
            "expires_at": expires_at,
            "created_at": now,
            "updated_at": now,
        }
        for pair in pairs
    ]
    before = Proposal.objects.aggregate(last=Max("pk"))["last"] or 0
    try:
        with transaction.atomic():
            rows_insert(Proposal, rows)
    except IntegrityError:
        raise DomainError("Some of these pairs already have a proposal waiting.") from None
    # One waiting proposal per pair (a constraint): the pair finds its new row.
    ids = {
        (mentor, mentee): pk
        for pk, mentor, mentee in Proposal.objects.filter(
            program=program, pk__gt=before, created_at=now, status=Proposal.Status.PENDING
        ).values_list("pk", "mentor_id", "mentee_id")
    }
    for row in rows:
        row["id"] = ids[(row["mentor_id"], row["mentee_id"])]
    history_rows_insert(Proposal, rows, history_type="+", by_id=None, reason=None, when=now)
    proposals = []
    for pair, row in zip(pairs, rows, strict=True):
        proposal = Proposal(**row)
        proposal.program = program
        proposal.mentor, proposal.mentee, proposal.focus = pair.mentor, pair.mentee, pair.focus
        proposal.peer_focus = pair.peer_focus if row["peer_focus_id"] else None
        proposals.append(proposal)
    return proposals


@transaction.atomic
def proposal_answer(
    *, proposal: Proposal, by: User, accept: bool, private_reason: str = ""
) -> Proposal:
    """Record one person's yes or no; when both said yes, the relationship begins."""
    # Lock both people first (the same order as every other write that takes a place),
    # then the proposal.
    lock_people([proposal.mentor, proposal.mentee])
    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("program", "mentor__user", "mentee__user", "focus")
        .get(pk=proposal.pk)
    )
    if by.pk not in (proposal.mentor.user_id, proposal.mentee.user_id):
        raise DomainError("Only the two people proposed can answer.")
    if proposal.status != Proposal.Status.PENDING:
        raise DomainError(f"This proposal is already {proposal.get_status_display().lower()}.")
    if proposal.expires_at <= timezone.now():
        raise DomainError("The time to answer this proposal has passed.")
    side = proposal.side_of(by.pk)
    if getattr(proposal, f"{side}_answer"):
        raise DomainError("You have already answered this proposal.")
    setattr(proposal, f"{side}_answer", Proposal.Answer.YES if accept else Proposal.Answer.NO)
    other = proposal.mentee if side == "mentor" else proposal.mentor
    if not accept:
        setattr(proposal, f"{side}_decline_reason", private_reason.strip())
        proposal.status = Proposal.Status.DECLINED
        proposal.save()
        notify(
            user=other.user,
            kind="proposal_declined",
            title=f"The proposed match with {by.full_name} will not go ahead",
            body="Declined matches are a normal part of finding the right person; it says "
            "nothing about you. You stay in the next matching round.",
            url=_url(proposal),
        )
        return proposal
    # Each yes is checked against the rules as they stand now: a place may have been taken
    # since the round, or the pair may have become ineligible. This proposal's own places
    # are about to become the relationship's, so they are not counted against it.
    pair_check(
        seeker=proposal.mentee,
        giver=proposal.mentor,
        focus=proposal.focus,
        require_accepting=False,
        ignore_proposal=proposal.pk,
    )
    if proposal.mentor_answer == proposal.mentee_answer == Proposal.Answer.YES:
        proposal.relationship = _start(proposal)
        proposal.status = Proposal.Status.ACCEPTED
    proposal.save()
    if proposal.relationship is None:
        notify(
            user=other.user,
            kind="proposal_half_accepted",
            title=f"{by.display_name} said yes to your proposed match",
            body="It starts as soon as you say yes too.",
            url=_url(proposal),
        )
    return proposal


def _start(proposal: Proposal) -> Relationship:
    relationship = Relationship.objects.create(
        program=proposal.program,
        mentor=proposal.mentor,
        mentee=proposal.mentee,
        focus=proposal.focus,
        peer_focus=proposal.peer_focus,
        origin=Relationship.Origin.PROPOSAL,
    )
    agreement_start(relationship=relationship)
    for person in (proposal.mentor, proposal.mentee):
        notify(
            user=person.user,
            kind="proposal_accepted",
            title="You both said yes! Next: write your agreement together",
            url=reverse("relationships:agreement", args=[relationship.pk]),
        )
    return relationship


def proposals_expire(*, now: datetime.datetime | None = None) -> int:
    """Close proposals nobody finished answering in time; return how many."""
    now = now or timezone.now()
    due = Proposal.objects.select_related("mentor__user", "mentee__user").filter(
        status=Proposal.Status.PENDING, expires_at__lte=now
    )
    count = 0
    for proposal in due:
        # One transaction per proposal: a worker killed between the two writes leaves the
        # proposal pending, so the next sweep expires it and tells both people.
        with transaction.atomic():
            if not Proposal.objects.filter(pk=proposal.pk, status=Proposal.Status.PENDING).update(
                status=Proposal.Status.EXPIRED
            ):
                continue
            # The claim above is a queryset update, which the audit trail does not see.
            proposal.status = Proposal.Status.EXPIRED
            Proposal.history.bulk_history_create([proposal], update=True)
            for person in (proposal.mentor, proposal.mentee):
                notify(
                    user=person.user,
                    kind="proposal_expired",
                    title="A proposed match lapsed without both answers",
                    body="No harm done: you stay in the next matching round.",
                    url=_url(proposal),
                    dedupe_key=f"proposal-expired-{proposal.pk}",
                )
            count += 1
    return count
