"""Decide who joins which program, and write each enrollment's profile, in memory."""

import bisect
import datetime
import itertools
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from tandem.demo import agency, catalog, writing
from tandem.demo.catalog import NEW_HIRE, PEER, WOMEN_IN_TECH, ProgramSpec
from tandem.demo.people import MAN, NON_BINARY, WOMAN, Person
from tandem.programs.models import (
    Cadence,
    IdentityAttribute,
    IdentityUse,
    MeetingMode,
    Program,
)

TOPIC_SLUGS = tuple(writing.TOPIC_NAMES)
PROGRAM_SPECS = {spec.key: spec for spec in catalog.PROGRAMS}
UNFINISHED_SHARE = 0.12


@dataclass
class Plan:
    """One enrollment to create: the person, program, roles and profile."""

    person: Person
    program: str
    from_association: bool = False
    is_mentee: bool = False
    is_mentor: bool = False
    is_peer: bool = False
    goals: str = ""
    mentors_wanted: int = 1
    what_i_bring: str = ""
    why_i_mentor: str = ""
    capacity: int = 0
    accepting_now: bool = False
    meeting_modes: list[str] = field(default_factory=list)
    preferred_cadence: str = ""
    languages: list[str] = field(default_factory=list)
    identity_attributes: list[str] = field(default_factory=list)
    identity_use: str = IdentityUse.PRIVATE.value
    requested_attributes: list[str] = field(default_factory=list)
    focus: list[tuple[str, int]] = field(default_factory=list)
    expertise: list[tuple[str, int]] = field(default_factory=list)
    completed_at: datetime.datetime | None = None

    @property
    def seeks(self) -> bool:
        return self.is_mentee or self.is_peer

    @property
    def gives(self) -> bool:
        return self.is_mentor or self.is_peer


def missing_fields(plan: Plan, required: tuple[str, ...]) -> list[str]:
    """Return what the profile lacks, by the rules of programs.services.profile_missing_fields."""
    missing = []
    if plan.seeks and not plan.goals.strip():
        missing.append("goals")
    if plan.seeks and not plan.focus:
        missing.append("focus")
    if plan.gives and not plan.expertise:
        missing.append("expertise")
    if plan.gives and plan.capacity < 1:
        missing.append("capacity")
    present = {
        Program.ProfileField.WHAT_I_BRING: bool(plan.what_i_bring.strip()),
        Program.ProfileField.WHY_I_MENTOR: bool(plan.why_i_mentor.strip()) or not plan.gives,
        Program.ProfileField.MEETING_MODES: bool(plan.meeting_modes),
        Program.ProfileField.LANGUAGES: bool(plan.languages),
        Program.ProfileField.PREFERRED_CADENCE: bool(plan.preferred_cadence),
    }
    missing += [name for name in required if not present[Program.ProfileField(name)]]
    return missing


