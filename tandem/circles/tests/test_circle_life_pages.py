"""A circle's life outside sessions, through its pages: agreement, check-ins, forming, leaving."""

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tandem.accounts.models import User
from tandem.circles.models import (
    Circle,
    CircleAgreement,
    CircleCheckIn,
    CircleMembership,
    CircleSignature,
)
from tandem.circles.services import (
    circle_agreement_write,
    circle_checkin_record,
    circle_form,
    circle_join_request,
    circle_membership_answer,
)
from tandem.programs.models import Enrollment, Program
from tandem.testing.circles import Cast
from tandem.testing.factories import MembershipFactory, UserFactory
from tandem.testing.fixtures import client_for

State = CircleMembership.State


def _terms(**overrides: Any) -> dict[str, Any]:
    """Return a complete agreement as the form posts it."""
    review = timezone.localdate() + datetime.timedelta(days=60)
    return {
        "purpose": "Grow as leaders of small teams.",
        "confidentiality": "What is said here stays here.",
        "attendance": "We come, or say so a day before.",
        "hot_seat": "One person a session, in turn.",
        "cadence_weeks": "2",
        "weekday": "3",
        "local_time": "17:30",
        "time_zone": "Europe/Paris",
        "session_minutes": "75",
        "hot_seats_per_session": "1",
        "topics_welcome": "Hiring, feedback.",
        "topics_off_limits": "Salaries.",
        "channels": ["video"],
        "accountability": "We ask at the next session.",
        "derailers": "Busy quarters: we pause, not vanish.",
        "review_on": review.isoformat(),
        "exit_clause": "Anyone may leave with a word.",
        **overrides,
    }


def _rhythm(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "Early risers",
        "cadence_weeks": "1",
        "weekday": "1",
        "local_time": "08:00",
        "time_zone": "UTC",
        "session_minutes": "60",
        "hot_seats_per_session": "1",
        **overrides,
    }


@dataclass
class Scene:
    """Two running circles of one program, another circles program, and who is who."""

    cast: Cast
    circle: Circle
    other_circle: Circle
    other_program: Program
    other_admin: User

    @property
    def member(self) -> User:
        return self.cast.people[0].user

    @property
    def member_elsewhere(self) -> User:
        return self.cast.people[4].user

    def personas(self) -> dict[str, User]:
        return {
            "member": self.member,
            "member of another circle": self.member_elsewhere,
            "program admin": self.cast.admin,
            "admin of another program": self.other_admin,
            "outsider": self.cast.world.outsider,
        }


@pytest.fixture
def scene(cast: Cast) -> Scene:
    other_admin = UserFactory.create(full_name="Pat Other-Admin")
    MembershipFactory.create(user=other_admin, organization=cast.world.org)
    other_program = Program.objects.create(
        organization=cast.world.org,
        name="Engineers' circles",
        format=Program.Format.CIRCLES,
        status=Program.Status.ACTIVE,
        circle_min_size=4,
        circle_max_size=6,
    )
    other_program.admins.add(other_admin)
    return Scene(
        cast=cast,
        circle=cast.active_circle(cast.people[:4]),
        other_circle=cast.active_circle(cast.people[4:8]),
        other_program=other_program,
        other_admin=other_admin,
    )


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# Agreement


def test_a_member_writes_the_first_draft_from_the_template(scene: Scene) -> None:
    client = client_for(scene.member)
    url = f"/circles/{scene.circle.pk}/agreement/"
    detail = _page(client, f"/circles/{scene.circle.pk}/")
    assert "Write the first draft" in detail
    page = _page(client, url)
    # Prefilled from the template written for circles.
    assert "nothing from the circle reaches anyone&#x27;s manager" in page
    response = client.post(url, _terms())
    assert response.status_code == 302 and response["Location"] == f"/circles/{scene.circle.pk}/"
    agreement = CircleAgreement.objects.get(circle=scene.circle)
    assert (agreement.version, agreement.purpose, agreement.last_edited_by) == (
        1,
        "Grow as leaders of small teams.",
        scene.member,
    )
    assert (agreement.weekday, agreement.local_time, agreement.time_zone) == (
        3,
        datetime.time(17, 30),
        "Europe/Paris",
    )
    assert agreement.channels == ["video"] and agreement.session_minutes == 75


