"""Every format in the figures: hours given, people helped, conversations that became
mentoring and coaching hours, on the program's and the organization's health pages."""

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from tandem.api.tests.conftest import personal_client
from tandem.circles.models import Circle, CircleSession
from tandem.coaching.models import Engagement
from tandem.insights.impact.formats import help_figures
from tandem.interviews.models import Interview
from tandem.introductions.models import Introduction, Suggestion
from tandem.programs.models import Enrollment, Program
from tandem.relationships.models import Meeting, MentorshipRequest, Relationship
from tandem.testing.coaching import Practice
from tandem.testing.factories import EnrollmentFactory
from tandem.testing.fixtures import World, client_for


def _ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def _meeting(relationship: Relationship, minutes: int, *, held: bool = True) -> None:
    Meeting.objects.create(
        relationship=relationship,
        starts_at=_ago(2) if held else timezone.now() + datetime.timedelta(days=2),
        duration_minutes=minutes,
        status=Meeting.Status.HELD if held else Meeting.Status.PLANNED,
    )


def _relationship(
    program: Program, mentor: Enrollment, mentee: Enrollment, origin: str
) -> Relationship:
    return Relationship.objects.create(
        program=program,
        mentor=mentor,
        mentee=mentee,
        focus=program.organization.topics.get(name="Public speaking"),
        origin=origin,
        status=Relationship.Status.ACTIVE,
        started_at=_ago(1),
    )


def _interview(world: World, asker: Enrollment, *, days_ago: int) -> Interview:
    return Interview.objects.create(
        program=world.program,
        asker=asker,
        host=world.mentor_enrollment,
        topic=world.topic("Public speaking"),
        message="May we talk about presenting?",
        minutes=45,
        status=Interview.Status.SCHEDULED,
        starts_at=_ago(days_ago),
    )


def _mentoring(world: World) -> None:
    """In the mentoring program: Mia meets Mo for 30 minutes; three people hold a 45-minute
    interview with Mo, each then mentored; two are connected by an introduction, one going
    on to an interview, the other to an accepted request; a circle meets for 90 minutes."""
    program = world.program
    mo = world.mentor_enrollment
    _meeting(_relationship(program, mo, world.mentee_enrollment, "request"), 30)
    askers = [EnrollmentFactory.create(program=program) for _ in range(6)]
    for asker in askers[:3]:
        _interview(world, asker, days_ago=3)
        _relationship(program, mo, asker, Relationship.Origin.INTERVIEW)
    _interview(world, askers[0], days_ago=-3)  # agreed for later: not held yet
    omar = Enrollment.objects.get(program=program, user=world.other_mentor)
    for asker, led_to in ((askers[3], "interview"), (askers[4], "request")):
        introduction = Introduction.objects.create(
            program=program,
            asker=asker,
            introducer=omar,
            need="Someone who presents to boards",
            status=Introduction.Status.CONNECTED,
        )
        suggestion = Suggestion(
            introduction=introduction, person=mo, note="Mo does this.", status="agreed"
        )
        if led_to == "interview":
            suggestion.interview = Interview.objects.create(
                program=program,
                asker=asker,
                host=mo,
                topic=world.topic("Public speaking"),
                message="Introduced by Omar.",
            )
        else:
            suggestion.mentorship_request = MentorshipRequest.objects.create(
                program=program,
                mentee=asker,
                mentor=mo,
                focus=world.topic("Public speaking"),
                message="Introduced by Omar.",
                status=MentorshipRequest.Status.ACCEPTED,
                expires_at=timezone.now() + datetime.timedelta(days=7),
            )
        suggestion.save()
    Introduction.objects.create(
        program=program,
        asker=askers[5],
        introducer=omar,
        need="Nobody this time",
        status=Introduction.Status.NO_MATCH,
    )
    circle = Circle.objects.create(
        program=program, name="Thursday circle", origin="self_formed", state="active"
    )
    CircleSession.objects.create(
        circle=circle, number=1, starts_at=_ago(4), duration_minutes=90, state="held"
    )
    CircleSession.objects.create(
        circle=circle, number=2, starts_at=_ago(-4), duration_minutes=90, state="planned"
    )


def _coaching(practice: Practice) -> None:
    """Five clients, each with one hour held of six contracted, and a session planned."""
    practice.start()
    relationships = [practice.relationship]
    for _ in range(4):
        coach = EnrollmentFactory.create(program=practice.program, is_mentee=False, is_coach=True)
        client = EnrollmentFactory.create(program=practice.program)
        relationship = _relationship(practice.program, coach, client, Relationship.Origin.ADMIN)
        Engagement.objects.create(
            relationship=relationship,
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate() + datetime.timedelta(days=90),
            hours_contracted=Decimal("6"),
        )
        relationships.append(relationship)
    for relationship in relationships:
        _meeting(relationship, 60)
        _meeting(relationship, 60, held=False)


