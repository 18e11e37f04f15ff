"""Asking a colleague for an introduction, their answer, and each suggested person's answer."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import User
from tandem.core.errors import DomainError
from tandem.introductions.models import (
    MAX_NEED,
    MAX_NOTE,
    MAX_SUGGESTIONS,
    Introduction,
    Suggestion,
)
from tandem.notifications.services import notify
from tandem.policy.eligibility import (
    introduction_check,
    lock_people,
    suggestion_check,
    suggestion_refusal,
)
from tandem.programs.models import Enrollment

MIN_NEED = 10
MIN_NOTE = 10

# What the asker reads when nobody was found: the same words whoever said no, and why.
NO_MATCH = (
    "{introducer} could not find a match for you this time. Thank you for asking; you are "
    "welcome to ask someone else, or to ask again later."
)


@dataclass(frozen=True)
class Suggested:
    """One person the introducer suggests, and their note for them."""

    person: Enrollment
    note: str


def introduction_url(introduction: Introduction) -> str:
    return reverse("introductions:detail", args=[introduction.pk])


def _locked(introduction: Introduction) -> Introduction:
    return (
        Introduction.objects.select_for_update(of=("self",))
        .select_related("program", "asker__user", "introducer__user")
        .get(pk=introduction.pk)
    )


def _clean_need(need: str) -> str:
    text = " ".join(need.split())
    if len(text) < MIN_NEED:
        raise DomainError(
            "Name the need in a few words: what you hope someone could help with.", field="need"
        )
    if len(text) > MAX_NEED:
        raise DomainError(f"Keep it short: at most {MAX_NEED} characters.", field="need")
    return text


@transaction.atomic
def introduction_ask(*, asker: Enrollment, introducer: Enrollment, need: str) -> Introduction:
    """Ask a colleague for an introduction to someone who might help with a named need."""
    people = lock_people([asker, introducer])
    asker, introducer = people[asker.pk], people[introducer.pk]
    introduction_check(asker=asker, introducer=introducer)
    text = _clean_need(need)
    if Introduction.objects.filter(
        asker=asker, introducer=introducer, status__in=Introduction.OPEN_STATUSES
    ).exists():
        raise DomainError(
            f"You already have an introduction open with {introducer.user.display_name}."
        )
    introduction = Introduction.objects.create(
        program=asker.program, asker=asker, introducer=introducer, need=text
    )
    notify(
        user=introducer.user,
        kind="introduction_asked",
        title=f"{asker.user.full_name} asks you for an introduction",
        body=f"The need: {text}. Suggest someone who might help, or decline; no reason needed.",
        url=introduction_url(introduction),
    )
    return introduction


def _no_match(introduction: Introduction) -> None:
    introduction.status = Introduction.Status.NO_MATCH
    introduction.answered_at = introduction.answered_at or timezone.now()
    introduction.save(update_fields=["status", "answered_at", "updated_at"])
    notify(
        user=introduction.asker.user,
        kind="introduction_no_match",
        title=f"{introduction.introducer.user.display_name} could not find a match this time",
        body=NO_MATCH.format(introducer=introduction.introducer.user.display_name),
        url=introduction_url(introduction),
        dedupe_key=f"introduction-no-match-{introduction.pk}",
    )


@transaction.atomic
def introduction_decline(*, introduction: Introduction, by: User) -> Introduction:
    """Decline to make an introduction, with no reason asked or given."""
    introduction = _locked(introduction)
    if introduction.introducer.user_id != by.pk:
        raise DomainError("Only the colleague who was asked can decline.")
    if introduction.status != Introduction.Status.ASKED:
        raise DomainError("This introduction has already been answered.")
    _no_match(introduction)
    return introduction


@transaction.atomic
def introduction_suggest(
    *, introduction: Introduction, by: User, suggestions: Sequence[Suggested]
) -> list[Suggestion]:
    """Suggest one or more people, each with a note; each is asked before the asker learns."""
    introduction = _locked(introduction)
    if introduction.introducer.user_id != by.pk:
        raise DomainError("Only the colleague who was asked can suggest people.")
    if introduction.status not in Introduction.OPEN_STATUSES:
        raise DomainError("This introduction is closed.")
    asker, introducer = introduction.asker, introduction.introducer
    introduction_check(asker=asker, introducer=introducer)
    already = set(introduction.suggestions.values_list("person_id", flat=True))
    chosen: dict[int, Suggested] = {}
    for item in suggestions:
        if item.person.pk in chosen or item.person.pk in already:
            raise DomainError(
                f"{item.person.user.display_name} is suggested already.", field="people"
            )
        chosen[item.person.pk] = item
    if not chosen:
        raise DomainError("Choose at least one person to suggest.", field="people")
    if len(chosen) + len(already) > MAX_SUGGESTIONS:
        raise DomainError(
            f"Suggest at most {MAX_SUGGESTIONS} people for one introduction.", field="people"
        )
    for item in chosen.values():
        suggestion_check(asker=asker, introducer=introducer, person=item.person, field="people")
        note = item.note.strip()
        if len(note) < MIN_NOTE:
            raise DomainError(
                f"Write a short note for {item.person.user.display_name}: why this "
                "introduction might help them both.",
                field="note",
            )
        if len(note) > MAX_NOTE:
            raise DomainError(f"Keep each note to at most {MAX_NOTE} characters.", field="note")
    made = Suggestion.objects.bulk_create(
        [
            Suggestion(introduction=introduction, person=item.person, note=item.note.strip())
            for item in chosen.values()
        ]
    )
    introduction.status = Introduction.Status.CHECKING
    introduction.answered_at = introduction.answered_at or timezone.now()
    introduction.save(update_fields=["status", "answered_at", "updated_at"])
    for suggestion in made:
        notify(
            user=suggestion.person.user,
            kind="introduction_suggested",
            title=f"{introducer.user.display_name} would like to introduce you to "
            f"{asker.user.full_name}",
            body=f"{asker.user.display_name} is looking for help with: {introduction.need}. "
            "Say whether you would like to be introduced; they learn nothing of you unless "
            "you agree.",
            url=introduction_url(introduction),
        )
    return made


@transaction.atomic
def suggestion_answer(*, suggestion: Suggestion, by: User, agrees: bool) -> Suggestion:
    """Agree to be introduced, or decline; a decline is never told to anyone by name."""
    introduction = _locked(suggestion.introduction)
    suggestion = (
        Suggestion.objects.select_for_update(of=("self",))
        .select_related("person__user")
        .get(pk=suggestion.pk)
    )
    if suggestion.person.user_id != by.pk:
        raise DomainError("Only the person suggested can answer.")
    if suggestion.status == Suggestion.Status.EXPIRED:
        raise DomainError("This introduction closed before your answer. Thank you all the same.")
    if suggestion.status != Suggestion.Status.ASKED:
        raise DomainError("You have answered already.")
    if introduction.status == Introduction.Status.NO_MATCH:
        raise DomainError("This introduction is closed.")
    asker, introducer = introduction.asker, introduction.introducer
    if agrees and suggestion_refusal(asker=asker, introducer=introducer, person=suggestion.person):
        raise DomainError("This introduction can no longer be made.")
    suggestion.status = Suggestion.Status.AGREED if agrees else Suggestion.Status.DECLINED
    suggestion.answered_at = timezone.now()
    suggestion.save(update_fields=["status", "answered_at", "updated_at"])
    if agrees:
        introduction.status = Introduction.Status.CONNECTED
        introduction.save(update_fields=["status", "updated_at"])
        _connected(introduction, suggestion)
    else:
        close_if_nobody_left(introduction)
    return suggestion


def close_if_nobody_left(introduction: Introduction) -> None:
    """Tell the asker no match was found once every person suggested declined or is gone.

    A decline and a suggestion left unanswered read the same to the asker, by design.
    """
    if introduction.status == Introduction.Status.CHECKING and not (
        introduction.suggestions.exclude(status__in=Suggestion.NOT_CONNECTED).exists()
    ):
        _no_match(introduction)


def _connected(introduction: Introduction, suggestion: Suggestion) -> None:
    asker, introducer, person = (
        introduction.asker.user,
        introduction.introducer.user,
        suggestion.person.user,
    )
    url = introduction_url(introduction)
    notify(
        user=asker,
        kind="introduction_connected",
        title=f"{introducer.display_name} introduced you to {person.full_name}",
        body=f"{person.display_name} agreed to be introduced. Start an informational "
        "interview or a mentoring request from the introduction.",
        url=url,
    )
    notify(
        user=person,
        kind="introduction_connected",
        title=f"You are connected with {asker.full_name}",
        body=f"{asker.display_name} can now see your name and profile, and you theirs.",
        url=url,
    )
    notify(
        user=introducer,
        kind="introduction_connected",
        title=f"{person.full_name} and {asker.full_name} are connected",
        body="Thank you for making the introduction.",
        url=url,
    )
