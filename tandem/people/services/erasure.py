"""Erase a person: private content goes, shared content stays under a former member's name.

The account row itself stays, anonymised and unusable, so that what the partner relies on
(meeting notes, agreement versions, commitments, messages they received) keeps pointing at
someone, and every count an admin reads stays what it was. Everything private (journal,
reflections, check-in comments, decline reasons, concern bodies, notifications, calendar
and sign-in records, sessions, the profile) is deleted or emptied.
"""

import datetime
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from simple_history.utils import bulk_update_with_history

from tandem.accounts.models import Invitation, Membership, Organization, User
from tandem.accounts.tasks import send_rendered_email
from tandem.board.models import Answer, HelpfulMark, ModerationAction, Question, Report
from tandem.coaching.models import CoachProfile, SessionNote
from tandem.core.errors import DomainError
from tandem.insights.impact.services import shared_words_erase
from tandem.insights.snapshots.services import snapshots_forget_person
from tandem.interviews.models import Interview, InterviewNote, InterviewOffer
from tandem.notifications.models import Notification
from tandem.notifications.services import notify
from tandem.people.models import ScimUser
from tandem.people.services.leaving import memberships_leave
from tandem.people.services.member_exports import member_exports_delete
from tandem.programs.models import Enrollment, EnrollmentTopic, IdentityUse, Program
from tandem.relationships.models import (
    CalendarFeed,
    CheckIn,
    Concern,
    JournalEntry,
    MentorshipRequest,
    Proposal,
    Reflection,
    Relationship,
)
from tandem.relationships.services import (
    proposal_answer,
    relationship_close,
    request_decline,
    request_withdraw,
)
from tandem.security.models import SecurityEvent

logger = logging.getLogger(__name__)

ERASED_NAME = "Former member"
# What notifications already sent to others say instead of the person's name.
ERASED_MENTION = "A former member"
# Reserved for addresses that can never receive mail (RFC 2606).
ERASED_DOMAIN = "erased.invalid"
CONCERN_REMOVED = "Removed: the person who raised this concern deleted their account."
# A board post keeps its place in its thread, for the replies around it, without its words.
POST_REMOVED = "Removed: the person who wrote this deleted their account."
QUESTION_REMOVED_TITLE = "A question whose author deleted their account"

CLOSE_MESSAGE = (
    "They have left Tandem. What you wrote together (your agreement, meeting notes and "
    "commitments) stays readable for you. You are welcome to look for a new match."
)
REQUEST_REPLY = (
    "I have left Tandem, so I cannot take this on. This says nothing about you: "
    "please ask another mentor."
)

# Apps of the sign-in system whose rows (addresses, second factors, linked accounts,
# sessions) belong to one person and go with them.
SIGN_IN_APPS = ("account", "mfa", "socialaccount", "usersessions")


@dataclass(frozen=True)
class WindDown:
    """What ended, with notice to the other side."""

    relationships_closed: int = 0
    requests_answered: int = 0
    proposals_declined: int = 0
    enrollments_ended: int = 0


@dataclass(frozen=True)
class ErasureSummary:
    """What an erasure or a membership ending did, for the page and the support desk."""

    user_id: int
    erased: bool
    already_erased: bool = False
    ended: WindDown = WindDown()
    private_items_deleted: int = 0
    exports_deleted: int = 0


def erased_email(user_id: int) -> str:
    return f"erased-{user_id}@{ERASED_DOMAIN}"


ERASED_HASH_SALT = "tandem.people.erased-address"


def erased_address_hash(email: str, *, secret: str | None = None) -> str:
    """Return the keyed one-way hash an erased person's address is remembered by."""
    # Keyed with the site's secret: a plain hash of an address is undone by hashing a
    # list of likely addresses.
    return salted_hmac(
        ERASED_HASH_SALT, email.strip().lower(), secret=secret, algorithm="sha256"
    ).hexdigest()


