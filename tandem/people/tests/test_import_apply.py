"""Importing writes people, departments and reporting lines in bulk, once, all or nothing."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
import tablib
from allauth.account.models import EmailAddress
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tandem.accounts.models import Department, Invitation, Membership, User
from tandem.notifications.models import Notification
from tandem.people.services import import_writes, imports
from tandem.people.services.import_files import import_file_read
from tandem.people.services.imports import Table, import_apply
from tandem.programs.models import Enrollment, Program
from tandem.relationships.models import Relationship
from tandem.testing.factories import DepartmentFactory, EnrollmentFactory, ProgramFactory
from tandem.testing.fixtures import World

# Imports add only people at the organization's own e-mail domains.
pytestmark = pytest.mark.usefixtures("northwind_domains")

HEADER = ["email", "full_name", "department", "title", "manager_email", "time_zone", "role"]
STAFF = [
    ["ada.admin@northwind.test", "", "Operations", "Director", "", "Europe/London", "admin"],
    ["mo.mentor@northwind.test", "", "Operations", "Lead", "ada.admin@northwind.test", "", ""],
    ["mia.mentee@northwind.test", "", "Operations", "Analyst", "mo.mentor@northwind.test", "", ""],
    ["omar.mentor@northwind.test", "", "Finance", "Analyst", "ada.admin@northwind.test", "", ""],
    ["max.member@northwind.test", "", "Finance", "Clerk", "omar.mentor@northwind.test", "", ""],
]


def csv_of(rows: list[list[str]]) -> Table:
    data = tablib.Dataset(*rows, headers=HEADER)
    return import_file_read(name="people.csv", content=data.export("csv").encode())


def run(world: World, table: Table, **options: bool) -> imports.ImportPlan:
    return import_apply(
        organization=world.org, table=table, by=world.admin, file_name="people.csv", **options
    )


def member(email: str) -> Membership:
    return Membership.objects.select_related("manager__user", "department").get(user__email=email)


def boss(email: str) -> User | None:
    """Return whom this person reports to."""
    manager = member(email).manager
    return manager.user if manager else None


def newcomers(n: int, *, start: int = 0) -> list[list[str]]:
    """n new people: a new boss first in the file's order last, reporting in a chain."""
    rows = []
    for i in range(start, start + n):
        boss = f"new{i - 1}@northwind.test" if i > start else "ada.admin@northwind.test"
        rows.append(
            [f"new{i}@northwind.test", f"New Person {i}", "Signals", "Engineer", boss, "", ""]
        )
    return list(reversed(rows))  # each person's manager comes after them in the file


def test_a_first_import_creates_people_departments_and_reporting_lines(world: World) -> None:
    plan = run(world, csv_of(STAFF + newcomers(3)), allow_new_departments=True)
    assert len(plan.new_people) == 3 and plan.new_departments == [
        "Finance",
        "Operations",
        "Signals",
    ]
    new = User.objects.get(email="new2@northwind.test")
    assert new.full_name == "New Person 2" and not new.has_usable_password()
    assert EmailAddress.objects.get(user=new).verified is False
    assert boss("new2@northwind.test") == User.objects.get(email="new1@northwind.test")
    assert boss("new0@northwind.test") == world.admin
    mia = member("mia.mentee@northwind.test")
    assert (mia.title, str(mia.department), boss(mia.user.email)) == (
        "Analyst",
        "Operations",
        world.mentor,
    )
    assert member("ada.admin@northwind.test").time_zone == "Europe/London"
    # An empty time zone leaves the member's zone alone; new people start at UTC.
    assert mia.time_zone == "America/Chicago"
    assert member("new1@northwind.test").time_zone == "UTC"
    assert Department.objects.filter(organization=world.org).count() == 3


def test_the_import_is_in_the_audit_trail(world: World) -> None:
    run(world, csv_of(STAFF + newcomers(2)), allow_new_departments=True)
    records = Membership.history.filter(
        history_change_reason__startswith="Import of people.csv at "
    )
    assert records.filter(history_type="+").count() == 2
    assert records.filter(history_type="~", user__email="mia.mentee@northwind.test").exists()
    assert {r.history_user_id for r in records} == {world.admin.pk}


