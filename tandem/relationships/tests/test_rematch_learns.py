"""After a match that was not a fit, what she asks for moves her next proposals and her list.

Mia's first mentor, Mo, was in her own department and they met weekly. Rita, in the same
department with a profile close to Mia's goals, is her best mentor until Mia reflects
and asks for someone outside her department, meeting monthly, who asks questions.
"""

import re
from typing import Any

import pytest
from django.urls import reverse

from tandem.accounts.models import Department, Membership
from tandem.core.errors import DomainError
from tandem.matching import services as matching
from tandem.matching.models import MatchingRound
from tandem.programs.models import Enrollment, Program, Topic
from tandem.programs.next_match import NextMatchAsks
from tandem.relationships import services
from tandem.relationships.models import Agreement, Reflection, Relationship
from tandem.relationships.tests.conftest import active, complete
from tandem.testing.factories import EnrollmentFactory, MembershipFactory, UserFactory
from tandem.testing.fixtures import World, client_for
from tandem.testing.rounds import round_create_default

AFTER = "as you asked after your last match"
WROTE = (
    "Someone outside my department would help: we knew all the same people. I would rather "
    "meet monthly, not weekly, with a mentor who asks questions instead of lecturing."
)


def _mentor(world: World, name: str, department: Department, bio: str, cadence: str) -> Enrollment:
    user = UserFactory.create(full_name=name)
    membership = MembershipFactory.create(
        user=user, organization=world.org, department=department, time_zone="Europe/Paris"
    )
    enrollment = EnrollmentFactory.create(
        program=world.program,
        user=user,
        membership=membership,
        is_mentee=False,
        is_mentor=True,
        capacity=1,
        accepting_now=True,
        what_i_bring=bio,
        preferred_cadence=cadence,
    )
    return complete(enrollment, world, "expertise")


@pytest.fixture
def after_mo(ready: World) -> World:
    """Mia's relationship with Mo closed as not a fit; Rita, Sam and Omar can mentor."""
    operations = Department.objects.create(organization=ready.org, name="Operations")
    finance = Department.objects.create(organization=ready.org, name="Finance")
    Membership.objects.filter(user__in=[ready.mentee, ready.mentor], organization=ready.org).update(
        department=operations, time_zone="Europe/Paris"
    )
    Enrollment.objects.filter(pk=ready.mentee_enrollment.pk).update(
        goals="Present to the board with confidence at the budget hearing."
    )
    relationship = active(ready)
    Agreement.objects.filter(relationship=relationship).update(cadence="weekly")
    services.relationship_close(
        relationship=relationship, by=ready.mentee, reason=Relationship.CloseReason.NOT_A_FIT
    )
    Enrollment.objects.filter(user=ready.other_mentor, program=ready.program).update(
        accepting_now=False
    )
    _mentor(
        ready,
        "Rita Reyes",
        operations,
        "Budget hearings: I help people present to the board with confidence.",
        "weekly",
    )
    _mentor(ready, "Sam Sato", finance, "Presenting to the board.", "weekly")
    _mentor(
        ready,
        "Omar Ortiz",
        finance,
        "I ask questions first, then we practise presenting.",
        "monthly",
    )
    ready.program.matching_mode = Program.MatchingMode.BOTH
    ready.program.save()
    return ready


def _proposed(world: World, capture: Any) -> tuple[str, list[str]]:
    with capture(execute=True):
        created = round_create_default(program=world.program, by=world.admin)
        matching.round_start(matching_round=created)
    created.refresh_from_db()
    assert created.status == MatchingRound.Status.READY
    pair = created.pairs.select_related("mentor__user").get(mentee=world.mentee_enrollment)
    return pair.mentor.user.full_name, pair.reasons


