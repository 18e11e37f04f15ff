"""Write the demo organizations, people, programs and profiles to the database, fast."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Q

from tandem.accounts.models import Department, Membership, Organization, User
from tandem.demo import agency, catalog
from tandem.demo.board import create_board
from tandem.demo.circles import create_circles
from tandem.demo.coaching import create_coaching
from tandem.demo.history import create_history
from tandem.demo.inbox import settle_notifications
from tandem.demo.interviews import create_interviews
from tandem.demo.introductions import create_introductions
from tandem.demo.people import MIN_PEOPLE, PERSONAS, Person, build_agency, build_association
from tandem.demo.profiles import Plan, plan_enrollments
from tandem.demo.stories import create_stories
from tandem.insights.reports import health_reports_send
from tandem.notifications.models import Notification
from tandem.programs.models import Enrollment, EnrollmentTopic, Program, Topic
from tandem.programs.services import organization_create, program_create

DEMO_PASSWORD = "tandem-demo"
# The authenticator-app secret of the demo accounts that must use a second factor (the
# organization admin and site staff); `manage.py demo_code` prints its current code.
DEMO_TOTP_SECRET = "TANDEMDEMOSECRETTANDEMDEMOSECRET"
SECOND_FACTOR_PERSONAS = ("admin", "staff")
BATCH_SIZE = 1000
# Keeps `pk__in` lists under SQLite's historical limit of 999 query parameters.
DELETE_CHUNK = 900


class DemoDataError(Exception):
    """The demo data cannot be created as asked; the message says what to do instead."""


@dataclass(frozen=True)
class Login:
    """A demo account worth signing in as, and what it shows."""

    email: str
    full_name: str
    role: str


@dataclass(frozen=True)
class DemoSummary:
    """What demo_data_create wrote."""

    people: int
    members: int
    departments: int
    programs: tuple[str, ...]
    enrollments: int
    profile_topics: int
    relationships: int
    logins: tuple[Login, ...]


def association_size(people: int) -> int:
    """Return how many members the partner association gets for an agency of this size."""
    return max(5, round(people * 0.03))


def _demo_users() -> Q:
    # The demo's domains are invented, so every account there belongs to the demo.
    query = Q(memberships__organization__slug__in=agency.DEMO_SLUGS)
    for domain in (agency.AGENCY_DOMAIN, agency.ASSOCIATION_DOMAIN):
        query |= Q(email__iendswith=f"@{domain}")
    return query


def demo_data_exists() -> bool:
    """Tell whether demo organizations or accounts at the demo's domains are present."""
    return (
        Organization.objects.filter(slug__in=agency.DEMO_SLUGS).exists()
        or User.objects.filter(_demo_users()).exists()
    )


@transaction.atomic
def demo_data_delete() -> int:
    """Delete the demo organizations and their people; return how many accounts went."""
    user_ids = sorted(set(User.objects.filter(_demo_users()).values_list("pk", flat=True)))
    for start in range(0, len(user_ids), DELETE_CHUNK):
        User.objects.filter(pk__in=user_ids[start : start + DELETE_CHUNK]).delete()
    Organization.objects.filter(slug__in=agency.DEMO_SLUGS).delete()
    return len(user_ids)


def _date_joined(person: Person, today: datetime.date) -> datetime.datetime:
    # Accounts date from when the city adopted Tandem, about a year ago, or from hiring.
    days = min(person.tenure_days, 365 + person.index % 60)
    noon = datetime.time(12, tzinfo=ZoneInfo(agency.AGENCY_TIME_ZONE))
    return datetime.datetime.combine(today - datetime.timedelta(days=days), noon)


def _create_users(people: Sequence[Person], password: str, today: datetime.date) -> list[User]:
    users = [
        User(
            email=person.email,
            full_name=person.full_name,
            preferred_name=person.preferred_name,
            pronouns=person.pronouns,
            password=password,
            is_staff=person.is_superuser,
            is_superuser=person.is_superuser,
            date_joined=_date_joined(person, today),
        )
        for person in people
    ]
    created = User.objects.bulk_create(users, batch_size=BATCH_SIZE)
    # The demo's addresses count as proven, so that everyone can sign in with the password.
    EmailAddress.objects.bulk_create(
        (
            EmailAddress(user=user, email=user.email, primary=True, verified=True)
            for user in created
        ),
        batch_size=BATCH_SIZE,
    )
    return created


