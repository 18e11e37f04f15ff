"""Rounds, the people import and insights through the API: the admin pages' own services."""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from tandem.accounts.models import Membership
from tandem.api.tests.conftest import ApiClient, assert_error, ids, personal_client, service_client
from tandem.matching.models import MatchingRound
from tandem.people.models import ImportBatch
from tandem.relationships.models import Proposal
from tandem.security.models import SecurityEvent
from tandem.testing.fixtures import World

GOOD = (
    b"Email,Full name,Title,Manager_email\n"
    b"new.one@northwind.test,Nia One,Engineer,mo.mentor@northwind.test\n"
    b"mia.mentee@northwind.test,,Senior analyst,mo.mentor@northwind.test\n"
)


def test_admin_starts_reads_and_publishes_a_round(
    cohort: World, django_capture_on_commit_callbacks: Any
) -> None:
    api = personal_client(cohort.admin)
    path = f"/programs/{cohort.program.pk}/rounds"
    with django_capture_on_commit_callbacks(execute=True):
        started = api.post(path, {"name": "Spring", "solver": "optimal", "seed": 3})
    assert started.status_code == 202, started.content
    matching_round = MatchingRound.objects.get()
    assert matching_round.name == "Spring" and matching_round.seed == 3
    body = api.get(f"/rounds/{matching_round.pk}").json()
    assert body["status"] == "ready"
    assert body["summary"]["pairs"] == matching_round.pairs.count() > 0
    assert ids(api.get(path)) == [matching_round.pk]
    with django_capture_on_commit_callbacks(execute=True):
        published = api.post(f"/rounds/{matching_round.pk}/publish")
    assert published.status_code == 202
    matching_round.refresh_from_db()
    assert matching_round.status == "published"
    assert Proposal.objects.filter(program=cohort.program).count() == matching_round.pairs.count()
    assert_error(api.post(f"/rounds/{matching_round.pk}/publish"), 409)


def test_rounds_are_for_the_programs_admins_only(cohort: World) -> None:
    path = f"/programs/{cohort.program.pk}/rounds"
    for person in (cohort.mentor, cohort.mentee, cohort.outsider):
        assert_error(personal_client(person).get(path), 404)
        assert_error(personal_client(person).post(path, {"name": "x"}), 404)
    assert_error(service_client(cohort.other_org, cohort.outsider).get(path), 404)
    api = personal_client(cohort.admin)
    assert_error(api.post(path, {"name": "x", "solver": "greedy"}), 422, "solver")
    assert_error(api.post(path, {"name": "x", "seed": 0}), 422, "seed")
    assert_error(api.post(path, {"name": "x", "weights": {"focus": 2}}), 422, "weights.focus")
    assert_error(api.post(path, {"name": ""}), 422, "name")
    assert not MatchingRound.objects.exists()
    assert_error(api.get("/rounds/999999"), 404)


def _upload(api: ApiClient, world: World, content: bytes, **fields: str) -> Any:
    return api.client.post(
        f"/api/v1/organizations/{world.org.pk}/imports",
        {"file": SimpleUploadedFile("people.csv", content), **fields},
    )


def test_service_token_uploads_previews_and_confirms_an_import(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    world.org.email_domains = ["northwind.test"]
    world.org.save(update_fields=["email_domains"])
    api = service_client(world.org, world.admin)
    uploaded = _upload(api, world, GOOD)
    assert uploaded.status_code == 201, uploaded.content
    body = uploaded.json()
    assert body["state"] == "preview"
    assert body["preview"]["new_people"] == 1 and body["preview"]["changes"] == 1
    assert not Membership.objects.filter(user__email="new.one@northwind.test").exists()
    path = f"/organizations/{world.org.pk}/imports/{body['id']}"
    assert api.get(path).json()["preview"] == body["preview"]
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = api.post(f"{path}/confirm", {"send_invitations": False})
    assert confirmed.status_code == 202
    batch = ImportBatch.objects.get()
    assert batch.state == "imported" and batch.summary["new_people"] == 1
    assert api.get(path).json()["summary"]["new_people"] == 1
    new = Membership.objects.get(user__email="new.one@northwind.test")
    assert new.title == "Engineer"


def test_an_import_with_errors_is_previewed_never_imported(world: World) -> None:
    world.org.email_domains = ["northwind.test"]
    world.org.save(update_fields=["email_domains"])
    api = personal_client(world.admin)
    bad = b"Email,Full name\nsomeone@elsewhere.test,Some One\n"
    body = _upload(api, world, bad).json()
    assert body["preview"]["error_count"] == 1 and body["preview"]["errors"][0]["line"] == 2
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.IMPORT_REFUSED).count() == 1
    response = api.post(f"/organizations/{world.org.pk}/imports/{body['id']}/confirm")
    assert response.status_code == 202
    assert_error(_upload(api, world, b"\xff\xfe\x00garbage"), 400)
    no_file = api.client.post(f"/api/v1/organizations/{world.org.pk}/imports", {})
    assert_error(no_file, 422, "file")


def test_imports_are_for_the_organizations_admins_only(world: World) -> None:
    for api in (
        personal_client(world.mentor),
        personal_client(world.outsider),
        service_client(world.other_org, world.outsider),
    ):
        assert_error(_upload(api, world, GOOD), 404)
    assert not ImportBatch.objects.exists()


def test_insights_count_participation_for_admins_only(cohort: World) -> None:
    path = f"/programs/{cohort.program.pk}/insights"
    body = personal_client(cohort.admin).get(path).json()
    assert body["mentees"] == 6 and body["mentors"] >= 3
    assert body["topics"][0]["name"] == "Public speaking"
    assert service_client(cohort.org, cohort.admin).get(path).json() == body
    for person in (cohort.mentor, cohort.mentee, cohort.outsider):
        assert_error(personal_client(person).get(path), 404)
