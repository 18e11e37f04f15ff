"""Writes for programs, topics, enrollments and profiles."""

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from tandem.accounts import time_zones
from tandem.accounts.models import Membership, Organization, User
from tandem.accounts.services import invitation_create, membership_create
from tandem.core.errors import DomainError
from tandem.policy.access import programs_visible_to, user_may_create_programs
from tandem.programs.models import (
    CIRCLE_LARGEST,
    CIRCLE_SMALLEST,
    CIRCLES_PER_MEMBER_MOST,
    Cadence,
    Enrollment,
    EnrollmentTopic,
    IdentityAttribute,
    IdentityUse,
    Language,
    MeetingMode,
    Program,
    Topic,
)
from tandem.programs.vocabulary import DEFAULT_TOPICS


@transaction.atomic
def organization_create(
    *,
    name: str,
    kind: str = Organization.Kind.COMPANY,
    email_domains: list[str] | None = None,
    slug: str | None = None,
    admin: User | None = None,
) -> Organization:
    """Create an organization with the default topic vocabulary and its first admin."""
    slug = slug or slugify(name)[:60]
    if Organization.objects.filter(slug=slug).exists():
        raise DomainError("An organization with this short name already exists.", field="slug")
    organization = Organization.objects.create(
        name=name,
        slug=slug,
        kind=kind,
        email_domains=[d.strip().lower().lstrip("@") for d in email_domains or [] if d.strip()],
    )
    topics_install_defaults(organization=organization)
    if admin is not None:
        membership_create(user=admin, organization=organization, role=Membership.Role.ADMIN)
    return organization


def topics_install_defaults(*, organization: Organization) -> list[Topic]:
    """Give an organization the default topic vocabulary, skipping topics it already has."""
    have = set(Topic.objects.filter(organization=organization).values_list("slug", flat=True))
    topics = [
        Topic(
            organization=organization,
            name=name,
            slug=slugify(name),
            category=category,
            synonyms=synonyms,
        )
        for name, category, synonyms in DEFAULT_TOPICS
        if slugify(name) not in have
    ]
    return Topic.objects.bulk_create(topics)


