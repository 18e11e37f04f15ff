"""Writes for matching rounds: set up, run in the background, review, publish."""

from django.db import transaction
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
from tandem.relationships.services import ProposalsRefused, ProposedPair, proposals_create_all

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
    matching_round.status = MatchingRound.Status.RUNNING
    matching_round.started_at = matching_round.finished_at = None
    matching_round.progress = 0
    matching_round.progress_note = "Waiting for a worker"
    matching_round.error = ""
    matching_round.save()
    round_id = matching_round.pk
    transaction.on_commit(lambda: run_round.enqueue(round_id))
    return matching_round


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
    in_round = others.filter(mentor=mentor).count()
    if matching_round.program.is_peer:
        in_round += others.filter(mentee=mentor).count()
    if places_left(mentor) - in_round <= 0:
        raise DomainError(
            f"{mentor.user.display_name} has no free place left in this round.", field="mentor"
        )
    wanted = others.filter(mentee=mentee).count()
    if matching_round.program.is_peer:
        wanted += others.filter(mentor=mentee).count()
    if mentors_still_wanted(mentee) - wanted <= 0:
        raise DomainError(
            f"{mentee.user.display_name} already has as many matches in this round as they want.",
            field="mentor",
        )
    if others.filter(mentee=mentee, focus=pair.focus).exists():
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
    matching_round.save(update_fields=["status", "error", "updated_at"])
    round_id = matching_round.pk
    transaction.on_commit(lambda: publish_round.enqueue(round_id))
    return matching_round


PUBLISH_STOPPED = (
    "Publishing stopped on an unexpected error, so nothing was published. Try again; if it "
    "stops again, ask whoever runs Tandem for your organization to look at the task log."
)


def round_publish_run(*, round_id: int) -> str:
    """Publish a queued round, all or nothing; a round not waiting to publish is left alone.

    On a refusal the round goes back to review with the reason on its page; on any other
    error it goes back to review too, and the error is raised again for the log.
    """
    try:
        with transaction.atomic():
            # Held to the end: a second run of the task waits here, then finds it done.
            matching_round = (
                MatchingRound.objects.select_for_update(of=("self",))
                .select_related("program")
                .filter(pk=round_id, status=MatchingRound.Status.PUBLISHING)
                .first()
            )
            if matching_round is None:
                return "skipped"
            round_publish(matching_round=matching_round)
            return "published"
    except DomainError as error:
        _publish_stop(round_id, error.message)
        return "refused"
    except Exception:
        _publish_stop(round_id, PUBLISH_STOPPED)
        raise


def _publish_stop(round_id: int, message: str) -> None:
    with transaction.atomic():
        matching_round = (
            MatchingRound.objects.select_for_update()
            .filter(pk=round_id, status=MatchingRound.Status.PUBLISHING)
            .first()
        )
        if matching_round is not None:
            matching_round.status = MatchingRound.Status.READY
            matching_round.error = message
            matching_round.save(update_fields=["status", "error", "updated_at"])


@transaction.atomic
def round_publish(*, matching_round: MatchingRound) -> int:
    """Turn every pair into a proposal both people must accept; return how many.

    All or nothing: if the pairing policy now refuses any pair (someone filled their
    places or left since the round ran), nothing is published and the admin is told which
    pairs to remove or re-run.
    """
    matching_round = (
        MatchingRound.objects.select_for_update(of=("self",))
        .select_related("program")
        .get(pk=matching_round.pk)
    )
    if matching_round.status not in (
        MatchingRound.Status.READY,
        MatchingRound.Status.PUBLISHING,
    ):
        raise DomainError("Only a round that is ready for review can be published.")
    if matching_round.program.format == Program.Format.CIRCLES:
        count = len(round_circles_publish(matching_round=matching_round))
        _published(matching_round)
        return count
    pairs = list(
        matching_round.pairs.order_by("-score", "pk").values_list(
            "mentee_id",
            "mentee__program_id",
            "mentor_id",
            "mentor__program_id",
            "focus_id",
            "peer_focus_id",
            "score",
            "reasons",
        )
    )
    if not pairs:
        raise DomainError("This round has no pairs to publish.")
    # The people stand in by their ids and programs, read with the pairs (asking for
    # thousands of ids again costs more): proposals_create_all reads what it needs of
    # them with their locks. The round's few topics are read once.
    people: dict[int, Enrollment] = {}
    for mentee, mentee_program, mentor, mentor_program, *_ in pairs:
        for pk, program_id in ((mentee, mentee_program), (mentor, mentor_program)):
            if pk not in people:
                people[pk] = Enrollment.from_db(
                    matching_round._state.db, ["id", "program_id"], (pk, program_id)
                )
    topics = Topic.objects.in_bulk({pair[4] for pair in pairs} | {pair[5] for pair in pairs})
    try:
        proposal_ids = proposals_create_all(
            program=matching_round.program,
            pairs=[
                ProposedPair(
                    mentor=people[mentor],
                    mentee=people[mentee],
                    focus=topics[focus],
                    peer_focus=topics[peer_focus] if peer_focus else None,
                    score=score,
                    reasons=reasons,
                )
                for mentee, _, mentor, _, focus, peer_focus, score, reasons in pairs
            ],
        )
    except ProposalsRefused as refusal:
        raise DomainError(_refused_message(refusal.refused)) from None
    _published(matching_round)
    # One event for the whole batch, however many proposals it holds.
    proposals_published_emit(
        organization_id=matching_round.program.organization_id,
        program_id=matching_round.program_id,
        proposal_ids=proposal_ids,
        expires_at=Proposal.objects.filter(pk=proposal_ids[0])
        .values_list("expires_at", flat=True)
        .first(),
        round_id=matching_round.pk,
    )
    return len(pairs)


def _published(matching_round: MatchingRound) -> None:
    matching_round.status = MatchingRound.Status.PUBLISHED
    matching_round.published_at = timezone.now()
    matching_round.error = ""
    matching_round.save(update_fields=["status", "published_at", "error", "updated_at"])


def _refused_message(refused: list[tuple[ProposedPair, str]]) -> str:
    shown = " ".join(
        f"{pair.mentee.user.full_name} with {pair.mentor.user.full_name}: {message}"
        for pair, message in refused[:3]
    )
    more = f" And {len(refused) - 3} more." if len(refused) > 3 else ""
    return (
        f"Nothing was published: {len(refused)} pair{'s' if len(refused) > 1 else ''} can no "
        f"longer be proposed. {shown}{more} Remove them or run the round again."
    )


@transaction.atomic
def round_cancel(*, matching_round: MatchingRound) -> MatchingRound:
    """Cancel a round that has not been published."""
    matching_round = MatchingRound.objects.select_for_update().get(pk=matching_round.pk)
    if matching_round.status == MatchingRound.Status.PUBLISHED:
        raise DomainError("A published round cannot be cancelled; its proposals are out.")
    if matching_round.status == MatchingRound.Status.PUBLISHING:
        raise DomainError("This round is being published; it can no longer be cancelled.")
    matching_round.status = MatchingRound.Status.CANCELLED
    matching_round.save(update_fields=["status", "updated_at"])
    return matching_round
