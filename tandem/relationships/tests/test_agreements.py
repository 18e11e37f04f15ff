import datetime

import pytest
from django.utils import timezone

from tandem.core.errors import DomainError
from tandem.relationships import services
from tandem.relationships.models import Meeting, Relationship
from tandem.relationships.tests.conftest import accepted, active
from tandem.testing.fixtures import World


def test_the_relationship_becomes_active_when_both_sign(ready: World) -> None:
    relationship = accepted(ready)
    agreement = relationship.agreements.get()
    services.agreement_sign(agreement=agreement, by=ready.mentee)
    relationship.refresh_from_db()
    assert relationship.status == Relationship.Status.AGREEING
    services.agreement_sign(agreement=agreement, by=ready.mentor)
    relationship.refresh_from_db()
    assert relationship.status == Relationship.Status.ACTIVE
    assert relationship.meetings.filter(status=Meeting.Status.PLANNED).count() == 1


def test_editing_a_draft_clears_signatures(ready: World) -> None:
    agreement = accepted(ready).agreements.get()
    services.agreement_sign(agreement=agreement, by=ready.mentee)
    agreement = services.agreement_update(
        agreement=agreement, by=ready.mentor, topics_off_limits="Salary details"
    )
    assert agreement.mentee_signed_at is None


def test_a_signed_version_never_changes_and_renegotiation_makes_a_new_one(ready: World) -> None:
    relationship = active(ready)
    signed = relationship.agreements.get()
    with pytest.raises(DomainError, match="never changes"):
        services.agreement_update(agreement=signed, by=ready.mentee, goals="Something else")
    draft = services.agreement_renegotiate(relationship=relationship, by=ready.mentee)
    assert draft.version == 2 and not draft.is_signed
    draft = services.agreement_update(agreement=draft, by=ready.mentee, texting_ok=True)
    changes = services.agreement_changes(signed, draft)
    assert [label for label, _, _ in changes] == ["Texting ok"]
    signed.refresh_from_db()
    assert signed.texting_ok is False
    with pytest.raises(DomainError, match="newer version"):
        services.agreement_sign(agreement=signed, by=ready.mentee)


def test_terms_are_checked(ready: World) -> None:
    agreement = accepted(ready).agreements.get()
    with pytest.raises(DomainError, match="review date"):
        services.agreement_update(
            agreement=agreement, by=ready.mentee, review_on=timezone.localdate()
        )
    with pytest.raises(DomainError, match="exit clause"):
        services.agreement_update(agreement=agreement, by=ready.mentee, exit_clause=" ")


def test_outsiders_cannot_sign(ready: World) -> None:
    agreement = accepted(ready).agreements.get()
    with pytest.raises(DomainError):
        services.agreement_sign(agreement=agreement, by=ready.other_mentor)
    assert agreement.review_on > timezone.localdate() + datetime.timedelta(days=30)
