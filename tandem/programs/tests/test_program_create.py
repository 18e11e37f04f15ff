from django.test import Client

from tandem.programs.models import Program
from tandem.testing.fixtures import World, client_for

VALID = {
    "name": "Returners' circle",
    "tagline": "Back after a long break? Pair up with someone who has done it.",
    "description": "",
    "format": "peer",
    "status": "active",
    "audience": "organization",
    "enrollment_opens_on": "",
    "enrollment_closes_on": "",
    "matching_mode": "rounds",
    "mentors_per_mentee": "1",
    "default_cadence": "fortnightly",
    "default_length_months": "4",
    "required_profile_fields": ["languages"],
}


def test_org_admin_creates_a_program_and_becomes_its_admin(world: World) -> None:
    client = client_for(world.admin)
    response = client.post("/programs/new/", VALID)
    program = Program.objects.get(name="Returners' circle")
    assert response["Location"] == f"/programs/{program.pk}/manage/"
    assert program.organization == world.org
    assert program.format == Program.Format.PEER
    assert program.required_profile_fields == ["languages"]
    assert world.admin in program.admins.all()
    assert "Returners" in client.get(response["Location"]).content.decode()


def test_formats_that_do_not_work_yet_are_not_offered(world: World) -> None:
    client = client_for(world.admin)
    page = client.get("/programs/new/").content.decode()
    assert 'value="peer"' in page and 'value="circles"' in page and 'value="coaching"' in page
    assert 'value="informational"' not in page
    response = client.post("/programs/new/", {**VALID, "format": "informational"})
    assert "format" in response.context["form"].errors
    assert not Program.objects.filter(name="Returners' circle").exists()


def test_bad_input_shows_errors_next_to_fields_and_keeps_what_was_typed(world: World) -> None:
    response = client_for(world.admin).post(
        "/programs/new/",
        {
            **VALID,
            "enrollment_opens_on": "2026-09-01",
            "enrollment_closes_on": "2026-08-01",
            "default_length_months": "99",
        },
    )
    errors = response.context["form"].errors
    assert response.status_code == 200
    assert "default_length_months" in errors
    page = response.content.decode()
    assert 'id="id_default_length_months_error"' in page
    assert "Back after a long break?" in page
    assert not Program.objects.filter(name="Returners' circle").exists()


def test_enrollment_window_must_be_in_order(world: World) -> None:
    response = client_for(world.admin).post(
        "/programs/new/",
        {**VALID, "enrollment_opens_on": "2026-09-01", "enrollment_closes_on": "2026-08-01"},
    )
    assert "enrollment_closes_on" in response.context["form"].errors


def test_partner_audience_needs_a_partner(world: World) -> None:
    response = client_for(world.admin).post("/programs/new/", {**VALID, "audience": "partners"})
    assert "partner organization" in response.context["form"].errors["partner_organizations"][0]
    response = client_for(world.admin).post(
        "/programs/new/",
        {**VALID, "audience": "partners", "partner_organizations": [world.other_org.pk]},
    )
    assert "partner_organizations" in response.context["form"].errors  # no partnership yet
    world.org.partners.add(world.other_org)
    response = client_for(world.admin).post(
        "/programs/new/",
        {**VALID, "audience": "partners", "partner_organizations": [world.other_org.pk]},
    )
    program = Program.objects.get(name="Returners' circle")
    assert list(program.partner_organizations.all()) == [world.other_org]


def test_members_cannot_create_programs(world: World) -> None:
    assert client_for(world.mentor).get("/programs/new/").status_code == 404
    assert client_for(world.mentor).post("/programs/new/", VALID).status_code == 404
    assert not Program.objects.filter(name="Returners' circle").exists()