def _page(url: str, admin: object) -> str:
    response = client_for(admin).get(url)  # type: ignore[arg-type]
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_every_format_counts_in_the_mentoring_programs_figures(practice: Practice) -> None:
    world = practice.world
    _mentoring(world)

    figures = help_figures(programs=[world.program])
    page = _page(reverse("insights:program_health", args=[world.program.pk]), world.admin)

    # 30 + 3 * 45 + 90 minutes; Mia, three interview askers, two introduced.
    assert (figures.hours_given, figures.people_helped, figures.became_mentoring) == (4.3, 6, 5)
    assert figures.coaching_engagements == 0
    assert "<strong>4.3</strong><span>hours given</span>" in page
    assert "<strong>6</strong><span>people helped</span>" in page
    assert "<strong>5</strong><span>conversations that became mentoring</span>" in page
    assert "coaching hours used of those contracted" not in page


def test_coaching_hours_used_and_contracted_show_on_the_coaching_programs_page(
    practice: Practice,
) -> None:
    _coaching(practice)

    page = _page(reverse("insights:program_health", args=[practice.program.pk]), practice.admin)

    assert "<strong>5.0</strong><span>hours given</span>" in page
    assert "<strong>5</strong><span>people helped</span>" in page
    assert "<strong>5.0 of 30.0</strong><span>coaching hours used of those contracted, 5" in page


def test_the_organization_adds_up_every_program(practice: Practice) -> None:
    world = practice.world
    _mentoring(world)
    _coaching(practice)

    page = _page(reverse("insights:organization_health", args=[world.org.pk]), world.admin)

    # 255 minutes of mentoring formats and 300 of coaching: 9.25 hours, to a tenth half up.
    assert "<strong>9.3</strong><span>hours given</span>" in page
    assert "<strong>11</strong><span>people helped</span>" in page
    assert "<strong>5</strong><span>conversations that became mentoring</span>" in page
    assert "<strong>5.0 of 30.0</strong>" in page


def test_small_counts_are_hidden_with_their_hours(practice: Practice) -> None:
    practice.start()
    _meeting(practice.relationship, 90)

    figures = help_figures(programs=[practice.program])
    page = _page(reverse("insights:program_health", args=[practice.program.pk]), practice.admin)

    assert figures.people_helped is None and figures.hours_given is None
    assert figures.coaching_engagements is None and figures.coaching_hours_used is None
    assert "<strong>hidden</strong><span>people helped</span>" in page
    assert "<strong>hidden</strong><span>hours given</span>" in page
    assert "1.5" not in page


def test_only_admins_see_the_figures(practice: Practice) -> None:
    url = reverse("insights:program_health", args=[practice.program.pk])
    for person in (practice.sponsor, practice.coach.user, practice.client.user):
        assert client_for(person).get(url).status_code == 404


def test_the_api_gives_the_figures_the_page_shows(practice: Practice) -> None:
    _coaching(practice)
    api = personal_client(practice.admin)

    body = api.get(f"/programs/{practice.program.pk}/insights/health").json()

    assert body["figures"] == {
        "hours_given": 5.0,
        "people_helped": 5,
        "became_mentoring": 0,
        "coaching_engagements": 5,
        "coaching_hours_used": 5.0,
        "coaching_hours_contracted": 30.0,
    }
    world = practice.world
    _meeting(
        _relationship(world.program, world.mentor_enrollment, world.mentee_enrollment, "request"),
        45,
    )
    small = api.get(f"/programs/{world.program.pk}/insights/health").json()["figures"]
    assert small["people_helped"] is None and small["hours_given"] is None


def test_the_organization_hides_what_one_small_program_would_give_away(
    practice: Practice,
) -> None:
    world = practice.world
    _mentoring(world)
    practice.start()
    _meeting(practice.relationship, 90)

    mentoring = help_figures(programs=[world.program])
    together = help_figures(programs=[world.program, practice.program])
    page = _page(reverse("insights:organization_health", args=[world.org.pk]), world.admin)

    # Seven people in all, but the coaching program's one client would be the difference.
    assert mentoring.people_helped == 6 and mentoring.hours_given == 4.3
    assert together.people_helped is None and together.hours_given is None
    assert together.became_mentoring == 5
    assert "<strong>hidden</strong><span>people helped</span>" in page
    assert "5.8" not in page
