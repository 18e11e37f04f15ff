"""What a member is offered on their circles pages: only the places the policy would give."""

from typing import Any

from django.test import Client

from tandem.circles.models import Circle, CircleMembership
from tandem.circles.services import circle_form, circle_join_request
from tandem.programs.models import Cadence, Enrollment, EnrollmentTopic, Program
from tandem.testing.circles import Cast
from tandem.testing.factories import EnrollmentTopicFactory
from tandem.testing.fixtures import World, client_for

State = CircleMembership.State
AT_LIMIT = "You are already in as many circles as this program allows (1)."


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _finish_profile(enrollment: Enrollment) -> None:
    """Answer what the program page asks of a peer: goals, focus, expertise, capacity."""
    Enrollment.objects.filter(pk=enrollment.pk).update(goals="Lead calmly.", capacity=1)
    for kind in EnrollmentTopic.Kind:
        EnrollmentTopicFactory.create(enrollment=enrollment, kind=kind)


def test_a_member_at_her_limit_is_told_so_instead_of_offered_joins(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    cast.active_circle(cast.people[:4])
    founder = cast.person("Ivy Founder")
    formed = circle_form(enrollment=founder, by=founder.user, name="Early risers")
    member = cast.people[0]
    _finish_profile(member)
    client = client_for(member.user)
    with django_assert_max_num_queries(14):
        circles_page = _page(client, f"/circles/programs/{cast.program.pk}/")
    program_page = _page(client, f"/programs/{cast.program.pk}/")
    for page in (circles_page, program_page):
        assert AT_LIMIT in page
        assert "Ask to join" not in page and "Early risers" not in page
        assert f'href="/circles/programs/{cast.program.pk}/new/"' not in page
    # The program page does not promise a round to someone whose circle has begun.
    assert "You are ready to be matched" not in program_page
    assert "you will be proposed a circle" not in program_page
    assert "You have a place in a circle here" in program_page
    form_page = _page(client, f"/circles/programs/{cast.program.pk}/new/")
    assert AT_LIMIT in form_page and "Form the circle" not in form_page
    posted = client.post(
        f"/circles/programs/{cast.program.pk}/new/",
        {"name": "Mine", "cadence_weeks": "1", "time_zone": "UTC", "session_minutes": "60"},
    )
    assert posted.status_code == 400 and AT_LIMIT in posted.content.decode()
    assert Circle.objects.filter(origin=Circle.Origin.SELF_FORMED).count() == 1
    # Asking anyway is refused in her own words, and nothing is recorded.
    asked = client.post(f"/circles/{formed.pk}/join/", follow=True)
    assert AT_LIMIT in asked.content.decode()
    assert not formed.memberships.filter(enrollment=member).exists()


def test_someone_with_a_place_left_is_offered_joins_and_the_round(cast: Cast) -> None:
    newcomer = cast.person("Nia Newcomer")
    _finish_profile(newcomer)
    client = client_for(newcomer.user)
    page = _page(client, f"/circles/programs/{cast.program.pk}/")
    assert "Form a circle" in page and AT_LIMIT not in page
    program_page = _page(client, f"/programs/{cast.program.pk}/")
    assert "You are ready to be matched" in program_page
    assert "you will be proposed a circle" in program_page


def test_only_running_circles_and_self_formed_ones_are_offered_to_join(cast: Cast) -> None:
    running = cast.active_circle(cast.people[:4])
    proposed = cast.propose(cast.people[4:8], name="Just proposed")
    founder = cast.person("Ivy Founder")
    formed = circle_form(enrollment=founder, by=founder.user, name="Early risers")
    newcomer = cast.person("Nia Newcomer")
    client = client_for(newcomer.user)
    page = _page(client, f"/circles/programs/{cast.program.pk}/")
    assert f"Ask to join {running.name}" in page and "Ask to join Early risers" in page
    assert "Just proposed" not in page
    # A circle a round has just proposed is not open to a request either.
    assert client.post(f"/circles/{proposed.pk}/join/").status_code == 404
    assert not proposed.memberships.filter(enrollment=newcomer).exists()
    assert client.post(f"/circles/{formed.pk}/join/").status_code == 302
    assert formed.memberships.get(enrollment=newcomer).state == State.REQUESTED


def test_a_refusal_says_you_to_the_person_named_and_names_them_to_an_admin(cast: Cast) -> None:
    running = cast.active_circle(cast.people[:4])
    founder = cast.person("Ivy Founder")
    formed = circle_form(enrollment=founder, by=founder.user, name="Early risers")
    asker = cast.person("Oli Asker")
    request = circle_join_request(circle=formed, enrollment=asker, by=asker.user)
    # Meanwhile he took a place in the running circle: the program allows one.
    CircleMembership.objects.create(circle=running, enrollment=asker, state=State.ACTIVE)
    answered = client_for(cast.admin).post(
        f"/circles/requests/{request.pk}/answer/", {"answer": "approve"}, follow=True
    )
    assert "Oli is already in as many circles as this program allows (1)." in (
        answered.content.decode()
    )
    assert CircleMembership.objects.get(pk=request.pk).state == State.REQUESTED


# The admin's invitations


def test_the_admin_is_offered_only_people_the_circle_may_take_by_full_name(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    circle = cast.active_circle(cast.people[:4])
    cast.active_circle(cast.people[4:8])
    newcomer = cast.person("Nia Newcomer")
    refused = cast.person("Rahul Refused")
    request = circle_join_request(circle=circle, enrollment=refused, by=refused.user)
    admin = client_for(cast.admin)
    answer = admin.post(f"/circles/requests/{request.pk}/answer/", {"answer": "refuse"})
    assert answer.status_code == 302
    url = f"/circles/{circle.pk}/manage/"
    with django_assert_max_num_queries(16):
        page = _page(admin, url)
    invite = page[page.index('id="id_enrollment"') : page.index("</select>")]
    assert f'value="{newcomer.pk}">Nia Newcomer</option>' in invite
    # Neither the people of the other circle, at their limit, nor the one just turned down.
    for person in (*cast.people[4:8], refused):
        assert f'value="{person.pk}"' not in invite
    response = admin.post(f"/circles/{circle.pk}/replacement/", {"enrollment": cast.people[5].pk})
    assert response.status_code == 400 and 'id="id_enrollment_error"' in response.content.decode()
    assert not circle.memberships.filter(enrollment=cast.people[5]).exists()


def test_removing_a_member_asks_first_on_the_page(cast: Cast) -> None:
    circle = cast.active_circle(cast.people[:4])
    admin = client_for(cast.admin)
    page = _page(admin, f"/circles/{circle.pk}/manage/")
    place = cast.membership(circle, cast.people[3])
    confirm = page[page.index(f"/circles/places/{place.pk}/remove/") :]
    # The button that removes sits inside a closed disclosure, and says who.
    assert page.count("<details><summary>Remove") == 4
    assert confirm.index("Yes, remove Dev Member") < confirm.index("</details>")
    assert admin.post(f"/circles/places/{place.pk}/remove/").status_code == 302
    place.refresh_from_db()
    assert place.state == State.REMOVED


# What the pages say of the program and where they lead


def test_the_program_page_says_how_circles_are_formed_and_met(cast: Cast) -> None:
    # Whatever an older program holds in its one-to-one fields.
    Program.objects.filter(pk=cast.program.pk).update(
        default_cadence=Cadence.MONTHLY, matching_mode=Program.MatchingMode.BOTH
    )
    page = _page(client_for(cast.people[0].user), f"/programs/{cast.program.pk}/")
    assert "<dt>Rhythm</dt><dd>Each circle agrees its own</dd>" in page
    assert "Admins propose circles in rounds; members may also form their own" in page
    assert "Every month" not in page and "mentees may also choose" not in page


def test_a_peer_program_page_speaks_of_peers_not_mentees(world: World) -> None:
    Program.objects.filter(pk=world.program.pk).update(
        format=Program.Format.PEER,
        matching_mode=Program.MatchingMode.BOTH,
        default_cadence=Cadence.WEEKLY,
    )
    page = _page(client_for(world.admin), f"/programs/{world.program.pk}/")
    assert "Admins pair peers in matching rounds" in page and "<dd>Every week</dd>" in page
    assert "mentees may also choose" not in page


def test_the_new_program_form_offers_coaching_and_says_interviews_exist(world: World) -> None:
    page = _page(client_for(world.admin), "/programs/new/")
    assert "informational interviews and warm introductions" in page
    assert "or coaching (internal or contracted coaches" in page
    assert "are coming" not in page


def test_the_circle_page_crumbs_lead_to_the_program_and_its_circles(cast: Cast) -> None:
    circle = cast.active_circle(cast.people[:4])
    page = _page(client_for(cast.people[0].user), f"/circles/{circle.pk}/")
    program = cast.program.pk
    assert (
        f'<a href="/programs/{program}/">Leaders&#x27; circles</a> \u203a '
        f'<a href="/circles/programs/{program}/">Circles</a> \u203a Thursday circle'
    ) in page
