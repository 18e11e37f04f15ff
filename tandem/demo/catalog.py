"""The agency's three programs, how popular each topic is, and the personas' own profiles."""

from dataclasses import dataclass

from tandem.programs.models import Cadence, IdentityAttribute, Language, MeetingMode, Program

NEW_HIRE, WOMEN_IN_TECH, PEER = "new_hire", "women_in_tech", "peer"


@dataclass(frozen=True)
class ProgramSpec:
    """A program's settings, and where its enrollment window sits relative to today."""

    key: str
    name: str
    tagline: str
    description: str
    format: str
    matching_mode: str
    audience: str
    mentors_per_mentee: int
    default_cadence: str
    default_length_months: int
    required_profile_fields: tuple[str, ...]
    opens_days_ago: int
    closes_in_days: int


PROGRAMS: tuple[ProgramSpec, ...] = (
    ProgramSpec(
        key=NEW_HIRE,
        name="New-hire mentoring",
        tagline="A colleague from another department for your first six months at the city.",
        description=(
            "Everyone who joined the city in the past year can ask for a mentor: an "
            "experienced colleague from outside their own reporting line who knows how "
            "things get done here.\n\n"
            "We match people in rounds every few weeks. You will see who we propose and "
            "why, and nothing starts until you both accept. Plan on meeting about once a "
            "month for six months; you decide together what to work on."
        ),
        format=Program.Format.ONE_TO_ONE,
        matching_mode=Program.MatchingMode.ROUNDS,
        audience=Program.Audience.ORGANIZATION,
        mentors_per_mentee=1,
        default_cadence=Cadence.MONTHLY,
        default_length_months=6,
        required_profile_fields=(
            Program.ProfileField.MEETING_MODES,
            Program.ProfileField.PREFERRED_CADENCE,
        ),
        opens_days_ago=42,
        closes_in_days=28,
    ),
    ProgramSpec(
        key=WOMEN_IN_TECH,
        name="Women in Technology mentoring",
        tagline="Choose up to two mentors from across the city and the Cascadia Public "
        "Technology Association.",
        description=(
            "For women and non-binary people in technical roles (IT, engineering, GIS, "
            "data, operations technology) and for anyone who wants to move into one.\n\n"
            "Browse the mentors' profiles and send a request to the one or two whose "
            "experience fits what you want to work on. Mentors come from city departments "
            "and from our partner, the Cascadia Public Technology Association, so you can "
            "also find someone outside the city."
        ),
        format=Program.Format.ONE_TO_ONE,
        matching_mode=Program.MatchingMode.CHOICE,
        audience=Program.Audience.PARTNERS,
        mentors_per_mentee=2,
        default_cadence=Cadence.FORTNIGHTLY,
        default_length_months=9,
        required_profile_fields=(
            Program.ProfileField.WHAT_I_BRING,
            Program.ProfileField.WHY_I_MENTOR,
            Program.ProfileField.LANGUAGES,
        ),
        opens_days_ago=21,
        closes_in_days=49,
    ),
    ProgramSpec(
        key=PEER,
        name="Peer co-mentoring",
        tagline="Pair up with a colleague at a similar stage and take turns helping each other.",
        description=(
            "Co-mentoring pairs two people at about the same level from different "
            "departments. Each brings something to work on and something to offer; you "
            "alternate who gets the floor.\n\n"
            "Good for new supervisors, people stepping into larger roles, and anyone "
            "who wants a thinking partner without a formal mentor."
        ),
        format=Program.Format.PEER,
        matching_mode=Program.MatchingMode.ROUNDS,
        audience=Program.Audience.ORGANIZATION,
        mentors_per_mentee=1,
        default_cadence=Cadence.FORTNIGHTLY,
        default_length_months=4,
        required_profile_fields=(),
        opens_days_ago=35,
        closes_in_days=35,
    ),
)

