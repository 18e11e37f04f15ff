"""Writes for matching rounds: set up, run in the background, review, publish."""

import datetime
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone

from tandem.accounts.models import User
from tandem.core.errors import DomainError
from tandem.matching.circle_review import round_circles_publish
from tandem.matching.models import MatchingRound, RoundPair
from tandem.policy.eligibility import (
    lock_people,
    mentors_still_wanted,
    pair_refusal,
    places_left,
)
from tandem.programs.models import Enrollment, Program, Topic
from tandem.relationships.events import proposals_published_emit
from tandem.relationships.models import Proposal
from tandem.relationships.services import (
    ProposalsRefused,
    ProposedPair,
    proposal_deadline,
    proposals_create_all,
    proposals_refused,
)

DEFAULT_WEIGHTS = {
    "focus": 0.40,
    "lexical": 0.20,
    "attributes": 0.10,
    "time_zone": 0.10,
    "modes": 0.10,
    "seniority": 0.10,
}
WEIGHT_LABELS = {
    "focus": "Focus areas covered by expertise",
    "lexical": "Goals in their own words match the mentor's experience",
    "attributes": "Shares what the mentee asked a mentor to share",
    "time_zone": "Time zones overlap",
    "modes": "Same ways of meeting",
    "seniority": "Seniority gap",
}


def _check_settings(weights: dict[str, float], rules: dict[str, object]) -> None:
    if set(weights) - set(DEFAULT_WEIGHTS):
        raise DomainError("Unknown weight.", field="weights")
    if any(not 0 <= value <= 1 for value in weights.values()):
        raise DomainError("Weights go from 0 to 1.", field="weights")
    if sum(weights.values()) <= 0:
        raise DomainError("At least one weight must be above 0.", field="weights")
    gap = rules.get("max_utc_gap_hours")
    if gap is not None and not (isinstance(gap, int | float) and 0 <= gap <= 24):
        raise DomainError("A time-zone gap is between 0 and 24 hours.", field="max_utc_gap_hours")


@transaction.atomic
def round_create(
    *,
    program: Program,
    by: User,
    name: str,
    solver: str,
    participation_first: bool,
    weights: dict[str, float],
    rules: dict[str, object],
    seed: int = 1,
) -> MatchingRound:
    """Set up a matching round for a program that matches in rounds."""
    if program.matching_mode == Program.MatchingMode.CHOICE:
        raise DomainError("In this program mentees choose their mentors; it has no rounds.")
    if solver not in MatchingRound.Solver.values:
        raise DomainError("Choose a way to match.", field="solver")
    if program.is_circles:
        # Circles are grouped by their own fit, within the program's sizes and the policy.
        weights, rules = {}, {}
    else:
        _check_settings(weights, rules)
    return MatchingRound.objects.create(
        program=program,
        created_by=by,
        name=name.strip() or f"Round of {timezone.localdate()}",
        solver=solver,
        participation_first=participation_first,
        weights=weights,
        rules=rules,
        seed=seed,
    )


@transaction.atomic
def round_start(*, matching_round: MatchingRound) -> MatchingRound:
    """Queue a run in the background; pairs the admin locked are kept."""
    from tandem.matching.tasks import run_round

    matching_round = MatchingRound.objects.select_for_update().get(pk=matching_round.pk)
    if not matching_round.editable:
        raise DomainError(f"A {matching_round.get_status_display().lower()} round cannot run.")
    _refuse_when_partly_sent(matching_round, "it can no longer run again")
    matching_round.status = MatchingRound.Status.RUNNING
    matching_round.started_at = matching_round.finished_at = None
    matching_round.progress = 0
    matching_round.progress_note = "Waiting for a worker"
    matching_round.error = ""
    matching_round.save()
    round_id = matching_round.pk
    transaction.on_commit(lambda: run_round.enqueue(round_id))
    return matching_round


def _refuse_when_partly_sent(matching_round: MatchingRound, so: str) -> None:
    """Refuse to run or cancel a round whose publishing stopped mid-way: its proposals are out."""
    sent = matching_round.pairs.filter(proposal__isnull=False).count()
    if sent:
        some = (
            f"{sent:,} proposals of this round are" if sent > 1 else "A proposal of this round is"
        )
        raise DomainError(
            f"{some} already sent, so {so}. Remove the pairs you do not want proposed, then "
            "publish to send the rest."
        )


