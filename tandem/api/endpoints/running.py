"""What admins run: matching rounds, the people import and program insights.

Each write calls the service the admin pages call; each read goes through the same access
helper, so a program admin reaches their programs and an organization admin (or a service
token) their organization.
"""

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from tandem.api.auth import caller_of
from tandem.api.endpoints.calls import call
from tandem.api.endpoints.ids import RowId
from tandem.api.endpoints.scope import check_within
from tandem.api.errors import ApiError, error_responses
from tandem.api.idempotency import idempotent
from tandem.api.pagination import PageIn, page_of, paginate
from tandem.api.schemas import InSchema
from tandem.core.errors import NotFound
from tandem.matching import services as matching
from tandem.matching.models import MatchingRound
from tandem.matching.services import DEFAULT_WEIGHTS
from tandem.people.forms.imports import MAX_UPLOAD_BYTES
from tandem.people.models import ImportBatch
from tandem.people.services import import_batches, imports
from tandem.policy.access import (
    organization_get_for_admin,
    program_get_for_admin,
    round_get_for_admin,
)
from tandem.programs.selectors import program_stats, topic_balance
from tandem.security.models import SecurityEvent
from tandem.security.services import security_event_record

router = Router(tags=["admin: rounds, import, insights"])

READ_ERRORS = error_responses(401, 403, 404, 422, 429)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 422, 429)

# Rounds.


class Weights(InSchema):
    focus: float = Field(DEFAULT_WEIGHTS["focus"], ge=0, le=1)
    lexical: float = Field(DEFAULT_WEIGHTS["lexical"], ge=0, le=1)
    attributes: float = Field(DEFAULT_WEIGHTS["attributes"], ge=0, le=1)
    time_zone: float = Field(DEFAULT_WEIGHTS["time_zone"], ge=0, le=1)
    modes: float = Field(DEFAULT_WEIGHTS["modes"], ge=0, le=1)
    seniority: float = Field(DEFAULT_WEIGHTS["seniority"], ge=0, le=1)


class RoundIn(InSchema):
    name: str = Field(min_length=1, max_length=120)
    solver: str = Field(MatchingRound.Solver.OPTIMAL, description="optimal or stable")
    participation_first: bool = True
    not_same_department: bool = False
    same_language: bool = False
    same_location: bool = False
    max_utc_gap_hours: int | None = Field(None, ge=0, le=24)
    seed: int = Field(1, ge=1, le=10**6)
    weights: Weights = Field(default_factory=lambda: Weights.model_validate({}))

    def rules(self) -> dict[str, object]:
        rules: dict[str, object] = {
            "not_same_department": self.not_same_department,
            "same_language": self.same_language,
            "same_location": self.same_location,
        }
        if self.max_utc_gap_hours is not None:
            rules["max_utc_gap_hours"] = float(self.max_utc_gap_hours)
        return rules


class RoundSummary(Schema):
    """The headline figures the round page shows; nothing about any one person."""

    mentees: int | None = None
    pairs: int | None = None
    locked_pairs: int | None = None
    matched_share: float | None = None
    mean_score: float | None = None
    utilization: float | None = None
    places_offered: int | None = None
    blocking_pairs: int | None = None
    unmatched: int | None = None


class RoundOut(Schema):
    id: int
    program_id: int
    name: str
    solver: str
    status: str
    progress: int
    progress_note: str
    error: str
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    published_at: datetime.datetime | None
    summary: RoundSummary

    @staticmethod
    def of(matching_round: MatchingRound) -> "RoundOut":
        report = matching_round.report or {}
        summary = RoundSummary(
            **{
                key: report.get(key)
                for key in RoundSummary.model_fields
                if key != "unmatched" and isinstance(report.get(key), int | float)
            },
            unmatched=len(report["unmatched"]) if "unmatched" in report else None,
        )
        return RoundOut(
            id=matching_round.pk,
            program_id=matching_round.program_id,
            name=matching_round.name,
            solver=matching_round.solver,
            status=matching_round.status,
            progress=matching_round.progress,
            progress_note=matching_round.progress_note,
            error=matching_round.error,
            started_at=matching_round.started_at,
            finished_at=matching_round.finished_at,
            published_at=matching_round.published_at,
            summary=summary,
        )


def _round(request: HttpRequest, round_id: int) -> MatchingRound:
    caller = caller_of(request)
    matching_round = round_get_for_admin(user=caller.user, round_id=round_id)
    check_within(caller, matching_round.program.organization_id, "No such round.")
    return matching_round