class TopicPicker:
    """Draw distinct topics with skewed popularity, caching the weights per kind of person."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.cumulative: dict[tuple[str, ...], list[float]] = {}

    def _weights(self, key: tuple[str, ...], tilts: Sequence[Mapping[str, float]]) -> list[float]:
        if key not in self.cumulative:
            weights = []
            for slug in TOPIC_SLUGS:
                weight = 1.0
                for tilt in tilts:
                    weight *= tilt.get(slug, 1.0)
                weights.append(weight)
            self.cumulative[key] = list(itertools.accumulate(weights))
        return self.cumulative[key]

    def pick(
        self, key: tuple[str, ...], tilts: Sequence[Mapping[str, float]], count: int
    ) -> list[str]:
        """Return `count` distinct topic slugs, the most likely ones drawn more often."""
        cumulative = self._weights(key, tilts)
        total = cumulative[-1]
        chosen: list[str] = []
        while len(chosen) < count:
            slug = TOPIC_SLUGS[bisect.bisect(cumulative, self.rng.random() * total)]
            if slug not in chosen:
                chosen.append(slug)
        return chosen


def _department_name(person: Person) -> str:
    return "" if person.department is None else agency.DEPARTMENTS[person.department].name


def _focus(rng: random.Random, picker: TopicPicker, plan: Plan, count: int) -> None:
    person = plan.person
    tilts = [catalog.FOCUS_POPULARITY, catalog.FOCUS_BY_PROGRAM[plan.program]]
    if person.is_new_hire:
        tilts.append(catalog.FOCUS_BY_PROGRAM[NEW_HIRE])
    if not person.technical:
        tilts.append(catalog.FOCUS_NON_TECHNICAL)
    if person.gender == MAN:
        tilts.append(catalog.NOT_FOR_MEN)
    traits = (person.is_new_hire, person.technical, person.gender == MAN)
    key = ("focus", plan.program, *map(str, traits))
    slugs = picker.pick(key, tilts, count)
    first = 3 if rng.random() < 0.65 else 2
    levels = [first, *rng.choices((1, 2, 3), weights=(35, 45, 20), k=count - 1)]
    plan.focus = list(zip(slugs, levels, strict=True))


def _expertise(rng: random.Random, picker: TopicPicker, plan: Plan, count: int) -> None:
    person = plan.person
    department = _department_name(person)
    tilts = [catalog.EXPERTISE_POPULARITY, catalog.EXPERTISE_BY_DEPARTMENT.get(department, {})]
    tilts.append(
        catalog.EXPERTISE_TECHNICAL if person.technical else catalog.EXPERTISE_NON_TECHNICAL
    )
    woman_in_tech = plan.program == WOMEN_IN_TECH and person.gender != MAN
    if woman_in_tech:
        tilts.append(catalog.EXPERTISE_WOMEN_IN_TECH)
    if plan.from_association:
        tilts.append(catalog.EXPERTISE_ASSOCIATION)
    if person.gender == MAN:
        tilts.append(catalog.NOT_FOR_MEN)
    traits = (person.technical, woman_in_tech, person.gender == MAN, plan.from_association)
    key = ("expertise", plan.program, department, *map(str, traits))
    slugs = picker.pick(key, tilts, count)
    years = person.tenure_days / 365
    weights = (10, 35, 55) if years >= 12 else (20, 45, 35) if years >= 5 else (40, 45, 15)
    levels = rng.choices((1, 2, 3), weights=weights, k=count)
    levels[0] = min(3, levels[0] + 1)
    plan.expertise = list(zip(slugs, levels, strict=True))


def _practicalities(rng: random.Random, plan: Plan, spec: ProgramSpec) -> None:
    person = plan.person
    remote = plan.from_association or person.location == agency.REMOTE
    chances = (
        (MeetingMode.IN_PERSON, 0.15 if remote else 0.6),
        (MeetingMode.PHONE, 0.25),
        (MeetingMode.VIDEO, 0.85 if remote else 0.6),
        (MeetingMode.CHAT, 0.15),
    )
    modes = [str(mode) for mode, chance in chances if rng.random() < chance]
    plan.meeting_modes = sorted(modes or [MeetingMode.VIDEO.value])
    others = [c for c in Cadence.values if c != spec.default_cadence]
    plan.preferred_cadence = spec.default_cadence if rng.random() < 0.6 else rng.choice(others)
    languages = {"en"}
    if person.pool.language and rng.random() < person.pool.language_share:
        languages.add(person.pool.language)
    for extra, chance in (("es", 0.04), ("fr", 0.01), ("ase", 0.006)):
        if rng.random() < chance:
            languages.add(extra)
    plan.languages = sorted(languages)


IDENTITY_EXTRAS = (
    (IdentityAttribute.PARENT_CARER, 30),
    (IdentityAttribute.FIRST_GENERATION, 18),
    (IdentityAttribute.CAREER_CHANGER, 16),
    (IdentityAttribute.IMMIGRANT, 10),
    (IdentityAttribute.VETERAN, 8),
    (IdentityAttribute.LGBTQ, 8),
    (IdentityAttribute.DISABILITY, 5),
    (IdentityAttribute.RETURNER, 5),
)


def _identity(rng: random.Random, plan: Plan) -> None:
    women_in_tech = plan.program == WOMEN_IN_TECH
    # Sharing is opt-in, and most people skip it.
    if rng.random() >= (0.7 if women_in_tech else 0.45):
        return
    gender = plan.person.gender
    attributes: list[str] = []
    if gender == WOMAN and rng.random() < (0.9 if women_in_tech else 0.7):
        attributes.append(IdentityAttribute.WOMAN.value)
    if gender == NON_BINARY and rng.random() < 0.9:
        attributes.append(IdentityAttribute.NON_BINARY.value)
    extras, weights = zip(*IDENTITY_EXTRAS, strict=True)
    for extra in rng.choices(extras, weights=weights, k=rng.choice((0, 1, 1, 2, 2))):
        if extra.value not in attributes:
            attributes.append(extra.value)
    plan.identity_attributes = sorted(attributes)
    if plan.seeks and attributes and rng.random() < (0.45 if women_in_tech else 0.25):
        plan.requested_attributes = [rng.choice(attributes)]
    # Most who share something also let matching use it; the rest keep it private.
    if attributes and rng.random() < 0.85:
        plan.identity_use = IdentityUse.MATCH.value


def _write(rng: random.Random, plan: Plan, spec: ProgramSpec) -> None:
    voice = writing.Voice.of(plan.person, from_association=plan.from_association)
    focus = [slug for slug, _ in plan.focus]
    expertise = [slug for slug, _ in plan.expertise]
    if plan.is_peer:
        plan.goals = writing.peer_goals_text(rng, voice, focus, expertise)
    elif plan.is_mentee:
        plan.goals = writing.goals_text(rng, voice, focus)
    if plan.gives:
        weak = rng.choice([slug for slug in catalog.LIMIT_TOPICS if slug not in expertise])
        plan.what_i_bring = writing.offer_text(rng, voice, expertise, weak)
    elif Program.ProfileField.WHAT_I_BRING in spec.required_profile_fields or rng.random() < 0.3:
        plan.what_i_bring = writing.mentee_bring_text(rng, voice, focus)
    if plan.is_mentor or (plan.is_peer and rng.random() < 0.3):
        plan.why_i_mentor = writing.why_text(rng, women_in_tech=plan.program == WOMEN_IN_TECH)


def _leave_unfinished(rng: random.Random, plan: Plan, spec: ProgramSpec) -> None:
    # People stop halfway through in typical ways: no goals yet, no topics chosen, or
    # skipping a question the program insists on.
    draw = rng.random()
    if plan.seeks and draw < 0.5:
        plan.goals = ""
        if rng.random() < 0.5:
            plan.focus = []
    elif plan.seeks and draw < 0.7:
        plan.focus = []
    elif plan.gives and draw < 0.85:
        plan.expertise = []
    elif Program.ProfileField.MEETING_MODES in spec.required_profile_fields:
        plan.meeting_modes = []
    elif plan.gives and Program.ProfileField.WHY_I_MENTOR in spec.required_profile_fields:
        plan.why_i_mentor = ""
    elif plan.seeks:
        plan.goals = ""
    else:
        plan.expertise = []


def _completed_at(rng: random.Random, spec: ProgramSpec, today: datetime.date) -> datetime.datetime:
    day = today - datetime.timedelta(days=rng.randint(0, spec.opens_days_ago))
    moment = datetime.time(rng.randint(7, 21), rng.randint(0, 59))
    return datetime.datetime.combine(day, moment, tzinfo=ZoneInfo(agency.AGENCY_TIME_ZONE))


def plan_profile(rng: random.Random, picker: TopicPicker, plan: Plan, today: datetime.date) -> Plan:
    """Fill in a plan's profile: topics, texts, practicalities, and whether it is complete."""
    spec = PROGRAM_SPECS[plan.program]
    if plan.seeks:
        _focus(rng, picker, plan, rng.choices((1, 2, 3, 4), weights=(2, 4, 3, 1))[0])
    if plan.gives:
        count = rng.choices((1, 2, 3, 4, 5, 6), weights=(1, 3, 4, 3, 2, 1))[0]
        _expertise(rng, picker, plan, min(count, 3) if plan.is_peer else count)
        plan.capacity = (
            (1 if rng.random() < 0.85 else 2)
            if plan.is_peer
            else (rng.choices((1, 2, 3, 4, 5), weights=(22, 36, 24, 10, 8))[0])
        )
        plan.accepting_now = rng.random() < 0.85
    if plan.is_mentee and spec.mentors_per_mentee > 1:
        plan.mentors_wanted = rng.choices((1, 2), weights=(55, 45))[0]
    _practicalities(rng, plan, spec)
    _identity(rng, plan)
    _write(rng, plan, spec)
    if rng.random() < UNFINISHED_SHARE:
        _leave_unfinished(rng, plan, spec)
    if not missing_fields(plan, spec.required_profile_fields):
        plan.completed_at = _completed_at(rng, spec, today)
    return plan


