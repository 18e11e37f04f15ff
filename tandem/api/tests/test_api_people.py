"""Programs and profiles through the API: exactly what each persona's pages show."""

from tandem.api.tests.conftest import assert_error, ids, personal_client, service_client
from tandem.programs.models import Enrollment
from tandem.testing.factories import EnrollmentFactory, ProgramFactory
from tandem.testing.fixtures import World


def test_programs_list_what_each_person_may_see(world: World) -> None:
    mine = [world.program.pk]
    assert ids(personal_client(world.mentee).get("/programs")) == mine
    assert ids(personal_client(world.admin).get("/programs")) == mine
    assert ids(personal_client(world.outsider).get("/programs")) == [world.other_program.pk]
    detail = personal_client(world.member).get(f"/programs/{world.program.pk}")
    assert detail.status_code == 200
    assert detail.json()["name"] == "New-hire mentoring"


def test_another_organizations_program_is_404_like_a_missing_one(world: World) -> None:
    api = personal_client(world.mentee)
    forbidden = api.get(f"/programs/{world.other_program.pk}")
    missing = api.get("/programs/999999")
    assert_error(forbidden, 404)
    assert forbidden.json() == missing.json()
    assert_error(api.get(f"/programs/{world.other_program.pk}/enrollments"), 404)


def test_profiles_are_visible_as_the_profile_pages_allow(world: World) -> None:
    withdrawn = EnrollmentFactory.create(
        program=world.program, user=world.member, status=Enrollment.Status.WITHDRAWN
    )
    path = f"/programs/{world.program.pk}/enrollments"
    everyone = set(Enrollment.objects.filter(program=world.program).values_list("pk", flat=True))
    # The admin sees every profile; a participant sees the active ones and their own.
    assert set(ids(personal_client(world.admin).get(path))) == everyone
    assert set(ids(personal_client(world.mentee).get(path))) == everyone - {withdrawn.pk}
    # A member who is not active in the program sees only their own.
    assert ids(personal_client(world.member).get(path)) == [withdrawn.pk]
    assert_error(
        personal_client(world.member).get(f"/enrollments/{world.mentor_enrollment.pk}"), 404
    )
    assert_error(
        personal_client(world.outsider).get(f"/enrollments/{world.mentee_enrollment.pk}"), 404
    )


def test_profile_shows_what_the_page_shows_and_never_identity(world: World) -> None:
    Enrollment.objects.filter(pk=world.mentee_enrollment.pk).update(
        identity_attributes=["lgbtq"], requested_attributes=["lgbtq"]
    )
    for person in (world.mentee, world.mentor, world.admin):
        body = personal_client(person).get(f"/enrollments/{world.mentee_enrollment.pk}").json()
        assert body["goals"] == "Find my feet in the first year."
        assert body["person"]["name"] == "Mia Santos"
        text = str(body)
        assert "lgbtq" not in text and "identity" not in text


def test_my_enrollments_lists_only_my_own(world: World) -> None:
    page = personal_client(world.mentee).get("/me/enrollments").json()
    assert [e["id"] for e in page["items"]] == [world.mentee_enrollment.pk]
    assert page["count"] == 1


def test_lists_page_with_limit_and_offset_and_a_total(world: World) -> None:
    for n in range(4):
        ProgramFactory.create(organization=world.org, name=f"Extra {n}")
    api = personal_client(world.mentee)
    first = api.get("/programs", limit=2).json()
    second = api.get("/programs", limit=2, offset=2).json()
    assert first["count"] == second["count"] == 5
    assert len(first["items"]) == 2 and len(second["items"]) == 2
    assert not {p["id"] for p in first["items"]} & {p["id"] for p in second["items"]}
    assert_error(api.get("/programs", limit=0), 422, "limit")
    assert_error(api.get("/programs", limit=1000), 422, "limit")
    assert_error(api.get("/programs", offset=-1), 422, "offset")
    assert_error(api.get("/programs", offset=10**30), 422, "offset")
    assert_error(api.get("/programs/" + "9" * 30), 422)
    assert_error(api.get("/programs/abc"), 422)


def test_service_token_sees_its_own_organization_only(world: World) -> None:
    # The outsider is admin of Riverside; a token made there never reaches Northwind.
    api = service_client(world.other_org, world.outsider)
    assert ids(api.get("/programs")) == [world.other_program.pk]
    assert_error(api.get(f"/programs/{world.program.pk}"), 404)
    # A Northwind token acts as a Northwind admin: every profile, no personal lists.
    northwind = service_client(world.org, world.admin)
    path = f"/programs/{world.program.pk}/enrollments"
    assert len(ids(northwind.get(path))) == Enrollment.objects.filter(program=world.program).count()
    assert_error(northwind.get("/requests"), 403)
    assert_error(northwind.get("/relationships"), 403)


def test_list_queries_do_not_grow_with_the_list(
    world: World, django_assert_max_num_queries: object
) -> None:
    api = personal_client(world.admin)
    path = f"/programs/{world.program.pk}/enrollments"
    api.get(path)  # warm up
    for _ in range(10):
        EnrollmentFactory.create(program=world.program)
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        response = api.get(path)
    assert response.json()["count"] == 13