def test_a_new_version_is_prefilled_asks_everyone_again_and_shows_in_the_history(
    scene: Scene,
) -> None:
    people = scene.cast.people[:4]
    clients = [client_for(p.user) for p in people]
    url = f"/circles/{scene.circle.pk}/agreement/"
    clients[0].post(url, _terms())
    first = CircleAgreement.objects.get(circle=scene.circle)
    for client in clients:
        assert client.post(f"/circles/agreements/{first.pk}/sign/").status_code == 302
    scene.circle.refresh_from_db()
    assert scene.circle.weekday == 3 and scene.circle.cadence_weeks == 2
    # The form for a new version starts from the current words.
    assert "Grow as leaders of small teams." in _page(clients[1], url)
    response = clients[1].post(
        url, _terms(purpose="Lead through change.", hot_seats_per_session="2", weekday="1")
    )
    assert response.status_code == 302
    second = CircleAgreement.objects.get(circle=scene.circle, version=2)
    assert second.purpose == "Lead through change." and second.hot_seats_per_session == 2
    assert not CircleSignature.objects.filter(agreement=second).exists()
    detail = _page(clients[2], f"/circles/{scene.circle.pk}/")
    assert "Sign version 2" in detail and "not signed yet" in detail
    history = _page(clients[2], url)
    assert "Version 2" in history and "Version 1" in history
    assert "What the circle is for: <del>Grow as leaders of small teams.</del>" in history
    assert "On which day: <del>Thursday</del> → <ins>Tuesday</ins>" in history
    assert "<ins>Lead through change.</ins>" in history
    # Posting the same words again writes nothing.
    same = clients[1].post(
        url, _terms(purpose="Lead through change.", hot_seats_per_session="2", weekday="1")
    )
    assert (
        same.status_code == 200 and "Nothing has changed since version 2" in same.content.decode()
    )
    assert scene.circle.agreements.count() == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("purpose", ""),
        ("confidentiality", "   "),
        ("attendance", ""),
        ("hot_seat", ""),
        ("cadence_weeks", "9"),
        ("cadence_weeks", "often"),
        ("weekday", "8"),
        ("local_time", "25:00"),
        ("local_time", ""),
        ("time_zone", "Mars/Olympus"),
        ("session_minutes", "10"),
        ("session_minutes", "99999999999999999999999"),
        ("hot_seats_per_session", "3"),
        ("channels", ["pigeon"]),
        ("review_on", "2001-01-01"),
        ("review_on", "next spring"),
        ("exit_clause", ""),
    ],
)
def test_bad_agreement_input_is_explained_and_writes_nothing(
    scene: Scene, field: str, value: Any
) -> None:
    client = client_for(scene.member)
    response = client.post(f"/circles/{scene.circle.pk}/agreement/", _terms(**{field: value}))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page, field
    assert not CircleAgreement.objects.exists()


