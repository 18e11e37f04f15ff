"""The engagement page, the coach's hours log and the closing review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tandem.coaching.forms.sessions import ClosingReviewForm
from tandem.coaching.models import Engagement
from tandem.coaching.selectors.hours import hours_log as hours_log_of
from tandem.coaching.selectors.progress import engagement_progress
from tandem.coaching.services import sessions as services
from tandem.core.errors import DomainError, NotFound
from tandem.core.forms import posted, run_service
from tandem.core.http import AuthenticatedHttpRequest
from tandem.core.spreadsheets import spreadsheet_response
from tandem.policy.access.coaching import engagement_get_for_user, keeps_hours_log
from tandem.relationships.models import Concern, Meeting


def _role(engagement: Engagement, user_id: int) -> str:
    return "coach" if engagement.relationship.mentor.user_id == user_id else "client"


@login_required
def engagement(request: AuthenticatedHttpRequest, engagement_id: int) -> HttpResponse:
    found = engagement_get_for_user(user=request.user, engagement_id=engagement_id)
    sessions = list(
        Meeting.objects.filter(relationship_id=found.relationship_id)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-starts_at")
    )
    assignments = list(found.assignments.all())
    return render(
        request,
        "coaching/engagement.html",
        {
            "e": found,
            "r": found.relationship,
            "role": _role(found, request.user.pk),
            "progress": engagement_progress(found),
            "sessions": sessions,
            "open_assignments": [a for a in assignments if a.done_at is None],
            "done_assignments": [a for a in assignments if a.done_at is not None],
            "ended": services.engagement_has_ended(found),
            "today": timezone.localdate(),
            "beyond_scope": Concern.Kind.BEYOND_SCOPE,
        },
    )


@login_required
def hours_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Only a coach keeps an hours log (empty until their first session); others find nothing.
    if not keeps_hours_log(request.user):
        raise NotFound("No hours log.")
    log = hours_log_of(coach=request.user)
    if request.GET.get("format") == "csv":
        table = log.table()
        return spreadsheet_response(
            headers=table[0],
            rows=table[1:],
            file_format="csv",
            name=f"coaching-hours-{timezone.localdate():%Y-%m-%d}.csv",
            title="Coaching hours",
        )
    return render(request, "coaching/hours_log.html", {"log": log})


@login_required
def closing_review(request: AuthenticatedHttpRequest, engagement_id: int) -> HttpResponse:
    found = engagement_get_for_user(user=request.user, engagement_id=engagement_id)
    role = _role(found, request.user.pk)
    progress = engagement_progress(found)
    objectives = [p.objective for p in progress.objectives]
    closing = {p.objective.pk: p.closing for p in progress.objectives if p.closing is not None}
    is_open = services.closing_review_is_open(found, sessions_held=progress.sessions_held)
    form = None
    if role == "client" and is_open:
        form = ClosingReviewForm(posted(request), objectives=objectives, closing=closing)
        if not form.is_bound:
            form.fields["summary"].initial = found.closing_summary
        if form.is_bound and form.is_valid():
            saved = run_service(
                form,
                services.closing_review_save,
                engagement=found,
                by=request.user,
                ratings=form.ratings(),
                outcomes=form.outcomes(),
                summary=form.cleaned_data["summary"],
            )
            if saved is not None:
                messages.success(request, "Your closing review is saved. Your coach can read it.")
                return redirect("coaching:closing_review", found.pk)
    return render(
        request,
        "coaching/closing_review.html",
        {
            "e": found,
            "r": found.relationship,
            "role": role,
            "progress": progress,
            "form": form,
            "ended": services.engagement_has_ended(found),
            "is_open": is_open,
            "not_yet": "" if is_open else services.closing_review_not_yet(found),
        },
    )


@login_required
@require_POST
def closing_review_ask(request: AuthenticatedHttpRequest, engagement_id: int) -> HttpResponse:
    found = engagement_get_for_user(user=request.user, engagement_id=engagement_id)
    try:
        services.closing_review_ask(engagement=found, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "We asked your client for the closing review.")
    return redirect("coaching:closing_review", found.pk)
