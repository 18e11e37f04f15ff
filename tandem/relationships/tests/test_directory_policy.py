"""The mentor directory lists and offers exactly whom the pairing policy allows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.accounts.models import Membership
from tandem.core.errors import DomainError
from tandem.programs.models import Enrollment
from tandem.relationships import services
from tandem.relationships.models import Relationship
from tandem.testing.factories import MembershipFactory
from tandem.testing.fixtures import World, client_for

MESSAGE = "I would value your view on planning: I am new to it and want to learn from you."


def _manage(world: World, manager_user, report_user) -> None:
    boss = Membership.objects.get(user=manager_user, organization=world.org)
    Membership.objects.filter(user=report_user, organization=world.org).update(manager=boss)


def test_the_request_form_refuses_a_mentor_in_the_reporting_line(ready: World) -> None:
    _manage(ready, ready.mentor, ready.mentee)
    url = reverse("relationships:request_new", args=[ready.program.pk, ready.mentor_enrollment.pk])
    focus = ready.mentee_enrollment.topics.filter(kind="focus")[0]
    response = client_for(ready.mentee).post(url, {"focus": focus.topic_id, "message": MESSAGE})
    assert response.status_code == 200
    assert "reporting line" in response.content.decode()
    assert not ready.mentee_enrollment.sent_requests.exists()


def test_a_skip_level_manager_is_neither_listed_nor_can_be_asked(ready: World) -> None:
    # Mo manages Omar, who manages Mia: Mo is two levels above her.
    _manage(ready, ready.other_mentor, ready.mentee)
    _manage(ready, ready.mentor, ready.other_mentor)
    page = client_for(ready.mentee).get(reverse("relationships:directory", args=[ready.program.pk]))
    assert ready.mentor.full_name not in page.content.decode()
    assert page.status_code == 200
    focus = ready.mentee_enrollment.topics.filter(kind="focus")[0].topic
    with pytest.raises(DomainError, match="reporting line"):
        services.request_send(
            mentee=ready.mentee_enrollment,
            mentor=ready.mentor_enrollment,
            focus=focus,
            message=MESSAGE,
        )
    assert not ready.mentee_enrollment.sent_requests.exists()


def test_a_mentee_with_all_her_mentors_is_told_so_and_offered_nobody(ready: World) -> None:
    mentee = ready.mentee_enrollment
    focus = mentee.topics.filter(kind="focus")[0].topic
    request = services.request_send(
        mentee=mentee, mentor=ready.mentor_enrollment, focus=focus, message=MESSAGE
    )
    services.request_accept(request=request, by=ready.mentor)
    Enrollment.objects.filter(program=ready.program, user=ready.other_mentor).update(
        accepting_now=True, capacity=2
    )
    page = client_for(ready.mentee).get(reverse("relationships:directory", args=[ready.program.pk]))
    body = page.content.decode()
    assert "You already have as many mentors as you asked for." in body
    assert "already has as many" not in body
    assert "request_new" not in body and "/requests/new" not in body
    assert Relationship.objects.filter(mentee=mentee).count() == 1


def test_the_directory_does_not_grow_with_the_organization(ready: World) -> None:
    url = reverse("relationships:directory", args=[ready.program.pk])
    client = client_for(ready.mentee)

    def queries() -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return [q["sql"] for q in captured.captured_queries]

    queries()  # the first page after signing in also saves the fresh session
    before = queries()
    # Two hundred more people in a deep hierarchy above and beside her.
    boss = Membership.objects.get(user=ready.mentee, organization=ready.org)
    for _ in range(200):
        boss.manager = MembershipFactory.create(organization=ready.org)
        boss.save(update_fields=["manager"])
        boss = boss.manager
    after = queries()
    assert len(after) == len(before)
    # No query reads the organization's memberships wholesale, by organization alone.
    wholesale = [
        sql
        for sql in after
        if 'FROM "accounts_membership"' in sql
        and '"accounts_membership"."organization_id" IN' in sql
    ]
    assert wholesale == []
