"""Reads of warm introductions, through the access and eligibility policies."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q, QuerySet

from tandem.accounts.models import User
from tandem.core.origins import Kind
from tandem.introductions.models import Introduction, Suggestion
from tandem.policy.access import introductions_of, suggestions_visible_to
from tandem.policy.eligibility import introducers_for, suggestables_for
from tandem.programs.models import Enrollment

# How many people a search lists at once.
SEARCH_LIMIT = 20


@dataclass(frozen=True)
class MyIntroductions:
    asked: Sequence[Introduction]
    asked_of_me: Sequence[Introduction]
    suggested_to_me: Sequence[Suggestion]
    programs: Sequence[Enrollment]


def my_introductions(*, user: User) -> MyIntroductions:
    """Return what this person asked, was asked, and was suggested for, each as they see it."""
    mine = introductions_of(user).select_related("program", "asker__user", "introducer__user")
    asked = list(
        mine.filter(asker__user=user).prefetch_related(
            Prefetch(
                "suggestions",
                queryset=Suggestion.objects.filter(status=Suggestion.Status.AGREED).select_related(
                    "person__user"
                ),
                to_attr="connections",
            )
        )
    )
    asked_of_me = list(
        mine.filter(introducer__user=user).prefetch_related(
            Prefetch(
                "suggestions",
                queryset=Suggestion.objects.select_related("person__user"),
                to_attr="made",
            )
        )
    )
    suggested = list(
        suggestions_visible_to(user)
        .filter(person__user=user)
        .select_related(
            "introduction__program", "introduction__asker__user", "introduction__introducer__user"
        )
        .order_by("-created_at")
    )
    programs = list(
        Enrollment.objects.filter(
            user=user, status=Enrollment.Status.ACTIVE, program__status="active"
        )
        .select_related("program")
        .order_by("program__name")
    )
    return MyIntroductions(
        asked=asked, asked_of_me=asked_of_me, suggested_to_me=suggested, programs=programs
    )


def colleagues_for(*, asker: Enrollment, query: str = "") -> QuerySet[Enrollment]:
    """Return the colleagues this person may ask, by name, narrowed by a search."""
    people = introducers_for(asker)
    if query:
        people = people.filter(user__full_name__icontains=query)
    return people.select_related("user", "membership__department").order_by("user__full_name", "pk")


def suggestable_people(*, introduction: Introduction, query: str = "") -> QuerySet[Enrollment]:
    """Return the people the introducer may suggest, not yet suggested, narrowed by name."""
    people = suggestables_for(asker=introduction.asker, introducer=introduction.introducer).exclude(
        pk__in=introduction.suggestions.values("person")
    )
    if query:
        people = people.filter(user__full_name__icontains=query)
    return people.select_related("user", "membership").order_by("user__full_name", "pk")


def introduced_by(
    *, user: AbstractBaseUser | AnonymousUser, kind: Kind, object_id: int
) -> str | None:
    """Name the colleague whose introduction led to this interview or mentoring request.

    Only the two people introduced read it; anyone else (a program admin among them) gets
    None, as they see no introduction.
    """
    if not isinstance(user, User):
        return None
    led_to = {"interview": "interview_id", "mentorship_request": "mentorship_request_id"}[kind]
    found = (
        suggestions_visible_to(user)
        .filter(
            Q(introduction__asker__user=user) | Q(person__user=user),
            status=Suggestion.Status.AGREED,
            **{led_to: object_id},
        )
        .select_related("introduction__introducer__user")
        .first()
    )
    if found is None:
        return None
    return f"Introduced by {found.introduction.introducer.user.full_name}"
