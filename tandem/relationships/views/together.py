"""Working together: the relationship page, agreement, meetings, commitments, check-ins."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from tandem.coaching.models import Engagement
from tandem.coaching.terms import contract_missing
from tandem.core.errors import DomainError
from tandem.core.forms import posted, run_service
from tandem.core.http import AuthenticatedHttpRequest
from tandem.policy.access import (
    agreement_get_for_user,
    calendar_feed_get_by_token,
    commitment_get_for_user,
    meeting_get_for_user,
    reflection_get_own,
    reflection_shared_with_mentor,
    reflections_of,
    relationship_get_for_user,
)
from tandem.programs.models import Program
from tandem.relationships import calendar, selectors, services
from tandem.relationships.forms import (
    AgreementForm,
    CheckInForm,
    CommitmentForm,
    MeetingForm,
    NotesForm,
    RescheduleForm,
)
from tandem.relationships.models import Relationship
from tandem.relationships.views._shared import redirect_with_message


def _engagement_id(relationship: Relationship) -> int | None:
    """Return the id of a coaching relationship's engagement, whose contract is linked."""
    if relationship.program.format != Program.Format.COACHING:
        return None
    return Engagement.objects.filter(relationship=relationship).values_list("pk", flat=True).first()


@login_required
def relationship_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    relationships = list(selectors.my_relationships(user=request.user))
    reflected = dict(reflections_of(request.user).values_list("relationship_id", "pk"))
    return render(
        request,
        "relationships/list.html",
        {
            "open": [r for r in relationships if r.is_open],
            # Closed relationships, each with her reflection on it, if she wrote one.
            "closed": [(r, reflected.get(r.pk)) for r in relationships if not r.is_open],
            "requests": selectors.my_requests(user=request.user)[:30],
            "proposals": selectors.my_proposals(user=request.user)[:30],
            "concerns": request.user.concerns_raised.select_related("relationship__focus")[:20],
            "checkins_due": services.checkins_due(relationships, request.user),
        },
    )


@login_required
def relationship_detail(request: AuthenticatedHttpRequest, relationship_id: int) -> HttpResponse:
    relationship = relationship_get_for_user(user=request.user, relationship_id=relationship_id)
    today = timezone.localdate()
    engagement_id = _engagement_id(relationship)
    # A coaching engagement keeps its assignments instead of mentoring's commitments.
    commitments = [] if engagement_id else list(relationship.commitments.select_related("owner"))
    return render(
        request,
        "relationships/detail.html",
        {
            "r": relationship,
            "partner": relationship.partner_of(request.user.pk),
            "role": relationship.role_of(request.user.pk),
            "rhythm": services.rhythm(relationship),
            "closes_on": services.pause_closes_on(relationship),
            "meetings": relationship.meetings.order_by("-starts_at")[:12],
            "commitments": commitments,
            "overdue": [c for c in commitments if c.is_overdue(today)],
            "agreement": relationship.agreements.order_by("-version").first(),
            "checkin_due": services.checkin_due(relationship, request.user),
            "commitment_form": CommitmentForm(),
            "shared_reflection": reflection_shared_with_mentor(
                user=request.user, relationship=relationship
            ),
            "my_reflection": reflection_get_own(user=request.user, relationship=relationship)
            if relationship.status == Relationship.Status.CLOSED
            else None,
            "engagement_id": engagement_id,
            "origin_interview_id": relationship.origin_interviews.values_list("pk", flat=True)
            .order_by("pk")
            .first()
            if relationship.origin == Relationship.Origin.INTERVIEW
            else None,
            "today": today,
            "now": timezone.now(),
        },
    )


