"""Session pages: logging a session, its notes, ratings and the assignments set at it."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tandem.coaching.forms.sessions import (
    AssignmentDoneForm,
    AssignmentForm,
    MarkHeldForm,
    RatingsForm,
    SessionLogForm,
    SessionNoteForm,
    SharedNotesForm,
)
from tandem.coaching.models import Engagement, ObjectiveRating
from tandem.coaching.selectors.progress import Standing, session_standing
from tandem.coaching.services import sessions as services
from tandem.core.forms import posted, run_service
from tandem.core.http import AuthenticatedHttpRequest
from tandem.policy.access.coaching import (
    assignment_get_for_user,
    engagement_get_for_user,
    session_get_for_user,
    session_note_get_for_author,
)
from tandem.relationships.models import Concern, Meeting
from tandem.relationships.services.rhythm import meeting_update


def _beyond(standing: Standing | None) -> str:
    if standing is None or not standing.beyond_contract:
        return ""
    return (
        f"This is session {standing.number} of {standing.sessions_contracted} contracted, "
        f"{standing.hours_so_far} of {standing.hours_contracted} hours used so far: it goes "
        "beyond the contract. It is logged; talk about extending the contract or closing."
    )


@login_required
def session_new(request: AuthenticatedHttpRequest, engagement_id: int) -> HttpResponse:
    engagement = engagement_get_for_user(user=request.user, engagement_id=engagement_id)
    form = SessionLogForm(posted(request))
    if form.is_bound and form.is_valid():
        logged = run_service(
            form,
            services.session_log,
            engagement=engagement,
            by=request.user,
            starts_at=form.starts_at(),
            duration_minutes=form.cleaned_data["duration_minutes"],
            notes=form.cleaned_data["notes"],
            submission_key=form.cleaned_data["submission_key"],
        )
        if logged is not None:
            warning = _beyond(session_standing(engagement, logged))
            if warning:
                messages.warning(request, f"Session logged. {warning}")
            else:
                messages.success(request, "Session logged.")
            return redirect("coaching:session", engagement.pk, logged.pk)
    return render(
        request,
        "coaching/session_new.html",
        {
            "e": engagement,
            "r": engagement.relationship,
            "form": form,
            "is_coach": engagement.relationship.mentor.user_id == request.user.pk,
            "only_the_coach_logs": services.ONLY_THE_COACH_LOGS,
        },
    )


def _page(
    request: AuthenticatedHttpRequest, engagement: Engagement, meeting: Meeting, **forms: Any
) -> HttpResponse:
    is_client = engagement.relationship.mentee.user_id == request.user.pk
    objectives = list(engagement.objectives.all())
    ratings = {
        r.objective_id: r.progress
        for r in ObjectiveRating.objects.filter(objective__in=objectives, meeting=meeting)
    }
    note = session_note_get_for_author(user=request.user, meeting=meeting)
    standing = session_standing(engagement, meeting)
    is_held = meeting.status == Meeting.Status.HELD
    is_open = engagement.relationship.is_open
    context: dict[str, Any] = {
        "e": engagement,
        "r": engagement.relationship,
        "m": meeting,
        "role": "client" if is_client else "coach",
        "is_held": is_held,
        "is_open": is_open,
        # "We met" is offered once the session's start has passed, not before.
        "has_started": meeting.starts_at <= timezone.now(),
        "beyond": _beyond(standing),
        "standing": standing,
        "objectives": [(o, ratings.get(o.pk)) for o in objectives],
        "assignments": list(engagement.assignments.filter(meeting=meeting)),
        "note": note,
        "note_form": forms.get("note_form")
        or SessionNoteForm(initial={"body": note.body} if note else None),
        "notes_form": forms.get("notes_form") or SharedNotesForm(initial={"notes": meeting.notes}),
        "ratings_form": forms.get("ratings_form")
        or (
            RatingsForm(objectives=objectives, current=ratings)
            if is_client and is_held and is_open
            else None
        ),
        "assignment_form": forms.get("assignment_form")
        or (AssignmentForm() if not is_client and is_open else None),
        "held_form": forms.get("held_form")
        or MarkHeldForm(initial={"duration_minutes": meeting.duration_minutes}),
        "done_form": AssignmentDoneForm(),
        "beyond_scope": Concern.Kind.BEYOND_SCOPE,
    }
    return render(request, "coaching/session.html", context)


def _found(
    request: AuthenticatedHttpRequest, engagement_id: int, meeting_id: int
) -> tuple[Engagement, Meeting]:
    engagement = engagement_get_for_user(user=request.user, engagement_id=engagement_id)
    meeting = session_get_for_user(user=request.user, engagement=engagement, meeting_id=meeting_id)
    meeting.relationship = engagement.relationship
    return engagement, meeting


@login_required
def session(request: AuthenticatedHttpRequest, engagement_id: int, meeting_id: int) -> HttpResponse:
    engagement, meeting = _found(request, engagement_id, meeting_id)
    return _page(request, engagement, meeting)


def _back(engagement: Engagement, meeting: Meeting) -> HttpResponse:
    return redirect("coaching:session", engagement.pk, meeting.pk)


@login_required
@require_POST
def session_held(
    request: AuthenticatedHttpRequest, engagement_id: int, meeting_id: int
) -> HttpResponse:
    engagement, meeting = _found(request, engagement_id, meeting_id)
    form = MarkHeldForm(request.POST)
    if form.is_valid() and (
        run_service(
            form,
            services.session_mark_held,
            engagement=engagement,
            meeting=meeting,
            by=request.user,
            duration_minutes=form.cleaned_data["duration_minutes"],
        )
        is not None
    ):
        meeting.refresh_from_db()
        warning = _beyond(session_standing(engagement, meeting))
        if warning:
            messages.warning(request, f"Marked as held. {warning}")
        else:
            messages.success(request, "Marked as held. The next session is planned.")
        return _back(engagement, meeting)
    return _page(request, engagement, meeting, held_form=form)


@login_required
@require_POST
def session_notes(
    request: AuthenticatedHttpRequest, engagement_id: int, meeting_id: int
) -> HttpResponse:
    engagement, meeting = _found(request, engagement_id, meeting_id)
    form = SharedNotesForm(request.POST)
    if form.is_valid() and (
        run_service(
            form, meeting_update, meeting=meeting, by=request.user, notes=form.cleaned_data["notes"]
        )
        is not None
    ):
        messages.success(request, "Shared notes saved. Both of you can read them.")
        return _back(engagement, meeting)
    return _page(request, engagement, meeting, notes_form=form)


@login_required
@require_POST
def session_note(
    request: AuthenticatedHttpRequest, engagement_id: int, meeting_id: int
) -> HttpResponse:
    engagement, meeting = _found(request, engagement_id, meeting_id)
    form = SessionNoteForm(request.POST)
    if form.is_valid():
        saved = run_service(
            form,
            services.session_note_write,
            engagement=engagement,
            meeting=meeting,
            author=request.user,
            body=form.cleaned_data["body"],
        )
        if not form.errors:
            messages.success(
                request, "Your private note is saved." if saved else "Your private note is removed."
            )
            return _back(engagement, meeting)
    return _page(request, engagement, meeting, note_form=form)


@login_required
@require_POST
def session_ratings(
    request: AuthenticatedHttpRequest, engagement_id: int, meeting_id: int
) -> HttpResponse:
    engagement, meeting = _found(request, engagement_id, meeting_id)
    objectives = list(engagement.objectives.all())
    form = RatingsForm(request.POST, objectives=objectives, current={})
    if form.is_valid() and (
        run_service(
            form,
            services.objective_ratings_save,
            engagement=engagement,
            meeting=meeting,
            by=request.user,
            ratings=form.ratings(),
        )
        is not None
    ):
        messages.success(request, "Your ratings are saved.")
        return _back(engagement, meeting)
    return _page(request, engagement, meeting, ratings_form=form)


@login_required
@require_POST
def assignment_new(
    request: AuthenticatedHttpRequest, engagement_id: int, meeting_id: int
) -> HttpResponse:
    engagement, meeting = _found(request, engagement_id, meeting_id)
    form = AssignmentForm(request.POST)
    if form.is_valid() and (
        run_service(
            form,
            services.assignment_set,
            engagement=engagement,
            meeting=meeting,
            by=request.user,
            **form.cleaned_data,
        )
        is not None
    ):
        messages.success(request, "Assignment set. Your client is told.")
        return _back(engagement, meeting)
    return _page(request, engagement, meeting, assignment_form=form)


@login_required
@require_POST
def assignment_done(
    request: AuthenticatedHttpRequest, engagement_id: int, assignment_id: int
) -> HttpResponse:
    engagement = engagement_get_for_user(user=request.user, engagement_id=engagement_id)
    assignment = assignment_get_for_user(
        user=request.user, engagement=engagement, assignment_id=assignment_id
    )
    form = AssignmentDoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Keep the note shorter, then try again.")
    elif (
        run_service(
            form,
            services.assignment_mark_done,
            assignment=assignment,
            by=request.user,
            note=form.cleaned_data["note"],
        )
        is not None
    ):
        messages.success(request, "Marked done. Your coach is told.")
    else:
        errors = [*form.non_field_errors(), *form.errors.get("note", [])]
        messages.error(request, " ".join(str(e) for e in errors))
    return redirect("coaching:engagement", engagement.pk)