def erased_address_hashes(email: str) -> list[str]:
    """Return the address's hash under the site's secret and each secret it replaced."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [erased_address_hash(email, secret=secret) for secret in secrets]


def erased_in_organization(
    *, organization: Organization, emails: list[str]
) -> dict[str, datetime.datetime]:
    """Return when each of these addresses was erased on request from the organization.

    Only people erased while members of this organization are found, so one organization
    learns nothing of another's leavers. A file or an identity provider naming them again
    leaves them alone: coming back is the person's own choice, through an invitation.
    """
    by_hash = {h: email for email in emails for h in erased_address_hashes(email)}
    found: dict[str, datetime.datetime] = {}
    hashes = list(by_hash)
    for start in range(0, len(hashes), 5000):
        rows = (
            User.objects.filter(
                erased_email_hash__in=hashes[start : start + 5000],
                memberships__organization=organization,
            )
            .values_list("erased_email_hash", "erased_at")
            .distinct()
        )
        for address_hash, erased_at in rows:
            if erased_at is None:
                continue
            email = by_hash[address_hash]
            found[email] = max(erased_at, found.get(email, erased_at))
    return found


def user_is_erased(user: User) -> bool:
    return user.email.endswith(f"@{ERASED_DOMAIN}")


# Checks, shared by the pages and the services.


def erasure_refusal_for_org_admin(*, admin: User, membership: Membership) -> str | None:
    """Return why an organization admin may not act on this membership, or None."""
    person = membership.user
    if person.pk == admin.pk:
        return "You cannot remove yourself here. Use “Delete my account” instead."
    if person.is_staff or person.is_superuser:
        return "This person is part of the site staff. Ask the site administrators."
    if user_is_erased(person):
        return "This person's account has already been erased."
    return None


def belongs_elsewhere(*, person: User, organization: Organization) -> bool:
    """Say whether the person has a place outside this organization, which erasure would end."""
    other_memberships = Membership.objects.filter(user=person).exclude(organization=organization)
    other_programs = Enrollment.objects.filter(user=person).exclude(
        program__organization=organization
    )
    return other_memberships.exists() or other_programs.exists()


# The services.


@transaction.atomic
def person_erase(*, person: User, by: User | None, reason: str = "") -> ErasureSummary:
    """Erase a person: end what is open with notice, delete private content, anonymise them.

    ``by`` is the person themself, the organization admin who acts on a leaver's request,
    or None for the support desk's command. Erasing twice changes nothing the second time.
    """
    person = User.objects.select_for_update().get(pk=person.pk)
    if user_is_erased(person):
        return ErasureSummary(user_id=person.pk, erased=True, already_erased=True)
    if (
        person.is_superuser
        and not User.objects.filter(is_superuser=True, is_active=True)
        .exclude(pk=person.pk)
        .exists()
    ):
        raise DomainError(
            "This is the site's only superuser account. Make someone else a superuser first."
        )
    if by is not None and by.pk != person.pk and not reason.strip():
        raise DomainError("Say why, for the record: for example, the request you received.")
    address, name = person.email, person.display_name
    # Members files written earlier hold their name and address; none may outlive them.
    exports = member_exports_delete(
        organization_ids=Membership.objects.filter(user=person).values_list(
            "organization_id", flat=True
        )
    )
    names = _names_of(person)
    counterparts = _counterparts(person)
    ended = _wind_down(person, programs=None, note=CLOSE_MESSAGE)
    deleted = _delete_private(person)
    _empty_profiles(person, by=by, reason=reason)
    _scrub_shared_records(person)
    _security_log_scrub(person)
    _mentions_replace(user_ids=counterparts, names=names)
    # Remembered so that a later people file leaves them alone (see the import's preview).
    person.erased_at = timezone.now()
    person.erased_email_hash = erased_address_hash(address)
    _anonymise(person)
    _log(person=person, by=by, kind=SecurityEvent.Kind.ACCOUNT_ERASED, reason=reason)
    transaction.on_commit(lambda: _send_farewell(address=address, name=name, by_self=by == person))
    return ErasureSummary(
        user_id=person.pk,
        erased=True,
        ended=ended,
        private_items_deleted=deleted,
        exports_deleted=exports,
    )


@transaction.atomic
def membership_erase(*, admin: User, membership: Membership, reason: str) -> ErasureSummary:
    """Act on a leaver's request: erase them, or only end this membership if they are elsewhere.

    The caller fetched the membership through the access policy, so the admin runs its
    organization.
    """
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user", "organization")
        .get(pk=membership.pk)
    )
    refusal = erasure_refusal_for_org_admin(admin=admin, membership=membership)
    if refusal:
        raise DomainError(refusal)
    if not reason.strip():
        raise DomainError(
            "Say why, for the record: for example, the request you received.", field="reason"
        )
    person, organization = membership.user, membership.organization
    if not belongs_elsewhere(person=person, organization=organization):
        return person_erase(person=person, by=admin, reason=reason)
    # Their account is not this organization's to erase: they leave it, as any leaver does.
    left = memberships_leave(memberships=[membership], by=admin, reason=reason)
    # They asked to be erased: this organization's members files must not keep them.
    exports = member_exports_delete(organization_ids=[organization.pk])
    _log(
        person=person,
        by=admin,
        kind=SecurityEvent.Kind.MEMBERSHIP_ENDED,
        reason=reason,
        organization_id=organization.pk,
    )
    ended = WindDown(
        relationships_closed=left.relationships_ended,
        requests_answered=left.requests_ended,
        proposals_declined=left.proposals_ended,
    )
    return ErasureSummary(user_id=person.pk, erased=False, ended=ended, exports_deleted=exports)


# Ending what is open, with notice to the other side.


def _wind_down(person: User, *, programs: QuerySet[Program] | None, note: str) -> WindDown:
    enrollments = Enrollment.objects.filter(user=person)
    if programs is not None:
        enrollments = enrollments.filter(program__in=programs)
    mine = list(enrollments.values_list("pk", flat=True))
    now = timezone.now()
    answered = 0
    for request in MentorshipRequest.objects.filter(
        Q(mentee__in=mine) | Q(mentor__in=mine), status=MentorshipRequest.Status.PENDING
    ).select_related("mentee"):
        answered += 1
        if request.expires_at <= now:
            _set(request, status=MentorshipRequest.Status.EXPIRED, answered_at=now)
        elif request.mentee.user_id == person.pk:
            request_withdraw(request=request, by=person)
        else:
            request_decline(request=request, by=person, reply=REQUEST_REPLY)
    declined = 0
    for proposal in Proposal.objects.filter(
        Q(mentee__in=mine) | Q(mentor__in=mine), status=Proposal.Status.PENDING
    ).select_related("mentor__user", "mentee__user"):
        declined += 1
        _proposal_decline(proposal, person, now)
    closed = 0
    for relationship in Relationship.objects.filter(
        Q(mentee__in=mine) | Q(mentor__in=mine), status__in=Relationship.HOLDS_CAPACITY
    ):
        relationship_close(relationship=relationship, by=person, reason="other", message=note)
        closed += 1
    ended = Enrollment.objects.filter(pk__in=mine, status=Enrollment.Status.ACTIVE).update(
        status=Enrollment.Status.WITHDRAWN, accepting_now=False, updated_at=now
    )
    # Their name and figures leave the stored mentor impact tables now, not at the next
    # nightly refresh; the stored fairness counts hold no one's name and no group under 5.
    snapshots_forget_person(person=person, programs=programs)
    administered = Program.admins.through.objects.filter(user=person)
    if programs is not None:
        administered = administered.filter(program__in=programs)
    administered.delete()
    return WindDown(
        relationships_closed=closed,
        requests_answered=answered,
        proposals_declined=declined,
        enrollments_ended=ended,
    )


def _proposal_decline(proposal: Proposal, person: User, now: datetime.datetime) -> None:
    side = proposal.side_of(person.pk)
    if proposal.expires_at <= now:
        _set(proposal, status=Proposal.Status.EXPIRED)
    elif not getattr(proposal, f"{side}_answer"):
        proposal_answer(proposal=proposal, by=person, accept=False)
    else:
        # They had said yes and the other side had not answered yet: the answer no longer holds.
        _set(proposal, status=Proposal.Status.DECLINED)
        other = proposal.mentee if side == "mentor" else proposal.mentor
        notify(
            user=other.user,
            kind="proposal_declined",
            title=f"The proposed match with {person.full_name} will not go ahead",
            body="They have left. You stay in the next matching round.",
            url=reverse("relationships:proposal", args=[proposal.pk]),
        )


def _set(obj: models.Model, **values: Any) -> None:
    type(obj)._default_manager.filter(pk=obj.pk).update(**values)


# Private content.


def _delete_private(person: User) -> int:
    deleted = 0
    for queryset in (
        JournalEntry.objects.filter(author=person),
        Reflection.objects.filter(author=person),
        Notification.objects.filter(user=person),
        CalendarFeed.objects.filter(user=person),
    ):
        deleted += _delete(queryset)
    _update(CheckIn.objects.filter(author=person), comment="")
    _update(Proposal.objects.filter(mentor__user=person), mentor_decline_reason="")
    _update(Proposal.objects.filter(mentee__user=person), mentee_decline_reason="")
    _update(Concern.objects.filter(reporter=person), body=CONCERN_REMOVED)
    _update(Question.objects.filter(author=person), title=QUESTION_REMOVED_TITLE, body=POST_REMOVED)
    _update(Answer.objects.filter(author=person), body=POST_REMOVED)
    # What a moderator's edit changed in their posts, kept for the moderators.
    ModerationAction.objects.filter(
        Q(question__author=person, answer__isnull=True) | Q(answer__author=person)
    ).update(before_text="", after_text="")
    deleted += shared_words_erase(person=person)
    deleted += _delete(HelpfulMark.objects.filter(marked_by=person))
    # Informational interviews: their private notes go; the words they wrote to the other
    # person, and what they said they offer, are blanked.
    deleted += _delete(InterviewNote.objects.filter(author=person))
    # Coaching: their private session notes go; the coach's profile is emptied.
    deleted += _delete(SessionNote.objects.filter(author=person))
    _update(
        CoachProfile.objects.filter(enrollment__user=person),
        credentials="",
        approach="",
        availability="",
    )
    _update(Interview.objects.filter(asker__user=person), message=POST_REMOVED)
    _update(Interview.objects.filter(host__user=person, declined_for_limit=False), reply="")
    _update(InterviewOffer.objects.filter(enrollment__user=person), about="", is_offering=False)
    deleted += _delete(Report.objects.filter(reporter=person))
    # Their sessions stop working at once (the account is inactive, its password changed);
    # the rows themselves go after commit, since finding them means reading every session.
    transaction.on_commit(lambda: _sessions_end(person))
    for app_label in SIGN_IN_APPS:
        if not apps.is_installed(f"allauth.{app_label}"):
            continue
        for model in apps.get_app_config(app_label).get_models():
            field = _user_field(model)
            if field is not None:
                deleted += _delete(model._default_manager.filter(**{field: person}))
    return deleted


def _user_field(model: type[models.Model]) -> str | None:
    for field in model._meta.concrete_fields:
        if field.is_relation and field.related_model is User:
            return field.name
    return None


def _sessions_end(person: User) -> None:
    if settings.SESSION_ENGINE not in (
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    ):
        return  # other stores end with the password change that _anonymise makes
    key = str(person.pk)
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == key
    ]
    Session.objects.filter(pk__in=ended).delete()


def _empty_profiles(person: User, *, by: User | None, reason: str) -> None:
    enrollments = Enrollment.objects.filter(user=person)
    _delete(EnrollmentTopic.objects.filter(enrollment__in=enrollments))
    _update(
        enrollments,
        status=Enrollment.Status.WITHDRAWN,
        accepting_now=False,
        goals="",
        what_i_bring="",
        why_i_mentor="",
        meeting_modes=[],
        preferred_cadence="",
        languages=[],
        identity_attributes=[],
        identity_use=IdentityUse.PRIVATE,
        requested_attributes=[],
        next_match_asks={},
    )
    memberships = list(Membership.objects.filter(user=person))
    _history_update(Membership, [m.pk for m in memberships], {"title": "", "location": ""})
    for membership in memberships:
        membership.status = Membership.Status.ALUMNI
        membership.role = Membership.Role.MEMBER
        membership.title = ""
        membership.location = ""
    if memberships:
        # The audit trail records who erased them and why, as for any change of membership.
        bulk_update_with_history(
            memberships,
            Membership,
            ["status", "role", "title", "location"],
            default_user=by,
            default_change_reason=f"Erased: {reason.strip()}"[:100] if reason.strip() else "Erased",
        )
        _reports_move_up(memberships, by=by)


def _reports_move_up(memberships: list[Membership], *, by: User | None) -> None:
    """People who reported to the erased person now report to that person's own manager.

    Nobody keeps an erased placeholder as their manager; the reporting line above them,
    which the pairing rules protect, stays whole.
    """
    reports = list(Membership.objects.filter(manager__in=memberships).order_by("pk"))
    above = {m.pk: m.manager_id for m in memberships}
    for report in reports:
        assert report.manager_id is not None  # found by their manager
        report.manager_id = above[report.manager_id]
    if reports:
        bulk_update_with_history(
            reports,
            Membership,
            ["manager"],
            default_user=by,
            default_change_reason="Their manager's account was erased",
        )


def _scrub_shared_records(person: User) -> None:
    """Replace the person's address and name where records others keep still show them."""
    _update(
        Invitation.objects.filter(Q(email__iexact=person.email) | Q(accepted_by=person)),
        email=erased_email(person.pk),
    )
    # The identity provider's id for them goes, and the provider no longer sees them.
    _update(
        ScimUser.objects.filter(membership__user=person), external_id="", deleted_at=timezone.now()
    )
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(person.pk)
    ).update(object_repr=ERASED_NAME)