def _pair_for(matching_round: MatchingRound, pair_id: int) -> RoundPair:
    if matching_round.status != MatchingRound.Status.READY:
        raise DomainError("Pairs can be changed while the round is ready for review.")
    pair = (
        RoundPair.objects.filter(round=matching_round, pk=pair_id)
        .select_related("mentee__membership", "mentor")
        .first()
    )
    if pair is None:
        raise DomainError("That pair is not in this round.")
    if pair.sent:
        raise DomainError(
            "This pair's proposal is already sent to both people; the pair can no longer be "
            "removed or changed."
        )
    return pair


@transaction.atomic
def pair_remove(*, matching_round: MatchingRound, pair_id: int) -> None:
    """Take a pair out of the round before publishing."""
    _pair_for(matching_round, pair_id).delete()


def _check_round_pair(
    matching_round: MatchingRound, pair: RoundPair, mentee: Enrollment, mentor: Enrollment
) -> None:
    """Refuse a pair the pairing policy refuses, or that overfills someone in this round."""
    people = lock_people([mentee, mentor])
    mentee, mentor = people[mentee.pk], people[mentor.pk]
    refusal = pair_refusal(seeker=mentee, giver=mentor, focus=pair.focus)
    if refusal is not None:
        raise DomainError(refusal.message, field="mentor")
    others = matching_round.pairs.exclude(pk=pair.pk)
    # The pairs already sent hold their places as waiting proposals, which the policy and
    # places_left count: here only the pairs still to send.
    to_send = others.filter(proposal__isnull=True)
    in_round = to_send.filter(mentor=mentor).count()
    if matching_round.program.is_peer:
        in_round += to_send.filter(mentee=mentor).count()
    if places_left(mentor) - in_round <= 0:
        raise DomainError(
            f"{mentor.user.display_name} has no free place left in this round.", field="mentor"
        )
    wanted = to_send.filter(mentee=mentee).count()
    if matching_round.program.is_peer:
        wanted += to_send.filter(mentor=mentee).count()
    if mentors_still_wanted(mentee) - wanted <= 0:
        raise DomainError(
            f"{mentee.user.display_name} already has as many matches in this round as they want.",
            field="mentor",
        )
    if to_send.filter(mentee=mentee, focus=pair.focus).exists():
        raise DomainError(
            f"{mentee.user.display_name} already has a mentor for {pair.focus} in this round.",
            field="mentor",
        )
    if (
        others.filter(mentee=mentee, mentor=mentor).exists()
        or others.filter(mentee=mentor, mentor=mentee).exists()
    ):
        raise DomainError("That pair is already in the round.", field="mentor")


@transaction.atomic
def pair_lock(*, matching_round: MatchingRound, pair_id: int, locked: bool) -> RoundPair:
    """Keep a pair as it is the next time the round runs, or release it."""
    pair = _pair_for(matching_round, pair_id)
    if locked:
        # A locked pair is kept whatever the engine finds, so it must still be allowed.
        _check_round_pair(matching_round, pair, pair.mentee, pair.mentor)
    pair.locked = locked
    pair.save(update_fields=["locked"])
    return pair


@transaction.atomic
def pair_swap_mentor(
    *, matching_round: MatchingRound, pair_id: int, mentor: Enrollment
) -> RoundPair:
    """Give a mentee another mentor by hand; the pairing policy still holds."""
    pair = _pair_for(matching_round, pair_id)
    if mentor.program_id != matching_round.program_id:
        raise DomainError("Choose a mentor of this program.", field="mentor")
    _check_round_pair(matching_round, pair, pair.mentee, mentor)
    pair.mentor = mentor
    pair.reasons = ["Chosen by the program admins"]
    pair.components = {}
    pair.locked = True
    pair.save(update_fields=["mentor", "reasons", "components", "locked"])
    return pair


@transaction.atomic
def round_publish_start(*, matching_round: MatchingRound) -> MatchingRound:
    """Queue the publishing of a round for the task worker; a second click queues nothing."""
    from tandem.matching.tasks import publish_round

    matching_round = MatchingRound.objects.select_for_update().get(pk=matching_round.pk)
    if matching_round.status == MatchingRound.Status.PUBLISHING:
        return matching_round
    if matching_round.status != MatchingRound.Status.READY:
        raise DomainError("Only a round that is ready for review can be published.")
    if matching_round.program.format == Program.Format.CIRCLES:
        if not matching_round.circles.exists():
            raise DomainError("This round has no circles to publish.")
    elif not matching_round.pairs.exists():
        raise DomainError("This round has no pairs to publish.")
    matching_round.status = MatchingRound.Status.PUBLISHING
    matching_round.error = ""
    matching_round.progress = 0
    matching_round.progress_note = "Waiting for a worker"
    matching_round.save(
        update_fields=["status", "error", "progress", "progress_note", "updated_at"]
    )
    round_id = matching_round.pk
    transaction.on_commit(lambda: publish_round.enqueue(round_id))
    return matching_round