def test_a_past_review_date_is_refused_alongside_the_forms_other_problems(scene: Scene) -> None:
    client = client_for(scene.member)
    response = client.post(
        f"/circles/{scene.circle.pk}/agreement/", _terms(purpose="", review_on="2020-01-01")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_purpose_error"' in page and 'id="id_review_on_error"' in page
    assert "Choose a review date in the future." in page
    assert not CircleAgreement.objects.exists()


def test_a_closed_circle_offers_no_new_version(scene: Scene) -> None:
    circle_agreement_write(circle=scene.circle, by=scene.member, terms={"purpose": "Grow."})
    client_for(scene.cast.admin).post(f"/circles/{scene.circle.pk}/close/", {"reason": "completed"})
    client = client_for(scene.member)
    url = f"/circles/{scene.circle.pk}/agreement/"
    assert "Propose a new version" not in _page(client, f"/circles/{scene.circle.pk}/")
    assert "This circle has closed" in _page(client, url)
    assert client.post(url, _terms()).status_code == 200
    assert scene.circle.agreements.count() == 1


# Check-ins


def test_a_check_in_is_private_to_its_author(scene: Scene) -> None:
    ana, ben = (client_for(p.user) for p in scene.cast.people[:2])
    url = f"/circles/{scene.circle.pk}/checkins/"
    response = ana.post(url, {"score": "4", "note": "Ben's question helped me most."})
    assert response.status_code == 302
    checkin = CircleCheckIn.objects.get()
    assert (checkin.score, checkin.membership.enrollment) == (4, scene.cast.people[0])
    assert "Ben&#x27;s question helped me most." in _page(ana, url)
    assert "Ben&#x27;s question" not in _page(ben, url)
    admin = client_for(scene.cast.admin)
    for page in (
        _page(admin, f"/circles/programs/{scene.cast.program.pk}/manage/"),
        _page(admin, f"/circles/{scene.circle.pk}/manage/"),
    ):
        assert "Ben&#x27;s question" not in page
    assert "1 private check-in;" in _page(admin, f"/circles/{scene.circle.pk}/manage/")


@pytest.mark.parametrize(
    "data",
    [{"score": "0"}, {"score": "6"}, {"score": "x"}, {}, {"score": "3", "note": "a" * 2001}],
)
def test_a_bad_check_in_is_explained_and_not_saved(scene: Scene, data: dict[str, str]) -> None:
    response = client_for(scene.member).post(f"/circles/{scene.circle.pk}/checkins/", data)
    assert response.status_code == 200
    assert "has-error" in response.content.decode()
    assert not CircleCheckIn.objects.exists()


def test_admins_see_an_average_only_from_five_authors(cast: Cast) -> None:
    circle = cast.active_circle(cast.people[:5])
    admin = client_for(cast.admin)
    for index, person in enumerate(cast.people[:5]):
        page = _page(admin, f"/circles/{circle.pk}/manage/")
        assert "averaging" not in page
        circle_checkin_record(circle=circle, by=person.user, score=index % 2 + 3)
    page = _page(admin, f"/circles/{circle.pk}/manage/")
    assert "5 private check-ins, averaging 3.4 out of 5" in page
    assert "3.4/5" in _page(admin, f"/circles/programs/{cast.program.pk}/manage/")


def test_admins_see_how_many_of_a_forming_circle_were_invited_and_joined(cast: Cast) -> None:
    circle = cast.propose(cast.people[:5])
    admin = client_for(cast.admin)
    url = f"/circles/programs/{cast.program.pk}/manage/"
    assert '<td class="num">5 invited, 0 joined</td>' in _page(admin, url)
    circle_membership_answer(
        membership=cast.membership(circle, cast.people[0]), by=cast.people[0].user, accept=True
    )
    assert '<td class="num">4 invited, 1 joined</td>' in _page(admin, url)


# Leaving


def test_a_member_leaves_with_a_word_the_others_read(scene: Scene) -> None:
    leaver = scene.cast.people[3]
    place = scene.cast.membership(scene.circle, leaver)
    client = client_for(leaver.user)
    assert "Leave this circle" in _page(client, f"/circles/{scene.circle.pk}/")
    assert "A word to the circle" in _page(client, f"/circles/places/{place.pk}/leave/")
    long = client.post(f"/circles/places/{place.pk}/leave/", {"note": "x" * 1001})
    assert long.status_code == 200 and "has-error" in long.content.decode()
    place.refresh_from_db()
    assert place.state == State.ACTIVE
    response = client.post(f"/circles/places/{place.pk}/leave/", {"note": "Thank you, all."})
    assert response.status_code == 302
    place.refresh_from_db()
    assert (place.state, place.leave_note) == (State.LEFT, "Thank you, all.")
    assert "Thank you, all." in _page(client_for(scene.member), f"/circles/{scene.circle.pk}/")
    # Gone is gone: the place cannot be left twice.
    assert client.post(f"/circles/places/{place.pk}/leave/", {}).status_code == 404


def test_a_proposed_place_is_answered_not_left(scene: Scene) -> None:
    newcomer = scene.cast.person("Ivy Newcomer")
    client_for(scene.cast.admin).post(
        f"/circles/{scene.circle.pk}/replacement/", {"enrollment": newcomer.pk}
    )
    place = scene.cast.membership(scene.circle, newcomer)
    assert place.state == State.PROPOSED
    response = client_for(newcomer.user).post(f"/circles/places/{place.pk}/leave/", {})
    assert response.status_code == 404
    place.refresh_from_db()
    assert place.state == State.PROPOSED


# Admin changes


def test_the_admin_pauses_resumes_and_closes_with_a_reason(scene: Scene) -> None:
    admin = client_for(scene.cast.admin)
    base = f"/circles/{scene.circle.pk}"
    assert admin.post(f"{base}/pause/").status_code == 302
    scene.circle.refresh_from_db()
    assert scene.circle.state == Circle.State.PAUSED
    # Pausing twice says why.
    twice = admin.post(f"{base}/pause/", follow=True)
    assert "Only an active circle can be paused." in twice.content.decode()
    assert admin.post(f"{base}/resume/").status_code == 302
    scene.circle.refresh_from_db()
    assert scene.circle.state == Circle.State.ACTIVE
    response = admin.post(f"{base}/close/", {"reason": "ended_by_admin", "note": "Budget ends."})
    assert response.status_code == 302
    scene.circle.refresh_from_db()
    assert (scene.circle.state, scene.circle.close_reason, scene.circle.close_note) == (
        Circle.State.CLOSED,
        "ended_by_admin",
        "Budget ends.",
    )


@pytest.mark.parametrize(
    "data",
    [{}, {"reason": "bored"}, {"reason": ""}, {"reason": "completed", "note": "n" * 1001}],
)
def test_closing_without_a_good_reason_is_explained(scene: Scene, data: dict[str, str]) -> None:
    response = client_for(scene.cast.admin).post(f"/circles/{scene.circle.pk}/close/", data)
    assert response.status_code == 400
    assert "has-error" in response.content.decode()
    scene.circle.refresh_from_db()
    assert scene.circle.state == Circle.State.ACTIVE


def test_the_admin_removes_a_member_and_invites_a_replacement(scene: Scene) -> None:
    admin = client_for(scene.cast.admin)
    gone = scene.cast.membership(scene.circle, scene.cast.people[3])
    assert admin.post(f"/circles/places/{gone.pk}/remove/").status_code == 302
    gone.refresh_from_db()
    assert gone.state == State.REMOVED and gone.removed_by == scene.cast.admin
    newcomer = scene.cast.person("Ivy Newcomer")
    page = _page(admin, f"/circles/{scene.circle.pk}/manage/")
    assert newcomer.user.display_name in page
    response = admin.post(f"/circles/{scene.circle.pk}/replacement/", {"enrollment": newcomer.pk})
    assert response.status_code == 302
    assert scene.cast.membership(scene.circle, newcomer).state == State.PROPOSED


@pytest.mark.parametrize("value", ["", "abc", "99999999999999999999999", "-1", "other", "in"])
def test_a_replacement_outside_the_choices_is_refused(scene: Scene, value: str) -> None:
    if value == "other":
        stranger = Enrollment.objects.create(
            program=scene.other_program,
            user=UserFactory.create(),
            is_mentee=False,
            is_peer=True,
        )
        value = str(stranger.pk)
    elif value == "in":
        value = str(scene.cast.people[1].pk)
    before = CircleMembership.objects.count()
    response = client_for(scene.cast.admin).post(
        f"/circles/{scene.circle.pk}/replacement/", {"enrollment": value}
    )
    assert response.status_code == 400
    assert 'id="id_enrollment_error"' in response.content.decode()
    assert CircleMembership.objects.count() == before


def test_the_reporting_line_holds_for_a_replacement(scene: Scene) -> None:
    report = scene.cast.person("Ivy Report")
    scene.cast.manages(boss=scene.cast.people[0], report=report)
    response = client_for(scene.cast.admin).post(
        f"/circles/{scene.circle.pk}/replacement/", {"enrollment": report.pk}
    )
    assert response.status_code == 400
    assert "reporting line" in response.content.decode()
    assert not CircleMembership.objects.filter(enrollment=report).exists()


def test_the_reporting_line_holds_when_asking_to_join_and_when_approving(scene: Scene) -> None:
    report = scene.cast.person("Ivy Report")
    scene.cast.manages(boss=scene.cast.people[1], report=report)
    client = client_for(report.user)
    response = client.post(f"/circles/{scene.circle.pk}/join/", follow=True)
    page = response.content.decode()
    assert "reporting line" in page and "someone in this circle" in page
    # The refusal does not name who in the circle is in the line.
    assert scene.cast.people[1].user.display_name not in page
    assert not CircleMembership.objects.filter(enrollment=report).exists()
    # A request made before the line existed is refused when the admin approves it.
    later = scene.cast.person("Jon Later")
    request = circle_join_request(circle=scene.circle, enrollment=later, by=later.user)
    scene.cast.manages(boss=later, report=scene.cast.people[2])
    response = client_for(scene.cast.admin).post(
        f"/circles/requests/{request.pk}/answer/", {"answer": "approve"}, follow=True
    )
    assert "reporting line" in response.content.decode()
    request.refresh_from_db()
    assert request.state == State.REQUESTED


# Forming and joining


def test_a_member_forms_a_circle_others_ask_and_the_admin_approves(cast: Cast) -> None:
    founder, *joiners = cast.people[:4]
    program_url = f"/circles/programs/{cast.program.pk}/"
    founder_client = client_for(founder.user)
    assert "Form a circle" in _page(founder_client, f"/programs/{cast.program.pk}/")
    response = founder_client.post(f"{program_url}new/", _rhythm())
    circle = Circle.objects.get(name="Early risers")
    assert response.status_code == 302 and response["Location"] == f"/circles/{circle.pk}/"
    assert (circle.origin, circle.state, circle.weekday) == (
        Circle.Origin.SELF_FORMED,
        "proposed",
        1,
    )
    assert circle.memberships.get().enrollment == founder
    for joiner in joiners:
        client = client_for(joiner.user)
        page = _page(client, f"/programs/{cast.program.pk}/")
        assert "Circles you can join" in page and "Early risers" in page
        assert client.post(f"/circles/{circle.pk}/join/").status_code == 302
        assert "asked to join, waiting for the program" in _page(client, program_url)
    assert circle.memberships.filter(state=State.REQUESTED).count() == 3
    admin = client_for(cast.admin)
    assert f"/circles/programs/{cast.program.pk}/manage/" in _page(
        admin, f"/programs/{cast.program.pk}/manage/"
    )
    page = _page(admin, f"/circles/programs/{cast.program.pk}/manage/")
    assert "Circles to approve" in page and "Requests to join" in page
    requests = list(circle.memberships.filter(state=State.REQUESTED).order_by("pk"))
    nonsense = admin.post(f"/circles/requests/{requests[0].pk}/answer/", {"answer": "maybe"})
    assert nonsense.status_code == 302
    requests[0].refresh_from_db()
    assert requests[0].state == State.REQUESTED
    for request in requests:
        admin.post(f"/circles/requests/{request.pk}/answer/", {"answer": "approve"})
    assert admin.post(f"/circles/{circle.pk}/approve/").status_code == 302
    circle.refresh_from_db()
    assert circle.state == Circle.State.ACTIVE and circle.approved_by == cast.admin
    assert circle.memberships.filter(state=State.ACTIVE).count() == 4
    assert "Nothing waits for an answer." in _page(
        admin, f"/circles/programs/{cast.program.pk}/manage/"
    )


def test_the_admin_refuses_a_request_and_the_person_may_take_one_back(cast: Cast) -> None:
    founder = cast.people[0]
    circle = circle_form(enrollment=founder, by=founder.user, name="Evening circle")
    refused, withdrawn = cast.people[1:3]
    for person in (refused, withdrawn):
        client_for(person.user).post(f"/circles/{circle.pk}/join/")
    place = circle.memberships.get(enrollment=refused)
    client_for(cast.admin).post(f"/circles/requests/{place.pk}/answer/", {"answer": "refuse"})
    place.refresh_from_db()
    assert place.state == State.DECLINED
    mine = circle.memberships.get(enrollment=withdrawn)
    client = client_for(withdrawn.user)
    assert "Take back your request" in _page(client, f"/circles/places/{mine.pk}/leave/")
    assert client.post(f"/circles/places/{mine.pk}/leave/", {}).status_code == 302
    mine.refresh_from_db()
    assert mine.state == State.LEFT


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("name", "n" * 81),
        ("cadence_weeks", "0"),
        ("weekday", "9"),
        ("local_time", ""),
        ("local_time", "8 o'clock"),
        ("time_zone", "Nowhere/Else"),
        ("session_minutes", "500"),
        ("hot_seats_per_session", "5"),
    ],
)
def test_bad_input_when_forming_a_circle_is_explained(cast: Cast, field: str, value: str) -> None:
    response = client_for(cast.people[0].user).post(
        f"/circles/programs/{cast.program.pk}/new/", _rhythm(**{field: value})
    )
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not Circle.objects.exists()


