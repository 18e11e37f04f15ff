"""Publishing a matching round of 15,000 pairs, against proposing its pairs one by one.

Builds, with bulk inserts on the configured database, an organization of mentees and
mentors (two reporting trees about seven wide, so the reporting-line rule has lines to
walk), a rounds program and a round ready for review with one pair per mentee (mentors
take two each). Then it times:

- ``pair by pair``: what publishing did before, ``proposal_create`` for each pair inside
  one transaction after locking everyone, on the first ``--baseline`` pairs; the
  transaction is rolled back (so the e-mails it would queue are not queued, which flatters
  it a little), and the time is extrapolated to the whole round, labelled so;
- ``bulk publish``: ``round_publish_run``, what the task worker runs: the same pairing
  policy for all pairs at once up front, then the pairs in chunks of ``PUBLISH_CHUNK``,
  each chunk checked again under its people's locks and committed with its proposals,
  their audit rows and notifications in bulk, the pairs' links to them and the round's
  progress, its e-mail tasks queued on its commit (``TASK_BACKEND=database``).

CPU seconds are this process's; the database server's work shows in the wall time only.

Usage: ``python -m bench.publish [--pairs 15000] [--baseline 1000] [--chunk 2500]``. Runs
on a throwaway SQLite file by default; set ``DATABASE_URL`` to a PostgreSQL database to run
it there (its tables are created and then dropped with the test-database machinery).
"""

import argparse
import os
import tempfile
import time
from dataclasses import dataclass
from typing import Any

WIDE = 7


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float


class _Undo(Exception):
    pass


def build(pairs: int) -> int:
    """Create the program, its people and a ready round of ``pairs`` pairs; return its id."""
    from django.db import connection, transaction
    from django.utils import timezone

    from tandem.accounts.models import Membership, User
    from tandem.core.bulk import rows_insert
    from tandem.matching.models import MatchingRound, RoundPair
    from tandem.programs.models import Enrollment, Program, Topic
    from tandem.programs.services import topics_install_defaults
    from tandem.testing.factories import OrganizationFactory, ProgramFactory

    now = timezone.now()
    mentors = (pairs + 1) // 2
    with transaction.atomic():
        org = OrganizationFactory.create(name="Bench Transit", slug="bench-transit")
        topics_install_defaults(organization=org)
        topics = list(Topic.objects.filter(organization=org).values_list("pk", flat=True))
        program = ProgramFactory.create(
            organization=org, name="Bench mentoring", matching_mode=Program.MatchingMode.ROUNDS
        )
        people = [("mentee", i) for i in range(pairs)] + [("mentor", i) for i in range(mentors)]
        user_ids = rows_insert(
            User,
            [
                {
                    "email": f"{role}{i}@bench.test",
                    "full_name": f"{role.title()} {i} Example",
                    "password": "!",
                    "date_joined": now,
                }
                for role, i in people
            ],
            key="email",
        )
        # Each role in its own tree, so that no pair shares a reporting line.
        first = {"mentee": 1, "mentor": pairs + 1}
        rows_insert(
            Membership,
            [
                {
                    "id": first[role] + i,
                    "user_id": user_ids[f"{role}{i}@bench.test"],
                    "organization_id": org.pk,
                    "manager_id": first[role] + (i - 1) // WIDE if i else None,
                    "time_zone": "Europe/London" if i % 2 else "America/New_York",
                }
                for role, i in people
            ],
        )
        rows_insert(
            Enrollment,
            [
                {
                    "program_id": program.pk,
                    "user_id": user_ids[f"{role}{i}@bench.test"],
                    "membership_id": first[role] + i,
                    "is_mentee": role == "mentee",
                    "is_mentor": role == "mentor",
                    "capacity": 2,
                    "mentors_wanted": 1,
                    "accepting_now": role == "mentor",
                    "profile_completed_at": now,
                    "created_at": now,
                    "updated_at": now,
                }
                for role, i in people
            ],
        )
        enrollment_of = dict(
            Enrollment.objects.filter(program=program).values_list("user__email", "pk")
        )
        matching_round = MatchingRound.objects.create(
            program=program, name="Bench round", status=MatchingRound.Status.READY
        )
        rows_insert(
            RoundPair,
            [
                {
                    "round_id": matching_round.pk,
                    "mentee_id": enrollment_of[f"mentee{i}@bench.test"],
                    "mentor_id": enrollment_of[f"mentor{i // 2}@bench.test"],
                    "focus_id": topics[i % len(topics)],
                    "score": 0.5 + (i % 97) / 200,
                    "components": {"focus": 0.5},
                    "reasons": ["Focus areas covered by expertise", "Time zones overlap"],
                    "locked": False,
                }
                for i in range(pairs)
            ],
        )
    if connection.vendor == "postgresql":
        # Fresh statistics, as autovacuum would have gathered on a program built over time.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return matching_round.pk


