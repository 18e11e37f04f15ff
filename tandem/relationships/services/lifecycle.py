"""Pause, resume, close without blame, raise a concern, and reflect before a rematch."""

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import User
from tandem.coaching import sponsor_news
from tandem.core.errors import DomainError
from tandem.core.submissions import create_once
from tandem.insights.impact.services import shared_words_record
from tandem.insights.models import SharedWords
from tandem.notifications.services import notify
from tandem.notifications.when import local_date, local_now
from tandem.policy.access import user_administers_program
from tandem.relationships.events import concern_raised_emit, relationship_event_emit
from tandem.relationships.models import (
    Concern,
    JournalEntry,
    MatchExclusion,
    Meeting,
    Reflection,
    Relationship,
)
from tandem.relationships.services.last_met import relationships_last_met_refresh
from tandem.relationships.services.rhythm import meetings_plan_next
from tandem.webhooks.models import Endpoint


def _url(relationship: Relationship) -> str:
    return reverse("relationships:detail", args=[relationship.pk])


def _locked(relationship: Relationship) -> Relationship:
    return (
        Relationship.objects.select_for_update(of=("self",))
        .select_related("program", "mentor__user", "mentee__user", "mentee__membership", "focus")
        .get(pk=relationship.pk)
    )


def _check_participant(relationship: Relationship, user: User) -> None:
    if user.pk not in relationship.participant_ids():
        raise DomainError("Only the two people in this relationship can do that.")


@transaction.atomic
def relationship_pause(
    *, relationship: Relationship, by: User, until: datetime.date | None = None
) -> Relationship:
    """Pause an active relationship; planned meetings and reminders stop, history stays."""
    relationship = _locked(relationship)
    _check_participant(relationship, by)
    if relationship.status != Relationship.Status.ACTIVE:
        raise DomainError("Only an active relationship can be paused.")
    if until is not None and until <= timezone.localdate():
        raise DomainError("Choose a return date in the future, or leave it open.", field="until")
    limit = relationship.program.max_pause_days
    if until is not None and until > timezone.localdate() + datetime.timedelta(days=limit):
        raise DomainError(f"A pause lasts at most {limit} days in this program.", field="until")
    relationship.status = Relationship.Status.PAUSED
    relationship.paused_at = timezone.now()
    relationship.pause_until = until
    relationship.save(update_fields=["status", "paused_at", "pause_until", "updated_at"])
    relationship.meetings.filter(status=Meeting.Status.PLANNED).update(
        status=Meeting.Status.CANCELLED
    )
    relationships_last_met_refresh(relationship_ids=[relationship.pk])
    relationship_event_emit(relationship=relationship, kind=Endpoint.Event.RELATIONSHIP_PAUSED)
    partner = relationship.partner_of(by.pk).user
    back = f" until {local_date(partner, until)}" if until else ""
    notify(
        user=partner,
        kind="relationship_paused",
        title=f"{by.display_name} paused your relationship{back}",
        body="Pausing is normal. Nothing is lost; either of you can resume at any time.",
        url=_url(relationship),
    )
    return relationship


@transaction.atomic
def relationship_resume(*, relationship: Relationship, by: User) -> Relationship:
    """Resume a paused relationship and plan the next meeting."""
    relationship = _locked(relationship)
    _check_participant(relationship, by)
    if relationship.status != Relationship.Status.PAUSED:
        raise DomainError("Only a paused relationship can be resumed.")
    relationship.status = Relationship.Status.ACTIVE
    if relationship.paused_at is not None:
        paused = timezone.localdate() - timezone.localdate(relationship.paused_at)
        relationship.paused_days += max(paused.days, 0)
    relationship.paused_at = None
    relationship.pause_until = None
    relationship.save(
        update_fields=["status", "paused_at", "pause_until", "paused_days", "updated_at"]
    )
    meetings_plan_next(relationship=relationship)
    notify(
        user=relationship.partner_of(by.pk).user,
        kind="relationship_resumed",
        title=f"{by.display_name} resumed your relationship",
        url=_url(relationship),
    )
    return relationship