# Names in what was already sent to the other people.


def _names_of(person: User) -> list[str]:
    names = {person.full_name.strip(), person.display_name.strip(), person.email}
    return sorted((n for n in names if len(n) >= 2), key=len, reverse=True)


def _counterparts(person: User) -> set[int]:
    """Return the people who were paired, asked or proposed with this person."""
    ids: set[int] = set()
    for model in (Relationship, MentorshipRequest, Proposal):
        rows = model._default_manager.filter(Q(mentor__user=person) | Q(mentee__user=person))
        for mentor, mentee in rows.values_list("mentor__user_id", "mentee__user_id"):
            ids.update((mentor, mentee))
    ids.discard(person.pk)
    return ids


def _mentions_replace(*, user_ids: Iterable[int], names: list[str]) -> None:
    if not names:
        return
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b")
    mentions = Q()
    for name in names:
        mentions |= Q(title__contains=name) | Q(body__contains=name)
    for notification in Notification.objects.filter(mentions, user_id__in=list(user_ids)):
        title = pattern.sub(_mention, notification.title)[:200]
        body = pattern.sub(_mention, notification.body)
        if (title, body) != (notification.title, notification.body):
            Notification.objects.filter(pk=notification.pk).update(title=title, body=body)


def _mention(match: re.Match[str]) -> str:
    starts_sentence = match.start() == 0 or match.string[: match.start()].rstrip()[-1:] in ".!?"
    return ERASED_MENTION if starts_sentence else ERASED_MENTION.lower()


