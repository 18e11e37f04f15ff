"""Turn a rematch reflection into asks for the next match, by plain and visible rules.

Each rule looks for a few phrases in what the mentee wrote ("What should be different",
and "What worked" for words worth keeping; never "What I could do differently", which is
about herself) and fills in its value from facts of the relationship that ended: the
previous mentor's department and time zone, the rhythm in their agreement, the focus
and how much experience the previous mentor had in it. The mentee sees each suggestion
with the words that triggered it, and confirms or edits them; nothing is applied
before she does.
"""

import datetime
import re
import zoneinfo
from dataclasses import dataclass

from django.utils import timezone

from tandem.accounts.models import User
from tandem.policy.access import reflections_of
from tandem.programs.models import CADENCE_DAYS, Cadence, Enrollment, EnrollmentTopic, Topic
from tandem.programs.next_match import NextMatchAsks
from tandem.relationships.models import Reflection, Relationship

LEVEL_NAMES = {1: "some experience", 2: "solid experience", 3: "deep expertise"}
# Rhythms from most to least frequent.
RHYTHMS = sorted(CADENCE_DAYS, key=CADENCE_DAYS.__getitem__)
# A suggested time-zone limit never goes above this many hours.
MAX_SUGGESTED_GAP = 3

_I = re.IGNORECASE
_OWN_DEPARTMENT = re.compile(
    r"\b(?:outside|beyond|away from)\s+(?:of\s+)?(?:my|our)\s+(?:own\s+)?"
    r"(?:department|team|division|unit|area|function)",
    _I,
)
_OTHER_DEPARTMENT = re.compile(
    r"\b(?:another|other|different|separate|the same|same)\s+"
    r"(?:department|team|division|unit|function|part of the (?:company|organi[sz]ation))"
    r"|\btoo\s+close\s+to\s+(?:my|our|home)\b"
    r"|\b(?:fresh|outside|outsider'?s?)\s+(?:perspective|view|eyes)",
    _I,
)
_TIME_ZONE = re.compile(
    r"\btime[\s-]?zones?\b|\btime\s+difference|\bhours?\s+(?:apart|ahead|behind|difference)"
    r"|\b(?:late|early)\s+(?:at\s+night|in\s+the\s+(?:evening|morning)|evenings?|mornings?|calls?)"
    r"|\bdifferent\s+continents?|\bjet[\s-]?lag",
    _I,
)
# Longest first, so "bi-monthly" is read as one rhythm, not as "monthly".
_RHYTHM = re.compile(
    r"(?P<bimonthly>\bbi-?monthly\b|\bevery\s+(?:two|2|other)\s+months\b)"
    r"|(?P<fortnightly>\bfortnightly\b|\bbi-?weekly\b|\bevery\s+(?:two|2|other)\s+weeks\b"
    r"|\btwice\s+a\s+month\b)"
    r"|(?P<weekly>\bweekly\b|\bevery\s+week\b|\bonce\s+a\s+week\b)"
    r"|(?P<monthly>\bmonthly\b|\bevery\s+month\b|\bonce\s+a\s+month\b)",
    _I,
)
_LESS_OFTEN = re.compile(
    r"\btoo\s+(?:often|frequent(?:ly)?|many\s+meetings)|\bless\s+(?:often|frequent(?:ly)?)"
    r"|\bfewer\s+meetings|\bmore\s+(?:space|time)\s+between",
    _I,
)
_MORE_OFTEN = re.compile(
    r"\btoo\s+(?:rarely|seldom|infrequent(?:ly)?|few\s+meetings)"
    r"|\bmore\s+(?:often|frequent(?:ly)?|regular(?:ly)?|meetings)"
    r"|\b(?:not|never|didn'?t)\s+(?:\w+\s+){0,2}(?:often|frequently)\s+enough",
    _I,
)
_EXPERIENCE = re.compile(
    r"\bmore\s+(?:experience[d]?|expertise|senior|depth|knowledge|advanced)"
    r"|\bdeeper\s+(?:knowledge|expertise|experience|understanding)"
    r"|\b(?:an?\s+)?expert\b|\bknew\s+(?:more|little|less)\b"
    r"|\bdid(?:n'?t|\s+not)\s+know\s+(?:much|enough|more)\b|\bbeyond\s+the\s+basics"
    r"|\b(?:lacked|lacking|lack\s+of|not\s+enough)\s+(?:experience|expertise|depth|knowledge)",
    _I,
)
# Words worth finding in a mentor's profile: (phrases that say it, words to look for).
TRAITS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, _I), words)
    for pattern, words in (
        (r"\bask(?:s|ed|ing)?\s+(?:\w+\s+){0,2}questions\b|\bcurious\b", "asks questions"),
        (r"\blisten(?:s|ed|ing|er)?\b", "listens"),
        (r"\bstructur(?:e|ed)\b|\bagendas?\b", "structure"),
        (r"\bpractical\b|\bhands[\s-]on\b|\bconcrete\b|\bexamples?\b", "practical examples"),
        (r"\bfeedback\b", "feedback"),
        (r"\bchalleng(?:e|es|ed|ing)\b|\bpush(?:es|ed)?\s+me\b", "challenge"),
        (r"\bpatien(?:t|ce)\b", "patient"),
        (r"\bencourag\w*|\bsupportive\b", "encouraging"),
        (r"\bhonest(?:y|ly)?\b|\bcandid\b|\bdirect\b", "honest"),
        (r"\bcoach(?:es|ing)?\b", "coaching"),
        (r"\bintroduc(?:e|ed|tions?)\b|\bnetwork(?:s|ing)?\b", "network"),
    )
)
# A rhythm or a time zone right after one of these is what she does not want.
_NEGATED = re.compile(
    r"\b(?:not|no|less|fewer|never|stop|without|instead\s+of|rather\s+than|than"
    r"|too\s+much|too\s+many|don'?t|didn'?t)\s+(?:\w+[\s,]+){0,2}$",
    _I,
)
# A trait right after one of these is one she wants less of. "Didn't listen" or "never
# asked questions" in what should be different still asks for it.
_LESS_OF = re.compile(
    r"\b(?:less|fewer|too\s+much|too\s+many|stop|instead\s+of|rather\s+than|no\s+more"
    r"|not\s+(?:so|as)\s+much)\s+(?:\w+[\s,]+){0,2}$",
    _I,
)