def test_asking_to_join_a_circle_one_is_in_says_why(scene: Scene) -> None:
    response = client_for(scene.member).post(f"/circles/{scene.circle.pk}/join/", follow=True)
    assert response.status_code == 200
    assert "already in this circle" in response.content.decode()
    assert scene.circle.memberships.filter(enrollment=scene.cast.people[0]).count() == 1


# Free hours


def test_a_member_says_when_they_are_free(cast: Cast) -> None:
    person = cast.people[0]
    client = client_for(person.user)
    url = f"/circles/programs/{cast.program.pk}/free-hours/"
    page = _page(client, url)
    assert 'aria-label="Monday 09:00"' in page
    response = client.post(url, {"hours": ["167", "33", "0", "33"]})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.free_hours == [0, 33, 167]
    page = _page(client, url)
    assert 'value="33" id="hour-33" aria-label="Tuesday 09:00" checked' in page
    # Clearing every box is a valid answer too.
    client.post(url, {})
    person.refresh_from_db()
    assert person.free_hours == []


@pytest.mark.parametrize("hours", [["168"], ["-1"], ["x"], ["1", "99999999999999999999"]])
def test_hours_outside_the_week_are_refused(cast: Cast, hours: list[str]) -> None:
    person = cast.people[0]
    person.free_hours = [10]
    person.save(update_fields=["free_hours"])
    response = client_for(person.user).post(
        f"/circles/programs/{cast.program.pk}/free-hours/", {"hours": hours}
    )
    assert response.status_code == 200
    assert 'id="id_hours_error"' in response.content.decode()
    person.refresh_from_db()
    assert person.free_hours == [10]