PUBLISH_STOPPED = (
    "Publishing stopped on an unexpected error, so nothing was published. Try again; if it "
    "stops again, ask whoever runs Tandem for your organization to look at the task log."
)

# How many pairs one transaction proposes: their people's locks, the proposals, their
# notifications and e-mails, the pairs' links to them and the round's progress commit
# together, and the page shows the progress between two of them.
PUBLISH_CHUNK = 2_500


def round_publish_run(*, round_id: int) -> str:
    """Publish a queued round; a round not waiting to publish is left alone.

    On a refusal the round goes back to review with the reason on its page; on any other
    error it goes back to review too, and the error is raised again for the log. Either
    way the proposals already sent stay, and publishing again sends the rest.
    """
    matching_round = (
        MatchingRound.objects.select_related("program")
        .filter(pk=round_id, status=MatchingRound.Status.PUBLISHING)
        .first()
    )
    if matching_round is None:
        return "skipped"
    try:
        what = "circle" if matching_round.program.is_circles else "pair"
        MatchingRound.objects.filter(pk=round_id, status=MatchingRound.Status.PUBLISHING).update(
            progress_note=f"Checking every {what} against the rules"
        )
        round_publish(matching_round=matching_round)
    except DomainError as error:
        # Refused, unless another run published the round meanwhile.
        return "refused" if _publish_stop(round_id, error.message) else "skipped"
    except Exception:
        _publish_stop(round_id, None)
        raise
    matching_round.refresh_from_db(fields=["status"])
    return "published" if matching_round.status == MatchingRound.Status.PUBLISHED else "skipped"


def _publish_stop(round_id: int, message: str | None) -> bool:
    """Put a round being published back to review, saying why (None: an unexpected error).

    Return False when the round was no longer being published.
    """
    with transaction.atomic():
        matching_round = (
            MatchingRound.objects.select_for_update()
            .filter(pk=round_id, status=MatchingRound.Status.PUBLISHING)
            .first()
        )
        if matching_round is None:
            return False
        if message is None:
            sent, total = _sent_of(matching_round)
            message = PUBLISH_STOPPED
            if sent:
                message = (
                    f"Publishing stopped on an unexpected error with {sent:,} of {total:,} "
                    "proposals sent. Publish again to send the rest; if it stops again, ask "
                    "whoever runs Tandem for your organization to look at the task log."
                )
        matching_round.status = MatchingRound.Status.READY
        matching_round.error = message
        matching_round.save(update_fields=["status", "error", "updated_at"])
        return True


def round_publish(*, matching_round: MatchingRound) -> int:
    """Turn every pair not yet sent into a proposal both people must accept; return how many.

    First every pair still to send is checked, in order and locking nobody: if the pairing
    policy now refuses any (someone filled their places or left since the round ran),
    nothing is sent and the admin is told which pairs to remove. Then the pairs go out
    ``PUBLISH_CHUNK`` at a time, each chunk checked again under its people's locks and
    written in its own transaction with the round's progress. A chunk refused then (someone
    changed in the meantime) stops the publishing; the chunks before it stay sent. A pair
    already sent is never sent again, so a second run, at once or later, sends only the
    rest. The round is published once every pair has its proposal.

    A circles round is published whole, in one transaction, all or nothing.
    """
    plan = _publish_check(matching_round.pk)
    if isinstance(plan, int):
        return plan
    sent = 0
    for start in range(0, len(plan.pair_ids), PUBLISH_CHUNK):
        chunk = _publish_chunk(plan, plan.pair_ids[start : start + PUBLISH_CHUNK])
        if chunk is None:
            break  # another run finished or stopped the publishing
        if not sent and start + PUBLISH_CHUNK < len(plan.pair_ids):
            _statistics_refresh()
        sent += chunk
    return sent