# The account itself.


def _anonymise(person: User) -> None:
    person.email = erased_email(person.pk)
    person.full_name = ERASED_NAME
    # Pages greet people by their preferred name, or else the first word of their name.
    person.preferred_name = ERASED_NAME
    person.pronouns = ""
    person.is_active = False
    person.is_staff = False
    person.is_superuser = False
    person.email_digest = False
    person.last_login = None
    person.set_unusable_password()
    person.save()
    person.groups.clear()
    person.user_permissions.clear()
    _history_update(
        User,
        [person.pk],
        {
            "email": person.email,
            "full_name": ERASED_NAME,
            "preferred_name": ERASED_NAME,
            "pronouns": "",
            "password": person.password,
        },
    )


def _log(
    *,
    person: User,
    by: User | None,
    kind: str,
    reason: str,
    organization_id: int | None = None,
) -> None:
    """Record the erasure in the security log: whom, who asked, and why."""
    by_whom = "support desk" if by is None else ("self" if by.pk == person.pk else by.pk)
    logger.info("%s: user %s by %s", kind, person.pk, by_whom)
    if not apps.is_installed("tandem.security"):
        return
    from tandem.security.services import security_event_record

    security_event_record(
        kind=kind,
        user=person,
        organization_id=organization_id,
        detail={"by": by_whom, "reason": reason.strip()[:200]},
    )