def test_free_hours_are_only_for_a_circles_program(cast: Cast) -> None:
    world = cast.world
    url = f"/circles/programs/{world.program.pk}/free-hours/"
    assert client_for(world.mentee).get(url).status_code == 404
    assert "Your circles" not in _page(client_for(world.mentee), f"/programs/{world.program.pk}/")


# Who may open what


def _get_urls(scene: Scene) -> dict[str, tuple[str, set[str]]]:
    """Each new page, and the personas who may open it."""
    circle, program = scene.circle, scene.cast.program
    place = scene.cast.membership(circle, scene.cast.people[0])
    members = {"member"}
    enrolled = {"member", "member of another circle"}
    admins = {"program admin"}
    return {
        "agreement": (f"/circles/{circle.pk}/agreement/", members),
        "check-ins": (f"/circles/{circle.pk}/checkins/", members),
        "leave": (f"/circles/places/{place.pk}/leave/", members),
        "program circles": (f"/circles/programs/{program.pk}/", enrolled),
        "form a circle": (f"/circles/programs/{program.pk}/new/", enrolled),
        "free hours": (f"/circles/programs/{program.pk}/free-hours/", enrolled),
        "admin list": (f"/circles/programs/{program.pk}/manage/", admins),
        "admin circle": (f"/circles/{circle.pk}/manage/", admins),
    }