def _statistics_refresh() -> None:
    """Tell the database's planner about the proposals the first chunk added.

    Each chunk counts people's places, waiting proposals included, person by person. With
    statistics from before the first chunk (no waiting proposal, say) the planner may scan
    every waiting proposal for each person, and each chunk then costs more than the one
    before; SQLite, which keeps no statistics until asked, does so from the start.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # Sample rather than read the whole table and its indexes.
            cursor.execute("PRAGMA analysis_limit = 1000")
        cursor.execute(f"ANALYZE {Proposal._meta.db_table}")


def _publishable(round_id: int) -> MatchingRound:
    """Lock the round (to the end of the transaction) if it is ready or being published."""
    matching_round = (
        MatchingRound.objects.select_for_update(of=("self",))
        .select_related("program")
        .filter(pk=round_id)
        .first()
    )
    allowed = (MatchingRound.Status.READY, MatchingRound.Status.PUBLISHING)
    if matching_round is None or matching_round.status not in allowed:
        raise DomainError("Only a round that is ready for review can be published.")
    return matching_round


@dataclass(frozen=True)
class _Plan:
    """What the check up front hands each chunk: the same for the whole publishing."""

    round_id: int
    # The status the round must keep: a chunk finding another stops (another run ended it).
    status: str
    # The pairs to send, in the order they were checked.
    pair_ids: list[int]
    # Every proposal of the round expires at this one moment.
    expires_at: datetime.datetime


def _publish_check(round_id: int) -> _Plan | int:
    """Check every pair still to send, as the chunks will propose them, and plan the chunks.

    The round stays locked while it is checked: a chunk of another run waits, so the pairs
    read as not yet sent and the places the policy counts are those of one moment. A
    circles round is published here whole; the count of what was published comes back
    instead of a plan then, and 0 when every pair is already sent.
    """
    with transaction.atomic():
        matching_round = _publishable(round_id)
        if matching_round.program.format == Program.Format.CIRCLES:
            count = len(round_circles_publish(matching_round=matching_round))
            _published(matching_round)
            return count
        pair_ids, pairs = _unsent(matching_round)
        sent, total = _sent_of(matching_round)
        if not total:
            raise DomainError("This round has no pairs to publish.")
        if not pairs:
            _published(matching_round)
            return 0
        refused = proposals_refused(program=matching_round.program, pairs=pairs)
        if refused:
            raise DomainError(
                _refused_message(refused, sent=sent, total=total, program=matching_round.program)
            )
        _progress(matching_round, sent, total)
        return _Plan(
            round_id=round_id,
            status=matching_round.status,
            pair_ids=pair_ids,
            expires_at=_deadline(matching_round),
        )


def _deadline(matching_round: MatchingRound) -> datetime.datetime:
    """Return when the round's proposals expire: the first ones' moment, while still ahead."""
    earlier = (
        matching_round.pairs.filter(proposal__isnull=False)
        .values_list("proposal__expires_at", flat=True)
        .first()
    )
    if earlier is not None and earlier > timezone.now():
        return earlier
    return proposal_deadline(matching_round.program)


def _publish_chunk(plan: _Plan, pair_ids: list[int]) -> int | None:
    """Propose these pairs of the plan not yet sent; return how many, None if stopped.

    The round's lock is held to the commit, so two runs never send the same chunk: the
    second waits, then reads its pairs as sent.
    """
    with transaction.atomic():
        matching_round = (
            MatchingRound.objects.select_for_update(of=("self",))
            .select_related("program")
            .filter(pk=plan.round_id, status=plan.status)
            .first()
        )
        if matching_round is None:
            return None
        program = matching_round.program
        ids, pairs = _unsent(matching_round, pair_ids)
        if pairs:
            try:
                proposal_ids = proposals_create_all(
                    program=program, pairs=pairs, expires_at=plan.expires_at
                )
            except ProposalsRefused as refusal:
                sent, total = _sent_of(matching_round)
                raise DomainError(
                    _refused_message(refusal.refused, sent=sent, total=total, program=program)
                ) from None
            # Each pair's proposal is the one waiting between its two people (one at most).
            RoundPair.objects.filter(pk__in=ids).update(
                proposal=Subquery(
                    Proposal.objects.filter(
                        program=program,
                        status=Proposal.Status.PENDING,
                        mentor=OuterRef("mentor"),
                        mentee=OuterRef("mentee"),
                    )
                    .order_by()
                    .values("pk")[:1]
                )
            )
            # One event per chunk, however many proposals it holds.
            proposals_published_emit(
                organization_id=program.organization_id,
                program_id=program.pk,
                proposal_ids=proposal_ids,
                expires_at=plan.expires_at,
                round_id=matching_round.pk,
            )
        sent, total = _sent_of(matching_round)
        if sent == total:
            _published(matching_round)
        else:
            _progress(matching_round, sent, total)
        return len(pairs)


def _sent_of(matching_round: MatchingRound) -> tuple[int, int]:
    """Return how many of the round's pairs have their proposal, and how many pairs it has."""
    counts = matching_round.pairs.aggregate(sent=Count("proposal"), total=Count("pk"))
    return counts["sent"], counts["total"]


