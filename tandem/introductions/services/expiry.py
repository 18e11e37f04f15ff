"""Suggestions nobody answers: a reminder halfway, then closed as "not this time".

A person suggested has ``INTRODUCTION_SUGGESTION_EXPIRY_DAYS`` to answer. Halfway they are
reminded once; at the end the suggestion expires. When nobody suggested agreed, the asker
reads the same words as after a decline (``NO_MATCH``): who was asked, and that they did
not answer, stays unsaid. Both sweeps are safe to run twice.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tandem.introductions.models import Introduction, Suggestion
from tandem.introductions.services.asking import close_if_nobody_left, introduction_url
from tandem.notifications.services import notify
from tandem.notifications.when import local_date


def _lifetime() -> datetime.timedelta:
    return datetime.timedelta(days=settings.INTRODUCTION_SUGGESTION_EXPIRY_DAYS)


def suggestion_expires_at(suggestion: Suggestion) -> datetime.datetime:
    """Return when this suggestion closes if its person has not answered by then."""
    return suggestion.created_at + _lifetime()


def suggestions_remind(*, now: datetime.datetime | None = None) -> int:
    """Remind once, halfway, each person suggested who has not answered; return how many."""
    now = now or timezone.now()
    due = (
        Suggestion.objects.filter(
            status=Suggestion.Status.ASKED,
            reminded_at__isnull=True,
            created_at__lte=now - _lifetime() / 2,
            created_at__gt=now - _lifetime(),
        )
        .exclude(introduction__status=Introduction.Status.NO_MATCH)
        .select_related(
            "person__user", "introduction__asker__user", "introduction__introducer__user"
        )
        .select_related("introduction__program")
    )
    count = 0
    for suggestion in due:
        with transaction.atomic():
            if not Suggestion.objects.filter(
                pk=suggestion.pk, status=Suggestion.Status.ASKED, reminded_at__isnull=True
            ).update(reminded_at=now):
                continue
            introduction = suggestion.introduction
            person = suggestion.person.user
            by = local_date(
                person,
                suggestion_expires_at(suggestion),
                organization_id=introduction.program.organization_id,
            )
            notify(
                user=person,
                kind="introduction_suggested_reminder",
                title=f"{introduction.introducer.user.display_name} is waiting to introduce you "
                f"to {introduction.asker.user.full_name}",
                body=f"Say whether you would like to be introduced by {by}. A short answer "
                "either way is kind; if you say no, nobody is told it was you.",
                url=introduction_url(introduction),
                dedupe_key=f"introduction-suggestion-reminder-{suggestion.pk}",
            )
            count += 1
    return count


def suggestions_expire(*, now: datetime.datetime | None = None) -> int:
    """Close the suggestions left unanswered too long; return how many were closed."""
    now = now or timezone.now()
    due = Suggestion.objects.filter(
        status=Suggestion.Status.ASKED, created_at__lte=now - _lifetime()
    ).values_list("pk", "introduction_id")
    count = 0
    for suggestion_id, introduction_id in due:
        with transaction.atomic():
            # The introduction's lock first, as an answer takes it: one waits for the other.
            introduction = (
                Introduction.objects.select_for_update(of=("self",))
                .select_related("program", "asker__user", "introducer__user")
                .get(pk=introduction_id)
            )
            if not Suggestion.objects.filter(
                pk=suggestion_id, status=Suggestion.Status.ASKED
            ).update(status=Suggestion.Status.EXPIRED, answered_at=now, updated_at=now):
                continue
            close_if_nobody_left(introduction)
            count += 1
    return count