def test_each_page_opens_for_its_people_and_is_missing_for_everyone_else(scene: Scene) -> None:
    for name, user in scene.personas().items():
        client = client_for(user)
        for page, (url, allowed) in _get_urls(scene).items():
            expected = 200 if name in allowed else 404
            assert client.get(url).status_code == expected, (name, page)


def test_only_the_program_admin_can_change_a_circle(scene: Scene) -> None:
    circle = scene.circle
    newcomer = scene.cast.person("Ivy Newcomer")
    request = circle_join_request(circle=circle, enrollment=newcomer, by=newcomer.user)
    place = scene.cast.membership(circle, scene.cast.people[3])
    posts = [
        (f"/circles/{circle.pk}/pause/", {}),
        (f"/circles/{circle.pk}/resume/", {}),
        (f"/circles/{circle.pk}/close/", {"reason": "completed"}),
        (f"/circles/{circle.pk}/approve/", {}),
        (f"/circles/{circle.pk}/replacement/", {"enrollment": newcomer.pk}),
        (f"/circles/requests/{request.pk}/answer/", {"answer": "approve"}),
        (f"/circles/places/{place.pk}/remove/", {}),
    ]
    for name, user in scene.personas().items():
        if name == "program admin":
            continue
        client = client_for(user)
        for url, data in posts:
            assert client.post(url, data).status_code == 404, (name, url)
    circle.refresh_from_db()
    request.refresh_from_db()
    place.refresh_from_db()
    assert (circle.state, request.state, place.state) == ("active", State.REQUESTED, State.ACTIVE)


