"""The contract of an engagement: opened with its first agreement, written by both, signed once."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.coaching.models import OBJECTIVES_MOST, CoachProfile, Engagement, Objective
from tandem.coaching.services import contract as services
from tandem.coaching.terms import months_after
from tandem.core.errors import DomainError
from tandem.notifications.models import Notification
from tandem.relationships.models import Agreement, Relationship
from tandem.relationships.services import agreement_sign, agreement_start, agreement_update
from tandem.testing.coaching import Practice
from tandem.testing.factories import EnrollmentFactory, UserFactory
from tandem.testing.fixtures import client_for

TODAY = timezone.localdate


def _url(practice: Practice) -> str:
    return reverse("coaching:contract", args=[practice.engagement.pk])


def _terms(practice: Practice, **changes: str) -> dict[str, str]:
    today = TODAY()
    return {
        "action": "terms",
        "sessions_contracted": "8",
        "hours_contracted": "10.5",
        "starts_on": today.isoformat(),
        "ends_on": (today + datetime.timedelta(days=180)).isoformat(),
        "paid_by": "organization",
        "budget_code": "LEAD-2027",
        "sponsor": "sid.sponsor@northwind.test",
        **changes,
    }


def _ready_to_sign(practice: Practice) -> Agreement:
    """Write the client's accountability, the last thing the practice's contract lacks."""
    return agreement_update(
        agreement=practice.agreement,
        by=practice.client.user,
        accountability="Ask me at each session what I did with last session's assignment.",
    )


# Opening the engagement with the first agreement.


def test_a_coaching_relationships_first_agreement_opens_its_engagement_with_defaults(
    practice: Practice,
) -> None:
    newcomer = EnrollmentFactory.create(program=practice.program, goals="Speak up in meetings.")
    relationship = Relationship.objects.create(
        program=practice.program,
        mentor=practice.coach,
        mentee=newcomer,
        focus=practice.world.topic("Public speaking"),
    )
    agreement_start(relationship=relationship)
    engagement = Engagement.objects.get(relationship=relationship)
    assert engagement.sessions_contracted == 6
    assert engagement.hours_contracted == Decimal("8")  # Cora's hours per client
    assert engagement.starts_on == TODAY()
    assert engagement.ends_on == months_after(TODAY(), practice.program.default_length_months)
    assert engagement.paid_by == Engagement.Payer.PROGRAM
    assert engagement.sponsor is None and engagement.budget_code == ""
    assert not engagement.objectives.exists()


def test_an_external_coach_is_paid_by_the_organization_for_six_hours_by_default(
    practice: Practice,
) -> None:
    CoachProfile.objects.filter(enrollment=practice.coach).update(
        kind=CoachProfile.Kind.EXTERNAL,
        hours_per_client=None,
        hourly_rate=Decimal("180"),
        currency="EUR",
    )
    newcomer = EnrollmentFactory.create(program=practice.program)
    relationship = Relationship.objects.create(
        program=practice.program,
        mentor=practice.coach,
        mentee=newcomer,
        focus=practice.world.topic("Public speaking"),
    )
    agreement_start(relationship=relationship)
    engagement = Engagement.objects.get(relationship=relationship)
    assert (engagement.hours_contracted, engagement.paid_by) == (
        Decimal("6"),
        Engagement.Payer.ORGANIZATION,
    )


def test_a_mentoring_relationship_has_no_engagement(practice: Practice) -> None:
    world = practice.world
    relationship = Relationship.objects.create(
        program=world.program,
        mentor=world.mentor_enrollment,
        mentee=world.mentee_enrollment,
        focus=world.topic("Public speaking"),
    )
    agreement_start(relationship=relationship)
    assert not Engagement.objects.filter(relationship=relationship).exists()


def test_a_long_program_still_gives_an_engagement_of_at_most_two_years(
    practice: Practice,
) -> None:
    practice.program.default_length_months = 36
    practice.program.save()
    newcomer = EnrollmentFactory.create(program=practice.program)
    relationship = Relationship.objects.create(
        program=practice.program,
        mentor=practice.coach,
        mentee=newcomer,
        focus=practice.world.topic("Public speaking"),
    )
    agreement_start(relationship=relationship)
    engagement = Engagement.objects.get(relationship=relationship)
    assert engagement.ends_on == TODAY() + datetime.timedelta(days=2 * 365)


def test_a_month_later_is_the_same_day_or_the_months_last() -> None:
    assert months_after(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert months_after(datetime.date(2026, 11, 15), 3) == datetime.date(2027, 2, 15)


# The terms: sessions, hours, dates, payer, budget code and sponsor.


def test_the_client_writes_the_terms_and_names_the_sponsor_by_e_mail(practice: Practice) -> None:
    client = client_for(practice.client.user)
    response = client.post(_url(practice), _terms(practice))
    assert response.status_code == 302
    engagement = Engagement.objects.get(pk=practice.engagement.pk)
    assert engagement.sessions_contracted == 8
    assert engagement.hours_contracted == Decimal("10.5")
    assert engagement.ends_on == TODAY() + datetime.timedelta(days=180)
    assert engagement.budget_code == "LEAD-2027"
    assert engagement.sponsor == practice.sponsor
    page = client.get(_url(practice)).content.decode()
    assert "terms are saved" in page


def test_a_sponsor_is_found_by_their_e_mail_in_any_case(practice: Practice) -> None:
    client_for(practice.coach.user).post(
        _url(practice), _terms(practice, sponsor="  SID.Sponsor@Northwind.test ")
    )
    assert Engagement.objects.get(pk=practice.engagement.pk).sponsor == practice.sponsor


def test_an_empty_sponsor_leaves_the_engagement_without_one(practice: Practice) -> None:
    client_for(practice.coach.user).post(_url(practice), _terms(practice, sponsor=""))
    assert Engagement.objects.get(pk=practice.engagement.pk).sponsor is None


BAD_TERMS = [
    ("sessions_contracted", "0"),
    ("sessions_contracted", "51"),
    ("sessions_contracted", "six"),
    ("hours_contracted", "0"),
    ("hours_contracted", "201"),
    ("hours_contracted", "7.25"),
    ("hours_contracted", "NaN"),
    ("starts_on", "not a date"),
    ("starts_on", (TODAY() - datetime.timedelta(days=200)).isoformat()),
    ("ends_on", TODAY().isoformat()),
    ("ends_on", (TODAY() + datetime.timedelta(days=800)).isoformat()),
    ("paid_by", "nobody"),
    ("budget_code", "X" * 41),
    ("sponsor", "nobody@elsewhere.test"),
    ("sponsor", "cora.coach@northwind.test"),
    ("sponsor", "Cal Client"),
    ("sponsor", "Sid Sponsor"),
    ("sponsor", "sid.sponsor@northwind"),
]


@pytest.mark.parametrize(("field", "value"), BAD_TERMS)
def test_bad_terms_are_refused_next_to_their_field(
    practice: Practice, field: str, value: str
) -> None:
    before = Engagement.objects.values().get(pk=practice.engagement.pk)
    response = client_for(practice.client.user).post(
        _url(practice), _terms(practice, **{field: value})
    )
    assert response.status_code == 200
    assert field in response.context["terms_form"].errors, response.context["terms_form"].errors
    assert Engagement.objects.values().get(pk=practice.engagement.pk) == before


@pytest.mark.parametrize("query", ["Sam", "Sam Sponsorson", "sam.one", "northwind.test"])
def test_the_sponsor_field_never_lists_members(practice: Practice, query: str) -> None:
    for email in ("sam.one@northwind.test", "sam.two@northwind.test"):
        user = UserFactory.create(full_name="Sam Sponsorson", email=email)
        user.memberships.create(organization=practice.world.org)
    response = client_for(practice.coach.user).post(_url(practice), _terms(practice, sponsor=query))
    assert response.context["terms_form"].errors["sponsor"] == [
        "No member of the organization has that e-mail address."
    ]
    page = response.content.decode()
    assert "sam.one@northwind.test" not in page and "sam.two@northwind.test" not in page
    assert Engagement.objects.get(pk=practice.engagement.pk).sponsor == practice.sponsor


def test_someone_from_another_organization_cannot_sponsor(practice: Practice) -> None:
    with pytest.raises(DomainError) as refused:
        services.engagement_terms_update(
            engagement=practice.engagement,
            by=practice.coach.user,
            sessions_contracted=6,
            hours_contracted=Decimal("6"),
            starts_on=TODAY(),
            ends_on=TODAY() + datetime.timedelta(days=90),
            paid_by="program",
            budget_code="",
            sponsor=practice.world.outsider.email,
        )
    assert refused.value.field == "sponsor"
    assert Engagement.objects.get(pk=practice.engagement.pk).sponsor == practice.sponsor


# Objectives.


def test_objectives_are_added_edited_reordered_and_removed(practice: Practice) -> None:
    client = client_for(practice.coach.user)
    url = _url(practice)
    first, second = practice.engagement.objectives.all()
    client.post(
        url,
        {"action": "add", "new-text": "Delegate the weekly report", "new-measure": "Done by Ana"},
    )
    third = Objective.objects.get(text="Delegate the weekly report")
    assert third.position == 3 and third.measure == "Done by Ana"
    client.post(
        url,
        {
            "action": "edit",
            "objective": first.pk,
            f"o{first.pk}-text": "Run meetings that end with decisions",
            f"o{first.pk}-measure": "Four in a row",
        },
    )
    first.refresh_from_db()
    assert (first.text, first.measure) == ("Run meetings that end with decisions", "Four in a row")
    client.post(url, {"action": "up", "objective": third.pk})
    order = list(practice.engagement.objectives.values_list("pk", flat=True))
    assert order == [first.pk, third.pk, second.pk]
    client.post(url, {"action": "down", "objective": first.pk})
    assert list(practice.engagement.objectives.values_list("pk", flat=True)) == [
        third.pk,
        first.pk,
        second.pk,
    ]
    response = client.post(url, {"action": "remove", "objective": second.pk})
    assert response.status_code == 302
    assert not Objective.objects.filter(pk=second.pk).exists()
    page = client.get(url).content.decode()
    assert "Delegate the weekly report" in page and "Give difficult feedback" not in page


def test_an_objective_needs_a_text_and_a_measure(practice: Practice) -> None:
    client = client_for(practice.client.user)
    for text, measure in (("", "A measure"), ("An objective", ""), ("x" * 201, "A measure")):
        response = client.post(
            _url(practice), {"action": "add", "new-text": text, "new-measure": measure}
        )
        assert response.status_code == 200
        assert response.context["add_form"].errors
    one = practice.engagement.objectives.first()
    assert one is not None
    response = client.post(
        _url(practice),
        {
            "action": "edit",
            "objective": one.pk,
            f"o{one.pk}-text": "Still here",
            f"o{one.pk}-measure": "  ",
        },
    )
    assert response.status_code == 200
    assert dict(response.context["objectives"])[one]["measure"].errors
    assert practice.engagement.objectives.count() == 2
    assert not Objective.objects.filter(text="Still here").exists()


def test_a_contract_holds_a_limited_number_of_objectives_and_keeps_one(
    practice: Practice,
) -> None:
    engagement, coach = practice.engagement, practice.coach.user
    for n in range(OBJECTIVES_MOST - 2):
        services.objective_add(engagement=engagement, by=coach, text=f"Goal {n}", measure="Seen")
    with pytest.raises(DomainError):
        services.objective_add(engagement=engagement, by=coach, text="One too many", measure="x")
    objectives = list(engagement.objectives.all())
    for objective in objectives[1:]:
        services.objective_remove(objective=objective, by=coach)
    with pytest.raises(DomainError):
        services.objective_remove(objective=objectives[0], by=coach)
    assert engagement.objectives.count() == 1


def test_an_objective_of_another_engagement_is_not_found(practice: Practice) -> None:
    newcomer = EnrollmentFactory.create(program=practice.program)
    relationship = Relationship.objects.create(
        program=practice.program,
        mentor=practice.coach,
        mentee=newcomer,
        focus=practice.world.topic("Public speaking"),
    )
    agreement_start(relationship=relationship)
    theirs = Objective.objects.create(
        engagement=relationship.engagement, text="Theirs", measure="Theirs", position=1
    )
    # Cora coaches both, yet an objective is changed only on its own contract's page.
    for person in (practice.client.user, practice.coach.user):
        client = client_for(person)
        for action in ("remove", "up", "edit"):
            response = client.post(_url(practice), {"action": action, "objective": theirs.pk})
            assert response.status_code == 404
        for value in ("", "abc", "99999999999999999999", "١٢"):
            response = client.post(_url(practice), {"action": "remove", "objective": value})
            assert response.status_code == 404
    assert Objective.objects.filter(pk=theirs.pk, text="Theirs").exists()


def test_an_unknown_action_changes_nothing(practice: Practice) -> None:
    response = client_for(practice.client.user).post(_url(practice), {"action": "burn"})
    assert response.status_code == 200
    assert "Choose what to change." in response.content.decode()
    assert practice.engagement.objectives.count() == 2


# Signatures: a change clears them, a signed contract never changes.


def test_a_change_to_the_contract_clears_a_signature_already_given(practice: Practice) -> None:
    _ready_to_sign(practice)
    agreement_sign(agreement=practice.agreement, by=practice.coach.user)
    assert practice.agreement.mentor_signed_at is not None
    Notification.objects.all().delete()
    client_for(practice.client.user).post(
        _url(practice), {"action": "add", "new-text": "Say no kindly", "new-measure": "Twice"}
    )
    agreement = practice.agreement
    assert agreement.mentor_signed_at is None and agreement.mentee_signed_at is None
    assert agreement.last_edited_by == practice.client.user
    told = Notification.objects.get(user=practice.coach.user)
    assert "changed your coaching contract" in told.title
    assert told.url == _url(practice)


def test_a_change_with_nobody_signed_tells_nobody(practice: Practice) -> None:
    Notification.objects.all().delete()
    client_for(practice.client.user).post(_url(practice), _terms(practice))
    assert not Notification.objects.exists()


def test_a_signed_contract_is_read_only(practice: Practice) -> None:
    _ready_to_sign(practice)
    agreement_sign(agreement=practice.agreement, by=practice.coach.user)
    agreement_sign(agreement=practice.agreement, by=practice.client.user)
    practice.relationship.refresh_from_db()
    assert practice.relationship.status == Relationship.Status.ACTIVE
    client = client_for(practice.client.user)
    page = client.get(_url(practice)).content.decode()
    assert "A signed contract never changes." in page
    assert 'name="action"' not in page
    before = list(Objective.objects.values())
    first = practice.engagement.objectives.first()
    assert first is not None
    for data in (
        _terms(practice),
        {"action": "add", "new-text": "New", "new-measure": "New"},
        {"action": "remove", "objective": first.pk},
    ):
        response = client.post(_url(practice), data, follow=True)
        assert "no longer changes" in response.content.decode()
    assert list(Objective.objects.values()) == before
    assert Engagement.objects.get(pk=practice.engagement.pk).sessions_contracted == 6
    with pytest.raises(DomainError):
        services.objective_add(
            engagement=practice.engagement, by=practice.coach.user, text="x", measure="y"
        )


# Signing: the rule, on every path that signs.


def test_the_agreement_cannot_be_signed_until_the_contract_is_complete(
    practice: Practice,
) -> None:
    agreement = practice.agreement
    Agreement.objects.filter(pk=agreement.pk).update(accountability="")
    with pytest.raises(DomainError) as refused:
        agreement_sign(agreement=agreement, by=practice.client.user)
    assert "how the client wants to be held accountable" in refused.value.message
    _ready_to_sign(practice)
    Agreement.objects.filter(pk=agreement.pk).update(topics_off_limits="  ")
    practice.engagement.objectives.all().delete()
    with pytest.raises(DomainError) as refused:
        agreement_sign(agreement=agreement, by=practice.coach.user)
    assert "at least one objective with its measure" in refused.value.message
    assert "the topics that are out of scope" in refused.value.message
    assert "accountable" not in refused.value.message
    agreement.refresh_from_db()
    assert agreement.mentor_signed_at is None and agreement.mentee_signed_at is None


def test_the_agreement_page_lists_what_is_missing_and_refuses_the_signature(
    practice: Practice,
) -> None:
    Agreement.objects.filter(pk=practice.agreement.pk).update(accountability="")
    client = client_for(practice.client.user)
    agreement_url = reverse("relationships:agreement", args=[practice.relationship.pk])
    page = client.get(agreement_url).content.decode()
    assert "Before either of you can sign" in page
    assert "How the client wants to be held accountable" in page
    assert _url(practice) in page
    response = client.post(reverse("relationships:sign", args=[practice.agreement.pk]), follow=True)
    assert "Before signing, write down how the client wants to be held accountable" in (
        response.content.decode()
    )
    assert practice.agreement.mentee_signed_at is None


def test_both_sign_on_the_page_once_the_contract_is_complete(practice: Practice) -> None:
    _ready_to_sign(practice)
    sign = reverse("relationships:sign", args=[practice.agreement.pk])
    page = client_for(practice.client.user).get(
        reverse("relationships:agreement", args=[practice.relationship.pk])
    )
    assert "Before either of you can sign" not in page.content.decode()
    client_for(practice.client.user).post(sign)
    client_for(practice.coach.user).post(sign)
    assert practice.agreement.is_signed
    practice.relationship.refresh_from_db()
    assert practice.relationship.status == Relationship.Status.ACTIVE


def test_the_relationship_and_agreement_pages_link_the_contract(practice: Practice) -> None:
    client = client_for(practice.coach.user)
    for name in ("detail", "agreement"):
        page = client.get(reverse(f"relationships:{name}", args=[practice.relationship.pk]))
        assert _url(practice) in page.content.decode(), name
    detail = client.get(reverse("relationships:detail", args=[practice.relationship.pk]))
    assert "You are the coach" in detail.content.decode()


def test_the_contract_page_shows_the_scope_and_accountability(practice: Practice) -> None:
    _ready_to_sign(practice)
    page = client_for(practice.coach.user).get(_url(practice)).content.decode()
    assert "Religion, relationships and family" in page
    assert "Ask me at each session" in page
    assert "Public speaking" in page
    assert reverse("relationships:agreement", args=[practice.relationship.pk]) in page


# Who may see it.


def test_nobody_but_the_coach_and_the_client_sees_or_changes_the_contract(
    practice: Practice,
) -> None:
    world = practice.world
    url = _url(practice)
    for person in (practice.sponsor, world.admin, world.mentor, world.member, world.outsider):
        client = client_for(person)
        assert client.get(url).status_code == 404
        assert client.post(url, _terms(practice)).status_code == 404
        first = practice.engagement.objectives.first()
        assert first is not None
        assert client.post(url, {"action": "remove", "objective": first.pk}).status_code == 404
    assert practice.engagement.objectives.count() == 2
    assert Engagement.objects.get(pk=practice.engagement.pk).sessions_contracted == 6
    with pytest.raises(DomainError):
        services.objective_add(
            engagement=practice.engagement, by=world.mentor, text="x", measure="y"
        )
    assert client_for(practice.coach.user).get(url).status_code == 200
    assert client_for(practice.client.user).get(url).status_code == 200
