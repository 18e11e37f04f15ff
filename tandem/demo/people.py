"""Invent people and their reporting lines in memory, before anything touches the database."""

import random
import unicodedata
from dataclasses import dataclass, field

from tandem.demo import agency
from tandem.demo.agency import DepartmentSpec, Unit
from tandem.demo.names import (
    ENGLISH_WORK_NAMES_MEN,
    ENGLISH_WORK_NAMES_WOMEN,
    NEUTRAL_FIRST,
    NICKNAMES,
    POOLS,
    NamePool,
)

WOMAN, MAN, NON_BINARY = "woman", "man", "non_binary"
NEW_HIRE_DAYS = 365
MIN_DEPARTMENT_SIZE = 3
MIN_PEOPLE = 1 + MIN_DEPARTMENT_SIZE * len(agency.DEPARTMENTS)

# (low, high) number of direct reports by the manager's depth; spans widen further down
# so that a 100,000-person agency stays about six levels deep, as real ones do.
SPANS = {1: (3, 6), 2: (4, 8), 3: (5, 10)}
DEEP_SPAN = (6, 12)


@dataclass
class Person:
    """One invented person and their place in one organization."""

    index: int
    department: int | None = None
    unit: Unit | None = None
    depth: int = 0
    manager: int | None = None
    children: list[int] = field(default_factory=list)
    gender: str = WOMAN
    pool: NamePool = POOLS[0]
    full_name: str = ""
    preferred_name: str = ""
    pronouns: str = ""
    email: str = ""
    title: str = ""
    technical: bool = False
    tenure_days: int = 0
    time_zone: str = agency.AGENCY_TIME_ZONE
    location: str = ""
    is_admin: bool = False
    is_superuser: bool = False
    persona: str = ""
    day_job: str = ""

    @property
    def first_name(self) -> str:
        return self.preferred_name or self.full_name.split(" ")[0]

    @property
    def is_new_hire(self) -> bool:
        return self.tenure_days < NEW_HIRE_DAYS


@dataclass(frozen=True)
class Persona:
    """A demo login with a fixed name, so that a demo always starts from the same people."""

    key: str
    full_name: str
    preferred_name: str
    pronouns: str
    gender: str
    pool: str
    tenure_days: int

    @property
    def email(self) -> str:
        return f"{self.key}@{agency.AGENCY_DOMAIN}"


PERSONAS = (
    Persona("admin", "Denise Okafor", "", "she/her", WOMAN, "african", 9 * 365 + 40),
    Persona("mentor", "Rosa Delgado Ibarra", "Rosa", "she/her", WOMAN, "hispanic", 14 * 365),
    Persona("mentee", "Linh Trần", "", "she/her", WOMAN, "vietnamese", 75),
    Persona("staff", "Marcus Bell", "", "he/him", MAN, "anglo", 6 * 365 + 100),
)