def test_only_people_of_the_program_can_ask_to_join_its_circles(scene: Scene) -> None:
    allowed = {"member", "member of another circle"}
    for name, user in scene.personas().items():
        response = client_for(user).post(f"/circles/{scene.other_circle.pk}/join/")
        assert response.status_code == (302 if name in allowed else 404), name
    # Nobody outside the program has a place in it, asked for or otherwise.
    people = set(scene.other_circle.memberships.values_list("enrollment__user", flat=True))
    assert people <= {p.user.pk for p in scene.cast.people}


def test_nobody_writes_an_agreement_or_a_check_in_for_a_circle_they_are_not_in(
    scene: Scene,
) -> None:
    for name, user in scene.personas().items():
        if name == "member":
            continue
        client = client_for(user)
        assert client.post(f"/circles/{scene.circle.pk}/agreement/", _terms()).status_code == 404
        checkin = client.post(f"/circles/{scene.circle.pk}/checkins/", {"score": "5"})
        assert checkin.status_code == 404
    assert not CircleAgreement.objects.exists() and not CircleCheckIn.objects.exists()


# Query counts


def test_the_admin_circles_list_reads_a_fixed_number_of_queries(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    admin = client_for(cast.admin)
    url = f"/circles/programs/{cast.program.pk}/manage/"
    cast.active_circle(cast.people[:4])
    with django_assert_max_num_queries(12):
        _page(admin, url)
    cast.active_circle(cast.people[4:8])
    for person in cast.people[:4]:
        circle_checkin_record(circle=Circle.objects.order_by("pk")[0], by=person.user, score=4)
    founder = cast.person("Ivy Founder")
    formed = circle_form(enrollment=founder, by=founder.user, name="Formed")
    for person in (cast.person("Jon"), cast.person("Kim")):
        circle_join_request(circle=formed, enrollment=person, by=person.user)
    with django_assert_max_num_queries(12):
        page = _page(admin, url)
    assert "Jon" in page and "Formed" in page


def test_the_circle_page_reads_a_fixed_number_of_queries(
    scene: Scene, django_assert_max_num_queries: Any
) -> None:
    circle_agreement_write(circle=scene.circle, by=scene.member, terms={"purpose": "Grow."})
    client = client_for(scene.member)
    # Two of them read the sessions card: the sessions to come and the past ones.
    with django_assert_max_num_queries(18):
        page = _page(client, f"/circles/{scene.circle.pk}/")
    assert "Private check-in" in page and "Propose a new version" in page
    with django_assert_max_num_queries(12):
        _page(client, f"/circles/{scene.circle.pk}/agreement/")