def _create_memberships(
    organization: Organization,
    people: Sequence[Person],
    users: Sequence[User],
    departments: Sequence[Department],
) -> list[Membership]:
    """Insert memberships one level of the tree at a time, so that every manager has a key."""
    created: dict[int, Membership] = {}
    for depth in sorted({person.depth for person in people}):
        level = [person for person in people if person.depth == depth]
        rows = [
            Membership(
                user=users[person.index],
                organization=organization,
                role=Membership.Role.ADMIN if person.is_admin else Membership.Role.MEMBER,
                department=None if person.department is None else departments[person.department],
                title=person.title,
                manager=None if person.manager is None else created[person.manager],
                time_zone=person.time_zone,
                location=person.location,
            )
            for person in level
        ]
        Membership.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        created.update(zip((person.index for person in level), rows, strict=True))
    return [created[person.index] for person in people]


def _create_programs(
    organization: Organization, partner: Organization, admin: User, today: datetime.date
) -> dict[str, Program]:
    # The two organizations agreed to share programs (in real life, staff record this).
    organization.partners.add(partner)
    programs = {}
    for spec in catalog.PROGRAMS:
        partners = [partner] if spec.audience == Program.Audience.PARTNERS else []
        programs[spec.key] = program_create(
            organization=organization,
            created_by=admin,
            partner_organizations=partners,
            name=spec.name,
            tagline=spec.tagline,
            description=spec.description,
            format=spec.format,
            status=Program.Status.ACTIVE,
            audience=spec.audience,
            enrollment_opens_on=today - datetime.timedelta(days=spec.opens_days_ago),
            enrollment_closes_on=today + datetime.timedelta(days=spec.closes_in_days),
            matching_mode=spec.matching_mode,
            mentors_per_mentee=spec.mentors_per_mentee,
            default_cadence=spec.default_cadence,
            default_length_months=spec.default_length_months,
            required_profile_fields=[str(name) for name in spec.required_profile_fields],
        )
    return programs


def _enrollment(plan: Plan, program: Program, user: User, membership: Membership) -> Enrollment:
    return Enrollment(
        program=program,
        user=user,
        membership=membership,
        is_mentee=plan.is_mentee,
        is_mentor=plan.is_mentor,
        is_peer=plan.is_peer,
        goals=plan.goals,
        mentors_wanted=plan.mentors_wanted,
        what_i_bring=plan.what_i_bring,
        why_i_mentor=plan.why_i_mentor,
        capacity=plan.capacity,
        accepting_now=plan.accepting_now,
        meeting_modes=plan.meeting_modes,
        preferred_cadence=plan.preferred_cadence,
        languages=plan.languages,
        identity_attributes=plan.identity_attributes,
        identity_use=plan.identity_use,
        requested_attributes=plan.requested_attributes,
        profile_completed_at=plan.completed_at,
    )


@dataclass(frozen=True)
class Roster:
    """The rows already written for one organization's people, by the people's index."""

    users: list[User]
    memberships: list[Membership]


def _create_enrollments(
    plans: Sequence[Plan], programs: dict[str, Program], staff: Roster, members: Roster
) -> list[Enrollment]:
    enrollments = []
    for plan in plans:
        roster = members if plan.from_association else staff
        index = plan.person.index
        program = programs[plan.program]
        enrollments.append(
            _enrollment(plan, program, roster.users[index], roster.memberships[index])
        )
    return Enrollment.objects.bulk_create(enrollments, batch_size=BATCH_SIZE)


def _create_profile_topics(
    plans: Sequence[Plan], enrollments: Sequence[Enrollment], organization: Organization
) -> int:
    topics = {topic.slug: topic for topic in Topic.objects.filter(organization=organization)}
    rows = [
        EnrollmentTopic(enrollment=enrollment, topic=topics[slug], kind=kind, level=level)
        for plan, enrollment in zip(plans, enrollments, strict=True)
        for kind, chosen in (
            (EnrollmentTopic.Kind.FOCUS, plan.focus),
            (EnrollmentTopic.Kind.EXPERTISE, plan.expertise),
        )
        for slug, level in chosen
    ]
    EnrollmentTopic.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    return len(rows)


def _create_organizations() -> tuple[Organization, Organization]:
    city = organization_create(
        name=agency.AGENCY_NAME,
        kind=Organization.Kind.PUBLIC_AGENCY,
        email_domains=[agency.AGENCY_DOMAIN],
        slug=agency.AGENCY_SLUG,
    )
    association = organization_create(
        name=agency.ASSOCIATION_NAME,
        kind=Organization.Kind.ASSOCIATION,
        email_domains=[agency.ASSOCIATION_DOMAIN],
        slug=agency.ASSOCIATION_SLUG,
    )
    return city, association