def _security_log_scrub(person: User) -> None:
    """Keep the person's security events as counts only, no longer linked to them."""
    if not apps.is_installed("tandem.security"):
        return
    from tandem.security.services import security_events_forget

    security_events_forget(user=person)


def _send_farewell(*, address: str, name: str, by_self: bool) -> None:
    try:
        send_rendered_email.enqueue(
            subject="Your Tandem account was deleted",
            body=render_to_string(
                "people/erasure/email/erased.txt",
                {"name": name, "by_self": by_self, "site_url": settings.SITE_URL},
            ),
            to=[address],
        )
    except Exception:  # the erasure stands; the mail server is somebody else's trouble
        logger.exception("Could not send the farewell mail for an erased account.")


# Writes that also reach the audit history, so that no old copy keeps what was removed.


def _update(queryset: QuerySet[Any], **values: Any) -> int:
    ids = list(queryset.values_list("pk", flat=True))
    if not ids:
        return 0
    queryset.model._default_manager.filter(pk__in=ids).update(**values)
    _history_update(queryset.model, ids, values)
    return len(ids)


def _delete(queryset: QuerySet[Any]) -> int:
    ids = list(queryset.values_list("pk", flat=True))
    if not ids:
        return 0
    count, _ = queryset.model._default_manager.filter(pk__in=ids).delete()
    history = _history_model(queryset.model)
    if history is not None:
        history._default_manager.filter(id__in=ids).delete()
    return count


def _history_model(model: type[models.Model]) -> type[models.Model] | None:
    attribute = getattr(model._meta, "simple_history_manager_attribute", None)
    if attribute is None:
        return None
    history: type[models.Model] = getattr(model, attribute).model
    return history


def _history_update(model: type[models.Model], ids: list[int], values: dict[str, Any]) -> None:
    history = _history_model(model)
    if history is None:
        return
    kept = {f.name for f in history._meta.concrete_fields}
    changes = {k: v for k, v in values.items() if k in kept and k != "updated_at"}
    if changes:
        history._default_manager.filter(id__in=ids).update(**changes)
