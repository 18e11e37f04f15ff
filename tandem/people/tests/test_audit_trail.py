"""Organization admins read who changed what in their organization, and nothing else."""

import pytest
from django.test import Client
from django.urls import reverse

from tandem.accounts.models import Department, Membership
from tandem.matching.models import MatchingRound
from tandem.relationships import services
from tandem.relationships.models import Concern
from tandem.relationships.tests.conftest import accepted, complete
from tandem.security.models import SecurityEvent
from tandem.security.services import security_event_record
from tandem.testing.fixtures import World, client_for


def _audit(world: World, **query: str) -> str:
    response = client_for(world.admin).get(reverse("people:audit", args=[world.org.pk]), query)
    assert response.status_code == 200
    return response.content.decode()


def _edit(membership: Membership, by: object, **values: object) -> None:
    for name, value in values.items():
        setattr(membership, name, value)
    membership._history_user = by  # type: ignore[attr-defined]
    membership.save()


def test_a_change_shows_who_when_what_and_old_to_new_by_name(world: World) -> None:
    mia = Membership.objects.get(user=world.mentee, organization=world.org)
    mo = Membership.objects.get(user=world.mentor, organization=world.org)
    planning = Department.objects.create(organization=world.org, name="Transit planning")
    _edit(mia, world.admin, title="Planner", manager=mo, department=planning)

    page = _audit(world)

    assert "Ada Okafor" in page
    assert "Mia Santos" in page
    assert "Mo Haddad" in page  # the manager, by name
    assert "Transit planning" in page
    assert "Planner" in page
    assert f">{mo.pk}<" not in page
    # Newest first: the change to Mia comes before her membership was created.
    assert page.index("Planner") < page.index("Created")


def test_relationship_states_and_concern_handling_appear_without_private_words(
    world: World,
) -> None:
    complete(world.mentee_enrollment, world, "focus")
    complete(world.mentor_enrollment, world, "expertise")
    relationship = accepted(world)
    concern = services.concern_raise(
        relationship=relationship, reporter=world.mentee, body="Secret concern words here."
    )
    services.concern_update(
        concern=concern,
        admin=world.admin,
        status=Concern.Status.IN_REVIEW,
        response="Secret answer words.",
    )
    MatchingRound.objects.create(program=world.program, name="Autumn round")

    page = _audit(world)

    assert "Writing the agreement" in page
    assert "Being looked at" in page
    assert "Autumn round" in page
    assert "Secret" not in page
    assert "freeze" not in page  # the request's message


def test_other_organizations_changes_are_not_shown(world: World) -> None:
    theirs = Membership.objects.get(user=world.outsider)
    _edit(theirs, world.outsider, title="Chief nurse")
    Department.objects.create(organization=world.other_org, name="Cardiology")

    page = _audit(world)

    assert "Chief nurse" not in page
    assert "Cardiology" not in page
    assert "Olga" not in page


def test_filters_by_kind_and_by_person(world: World) -> None:
    mia = Membership.objects.get(user=world.mentee, organization=world.org)
    _edit(mia, world.admin, title="Planner")
    Department.objects.create(organization=world.org, name="Fleet")

    departments = _audit(world, kind="department")
    assert "Fleet" in departments
    assert "Planner" not in departments
    by_ada = _audit(world, person="ADA.admin@northwind.test")
    assert "Planner" in by_ada
    assert "Fleet" not in by_ada  # created outside any request: by Tandem
    nobody = _audit(world, person="olga.outsider@riverside.test")
    assert "Nobody in your organization has this address." in nobody


def test_only_the_organizations_admins_may_read_it(world: World) -> None:
    for person in (world.mentee, world.outsider, world.mentor):
        client = client_for(person)
        for name in ("people:audit", "people:security"):
            assert client.get(reverse(name, args=[world.org.pk])).status_code == 404
    assert Client().get(reverse("people:audit", args=[world.org.pk])).status_code == 302


def test_bad_filters_and_pages_are_not_errors(world: World) -> None:
    for query in ({"kind": "nonsense"}, {"page": "999"}, {"page": "x"}, {"person": "not-mail"}):
        assert "Audit trail" in _audit(world, **query)