def test_someone_with_an_account_elsewhere_joins_without_a_new_account(world: World) -> None:
    # Both organizations hold the address's domain, as after a merger.
    world.org.email_domains = ["northwind.test", "riverside.test"]
    world.org.save(update_fields=["email_domains"])
    plan = run(world, csv_of([["olga.outsider@riverside.test", "", "", "", "", "", ""]]))
    assert plan.joining == [(2, "olga.outsider@riverside.test", "Olga Petrova")]
    assert Membership.objects.filter(user=world.outsider, organization=world.org).exists()
    assert User.objects.filter(email="olga.outsider@riverside.test").count() == 1


def test_importing_the_same_file_again_changes_nothing(world: World) -> None:
    rows = STAFF + newcomers(4)
    run(world, csv_of(rows), allow_new_departments=True, mark_leavers=True)
    stamps = dict(Membership.objects.values_list("pk", "updated_at"))
    history = Membership.history.count()
    again = run(world, csv_of(rows), allow_new_departments=True, mark_leavers=True)
    assert not again.has_changes and again.unchanged == len(rows)
    assert dict(Membership.objects.values_list("pk", "updated_at")) == stamps
    assert Membership.history.count() == history


def test_an_xlsx_file_imports_like_a_csv_file(world: World) -> None:
    data = tablib.Dataset(*(STAFF + newcomers(2)), headers=HEADER)
    table = import_file_read(name="people.xlsx", content=data.export("xlsx"))
    assert table == csv_of(STAFF + newcomers(2))
    run(world, table, allow_new_departments=True)
    assert boss("new1@northwind.test") == User.objects.get(email="new0@northwind.test")


def _relationship(world: World, program: Program, mentor: User, mentee: User) -> Relationship:
    enrollments = [
        EnrollmentFactory.create(program=program, user=u, is_mentor=m, is_mentee=not m)
        for u, m in ((mentor, True), (mentee, False))
    ]
    return Relationship.objects.create(
        program=program,
        mentor=enrollments[0],
        mentee=enrollments[1],
        focus=world.topic("Leadership"),
        origin=Relationship.Origin.ADMIN,
        status=Relationship.Status.ACTIVE,
    )


def test_next_months_file_moves_people_and_makes_leavers_alumni(world: World) -> None:
    run(world, csv_of(STAFF), allow_new_departments=True)
    alumni_program = ProgramFactory.create(
        organization=world.org, audience=Program.Audience.ALUMNI, name="Alumni circle"
    )
    staff_program = ProgramFactory.create(organization=world.org, name="Staff mentoring")
    ended = _relationship(world, staff_program, world.mentor, world.member)
    kept = _relationship(world, alumni_program, world.other_mentor, world.member)
    next_month = [row[:] for row in STAFF if row[0] != "max.member@northwind.test"]
    next_month[2][4] = "omar.mentor@northwind.test"  # Mia moves to Omar
    next_month[2][3] = "Senior analyst"
    plan = run(world, csv_of(next_month), mark_leavers=True)
    assert [m.user for m in plan.leavers] == [world.member]
    assert [(c.email, c.fields) for c in plan.changes] == [
        (
            "mia.mentee@northwind.test",
            [
                ("title", "Analyst", "Senior analyst"),
                ("manager", "mo.mentor@northwind.test", "omar.mentor@northwind.test"),
            ],
        )
    ]
    mia = member("mia.mentee@northwind.test")
    assert (mia.title, boss(mia.user.email)) == ("Senior analyst", world.other_mentor)
    assert member("max.member@northwind.test").status == Membership.Status.ALUMNI
    ended.refresh_from_db()
    kept.refresh_from_db()
    assert ended.close_reason == Relationship.CloseReason.ENDED_BY_ADMIN
    assert kept.status == Relationship.Status.ACTIVE
    notice = Notification.objects.get(user=world.mentor, kind="relationship_closed")
    assert "Max Byrne is no longer a member of Northwind Transit Agency" in notice.body