# How often people pick each topic, before a program or department tilts it; topics left
# out weigh 1. The skew is deliberate: a few topics dominate real programs.
FOCUS_POPULARITY: dict[str, float] = {
    "career-planning": 9,
    "confidence": 7,
    "public-speaking": 6,
    "leadership": 6,
    "promotion-readiness": 6,
    "work-life-balance": 5,
    "giving-and-receiving-feedback": 5,
    "navigating-the-organization": 5,
    "first-time-management": 4,
    "project-management": 4,
    "networking": 4,
    "data-analysis": 3,
    "writing-for-work": 3,
    "influencing-without-authority": 3,
    "time-management": 3,
    "managing-up": 2,
    "strategic-thinking": 2,
    "budgeting-and-finance": 2,
    "salary-negotiation": 1.5,
    "entrepreneurship": 0.3,
    "machine-learning": 0.5,
}
EXPERTISE_POPULARITY: dict[str, float] = {
    "leadership": 6,
    "navigating-the-organization": 6,
    "career-planning": 5,
    "first-year-in-the-organization": 5,
    "first-time-management": 4,
    "giving-and-receiving-feedback": 4,
    "project-management": 4,
    "public-speaking": 3,
    "building-a-team": 3,
    "writing-for-work": 3,
    "resilience-and-change": 2,
    "budgeting-and-finance": 1,
    "machine-learning": 0.4,
    "entrepreneurship": 0.3,
    # Specialist topics: rare unless the person's department lifts them.
    "working-with-elected-officials": 0.3,
    "policy-analysis": 0.4,
    "grant-writing": 0.4,
    "procurement-and-contracting": 0.5,
    "product-management": 0.5,
    "user-research-and-design": 0.5,
    "cybersecurity": 0.5,
    "cloud-and-infrastructure": 0.5,
    "software-engineering": 0.5,
}
FOCUS_BY_PROGRAM: dict[str, dict[str, float]] = {
    NEW_HIRE: {
        "first-year-in-the-organization": 14,
        "navigating-the-organization": 4,
        "networking": 2,
    },
    WOMEN_IN_TECH: {
        "women-in-technical-roles": 12,
        "technical-leadership": 6,
        "confidence": 2,
        "software-engineering": 4,
        "data-analysis": 3,
        "cloud-and-infrastructure": 3,
        "cybersecurity": 3,
        "salary-negotiation": 3,
        "negotiation": 2,
        "personal-brand-and-visibility": 3,
    },
    PEER: {
        "first-time-management": 4,
        "giving-and-receiving-feedback": 2,
        "delegation": 4,
        "managing-up": 3,
        "time-management": 2,
        "work-life-balance": 2,
    },
}
_TECH: dict[str, float] = {
    "software-engineering": 6,
    "cloud-and-infrastructure": 5,
    "cybersecurity": 4,
    "data-analysis": 6,
    "technical-leadership": 6,
    "product-management": 3,
    "user-research-and-design": 3,
    "machine-learning": 6,
}
_WORKS: dict[str, float] = {
    "project-management": 4,
    "program-management": 3,
    "procurement-and-contracting": 3,
}
_SAFETY: dict[str, float] = {
    "leadership": 3,
    "resilience-and-change": 5,
    "first-time-management": 2,
}
EXPERTISE_BY_DEPARTMENT: dict[str, dict[str, float]] = {
    "Office of the City Manager": {
        "working-with-elected-officials": 8,
        "policy-analysis": 6,
        "public-engagement": 3,
        "strategic-thinking": 4,
        "writing-for-work": 2,
    },
    "Finance": {"budgeting-and-finance": 8, "procurement-and-contracting": 4, "data-analysis": 2},
    "Human Resources": {
        "job-search-and-interviewing": 6,
        "salary-negotiation": 5,
        "building-a-team": 3,
        "diversity-equity-and-inclusion": 5,
        "returning-to-work": 3,
    },
    "Information Technology": _TECH,
    "Public Works": _WORKS,
    "Water and Utilities": {**_WORKS, "resilience-and-change": 2},
    "Planning and Development": {
        "public-engagement": 5,
        "policy-analysis": 3,
        "grant-writing": 3,
        "working-with-elected-officials": 3,
    },
    "Parks, Recreation and Libraries": {"public-engagement": 4, "grant-writing": 5},
    "Fire and Emergency Services": _SAFETY,
    "Police": {**_SAFETY, "public-engagement": 2},
    "Transportation": {**_WORKS, "public-engagement": 3},
}
# Technical people outside IT still mostly offer technical topics; others rarely do.
EXPERTISE_TECHNICAL: dict[str, float] = {**_TECH, "women-in-technical-roles": 1}
EXPERTISE_NON_TECHNICAL: dict[str, float] = {
    slug: 0.08 for slug in (*_TECH, "women-in-technical-roles")
}
# Men rarely ask for, or claim to offer, help with being a woman in a technical role.
NOT_FOR_MEN: dict[str, float] = {"women-in-technical-roles": 0.03}
# Some people outside technical jobs want to move into one, but not many.
FOCUS_NON_TECHNICAL: dict[str, float] = {slug: 0.3 for slug in _TECH}
# Association members do not work at the city, so they cannot guide anyone through it.
EXPERTISE_ASSOCIATION: dict[str, float] = {
    "first-year-in-the-organization": 0,
    "navigating-the-organization": 0,
    "working-with-elected-officials": 0.3,
}
# Topics a mentor may name as outside what they can help with.
LIMIT_TOPICS = (
    "budgeting-and-finance",
    "salary-negotiation",
    "grant-writing",
    "public-speaking",
    "machine-learning",
    "cybersecurity",
    "working-with-elected-officials",
    "procurement-and-contracting",
    "policy-analysis",
    "writing-for-work",
    "entrepreneurship",
    "networking",
)
EXPERTISE_WOMEN_IN_TECH: dict[str, float] = {"women-in-technical-roles": 12, "confidence": 2}