def _directory(world: World) -> list[str]:
    page = client_for(world.mentee).get(reverse("relationships:directory", args=[world.program.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    return re.findall(r"(Rita Reyes|Sam Sato|Omar Ortiz)</a></h2>", html)


def _reflect_and_confirm(world: World) -> Reflection:
    relationship = Relationship.objects.get(mentee=world.mentee_enrollment)
    mia = client_for(world.mentee)
    response = mia.post(
        reverse("relationships:reflect", args=[relationship.pk]),
        {"different": WROTE, "my_part": "Say earlier what I need.", "share_with_next": "on"},
    )
    reflection = Reflection.objects.get(relationship=relationship)
    assert response["Location"] == reverse(
        "relationships:reflection_next_match", args=[reflection.pk]
    )
    page = mia.get(response["Location"])
    html = page.content.decode()
    assert "Someone outside your department (Operations)" in html
    assert "Prefer mentors who like to meet every month, not every week" in html
    assert "Look for “asks questions”" in html
    assert "Because you wrote" in html
    # Nothing changes before she confirms.
    assert Enrollment.objects.get(pk=world.mentee_enrollment.pk).next_match_asks == {}
    initial = page.context["form"].initial
    confirmed = mia.post(
        response["Location"],
        {
            "outside_own_department": "on" if initial["outside_own_department"] else "",
            "max_time_zone_gap": initial["max_time_zone_gap"],
            "experience_topic": initial["experience_topic"],
            "experience_level": initial["experience_level"],
            "cadence": initial["cadence"],
            "words": initial["words"],
        },
    )
    assert confirmed.status_code == 302
    return reflection


def test_confirmed_asks_move_the_next_round_and_say_so(
    after_mo: World, django_capture_on_commit_callbacks
) -> None:
    before, _ = _proposed(after_mo, django_capture_on_commit_callbacks)
    assert before == "Rita Reyes"
    reflection = _reflect_and_confirm(after_mo)
    asks = NextMatchAsks.from_json(
        Enrollment.objects.get(pk=after_mo.mentee_enrollment.pk).next_match_asks
    )
    assert asks.from_relationship == reflection.relationship_id
    assert asks.outside_own_department
    assert asks.cadence == "monthly"
    assert asks.words == "asks questions"
    after, reasons = _proposed(after_mo, django_capture_on_commit_callbacks)
    # Rita, in Mia's own department, is not proposed any more; Omar asks questions and
    # meets monthly.
    assert after == "Omar Ortiz"
    assert reasons[0] == (
        "Outside your department, likes to meet monthly and their profile mentions "
        f"'question', {AFTER}"
    )


def test_confirmed_asks_reorder_her_mentor_list_with_the_reason_shown(after_mo: World) -> None:
    assert _directory(after_mo) == ["Rita Reyes", "Sam Sato", "Omar Ortiz"]
    _reflect_and_confirm(after_mo)
    assert _directory(after_mo) == ["Omar Ortiz", "Sam Sato"]
    html = (
        client_for(after_mo.mentee)
        .get(reverse("relationships:directory", args=[after_mo.program.pk]))
        .content.decode()
    )
    assert f"Outside your department, {AFTER}" in html
    assert "likes to meet monthly and their profile mentions" in html
    # The page says why Rita is missing, and where to change it.
    assert "Shaped by what you asked after your last match" in html
    assert "Only mentors outside your department (Operations)" in html
    reflection = Reflection.objects.get(author=after_mo.mentee)
    assert reverse("relationships:reflection_next_match", args=[reflection.pk]) in html


def test_clearing_the_asks_restores_the_matching_as_before(
    after_mo: World, django_capture_on_commit_callbacks
) -> None:
    reflection = _reflect_and_confirm(after_mo)
    url = reverse("relationships:reflection_next_match", args=[reflection.pk])
    client_for(after_mo.mentee).post(url, {"words": "", "cadence": ""})
    stored = Enrollment.objects.get(pk=after_mo.mentee_enrollment.pk).next_match_asks
    assert NextMatchAsks.from_json(stored).is_empty
    assert stored["from_relationship"] == reflection.relationship_id
    assert _proposed(after_mo, django_capture_on_commit_callbacks)[0] == "Rita Reyes"
    # Revisiting shows what she confirmed (nothing), not the suggestions again.
    page = client_for(after_mo.mentee).get(url)
    assert page.context["form"].initial["outside_own_department"] is False


def test_only_valid_asks_from_the_author_are_kept(after_mo: World) -> None:
    reflection = _reflect_and_confirm(after_mo)
    url = reverse("relationships:reflection_next_match", args=[reflection.pk])
    mia = client_for(after_mo.mentee)
    for data in (
        {"experience_topic": "999999", "experience_level": "3"},
        {"experience_level": "3"},
        {"max_time_zone_gap": "13"},
        {"cadence": "daily"},
        {"words": "x" * 201},
    ):
        page = mia.post(url, data)
        assert page.status_code == 200, data
        assert page.context["form"].errors, data
    other = Topic.objects.get(organization=after_mo.other_org, name="Public speaking")
    for asks, by in (
        (NextMatchAsks(outside_departments=("Elsewhere",)), after_mo.mentee),
        (NextMatchAsks(min_expertise={other.pk: 3}), after_mo.mentee),
        (NextMatchAsks(cadence="monthly"), after_mo.mentor),
        (NextMatchAsks(cadence="monthly"), after_mo.admin),
    ):
        with pytest.raises(DomainError):
            services.next_match_asks_confirm(reflection=reflection, author=by, asks=asks)
    stored = NextMatchAsks.from_json(
        Enrollment.objects.get(pk=after_mo.mentee_enrollment.pk).next_match_asks
    )
    assert stored.cadence == "monthly"
    assert stored.outside_own_department
