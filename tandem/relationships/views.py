from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tandem.core.access import (
    agreement_get_for_user,
    commitment_get_for_user,
    concern_get_for_user,
    enrollment_get_for_user,
    enrollment_get_own,
    journal_entry_get_for_author,
    meeting_get_for_user,
    program_get_for_admin,
    program_get_for_user,
    relationship_get_for_admin,
    relationship_get_for_user,
    request_get_for_user,
    user_administers_program,
)
from tandem.core.errors import DomainError, NotFound
from tandem.core.forms import posted, run_service
from tandem.core.http import AuthenticatedHttpRequest
from tandem.programs.models import Enrollment, MeetingMode
from tandem.relationships import selectors, services
from tandem.relationships.forms import (
    AgreementForm,
    CheckInForm,
    CloseForm,
    CommitmentForm,
    ConcernForm,
    ConcernUpdateForm,
    JournalForm,
    MeetingForm,
    NotesForm,
    PauseForm,
    ReflectionForm,
    ReplyForm,
    RequestForm,
    RescheduleForm,
)
from tandem.relationships.models import Concern, MentorshipRequest, Reflection, Relationship


def _done(request: AuthenticatedHttpRequest, message: str, to: str, *args: int) -> HttpResponse:
    messages.success(request, message)
    return redirect(to, *args)


@login_required
def relationship_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    relationships = list(selectors.my_relationships(user=request.user))
    return render(
        request,
        "relationships/list.html",
        {
            "open": [r for r in relationships if r.is_open],
            "closed": [r for r in relationships if not r.is_open],
            "requests": selectors.my_requests(user=request.user)[:30],
            "checkins_due": [r for r in relationships if services.checkin_due(r, request.user)],
        },
    )


def _own_mentee_enrollment(request: AuthenticatedHttpRequest, program_id: int) -> Enrollment:
    program = program_get_for_user(user=request.user, program_id=program_id)
    enrollment = enrollment_get_own(user=request.user, program=program)
    if enrollment is None or enrollment.status != Enrollment.Status.ACTIVE:
        raise NotFound("You are not in this program.")
    return enrollment


