"""A round on the demo organization stores the same pairs, reasons and report as it always has.

The recorded file holds what the round stored before loading and storing were rewritten in
bulk; people and topics are named by address and name, so database ids do not matter. Set
``TANDEM_RECORD_ROUNDS=1`` to record it again after a change meant to alter the results.
"""

import datetime
import json
import os
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tandem.demo.generator import demo_data_create
from tandem.matching.models import MatchingRound, RoundPair
from tandem.matching.running import round_run
from tandem.programs.models import Enrollment, Program, Topic
from tandem.testing.rounds import round_create_default

RECORDED = Path(__file__).parent / "data" / "demo_rounds.json"
# A fixed moment: time-zone offsets (summer time) and the demo's dates follow it.
NOW = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)


def _stored(matching_round: MatchingRound) -> dict[str, Any]:
    """Describe what a round stored, with people and topics by name instead of by id."""
    email = dict(Enrollment.objects.values_list("pk", "user__email"))
    topic = dict(Topic.objects.values_list("pk", "name"))
    pairs = [
        [
            email[p.mentee_id],
            email[p.mentor_id],
            topic[p.focus_id],
            topic.get(p.peer_focus_id) if p.peer_focus_id else None,
            p.score,
            p.components,
            p.reasons,
            p.locked,
        ]
        for p in RoundPair.objects.filter(round=matching_round).order_by("pk")
    ]
    report = dict(matching_round.report)
    report.pop("timings")
    # How the solver got there (arcs, the proved gap) is recorded since, not stored before.
    assert report.pop("solver")
    for row in report["unmatched"]:
        row["mentee"] = email[row["mentee"]]
    return {"status": matching_round.status, "pairs": pairs, "report": report}


@pytest.fixture
def demo(db: None, monkeypatch: pytest.MonkeyPatch) -> list[Program]:
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    demo_data_create(seed=7, people=400, today=NOW.date())
    # The pair rounds' storage: a circles round stores circles, recorded by its own tests.
    return list(
        Program.objects.filter(matching_mode=Program.MatchingMode.ROUNDS)
        .exclude(format=Program.Format.CIRCLES)
        .order_by("name")
    )


def test_rounds_store_what_they_stored_before_the_bulk_rewrite(demo: list[Program]) -> None:
    stored = {}
    for program in demo:
        for solver in ("optimal", "stable"):
            if program.is_peer and solver == "stable":
                continue
            admin = program.admins.first()
            assert admin is not None
            matching_round = round_create_default(
                program=program,
                by=admin,
                rules={"not_same_department": True, "max_utc_gap_hours": 6},
            )
            MatchingRound.objects.filter(pk=matching_round.pk).update(
                solver=solver, status=MatchingRound.Status.RUNNING
            )
            assert round_run(round_id=matching_round.pk) == MatchingRound.Status.READY
            matching_round.refresh_from_db()
            stored[f"{program.name} ({solver})"] = _stored(matching_round)
            assert stored[f"{program.name} ({solver})"]["pairs"], "the round proposed pairs"
    if os.environ.get("TANDEM_RECORD_ROUNDS"):
        RECORDED.write_text(json.dumps(stored, indent=1, ensure_ascii=False) + "\n")
    recorded = json.loads(RECORDED.read_text())
    # Through JSON both ways, so that tuples and lists compare alike.
    assert json.loads(json.dumps(stored)) == recorded
