from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.programs.models import Program
from tandem.testing.factories import EnrollmentFactory, ProgramFactory
from tandem.testing.fixtures import World, client_for


def test_home_lists_my_programs_joinable_ones_and_the_ones_i_run(world: World) -> None:
    page = client_for(world.admin).get("/").content.decode()
    assert "Programs you run" in page
    assert world.program.name in page
    mentee_page = client_for(world.mentee).get("/").content.decode()
    assert "Programs you run" not in mentee_page
    assert "Profile to finish" in mentee_page


def _home_queries(world: World) -> int:
    client = client_for(world.admin)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


def test_home_page_query_count_does_not_grow_with_programs(world: World) -> None:
    before = _home_queries(world)
    for i in range(8):
        program = ProgramFactory.create(organization=world.org, name=f"Extra {i}")
        program.admins.add(world.admin)
        EnrollmentFactory.create(program=program, user=world.admin)
    ProgramFactory.create_batch(4, organization=world.org, status=Program.Status.ACTIVE)
    assert _home_queries(world) == before
    # About half for the programs, half for what needs the person (tandem/home/selectors.py):
    # for an admin also rounds to review, concerns, and stalled pairs by kind (four).
    assert before <= 22


def test_manage_page_query_count_is_bounded(world: World) -> None:
    client = client_for(world.admin)
    url = f"/programs/{world.program.pk}/manage/"
    client.get(url)
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    EnrollmentFactory.create_batch(10, program=world.program)
    with CaptureQueriesContext(connection) as second:
        client.get(url)
    assert len(first) == len(second)