@login_required
def mentor_directory(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    mentee = _own_mentee_enrollment(request, program_id)
    topic = request.GET.get("topic", "")
    cards = selectors.mentor_directory(
        mentee=mentee,
        topic_id=int(topic) if topic.isdigit() else None,
        mode=request.GET.get("mode", ""),
        accepting_only=request.GET.get("all") != "1",
        same_time_zone=request.GET.get("tz") == "same",
    )
    return render(
        request,
        "relationships/directory.html",
        {
            "program": mentee.program,
            "mentee": mentee,
            "cards": cards[:60],
            "total": len(cards),
            "topics": [t.topic for t in mentee.topics.select_related("topic") if t.kind == "focus"],
            "filters": request.GET,
            "modes": MeetingMode.choices,
        },
    )


@login_required
def request_new(
    request: AuthenticatedHttpRequest, program_id: int, enrollment_id: int
) -> HttpResponse:
    mentee = _own_mentee_enrollment(request, program_id)
    mentor = enrollment_get_for_user(user=request.user, enrollment_id=enrollment_id)
    if mentor.program_id != mentee.program_id:
        raise NotFound("No such mentor.")
    form = RequestForm(posted(request), mentee=mentee, mentor=mentor)
    if form.is_bound and form.is_valid():
        sent = run_service(
            form, services.request_send, mentee=mentee, mentor=mentor, **form.cleaned_data
        )
        if sent is not None:
            return _done(
                request,
                f"Your request is on its way to {mentor.user.display_name}.",
                "relationships:request",
                sent.pk,
            )
    return render(
        request,
        "relationships/request_new.html",
        {"form": form, "mentor": mentor, "program": mentee.program},
    )


@login_required
def request_detail(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    ask = request_get_for_user(user=request.user, request_id=request_id)
    is_mentor = ask.mentor.user_id == request.user.pk
    form = ReplyForm(posted(request)) if is_mentor else None
    if form is not None and form.is_bound and form.is_valid():
        if form.cleaned_data["decision"] == "accept":
            started = run_service(
                form,
                services.request_accept,
                request=ask,
                by=request.user,
                reply=form.cleaned_data["reply"],
            )
            if started is not None:
                return _done(
                    request,
                    "You said yes. Now write your agreement together.",
                    "relationships:agreement",
                    started.pk,
                )
        elif (
            run_service(
                form,
                services.request_decline,
                request=ask,
                by=request.user,
                reply=form.cleaned_data["reply"],
            )
            is not None
        ):
            return _done(
                request,
                "Your answer is sent. Thank you for replying.",
                "relationships:request",
                ask.pk,
            )
    return render(
        request,
        "relationships/request.html",
        {
            "ask": ask,
            "is_mentor": is_mentor,
            "form": form,
            "templates": services.DECLINE_TEMPLATES,
            "pending": ask.status == MentorshipRequest.Status.PENDING,
        },
    )


@login_required
@require_POST
def request_withdraw(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    ask = request_get_for_user(user=request.user, request_id=request_id)
    try:
        services.request_withdraw(request=ask, by=request.user)
        messages.success(request, "Your request is withdrawn.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("relationships:request", ask.pk)


@login_required
def relationship_detail(request: AuthenticatedHttpRequest, relationship_id: int) -> HttpResponse:
    relationship = relationship_get_for_user(user=request.user, relationship_id=relationship_id)
    today = timezone.localdate()
    commitments = list(relationship.commitments.select_related("owner"))
    return render(
        request,
        "relationships/detail.html",
        {
            "r": relationship,
            "partner": relationship.partner_of(request.user.pk),
            "role": relationship.role_of(request.user.pk),
            "rhythm": services.rhythm(relationship),
            "meetings": relationship.meetings.order_by("-starts_at")[:12],
            "commitments": commitments,
            "overdue": [c for c in commitments if c.is_overdue(today)],
            "agreement": relationship.agreements.order_by("-version").first(),
            "checkin_due": services.checkin_due(relationship, request.user),
            "commitment_form": CommitmentForm(),
            "shared_reflection": _shared_reflection(relationship, request.user.pk),
            "today": today,
            "now": timezone.now(),
        },
    )


def _shared_reflection(relationship: Relationship, user_id: int) -> Reflection | None:
    """Return the reflection a mentee chose to share from an earlier match, for the mentor."""
    if relationship.mentor.user_id != user_id:
        return None
    return (
        Reflection.objects.filter(
            author_id=relationship.mentee.user_id,
            share_with_next=True,
            relationship__program=relationship.program,
        )
        .exclude(relationship=relationship)
        .order_by("-created_at")
        .first()
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
            return _done(
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
            return _done(request, "Meeting planned.", "relationships:meeting", meeting.pk)
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
        return _done(request, "Saved for both of you.", "relationships:meeting", meeting.pk)
    today = timezone.localdate()
    overdue = [c for c in relationship.commitments.select_related("owner") if c.is_overdue(today)]
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
            "can_mark_held": planned,
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
        return _done(request, "Commitment recorded.", "relationships:detail", relationship.pk)
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
            return _done(
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
        return _done(
            request, "Added to the next meeting's agenda.", "relationships:meeting", meeting.pk
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("relationships:detail", relationship.pk)


@login_required
def pause(request: AuthenticatedHttpRequest, relationship_id: int) -> HttpResponse:
    relationship = relationship_get_for_user(user=request.user, relationship_id=relationship_id)
    form = PauseForm(posted(request))
    if (
        form.is_bound
        and form.is_valid()
        and run_service(
            form,
            services.relationship_pause,
            relationship=relationship,
            by=request.user,
            until=form.cleaned_data["until"],
        )
        is not None
    ):
        return _done(
            request,
            "Paused. Either of you can resume at any time.",
            "relationships:detail",
            relationship.pk,
        )
    return render(request, "relationships/pause.html", {"r": relationship, "form": form})


@login_required
@require_POST
def resume(request: AuthenticatedHttpRequest, relationship_id: int) -> HttpResponse:
    relationship = relationship_get_for_user(user=request.user, relationship_id=relationship_id)
    try:
        services.relationship_resume(relationship=relationship, by=request.user)
        messages.success(request, "Welcome back. The next meeting is planned.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("relationships:detail", relationship.pk)


@login_required
def close(request: AuthenticatedHttpRequest, relationship_id: int) -> HttpResponse:
    relationship = relationship_get_for_user(user=request.user, relationship_id=relationship_id)
    form = CloseForm(posted(request))
    if form.is_bound and form.is_valid():
        closed = run_service(
            form,
            services.relationship_close,
            relationship=relationship,
            by=request.user,
            **form.cleaned_data,
        )
        if closed is not None:
            if (
                closed.close_reason == Relationship.CloseReason.NOT_A_FIT
                and closed.mentee.user_id == request.user.pk
                and not closed.is_peer
            ):
                return _done(
                    request,
                    "Closed. Let's find a better match.",
                    "relationships:reflect",
                    closed.pk,
                )
            return _done(
                request,
                "Closed. Everything you shared stays readable here.",
                "relationships:detail",
                closed.pk,
            )
    return render(request, "relationships/close.html", {"r": relationship, "form": form})


@login_required
def concern_new(request: AuthenticatedHttpRequest, relationship_id: int) -> HttpResponse:
    relationship = relationship_get_for_user(user=request.user, relationship_id=relationship_id)
    form = ConcernForm(posted(request))
    if form.is_bound and form.is_valid():
        concern = run_service(
            form,
            services.concern_raise,
            relationship=relationship,
            reporter=request.user,
            body=form.cleaned_data["body"],
        )
        if concern is not None:
            return _done(
                request,
                "Your concern is with the program admins.",
                "relationships:concern",
                concern.pk,
            )
    return render(request, "relationships/concern_new.html", {"r": relationship, "form": form})


@login_required
def concern_detail(request: AuthenticatedHttpRequest, concern_id: int) -> HttpResponse:
    concern = concern_get_for_user(user=request.user, concern_id=concern_id)
    is_admin = user_administers_program(user=request.user, program=concern.relationship.program)
    form = None
    if is_admin:
        form = ConcernUpdateForm(
            posted(request),
            initial={
                "status": concern.status,
                "response": concern.response,
                "name_reporter": concern.reporter_named_to_partner,
            },
        )
        if (
            form.is_bound
            and form.is_valid()
            and run_service(
                form,
                services.concern_update,
                concern=concern,
                admin=request.user,
                **form.cleaned_data,
            )
            is not None
        ):
            return _done(
                request,
                "Saved; the person who raised it is told.",
                "relationships:concern",
                concern.pk,
            )
    return render(
        request, "relationships/concern.html", {"c": concern, "is_admin": is_admin, "form": form}
    )


@login_required
def reflect(request: AuthenticatedHttpRequest, relationship_id: int) -> HttpResponse:
    relationship = relationship_get_for_user(user=request.user, relationship_id=relationship_id)
    form = ReflectionForm(posted(request))
    if (
        form.is_bound
        and form.is_valid()
        and run_service(
            form,
            services.reflection_save,
            relationship=relationship,
            author=request.user,
            **form.cleaned_data,
        )
        is not None
    ):
        program = relationship.program
        if program.matching_mode != "rounds":
            return _done(
                request,
                "Thank you. Here are mentors who may suit you better.",
                "relationships:directory",
                program.pk,
            )
        return _done(
            request,
            "Thank you. The next matching round will take this into account.",
            "programs:detail",
            program.pk,
        )
    return render(request, "relationships/reflect.html", {"r": relationship, "form": form})


@login_required
def program_relationships(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = program_get_for_admin(user=request.user, program_id=program_id)
    stats = selectors.program_relationship_stats(program=program)
    relationships = (
        Relationship.objects.filter(program=program)
        .select_related("mentor__user", "mentee__user", "focus")
        .order_by("status", "-created_at")[:200]
    )
    return render(
        request,
        "relationships/admin_list.html",
        {
            "program": program,
            "relationships": relationships,
            "stats": stats,
            "status_counts": [
                (label, stats.by_status.get(value, 0))
                for value, label in Relationship.Status.choices
            ],
            "open_concerns": Concern.objects.filter(relationship__program=program)
            .exclude(status=Concern.Status.RESOLVED)
            .order_by("-created_at")[:50],
        },
    )


@login_required
def admin_end(request: AuthenticatedHttpRequest, relationship_id: int) -> HttpResponse:
    relationship = relationship_get_for_admin(user=request.user, relationship_id=relationship_id)
    form = ConcernForm(posted(request))
    form.fields["body"].label = "Message to both people"
    form.fields["body"].help_text = "Say kindly why the program ends this relationship."
    if (
        form.is_bound
        and form.is_valid()
        and run_service(
            form,
            services.relationship_end_by_admin,
            relationship=relationship,
            admin=request.user,
            message=form.cleaned_data["body"],
        )
        is not None
    ):
        return _done(
            request,
            "Ended; both people are told.",
            "relationships:program",
            relationship.program_id,
        )
    return render(request, "relationships/admin_end.html", {"r": relationship, "form": form})


@login_required
def journal(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = JournalForm(posted(request), relationships=selectors.my_relationships(user=request.user))
    if (
        form.is_bound
        and form.is_valid()
        and run_service(
            form, services.journal_entry_write, author=request.user, **form.cleaned_data
        )
        is not None
    ):
        return _done(request, "Saved in your private journal.", "relationships:journal")
    return render(
        request,
        "relationships/journal.html",
        {"form": form, "timeline": selectors.growth_timeline(user=request.user)[:200]},
    )


@login_required
def journal_entry(request: AuthenticatedHttpRequest, entry_id: int) -> HttpResponse:
    entry = journal_entry_get_for_author(user=request.user, entry_id=entry_id)
    if request.method == "POST":
        services.journal_entry_delete(entry=entry, by=request.user)
        return _done(request, "Entry deleted.", "relationships:journal")
    return render(request, "relationships/journal_entry.html", {"entry": entry})
