"""Site staff can neither read nor search what people wrote, in any list of the admin."""

import pytest
from django.test import Client

from tandem.accounts.models import User
from tandem.relationships import services
from tandem.relationships.models import Concern
from tandem.relationships.tests.conftest import MESSAGE, accepted
from tandem.security.models import SecurityEvent
from tandem.testing.fixtures import World

BODY = "The mentor keeps cancelling on the morning of each meeting."
RESPONSE = "We spoke with them and asked for notice of two days."
REPLY = "Gladly!"

# (list, lookup, a needle found in what someone wrote, a needle found nowhere)
ORACLES = [
    ("/admin/relationships/mentorshiprequest/", "message__icontains", "freeze", "zzqx"),
    ("/admin/relationships/mentorshiprequest/", "message__startswith", "Hello", "zzqx"),
    ("/admin/relationships/mentorshiprequest/", "reply__icontains", "Gladly", "zzqx"),
    ("/admin/relationships/mentorshiprequest/", "reply", REPLY, "zzqx"),
    ("/admin/programs/enrollment/", "goals__icontains", "feet", "zzqx"),
    ("/admin/relationships/concern/", "body__icontains", "cancelling", "zzqx"),
    ("/admin/relationships/concern/", "response__icontains", "notice", "zzqx"),
    ("/admin/relationships/concern/", "reporter__email__icontains", "mia", "zzqx"),
    ("/admin/relationships/relationship/", "concerns__body__icontains", "cancelling", "zzqx"),
    ("/admin/relationships/relationship/", "mentee__goals__icontains", "feet", "zzqx"),
    ("/admin/relationships/relationship/", "close_reason", "", "zzqx"),
    ("/admin/accounts/user/", "enrollments__goals__icontains", "feet", "zzqx"),
    ("/admin/accounts/user/", "concerns_raised__body__icontains", "cancelling", "zzqx"),
    ("/admin/accounts/user/", "journal_entries__body__icontains", "lighthouse", "zzqx"),
    ("/admin/accounts/user/", "checkins__comment__icontains", "lighthouse", "zzqx"),
]


@pytest.fixture
def staff(ready: World) -> Client:
    relationship = accepted(ready)
    services.journal_entry_write(author=ready.mentee, body="A private lighthouse thought.")
    concern = services.concern_raise(relationship=relationship, reporter=ready.mentee, body=BODY)
    services.concern_update(
        concern=concern, admin=ready.admin, status=Concern.Status.IN_REVIEW, response=RESPONSE
    )
    user = User.objects.create_superuser("root@northwind.test", "pw-irrelevant", full_name="Root")
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(("url", "lookup", "found", "absent"), ORACLES)
def test_a_private_field_in_the_address_is_refused_alike_for_any_needle(
    staff: Client, url: str, lookup: str, found: str, absent: str
) -> None:
    hit = staff.get(url, {lookup: found})
    miss = staff.get(url, {lookup: absent})

    assert hit.status_code == miss.status_code == 400
    assert hit.content == miss.content


def test_the_lists_still_filter_by_what_is_not_private(ready: World, staff: Client) -> None:
    response = staff.get("/admin/relationships/mentorshiprequest/", {"status__exact": "accepted"})
    assert response.status_code == 200
    assert "Mia Santos" in response.content.decode()


def test_the_search_box_finds_no_one_by_their_words(staff: Client) -> None:
    for url, needle in [
        ("/admin/relationships/mentorshiprequest/", "freeze"),
        ("/admin/relationships/concern/", "cancelling"),
        ("/admin/programs/enrollment/", "feet"),
    ]:
        hit = staff.get(url, {"q": needle})
        miss = staff.get(url, {"q": "zzqx"})
        assert hit.status_code == miss.status_code == 200, url
        assert ("Mia Santos" in hit.content.decode()) == ("Mia Santos" in miss.content.decode())


def test_the_concern_pages_show_neither_body_nor_response_and_are_logged(
    ready: World, staff: Client
) -> None:
    concern = Concern.objects.get()
    pages = [
        staff.get("/admin/relationships/concern/"),
        staff.get(f"/admin/relationships/concern/{concern.pk}/change/"),
        staff.get(f"/admin/relationships/mentorshiprequest/{concern.relationship.pk}/change/"),
        staff.get("/admin/relationships/mentorshiprequest/"),
    ]
    for page in pages:
        text = page.content.decode()
        for private in (BODY, RESPONSE, "lighthouse", MESSAGE[:40], 'name="body"'):
            assert private not in text

    assert pages[1].status_code == 200
    assert (
        "In review" in pages[1].content.decode() or "Being looked at" in pages[1].content.decode()
    )
    logged = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.ADMIN_CONCERN_VIEWED)
    assert logged.count() == 2
    assert {e.detail.get("concern") for e in logged} == {None, str(concern.pk)}


def test_staff_cannot_change_a_concern_in_the_admin(staff: Client) -> None:
    concern = Concern.objects.get()
    staff.post(
        f"/admin/relationships/concern/{concern.pk}/change/",
        {"status": "resolved", "body": "changed", "response": "changed"},
    )
    concern.refresh_from_db()
    assert concern.status == Concern.Status.IN_REVIEW
    assert concern.body == BODY
