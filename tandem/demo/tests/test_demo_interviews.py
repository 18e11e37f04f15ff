"""The demo shows informational interviews in every state, the demo mentee's among them."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import User
from tandem.demo import agency
from tandem.interviews.models import Interview, InterviewOffer
from tandem.interviews.services import interviews_taken_this_month
from tandem.relationships.models import Relationship
from tandem.testing.fixtures import client_for


@pytest.fixture
def mentee(settings: object) -> User:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]
    call_command("demo_data", "--people", "150", stdout=StringIO())
    return User.objects.get(email=f"mentee@{agency.AGENCY_DOMAIN}")


@pytest.mark.django_db
def test_the_demo_has_interviews_in_every_state_and_the_mentee_has_one_coming_and_one_held(
    mentee: User,
) -> None:
    now = timezone.now()
    rows = list(Interview.objects.select_related("asker__user", "host__user", "host__program"))
    statuses = {row.status for row in rows}
    assert {"asked", "proposed", "scheduled", "declined"} <= statuses
    assert any(r.status == "scheduled" and r.starts_at > now for r in rows)  # type: ignore[operator]
    assert any(r.has_happened and r.outcome == Interview.Outcome.ENDED for r in rows)
    became = [r for r in rows if r.outcome == Interview.Outcome.RELATIONSHIP]
    assert len(became) >= 2
    for row in became:
        assert row.asker_continues and row.host_continues
        assert row.relationship is not None
        assert row.relationship.origin == Relationship.Origin.INTERVIEW
        assert row.relationship.started_at is not None
    declined = next(r for r in rows if r.status == Interview.Status.DECLINED)
    assert declined.reply and not declined.declined_for_limit
    # Every host offers them, within their monthly number.
    for row in rows:
        offer = InterviewOffer.objects.get(enrollment=row.host)
        assert offer.is_offering
        assert interviews_taken_this_month(row.host) <= offer.per_month
    hers = [r for r in rows if r.asker.user_id == mentee.pk]
    assert any(r.status == "scheduled" and r.starts_at > now for r in hers)  # type: ignore[operator]
    assert any(r.has_happened for r in hers)
    client = client_for(mentee)
    page = client.get(reverse("interviews:mine")).content.decode()
    for row in hers:
        assert reverse("interviews:detail", args=[row.pk]) in page
        assert client.get(reverse("interviews:detail", args=[row.pk])).status_code == 200
    assert "Would you like to keep talking with" in client.get("/").content.decode()
