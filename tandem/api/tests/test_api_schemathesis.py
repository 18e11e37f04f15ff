"""The API against its own OpenAPI schema, for each persona: no server error, no surprise.

Schemathesis reads /api/v1/openapi.json from the WSGI app in this process and sends each
operation generated requests, as each persona, checking every answer against the schema
(status codes, content types, bodies). Bounded and derandomized so it stays quick and stable.
"""

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tandem.api.tests.conftest import personal_client, service_client
from tandem.board import services as board
from tandem.matching.models import MatchingRound, RoundPair
from tandem.programs.models import Enrollment
from tandem.relationships import services
from tandem.relationships.models import MentorshipRequest
from tandem.relationships.tests.conftest import active, complete
from tandem.testing.fixtures import World

# What "0 server errors, 0 schema violations" means. Authentication has its own tests: the
# generated requests carry each persona's real token, which these checks leave alone.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

# Generated requests per operation; each goes out once per persona, with generated ids and
# again with ids of rows that exist.
EXAMPLES = 10
# The board's many operations share one audience rule and one byline rule: fewer examples
# each keep the whole test quick.
FEWER_EXAMPLES = {"question board": 5}

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def in_process_requests() -> Iterator[None]:
    """Keep the test's database connection open across WSGI requests, as Django's Client does.

    The WSGI handler closes old connections when a request starts and finishes; inside a
    test's transaction (on PostgreSQL) that would close the connection under the test.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def real_ids(ready: World) -> dict[str, int]:
    """Ids of rows that exist, so generated requests reach past "not found" too."""
    relationship = active(ready)
    commitment = services.commitment_create(
        relationship=relationship,
        owner=ready.mentee,
        text="Draft the talk",
        due_on=timezone.localdate() + datetime.timedelta(days=7),
    )
    # A second focus, with a second mentor proposed for it.
    other = Enrollment.objects.get(user=ready.other_mentor, program=ready.program)
    ready.mentee_enrollment.mentors_wanted = 2  # complete() saves it
    mentee = complete(ready.mentee_enrollment, ready, "focus", topic="Negotiation")
    complete(other, ready, "expertise", topic="Negotiation")
    mentee.refresh_from_db()
    proposal = services.proposal_create(
        program=ready.program,
        mentor=other,
        mentee=mentee,
        focus=ready.topic("Negotiation"),
        score=0.5,
        reasons=["Omar offers negotiation"],
    )
    # A board thread asked anonymously, so the readers' bylines differ.
    question = board.question_ask(
        author=ready.mentee,
        organization=ready.org,
        program=ready.program,
        title="How do I prepare a talk?",
        body="I freeze when I present to the board. What helped you the first time?",
        topics=[ready.topic("Public speaking")],
        is_anonymous=True,
    )
    answer = board.answer_post(question=question, author=ready.mentor, body="Rehearse out loud.")
    report = board.report_file(
        question=question, answer=None, reporter=ready.mentor, reason="other"
    )
    # A round under review with one pair, for the pair operations; the program itself lets
    # mentees choose, so the round is set down as the engine would have left it.
    matching_round = MatchingRound.objects.create(
        program=ready.program, created_by=ready.admin, name="Spring", status="ready"
    )
    pair = RoundPair.objects.create(
        round=matching_round,
        mentee=mentee,
        mentor=other,
        focus=ready.topic("Negotiation"),
        score=0.5,
        reasons=["Omar offers negotiation"],
    )
    return {
        "question_id": question.pk,
        "answer_id": answer.pk,
        "program_id": ready.program.pk,
        "enrollment_id": ready.mentee_enrollment.pk,
        "relationship_id": relationship.pk,
        "request_id": MentorshipRequest.objects.get().pk,
        "proposal_id": proposal.pk,
        "commitment_id": commitment.pk,
        "organization_id": ready.org.pk,
        "report_id": report.pk,
        "round_id": matching_round.pk,
        "pair_id": pair.pk,
    }


@pytest.fixture
def personas(
    ready: World, real_ids: dict[str, int], settings: Any, in_process_requests: None
) -> dict[str, str]:
    # Generated requests come fast; the rate limit has its own test.
    settings.API_RATE_LIMIT = "100000/m/key"
    return {
        "mentee": personal_client(ready.mentee).secret,
        "mentor": personal_client(ready.mentor).secret,
        "program admin": personal_client(ready.admin).secret,
        "service token": service_client(ready.org, ready.admin).secret,
    }


def test_every_operation_answers_as_its_schema_says(
    personas: dict[str, str], real_ids: dict[str, int]
) -> None:
    # One test over every operation, so the personas' world is built once, not per operation.
    results = list(schema.get_all_operations())
    assert all(isinstance(result, Ok) for result in results), "the schema must load whole"
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) >= 30
    answered: dict[str, set[int]] = {}
    for operation in operations:
        examples = min(
            [EXAMPLES, *(FEWER_EXAMPLES.get(tag, EXAMPLES) for tag in operation.tags or [])]
        )

        @given(case=operation.as_strategy())
        @settings(
            max_examples=examples,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def answers_as_documented(case: schemathesis.Case) -> None:
            generated = dict(case.path_parameters or {})
            # Each request goes out with the generated ids, then with ids that exist.
            existing = {name: real_ids.get(name, value) for name, value in generated.items()}
            for ids in (generated, existing) if generated != existing else (generated,):
                case.path_parameters = ids
                for persona, secret in personas.items():
                    response = case.call(headers={"Authorization": f"Bearer {secret}"})
                    answered.setdefault(f"{case.method} {case.path}", set()).add(
                        response.status_code
                    )
                    assert response.status_code < 500, (persona, case.method, case.formatted_path)
                    case.validate_response(response, checks=CHECKS)

        answers_as_documented()
    # The existing ids reach real content, not only refusals.
    reached = [label for label, statuses in answered.items() if statuses & {200, 201, 202}]
    assert len(reached) >= 15, sorted(reached)
    assert {
        "GET /api/v1/questions/{question_id}",
        "POST /api/v1/questions/{question_id}/answers",
        "GET /api/v1/programs/{program_id}/insights/health",
        "GET /api/v1/programs/{program_id}/insights/stalled",
        "GET /api/v1/programs/{program_id}/insights/fairness",
        "GET /api/v1/programs/{program_id}/insights/impact",
        "POST /api/v1/programs/{program_id}/insights/recompute",
        "GET /api/v1/programs/{program_id}/board/reports",
        "POST /api/v1/reports/{report_id}/dismiss",
        "GET /api/v1/rounds/{round_id}/pairs",
        "POST /api/v1/rounds/{round_id}/pairs/{pair_id}/lock",
        "POST /api/v1/rounds/{round_id}/pairs/{pair_id}/remove",
    } <= set(reached)
    # Every operation was called; the ones whose success needs more than ids (a mentor who
    # may take the pair, a mentee free to be paired, a quiet popular question) have their
    # own tests.
    assert {
        "GET /api/v1/rounds/{round_id}/pairs/{pair_id}/mentors",
        "POST /api/v1/rounds/{round_id}/pairs/{pair_id}/mentor",
        "POST /api/v1/questions/{question_id}/bring-back",
        "GET /api/v1/organizations/{organization_id}/board/reports",
    } <= set(answered)