def timed(work: Any) -> tuple[Timing, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return Timing(time.perf_counter() - wall, time.process_time() - cpu), result


def pair_by_pair(round_id: int, size: int) -> Timing:
    """Propose the round's first ``size`` pairs with proposal_create, then roll back."""
    from django.db import transaction

    from tandem.matching.models import MatchingRound
    from tandem.policy.eligibility import lock_people
    from tandem.relationships.services import proposal_create

    matching_round = MatchingRound.objects.select_related("program").get(pk=round_id)
    pairs = list(
        matching_round.pairs.select_related("mentee__user", "mentor__user", "focus").order_by(
            "-score", "pk"
        )[:size]
    )

    def work() -> None:
        lock_people([p.mentee for p in pairs] + [p.mentor for p in pairs])
        for pair in pairs:
            proposal_create(
                program=matching_round.program,
                mentor=pair.mentor,
                mentee=pair.mentee,
                focus=pair.focus,
                peer_focus=pair.peer_focus,
                score=pair.score,
                reasons=pair.reasons,
            )

    timing = Timing(0, 0)
    try:
        with transaction.atomic():
            timing, _ = timed(work)
            raise _Undo
    except _Undo:
        pass
    return timing


def bulk(round_id: int) -> Timing:
    """Publish the whole round as the task worker does, committed."""
    from tandem.matching.models import MatchingRound
    from tandem.matching.services import round_publish_run
    from tandem.relationships.models import Proposal

    MatchingRound.objects.filter(pk=round_id).update(status=MatchingRound.Status.PUBLISHING)
    timing, outcome = timed(lambda: round_publish_run(round_id=round_id))
    matching_round = MatchingRound.objects.get(pk=round_id)
    assert outcome == "published", matching_round.error
    assert Proposal.objects.filter(program=matching_round.program).count() == (
        matching_round.pairs.count()
    )
    assert not matching_round.pairs.filter(proposal__isnull=True).exists()
    return timing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=15_000)
    parser.add_argument("--baseline", type=int, default=1_000)
    parser.add_argument(
        "--chunk", type=int, default=None, help="pairs a chunk (default: PUBLISH_CHUNK)"
    )
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ["TASK_BACKEND"] = "database"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    setup_test_environment(debug=False)
    config = setup_databases(verbosity=0, interactive=False)
    try:
        built, round_id = timed(lambda: build(args.pairs))
        from tandem.matching import services

        if args.chunk:
            services.PUBLISH_CHUNK = args.chunk
        print(
            f"Publishing a round of {args.pairs:,} pairs on {connection.vendor}, "
            f"in chunks of {services.PUBLISH_CHUNK:,}"
        )
        print(f"(round built with bulk inserts in {built.wall:.1f} s)\n", flush=True)
        # Load the URL configuration, as a worker that has run before has.
        from django.urls import reverse

        reverse("relationships:proposal", args=[1])
        size = min(args.baseline, args.pairs)
        baseline = pair_by_pair(round_id, size)
        scale = args.pairs / size
        ours = bulk(round_id)
        header = f"{'method':<34} {'pairs':>7} {'wall s':>8} {'CPU s':>8} {'ratio wall, CPU':>16}"
        print(header)
        print("-" * len(header))
        print(
            f"{'pair by pair (measured)':<34} {size:>7,} {baseline.wall:>8.2f} {baseline.cpu:>8.2f}"
        )
        est = Timing(baseline.wall * scale, baseline.cpu * scale)
        label = "pair by pair (extrapolated)" if size < args.pairs else "pair by pair"
        print(f"{label:<34} {args.pairs:>7,} {est.wall:>8.2f} {est.cpu:>8.2f}")
        print(
            f"{'bulk publish (task)':<34} {args.pairs:>7,} {ours.wall:>8.2f} {ours.cpu:>8.2f} "
            f"{est.wall / ours.wall:>7.1f}x, {est.cpu / ours.cpu:.1f}x",
            flush=True,
        )
    finally:
        teardown_databases(config, verbosity=0)


if __name__ == "__main__":
    main()