@login_required
def agreement(request: AuthenticatedHttpRequest, relationship_id: int) -> HttpResponse:
    relationship = relationship_get_for_user(user=request.user, relationship_id=relationship_id)
    versions = list(relationship.agreements.order_by("-version"))
    current = versions[0]
    editable = not current.is_signed and relationship.is_open
    form = AgreementForm(posted(request) if editable else None, instance=current)
    if editable and form.is_bound and form.is_valid():
        saved = run_service(
            form, services.agreement_update, agreement=current, by=request.user, **form.cleaned_data
        )
        if saved is not None:
            return redirect_with_message(
                request,
                "Draft saved. Your partner is told there are changes.",
                "relationships:agreement",
                relationship.pk,
            )
    history = [
        (v, services.agreement_changes(versions[i + 1] if i + 1 < len(versions) else None, v))
        for i, v in enumerate(versions)
    ]
    mine = (
        "mentor_signed_at" if relationship.mentor.user_id == request.user.pk else "mentee_signed_at"
    )
    return render(
        request,
        "relationships/agreement.html",
        {
            "r": relationship,
            "current": current,
            "form": form if editable else None,
            "history": history,
            "i_signed": getattr(current, mine) is not None,
            "partner": relationship.partner_of(request.user.pk),
            "engagement_id": _engagement_id(relationship),
            # What a coaching contract still lacks before either may sign.
            "contract_missing": contract_missing(current)
            if relationship.program.format == Program.Format.COACHING and not current.is_signed
            else [],
        },
    )


@login_required
@require_POST
def agreement_sign(request: AuthenticatedHttpRequest, agreement_id: int) -> HttpResponse:
    version = agreement_get_for_user(user=request.user, agreement_id=agreement_id)
    try:
        signed = services.agreement_sign(agreement=version, by=request.user)
        messages.success(
            request,
            "Signed by both of you: it is in force."
            if signed.is_signed
            else "Signed. Your partner is asked to sign too.",
        )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("relationships:agreement", version.relationship_id)