@dataclass(frozen=True)
class Facts:
    """What Tandem knows of the relationship that ended, for filling in suggestions."""

    own_department: str | None
    mentor_name: str
    mentor_department: str | None
    cadence: str | None
    focus_id: int
    focus_name: str
    mentor_level: int
    time_zone_gap: float | None
    # The organization's topics: id, name and the other words people use for it.
    topics: tuple[tuple[int, str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class Suggestion:
    """One proposed ask in words, with what in her reflection and the facts led to it."""

    kind: str
    text: str
    because: str


def _quote(text: str, match: re.Match[str]) -> str:
    start, end = max(match.start() - 40, 0), min(match.end() + 40, len(text))
    before = "…" if start > 0 else ""
    after = "…" if end < len(text) else ""
    snippet = " ".join(text[start:end].split())
    return f"you wrote “{before}{snippet}{after}”"


def _negated(text: str, match: re.Match[str], negation: re.Pattern[str] = _NEGATED) -> bool:
    clause = re.split(r"[.;:!?\n]", text[: match.start()])[-1]
    return bool(negation.search(clause[-40:]))


def _first(
    pattern: re.Pattern[str], text: str, negation: re.Pattern[str] = _NEGATED
) -> re.Match[str] | None:
    return next((m for m in pattern.finditer(text) if not _negated(text, m, negation)), None)


def _department(different: str, facts: Facts) -> tuple[dict[str, object], Suggestion | None]:
    # No negation here: "not someone from the same team" asks for another team too.
    own = _OWN_DEPARTMENT.search(different)
    other = own or _OTHER_DEPARTMENT.search(different)
    if other is None:
        return {}, None
    avoid_own = facts.own_department is not None
    names = []
    if own is None and facts.mentor_department and facts.mentor_department != facts.own_department:
        names.append(facts.mentor_department)
    if not avoid_own and not names:
        return {}, None
    places = ([f"your department ({facts.own_department})"] if avoid_own else []) + names
    because = _quote(different, other)
    if facts.mentor_department and facts.mentor_department == facts.own_department:
        because += f", and {facts.mentor_name} was in your department"
    return (
        {"outside_own_department": avoid_own, "outside_departments": tuple(names)},
        Suggestion("department", "Someone outside " + " and ".join(places), because),
    )


def _time_zone(different: str, facts: Facts) -> tuple[dict[str, object], Suggestion | None]:
    match = _first(_TIME_ZONE, different)
    if match is None:
        return {}, None
    gap = facts.time_zone_gap
    limit = float(min(MAX_SUGGESTED_GAP, max(int(gap) - 1, 0)) if gap and gap >= 1 else 2)
    because = _quote(different, match)
    if gap:
        because += f"; {facts.mentor_name} was {gap:g} hours from you"
    text = (
        "Someone in your time zone"
        if limit == 0
        else f"Someone within {limit:g} hours of your time zone"
    )
    return {"max_time_zone_gap": limit}, Suggestion("time_zone", text, because)


def _step(cadence: str, by: int) -> str | None:
    index = RHYTHMS.index(cadence) + by
    return RHYTHMS[index] if 0 <= index < len(RHYTHMS) else None


def _cadence(different: str, facts: Facts) -> tuple[dict[str, object], Suggestion | None]:
    # A rhythm she names counts unless negated or the one she had ("we met weekly and it
    # was too often" is about having less).
    named = next(
        (
            m
            for m in _RHYTHM.finditer(different)
            if not _negated(different, m) and m.lastgroup != facts.cadence
        ),
        None,
    )
    cadence, because = None, ""
    if named is not None:
        cadence = named.lastgroup
        because = _quote(different, named)
    elif facts.cadence in RHYTHMS:
        for pattern, by in ((_LESS_OFTEN, 1), (_MORE_OFTEN, -1)):
            match = _first(pattern, different)
            if match is not None:
                cadence = _step(facts.cadence, by)
                agreed = Cadence(facts.cadence).label.lower()
                because = f"{_quote(different, match)}; your agreement said {agreed}"
                break
    if cadence is None:
        return {}, None
    cadence = str(cadence)
    label = Cadence(cadence).label.lower()
    text = f"Prefer mentors who like to meet {label}"
    if facts.cadence and facts.cadence != cadence:
        text += f", not {Cadence(facts.cadence).label.lower()}"
    return {"cadence": cadence}, Suggestion("cadence", text, because)


def _words(keep: str, different: str) -> tuple[dict[str, object], Suggestion | None]:
    found: list[str] = []
    quotes: list[str] = []
    for text in (different, keep):
        for pattern, words in TRAITS:
            match = _first(pattern, text, _LESS_OF)
            if match is not None and words not in found:
                found.append(words)
                quotes.append(_quote(text, match))
    if not found:
        return {}, None
    words = ", ".join(found)
    return (
        {"words": words},
        Suggestion("words", f"Look for “{words}” in a mentor's profile", "; ".join(quotes[:2])),
    )


def _experience(different: str, facts: Facts) -> tuple[dict[str, object], Suggestion | None]:
    match = _EXPERIENCE.search(different)
    if match is None:
        return {}, None
    # The topic she names first, else the focus of the relationship that ended.
    named = sorted(
        (found.start(), topic_id, name)
        for topic_id, name, synonyms in facts.topics
        for word in (name, *synonyms)
        if word and (found := re.search(rf"\b{re.escape(word)}\b", different, _I))
    )
    topic_id, name = named[0][1:] if named else (facts.focus_id, facts.focus_name)
    had = facts.mentor_level if topic_id == facts.focus_id else 0
    level = min(3, max(2, had + 1))
    because = _quote(different, match)
    if had:
        because += f"; {facts.mentor_name} had {LEVEL_NAMES[had]} in {name}"
    return (
        {"min_expertise": {topic_id: level}},
        Suggestion("experience", f"At least {LEVEL_NAMES[level]} in {name}", because),
    )


def suggest(*, keep: str, different: str, facts: Facts) -> tuple[NextMatchAsks, list[Suggestion]]:
    """Return the asks a reflection suggests, and each in words with its reason."""
    values: dict[str, object] = {}
    suggestions = []
    for found, suggestion in (
        _department(different, facts),
        _time_zone(different, facts),
        _cadence(different, facts),
        _words(keep, different),
        _experience(different, facts),
    ):
        values.update(found)
        if suggestion is not None:
            suggestions.append(suggestion)
    return NextMatchAsks(**values), suggestions  # type: ignore[arg-type]


def describe(
    asks: NextMatchAsks, *, own_department: str | None, topic_names: dict[int, str]
) -> list[str]:
    """Say in words what the asks change, firm asks first."""
    lines = []
    if asks.outside_own_department:
        lines.append(
            f"Only mentors outside your department ({own_department})"
            if own_department
            else "Only mentors outside your department"
        )
    lines += [f"Only mentors outside {name}" for name in asks.outside_departments]
    gap = asks.max_time_zone_gap
    if gap is not None:
        lines.append(
            "Only mentors in your time zone"
            if gap == 0
            else f"Only mentors within {gap:g} hour{'s' if gap != 1 else ''} of your time zone"
        )
    lines += [
        f"Only mentors with at least {LEVEL_NAMES[level]} in {topic_names.get(topic, 'a topic')}"
        for topic, level in sorted(asks.min_expertise.items())
    ]
    if asks.cadence:
        lines.append(f"Mentors who like to meet {Cadence(asks.cadence).label.lower()} first")
    if asks.words.strip():
        lines.append(f"Mentors whose profile mentions “{asks.words.strip()}” first")
    return lines


def asks_in_force(enrollment: Enrollment, user: User) -> tuple[list[str], Reflection | None]:
    """Return her confirmed asks in words, and the reflection they came from, for her pages."""
    asks = NextMatchAsks.from_json(enrollment.next_match_asks)
    if asks.is_empty or enrollment.user_id != user.pk:
        return [], None
    membership = enrollment.membership
    own = membership.department.name if membership and membership.department else None
    topics = Topic.objects.filter(pk__in=asks.min_expertise).values_list("pk", "name")
    reflection = (
        reflections_of(user).filter(relationship_id=asks.from_relationship).first()
        if asks.from_relationship
        else None
    )
    return describe(asks, own_department=own, topic_names=dict(topics)), reflection


def _gap(zone_a: str, zone_b: str, now: datetime.datetime) -> float | None:
    try:
        a = now.astimezone(zoneinfo.ZoneInfo(zone_a)).utcoffset()
        b = now.astimezone(zoneinfo.ZoneInfo(zone_b)).utcoffset()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    if a is None or b is None:
        return None
    hours = abs((a - b).total_seconds()) / 3600 % 24
    return min(hours, 24 - hours)


def facts_of(relationship: Relationship) -> Facts:
    """Gather the facts of an ended relationship that fill in suggestions."""
    relationship = Relationship.objects.select_related(
        "focus",
        "mentor__user",
        "mentor__membership__department",
        "mentee__membership__department",
    ).get(pk=relationship.pk)
    mine, theirs = relationship.mentee.membership, relationship.mentor.membership
    agreement = relationship.agreements.order_by("-version").first()
    level = (
        EnrollmentTopic.objects.filter(
            enrollment=relationship.mentor,
            topic=relationship.focus,
            kind=EnrollmentTopic.Kind.EXPERTISE,
        )
        .values_list("level", flat=True)
        .first()
    )
    topics = Topic.objects.filter(organization_id=relationship.focus.organization_id)
    return Facts(
        own_department=mine.department.name if mine and mine.department else None,
        mentor_name=relationship.mentor.user.display_name,
        mentor_department=theirs.department.name if theirs and theirs.department else None,
        cadence=agreement.cadence if agreement else None,
        focus_id=relationship.focus_id,
        focus_name=relationship.focus.name,
        mentor_level=level or 0,
        time_zone_gap=_gap(mine.time_zone, theirs.time_zone, timezone.now())
        if mine and theirs
        else None,
        topics=tuple((t.pk, t.name, tuple(t.synonyms)) for t in topics),
    )


def suggest_for(reflection: Reflection) -> tuple[NextMatchAsks, list[Suggestion]]:
    """Return what this reflection suggests for the next match, with the reasons."""
    return suggest(
        keep=reflection.keep,
        different=reflection.different,
        facts=facts_of(reflection.relationship),
    )