@pytest.mark.parametrize("step", ["memberships_leave", "bulk_update_with_history"])
def test_a_failure_late_in_the_import_leaves_nothing_behind(
    world: World, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    before = (User.objects.count(), Department.objects.count(), Membership.history.count())
    titles = dict(Membership.objects.values_list("pk", "title"))
    calls: list[int] = []
    module = imports if step == "memberships_leave" else import_writes
    real: Callable[..., object] = getattr(module, step)

    def broken(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if step == "memberships_leave" or len(calls) == 2:
            raise RuntimeError("the disk is full")
        return real(*args, **kwargs)

    monkeypatch.setattr(module, step, broken)
    rows = [r for r in STAFF if r[0] != "max.member@northwind.test"] + newcomers(3)
    with pytest.raises(RuntimeError):
        run(world, csv_of(rows), allow_new_departments=True, mark_leavers=True)
    assert calls
    assert (User.objects.count(), Department.objects.count(), Membership.history.count()) == before
    assert dict(Membership.objects.values_list("pk", "title")) == titles
    assert member("max.member@northwind.test").status == Membership.Status.ACTIVE


def _queries(world: World, rows: list[list[str]]) -> int:
    with CaptureQueriesContext(connection) as queries:
        run(world, csv_of(rows), allow_new_departments=True)
    return len(queries)


def team(n: int, *, start: int) -> list[list[str]]:
    """A new team lead under Ada, and n - 1 new people under the lead, the lead last."""
    lead = f"new{start}@northwind.test"
    rows = [
        [f"new{i}@northwind.test", f"New Person {i}", "Signals", "Engineer", lead, "", ""]
        for i in range(start + 1, start + n)
    ]
    return [*rows, [lead, "Lead", "Signals", "Lead", "ada.admin@northwind.test", "", ""]]


def test_the_import_costs_the_same_queries_for_5_or_50_people(world: World) -> None:
    for name in ("Signals", "Finance"):
        DepartmentFactory.create(organization=world.org, name=name)
    few = _queries(world, team(5, start=0))
    many = _queries(world, team(50, start=100))
    assert few == many
    # Moving all of them is one bulk update too.
    moved = [[r[0], "", "Finance", "Manager", r[4], "", ""] for r in team(50, start=100)]
    assert _queries(world, moved) <= few


def test_new_memberships_are_written_once_with_their_manager(world: World) -> None:
    run(world, csv_of(newcomers(4)), allow_new_departments=True)
    created = Membership.history.filter(
        history_change_reason__startswith="Import of people.csv at "
    )
    assert created.count() == 4 and {r.history_type for r in created} == {"+"}
    assert all(r.manager_id for r in created)


def test_invitations_go_out_in_the_background_only_when_asked(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run(world, csv_of(newcomers(2)), allow_new_departments=True)
    assert not Invitation.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        import_apply(
            organization=world.org,
            table=csv_of(newcomers(2, start=10)),
            by=world.admin,
            file_name="people.csv",
            allow_new_departments=True,
            send_invitations=True,
        )
    assert set(Invitation.objects.values_list("email", flat=True)) == {
        "new10@northwind.test",
        "new11@northwind.test",
    }


def test_alumni_in_the_file_come_back(world: World) -> None:
    Membership.objects.filter(user=world.member).update(status=Membership.Status.ALUMNI)
    table = import_file_read(name="people.csv", content=b"email\nmax.member@northwind.test\n")
    plan = run(world, table)
    assert plan.changes[0].fields == [("status", "Alumni", "Current member")]
    assert member("max.member@northwind.test").status == Membership.Status.ACTIVE


def test_enrollments_are_untouched_by_a_title_change(world: World) -> None:
    before = Enrollment.objects.filter(user=world.mentee).values_list("status", flat=True).get()
    run(world, csv_of([["mia.mentee@northwind.test", "", "", "Lead", "", "", ""]]))
    assert (
        Enrollment.objects.filter(user=world.mentee).values_list("status", flat=True).get()
        == before
    )
    assert timezone.now() - member("mia.mentee@northwind.test").updated_at < datetime.timedelta(
        minutes=1
    )


def test_an_imported_person_gets_in_through_their_invitation(world: World) -> None:
    from tandem.accounts.services import invitation_accept, invitation_create

    run(world, csv_of(STAFF + newcomers(1)), allow_new_departments=True)
    invitation = invitation_create(
        organization=world.org, email="new0@northwind.test", invited_by=world.admin
    )
    person = invitation_accept(
        invitation=invitation, full_name="New Person 0", password="a-long-new-passphrase"
    )

    assert person == User.objects.get(email="new0@northwind.test")
    person.refresh_from_db()
    assert person.check_password("a-long-new-passphrase")
    assert EmailAddress.objects.get(user=person).verified is True
    assert member("new0@northwind.test").manager == member("ada.admin@northwind.test")