def _close(relationship: Relationship, reason: str, by: User | None) -> None:
    relationship.status = Relationship.Status.CLOSED
    relationship.closed_at = timezone.now()
    relationship.close_reason = reason
    relationship.closed_by = by
    relationship.save(
        update_fields=["status", "closed_at", "close_reason", "closed_by", "updated_at"]
    )
    relationship.meetings.filter(status=Meeting.Status.PLANNED).update(
        status=Meeting.Status.CANCELLED
    )
    relationships_last_met_refresh(relationship_ids=[relationship.pk])
    if reason == Relationship.CloseReason.NOT_A_FIT:
        MatchExclusion.objects.get_or_create(
            mentee=relationship.mentee,
            mentor=relationship.mentor,
            defaults={"reason": "not a fit"},
        )
    # Every way a relationship closes comes through here, so each is reported once.
    relationship_event_emit(relationship=relationship, kind=Endpoint.Event.RELATIONSHIP_CLOSED)
    sponsor_news.engagement_sponsor_tell(relationship=relationship, event=sponsor_news.CLOSED)


@transaction.atomic
def relationship_close(
    *,
    relationship: Relationship,
    by: User,
    reason: str,
    private_reason: str = "",
    message: str = "",
) -> Relationship:
    """Close a relationship without blame; each keeps read-only access to what was shared."""
    relationship = _locked(relationship)
    _check_participant(relationship, by)
    if relationship.status == Relationship.Status.CLOSED:
        raise DomainError("This relationship is already closed.")
    allowed = {
        Relationship.CloseReason.COMPLETED,
        Relationship.CloseReason.NOT_A_FIT,
        Relationship.CloseReason.OTHER,
    }
    if reason not in allowed:
        raise DomainError("Choose why you are closing.", field="reason")
    _close(relationship, reason, by)
    if private_reason.strip():
        # The private reason is a journal entry: its author is its only reader.
        JournalEntry.objects.create(
            author=by,
            relationship=relationship,
            title=f"Why I closed my relationship with {relationship.partner_of(by.pk).user}",
            body=private_reason.strip(),
        )
    partner = relationship.partner_of(by.pk).user
    notify(
        user=partner,
        kind="relationship_closed",
        title=f"{by.display_name} closed your relationship on {relationship.focus}",
        body=message.strip() or "Thank you for the time you gave each other.",
        url=_url(relationship),
    )
    if relationship.mentee.user_id == by.pk and not relationship.is_peer:
        # A mentee's note is theirs to withdraw later; the mentor's impact page reads it.
        shared_words_record(
            relationship=relationship,
            author=by,
            body=message,
            source=SharedWords.Source.CLOSING_NOTE,
        )
    _offer_rematch(relationship)
    return relationship


def _offer_rematch(relationship: Relationship) -> None:
    if relationship.close_reason != Relationship.CloseReason.NOT_A_FIT or relationship.is_peer:
        return
    notify(
        user=relationship.mentee.user,
        kind="rematch_offered",
        title="Not a fit? That is normal. Let's find a better match",
        body="A short reflection helps us propose someone who suits you better.",
        url=reverse("relationships:reflect", args=[relationship.pk]),
    )


@transaction.atomic
def relationship_end_by_admin(
    *, relationship: Relationship, admin: User, message: str
) -> Relationship:
    """End a relationship as the program's admin, telling both people why."""
    relationship = _locked(relationship)
    if not user_administers_program(user=admin, program=relationship.program):
        raise DomainError("Only the program's admins can end a relationship.")
    if relationship.status == Relationship.Status.CLOSED:
        raise DomainError("This relationship is already closed.")
    if not message.strip():
        raise DomainError("Tell both people why the program ends it.", field="message")
    _close(relationship, Relationship.CloseReason.ENDED_BY_ADMIN, admin)
    for enrollment in (relationship.mentor, relationship.mentee):
        notify(
            user=enrollment.user,
            kind="relationship_closed",
            title=f"The program ended your relationship on {relationship.focus}",
            body=message.strip(),
            url=_url(relationship),
        )
    return relationship