Joins = list[tuple[str, tuple[str, ...]]]


# Where people in other roles most often want to move into a technical one (GIS, data,
# digital services), as a share of those who could; elsewhere it is rarer.
MOVING_INTO_TECH = {
    "Finance": 0.6,
    "Planning and Development": 0.6,
    "Parks, Recreation and Libraries": 0.5,
}
# Peer co-mentoring spread by word of mouth from the departments whose directors started
# it; new supervisors join more often everywhere.
PEER_UPTAKE = {
    "Public Works": 0.4,
    "Police": 0.35,
    "Parks, Recreation and Libraries": 0.35,
    "Fire and Emergency Services": 0.3,
}


def _agency_joins(rng: random.Random, person: Person) -> Joins:
    if person.depth < 2:
        # The head and the directors sponsor programs rather than join them.
        return []
    joins: Joins = []
    years = person.tenure_days / 365
    if person.is_new_hire:
        if rng.random() < 0.75:
            joins.append((NEW_HIRE, ("mentee",)))
    elif years >= 4 and rng.random() < (0.12 if person.children else 0.07):
        joins.append((NEW_HIRE, ("mentor",)))
    if person.technical and person.gender != MAN:
        if years >= 5 and rng.random() < 0.75:
            # A few mid-career mentors also want a mentor of their own.
            both = years < 10 and rng.random() < 0.12
            joins.append((WOMEN_IN_TECH, ("mentee", "mentor") if both else ("mentor",)))
        elif rng.random() < (0.85 if years < 5 else 0.3):
            # Most early-career women here want a mentor; some mid-career ones too.
            joins.append((WOMEN_IN_TECH, ("mentee",)))
    elif (
        person.gender != MAN
        and years < 15
        and rng.random() < MOVING_INTO_TECH.get(_department_name(person), 0.08)
    ):
        # The program is also for those who want to move into a technical role.
        joins.append((WOMEN_IN_TECH, ("mentee",)))
    elif person.technical and years >= 8 and rng.random() < 0.1:
        joins.append((WOMEN_IN_TECH, ("mentor",)))
    uptake = PEER_UPTAKE.get(_department_name(person), 0.12) + (0.2 if person.children else 0)
    if not person.is_new_hire and rng.random() < uptake:
        joins.append((PEER, ("peer",)))
    return joins


