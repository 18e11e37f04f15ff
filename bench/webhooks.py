"""What webhooks add to publishing a 15,000-pair round, and how fast deliveries go out.

Builds the round of ``bench.publish`` (bulk inserts on a throwaway database), registers
``--endpoints`` endpoints listening for ``proposal.published``, then measures:

- ``emit``: ``event_emit`` with the round's 15,000 proposal ids, with no endpoint
  listening and with ``--endpoints`` listening, in a transaction rolled back, 20 times
  each; this is all that webhooks add to publishing (``bench.publish`` times the rest);
- ``one event per proposal``: what emitting per proposal would cost, ``event_emit`` once
  for each of the first ``--baseline`` proposals, rolled back, extrapolated to the round;
- ``bulk publish``: ``round_publish_run`` as the task worker runs it, committed, with the
  endpoints listening: its time, the deliveries it made and the tasks it queued
  (``TASK_BACKEND=database``);
- ``send``: ``--sends`` deliveries of a small event made one after another by the
  ``deliver`` task to a local receiver (``http.server`` on 127.0.0.1, which answers 200
  at once): signing, the HTTP round trip and the bookkeeping, per delivery.

Usage: ``python -m bench.webhooks [--pairs 15000] [--endpoints 3] [--baseline 1000]
[--sends 200]``. SQLite by default; ``DATABASE_URL`` for PostgreSQL.
"""

import argparse
import os
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bench.publish import Timing, build, timed


class _Undo(Exception):
    pass


def _statements(captured: Any) -> int:
    """Count the queries that read or write, not the savepoints around them."""
    return sum(
        1
        for query in captured.captured_queries
        if not query["sql"].upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK"))
    )


def rolled_back(work: Any) -> Timing:
    from django.db import transaction

    timing = Timing(0, 0)
    try:
        with transaction.atomic():
            timing, _ = timed(work)
            raise _Undo
    except _Undo:
        pass
    return timing


class _Ok(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: Any) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=15_000)
    parser.add_argument("--endpoints", type=int, default=3)
    parser.add_argument("--baseline", type=int, default=1_000)
    parser.add_argument("--sends", type=int, default=200)
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ["TASK_BACKEND"] = "database"
    os.environ["WEBHOOKS_ALLOW_PRIVATE_ADDRESSES"] = "true"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import (
        CaptureQueriesContext,
        setup_databases,
        setup_test_environment,
        teardown_databases,
    )

    setup_test_environment(debug=False)
    config = setup_databases(verbosity=0, interactive=False)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    receiver = f"http://127.0.0.1:{server.server_address[1]}/hook"
    try:
        from django.utils import timezone
        from django_tasks_db.models import DBTaskResult

        from tandem.matching.models import MatchingRound
        from tandem.matching.services import round_publish_run
        from tandem.relationships.models import Proposal
        from tandem.webhooks.models import Delivery, Endpoint
        from tandem.webhooks.services import event_emit
        from tandem.webhooks.tasks import deliver

        built, round_id = timed(lambda: build(args.pairs))
        matching_round = MatchingRound.objects.select_related("program").get(pk=round_id)
        org = matching_round.program.organization_id
        print(f"Webhooks on a round of {args.pairs:,} pairs on {connection.vendor}")
        print(f"(round built in {built.wall:.1f} s)\n", flush=True)
        ids = list(range(1, args.pairs + 1))
        data = {"program_id": 1, "round_id": round_id, "count": len(ids), "proposal_ids": ids}

        def emit_many(times: int) -> None:
            for _ in range(times):
                event_emit(organization_id=org, kind="proposal.published", data=data)

        with CaptureQueriesContext(connection) as none_queries:
            rolled_back(lambda: emit_many(1))
        quiet = rolled_back(lambda: emit_many(20))
        for n in range(args.endpoints):
            Endpoint.objects.create(
                organization_id=org,
                url=f"{receiver}/{n}",
                events=["proposal.published"],
                secret=Endpoint.new_secret(),
            )
        with CaptureQueriesContext(connection) as some_queries:
            rolled_back(lambda: emit_many(1))
        loud = rolled_back(lambda: emit_many(20))
        size = min(args.baseline, args.pairs)
        per_proposal = rolled_back(
            lambda: [
                event_emit(
                    organization_id=org,
                    kind="proposal.published",
                    data={"proposal_ids": [pk], "count": 1},
                )
                for pk in ids[:size]
            ]
        )
        scale = args.pairs / size

        MatchingRound.objects.filter(pk=round_id).update(status=MatchingRound.Status.PUBLISHING)
        tasks_before = DBTaskResult.objects.count()
        published, outcome = timed(lambda: round_publish_run(round_id=round_id))
        assert outcome == "published"
        proposals = Proposal.objects.filter(program_id=matching_round.program_id).count()
        deliveries = Delivery.objects.filter(kind="proposal.published")
        queued = DBTaskResult.objects.filter(task_path="tandem.webhooks.tasks.deliver").count()
        body_kb = len(deliveries.first().body) / 1024  # type: ignore[union-attr]

        small = Endpoint.objects.create(
            organization_id=org, url=receiver, events=["round.finished"], secret="whsec_bench"
        )
        made = Delivery.objects.bulk_create(
            Delivery(endpoint=small, kind="round.finished", body='{"data":{}}')
            for _ in range(args.sends)
        )
        Delivery.objects.filter(endpoint=small).update(next_attempt_at=timezone.now())
        sent, _ = timed(lambda: [deliver.call(d.pk) for d in made])
        delivered = Delivery.objects.filter(endpoint=small, status="delivered").count()

        w = 44
        print(f"{'what':<{w}} {'calls':>7} {'wall ms/call':>13} {'queries':>8}")
        print("-" * (w + 31))
        print(
            f"{'emit, no endpoint listening':<{w}} {20:>7} {quiet.wall / 20 * 1000:>13.2f} "
            f"{_statements(none_queries):>8}"
        )
        print(
            f"{f'emit, {args.endpoints} endpoints listening':<{w}} {20:>7} "
            f"{loud.wall / 20 * 1000:>13.2f} {_statements(some_queries):>8}"
        )
        print(
            f"{'one event per proposal (measured)':<{w}} {size:>7,} "
            f"{per_proposal.wall / size * 1000:>13.2f}"
        )
        print(
            f"{'one event per proposal, whole round (est.)':<{w}} {args.pairs:>7,} "
            f"{per_proposal.wall * scale * 1000:>13.0f}"
        )
        print(
            f"{'send one delivery to a local receiver':<{w}} {args.sends:>7,} "
            f"{sent.wall / args.sends * 1000:>13.2f}"
        )
        print()
        print(
            f"bulk publish with {args.endpoints} endpoints: {published.wall:.2f} s wall, "
            f"{published.cpu:.2f} s CPU, "
            f"{proposals:,} proposals, {deliveries.count()} deliveries of {body_kb:.0f} KB, "
            f"{queued} delivery tasks queued (DB task rows before: {tasks_before:,})"
        )
        print(f"sent: {delivered}/{args.sends} delivered", flush=True)
    finally:
        server.shutdown()
        teardown_databases(config, verbosity=0)


if __name__ == "__main__":
    main()