@dataclass(frozen=True)
class PersonaProfile:
    """A demo persona's profile in one program, written by hand so the demo reads well."""

    program: str
    roles: tuple[str, ...]
    goals: str = ""
    what_i_bring: str = ""
    why_i_mentor: str = ""
    focus: tuple[tuple[str, int], ...] = ()
    expertise: tuple[tuple[str, int], ...] = ()
    capacity: int = 0
    mentors_wanted: int = 1
    cadence: str = Cadence.MONTHLY
    modes: tuple[str, ...] = (MeetingMode.IN_PERSON, MeetingMode.VIDEO)
    languages: tuple[str, ...] = (Language.EN,)
    identity: tuple[str, ...] = ()
    requested: tuple[str, ...] = ()


PERSONA_PROFILES: dict[str, tuple[PersonaProfile, ...]] = {
    "mentor": (
        PersonaProfile(
            program=NEW_HIRE,
            roles=("mentor",),
            why_i_mentor=(
                "I started on the service desk fourteen years ago, and the colleagues who "
                "explained this place to me are the reason I stayed. I like to agree on two "
                "or three goals in our first meeting and look at them again every couple of "
                "months. Expect me to ask what you tried since we last talked."
            ),
            what_i_bring=(
                "I lead application development in IT, which means I have worked with "
                "nearly every department on one system or another. I can help you work out "
                "who does what, who to ask, and how to get an answer from a department that "
                "is not yours. Also glad to talk about first-time management. Budget "
                "questions are not my strength."
            ),
            expertise=(
                ("navigating-the-organization", 3),
                ("first-year-in-the-organization", 3),
                ("first-time-management", 2),
                ("giving-and-receiving-feedback", 2),
            ),
            capacity=3,
            languages=(Language.EN, Language.ES),
        ),
        PersonaProfile(
            program=WOMEN_IN_TECH,
            roles=("mentor",),
            why_i_mentor=(
                "For years I was the only woman in most of our architecture meetings. I "
                "would like the women coming up now to have more company than I did, and a "
                "few strategies for the days when it still feels that way."
            ),
            what_i_bring=(
                "Fourteen years of building and running city software, from the permit "
                "system rewrite to the 311 app. I can help with technical leadership, code "
                "review habits, moving toward a senior or lead role, and deciding whether "
                "management is for you. I went back and forth on that one myself."
            ),
            expertise=(
                ("technical-leadership", 3),
                ("software-engineering", 3),
                ("women-in-technical-roles", 3),
                ("promotion-readiness", 2),
                ("confidence", 2),
            ),
            capacity=2,
            cadence=Cadence.FORTNIGHTLY,
            modes=(MeetingMode.VIDEO, MeetingMode.IN_PERSON, MeetingMode.CHAT),
            languages=(Language.EN, Language.ES),
            identity=(IdentityAttribute.WOMAN, IdentityAttribute.PARENT_CARER),
        ),
    ),
    "mentee": (
        PersonaProfile(
            program=NEW_HIRE,
            roles=("mentee",),
            goals=(
                "I joined Public Works as a civil engineer about two months ago, after three "
                "years at a private design firm. The engineering is familiar; how a city "
                "decides things is not: who signs off, why some items wait for council, how "
                "to get a quick answer from another department. I would like a mentor who can "
                "help me learn that side of the job this year and does not mind basic "
                "questions."
            ),
            focus=(
                ("first-year-in-the-organization", 3),
                ("navigating-the-organization", 3),
                ("writing-for-work", 1),
            ),
            languages=(Language.EN, Language.VI),
        ),
        PersonaProfile(
            program=WOMEN_IN_TECH,
            roles=("mentee",),
            goals=(
                "On my last team I was one of two women engineers; here I am the only one in "
                "my section. I want to talk with women who have had long technical careers, "
                "get better at speaking up in design reviews, and start planning for my "
                "professional engineering license and, later, a project lead role. Someone "
                "from outside Public Works would be ideal."
            ),
            what_i_bring=(
                "Three years of private-sector design work, a lot of questions, and follow-"
                "through on whatever we agree."
            ),
            focus=(
                ("women-in-technical-roles", 3),
                ("confidence", 2),
                ("technical-leadership", 2),
                ("career-planning", 1),
            ),
            mentors_wanted=2,
            cadence=Cadence.FORTNIGHTLY,
            languages=(Language.EN, Language.VI),
            identity=(IdentityAttribute.WOMAN, IdentityAttribute.IMMIGRANT),
            requested=(IdentityAttribute.WOMAN,),
        ),
    ),
}
