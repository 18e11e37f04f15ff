"""Compose profile texts in a person's own words from the building blocks in texts.py."""

import random
from dataclasses import dataclass

from django.utils.text import slugify

from tandem.demo import agency, texts
from tandem.demo.people import Person
from tandem.demo.topic_texts import TOPIC_TEXTS, TopicText
from tandem.programs.vocabulary import DEFAULT_TOPICS

TOPIC_NAMES = {slugify(name): name for name, _category, _synonyms in DEFAULT_TOPICS}


def _article(title: str) -> str:
    # "an HR Assistant" but "a UX Designer": go by the sound, for the titles we have.
    vowel = title[:1] in "AEIO" or title.startswith("HR")
    return f"{'an' if vowel else 'a'} {title}"


def _years(days: int) -> str:
    years = max(1, round(days / 365))
    return "a year" if years == 1 else f"{years} years"


@dataclass(frozen=True)
class Voice:
    """What a person can say about themselves: where they work, for how long, as what."""

    title: str
    dept: str
    years: str
    when: str
    job: str
    new_hire: bool
    long_career: bool
    from_association: bool

    @classmethod
    def of(cls, person: Person, *, from_association: bool) -> "Voice":
        """Describe a person in the words their profile uses."""
        months = person.tenure_days // 30
        when = next(
            (phrase for limit, phrase in texts.WHEN_BY_MONTHS if months < limit),
            "about a year ago",
        )
        dept = ""
        if person.department is not None:
            name = agency.DEPARTMENTS[person.department].name
            dept = texts.DEPARTMENT_IN_PROSE.get(name, name)
        # "Police Captain, Patrol" reads as "a Police Captain" inside a sentence.
        title = person.title.split(",")[0]
        return cls(
            title=_article(title) if title else "",
            dept=dept,
            years=_years(person.tenure_days),
            when=when,
            job=person.day_job,
            new_hire=person.is_new_hire,
            long_career=person.tenure_days >= 8 * 365,
            from_association=from_association,
        )

    def fill(self, template: str, **values: str) -> str:
        """Fill a template's placeholders with this voice's facts and the given values."""
        return template.format(
            title=self.title,
            dept=self.dept,
            years=self.years,
            when=self.when,
            job=self.job,
            prior="",
            **values,
        )


def _text(slug: str) -> TopicText:
    fallback = TopicText(wants=(f"get better at {TOPIC_NAMES.get(slug, slug).lower()}",), offers=())
    return TOPIC_TEXTS.get(slug, fallback)


def _topic(slug: str) -> str:
    return TOPIC_NAMES.get(slug, slug.replace("-", " ")).lower()


def _want(rng: random.Random, slug: str) -> str:
    return rng.choice(_text(slug).wants)


def _context(rng: random.Random, voice: Voice) -> str:
    pool: tuple[str, ...]
    if voice.from_association:
        pool = texts.CONTEXT_ASSOCIATION
    elif voice.new_hire:
        pool = texts.CONTEXT_NEW_HIRE
    else:
        pool = texts.CONTEXT_EXPERIENCED
    return voice.fill(rng.choice(pool))


def _terse_goals(rng: random.Random, slugs: list[str]) -> str:
    topic = _topic(slugs[0])
    if len(slugs) > 1 and rng.random() < 0.6:
        template = rng.choice(texts.GOAL_TERSE_TWO)
        return template.format(topic=topic, topic_cap=topic.capitalize(), topic2=_topic(slugs[1]))
    return rng.choice(texts.GOAL_TERSE).format(topic=topic, topic_cap=topic.capitalize())


def goals_text(rng: random.Random, voice: Voice, focus: list[str]) -> str:
    """Write what a mentee wants, leading with their first focus area."""
    if rng.random() < 0.12:
        return _terse_goals(rng, focus)
    sentences = []
    if rng.random() < 0.6:
        sentences.append(_context(rng, voice))
    sentences.append(rng.choice(texts.GOAL_MAIN).format(want=_want(rng, focus[0])))
    more = rng.sample(texts.GOAL_MORE, k=2)
    for slug, template, chance in zip(focus[1:3], more, (0.7, 0.3), strict=False):
        if rng.random() < chance:
            sentences.append(template.format(want=_want(rng, slug)))
    if rng.random() < 0.55:
        sentences.append(rng.choice(texts.GOAL_HOW))
    return " ".join(sentences)


def peer_goals_text(rng: random.Random, voice: Voice, focus: list[str], offer: list[str]) -> str:
    """Write what a peer hopes to get from co-mentoring and what they can trade in return."""
    if rng.random() < 0.1:
        return _terse_goals(rng, focus)
    sentences = [rng.choice(texts.PEER_OPENERS)]
    sentences.append(rng.choice(texts.GOAL_MAIN).format(want=_want(rng, focus[0])))
    if offer and rng.random() < 0.6:
        sentences.append(rng.choice(texts.PEER_CLOSERS).format(topic=_topic(offer[0])))
    return " ".join(sentences)


def _intro(rng: random.Random, voice: Voice) -> str:
    if voice.from_association:
        return voice.fill(rng.choice(texts.BRING_INTRO_ASSOCIATION))
    template = rng.choice(texts.BRING_INTRO)
    return template.format(
        title=voice.title,
        dept=voice.dept,
        years=voice.years,
        prior=rng.choice(texts.PRIOR_EMPLOYERS),
    )


def offer_text(rng: random.Random, voice: Voice, expertise: list[str], weak: str) -> str:
    """Write what a mentor brings, from their strongest topics, with an honest limit."""
    sentences = []
    if rng.random() < 0.75:
        sentences.append(_intro(rng, voice))
    stories = _text(expertise[0]).stories
    # The stories tell of long careers; newer people do not have them yet.
    if stories and voice.long_career and rng.random() < 0.4:
        sentences.append(rng.choice(stories))
    offers = [slug for slug in expertise if _text(slug).offers]
    if offers:
        main = rng.choice(_text(offers[0]).offers)
        sentences.append(rng.choice(texts.OFFER_MAIN).format(offer=main))
    if len(offers) > 1 and rng.random() < 0.6:
        more = rng.choice(_text(offers[1]).offers)
        sentences.append(rng.choice(texts.OFFER_MORE).format(offer=more))
    if weak and rng.random() < 0.2:
        sentences.append(rng.choice(texts.OFFER_LIMIT).format(topic=_topic(weak)))
    return " ".join(sentences)


def mentee_bring_text(rng: random.Random, voice: Voice, focus: list[str]) -> str:
    """Write what a mentee offers in return, for programs that ask everyone."""
    lines = [line for line in texts.MENTEE_BRING if voice.dept or "{dept}" not in line]
    picks = rng.sample(lines, k=rng.choice((1, 1, 2)))
    topic = _topic(focus[-1]) if focus else "my own field"
    return " ".join(voice.fill(line, topic=topic) for line in picks)


def why_text(rng: random.Random, *, women_in_tech: bool) -> str:
    """Write why a mentor mentors: a reason, often a word on style, sometimes a limit."""
    # Only mentors in the women-in-tech program give the reason about women in tech.
    women = [r for r in texts.WHY_REASONS if "women" in r]
    general = [r for r in texts.WHY_REASONS if "women" not in r]
    reason = rng.choice(women if women_in_tech and rng.random() < 0.4 else general)
    sentences = [reason]
    if rng.random() < 0.6:
        sentences.append(rng.choice(texts.WHY_STYLE))
    if rng.random() < 0.3:
        sentences.append(rng.choice(texts.WHY_LIMITS))
    return " ".join(sentences)
