"""Two acceptances at the same moment never put a mentor over capacity (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from tandem.core.errors import DomainError
from tandem.programs.models import Enrollment
from tandem.relationships import services
from tandem.relationships.models import MentorshipRequest, Relationship
from tandem.relationships.tests.conftest import MESSAGE, complete
from tandem.testing.fixtures import World

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need a server database to race on"
)
def test_parallel_acceptances_respect_capacity(ready: World) -> None:
    Enrollment.objects.filter(pk=ready.mentor_enrollment.pk).update(capacity=1)
    second = Enrollment.objects.create(
        program=ready.program, user=ready.member, is_mentee=True, goals="Learn to present."
    )
    complete(second, ready, "focus")
    requests = [
        services.request_send(
            mentee=mentee,
            mentor=ready.mentor_enrollment,
            focus=ready.topic("Public speaking"),
            message=MESSAGE,
        )
        for mentee in (ready.mentee_enrollment, second)
    ]
    barrier = threading.Barrier(len(requests))
    outcomes: list[str] = []

    def accept(request: MentorshipRequest) -> None:
        try:
            barrier.wait()
            services.request_accept(request=request, by=ready.mentor)
            outcomes.append("accepted")
        except DomainError as error:
            outcomes.append(error.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(r,)) for r in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcomes.count("accepted") == 1
    refused = [o for o in outcomes if o != "accepted"]
    assert len(refused) == 1 and "no free place" in refused[0]
    assert Relationship.objects.filter(mentor=ready.mentor_enrollment).count() == 1
    assert MentorshipRequest.objects.filter(status="pending").count() == 1
