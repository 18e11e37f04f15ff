"""What the admin home shows of the programs an admin runs, and what that costs in queries."""

import random
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.accounts.models import User
from tandem.policy.access import programs_administered_by
from tandem.programs.models import Enrollment, Program
from tandem.testing.factories import EnrollmentFactory, ProgramFactory, UserFactory
from tandem.testing.fixtures import World, client_for


def _people_shown(user: User) -> dict[int, int]:
    """Each program row of 'Programs you run': the program's id and its participants."""
    page = client_for(user).get("/").content.decode()
    rows = re.findall(
        r'<a href="/programs/(\d+)/manage/">.*?<td class="num">(\d+)</td>', page, re.S
    )
    return {int(pk): int(n) for pk, n in rows}


def _recount(user: User) -> dict[int, int]:
    return {
        program.pk: sum(e.status == "active" for e in Enrollment.objects.filter(program=program))
        for program in programs_administered_by(user)
    }


def _enroll(program: Program, n: int, rng: random.Random) -> None:
    for _ in range(n):
        EnrollmentFactory.create(
            program=program,
            user=UserFactory.create(),
            status=rng.choice(["active", "active", "withdrawn"]),
        )


def test_each_program_run_shows_its_active_people_withdrawn_and_empty_ones_too(
    world: World,
) -> None:
    rng = random.Random(4)
    _enroll(world.program, 25, rng)
    busy = ProgramFactory.create(organization=world.org, name="Busy")
    busy.admins.add(world.admin)
    _enroll(busy, 40, rng)
    empty = ProgramFactory.create(organization=world.org, name="Nobody yet")
    empty.admins.add(world.admin)
    gone = ProgramFactory.create(organization=world.org, name="All left")
    gone.admins.add(world.admin)
    EnrollmentFactory.create(program=gone, status=Enrollment.Status.WITHDRAWN)
    # Another organization's: not shown, and its people count nowhere.
    _enroll(world.other_program, 10, rng)

    shown = _people_shown(world.admin)

    assert shown == _recount(world.admin)
    assert world.other_program.pk not in shown
    assert shown[empty.pk] == 0 and shown[gone.pk] == 0
    assert (
        shown[world.program.pk]
        == 3
        + Enrollment.objects.filter(
            program=world.program, status="active", user__email__startswith="person"
        ).count()
    )


def _home_queries(user: User) -> int:
    client = client_for(user)
    client.get("/")  # the first request touches the session
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


def test_admin_home_queries_stay_the_same_as_programs_and_people_grow(world: World) -> None:
    before = _home_queries(world.admin)
    rng = random.Random(9)
    for n in range(6):
        program = ProgramFactory.create(organization=world.org, name=f"Extra {n}")
        program.admins.add(world.admin)
        _enroll(program, 8, rng)
    _enroll(world.program, 20, rng)
    assert _home_queries(world.admin) == before
    # The programs run (one, with their people), what waits for the person (one per kind),
    # what waits for those who run programs (rounds, concerns, stalled pairs: three), and
    # whether they sponsor a coaching engagement (one).
    assert before <= 20
