"""Agreements: drafted together, signed by both, never changed once signed."""

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tandem.accounts.models import User
from tandem.coaching import sponsor_news
from tandem.coaching.models import Engagement
from tandem.coaching.terms import (
    COACHING_CHOICE_REASONS,
    coaching_term_refused,
    contract_missing,
    engagement_defaults,
)
from tandem.core.errors import DomainError
from tandem.notifications.services import notify
from tandem.programs.models import CADENCE_DAYS, Cadence, Program
from tandem.relationships.events import relationship_event_emit
from tandem.relationships.models import Agreement, Relationship
from tandem.relationships.services.rhythm import meetings_plan_next
from tandem.webhooks.models import Endpoint

# An agreement is reviewed within a program's life; a later date is a slip of the keyboard.
REVIEW_HORIZON = datetime.timedelta(days=2 * 365)

NO_FAULT_EXIT = (
    "Either of us can end this relationship at any time, without giving a reason and "
    "without blame. We will say so kindly, in a message or in a last conversation."
)


def agreement_template(relationship: Relationship) -> dict[str, Any]:
    """Return the starting terms for a relationship: flexible mentoring, firm coaching."""
    program = relationship.program
    months = program.default_length_months
    review_on = timezone.localdate() + datetime.timedelta(days=min(months, 3) * 30)
    terms: dict[str, Any] = {
        "goals": relationship.mentee.goals,
        "topics_welcome": relationship.focus.name,
        "topics_off_limits": "",
        "setting": Agreement.Setting.EITHER,
        "cadence": relationship.mentee.preferred_cadence or program.default_cadence,
        "meeting_minutes": 45,
        "channels": sorted(
            set(relationship.mentee.meeting_modes) & set(relationship.mentor.meeting_modes)
        )
        or ["video"],
        "texting_ok": False,
        "response_time": "Within three working days",
        "introductions": Agreement.Introductions.LATER,
        "personal_sharing": Agreement.PersonalSharing.SOME,
        "confidentiality": (
            "What we say stays between us, unless someone's safety is at risk or the law "
            "requires otherwise."
        ),
        "accountability": "",
        "derailers": "",
        "review_on": review_on,
        "exit_clause": NO_FAULT_EXIT,
    }
    if program.format == Program.Format.COACHING:
        terms.update(
            setting=Agreement.Setting.OFFICE_HOURS,
            personal_sharing=Agreement.PersonalSharing.WORK_ONLY,
            introductions=Agreement.Introductions.NO,
            cadence=Cadence.FORTNIGHTLY,
            meeting_minutes=60,
            topics_off_limits="Religion, relationships and family, health, unless the client "
            "raises them and both agree.",
        )
    return terms


def agreement_start(*, relationship: Relationship) -> Agreement:
    """Create the first draft from the program's template, with a coaching contract's terms."""
    agreement = Agreement.objects.create(
        relationship=relationship, version=1, **agreement_template(relationship)
    )
    if relationship.program.format == Program.Format.COACHING:
        # Every path that starts a relationship comes through here, so every coaching
        # relationship has its contract's numbers from its first draft on.
        Engagement.objects.get_or_create(
            relationship=relationship, defaults=engagement_defaults(relationship)
        )
    return agreement


def _check_party(agreement: Agreement, user: User) -> None:
    if user.pk not in agreement.relationship.participant_ids():
        raise DomainError("Only the two people in this relationship write its agreement.")
    if agreement.relationship.status == Relationship.Status.CLOSED:
        raise DomainError("This relationship is closed; its agreements are kept as they were.")


def _check_terms(terms: dict[str, Any], program: Program) -> None:
    if not str(terms.get("goals", "")).strip():
        raise DomainError("Write down what you are working towards.", field="goals")
    review_on = terms.get("review_on")
    if isinstance(review_on, datetime.date) and review_on <= timezone.localdate():
        raise DomainError("Pick a review date in the future.", field="review_on")
    if isinstance(review_on, datetime.date) and review_on > timezone.localdate() + REVIEW_HORIZON:
        raise DomainError("Pick a review date at most two years ahead.", field="review_on")
    if not str(terms.get("exit_clause", "")).strip():
        raise DomainError(
            "Keep an exit clause: it makes ending safe for both.", field="exit_clause"
        )
    if "cadence" in terms and terms["cadence"] not in CADENCE_DAYS:
        raise DomainError("Choose how often you will meet.", field="cadence")
    if program.is_coaching and (term := coaching_term_refused(terms)) is not None:
        raise DomainError(COACHING_CHOICE_REASONS[term], field=term)


@transaction.atomic
def agreement_update(*, agreement: Agreement, by: User, **terms: Any) -> Agreement:
    """Change a draft; any change clears signatures already given to that draft."""
    agreement = (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("relationship__program", "relationship__mentor", "relationship__mentee")
        .get(pk=agreement.pk)
    )
    _check_party(agreement, by)
    if agreement.is_signed:
        raise DomainError("A signed agreement never changes. Propose a new version to renegotiate.")
    unknown = set(terms) - set(Agreement.TERMS)
    if unknown:
        raise TypeError(f"Unknown agreement terms: {', '.join(sorted(unknown))}")
    _check_terms(
        {**{t: getattr(agreement, t) for t in Agreement.TERMS}, **terms},
        agreement.relationship.program,
    )
    changed = [name for name, value in terms.items() if getattr(agreement, name) != value]
    if not changed:
        return agreement
    for name in changed:
        setattr(agreement, name, terms[name])
    _unsign(agreement, by)
    agreement.save()
    partner = agreement.relationship.partner_of(by.pk).user
    notify(
        user=partner,
        kind="agreement_edited",
        title=f"{by.display_name} edited your draft agreement",
        url=_url(agreement),
        body="Read the changes and sign when you are happy with them.",
    )
    return agreement


