"""A reflection stays its author's to read, edit and share; nobody else ever reads it."""

import pytest
from django.urls import reverse

from tandem.accounts.models import User
from tandem.programs.models import EnrollmentTopic
from tandem.programs.next_match import NextMatchAsks
from tandem.relationships import services
from tandem.relationships.models import Reflection, Relationship
from tandem.relationships.tests.conftest import active, complete
from tandem.testing.factories import EnrollmentFactory, MembershipFactory, UserFactory
from tandem.testing.fixtures import World, client_for

CANARY = "canary-51d0-heron-quartz"


def _reflection(world: World, *, share: bool = False) -> Reflection:
    relationship = active(world)
    services.relationship_close(
        relationship=relationship, by=world.mentee, reason=Relationship.CloseReason.NOT_A_FIT
    )
    return services.reflection_save(
        relationship=relationship,
        author=world.mentee,
        keep=f"Homework {CANARY}",
        different=f"Someone who asks questions {CANARY}",
        my_part=f"Prepare {CANARY}",
        share_with_next=share,
    )


def _urls(reflection: Reflection) -> list[str]:
    return [
        reverse("relationships:reflection", args=[reflection.pk]),
        reverse("relationships:reflection_next_match", args=[reflection.pk]),
        reverse("relationships:reflect", args=[reflection.relationship_id]),
    ]


def test_the_author_reads_and_edits_her_reflection_without_retyping(ready: World) -> None:
    reflection = _reflection(ready)
    mia = client_for(ready.mentee)
    page = mia.get(reverse("relationships:reflection", args=[reflection.pk])).content.decode()
    assert f"Someone who asks questions {CANARY}" in page
    assert f"Prepare {CANARY}" in page
    edit = mia.get(reverse("relationships:reflect", args=[reflection.relationship_id]))
    assert edit.context["form"]["different"].value() == f"Someone who asks questions {CANARY}"
    assert f"Homework {CANARY}" in edit.content.decode()
    # She reaches it from her relationships, her journal and the closed relationship.
    link = reverse("relationships:reflection", args=[reflection.pk])
    for url in (
        reverse("relationships:list"),
        reverse("relationships:journal"),
        reverse("relationships:detail", args=[reflection.relationship_id]),
    ):
        assert link in mia.get(url).content.decode(), url


def test_unsharing_keeps_every_word(ready: World) -> None:
    reflection = _reflection(ready, share=True)
    url = reverse("relationships:reflection_share", args=[reflection.pk])
    mia = client_for(ready.mentee)
    assert mia.post(url, {"share": "0"}).status_code == 302
    reflection.refresh_from_db()
    assert not reflection.share_with_next
    assert reflection.different == f"Someone who asks questions {CANARY}"
    assert reflection.keep == f"Homework {CANARY}"
    mia.post(url, {"share": "1"})
    reflection.refresh_from_db()
    assert reflection.share_with_next
    assert reflection.my_part == f"Prepare {CANARY}"


@pytest.mark.parametrize("who", ["mentor", "admin", "outsider", "member", "other_mentor"])
def test_nobody_but_the_author_can_open_or_change_a_reflection(ready: World, who: str) -> None:
    reflection = _reflection(ready, share=True)
    person = getattr(ready, who)
    client = client_for(person)
    for url in _urls(reflection):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"different": "Taken over", "words": "x"}).status_code == 404
    share = reverse("relationships:reflection_share", args=[reflection.pk])
    assert client.post(share, {"share": "0"}).status_code == 404
    reflection.refresh_from_db()
    assert reflection.share_with_next
    assert reflection.different == f"Someone who asks questions {CANARY}"
    assert (
        ready.mentee_enrollment.__class__.objects.get(pk=ready.mentee_enrollment.pk).next_match_asks
        == {}
    )


def _next_mentor(world: World) -> User:
    user = UserFactory.create(full_name="Nia Next")
    membership = MembershipFactory.create(user=user, organization=world.org)
    enrollment = EnrollmentFactory.create(
        program=world.program,
        user=user,
        membership=membership,
        is_mentee=False,
        is_mentor=True,
        capacity=1,
        accepting_now=True,
    )
    complete(enrollment, world, EnrollmentTopic.Kind.EXPERTISE)
    request = services.request_send(
        mentee=world.mentee_enrollment,
        mentor=enrollment,
        focus=world.topic("Public speaking"),
        message="Hello Nia, I am Mia. I would like help presenting to the board this spring.",
    )
    services.request_accept(request=request, by=user, reply="Gladly!")
    return user


def test_a_shared_reflection_reaches_the_next_mentor_only_while_shared(ready: World) -> None:
    reflection = _reflection(ready, share=True)
    nia = _next_mentor(ready)
    new = Relationship.objects.get(mentor__user=nia)
    detail = reverse("relationships:detail", args=[new.pk])
    assert CANARY in client_for(nia).get(detail).content.decode()
    services.reflection_share_set(reflection=reflection, author=ready.mentee, share=False)
    assert CANARY not in client_for(nia).get(detail).content.decode()


def test_the_mentor_it_is_about_never_reads_it_even_when_paired_again(ready: World) -> None:
    reflection = _reflection(ready, share=True)
    again = Relationship.objects.create(
        program=ready.program,
        mentor=ready.mentor_enrollment,
        mentee=ready.mentee_enrollment,
        focus=reflection.relationship.focus,
        origin=Relationship.Origin.ADMIN,
        status=Relationship.Status.ACTIVE,
    )
    page = client_for(ready.mentor).get(reverse("relationships:detail", args=[again.pk]))
    assert page.status_code == 200
    assert CANARY not in page.content.decode()


def test_the_reflection_and_its_asks_reach_nobody_else(ready: World) -> None:
    reflection = _reflection(ready)
    services.next_match_asks_confirm(
        reflection=reflection,
        author=ready.mentee,
        asks=NextMatchAsks(words=f"word-{CANARY}", cadence="monthly"),
    )
    staff = User.objects.create_superuser("root@northwind.test", "x", full_name="Root")
    program = ready.program.pk
    urls = [
        "/",
        reverse("relationships:list"),
        reverse("relationships:journal"),
        reverse("relationships:detail", args=[reflection.relationship_id]),
        reverse("relationships:program", args=[program]),
        reverse("programs:detail", args=[program]),
        reverse("programs:manage", args=[program]),
        reverse("programs:person", args=[program, ready.mentee_enrollment.pk]),
        "/admin/programs/enrollment/",
        f"/admin/programs/enrollment/{ready.mentee_enrollment.pk}/change/",
        "/admin/relationships/relationship/",
        *_urls(reflection),
    ]
    for person in (ready.mentor, ready.other_mentor, ready.admin, ready.member, ready.outsider):
        client = client_for(person)
        for url in urls:
            assert CANARY not in client.get(url).content.decode(), (person.email, url)
    client = client_for(staff)
    for url in urls:
        assert CANARY not in client.get(url).content.decode(), (staff.email, url)
    # The author sees her words and asks, and takes them along in her export.
    mia = client_for(ready.mentee)
    assert CANARY in mia.get(_urls(reflection)[0]).content.decode()
    assert f"word-{CANARY}" in mia.get(_urls(reflection)[1]).content.decode()
    assert f"word-{CANARY}" in mia.get(reverse("relationships:export")).content.decode()
