"""``manage.py import_people`` runs the same import, for scheduled HR syncs."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tandem.accounts.models import Membership, User
from tandem.testing.fixtures import World

# Imports add only people at the organization's own e-mail domains.
pytestmark = pytest.mark.usefixtures("northwind_domains")

GOOD = (
    "email,full_name,title,manager_email\n"
    "new.one@northwind.test,Nia One,Engineer,mo.mentor@northwind.test\n"
)


def command(*args: str) -> str:
    out = StringIO()
    call_command("import_people", *args, stdout=out, stderr=out)
    return out.getvalue()


def test_a_dry_run_prints_the_summary_and_writes_nothing(world: World, tmp_path: Path) -> None:
    path = tmp_path / "hr.csv"
    path.write_text(GOOD)
    out = command("northwind", str(path), "--dry-run")
    assert "New people would be created: 1" in out
    assert not User.objects.filter(email="new.one@northwind.test").exists()


def test_the_import_runs_and_a_second_run_changes_nothing(world: World, tmp_path: Path) -> None:
    path = tmp_path / "hr.csv"
    path.write_text(GOOD)
    assert "New people created: 1" in command("northwind", str(path))
    new = Membership.objects.get(user__email="new.one@northwind.test")
    assert new.manager == Membership.objects.get(user=world.mentor)
    assert "Nothing to change." in command("northwind", str(path))


def test_leavers_are_made_alumni_only_when_asked(world: World, tmp_path: Path) -> None:
    path = tmp_path / "hr.csv"
    path.write_text(GOOD + "mo.mentor@northwind.test,,,\n")
    assert "Members made alumni: 0" in command("northwind", str(path))
    out = command("northwind", str(path), "--mark-leavers-alumni")
    assert "Members made alumni: 4" in out
    assert Membership.objects.get(user=world.member).status == Membership.Status.ALUMNI


def test_errors_fail_the_command_and_import_nothing(world: World, tmp_path: Path) -> None:
    path = tmp_path / "hr.csv"
    path.write_text(GOOD + "x@northwind.test,X,,ghost@northwind.test\n")
    err = StringIO()
    with pytest.raises(CommandError, match="1 error in the file; nothing was imported"):
        call_command("import_people", "northwind", str(path), stdout=StringIO(), stderr=err)
    assert "row 3: The manager ghost@northwind.test is neither in the file" in err.getvalue()
    assert not User.objects.filter(email="new.one@northwind.test").exists()


def test_an_unknown_organization_or_file_is_a_clear_error(world: World, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No organization has the slug"):
        command("nowhere", str(tmp_path / "hr.csv"))
    with pytest.raises(CommandError, match="Cannot read"):
        command("northwind", str(tmp_path / "missing.csv"))