def _unsign(agreement: Agreement, by: User) -> bool:
    """Clear the draft's signatures after a change, so both sign the same words again."""
    was_signed = bool(agreement.mentor_signed_at or agreement.mentee_signed_at)
    agreement.mentor_signed_at = agreement.mentee_signed_at = None
    agreement.last_edited_by = by
    return was_signed


@transaction.atomic
def agreement_draft_changed(*, relationship: Relationship, by: User) -> Agreement | None:
    """Clear the signatures of the draft after a change to what it binds (a contract's terms).

    Return the draft whose signatures were cleared, or None when nobody had signed it.
    """
    draft = (
        Agreement.objects.select_for_update(of=("self",))
        .filter(relationship=relationship)
        .order_by("-version")
        .first()
    )
    if draft is None or draft.is_signed:
        raise DomainError("The agreement is signed by both of you; its terms no longer change.")
    if not _unsign(draft, by):
        return None
    draft.save(
        update_fields=["mentor_signed_at", "mentee_signed_at", "last_edited_by", "updated_at"]
    )
    return draft


@transaction.atomic
def agreement_sign(*, agreement: Agreement, by: User) -> Agreement:
    """Sign a draft; when both have signed, it is in force and the relationship is active."""
    agreement = (
        Agreement.objects.select_for_update(of=("self",))
        .select_related(
            "relationship__program", "relationship__mentor__user", "relationship__mentee__user"
        )
        .get(pk=agreement.pk)
    )
    _check_party(agreement, by)
    relationship = agreement.relationship
    latest = relationship.agreements.aggregate(v=Max("version"))["v"]
    if agreement.version != latest:
        raise DomainError("A newer version of this agreement exists; sign that one.")
    if agreement.is_signed:
        raise DomainError("This agreement is already signed by both of you.")
    if relationship.program.format == Program.Format.COACHING:
        missing = contract_missing(agreement)
        if missing:
            raise DomainError(
                "Before signing, write down " + _listed(missing) + ".", field="contract"
            )
    field = "mentor_signed_at" if relationship.mentor.user_id == by.pk else "mentee_signed_at"
    if getattr(agreement, field) is not None:
        raise DomainError("You have signed this version; your partner's signature is next.")
    setattr(agreement, field, timezone.now())
    agreement.save(update_fields=[field, "updated_at"])
    partner = relationship.partner_of(by.pk).user
    if not agreement.is_signed:
        notify(
            user=partner,
            kind="agreement_to_sign",
            title=f"{by.display_name} signed your agreement; it needs your signature",
            url=_url(agreement),
        )
        return agreement
    if relationship.status == Relationship.Status.AGREEING:
        relationship.status = Relationship.Status.ACTIVE
        relationship.started_at = timezone.now()
        relationship.save(update_fields=["status", "started_at", "updated_at"])
        # A relationship starts when both have signed its first agreement (not when the
        # request or proposal is accepted): from then on it is active and meets.
        relationship_event_emit(relationship=relationship, kind=Endpoint.Event.RELATIONSHIP_STARTED)
        # A coaching engagement's sponsor learns that the contract they pay for is signed.
        sponsor_news.engagement_sponsor_tell(relationship=relationship, event=sponsor_news.SIGNED)
    meetings_plan_next(relationship=relationship, agreement=agreement)
    for person in (by, partner):
        notify(
            user=person,
            kind="agreement_signed",
            title=f"Agreement version {agreement.version} is signed by both of you",
            url=_url(agreement),
        )
    return agreement


@transaction.atomic
def agreement_renegotiate(*, relationship: Relationship, by: User) -> Agreement:
    """Open a new draft version, copied from the version in force."""
    relationship = Relationship.objects.select_for_update(of=("self",)).get(pk=relationship.pk)
    current = relationship.agreements.order_by("-version").first()
    if current is None:
        raise DomainError("This relationship has no agreement yet.")
    _check_party(current, by)
    if not current.is_signed:
        raise DomainError("There is already a draft to work on; edit it instead.")
    draft = Agreement.objects.create(
        relationship=relationship,
        version=current.version + 1,
        last_edited_by=by,
        **{term: getattr(current, term) for term in Agreement.TERMS},
    )
    notify(
        user=relationship.partner_of(by.pk).user,
        kind="agreement_renegotiate",
        title=f"{by.display_name} proposed to revisit your agreement",
        url=_url(draft),
    )
    return draft


def agreement_changes(old: Agreement | None, new: Agreement) -> list[tuple[str, Any, Any]]:
    """Return (term label, before, after) for each term that differs between versions."""
    if old is None:
        return []
    return [
        (
            _label(term),
            getattr(old, term),
            getattr(new, term),
        )
        for term in Agreement.TERMS
        if getattr(old, term) != getattr(new, term)
    ]


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _label(term: str) -> str:
    return str(getattr(Agreement._meta.get_field(term), "verbose_name", term)).capitalize()


def _url(agreement: Agreement) -> str:
    from django.urls import reverse

    return reverse("relationships:agreement", args=[agreement.relationship_id])
