"""Erasing someone deletes the members exports made before, which hold their name."""

import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from pytest_django.fixtures import Settings

from tandem.accounts.models import Membership
from tandem.people.models import MemberExport
from tandem.people.services import member_exports
from tandem.people.services.erasure import membership_erase
from tandem.people.services.member_exports import member_export_build
from tandem.people.tests.test_erasure_pages import _erase_url
from tandem.people.tests.test_member_exports import _ask, _members_url_of
from tandem.testing.factories import MembershipFactory
from tandem.testing.fixtures import World, client_for

Capture = Callable[..., Any]
CANARY_NAME = "Leah Leaver-canary-9c41"


@pytest.fixture(autouse=True)
def _private_files(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _stored_text(root: Path) -> str:
    """Every stored file's text, the sheets inside Excel workbooks included."""
    found: list[str] = []
    for path in root.rglob("*"):
        if not path.is_file():
            continue
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as workbook:
                found += [workbook.read(n).decode("utf-8", "replace") for n in workbook.namelist()]
        else:
            found.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(found)


def _leah_manages_mia(world: World) -> Membership:
    """Make Max the leaver Leah, reporting to Mo and managing Mia."""
    world.member.full_name = CANARY_NAME
    world.member.save(update_fields=["full_name"])
    leah = Membership.objects.get(user=world.member, organization=world.org)
    leah.manager = Membership.objects.get(user=world.mentor, organization=world.org)
    leah.save(update_fields=["manager"])
    Membership.objects.filter(user=world.mentee, organization=world.org).update(manager=leah)
    return leah


def test_erasing_deletes_earlier_exports_and_the_page_says_so_first(
    world: World, django_capture_on_commit_callbacks: Capture, tmp_path: Path
) -> None:
    _leah_manages_mia(world)
    admin = client_for(world.admin)
    csv_export = _ask(admin, world, django_capture_on_commit_callbacks, "csv")
    xlsx_export = _ask(admin, world, django_capture_on_commit_callbacks, "xlsx")
    elsewhere = MemberExport.objects.create(
        organization=world.other_org,
        requested_by=world.outsider,
        file_format="csv",
        expires_at=csv_export.expires_at,
    )
    member_export_build(export_id=elsewhere.pk)
    elsewhere.refresh_from_db()
    assert CANARY_NAME in _stored_text(tmp_path)
    assert "max.member@northwind.test" in _stored_text(tmp_path)

    page = admin.get(_erase_url(world, world.member)).content.decode()
    assert "2 members exports made earlier are deleted" in page
    assert (
        "1 person who reports to Leah Leaver-canary-9c41 directly will report to Mo Haddad "
        "(mo.mentor@northwind.test)"
    ) in page

    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            _erase_url(world, world.member),
            {"reason": "Asked by e-mail on 3 March", "confirm": "erase"},
            follow=True,
        )

    assert "2 earlier members exports deleted." in response.content.decode()
    assert not MemberExport.objects.filter(organization=world.org).exists()
    stored = _stored_text(tmp_path)
    assert CANARY_NAME not in stored and "max.member@northwind.test" not in stored
    for export in (csv_export, xlsx_export):
        assert admin.get(_members_url_of(export, "download/")).status_code == 404
    # Another organization's export, which never held her, stays.
    assert default_storage.exists(elsewhere.file_name)
    mia = Membership.objects.get(user=world.mentee, organization=world.org)
    assert mia.manager == Membership.objects.get(user=world.mentor, organization=world.org)


def test_ending_the_membership_of_someone_who_stays_elsewhere_deletes_the_exports_too(
    world: World, django_capture_on_commit_callbacks: Capture, tmp_path: Path
) -> None:
    leah = _leah_manages_mia(world)
    MembershipFactory.create(user=world.member, organization=world.other_org)
    export = _ask(client_for(world.admin), world, django_capture_on_commit_callbacks, "csv")
    export.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        done = membership_erase(admin=world.admin, membership=leah, reason="Asked in person")

    assert (done.erased, done.exports_deleted) == (False, 1)
    assert not MemberExport.objects.filter(pk=export.pk).exists()
    assert not default_storage.exists(export.file_name)
    assert CANARY_NAME not in _stored_text(tmp_path)


def test_a_file_finished_after_an_erasure_deleted_its_export_is_not_kept(
    world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _leah_manages_mia(world)
    export = MemberExport.objects.create(
        organization=world.org,
        requested_by=world.admin,
        file_format="csv",
        expires_at=world.admin.date_joined,
    )
    write = member_exports._write

    def erased_meanwhile(*args: Any) -> bytes:
        content = write(*args)
        MemberExport.objects.filter(pk=export.pk).delete()
        return content

    monkeypatch.setattr(member_exports, "_write", erased_meanwhile)
    member_export_build(export_id=export.pk)

    assert not MemberExport.objects.filter(pk=export.pk).exists()
    assert CANARY_NAME not in _stored_text(tmp_path)


def test_the_page_says_reports_of_a_manager_with_no_manager_will_have_none(world: World) -> None:
    leah = _leah_manages_mia(world)
    Membership.objects.filter(pk=leah.pk).update(manager=None)
    Membership.objects.filter(user=world.other_mentor, organization=world.org).update(manager=leah)

    page = client_for(world.admin).get(_erase_url(world, world.member)).content.decode()

    assert (
        "2 people who report to Leah Leaver-canary-9c41 directly will have no manager, as "
        "Leah Leaver-canary-9c41 has none."
    ) in page
    assert "members export" not in page
