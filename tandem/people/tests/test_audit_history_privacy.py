"""The audit trail keeps who changed what, and never a word that people wrote privately."""

import datetime

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from tandem.accounts.models import Department, Membership, Organization
from tandem.matching.models import MatchingRound
from tandem.programs.models import Enrollment, Program
from tandem.relationships import services
from tandem.relationships.models import Concern, Proposal, Relationship
from tandem.relationships.tests.conftest import active, complete
from tandem.testing.fixtures import World

CANARY = "canary-audit-5e2d-heron-quarry"

# Every field of a tracked model in which a person writes freely, or that is confidential.
PRIVATE_FIELDS: dict[type[models.Model], set[str]] = {
    Relationship: {"close_reason"},
    Concern: {"body", "response", "reporter", "submission_key"},
    Proposal: {"mentor_decline_reason", "mentee_decline_reason", "reasons", "score"},
    MatchingRound: {"report", "error", "progress", "progress_note"},
}
TRACKED = [Membership, Organization, Department, Program, MatchingRound, Proposal, Relationship]


def _historical_models() -> list[type[models.Model]]:
    return [model for model in apps.get_models() if model.__name__.startswith("Historical")]


def test_every_tracked_model_keeps_a_history() -> None:
    for model in [*TRACKED, Concern]:
        assert hasattr(model, "history"), model.__name__


def test_no_historical_table_has_a_private_column() -> None:
    for model, private in PRIVATE_FIELDS.items():
        history = model.history.model  # type: ignore[attr-defined]
        columns = {field.name for field in history._meta.fields} | {
            field.attname for field in history._meta.fields
        }
        assert not private & columns, (history.__name__, private & columns)


def test_the_history_of_unwritten_things_holds_no_free_text_at_all() -> None:
    # Apart from the tracked models' own short labels (names, titles), a historical table
    # has no TextField: free text is what people write, and it stays out.
    allowed = {
        "HistoricalProgram": {"description", "history_change_reason"},
    }
    for history in _historical_models():
        texts = {f.name for f in history._meta.fields if isinstance(f, models.TextField)}
        texts -= {"history_change_reason"} | allowed.get(history.__name__, set())
        assert not texts, (history.__name__, texts)


def _write_canaries_everywhere(world: World) -> Relationship:
    complete(world.mentee_enrollment, world, "focus")
    complete(world.mentor_enrollment, world, "expertise")
    other = Enrollment.objects.get(user=world.other_mentor, program=world.program)
    other.accepting_now = True
    other.save()
    complete(other, world, "expertise")
    proposal = services.proposal_create(
        program=world.program,
        mentor=other,
        mentee=world.mentee_enrollment,
        focus=world.topic("Public speaking"),
        score=0.5,
        reasons=[f"Reason {CANARY}"],
    )
    services.proposal_answer(
        proposal=proposal, by=world.other_mentor, accept=False, private_reason=CANARY
    )
    relationship = active(world)
    services.journal_entry_write(
        author=world.mentee, relationship=relationship, title=CANARY, body=f"Body {CANARY}"
    )
    services.checkin_record(
        relationship=relationship,
        author=world.mentee,
        going=1,
        meeting_goals=1,
        comment=f"Comment {CANARY}",
    )
    concern = services.concern_raise(
        relationship=relationship, reporter=world.mentee, body=f"Concern {CANARY}"
    )
    services.concern_update(
        concern=concern,
        admin=world.admin,
        status=Concern.Status.IN_REVIEW,
        response=f"Response {CANARY}",
    )
    services.relationship_close(
        relationship=relationship,
        by=world.mentee,
        reason=Relationship.CloseReason.NOT_A_FIT,
        private_reason=f"Private {CANARY}",
        message=f"Message {CANARY}",
    )
    return relationship


def test_canaries_written_in_every_private_field_reach_no_historical_table(
    world: World,
) -> None:
    relationship = _write_canaries_everywhere(world)
    MatchingRound.objects.create(program=world.program, name="Spring round", error=CANARY)
    membership = Membership.objects.get(user=world.mentee, organization=world.org)
    membership.title = "Planner"
    membership.save()

    assert relationship.history.count() >= 3
    assert Concern.history.filter(status=Concern.Status.IN_REVIEW).exists()
    assert Proposal.history.filter(status=Proposal.Status.DECLINED).exists()
    for history in _historical_models():
        for row in history.objects.values():  # type: ignore[attr-defined]
            assert CANARY not in repr(row), history.__name__


def test_a_change_records_who_made_it_and_the_old_and_new_values(world: World) -> None:
    membership = Membership.objects.get(user=world.mentee, organization=world.org)
    membership.title = "Senior planner"
    membership._history_user = world.admin  # type: ignore[attr-defined]
    membership.save()

    latest = membership.history.first()
    delta = latest.diff_against(latest.prev_record)
    assert latest.history_user == world.admin
    assert [(c.field, c.new) for c in delta.changes] == [("title", "Senior planner")]


def test_expired_proposals_are_recorded_in_the_history(world: World) -> None:
    complete(world.mentee_enrollment, world, "focus")
    complete(world.mentor_enrollment, world, "expertise")
    proposal = services.proposal_create(
        program=world.program,
        mentor=world.mentor_enrollment,
        mentee=world.mentee_enrollment,
        focus=world.topic("Public speaking"),
        score=0.5,
        reasons=[],
    )

    services.proposals_expire(now=timezone.now() + datetime.timedelta(days=30))

    statuses = list(proposal.history.values_list("status", flat=True))
    assert statuses == [Proposal.Status.EXPIRED, Proposal.Status.PENDING]


def test_a_round_that_fails_records_the_failure_in_the_history(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tandem.matching import running

    def gives_up(*args: object, **kwargs: object) -> None:
        raise ValueError("The solver gave up.")

    monkeypatch.setattr(running, "run_matching", gives_up)
    matching_round = MatchingRound.objects.create(
        program=world.program, name="Doomed", status=MatchingRound.Status.RUNNING
    )

    assert running.round_run(round_id=matching_round.pk) == MatchingRound.Status.FAILED

    statuses = list(matching_round.history.values_list("status", flat=True))
    assert statuses == [MatchingRound.Status.FAILED, MatchingRound.Status.RUNNING]
