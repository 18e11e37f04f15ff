import datetime
from collections.abc import Iterable
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from tandem.accounts.models import Membership, Organization, User
from tandem.demo import agency
from tandem.demo.coaching import CONTRACTED_TITLE
from tandem.demo.generator import DEMO_PASSWORD
from tandem.demo.topic_texts import TOPIC_TEXTS
from tandem.policy.access import programs_visible_to
from tandem.programs.models import Enrollment, EnrollmentTopic, Program, Topic
from tandem.programs.services import profile_missing_fields
from tandem.programs.vocabulary import DEFAULT_TOPICS

PEOPLE = "150"
PERSONA_EMAILS = [f"{key}@{agency.AGENCY_DOMAIN}" for key in ("admin", "mentor", "mentee", "staff")]


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    # The generator hashes the password once; authenticate() hashes per call.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run(*args: str) -> str:
    out = StringIO()
    call_command("demo_data", "--people", PEOPLE, *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, list[str]]:
    users = User.objects.values_list(
        "email", "full_name", "preferred_name", "pronouns", "is_staff", "is_superuser"
    )
    memberships = Membership.objects.values_list(
        "user__email",
        "organization__slug",
        "role",
        "department__name",
        "title",
        "manager__user__email",
        "time_zone",
        "location",
    )
    enrollments = Enrollment.objects.values_list(
        "program__name",
        "user__email",
        "membership__organization__slug",
        "is_mentee",
        "is_mentor",
        "is_peer",
        "goals",
        "mentors_wanted",
        "what_i_bring",
        "why_i_mentor",
        "capacity",
        "accepting_now",
        "meeting_modes",
        "preferred_cadence",
        "languages",
        "identity_attributes",
        "identity_use",
        "requested_attributes",
        "profile_completed_at",
    )
    topics = EnrollmentTopic.objects.values_list(
        "enrollment__program__name", "enrollment__user__email", "topic__slug", "kind", "level"
    )
    return {
        "users": rows(users),
        "memberships": rows(memberships),
        "enrollments": rows(enrollments),
        "topics": rows(topics),
    }


def rows(query: Iterable[object]) -> list[str]:
    return sorted(repr(row) for row in query)


def chain(membership: Membership) -> list[int]:
    """Return the pks of everyone above this member, nearest first."""
    managers = dict(
        Membership.objects.filter(organization=membership.organization).values_list(
            "pk", "manager_id"
        )
    )
    above, current = [], managers[membership.pk]
    while current is not None:
        assert current not in above, "the reporting line loops"
        above.append(current)
        current = managers[current]
    return above


def persona(key: str) -> Membership:
    return Membership.objects.select_related("organization").get(
        user__email=f"{key}@{agency.AGENCY_DOMAIN}", organization__slug=agency.AGENCY_SLUG
    )


@pytest.mark.django_db
def test_same_seed_gives_the_same_data():
    run("--seed", "3")
    first = snapshot()
    run("--seed", "3", "--flush")
    assert snapshot() == first
    assert len(first["enrollments"]) > 30


@pytest.mark.django_db
def test_different_seeds_give_different_data():
    run("--seed", "3")
    first = snapshot()
    run("--seed", "4", "--flush")
    second = snapshot()
    assert second["users"] != first["users"]
    assert second["enrollments"] != first["enrollments"]


@pytest.mark.django_db
def test_running_twice_without_flush_is_refused():
    run()
    with pytest.raises(CommandError, match="--flush"):
        run()


@pytest.mark.django_db
def test_flush_removes_only_demo_data():
    outsider = User.objects.create_user("someone@example.com", "x", full_name="Someone Else")
    run()
    run("--flush")
    assert User.objects.filter(pk=outsider.pk).exists()
    assert Organization.objects.filter(slug__in=agency.DEMO_SLUGS).count() == 2


@pytest.mark.django_db
def test_reporting_lines_have_no_loops_and_stay_in_the_organization():
    run()
    city = Organization.objects.get(slug=agency.AGENCY_SLUG)
    # The contracted coaches are members by contract, outside the staff's reporting lines.
    members = list(
        Membership.objects.filter(organization=city)
        .exclude(title=CONTRACTED_TITLE)
        .select_related("manager")
    )
    assert len(members) == int(PEOPLE)
    assert [m.title for m in members if m.manager is None] == [agency.HEAD_TITLE]
    depths = [len(chain(member)) for member in members]
    assert max(depths) >= 3
    managed = Membership.objects.filter(manager__isnull=False)
    assert not managed.exclude(manager__organization=F("organization")).exists()
    assert city.departments.count() == len(agency.DEPARTMENTS)


