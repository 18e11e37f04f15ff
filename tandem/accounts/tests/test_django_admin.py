from django.test import Client

from tandem.accounts.models import User
from tandem.testing.fixtures import World

CHANGELISTS = [
    "/admin/accounts/user/",
    "/admin/accounts/organization/",
    "/admin/accounts/membership/",
    "/admin/accounts/department/",
    "/admin/accounts/invitation/",
    "/admin/programs/program/",
    "/admin/programs/enrollment/",
    "/admin/programs/topic/",
]


def _staff_client() -> Client:
    staff = User.objects.create_superuser("staff@northwind.test", "pw-irrelevant", full_name="S")
    client = Client()
    client.force_login(staff)
    return client


def test_staff_can_search_and_filter_every_list(world: World) -> None:
    client = _staff_client()
    for url in CHANGELISTS:
        assert client.get(url).status_code == 200, url
        assert client.get(url, {"q": "mia"}).status_code == 200, url
    found = client.get("/admin/accounts/user/", {"q": "mia.mentee"})
    assert "mia.mentee@northwind.test" in found.content.decode()
    filtered = client.get(
        "/admin/programs/enrollment/",
        {"program__id__exact": world.program.pk, "is_mentor__exact": 1},
    )
    assert "Mo Haddad" in filtered.content.decode()
    assert "Mia Santos" not in filtered.content.decode()


def test_enrollment_admin_hides_self_described_identity(world: World) -> None:
    world.mentee_enrollment.identity_attributes = ["veteran"]
    world.mentee_enrollment.save()
    page = (
        _staff_client()
        .get(f"/admin/programs/enrollment/{world.mentee_enrollment.pk}/change/")
        .content.decode()
    )
    assert "identity_attributes" not in page
    assert "veteran" not in page


def test_members_cannot_open_the_site_admin(world: World) -> None:
    client = Client()
    client.force_login(world.admin)
    assert client.get("/admin/").status_code == 302


def test_staff_cannot_filter_people_by_identity(world: World) -> None:
    world.mentee_enrollment.identity_attributes = ["veteran"]
    world.mentee_enrollment.save()
    client = _staff_client()
    for lookup in ("identity_attributes__icontains", "requested_attributes__contains"):
        response = client.get("/admin/programs/enrollment/", {lookup: "veteran"})
        assert response.status_code in (302, 400)
        assert "Mia Santos" not in response.content.decode()


def test_admin_refuses_a_reporting_loop(world: World) -> None:
    from tandem.accounts.models import Membership

    mentor = Membership.objects.get(user=world.mentor)
    mentee = Membership.objects.get(user=world.mentee)
    mentee.manager = mentor
    mentee.save()
    client = _staff_client()
    response = client.post(
        f"/admin/accounts/membership/{mentor.pk}/change/",
        {
            "user": mentor.user_id,
            "organization": mentor.organization_id,
            "role": mentor.role,
            "status": mentor.status,
            "title": "Lead",
            "manager": mentee.pk,
            "time_zone": "UTC",
            "location": "",
        },
    )
    assert response.status_code == 200
    assert "loop" in response.content.decode()
    mentor.refresh_from_db()
    assert mentor.manager is None


def test_staff_read_the_security_log_and_cannot_change_it(world: World) -> None:
    from tandem.security.models import SecurityEvent
    from tandem.security.services import security_event_record

    event = security_event_record(
        kind=SecurityEvent.Kind.SIGN_IN_FAILED, email="mia.mentee@northwind.test"
    )
    client = _staff_client()

    listing = client.get("/admin/security/securityevent/", {"kind__exact": "sign_in_failed"})
    assert listing.status_code == 200
    assert "mia.mentee@northwind.test" in listing.content.decode()
    assert client.get("/admin/security/securityevent/add/").status_code == 403
    change = client.post(
        f"/admin/security/securityevent/{event.pk}/change/", {"email": "someone@else.test"}
    )
    assert change.status_code == 403
    assert client.post(f"/admin/security/securityevent/{event.pk}/delete/").status_code == 403
    event.refresh_from_db()
    assert event.email == "mia.mentee@northwind.test"


def test_staff_see_that_a_second_factor_exists_and_never_its_secret(world: World) -> None:
    from allauth.mfa.models import Authenticator

    secret = "CANARYTOTPSECRETZZQX"
    factor = Authenticator.objects.create(
        user=world.admin, type=Authenticator.Type.TOTP, data={"secret": secret}
    )
    client = _staff_client()

    listing = client.get("/admin/mfa/authenticator/")
    page = client.get(f"/admin/mfa/authenticator/{factor.pk}/change/")
    assert listing.status_code == page.status_code == 200
    assert "Ada Okafor" in listing.content.decode()
    assert secret not in page.content.decode()
    hit = client.get("/admin/mfa/authenticator/", {"data__icontains": "CANARY"})
    miss = client.get("/admin/mfa/authenticator/", {"data__icontains": "nothing"})
    assert hit.status_code == miss.status_code == 400
    assert (
        client.post(f"/admin/mfa/authenticator/{factor.pk}/delete/", {"post": "yes"}).status_code
        == 302
    )
    assert not Authenticator.objects.filter(pk=factor.pk).exists()


def test_staff_never_see_an_organizations_sign_on_secret(world: World) -> None:
    from allauth.socialaccount.models import SocialApp

    secret = "CANARYCLIENTSECRETQZX"
    app = SocialApp.objects.create(
        provider="openid_connect",
        provider_id="org-northwind",
        name="Northwind",
        client_id="tandem",
        secret=secret,
        settings={"server_url": "https://sso.northwind.test"},
    )
    client = _staff_client()

    listing = client.get("/admin/socialaccount/socialapp/")
    page = client.get(f"/admin/socialaccount/socialapp/{app.pk}/change/")
    assert listing.status_code == page.status_code == 200
    assert "org-northwind" in listing.content.decode()
    assert secret not in page.content.decode()
    hit = client.get("/admin/socialaccount/socialapp/", {"secret__startswith": "CANARY"})
    miss = client.get("/admin/socialaccount/socialapp/", {"secret__startswith": "nothing"})
    assert hit.status_code == miss.status_code == 400
    assert client.post(f"/admin/socialaccount/socialapp/{app.pk}/change/", {}).status_code == 403
    assert SocialApp.objects.get(pk=app.pk).secret == secret