def test_the_trail_reads_a_full_page_in_few_queries(
    world: World, django_assert_max_num_queries: pytest.FixtureRequest
) -> None:
    memberships = list(Membership.objects.filter(organization=world.org))
    for n in range(12):
        for membership in memberships:
            _edit(membership, world.admin, title=f"Title {n}", manager=None)
        Department.objects.create(organization=world.org, name=f"Department {n}")
        world.program.admins.add(world.mentor if n % 2 else world.member)
        world.program.name = f"Program {n}"
        world.program.save()
    client = client_for(world.admin)
    url = reverse("people:audit", args=[world.org.pk])

    with django_assert_max_num_queries(25):  # type: ignore[operator]
        response = client.get(url, {"page": "2"})
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") == 50 + 1


def test_the_security_log_shows_the_members_events(world: World) -> None:
    security_event_record(kind=SecurityEvent.Kind.SIGN_IN_FAILED, user=world.mentee, email="x")
    security_event_record(kind=SecurityEvent.Kind.SIGN_IN, user=world.outsider)
    client = client_for(world.admin)
    url = reverse("people:security", args=[world.org.pk])

    page = client.get(url).content.decode()
    assert "Mia Santos" in page
    assert "Sign-in failed" in page
    assert "Olga" not in page
    filtered = client.get(url, {"kind": "sign_out"}).content.decode()
    assert "No events match." in filtered


def test_a_row_loaded_without_history_shows_what_it_became_when_first_changed(
    world: World,
) -> None:
    mia = Membership.objects.get(user=world.mentee, organization=world.org)
    Membership.history.filter(id=mia.pk).delete()
    _edit(mia, world.admin, title="Planner")

    page = _audit(world, kind="membership", person=world.mentee.email)

    assert "First recorded" in page
    assert "Planner" in page
    assert "→" not in page.split("<tbody>")[1]


def test_the_security_log_reads_a_full_page_in_few_queries(
    world: World, django_assert_max_num_queries: pytest.FixtureRequest
) -> None:
    people = [world.mentee, world.mentor, world.member, world.other_mentor]
    for n in range(60):
        security_event_record(kind=SecurityEvent.Kind.SIGN_IN, user=people[n % len(people)])
    client = client_for(world.admin)
    url = reverse("people:security", args=[world.org.pk])

    with django_assert_max_num_queries(12):  # type: ignore[operator]
        response = client.get(url)
    assert response.content.decode().count("<tr>") == 50 + 1


def test_the_trail_never_names_who_raised_a_concern(world: World) -> None:
    complete(world.mentee_enrollment, world, "focus")
    complete(world.mentor_enrollment, world, "expertise")
    relationship = accepted(world)
    raised = client_for(world.mentee).post(
        reverse("relationships:concern_new", args=[relationship.pk]),
        {"body": "He cancels every meeting at the last minute."},
    )
    assert raised.status_code == 302
    concern = Concern.objects.get()
    client_for(world.admin).post(
        reverse("relationships:concern", args=[concern.pk]),
        {"status": Concern.Status.IN_REVIEW, "response": "We will talk to him."},
    )

    history = list(concern.history.order_by("history_date"))
    assert [h.history_user_id for h in history] == [None, world.admin.pk]
    page = _audit(world, kind="concern")
    assert "Being looked at" in page
    assert "Ada Okafor" in page
    assert "Mia Santos" not in page.split("A concern about")[0].split("<tbody>")[1]
    assert "No changes match." in _audit(world, kind="concern", person=world.mentee.email)


@pytest.mark.usefixtures("northwind_domains")
def test_each_import_is_one_line_that_opens_only_its_changes(world: World) -> None:
    import tablib

    from tandem.people.services.import_files import import_file_read
    from tandem.people.services.imports import Table, import_apply

    def people_file(*rows: list[str]) -> Table:
        data = tablib.Dataset(*rows, headers=["email", "full_name", "title"])
        return import_file_read(name="people.csv", content=data.export("csv").encode())

    import_apply(
        organization=world.org,
        table=people_file(["new.one@northwind.test", "New One", "Engineer"]),
        by=world.admin,
        file_name="people.csv",
    )
    _edit(Membership.objects.get(user=world.mentor), world.admin, title="Head of Signals")

    page = _audit(world)
    reason = Membership.history.get(user__email="new.one@northwind.test").history_change_reason
    assert reason.startswith("Import of people.csv at ")
    assert f"{reason}</a>" in page and "by Ada Okafor, 1 change" in page

    only = _audit(world, reason=reason)
    assert "New One" in only and "Head of Signals" not in only
    assert "Showing only the changes of" in only