@router.get("/programs/{program_id}/rounds", response={200: page_of(RoundOut), **READ_ERRORS})
def round_list(request: HttpRequest, program_id: RowId, page: Query[PageIn]) -> dict[str, object]:
    """List a program's matching rounds, newest first, to its admins."""
    caller = caller_of(request)
    program = program_get_for_admin(user=caller.user, program_id=program_id)
    check_within(caller, program.organization_id, "No such program.")
    rounds = MatchingRound.objects.filter(program=program).order_by("-created_at", "-pk")
    return paginate(rounds, page, RoundOut.of)


@router.post("/programs/{program_id}/rounds", response={202: RoundOut, **WRITE_ERRORS})
@idempotent
def round_start(request: HttpRequest, program_id: RowId, payload: RoundIn) -> Status[RoundOut]:
    """Create a round and start it in the background, as the rounds page does."""
    caller = caller_of(request)
    program = program_get_for_admin(user=caller.user, program_id=program_id)
    check_within(caller, program.organization_id, "No such program.")
    if payload.solver not in MatchingRound.Solver.values:
        raise ApiError(422, "Choose optimal or stable.", field="solver")
    created = call(
        matching.round_create,
        program=program,
        by=caller.user,
        name=payload.name,
        solver=payload.solver,
        participation_first=payload.participation_first,
        weights=payload.weights.model_dump(),
        rules=payload.rules(),
        seed=payload.seed,
    )
    started = call(matching.round_start, matching_round=created)
    return Status(202, RoundOut.of(started))


@router.get("/rounds/{round_id}", response={200: RoundOut, **READ_ERRORS})
def round_detail(request: HttpRequest, round_id: RowId) -> RoundOut:
    """Return a round's status, progress and headline results."""
    return RoundOut.of(_round(request, round_id))


@router.post("/rounds/{round_id}/publish", response={202: RoundOut, **WRITE_ERRORS})
@idempotent
def round_publish(request: HttpRequest, round_id: RowId) -> Status[RoundOut]:
    """Publish a reviewed round as proposals in the background; `progress` counts them sent."""
    matching_round = _round(request, round_id)
    return Status(
        202, RoundOut.of(call(matching.round_publish_start, matching_round=matching_round))
    )


# The people import.

SHOWN_ERRORS = 200


class RowErrorOut(Schema):
    line: int | None
    message: str


class ImportPreview(Schema):
    new_people: int
    joining: int
    changes: int
    unchanged: int
    leavers: int
    new_departments: list[str]
    ignored_columns: list[str]
    error_count: int
    errors: list[RowErrorOut] = Field(description=f"The first {SHOWN_ERRORS} errors.")


class ImportOut(Schema):
    id: int
    organization_id: int
    file_name: str
    state: str
    mark_leavers: bool
    allow_new_departments: bool
    preview: ImportPreview | None = Field(description="What importing would do, until confirmed.")
    summary: dict[str, int] = Field(description="What the import did, once imported.")
    problem: str


class ImportConfirmIn(InSchema):
    send_invitations: bool = False


def _import_out(request: HttpRequest, batch: ImportBatch, *, record: bool = False) -> ImportOut:
    preview = None
    if batch.state == ImportBatch.State.PREVIEW:
        plan = imports.import_plan(
            organization=batch.organization,
            table=imports.Table(batch.columns, batch.rows),
            mark_leavers=batch.mark_leavers,
            allow_new_departments=batch.allow_new_departments,
            by=caller_of(request).user,
        )
        if record and plan.errors:
            # As the upload page does: who, when, which file, how many errors; never a cell.
            security_event_record(
                kind=SecurityEvent.Kind.IMPORT_REFUSED,
                request=request,
                user=caller_of(request).user,
                organization_id=batch.organization_id,
                detail={
                    "file": batch.file_name[:120],
                    "errors": len(plan.errors),
                    "stage": "preview",
                    "batch": batch.pk,
                },
            )
        preview = ImportPreview(
            new_people=len(plan.new_people),
            joining=len(plan.joining),
            changes=len(plan.changes),
            unchanged=plan.unchanged,
            leavers=len(plan.leavers),
            new_departments=list(plan.new_departments),
            ignored_columns=list(plan.ignored_columns),
            error_count=len(plan.errors),
            errors=[
                RowErrorOut(line=e.line, message=e.message) for e in plan.errors[:SHOWN_ERRORS]
            ],
        )
    return ImportOut(
        id=batch.pk,
        organization_id=batch.organization_id,
        file_name=batch.file_name,
        state=batch.state,
        mark_leavers=batch.mark_leavers,
        allow_new_departments=batch.allow_new_departments,
        preview=preview,
        summary={k: v for k, v in (batch.summary or {}).items() if isinstance(v, int)},
        problem=batch.problem,
    )