def _logins(
    staff: Sequence[Person],
    programs: dict[str, Program],
    plans: Sequence[Plan],
    circles: Program,
    coaching: Program,
) -> tuple[Login, ...]:
    roles = {
        "admin": "organization admin; runs every program",
        "staff": "superuser for /admin/",
    }
    for key in ("mentor", "mentee"):
        joined = [programs[plan.program].name for plan in plans if plan.person.persona == key]
        roles[key] = f"{key} in {' and '.join(joined)}"
    roles["mentee"] += f"; in a circle of {circles.name}; a client in {coaching.name}"
    roles["admin"] += f"; sponsors the mentee's engagement in {coaching.name}"
    by_key = {person.persona: person for person in staff if person.persona}
    return tuple(
        Login(persona.email, by_key[persona.key].full_name, roles[persona.key])
        for persona in PERSONAS
    )


@transaction.atomic
def demo_data_create(*, seed: int, people: int, today: datetime.date) -> DemoSummary:
    """Create the demo agency, its partner association, its programs and their enrollments."""
    if people < MIN_PEOPLE:
        raise DemoDataError(
            f"The demo needs at least {MIN_PEOPLE} people: a head, and a director and two "
            "staff in each department."
        )
    if demo_data_exists():
        raise DemoDataError(
            f"Demo data already exists ({agency.AGENCY_NAME}, or accounts at "
            f"{agency.AGENCY_DOMAIN}); run the command again with --flush to replace it."
        )
    if not connection.features.can_return_rows_from_bulk_insert:
        # Managers are linked by the keys that each level's insert hands back.
        raise DemoDataError("The demo generator needs a database that returns inserted keys.")
    staff = build_agency(seed, people)
    members = build_association(seed, association_size(people))
    plans = plan_enrollments(seed, staff, members, today)

    city, association = _create_organizations()
    departments = Department.objects.bulk_create(
        Department(organization=city, name=spec.name) for spec in agency.DEPARTMENTS
    )
    # Hashing is deliberately slow; one hash shared by every account keeps this fast.
    password = make_password(DEMO_PASSWORD)
    staff_users = _create_users(staff, password, today)
    member_users = _create_users(members, password, today)
    rosters = (
        Roster(staff_users, _create_memberships(city, staff, staff_users, departments)),
        Roster(member_users, _create_memberships(association, members, member_users, [])),
    )
    admin = next(
        user for person, user in zip(staff, staff_users, strict=True) if person.persona == "admin"
    )
    programs = _create_programs(city, association, admin, today)
    enrollments = _create_enrollments(plans, programs, *rosters)
    profile_topics = _create_profile_topics(plans, enrollments, city)
    personas = {
        person.persona: user
        for person, user in zip(staff, staff_users, strict=True)
        if person.persona
    }
    relationships = create_stories(seed=seed, programs=programs, personas=personas)
    create_board(
        seed=seed,
        program=next(
            p for p in programs.values() if p.matching_mode != Program.MatchingMode.ROUNDS
        ),
        personas=personas,
    )
    relationships += create_history(seed=seed, programs=programs, personas=personas, today=today)
    circles = create_circles(
        seed=seed, beside=programs[catalog.PEER], personas=personas, today=today
    )
    create_interviews(seed=seed, programs=programs, personas=personas)
    create_introductions(seed=seed, programs=programs, personas=personas)
    coaching = create_coaching(
        seed=seed, beside=programs[catalog.PEER], personas=personas, today=today
    )
    # The services notified as the history was written today; date and read it as it was.
    settle_notifications(
        Notification.objects.filter(user__memberships__organization__in=(city, association))
    )
    # Last month's health report, as the schedule sends it on the 1st, so that the admin
    # finds one among her notifications whatever the day the demo starts.
    health_reports_send(today=today.replace(day=1))
    for key in SECOND_FACTOR_PERSONAS:
        TOTP.activate(personas[key], DEMO_TOTP_SECRET)
    return DemoSummary(
        people=len(staff),
        members=len(members),
        departments=len(departments),
        programs=(*(p.name for p in programs.values()), circles.name, coaching.name),
        enrollments=len(enrollments) + circles.enrollments.count() + coaching.enrollments.count(),
        profile_topics=profile_topics,
        relationships=relationships + coaching.relationships.count(),
        logins=_logins(staff, programs, plans, circles, coaching),
    )
