import pytest

from tandem.testing.fixtures import World, client_for


@pytest.mark.django_db
def test_pages_render(world: World) -> None:
    c = client_for(world.admin)
    for url in [
        "/",
        f"/programs/{world.program.pk}/",
        f"/programs/{world.program.pk}/manage/",
        f"/programs/{world.program.pk}/settings/",
        "/programs/new/",
    ]:
        assert c.get(url).status_code == 200, url
    c = client_for(world.mentee)
    for url in [
        "/",
        f"/programs/{world.program.pk}/",
        f"/programs/{world.program.pk}/profile/goals/",
        f"/programs/{world.program.pk}/profile/offer/",
        f"/programs/{world.program.pk}/profile/practicalities/",
    ]:
        assert c.get(url).status_code == 200, url