@transaction.atomic
def topic_create(
    *, organization: Organization, name: str, category: str = "", synonyms: list[str] | None = None
) -> Topic:
    """Add a topic to an organization's vocabulary."""
    name = name.strip()
    if not name:
        raise DomainError("A topic needs a name.", field="name")
    if Topic.objects.filter(organization=organization, name__iexact=name).exists():
        raise DomainError(f"“{name}” is already in the vocabulary.", field="name")
    base = slugify(name)[:70] or "topic"
    taken = set(
        Topic.objects.filter(organization=organization, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    slug = next(s for s in (base, *(f"{base}-{n}" for n in range(2, 10_000))) if s not in taken)
    try:
        with transaction.atomic():
            return Topic.objects.create(
                organization=organization,
                name=name,
                slug=slug,
                category=category.strip(),
                synonyms=_clean_synonyms(synonyms or []),
            )
    except IntegrityError:  # the same name added at the same moment by someone else
        raise DomainError(f"“{name}” is already in the vocabulary.", field="name") from None


@transaction.atomic
def topic_update(*, topic: Topic, name: str, category: str, synonyms: list[str]) -> Topic:
    """Rename a topic or change its category and synonyms; profiles keep pointing at it."""
    name = name.strip()
    if not name:
        raise DomainError("A topic needs a name.", field="name")
    clash = Topic.objects.filter(organization_id=topic.organization_id, name__iexact=name)
    if clash.exclude(pk=topic.pk).exists():
        raise DomainError(f"“{name}” is already in the vocabulary.", field="name")
    topic.name = name
    topic.category = category.strip()
    topic.synonyms = _clean_synonyms(synonyms)
    topic.save(update_fields=["name", "category", "synonyms"])
    return topic


def _clean_synonyms(synonyms: list[str]) -> list[str]:
    return sorted({s.strip().lower() for s in synonyms if s.strip()})


PROGRAM_FIELDS = (
    "name",
    "tagline",
    "description",
    "format",
    "status",
    "audience",
    "enrollment_opens_on",
    "enrollment_closes_on",
    "matching_mode",
    "mentors_per_mentee",
    "default_cadence",
    "default_length_months",
    "required_profile_fields",
    "circle_min_size",
    "circle_max_size",
    "circles_per_member",
)


# Enrollment opens and closes around the program's own year; a date set further off either
# way is a slip of the keyboard.
ENROLLMENT_DATE_RANGE = datetime.timedelta(days=2 * 365)


def _check_enrollment_dates(fields: dict[str, Any]) -> None:
    today = timezone.localdate()
    for name in ("enrollment_opens_on", "enrollment_closes_on"):
        value = fields.get(name)
        if isinstance(value, datetime.date) and abs(value - today) > ENROLLMENT_DATE_RANGE:
            raise DomainError("Pick a date within two years of today.", field=name)


def _check_circles(program: Program) -> None:
    if program.is_circles and program.matching_mode != Program.MatchingMode.ROUNDS:
        raise DomainError(
            "Group circles are formed in matching rounds; choose “Admins run matching rounds”.",
            field="matching_mode",
        )
    for name in ("circle_min_size", "circle_max_size"):
        size = getattr(program, name)
        if not CIRCLE_SMALLEST <= size <= CIRCLE_LARGEST:
            raise DomainError(
                f"A circle holds between {CIRCLE_SMALLEST} and {CIRCLE_LARGEST} people.",
                field=name,
            )
    if program.circle_min_size > program.circle_max_size:
        raise DomainError(
            f"The largest circle ({program.circle_max_size}) cannot be smaller than the "
            f"smallest ({program.circle_min_size}).",
            field="circle_max_size",
        )
    if not 1 <= program.circles_per_member <= CIRCLES_PER_MEMBER_MOST:
        raise DomainError(
            f"One person may be in 1 to {CIRCLES_PER_MEMBER_MOST} circles at once.",
            field="circles_per_member",
        )


def _check_program(program: Program, partner_organizations: list[Organization] | None) -> None:
    if program.format not in Program.AVAILABLE_FORMATS:
        raise DomainError(
            f"{program.get_format_display()} programs are not available yet.", field="format"
        )
    if (
        program.enrollment_opens_on
        and program.enrollment_closes_on
        and program.enrollment_closes_on < program.enrollment_opens_on
    ):
        raise DomainError("Enrollment must close after it opens.", field="enrollment_closes_on")
    if program.is_peer and program.matching_mode != Program.MatchingMode.ROUNDS:
        raise DomainError(
            "Peer co-mentoring pairs people in matching rounds; choose “Admins run matching "
            "rounds”.",
            field="matching_mode",
        )
    _check_circles(program)
    if program.audience == Program.Audience.PARTNERS and not partner_organizations:
        raise DomainError(
            "Choose at least one partner organization, or open the program to your own "
            "members only.",
            field="partner_organizations",
        )
    agreed = set(program.organization.partners.values_list("pk", flat=True))
    if any(partner.pk not in agreed for partner in partner_organizations or []):
        raise DomainError(
            "A program can be shared only with organizations that agreed to partner with yours.",
            field="partner_organizations",
        )
    unknown = set(program.required_profile_fields) - set(Program.ProfileField.values)
    if unknown:
        raise DomainError("Unknown profile fields.", field="required_profile_fields")


@transaction.atomic
def program_create(
    *,
    organization: Organization,
    created_by: User,
    partner_organizations: list[Organization] | None = None,
    **fields: Any,
) -> Program:
    """Create a program in an organization; its creator becomes one of its admins."""
    if not user_may_create_programs(user=created_by, organization=organization):
        raise DomainError(f"You may not create programs in {organization}.")
    program = Program(organization=organization, **_only_program_fields(fields))
    _check_enrollment_dates(fields)
    _check_program(program, partner_organizations)
    program.save()
    program.partner_organizations.set(partner_organizations or [])
    program.admins.add(created_by)
    return program


@transaction.atomic
def program_update(
    *,
    program: Program,
    partner_organizations: list[Organization] | None = None,
    **fields: Any,
) -> Program:
    """Change a program's settings."""
    changed = _only_program_fields(fields)
    # A date kept as it was stays valid, however long ago enrollment opened.
    _check_enrollment_dates({k: v for k, v in changed.items() if getattr(program, k) != v})
    for name, value in changed.items():
        setattr(program, name, value)
    _check_program(program, partner_organizations)
    program.save(update_fields=[*changed, "updated_at"])
    program.partner_organizations.set(partner_organizations or [])
    Enrollment.objects.filter(
        program=program, mentors_wanted__gt=program.mentors_per_mentee
    ).update(mentors_wanted=program.mentors_per_mentee)
    if "required_profile_fields" in changed:
        _refresh_completion_in_program(program)
    return program


def _refresh_completion_in_program(program: Program) -> None:
    """Recompute every participant's completeness after the program's requirements change."""
    now = timezone.now()
    changed: list[Enrollment] = []
    enrollments = Enrollment.objects.filter(program=program).prefetch_related("topics")
    for enrollment in enrollments.iterator(chunk_size=2000):
        enrollment.program = program
        complete = not profile_missing_fields(enrollment)
        if complete != (enrollment.profile_completed_at is not None):
            enrollment.profile_completed_at = now if complete else None
            changed.append(enrollment)
    Enrollment.objects.bulk_update(changed, ["profile_completed_at"], batch_size=2000)


@transaction.atomic
def program_invite_people(*, program: Program, emails: list[str], invited_by: User) -> int:
    """Invite each address to the program; addresses already invited keep their link."""
    for email in emails:
        invitation_create(
            organization=program.organization, program=program, email=email, invited_by=invited_by
        )
    return len(emails)


def _only_program_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(PROGRAM_FIELDS)
    if unknown:
        raise TypeError(f"Unknown program fields: {', '.join(sorted(unknown))}")
    return dict(fields)


ROLE_FIELDS = {"mentee": "is_mentee", "mentor": "is_mentor", "coach": "is_coach", "peer": "is_peer"}


def program_roles(program: Program) -> list[str]:
    """Return the roles a person may take when joining this program."""
    if program.format in (Program.Format.PEER, Program.Format.CIRCLES):
        # A circle is a group of peers: everyone brings a focus and helps the others.
        return ["peer"]
    if program.format == Program.Format.COACHING:
        return ["mentee", "coach"]
    return ["mentee", "mentor"]


@transaction.atomic
def enrollment_create(
    *, program: Program, user: User, roles: list[str], today: datetime.date | None = None
) -> Enrollment:
    """Join a program in the given roles, if the person is eligible and enrollment is open."""
    today = today or timezone.localdate()
    if not programs_visible_to(user).filter(pk=program.pk).exists():
        raise DomainError("You are not eligible to join this program.")
    if not program.enrollment_is_open(today):
        raise DomainError("Enrollment in this program is closed.")
    if Enrollment.objects.filter(program=program, user=user).exists():
        raise DomainError("You have already joined this program.")
    allowed = program_roles(program)
    if not roles:
        raise DomainError("Choose how you want to take part.", field="roles")
    if bad := [role for role in roles if role not in allowed]:
        raise DomainError(
            f"This program has no “{bad[0]}” role; choose from {', '.join(allowed)}.",
            field="roles",
        )
    memberships = Membership.objects.filter(user=user).order_by("status")  # active first
    membership = (
        memberships.filter(organization=program.organization).first()
        or memberships.filter(
            status=Membership.Status.ACTIVE,
            organization__in=program.partner_organizations.all(),
        ).first()
    )
    enrollment = Enrollment(program=program, user=user, membership=membership)
    for role in roles:
        setattr(enrollment, ROLE_FIELDS[role], True)
    if enrollment.gives:
        enrollment.capacity = 1 if enrollment.is_peer else 2
        enrollment.accepting_now = True
    enrollment.mentors_wanted = 1
    enrollment.preferred_cadence = program.default_cadence
    try:
        with transaction.atomic():  # a double click must not become a server error
            enrollment.save()
    except IntegrityError:
        raise DomainError("You have already joined this program.") from None
    return enrollment


@transaction.atomic
def enrollment_withdraw(*, enrollment: Enrollment) -> Enrollment:
    """Leave a program; the profile is kept so that rejoining restores it."""
    if enrollment.status == Enrollment.Status.WITHDRAWN:
        raise DomainError("You have already left this program.")
    enrollment.status = Enrollment.Status.WITHDRAWN
    enrollment.accepting_now = False
    enrollment.save(update_fields=["status", "accepting_now", "updated_at"])
    return enrollment


@transaction.atomic
def enrollment_rejoin(*, enrollment: Enrollment) -> Enrollment:
    """Come back to a program one left earlier."""
    if enrollment.status == Enrollment.Status.ACTIVE:
        raise DomainError("You are already taking part in this program.")
    if not enrollment.program.enrollment_is_open(timezone.localdate()):
        raise DomainError("Enrollment in this program is closed.")
    enrollment.status = Enrollment.Status.ACTIVE
    enrollment.save(update_fields=["status", "updated_at"])
    return enrollment


def _set_topics(enrollment: Enrollment, kind: str, levels: Mapping[Topic, int]) -> None:
    for topic in levels:
        if topic.organization_id != enrollment.program.organization_id:
            raise DomainError(f"“{topic}” is not in this program's vocabulary.")
    if any(level not in (1, 2, 3) for level in levels.values()):
        raise DomainError("Levels go from 1 to 3.")
    EnrollmentTopic.objects.filter(enrollment=enrollment, kind=kind).delete()
    EnrollmentTopic.objects.bulk_create(
        EnrollmentTopic(enrollment=enrollment, topic=topic, kind=kind, level=level)
        for topic, level in levels.items()
    )


def profile_missing_fields(enrollment: Enrollment) -> list[str]:
    """Return the labels of required profile answers this enrollment still lacks."""
    missing: list[str] = []
    kinds = {topic.kind for topic in enrollment.topics.all()}
    if enrollment.seeks:
        if not enrollment.goals.strip():
            missing.append("What you want from mentoring")
        if EnrollmentTopic.Kind.FOCUS not in kinds:
            missing.append("Focus areas")
    if enrollment.gives:
        if EnrollmentTopic.Kind.EXPERTISE not in kinds:
            missing.append("Expertise")
        if enrollment.capacity < 1:
            missing.append("Capacity")
    required = set(enrollment.program.required_profile_fields)
    checks = {
        Program.ProfileField.WHAT_I_BRING: bool(enrollment.what_i_bring.strip()),
        Program.ProfileField.WHY_I_MENTOR: bool(enrollment.why_i_mentor.strip())
        or not enrollment.gives,
        Program.ProfileField.MEETING_MODES: bool(enrollment.meeting_modes),
        Program.ProfileField.LANGUAGES: bool(enrollment.languages),
        Program.ProfileField.PREFERRED_CADENCE: bool(enrollment.preferred_cadence),
    }
    for field, present in checks.items():
        if field in required and not present:
            missing.append(Program.ProfileField(field).label)
    return missing


def _refresh_completion(enrollment: Enrollment) -> None:
    complete = not profile_missing_fields(enrollment)
    if complete and enrollment.profile_completed_at is None:
        enrollment.profile_completed_at = timezone.now()
    elif not complete:
        enrollment.profile_completed_at = None
    enrollment.save(update_fields=["profile_completed_at", "updated_at"])


@transaction.atomic
def profile_save_goals(
    *,
    enrollment: Enrollment,
    goals: str,
    focus_areas: Mapping[Topic, int],
    mentors_wanted: int = 1,
) -> Enrollment:
    """Record what a person wants from the program: goals in their words and focus areas."""
    if enrollment.seeks and not goals.strip():
        raise DomainError(
            "Say in a sentence or two what you hope to get out of this.", field="goals"
        )
    if enrollment.seeks and not focus_areas:
        raise DomainError("Choose at least one focus area.", field="focus_areas")
    if not 1 <= mentors_wanted <= enrollment.program.mentors_per_mentee:
        raise DomainError(
            f"This program offers up to {enrollment.program.mentors_per_mentee} "
            f"mentor{'s' if enrollment.program.mentors_per_mentee > 1 else ''} per person.",
            field="mentors_wanted",
        )
    enrollment.goals = goals.strip()
    enrollment.mentors_wanted = mentors_wanted
    enrollment.save(update_fields=["goals", "mentors_wanted", "updated_at"])
    _set_topics(enrollment, EnrollmentTopic.Kind.FOCUS, focus_areas)
    _refresh_completion(enrollment)
    return enrollment


@transaction.atomic
def profile_save_offer(
    *,
    enrollment: Enrollment,
    what_i_bring: str,
    why_i_mentor: str = "",
    expertise: Mapping[Topic, int] | None = None,
    capacity: int | None = None,
    accepting_now: bool | None = None,
) -> Enrollment:
    """Record what a person brings; for mentors also expertise, motivation and capacity."""
    enrollment.what_i_bring = what_i_bring.strip()
    fields = ["what_i_bring"]
    if enrollment.gives:
        if not expertise:
            raise DomainError("Choose at least one topic you can help with.", field="expertise")
        if capacity is None or not 1 <= capacity <= 20:
            raise DomainError("Capacity must be between 1 and 20 people.", field="capacity")
        enrollment.why_i_mentor = why_i_mentor.strip()
        enrollment.capacity = capacity
        enrollment.accepting_now = bool(accepting_now)
        fields += ["why_i_mentor", "capacity", "accepting_now"]
    enrollment.save(update_fields=[*fields, "updated_at"])
    if enrollment.gives and expertise:
        _set_topics(enrollment, EnrollmentTopic.Kind.EXPERTISE, expertise)
    _refresh_completion(enrollment)
    return enrollment


@transaction.atomic
def profile_save_practicalities(
    *,
    enrollment: Enrollment,
    meeting_modes: list[str],
    preferred_cadence: str,
    languages: list[str],
    identity_attributes: list[str],
    requested_attributes: list[str],
    identity_use: str = IdentityUse.PRIVATE,
    time_zone: str | None = None,
) -> Enrollment:
    """Record how a person likes to meet, and what they opt to share with the matching engine."""

    def check(values: list[str], allowed: list[str], field: str) -> list[str]:
        if bad := [v for v in values if v not in allowed]:
            raise DomainError(f"Unknown choice “{bad[0]}”.", field=field)
        return sorted(set(values))

    enrollment.meeting_modes = check(meeting_modes, MeetingMode.values, "meeting_modes")
    enrollment.languages = check(languages, Language.values, "languages")
    enrollment.identity_attributes = check(
        identity_attributes, IdentityAttribute.values, "identity_attributes"
    )
    enrollment.requested_attributes = check(
        requested_attributes, IdentityAttribute.values, "requested_attributes"
    )
    if identity_use not in IdentityUse.values:
        raise DomainError("Choose whether matching may use what you shared.", field="identity_use")
    enrollment.identity_use = identity_use
    if preferred_cadence and preferred_cadence not in Cadence.values:
        raise DomainError("Choose a rhythm from the list.", field="preferred_cadence")
    enrollment.preferred_cadence = preferred_cadence
    if time_zone and enrollment.membership is not None:
        if not time_zones.is_valid(time_zone):
            raise DomainError("Choose a time zone from the list.", field="time_zone")
        enrollment.membership.time_zone = time_zone
        enrollment.membership.save(update_fields=["time_zone", "updated_at"])
    enrollment.save(
        update_fields=[
            "meeting_modes",
            "languages",
            "identity_attributes",
            "identity_use",
            "requested_attributes",
            "preferred_cadence",
            "updated_at",
        ]
    )
    _refresh_completion(enrollment)
    return enrollment


# Hours of the week, 0 (Monday 00:00) to 167 (Sunday 23:00), as Enrollment.free_hours holds.
HOURS_PER_WEEK = 7 * 24


@transaction.atomic
def enrollment_free_hours_set(*, enrollment: Enrollment, by: User, hours: list[int]) -> Enrollment:
    """Record the hours of the week, in one's own time, when one is free to meet a circle."""
    if enrollment.user_id != by.pk:
        raise DomainError("Only the person themselves can do that.")
    if enrollment.program.format != Program.Format.CIRCLES:
        raise DomainError(f"{enrollment.program.name} does not run circles.")
    if enrollment.status != Enrollment.Status.ACTIVE:
        raise DomainError("Rejoin the program before saying when you are free.")
    if any(
        not isinstance(hour, int) or isinstance(hour, bool) or not 0 <= hour < HOURS_PER_WEEK
        for hour in hours
    ):
        raise DomainError("Choose hours from the week's grid.", field="hours")
    enrollment.free_hours = sorted(set(hours))
    enrollment.save(update_fields=["free_hours", "updated_at"])
    return enrollment
