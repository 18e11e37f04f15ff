"""Sign-ins, failures, second factors, exports and concern access leave a trace."""

import datetime

import pytest
from django.contrib.auth import signals as auth_signals
from django.test import Client, RequestFactory
from django.utils import timezone

from tandem.accounts.models import User
from tandem.security.models import SecurityEvent
from tandem.security.selectors import security_events_for_organization
from tandem.security.services import security_event_record, security_events_prune
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