def test_admin_edits_settings_and_participants_see_them(world: World) -> None:
    client = client_for(world.admin)
    form = client.get(f"/programs/{world.program.pk}/settings/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k in VALID}
    data.update(
        {
            "name": "New-hire mentoring 2027",
            "tagline": "Your first year, with company.",
            "format": "one_to_one",
            "required_profile_fields": [],
        }
    )
    response = client.post(f"/programs/{world.program.pk}/settings/", {**VALID, **data})
    assert response.status_code == 302
    world.program.refresh_from_db()
    assert world.program.name == "New-hire mentoring 2027"
    page = client_for(world.mentee).get(f"/programs/{world.program.pk}/").content.decode()
    assert "Your first year, with company." in page


def test_only_signed_in_people_reach_the_form(world: World) -> None:
    assert Client().get("/programs/new/").status_code == 302


def test_requiring_a_new_answer_marks_profiles_incomplete_again(world: World) -> None:
    from django.utils import timezone

    from tandem.programs.services import program_update

    Enrollment = type(world.mentee_enrollment)
    Enrollment.objects.filter(pk=world.mentee_enrollment.pk).update(
        profile_completed_at=timezone.now(), mentors_wanted=3
    )
    program_update(
        program=world.program,
        required_profile_fields=[Program.ProfileField.LANGUAGES],
        mentors_per_mentee=2,
    )
    world.mentee_enrollment.refresh_from_db()
    assert world.mentee_enrollment.profile_completed_at is None
    assert world.mentee_enrollment.mentors_wanted == 2


def test_a_nonsense_organization_parameter_falls_back_to_my_organization(world: World) -> None:
    response = client_for(world.admin).get("/programs/new/?organization=abc")
    assert response.status_code == 200
    assert response.context["organization"] == world.org


def test_peer_programs_are_matched_in_rounds(world: World) -> None:
    response = client_for(world.admin).post("/programs/new/", {**VALID, "matching_mode": "choice"})
    assert "matching rounds" in response.context["form"].errors["matching_mode"][0]


CIRCLES = {
    **VALID,
    "name": "Leaders' circles",
    "format": "circles",
    "circle_min_size": "4",
    "circle_max_size": "7",
    "circles_per_member": "2",
}


def test_admin_creates_a_circles_program_with_its_sizes(world: World) -> None:
    client = client_for(world.admin)
    page = client.get("/programs/new/").content.decode()
    assert "group circles" in page
    response = client.post("/programs/new/", CIRCLES)
    program = Program.objects.get(name="Leaders' circles")
    assert response["Location"] == f"/programs/{program.pk}/manage/"
    assert program.format == Program.Format.CIRCLES
    assert (program.circle_min_size, program.circle_max_size, program.circles_per_member) == (
        4,
        7,
        2,
    )
    detail = client.get(f"/programs/{program.pk}/").content.decode()
    assert "4 to 7 people each" in detail


def test_circle_sizes_out_of_order_or_bounds_are_refused_with_the_reason(world: World) -> None:
    client = client_for(world.admin)
    response = client.post(
        "/programs/new/", {**CIRCLES, "circle_min_size": "6", "circle_max_size": "5"}
    )
    assert response.context["form"].errors["circle_max_size"] == [
        "The largest circle (5) cannot be smaller than the smallest (6)."
    ]
    response = client.post(
        "/programs/new/",
        {**CIRCLES, "circle_min_size": "2", "circle_max_size": "12", "circles_per_member": "9"},
    )
    errors = response.context["form"].errors
    assert set(errors) == {"circle_min_size", "circle_max_size", "circles_per_member"}
    response = client.post("/programs/new/", {**CIRCLES, "matching_mode": "choice"})
    assert "matching rounds" in response.context["form"].errors["matching_mode"][0]
    assert not Program.objects.filter(name="Leaders' circles").exists()


def test_editing_a_circles_program_changes_its_sizes(world: World) -> None:
    client = client_for(world.admin)
    client.post("/programs/new/", CIRCLES)
    program = Program.objects.get(name="Leaders' circles")
    page = client.get(f"/programs/{program.pk}/settings/").content.decode()
    assert 'name="circle_max_size"' in page and 'value="7"' in page
    client.post(f"/programs/{program.pk}/settings/", {**CIRCLES, "circle_max_size": "5"})
    program.refresh_from_db()
    assert program.circle_max_size == 5
    # A one-to-one program's settings say nothing of circles and keep their defaults.
    client.post(f"/programs/{program.pk}/settings/", {**VALID, "name": "Leaders' circles"})
    program.refresh_from_db()
    assert (program.format, program.circle_max_size) == (Program.Format.PEER, 5)