@login_required
@require_POST
def agreement_renegotiate(request: AuthenticatedHttpRequest, relationship_id: int) -> HttpResponse:
    relationship = relationship_get_for_user(user=request.user, relationship_id=relationship_id)
    try:
        services.agreement_renegotiate(relationship=relationship, by=request.user)
        messages.success(request, "A new draft is open. Change what should change, then both sign.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("relationships:agreement", relationship.pk)


@login_required
def meeting_new(request: AuthenticatedHttpRequest, relationship_id: int) -> HttpResponse:
    relationship = relationship_get_for_user(user=request.user, relationship_id=relationship_id)
    form = MeetingForm(posted(request), initial={"duration_minutes": 45, "mode": "video"})
    if form.is_bound and form.is_valid():
        meeting = run_service(
            form,
            services.meeting_schedule,
            relationship=relationship,
            by=request.user,
            **form.cleaned_data,
        )
        if meeting is not None:
            return redirect_with_message(
                request, "Meeting planned.", "relationships:meeting", meeting.pk
            )
    return render(request, "relationships/meeting_new.html", {"r": relationship, "form": form})


@login_required
def meeting_detail(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    relationship = meeting.relationship
    rescheduling = request.method == "POST" and "reschedule" in request.POST
    form = NotesForm(
        None if rescheduling else posted(request),
        initial={"agenda": meeting.agenda, "notes": meeting.notes},
    )
    when = RescheduleForm(
        posted(request) if rescheduling else None,
        initial={
            "starts_at": timezone.localtime(meeting.starts_at),
            "duration_minutes": meeting.duration_minutes,
            "mode": meeting.mode,
        },
    )
    bound = when if rescheduling else form
    if (
        bound.is_bound
        and bound.is_valid()
        and run_service(
            bound, services.meeting_update, meeting=meeting, by=request.user, **bound.cleaned_data
        )
        is not None
    ):
        return redirect_with_message(
            request, "Saved for both of you.", "relationships:meeting", meeting.pk
        )
    today = timezone.localdate()
    engagement_id = _engagement_id(relationship)
    # A coaching session follows up assignments on its own page, not commitments.
    overdue = (
        []
        if engagement_id
        else [c for c in relationship.commitments.select_related("owner") if c.is_overdue(today)]
    )
    planned = meeting.status == "planned" and relationship.status == "active"
    return render(
        request,
        "relationships/meeting.html",
        {
            "m": meeting,
            "r": relationship,
            "form": form,
            "when": when,
            "overdue": overdue,
            "partner": relationship.partner_of(request.user.pk),
            "planned": planned,
            # "We met" is offered once the meeting's start has passed, not before.
            "can_mark_held": planned and meeting.starts_at <= timezone.now(),
            "engagement_id": engagement_id,
        },
    )


@login_required
@require_POST
def meeting_held(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    try:
        services.meeting_mark_held(meeting=meeting, by=request.user)
        messages.success(request, "Marked as held. The next meeting is planned at your rhythm.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("relationships:meeting", meeting.pk)


@login_required
@require_POST
def meeting_cancel(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    try:
        services.meeting_cancel(meeting=meeting, by=request.user)
        messages.success(request, "Meeting cancelled; your partner is told.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("relationships:detail", meeting.relationship_id)


@login_required
@require_POST
def commitment_new(request: AuthenticatedHttpRequest, relationship_id: int) -> HttpResponse:
    relationship = relationship_get_for_user(user=request.user, relationship_id=relationship_id)
    form = CommitmentForm(request.POST)
    if (
        form.is_valid()
        and run_service(
            form,
            services.commitment_create,
            relationship=relationship,
            owner=request.user,
            **form.cleaned_data,
        )
        is not None
    ):
        return redirect_with_message(
            request, "Commitment recorded.", "relationships:detail", relationship.pk
        )
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
    return redirect("relationships:detail", relationship.pk)


@login_required
@require_POST
def commitment_done(request: AuthenticatedHttpRequest, commitment_id: int) -> HttpResponse:
    commitment = commitment_get_for_user(user=request.user, commitment_id=commitment_id)
    try:
        services.commitment_mark_done(commitment=commitment, by=request.user)
        messages.success(request, "Done. Well done.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("relationships:detail", commitment.relationship_id)


@login_required
def checkin(request: AuthenticatedHttpRequest, relationship_id: int) -> HttpResponse:
    relationship = relationship_get_for_user(user=request.user, relationship_id=relationship_id)
    form = CheckInForm(posted(request))
    if form.is_bound and form.is_valid():
        pulse = run_service(
            form,
            services.checkin_record,
            relationship=relationship,
            author=request.user,
            **form.cleaned_data,
        )
        if pulse is not None:
            if pulse.is_low:
                return render(request, "relationships/checkin_low.html", {"r": relationship})
            return redirect_with_message(
                request,
                "Thank you. Only you will see your answers.",
                "relationships:detail",
                relationship.pk,
            )
    past = relationship.checkins.filter(author=request.user)[:10]
    return render(
        request, "relationships/checkin.html", {"r": relationship, "form": form, "past": past}
    )


@login_required
@require_POST
def agenda_revisit(request: AuthenticatedHttpRequest, relationship_id: int) -> HttpResponse:
    relationship = relationship_get_for_user(user=request.user, relationship_id=relationship_id)
    try:
        meeting = services.agenda_add_revisit(relationship=relationship, by=request.user)
        return redirect_with_message(
            request, "Added to the next meeting's agenda.", "relationships:meeting", meeting.pk
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("relationships:detail", relationship.pk)


@login_required
def meeting_ics(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    response = HttpResponse(
        calendar.meeting_ics(meeting=meeting, viewer=request.user),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    # No sign-in: calendar apps cannot sign in. The secret address is the permission.
    feed = calendar_feed_get_by_token(token=token)
    return HttpResponse(
        calendar.feed_ics(user=feed.user), content_type="text/calendar; charset=utf-8"
    )


@login_required
def calendar_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        calendar.calendar_feed_reset(user=request.user)
        messages.success(request, "Your calendar has a new address; the old one stopped working.")
        return redirect("relationships:calendar")
    feed = calendar.calendar_feed_for(user=request.user)
    url = request.build_absolute_uri(reverse("relationships:feed", args=[feed.token]))
    return render(request, "relationships/calendar.html", {"feed_url": url})
