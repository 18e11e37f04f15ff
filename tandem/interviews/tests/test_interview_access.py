"""Who may see each kind of interview object: missing and forbidden look alike."""

import pytest
from django.urls import reverse

from tandem.accounts.models import User
from tandem.core.errors import NotFound
from tandem.interviews import services
from tandem.interviews.tests.conftest import answer_both, ask, happened, scheduled
from tandem.policy.access import (
    interview_get_for_user,
    interview_note_get_for_author,
    interview_offer_get_own,
)
from tandem.relationships.models import Relationship
from tandem.testing.factories import EnrollmentFactory, ProgramFactory
from tandem.testing.fixtures import World, client_for

CANARY = "canary-interview-note-3e8d-puffin"


def _people(world: World) -> dict[str, User]:
    return {
        "asker": world.mentee,
        "host": world.mentor,
        "other_participant": world.other_mentor,
        "program_admin": world.admin,
        "member_not_joined": world.member,
        "other_org": world.outsider,
    }


def test_an_interview_is_for_its_two_people_only(iv: World) -> None:
    interview = scheduled(iv)
    for name, person in _people(iv).items():
        if name in {"asker", "host"}:
            assert interview_get_for_user(user=person, interview_id=interview.pk) == interview
        else:
            with pytest.raises(NotFound):
                interview_get_for_user(user=person, interview_id=interview.pk)
    with pytest.raises(NotFound):
        interview_get_for_user(user=iv.mentee, interview_id=interview.pk + 1000)


def test_every_interview_page_is_not_found_for_anyone_else(iv: World) -> None:
    interview = scheduled(iv)
    gets = ["detail", "ics"]
    posts = ["propose", "pick", "decline", "note", "answer"]
    for name, person in _people(iv).items():
        client = client_for(person)
        for url_name in gets:
            status = client.get(reverse(f"interviews:{url_name}", args=[interview.pk])).status_code
            assert status == (200 if name in {"asker", "host"} else 404), (name, url_name)
        if name in {"asker", "host"}:
            continue
        for url_name in posts:
            url = reverse(f"interviews:{url_name}", args=[interview.pk])
            assert client.post(url, {"body": "x", "continues": "yes"}).status_code == 404
    interview.refresh_from_db()
    assert not interview.notes.exists()


def test_a_note_is_read_by_its_author_alone(iv: World) -> None:
    interview = scheduled(iv)
    note = services.interview_note_write(
        interview=interview, by=iv.mentee, body="Mine", share_if_continuing=False
    )
    for name, person in _people(iv).items():
        found = interview_note_get_for_author(user=person, interview=interview)
        assert found == (note if name == "asker" else None), name


def test_an_offer_is_set_by_its_own_participant_only(iv: World) -> None:
    assert interview_offer_get_own(user=iv.mentor, program=iv.program).per_month == 2
    elsewhere = ProgramFactory.create(organization=iv.org, name="Leadership")
    EnrollmentFactory.create(program=elsewhere, user=iv.other_mentor)
    for person in (iv.member, iv.outsider, iv.admin):
        with pytest.raises(NotFound):
            interview_offer_get_own(user=person, program=iv.program)
    url = reverse("interviews:offer", args=[iv.program.pk])
    for person in (iv.member, iv.outsider, iv.admin):
        assert client_for(person).get(url).status_code == 404
        assert (
            client_for(person).post(url, {"is_offering": "on", "per_month": 3}).status_code == 404
        )
    people = reverse("interviews:people", args=[iv.program.pk])
    for person in (iv.member, iv.outsider, iv.admin):
        assert client_for(person).get(people).status_code == 404


def test_the_offer_page_saves_and_explains_bad_numbers(iv: World) -> None:
    client = client_for(iv.mentee)
    url = reverse("interviews:offer", args=[iv.program.pk])
    for bad in ("0", "21", "many", "99999999999999999999999"):
        response = client.post(url, {"is_offering": "on", "per_month": bad})
        assert "per_month" in response.context["form"].errors, bad
    assert not iv.mentee_enrollment.__class__.objects.filter(
        pk=iv.mentee_enrollment.pk, interview_offer__isnull=False
    ).exists()
    long_about = client.post(url, {"is_offering": "on", "per_month": "3", "about": "x" * 301})
    assert "about" in long_about.context["form"].errors
    assert (
        client.post(url, {"is_offering": "on", "per_month": "3", "about": "Data"}).status_code
        == 302
    )
    offer = interview_offer_get_own(user=iv.mentee, program=iv.program)
    assert (offer.is_offering, offer.per_month, offer.about) == (True, 3, "Data")


def test_private_notes_reach_nobody_else_even_after_continuing(iv: World) -> None:
    interview = happened(scheduled(iv))
    services.interview_note_write(
        interview=interview, by=iv.mentee, body=f"Body {CANARY}", share_if_continuing=False
    )
    own = client_for(iv.mentee).get(reverse("interviews:detail", args=[interview.pk]))
    assert CANARY in own.content.decode()
    answer_both(interview, iv.mentee, iv.mentor, yes=(True, True))
    relationship = Relationship.objects.get()
    urls = [
        "/",
        reverse("interviews:mine"),
        reverse("interviews:detail", args=[interview.pk]),
        reverse("interviews:ics", args=[interview.pk]),
        reverse("interviews:people", args=[iv.program.pk]),
        reverse("notifications:list"),
        reverse("relationships:list"),
        reverse("relationships:export"),
        reverse("relationships:detail", args=[relationship.pk]),
        reverse("relationships:agreement", args=[relationship.pk]),
        reverse("programs:manage", args=[iv.program.pk]),
        reverse("programs:person", args=[iv.program.pk, iv.mentee_enrollment.pk]),
    ]
    for person in (iv.mentor, iv.admin, iv.other_mentor):
        client = client_for(person)
        for url in urls:
            assert CANARY not in client.get(url).content.decode(errors="replace"), (person, url)
    assert CANARY not in "".join(relationship.agreements.values_list("goals", flat=True)), (
        "an unshared note never starts the agreement"
    )


def test_the_lists_take_a_fixed_number_of_queries(
    iv: World, django_assert_max_num_queries: object
) -> None:
    from tandem.interviews.tests.conftest import omar

    scheduled(iv)
    ask(iv, host=omar(iv))
    client = client_for(iv.mentee)
    for url in (reverse("interviews:mine"), reverse("interviews:people", args=[iv.program.pk])):
        client.get(url)
        with django_assert_max_num_queries(14):  # type: ignore[operator]
            assert client.get(url).status_code == 200