def _progress(matching_round: MatchingRound, sent: int, total: int) -> None:
    """Record how far the publishing is, for the round's page (not a change for its history)."""
    if sent:
        note = f"Sent {sent:,} of {total:,} proposals"
    else:
        note = f"Every pair may still be proposed; sending {total:,} proposals"
    MatchingRound.objects.filter(pk=matching_round.pk).update(
        progress=sent * 100 // total, progress_note=note
    )


# What publishing reads of each pair: the people stand in by their ids and programs, read
# with the pairs (asking for thousands of ids again costs more); proposals_create_all and
# proposals_refused read what they need of them.
_PAIR_VALUES = (
    "pk",
    "mentee_id",
    "mentee__program_id",
    "mentor_id",
    "mentor__program_id",
    "focus_id",
    "peer_focus_id",
    "score",
    "reasons",
)


def _unsent(
    matching_round: MatchingRound, pair_ids: list[int] | None = None
) -> tuple[list[int], list[ProposedPair]]:
    """Return the round's pairs without a proposal (of ``pair_ids``), best first."""
    rows = matching_round.pairs.filter(proposal__isnull=True)
    if pair_ids is not None:
        rows = rows.filter(pk__in=pair_ids)
    values = list(rows.order_by("-score", "pk").values_list(*_PAIR_VALUES))
    if not values:
        return [], []
    people: dict[int, Enrollment] = {}
    for _, mentee, mentee_program, mentor, mentor_program, *_rest in values:
        for pk, program_id in ((mentee, mentee_program), (mentor, mentor_program)):
            if pk not in people:
                people[pk] = Enrollment.from_db(
                    matching_round._state.db, ["id", "program_id"], (pk, program_id)
                )
    # The round's few topics, read once.
    topics = Topic.objects.in_bulk({row[5] for row in values} | {row[6] for row in values})
    return [row[0] for row in values], [
        ProposedPair(
            mentor=people[mentor],
            mentee=people[mentee],
            focus=topics[focus],
            peer_focus=topics[peer_focus] if peer_focus else None,
            score=score,
            reasons=reasons,
        )
        for _, mentee, _, mentor, _, focus, peer_focus, score, reasons in values
    ]


def _published(matching_round: MatchingRound) -> None:
    matching_round.status = MatchingRound.Status.PUBLISHED
    matching_round.published_at = timezone.now()
    matching_round.error = ""
    matching_round.progress = 100
    matching_round.progress_note = ""
    matching_round.save(
        update_fields=[
            "status",
            "published_at",
            "error",
            "progress",
            "progress_note",
            "updated_at",
        ]
    )


def _refused_message(
    refused: list[tuple[ProposedPair, str]],
    *,
    sent: int = 0,
    total: int = 0,
    program: Program | None = None,
) -> str:
    shown = " ".join(
        f"{pair.mentee.user.full_name} with {pair.mentor.user.full_name}: {message}"
        for pair, message in refused[:3]
    )
    more = f" And {len(refused) - 3} more." if len(refused) > 3 else ""
    pairs = f"{len(refused)} pair{'s' if len(refused) > 1 else ''}"
    if not sent:
        return (
            f"Nothing was published: {pairs} can no longer be proposed. {shown}{more} "
            "Remove them or run the round again."
        )
    # Peers are paired with another peer; elsewhere an admin may give the pair another mentor.
    change = ""
    if program is not None and not program.is_peer:
        change = f" or change {'their' if len(refused) > 1 else 'its'} {program.giver_noun}"
    return (
        f"Publishing stopped with {sent:,} of {total:,} proposals sent: {pairs} can no longer "
        f"be proposed. {shown}{more} The proposals sent stay sent. Remove "
        f"{'those pairs' if len(refused) > 1 else 'that pair'}{change}, then publish again to "
        "send the rest."
    )


@transaction.atomic
def round_cancel(*, matching_round: MatchingRound) -> MatchingRound:
    """Cancel a round that has not been published."""
    matching_round = MatchingRound.objects.select_for_update().get(pk=matching_round.pk)
    if matching_round.status == MatchingRound.Status.PUBLISHED:
        raise DomainError("A published round cannot be cancelled; its proposals are out.")
    if matching_round.status == MatchingRound.Status.PUBLISHING:
        raise DomainError("This round is being published; it can no longer be cancelled.")
    _refuse_when_partly_sent(matching_round, "it can no longer be cancelled")
    matching_round.status = MatchingRound.Status.CANCELLED
    matching_round.save(update_fields=["status", "updated_at"])
    return matching_round
