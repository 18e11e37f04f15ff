"""The people import refuses a file with any error, says why row by row, and writes nothing."""

import pytest

from tandem.accounts.models import Department, Membership, User
from tandem.core.errors import DomainError
from tandem.people.services import import_files, imports
from tandem.people.services.import_files import import_file_read
from tandem.people.services.imports import ImportRefused, Table, import_apply
from tandem.testing.fixtures import World

# Imports add only people at the organization's own e-mail domains.
pytestmark = pytest.mark.usefixtures("northwind_domains")

HEADER = "email,full_name,department,title,manager_email,time_zone,location,role\n"


def table(text: str, *, header: str = HEADER) -> Table:
    return import_file_read(name="people.csv", content=(header + text).encode())


def counts() -> tuple[int, int, int]:
    return (User.objects.count(), Membership.objects.count(), Department.objects.count())


def refused(world: World, text: str, **options: bool) -> list[tuple[int | None, str]]:
    before = counts()
    with pytest.raises(ImportRefused) as caught:
        import_apply(
            organization=world.org,
            table=table(text),
            by=world.admin,
            file_name="people.csv",
            **options,
        )
    assert counts() == before
    return [(e.line, e.message) for e in caught.value.plan.errors]


def test_unknown_manager_is_named(world: World) -> None:
    errors = refused(world, "new@northwind.test,Nia New,,,ghost@northwind.test,,,\n")
    assert errors == [
        (
            2,
            "The manager ghost@northwind.test is neither in the file nor a current member of "
            "Northwind Transit Agency.",
        )
    ]


def test_a_loop_in_the_reporting_lines_names_everyone_in_it(world: World) -> None:
    errors = refused(
        world,
        "a@northwind.test,Ann,,,b@northwind.test,,,\n"
        "b@northwind.test,Bo,,,c@northwind.test,,,\n"
        "c@northwind.test,Cy,,,a@northwind.test,,,\n"
        "d@northwind.test,Di,,,a@northwind.test,,,\n",
    )
    assert errors == [
        (
            2,
            "The reporting lines go round in a loop: a@northwind.test (row 2) → "
            "b@northwind.test (row 3) → c@northwind.test (row 4) → a@northwind.test (row 2). "
            "Someone in it must report to someone outside it.",
        )
    ]


def test_a_loop_through_a_member_not_in_the_file_is_found(world: World) -> None:
    member = Membership.objects.get(user=world.member)
    member.manager = Membership.objects.get(user=world.mentor)
    member.save()
    errors = refused(world, "mo.mentor@northwind.test,,,,max.member@northwind.test,,,\n")
    assert len(errors) == 1
    assert "max.member@northwind.test (not in the file)" in errors[0][1]


def test_a_duplicate_address_is_reported_on_both_rows(world: World) -> None:
    errors = refused(world, "dup@northwind.test,One,,,,,,\nDup@Northwind.test,Two,,,,,,\n")
    assert errors == [
        (2, "dup@northwind.test appears again on row 3; list each person once."),
        (3, "dup@northwind.test already appears on row 2; list each person once."),
    ]


def test_an_unknown_department_is_an_error_unless_new_ones_are_allowed(world: World) -> None:
    text = "new@northwind.test,Nia New,Signals,,,,,\n"
    assert refused(world, text) == [
        (
            2,
            "There is no department “Signals”. Correct the name, or tick “create departments "
            "that are not there yet”.",
        )
    ]
    plan = imports.import_plan(
        organization=world.org, table=table(text), allow_new_departments=True
    )
    assert plan.errors == [] and plan.new_departments == ["Signals"]


def test_a_bad_time_zone_is_refused(world: World) -> None:
    assert refused(world, "new@northwind.test,Nia,,,,Mars/Olympus,,\n") == [
        (
            2,
            "“Mars/Olympus” is not a time zone we know; write a name such as Europe/Paris or "
            "America/New_York.",
        )
    ]


def test_a_malformed_address_is_refused(world: World) -> None:
    assert refused(world, "not-an-address,Nia,,,,,,\n") == [
        (2, "“not-an-address” is not a valid e-mail address.")
    ]


def test_a_new_person_needs_a_name(world: World) -> None:
    assert refused(world, "new@northwind.test,,,,,,,\n") == [
        (2, "new@northwind.test is new to Tandem: give their full name.")
    ]


def test_nobody_manages_themselves(world: World) -> None:
    assert refused(world, "new@northwind.test,Nia,,,new@northwind.test,,,\n") == [
        (2, "new@northwind.test is listed as their own manager.")
    ]


def test_an_unknown_role_is_refused(world: World) -> None:
    assert refused(world, "new@northwind.test,Nia,,,,,,boss\n") == [
        (2, "“boss” is not a role: write member or admin.")
    ]


def test_the_admin_cannot_import_themselves_away(world: World) -> None:
    errors = refused(world, "new@northwind.test,Nia,,,,,,\n", mark_leavers=True)
    assert errors[0][0] is None and "ada.admin@northwind.test" in errors[0][1]


def test_one_bad_row_among_good_ones_imports_nothing(world: World) -> None:
    errors = refused(
        world,
        "one@northwind.test,One,,,,,,\ntwo@northwind.test,Two,,,,Nowhere/Land,,\n"
        "three@northwind.test,Three,,,one@northwind.test,,,\n",
    )
    assert [line for line, _ in errors] == [3]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("people.txt", b"email\na@b.test\n", "Upload a CSV file (.csv) or an Excel workbook"),
        ("people.csv", b"", "The file is empty."),
        ("people.csv", b"name,title\nAnn,Boss\n", "one of them must be “email”"),
        ("people.csv", b"email,full_name\n", "The file has column names but no people."),
        ("people.xlsx", b"not a workbook", "could not be read as XLSX"),
        ("people.csv", b"email\na@b.test,extra\n", "more cells than the first row"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(name: str, content: bytes, message: str) -> None:
    with pytest.raises(DomainError) as caught:
        import_file_read(name=name, content=content)
    assert message in caught.value.message


def test_too_many_rows_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(import_files, "MAX_ROWS", 2)
    with pytest.raises(DomainError, match="at most 2 can be imported"):
        import_file_read(name="p.csv", content=b"email\na@b.test\nb@b.test\nc@b.test\n")


def test_headers_are_read_in_any_case_and_order() -> None:
    read = import_file_read(name="p.csv", content=b"Full Name,EMAIL,Shoe size\nAnn,A@B.test,9\n")
    assert read.columns == ["full_name", "email", "shoe_size"]
    assert read.rows == [["Ann", "A@B.test", "9"]]