def pause_closes_on(relationship: Relationship) -> datetime.date | None:
    """Return the day a paused relationship closes gently unless someone resumes it.

    The program's limit counts from the return date the pair chose, or else from the pause.
    """
    if relationship.status != Relationship.Status.PAUSED or relationship.paused_at is None:
        return None
    start = relationship.pause_until or timezone.localdate(relationship.paused_at)
    if start > datetime.date.max - datetime.timedelta(days=relationship.program.max_pause_days):
        return datetime.date.max  # a return date from before dates were bounded
    return start + datetime.timedelta(days=relationship.program.max_pause_days)


# On the return date, people are asked from this hour of their own morning.
RETURN_PROMPT_HOUR = 8


def relationships_ask_to_return(*, now: datetime.datetime | None = None) -> int:
    """On a pause's return date, ask both people, once, to resume or close; return how many."""
    now = now or timezone.now()
    due = Relationship.objects.select_related(
        "program", "mentor__user", "mentee__user", "focus"
    ).filter(
        status=Relationship.Status.PAUSED,
        # Calendars run up to a day ahead of UTC; each person's own date decides below.
        pause_until__lte=now.date() + datetime.timedelta(days=1),
    )
    count = 0
    for relationship in due:
        for enrollment in (relationship.mentor, relationship.mentee):
            if _ask_to_return(relationship, enrollment.user, now):
                count += 1
    return count


def _ask_to_return(relationship: Relationship, user: User, now: datetime.datetime) -> bool:
    until, closes_on = relationship.pause_until, pause_closes_on(relationship)
    if until is None or closes_on is None:
        return False
    clock = local_now(user, organization_id=relationship.program.organization_id, now=now)
    if (clock.date(), clock.hour) < (until, RETURN_PROMPT_HOUR):
        return False
    partner = relationship.partner_of(user.pk).user
    resume = reverse("relationships:resume", args=[relationship.pk])
    close = reverse("relationships:close", args=[relationship.pk])
    sent = notify(
        user=user,
        kind="pause_ended",
        title=f"Back from your pause with {partner.display_name}?",
        body=f"You planned to pick up again on {local_date(user, until)}. Resume, and we plan "
        "your next meeting at your agreed rhythm; or close without blame if the time has "
        "come. Either of you can choose. If neither of you does, the relationship closes "
        f"gently on {local_date(user, closes_on)}.\n"
        f"Resume: {settings.SITE_URL}{resume}\n"
        f"Close: {settings.SITE_URL}{close}",
        url=resume,
        dedupe_key=f"pause-ended-{relationship.pk}-{relationship.paused_at:%Y%m%d%H%M%S}",
    )
    return sent is not None


