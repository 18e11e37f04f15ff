"""Sign-ins, failures, second factors, exports and concern access leave a trace."""

import datetime

import pytest
from django.contrib.auth import signals as auth_signals
from django.test import Client, RequestFactory
from django.utils import timezone

from tandem.accounts.models import User
from tandem.security.models import SecurityEvent
from tandem.security.selectors import security_events_for_organization
from tandem.security.services import (
    security_event_record,
    security_events_forget,
    security_events_prune,
)
from tandem.testing.fixtures import World

Kind = SecurityEvent.Kind


def test_a_sign_in_is_logged_with_where_it_came_from(world: World) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="x" * 500)
    auth_signals.user_logged_in.send(sender=User, request=request, user=world.mentee)

    event = SecurityEvent.objects.get(kind=Kind.SIGN_IN)
    assert event.user == world.mentee
    assert event.ip_address == "203.0.113.7"
    assert len(event.user_agent) == 200
    assert event.organization == world.org


def test_a_failed_sign_in_keeps_the_typed_address_and_never_the_password(world: World) -> None:
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="198.51.100.4")
    # What django.contrib.auth.authenticate sends: the password already masked.
    auth_signals.user_login_failed.send(
        sender=__name__,
        credentials={"email": "MIA.mentee@northwind.test", "password": "********"},
        request=request,
    )

    event = SecurityEvent.objects.get(kind=Kind.SIGN_IN_FAILED)
    assert event.email == "mia.mentee@northwind.test"
    assert event.user == world.mentee
    assert "password" not in str(event.detail)


def test_wrong_password_through_the_real_backend_is_logged(world: World) -> None:
    from django.contrib.auth import authenticate

    secret = "hunter2-canary-password"
    assert authenticate(None, email=world.mentee.email, password=secret) is None

    event = SecurityEvent.objects.get(kind=Kind.SIGN_IN_FAILED)
    assert event.email == world.mentee.email
    row = SecurityEvent.objects.filter(pk=event.pk).values().get()
    assert secret not in repr(row)


def test_sign_out_through_the_site_is_logged(world: World) -> None:
    client = Client()
    client.force_login(world.mentee)
    assert SecurityEvent.objects.filter(kind=Kind.SIGN_IN, user=world.mentee).exists()
    from django.contrib.auth import logout

    request = RequestFactory().get("/")
    request.user = world.mentee
    request.session = client.session
    logout(request)
    assert SecurityEvent.objects.filter(kind=Kind.SIGN_OUT, user=world.mentee).exists()


def test_second_factor_changes_are_logged_when_allauth_mfa_is_installed(world: World) -> None:
    mfa_signals = pytest.importorskip("allauth.mfa.signals")
    from django.apps import apps

    if not apps.is_installed("allauth.mfa"):
        pytest.skip("allauth.mfa is not installed")

    class Totp:
        type = "totp"
        secret = "never-logged"

    request = RequestFactory().post("/")
    for signal in ("authenticator_added", "authenticator_reset", "authenticator_removed"):
        getattr(mfa_signals, signal).send(
            sender=object, request=request, user=world.admin, authenticator=Totp()
        )

    kinds = list(
        SecurityEvent.objects.filter(user=world.admin)
        .exclude(kind=Kind.SIGN_IN)
        .order_by("pk")
        .values_list("kind", "detail")
    )
    assert kinds == [
        (Kind.MFA_ADDED, {"authenticator": "totp"}),
        (Kind.MFA_RECOVERY_CODES, {"authenticator": "totp"}),
        (Kind.MFA_REMOVED, {"authenticator": "totp"}),
    ]


def test_secrets_never_reach_the_detail(world: World) -> None:
    event = security_event_record(
        kind=Kind.EXPORT, user=world.mentee, detail={"format": "json", "token": "abc"}
    )
    assert event.detail == {"format": "json"}


def test_organization_admins_see_their_members_events_and_no_one_elses(world: World) -> None:
    security_event_record(kind=Kind.SIGN_IN, user=world.mentee)
    security_event_record(kind=Kind.SIGN_IN, user=world.outsider)

    seen = security_events_for_organization(organization=world.org)
    assert [e.user for e in seen] == [world.mentee]


def test_old_events_are_pruned_after_the_retention(world: World, settings: object) -> None:
    old = security_event_record(kind=Kind.SIGN_IN, user=world.mentee)
    SecurityEvent.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=400)
    )
    recent = security_event_record(kind=Kind.SIGN_IN, user=world.mentee)

    assert security_events_prune() == 1
    assert list(SecurityEvent.objects.values_list("pk", flat=True)) == [recent.pk]


def test_the_sign_in_page_logs_failures_without_the_password_and_then_the_sign_in(
    world: World,
) -> None:
    from tandem.testing.factories import PASSWORD

    client = Client()
    secret = "wrong-canary-password-91"
    client.post("/accounts/login/", {"login": world.mentee.email, "password": secret})
    client.post("/accounts/login/", {"login": world.mentee.email, "password": PASSWORD})

    failed = SecurityEvent.objects.get(kind=Kind.SIGN_IN_FAILED)
    assert failed.email == world.mentee.email
    assert failed.ip_address == "127.0.0.1"
    assert secret not in repr(SecurityEvent.objects.values().get(pk=failed.pk))
    signed_in = SecurityEvent.objects.get(kind=Kind.SIGN_IN)
    assert signed_in.user == world.mentee
    assert signed_in.created_at >= failed.created_at


def test_the_data_export_is_logged_once_it_is_handed_out(world: World) -> None:
    from tandem.testing.factories import PASSWORD

    client = Client()
    client.post("/accounts/login/", {"login": world.mentee.email, "password": PASSWORD})
    asked = client.get("/relationships/my-data.json")
    assert not SecurityEvent.objects.filter(kind=Kind.EXPORT).exists()
    client.post(asked["Location"], {"password": PASSWORD})

    assert client.get("/relationships/my-data.json").status_code == 200
    export = SecurityEvent.objects.get(kind=Kind.EXPORT)
    assert export.user == world.mentee
    assert export.organization == world.org


def test_a_program_admin_opening_a_concern_is_logged_and_the_reporter_is_not(
    world: World,
) -> None:
    from django.urls import reverse

    from tandem.relationships import services
    from tandem.relationships.tests.conftest import accepted, complete
    from tandem.testing.fixtures import client_for

    complete(world.mentee_enrollment, world, "focus")
    complete(world.mentor_enrollment, world, "expertise")
    concern = services.concern_raise(
        relationship=accepted(world), reporter=world.mentee, body="Cancelled three times now."
    )
    url = reverse("relationships:concern", args=[concern.pk])

    assert client_for(world.mentee).get(url).status_code == 200
    assert client_for(world.admin).get(url).status_code == 200

    viewed = SecurityEvent.objects.get(kind=Kind.CONCERN_VIEWED)
    assert viewed.user == world.admin
    assert viewed.organization == world.org
    assert viewed.detail == {"concern": concern.pk}


def test_an_erased_persons_events_stay_as_counts_only(world: World) -> None:
    security_event_record(kind=Kind.SIGN_IN, user=world.mentee)
    security_event_record(kind=Kind.SIGN_IN_FAILED, email=world.mentee.email.upper())
    security_event_record(kind=Kind.SIGN_IN, user=world.mentor)

    assert security_events_forget(user=world.mentee) == 2

    assert SecurityEvent.objects.count() == 3
    assert not SecurityEvent.objects.filter(user=world.mentee).exists()
    assert not SecurityEvent.objects.filter(email__iexact=world.mentee.email).exists()
    assert SecurityEvent.objects.filter(user=world.mentor).count() == 1
