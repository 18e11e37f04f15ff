from django.urls import reverse

from tandem.programs.models import Topic
from tandem.testing.fixtures import World, client_for


def test_org_admin_adds_a_topic_with_synonyms_and_people_can_pick_it(world: World) -> None:
    client = client_for(world.admin)
    response = client.post(
        f"/programs/topics/{world.org.pk}/",
        {"name": "Fleet electrification", "category": "Technical", "synonyms": "EV, Buses ,"},
    )
    assert response.status_code == 302
    topic = Topic.objects.get(organization=world.org, name="Fleet electrification")
    assert topic.synonyms == ["buses", "ev"]
    page = client_for(world.mentee).get(f"/programs/{world.program.pk}/profile/goals/")
    assert "Fleet electrification" in page.content.decode()


def test_duplicate_topic_names_are_refused_next_to_the_field(world: World) -> None:
    response = client_for(world.admin).post(
        f"/programs/topics/{world.org.pk}/", {"name": "public SPEAKING", "synonyms": "talks"}
    )
    assert "already in the vocabulary" in response.context["form"].errors["name"][0]
    assert 'value="talks"' in response.content.decode()


def test_renaming_a_topic_keeps_profiles_pointing_at_it(world: World) -> None:
    topic = world.topic("Public speaking")
    response = client_for(world.admin).post(
        f"/programs/topics/edit/{topic.pk}/",
        {"name": "Presenting", "category": "Communication", "synonyms": "talks"},
    )
    assert response.status_code == 302
    topic.refresh_from_db()
    assert (topic.name, topic.synonyms) == ("Presenting", ["talks"])


def test_only_the_organizations_admins_manage_its_topics(world: World) -> None:
    topic = world.topic("Public speaking")
    for user in (world.mentor, world.outsider):
        client = client_for(user)
        assert client.get(f"/programs/topics/{world.org.pk}/").status_code == 404
        assert client.post(f"/programs/topics/edit/{topic.pk}/", {"name": "x"}).status_code == 404
    topic.refresh_from_db()
    assert topic.name == "Public speaking"


def test_topics_whose_names_make_the_same_slug_are_both_kept(world: World) -> None:
    client = client_for(world.admin)
    for name in ("Budget reviews", "Budget-reviews!", "budget reviews 2"):
        assert client.post(f"/programs/topics/{world.org.pk}/", {"name": name}).status_code == 302
    slugs = Topic.objects.filter(organization=world.org, name__istartswith="budget-").values_list(
        "slug", flat=True
    )
    assert len(set(slugs)) == len(slugs)


def test_admins_export_every_topics_demand_and_supply(world: World) -> None:
    import csv
    import io

    from tandem.programs.models import EnrollmentTopic

    for name in ("Public speaking", "Budgeting and finance"):
        EnrollmentTopic.objects.create(
            enrollment=world.mentee_enrollment, topic=world.topic(name), kind="focus"
        )
    EnrollmentTopic.objects.create(
        enrollment=world.mentor_enrollment, topic=world.topic("Public speaking"), kind="expertise"
    )
    url = reverse("programs:topics_export", args=[world.program.pk, "csv"])
    response = client_for(world.admin).get(url)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Topic", "Want help", "Offer help", "Short by"]
    assert ["Public speaking", "1", "1", "0"] in rows
    assert ["Budgeting and finance", "1", "0", "1"] in rows
    assert client_for(world.admin).get(url.replace(".csv", ".xlsx")).content[:2] == b"PK"
    for who in (world.mentor, world.mentee, world.outsider):
        assert client_for(who).get(url).status_code == 404


def test_admins_export_every_invitation_and_its_state(world: World) -> None:
    import csv
    import io

    from tandem.programs import services

    services.program_invite_people(
        program=world.program, emails=["ada@northwind.test"], invited_by=world.admin
    )
    url = reverse("programs:invitations_export", args=[world.program.pk, "csv"])
    rows = list(
        csv.reader(io.StringIO(client_for(world.admin).get(url).content.decode("utf-8-sig")))
    )
    assert rows[0] == ["E-mail", "Invited", "State"]
    assert [row[0] for row in rows[1:]] == ["ada@northwind.test"] and rows[1][2] == "waiting"
    for who in (world.mentor, world.mentee, world.outsider):
        assert client_for(who).get(url).status_code == 404