def _organization(request: HttpRequest, organization_id: int) -> Any:
    caller = caller_of(request)
    organization = organization_get_for_admin(user=caller.user, organization_id=organization_id)
    check_within(caller, organization.pk, "No such organization.")
    return organization


def _batch(request: HttpRequest, organization_id: int, batch_id: int) -> ImportBatch:
    organization = _organization(request, organization_id)
    batch = (
        ImportBatch.objects.select_related("organization")
        .filter(pk=batch_id, organization=organization)
        .first()
    )
    if batch is None:
        raise NotFound("No such import: it was set aside, has expired, or never was.")
    return batch


@router.post("/organizations/{organization_id}/imports", response={201: ImportOut, **WRITE_ERRORS})
@idempotent
def import_upload(
    request: HttpRequest,
    organization_id: RowId,
    file: File[UploadedFile],
    mark_leavers: Form[bool] = False,
    allow_new_departments: Form[bool] = False,
) -> Status[ImportOut]:
    """Upload a people file (CSV or XLSX) and get its preview; nothing is imported yet."""
    organization = _organization(request, organization_id)
    if file.size is not None and file.size > MAX_UPLOAD_BYTES:
        raise ApiError(400, "This file is larger than 50 MB; split it in two.", field="file")
    batch = call(
        import_batches.import_batch_create,
        fields={"name": "file", "content": "file"},
        organization=organization,
        by=caller_of(request).user,
        name=file.name or "upload",
        content=file.read(),
        mark_leavers=mark_leavers,
        allow_new_departments=allow_new_departments,
    )
    batch.organization = organization
    return Status(201, _import_out(request, batch, record=True))


@router.get(
    "/organizations/{organization_id}/imports/{batch_id}", response={200: ImportOut, **READ_ERRORS}
)
def import_detail(request: HttpRequest, organization_id: RowId, batch_id: RowId) -> ImportOut:
    """Return an upload's preview, or once confirmed its progress and what it did."""
    return _import_out(request, _batch(request, organization_id, batch_id))


@router.post(
    "/organizations/{organization_id}/imports/{batch_id}/confirm",
    response={202: ImportOut, **WRITE_ERRORS},
)
@idempotent
def import_confirm(
    request: HttpRequest, organization_id: RowId, batch_id: RowId, payload: ImportConfirmIn
) -> Status[ImportOut]:
    """Confirm a previewed upload: the import runs in the background, all or nothing."""
    batch = _batch(request, organization_id, batch_id)
    confirmed = call(
        import_batches.import_batch_confirm,
        batch=batch,
        by=caller_of(request).user,
        send_invitations=payload.send_invitations,
    )
    return Status(202, _import_out(request, confirmed))


# Insights.


class TopicBalanceOut(Schema):
    name: str
    wanted: int
    offered: int
    gap: int


class InsightsOut(Schema):
    program_id: int
    participants: int
    mentees: int
    mentors: int
    peers: int
    complete_profiles: int
    complete_share: int = Field(description="Percent of participants with a complete profile.")
    accepting_mentors: int
    open_capacity: int
    topics: list[TopicBalanceOut]


@router.get("/programs/{program_id}/insights", response={200: InsightsOut, **READ_ERRORS})
def program_insights(request: HttpRequest, program_id: RowId) -> InsightsOut:
    """Return a program's participation counts and topic supply and demand, to its admins."""
    caller = caller_of(request)
    program = program_get_for_admin(user=caller.user, program_id=program_id)
    check_within(caller, program.organization_id, "No such program.")
    stats = program_stats(program=program)
    return InsightsOut(
        program_id=program.pk,
        participants=stats.participants,
        mentees=stats.mentees,
        mentors=stats.mentors,
        peers=stats.peers,
        complete_profiles=stats.complete_profiles,
        complete_share=stats.complete_share,
        accepting_mentors=stats.accepting_mentors,
        open_capacity=stats.open_capacity,
        topics=[
            TopicBalanceOut(name=t.name, wanted=t.wanted, offered=t.offered, gap=t.gap)
            for t in topic_balance(program=program)
        ],
    )