_ASCII = str.maketrans({"đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "ø": "o"})


def _email_part(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name.translate(_ASCII))
    return "".join(c for c in folded if c.isascii() and c.isalnum()).lower()


class NameMaker:
    """Pick culturally coherent names and hand out unique e-mail addresses."""

    def __init__(self, rng: random.Random, domain: str) -> None:
        self.rng = rng
        self.domain = domain
        self.taken: dict[str, int] = {}
        self.pool_weights = [pool.weight for pool in POOLS]

    def _pool(self) -> NamePool:
        return self.rng.choices(POOLS, weights=self.pool_weights)[0]

    def _first(self, pool: NamePool, gender: str) -> str:
        rng = self.rng
        if (gender == NON_BINARY and rng.random() < 0.6) or rng.random() < 0.04:
            return rng.choice(NEUTRAL_FIRST)
        if gender == WOMAN or (gender == NON_BINARY and rng.random() < 0.5):
            return rng.choice(pool.women)
        return rng.choice(pool.men)

    def _last(self, pool: NamePool) -> str:
        rng = self.rng
        # Families mix: about one person in six has a surname from another tradition.
        last_pool = pool if rng.random() < 0.85 else self._pool()
        last = rng.choice(last_pool.last)
        if last_pool.key == "hispanic" and rng.random() < 0.15:
            last = f"{last} {rng.choice(last_pool.last)}"
        elif rng.random() < 0.03:
            last = f"{last}-{rng.choice(self._pool().last)}"
        return last

    def _preferred(self, pool: NamePool, first: str, gender: str) -> str:
        rng = self.rng
        if first in NICKNAMES and rng.random() < 0.35:
            return NICKNAMES[first]
        if pool.english_name_share and rng.random() < pool.english_name_share:
            names = ENGLISH_WORK_NAMES_WOMEN if gender == WOMAN else ENGLISH_WORK_NAMES_MEN
            return rng.choice(names)
        return ""

    def name(self, person: Person) -> None:
        """Give a person a name, preferred name, pronouns and e-mail address."""
        pool = self._pool()
        first = self._first(pool, person.gender)
        person.pool = pool
        person.full_name = f"{first} {self._last(pool)}"
        person.preferred_name = self._preferred(pool, first, person.gender)
        person.pronouns = self._pronouns(person.gender)
        first_part, last_part = person.full_name.split(" ", 1)
        person.email = self.address(f"{_email_part(first_part)}.{_email_part(last_part)}")

    def _pronouns(self, gender: str) -> str:
        rng = self.rng
        if gender == NON_BINARY:
            return "they/them" if rng.random() < 0.8 else ""
        if rng.random() > 0.35:
            return ""
        if gender == WOMAN:
            return "she/they" if rng.random() < 0.08 else "she/her"
        return "he/they" if rng.random() < 0.04 else "he/him"

    def address(self, local: str) -> str:
        """Return a unique address at the domain, numbering repeats (jo.lee, jo.lee2, …)."""
        count = self.taken.get(local, 0) + 1
        self.taken[local] = count
        suffix = str(count) if count > 1 else ""
        return f"{local}{suffix}@{self.domain}"

    def gender(self, women_share: float) -> str:
        """Draw a gender for someone in a team with this share of women."""
        draw = self.rng.random()
        if draw < 0.03:
            return NON_BINARY
        return WOMAN if draw < 0.03 + 0.97 * women_share else MAN


def department_sizes(people: int) -> list[int]:
    """Split people (the head excluded) across departments by weight, largest remainder."""
    specs = agency.DEPARTMENTS
    spare = people - 1 - MIN_DEPARTMENT_SIZE * len(specs)
    total = sum(spec.weight for spec in specs)
    shares = [spare * spec.weight / total for spec in specs]
    sizes = [int(share) for share in shares]
    by_remainder = sorted(range(len(specs)), key=lambda i: (sizes[i] - shares[i], i))
    for i in by_remainder[: spare - sum(sizes)]:
        sizes[i] += 1
    return [MIN_DEPARTMENT_SIZE + size for size in sizes]


def _add(
    people: list[Person], manager: Person | None, department: int, unit: Unit | None
) -> Person:
    person = Person(index=len(people), department=department, unit=unit)
    if manager is not None:
        person.manager = manager.index
        person.depth = manager.depth + 1
        manager.children.append(person.index)
    people.append(person)
    return person


def _division_units(rng: random.Random, spec: DepartmentSpec, count: int) -> list[Unit]:
    # The first unit is always staffed: the personas are placed in it.
    rest = list(spec.units[1:])
    rng.shuffle(rest)
    order = [spec.units[0], *rest]
    return [order[i % len(order)] for i in range(count)]


def _fill_department(
    rng: random.Random, people: list[Person], director: Person, size: int, spec: DepartmentSpec
) -> None:
    remaining = size - 1
    divisions = min(remaining, rng.randint(*SPANS[1]))
    for unit in _division_units(rng, spec, divisions):
        _add(people, director, director.department or 0, unit)
    remaining -= divisions
    level = director.children[:]
    while remaining > 0:
        managers = level[:]
        rng.shuffle(managers)
        level = []
        for index in managers:
            if remaining == 0:
                break
            manager = people[index]
            take = min(remaining, rng.randint(*SPANS.get(manager.depth, DEEP_SPAN)))
            for _ in range(take):
                level.append(_add(people, manager, manager.department or 0, manager.unit).index)
            remaining -= take


def build_structure(rng: random.Random, count: int) -> list[Person]:
    """Build the agency's reporting tree: a head, one director per department, and their teams."""
    people: list[Person] = []
    # The head belongs to the first department but is not counted in its size.
    head = _add(people, None, 0, None)
    for department, (spec, size) in enumerate(
        zip(agency.DEPARTMENTS, department_sizes(count), strict=True)
    ):
        director = _add(people, head, department, None)
        _fill_department(rng, people, director, size, spec)
    return people


def subtree_leaf(people: list[Person], index: int) -> int:
    """Return the first person without reports at or below this person."""
    while people[index].children:
        index = people[index].children[0]
    return index


def place_personas(people: list[Person]) -> dict[str, Person]:
    """Put the demo logins in the tree: mentor and mentee in different departments' teams."""
    directors = {
        spec.name: people[index]
        for spec, index in zip(agency.DEPARTMENTS, people[0].children, strict=True)
    }
    hr = directors[agency.HR_DEPARTMENT]
    it = directors[agency.IT_DEPARTMENT]
    works = directors[agency.ENGINEERING_DEPARTMENT]
    # Each department has at least two divisions, so the staff login lands outside the
    # mentor's division, and the mentee (in another department) outside her chain.
    placed = {
        "admin": people[hr.children[0]],
        "mentor": people[it.children[0]],
        "mentee": people[subtree_leaf(people, works.children[0])],
        "staff": people[subtree_leaf(people, it.children[-1])],
    }
    pools = {pool.key: pool for pool in POOLS}
    for persona in PERSONAS:
        person = placed[persona.key]
        person.persona = persona.key
        person.full_name = persona.full_name
        person.preferred_name = persona.preferred_name
        person.pronouns = persona.pronouns
        person.gender = persona.gender
        person.pool = pools[persona.pool]
        person.tenure_days = persona.tenure_days
        person.email = persona.email
    placed["admin"].is_admin = True
    placed["staff"].is_superuser = True
    return placed


def _years(rng: random.Random, low: float, mean_extra: float, cap: float = 35) -> int:
    years = min(cap, low + rng.expovariate(1 / mean_extra))
    return int(years * 365) + rng.randint(0, 200)


def _tenure(rng: random.Random, person: Person) -> int:
    if person.depth == 0:
        return _years(rng, 18, 6)
    if person.depth == 1:
        return _years(rng, 8, 9)
    if person.children:
        return _years(rng, 3, 8)
    if rng.random() < 0.11:
        return rng.randint(20, NEW_HIRE_DAYS - 1)
    return _years(rng, 1, 6)


def _graded(title: str, tenure_days: int) -> str:
    years = tenure_days / 365
    if years < 2.5:
        return f"{title} I"
    return f"{title} II" if years < 7 else f"Senior {title}"


def _title(rng: random.Random, person: Person, spec: DepartmentSpec) -> None:
    if person.depth == 0:
        person.title = agency.HEAD_TITLE
    elif person.depth == 1 or person.unit is None:
        person.title = spec.director
    elif person.children:
        template = spec.manager_titles[min(person.depth - 2, 2)]
        person.title = template.format(unit=person.unit.name)
        person.technical = any(role.technical for role in person.unit.roles)
    else:
        # Personas hold their unit's first job, which the persona texts talk about.
        roles = person.unit.roles
        role = roles[0] if person.persona else rng.choice(roles)
        graded = role.graded and not (person.depth >= 4 and rng.random() < 0.1)
        person.title = _graded(role.title, person.tenure_days) if graded else role.title
        person.technical = role.technical


def _place(rng: random.Random, person: Person, spec: DepartmentSpec) -> None:
    if person.depth >= 2 and rng.random() < spec.remote_share:
        person.location = agency.REMOTE
        zones, weights = zip(*agency.REMOTE_TIME_ZONES, strict=True)
        person.time_zone = rng.choices(zones, weights=weights)[0]
        return
    sites = (person.unit and person.unit.sites) or spec.sites
    if person.depth == 0:
        sites = (agency.CITY_HALL,)
    # The first site listed is the department's main one.
    person.location = rng.choices(sites, weights=range(len(sites), 0, -1))[0]
    person.time_zone = agency.AGENCY_TIME_ZONE


def build_agency(seed: int, count: int) -> list[Person]:
    """Invent the agency's people, with names, titles, places and reporting lines."""
    rng = random.Random(f"{seed}:agency")
    people = build_structure(rng, count)
    place_personas(people)
    names = NameMaker(rng, agency.AGENCY_DOMAIN)
    for person in people:
        spec = agency.DEPARTMENTS[person.department or 0]
        if not person.persona:
            person.gender = names.gender(spec.women_share)
            names.name(person)
            person.tenure_days = _tenure(rng, person)
        _title(rng, person, spec)
        _place(rng, person, spec)
    return people


def _association_member(rng: random.Random, names: NameMaker, index: int) -> Person:
    person = Person(index=index, technical=True)
    person.gender = names.gender(0.82)
    names.name(person)
    # For association members this is years in the field, which their profiles mention.
    person.tenure_days = _years(rng, 2, 8, cap=30)
    job = rng.choice(agency.ASSOCIATION_JOBS)
    person.day_job = f"{job} at {rng.choice(agency.ASSOCIATION_EMPLOYERS)}"
    places = agency.ASSOCIATION_LOCATIONS
    location, zone, _ = rng.choices(places, weights=[weight for *_, weight in places])[0]
    if not zone:
        zones, weights = zip(*agency.REMOTE_TIME_ZONES, strict=True)
        zone = rng.choices(zones, weights=weights)[0]
    person.location, person.time_zone = location, zone
    return person


def build_association(seed: int, count: int) -> list[Person]:
    """Invent the association's members: a small staff, and members with day jobs elsewhere."""
    rng = random.Random(f"{seed}:association")
    names = NameMaker(rng, agency.ASSOCIATION_DOMAIN)
    members = [_association_member(rng, names, index) for index in range(count)]
    members[0].title = agency.ASSOCIATION_LEAD_TITLE
    members[0].is_admin = True
    titles, weights = zip(*agency.ASSOCIATION_TITLES, strict=True)
    for member in members[1:]:
        if member.index <= 1 + count // 300:
            member.title, member.manager, member.depth = agency.ASSOCIATION_STAFF_TITLE, 0, 1
        else:
            member.title = rng.choices(titles, weights=weights)[0]
    return members