def _association_joins(rng: random.Random, person: Person) -> Joins:
    if rng.random() >= 0.45:
        return []
    senior = person.tenure_days / 365 >= 6
    mentor = rng.random() < (0.8 if senior else 0.25)
    if person.gender == MAN and not (mentor and senior):
        # Men in the association join the program only as senior mentors.
        return []
    return [(WOMEN_IN_TECH, ("mentor",) if mentor else ("mentee",))]


def persona_plan(person: Person, profile: catalog.PersonaProfile, today: datetime.date) -> Plan:
    """Turn a persona's hand-written profile into a complete plan."""
    moment = datetime.time(10, 30, tzinfo=ZoneInfo(agency.AGENCY_TIME_ZONE))
    return Plan(
        person=person,
        program=profile.program,
        is_mentee="mentee" in profile.roles,
        is_mentor="mentor" in profile.roles,
        goals=profile.goals,
        mentors_wanted=profile.mentors_wanted,
        what_i_bring=profile.what_i_bring,
        why_i_mentor=profile.why_i_mentor,
        capacity=profile.capacity,
        accepting_now=profile.capacity > 0,
        # Plain strings, as a form would save them, rather than the choices' enum members.
        meeting_modes=sorted(map(str, profile.modes)),
        preferred_cadence=str(profile.cadence),
        languages=sorted(map(str, profile.languages)),
        identity_attributes=sorted(map(str, profile.identity)),
        identity_use=(IdentityUse.MATCH if profile.identity else IdentityUse.PRIVATE).value,
        requested_attributes=sorted(map(str, profile.requested)),
        focus=list(profile.focus),
        expertise=list(profile.expertise),
        completed_at=datetime.datetime.combine(today - datetime.timedelta(days=3), moment),
    )


def plan_enrollments(
    seed: int, staff: list[Person], members: list[Person], today: datetime.date
) -> list[Plan]:
    """Decide every enrollment and write its profile, personas' included."""
    rng = random.Random(f"{seed}:profiles")
    picker = TopicPicker(rng)
    plans = []
    for person in staff:
        if person.persona:
            profiles = catalog.PERSONA_PROFILES.get(person.persona, ())
            plans += [persona_plan(person, profile, today) for profile in profiles]
            continue
        for program, roles in _agency_joins(rng, person):
            plan = Plan(person=person, program=program)
            _set_roles(plan, roles)
            plans.append(plan_profile(rng, picker, plan, today))
    for person in members:
        for program, roles in _association_joins(rng, person):
            plan = Plan(person=person, program=program, from_association=True)
            _set_roles(plan, roles)
            plans.append(plan_profile(rng, picker, plan, today))
    return plans


def _set_roles(plan: Plan, roles: tuple[str, ...]) -> None:
    plan.is_mentee = "mentee" in roles
    plan.is_mentor = "mentor" in roles
    plan.is_peer = "peer" in roles