@pytest.mark.django_db
def test_five_active_programs_with_their_formats_and_matching_modes():
    run()
    city = Organization.objects.get(slug=agency.AGENCY_SLUG)
    programs = {p.name: p for p in Program.objects.filter(organization=city)}
    found = {(p.format, p.matching_mode, p.audience) for p in programs.values()}
    assert found == {
        (Program.Format.ONE_TO_ONE, Program.MatchingMode.ROUNDS, Program.Audience.ORGANIZATION),
        (Program.Format.ONE_TO_ONE, Program.MatchingMode.CHOICE, Program.Audience.PARTNERS),
        (Program.Format.PEER, Program.MatchingMode.ROUNDS, Program.Audience.ORGANIZATION),
        (Program.Format.CIRCLES, Program.MatchingMode.ROUNDS, Program.Audience.ORGANIZATION),
        (Program.Format.COACHING, Program.MatchingMode.CHOICE, Program.Audience.ORGANIZATION),
    }
    today = timezone.localdate()
    assert all(p.enrollment_is_open(today) for p in programs.values())
    new_hire = programs["New-hire mentoring"]
    assert (new_hire.mentors_per_mentee, new_hire.default_length_months) == (1, 6)
    choice = next(
        p
        for p in programs.values()
        if p.matching_mode == Program.MatchingMode.CHOICE and p.format == Program.Format.ONE_TO_ONE
    )
    assert choice.mentors_per_mentee == 2
    assert [o.slug for o in choice.partner_organizations.all()] == [agency.ASSOCIATION_SLUG]


@pytest.mark.django_db
def test_association_members_see_the_partner_program_only():
    run()
    member = User.objects.filter(memberships__organization__slug=agency.ASSOCIATION_SLUG).first()
    assert member is not None
    visible = list(programs_visible_to(member).values_list("matching_mode", flat=True))
    assert visible == [Program.MatchingMode.CHOICE]
    assert Enrollment.objects.filter(membership__organization__slug=agency.ASSOCIATION_SLUG)


@pytest.mark.django_db
def test_organizations_get_the_default_vocabulary():
    run()
    for slug in agency.DEMO_SLUGS:
        assert Topic.objects.filter(organization__slug=slug).count() == len(DEFAULT_TOPICS)


@pytest.mark.django_db
def test_personas_sign_in_with_the_demo_password():
    output = run()
    for email in PERSONA_EMAILS:
        assert email in output
        user = authenticate(email=email, password=DEMO_PASSWORD)
        assert user is not None, email
        assert user.full_name and not user.full_name.startswith("Demo")
    staff = User.objects.get(email=PERSONA_EMAILS[3])
    assert staff.is_staff and staff.is_superuser


@pytest.mark.django_db
def test_admin_runs_the_organization_and_every_program():
    run()
    admin = persona("admin")
    assert admin.role == Membership.Role.ADMIN
    programs = Program.objects.filter(organization=admin.organization)
    assert programs.count() == 5
    assert programs.filter(admins=admin.user).count() == 5


@pytest.mark.django_db
def test_mentee_is_outside_the_mentors_reporting_line():
    run()
    mentor, mentee = persona("mentor"), persona("mentee")
    assert mentor.pk not in chain(mentee)
    assert mentee.pk not in chain(mentor)


@pytest.mark.django_db
def test_mentor_and_mentee_have_complete_profiles_in_both_mentoring_programs():
    run()
    for key, role in (("mentor", "is_mentor"), ("mentee", "is_mentee")):
        enrollments = Enrollment.objects.filter(
            user__email=f"{key}@{agency.AGENCY_DOMAIN}", program__format=Program.Format.ONE_TO_ONE
        )
        assert enrollments.count() == 2
        for enrollment in enrollments:
            assert getattr(enrollment, role)
            assert profile_missing_fields(enrollment) == []
            assert enrollment.profile_completed_at is not None


@pytest.mark.django_db
def test_completion_dates_agree_with_the_profile_rules():
    run()
    enrollments = list(Enrollment.objects.select_related("program"))
    for enrollment in enrollments:
        complete = not profile_missing_fields(enrollment)
        assert complete == (enrollment.profile_completed_at is not None), enrollment.pk
    incomplete = [e for e in enrollments if e.profile_completed_at is None]
    assert 0 < len(incomplete) < len(enrollments) / 3
    assert all(
        e.profile_completed_at.date() <= timezone.localdate() + datetime.timedelta(days=1)
        for e in enrollments
        if e.profile_completed_at
    )


def test_every_default_topic_has_phrases():
    assert set(TOPIC_TEXTS) == {slugify(name) for name, _category, _synonyms in DEFAULT_TOPICS}


@pytest.mark.django_db
def test_if_empty_keeps_existing_data():
    run("--seed", "3")
    first = snapshot()
    assert "keeping it" in run("--seed", "4", "--if-empty")
    assert snapshot() == first


@pytest.mark.django_db
def test_refused_rebuild_keeps_the_old_data():
    run()
    with pytest.raises(CommandError, match="at least"):
        call_command("demo_data", "--people", "10", "--flush", stdout=StringIO())
    staff = Membership.objects.filter(organization__slug=agency.AGENCY_SLUG)
    assert staff.exclude(title=CONTRACTED_TITLE).count() == int(PEOPLE)


@pytest.mark.django_db
def test_people_who_share_identity_may_let_matching_use_it():
    run()
    uses = [e.identity_use for e in Enrollment.objects.all() if e.identity_attributes]
    assert "match" in uses
    assert not Enrollment.objects.filter(identity_attributes=[], identity_use="match").exists()
