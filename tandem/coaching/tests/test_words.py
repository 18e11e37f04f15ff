"""A coaching program's pages, notices and agreement speak of coaches and clients."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.core.errors import DomainError
from tandem.notifications.models import Notification
from tandem.programs.models import Enrollment, EnrollmentTopic
from tandem.relationships import services
from tandem.relationships.models import Agreement
from tandem.testing.coaching import Practice
from tandem.testing.factories import EnrollmentFactory, MembershipFactory, UserFactory
from tandem.testing.fixtures import client_for

MESSAGE = (
    "I lead a new team and want to get better at delegating. Your profile says you work on "
    "leadership transitions, which is exactly where I am."
)


def _new_client(practice: Practice) -> Enrollment:
    user = UserFactory.create(full_name="Linh Nguyen")
    client = EnrollmentFactory.create(
        program=practice.program,
        user=user,
        membership=MembershipFactory.create(user=user, organization=practice.world.org),
        goals="Delegate well.",
        profile_completed_at=timezone.now(),
    )
    EnrollmentTopic.objects.create(
        enrollment=client, topic=practice.world.topic("Public speaking"), kind="focus", level=2
    )
    return client


def test_home_names_a_coaching_client_a_client(practice: Practice) -> None:
    body = client_for(practice.client.user).get(reverse("home")).content.decode()
    assert '<span class="badge">Client</span>' in body
    assert '<span class="badge">Mentee</span>' not in body
    coach_home = client_for(practice.coach.user).get(reverse("home")).content.decode()
    assert '<span class="badge">Coach</span>' in coach_home


def test_the_program_page_speaks_of_coaches_and_clients(practice: Practice) -> None:
    url = reverse("programs:detail", args=[practice.program.pk])
    body = client_for(practice.client.user).get(url).content.decode()
    assert "Clients choose their coaches" in body
    assert "Ask the coaches" in body
    assert "Mentees choose" not in body and "Ask the mentors" not in body


def test_the_admin_pairs_page_heads_its_columns_coach_and_client(practice: Practice) -> None:
    url = reverse("relationships:program", args=[practice.program.pk])
    body = client_for(practice.admin).get(url).content.decode()
    assert '<th scope="col">Coach</th><th scope="col">Client</th>' in body
    assert '<th scope="col">Mentor</th>' not in body


def test_a_coach_is_asked_to_coach(practice: Practice) -> None:
    linh = _new_client(practice)
    services.request_send(
        mentee=linh,
        mentor=practice.coach,
        focus=practice.world.topic("Public speaking"),
        message=MESSAGE,
    )
    note = Notification.objects.get(user=practice.coach.user, kind="request_received")
    assert note.title == "Linh Nguyen asks you to coach them on Public speaking"


def test_a_client_with_all_her_coaches_reads_it_in_the_second_person(practice: Practice) -> None:
    url = reverse("relationships:directory", args=[practice.program.pk])
    body = client_for(practice.client.user).get(url).content.decode()
    assert "You already have as many coaches as you asked for." in body
    assert "mentors as" not in body


def test_the_ask_page_refusal_says_nothing_about_an_answer(practice: Practice) -> None:
    linh = _new_client(practice)
    url = reverse("relationships:request_new", args=[practice.program.pk, practice.client.pk])
    page = client_for(linh.user).get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert "You cannot ask Cal" in body
    assert "answers within" not in body
    assert not linh.sent_requests.exists()


def test_the_ask_page_asks_why_this_coach(practice: Practice) -> None:
    linh = _new_client(practice)
    url = reverse("relationships:request_new", args=[practice.program.pk, practice.coach.pk])
    body = client_for(linh.user).get(url).content.decode()
    assert "why this coach" in body and "why this mentor" not in body
    assert "answers within" in body


def test_the_coaching_agreement_offers_only_coaching_choices(practice: Practice) -> None:
    url = reverse("relationships:agreement", args=[practice.relationship.pk])
    body = client_for(practice.client.user).get(url).content.decode()
    assert "During office hours" in body and 'value="either"' not in body
    assert "Socially, outside work" not in body
    assert "Open to talking about life as a whole" not in body
    assert "Not part of this engagement" in body
    assert "Not part of this relationship" not in body
    assert "Maybe later, once we know each other" not in body
    assert "A coaching engagement meets during working hours." in body


def test_the_coaching_agreement_page_refuses_a_social_setting(practice: Practice) -> None:
    agreement = practice.agreement
    url = reverse("relationships:agreement", args=[practice.relationship.pk])
    data = {
        term: getattr(agreement, term)
        for term in Agreement.TERMS
        if term not in ("channels", "texting_ok", "review_on")
    }
    data.update(channels=["video"], review_on=agreement.review_on.isoformat(), setting="social")
    page = client_for(practice.client.user).post(url, data)
    assert page.status_code == 200
    assert "Select a valid choice" in page.content.decode()
    agreement.refresh_from_db()
    assert agreement.setting == Agreement.Setting.OFFICE_HOURS


@pytest.mark.parametrize(
    ("term", "value"),
    [
        ("setting", Agreement.Setting.SOCIAL),
        ("setting", Agreement.Setting.EITHER),
        ("personal_sharing", Agreement.PersonalSharing.OPEN),
        ("introductions", Agreement.Introductions.LATER),
    ],
)
def test_the_agreement_service_refuses_mentoring_choices_for_coaching(
    practice: Practice, term: str, value: str
) -> None:
    agreement = practice.agreement
    before = getattr(agreement, term)
    with pytest.raises(DomainError) as refused:
        services.agreement_update(agreement=agreement, by=practice.client.user, **{term: value})
    assert refused.value.field == term
    agreement.refresh_from_db()
    assert getattr(agreement, term) == before


def test_the_agreement_service_takes_coaching_choices(practice: Practice) -> None:
    agreement = services.agreement_update(
        agreement=practice.agreement,
        by=practice.client.user,
        introductions=Agreement.Introductions.NOW,
        personal_sharing=Agreement.PersonalSharing.SOME,
    )
    agreement.refresh_from_db()
    assert agreement.introductions == Agreement.Introductions.NOW
    assert agreement.personal_sharing == Agreement.PersonalSharing.SOME


def test_the_stalled_list_heads_its_columns_coach_and_client(practice: Practice) -> None:
    page = client_for(practice.admin).get(reverse("insights:stalled", args=[practice.program.pk]))
    html = page.content.decode()
    assert '<th scope="col">Coach</th><th scope="col">Client</th>' in html
    assert '<th scope="col">Mentor</th>' not in html