def relationships_close_long_paused(*, now: datetime.datetime | None = None) -> int:
    """Close, as inactive, relationships paused past the program's limit; return how many.

    The limit counts from the return date when the pair gave one, otherwise from the pause.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    paused = Relationship.objects.select_related(
        "program", "mentor__user", "mentee__user", "focus"
    ).filter(status=Relationship.Status.PAUSED)
    count = 0
    for relationship in paused:
        closes_on = pause_closes_on(relationship)
        if closes_on is None or today < closes_on:
            continue
        with transaction.atomic():
            locked = _locked(relationship)
            if locked.status != Relationship.Status.PAUSED:
                continue
            _close(locked, Relationship.CloseReason.INACTIVE, None)
            for enrollment in (locked.mentor, locked.mentee):
                notify(
                    user=enrollment.user,
                    kind="relationship_closed",
                    title=f"Your paused relationship on {locked.focus} has ended gently",
                    body="It was paused for a long time, so we closed it. That is a normal "
                    "way for things to end. Everything you shared stays readable, and you "
                    "are welcome to start again whenever you like.",
                    url=_url(locked),
                    dedupe_key=f"closed-inactive-{locked.pk}",
                )
            count += 1
    return count


@transaction.atomic
def concern_raise(
    *,
    relationship: Relationship,
    reporter: User,
    body: str,
    kind: str = Concern.Kind.GENERAL,
    submission_key: str | None = None,
) -> Concern:
    """Raise a confidential concern with the program admins; the partner is not told."""
    _check_participant(relationship, reporter)
    if kind not in Concern.Kind.values:
        raise DomainError("Choose what the concern is about.", field="kind")
    if len(body.strip()) < 10:
        raise DomainError("Say briefly what happened, so the admins can help.", field="body")
    concern, created = create_once(
        Concern,
        submission_key=submission_key,
        owner={"reporter": reporter},
        relationship=relationship,
        kind=kind,
        body=body.strip(),
    )
    if not created:
        return concern  # the same form sent twice: the admins were told the first time
    concern_raised_emit(concern=concern)
    for admin in relationship.program.admins.all():
        notify(
            user=admin,
            kind="concern_raised",
            title=f"A participant raised a concern in {relationship.program}"
            if kind == Concern.Kind.GENERAL
            else f"A participant raised a concern in {relationship.program}: "
            f"{concern.get_kind_display().lower()}",
            url=reverse("relationships:concern", args=[concern.pk]),
        )
    return concern


@transaction.atomic
def concern_update(
    *, concern: Concern, admin: User, status: str, response: str, name_reporter: bool = False
) -> Concern:
    """Move a concern along and tell the reporter; only an admin may name them to the partner."""
    if not user_administers_program(user=admin, program=concern.relationship.program):
        raise DomainError("Only the program's admins handle concerns.")
    if status not in Concern.Status.values:
        raise DomainError("Choose a status.", field="status")
    concern.status = status
    concern.response = response.strip()
    concern.reporter_named_to_partner = name_reporter
    concern.save(update_fields=["status", "response", "reporter_named_to_partner", "updated_at"])
    notify(
        user=concern.reporter,
        kind="concern_updated",
        title=f"Your concern is now: {concern.get_status_display().lower()}",
        body=concern.response,
        url=reverse("relationships:concern", args=[concern.pk]),
    )
    return concern


@transaction.atomic
def reflection_save(
    *,
    relationship: Relationship,
    author: User,
    keep: str,
    different: str,
    my_part: str,
    share_with_next: bool,
    share_keep_with_mentor: bool = False,
) -> Reflection:
    """Record what a mentee takes from a relationship that was not a fit."""
    relationship = Relationship.objects.select_related("mentee").get(pk=relationship.pk)
    if relationship.mentee.user_id != author.pk:
        raise DomainError("The reflection before a rematch is the mentee's to write.")
    if relationship.close_reason != Relationship.CloseReason.NOT_A_FIT:
        raise DomainError("A rematch reflection follows a relationship that was not a fit.")
    if not different.strip():
        raise DomainError("Say what should be different next time.", field="different")
    reflection, _ = Reflection.objects.update_or_create(
        relationship=relationship,
        defaults={
            "author": author,
            "keep": keep.strip(),
            "different": different.strip(),
            "my_part": my_part.strip(),
            "share_with_next": share_with_next,
        },
    )
    # Only the answer to "what worked" may reach the mentor, and only when asked to;
    # unticking the box takes back what was shared before.
    if not relationship.is_peer:
        shared_words_record(
            relationship=relationship,
            author=author,
            body=reflection.keep if share_keep_with_mentor else "",
            source=SharedWords.Source.REFLECTION,
        )
    return reflection
