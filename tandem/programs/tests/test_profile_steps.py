"""The guided profile: goals first, then what people bring, then practicalities."""

from django.test import Client

from tandem.programs.models import Enrollment, EnrollmentTopic, Program
from tandem.testing.fixtures import World, client_for


def _goals_url(world: World, step: str = "goals") -> str:
    return f"/programs/{world.program.pk}/profile/{step}/"


def _topic_field(world: World, name: str, kind: str = "focus") -> str:
    return f"{kind}_{world.topic(name).pk}"


def test_mentee_states_goals_and_focus_areas(world: World) -> None:
    client = client_for(world.mentee)
    response = client.post(
        _goals_url(world),
        {
            "goals": "Learn how budgets get decided here.",
            _topic_field(world, "Budgeting and finance"): "3",
            _topic_field(world, "Navigating the organization"): "2",
        },
    )
    assert response["Location"] == _goals_url(world, "offer")
    enrollment = Enrollment.objects.get(pk=world.mentee_enrollment.pk)
    assert enrollment.goals == "Learn how budgets get decided here."
    focus = {
        t.topic.name: t.level
        for t in enrollment.topics.filter(kind=EnrollmentTopic.Kind.FOCUS).select_related("topic")
    }
    assert focus == {"Budgeting and finance": 3, "Navigating the organization": 2}


def test_missing_goals_show_an_error_and_keep_the_chosen_topics(world: World) -> None:
    client = client_for(world.mentee)
    field = _topic_field(world, "Public speaking")
    response = client.post(_goals_url(world), {"goals": "   ", field: "3"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_goals_error"' in page
    assert 'option value="3" selected' in page
    world.mentee_enrollment.refresh_from_db()
    assert world.mentee_enrollment.goals == "Find my feet in the first year."


def test_goals_need_at_least_one_focus_area_and_at_most_five(world: World) -> None:
    client = client_for(world.mentee)
    response = client.post(_goals_url(world), {"goals": "Grow."})
    assert "at least one focus area" in response.content.decode()
    many = [
        "Leadership",
        "Delegation",
        "Networking",
        "Negotiation",
        "Public speaking",
        "Confidence",
    ]
    response = client.post(
        _goals_url(world), {"goals": "Grow.", **{_topic_field(world, n): "2" for n in many}}
    )
    assert "choose at most 5" in response.context["form"].errors["topics"][0]
    assert not EnrollmentTopic.objects.filter(enrollment=world.mentee_enrollment).exists()


def test_mentor_skips_goals_and_states_expertise_and_capacity(world: World) -> None:
    client = client_for(world.mentor)
    first = client.get(f"/programs/{world.program.pk}/profile/")
    assert first["Location"] == _goals_url(world, "offer")
    assert client.get(_goals_url(world, "goals")).status_code == 404
    response = client.post(
        _goals_url(world, "offer"),
        {
            "what_i_bring": "Two decades of operations.",
            "why_i_mentor": "Someone took time for me once.",
            "capacity": "0",
            _topic_field(world, "Leadership", "expertise"): "3",
        },
    )
    assert "capacity" in response.context["form"].errors
    assert "Two decades of operations." in response.content.decode()
    response = client.post(
        _goals_url(world, "offer"),
        {
            "what_i_bring": "Two decades of operations.",
            "why_i_mentor": "Someone took time for me once.",
            "capacity": "3",
            "accepting_now": "on",
            _topic_field(world, "Leadership", "expertise"): "3",
        },
    )
    assert response["Location"] == _goals_url(world, "practicalities")
    enrollment = Enrollment.objects.get(pk=world.mentor_enrollment.pk)
    assert (enrollment.capacity, enrollment.accepting_now) == (3, True)
    assert enrollment.profile_completed_at is not None


def test_practicalities_save_and_complete_the_profile(world: World) -> None:
    client = client_for(world.mentee)
    client.post(
        _goals_url(world),
        {"goals": "Speak up in meetings.", _topic_field(world, "Public speaking"): "3"},
    )
    response = client.post(
        _goals_url(world, "practicalities"),
        {
            "meeting_modes": ["video", "in_person"],
            "preferred_cadence": "fortnightly",
            "languages": ["en", "es"],
            "time_zone": "America/Denver",
            "identity_attributes": ["first_generation"],
            "requested_attributes": ["first_generation"],
        },
    )
    assert response["Location"] == f"/programs/{world.program.pk}/"
    enrollment = Enrollment.objects.select_related("membership").get(pk=world.mentee_enrollment.pk)
    assert enrollment.meeting_modes == ["in_person", "video"]
    assert enrollment.languages == ["en", "es"]
    assert enrollment.membership is not None
    assert enrollment.membership.time_zone == "America/Denver"
    assert enrollment.profile_completed_at is not None
    page = client.get(response["Location"]).content.decode()
    assert "Profile complete" in page


def test_required_fields_of_the_program_are_enforced(world: World) -> None:
    world.program.required_profile_fields = [Program.ProfileField.LANGUAGES]
    world.program.save()
    response = client_for(world.mentee).post(
        _goals_url(world, "practicalities"),
        {"preferred_cadence": "monthly", "time_zone": "UTC", "meeting_modes": ["phone"]},
    )
    assert "languages" in response.context["form"].errors
    assert 'value="phone"' in response.content.decode()


def test_unknown_choices_are_refused(world: World) -> None:
    response = client_for(world.mentee).post(
        _goals_url(world, "practicalities"),
        {"languages": ["klingon"], "time_zone": "Mars/Olympus", "preferred_cadence": "daily"},
    )
    errors = response.context["form"].errors
    assert {"languages", "time_zone", "preferred_cadence"} <= set(errors)


def test_someone_else_cannot_edit_my_profile(world: World) -> None:
    for user in (world.member, world.outsider):
        response = client_for(user).post(_goals_url(world), {"goals": "hijack"})
        assert response.status_code == 404
    world.mentee_enrollment.refresh_from_db()
    assert world.mentee_enrollment.goals == "Find my feet in the first year."
    assert Client().get(_goals_url(world)).status_code == 302
