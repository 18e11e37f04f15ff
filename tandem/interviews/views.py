"""Pages of informational interviews: thin views over the access policy and the services."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tandem.core.errors import DomainError, NotFound
from tandem.core.forms import posted, run_service
from tandem.core.http import AuthenticatedHttpRequest
from tandem.core.origins import origin_of
from tandem.interviews import selectors, services
from tandem.interviews.calendar import interview_ics
from tandem.interviews.forms import (
    AskForm,
    ContinueForm,
    DeclineForm,
    NoteForm,
    OfferForm,
    PickForm,
    ProposeForm,
)
from tandem.interviews.models import Interview
from tandem.policy.access import (
    enrollment_get_own,
    interview_get_for_user,
    interview_note_get_for_author,
    interview_offer_get_own,
    program_get_for_user,
)
from tandem.policy.eligibility import interview_refusal
from tandem.programs.models import Enrollment, Program, Topic


@login_required
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request, "interviews/mine.html", {"mine": selectors.my_interviews(user=request.user)}
    )


def _own_enrollment(request: AuthenticatedHttpRequest, program_id: int) -> Enrollment:
    program = program_get_for_user(user=request.user, program_id=program_id)
    enrollment = enrollment_get_own(user=request.user, program=program)
    if enrollment is None or enrollment.status != Enrollment.Status.ACTIVE:
        raise NotFound("No such program.")
    return enrollment


@login_required
def offer(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = program_get_for_user(user=request.user, program_id=program_id)
    current = interview_offer_get_own(user=request.user, program=program)
    form = OfferForm(
        posted(request),
        initial={
            "is_offering": current.is_offering,
            "per_month": current.per_month,
            "about": current.about,
        },
    )
    if form.is_bound and form.is_valid():
        saved = run_service(
            form, services.interview_offer_set, enrollment=current.enrollment, **form.cleaned_data
        )
        if saved is not None:
            plural = "" if saved.per_month == 1 else "s"
            messages.success(
                request,
                f"You offer up to {saved.per_month} conversation{plural} a month."
                if saved.is_offering
                else "You do not offer informational interviews in this program.",
            )
            return redirect("interviews:offer", program.pk)
    return render(request, "interviews/offer.html", {"program": program, "form": form})


@login_required
def people(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    asker = _own_enrollment(request, program_id)
    return render(
        request,
        "interviews/people.html",
        {"program": asker.program, "hosts": list(selectors.hosts_for(asker=asker))},
    )


def _host(asker: Enrollment, enrollment_id: int) -> Enrollment:
    """Return someone the asker may ask; 404 when they may not, as for nobody at all."""
    host = selectors.hosts_for(asker=asker).filter(pk=enrollment_id).first()
    if host is None:
        raise NotFound("No such person.")
    return host


@login_required
def ask(request: AuthenticatedHttpRequest, program_id: int, enrollment_id: int) -> HttpResponse:
    asker = _own_enrollment(request, program_id)
    host = _host(asker, enrollment_id)
    program: Program = asker.program
    topics = Topic.objects.filter(organization_id=program.organization_id).order_by("name")
    form = AskForm(posted(request), topics=topics)
    if form.is_bound and form.is_valid():
        asked = run_service(
            form, services.interview_ask, asker=asker, host=host, **form.cleaned_data
        )
        if asked is not None:
            if asked.declined_for_limit:
                messages.info(request, asked.reply)
            else:
                messages.success(
                    request, f"Your request is with {host.user.display_name}. We will tell you."
                )
            return redirect("interviews:detail", asked.pk)
    refusal = interview_refusal(asker=asker, host=host)
    return render(
        request,
        "interviews/ask.html",
        {"program": program, "host": host, "form": form, "refusal": refusal},
    )


def _detail(request: AuthenticatedHttpRequest, interview: Interview, **forms: Any) -> HttpResponse:
    side = interview.side_of(request.user.pk)
    note = interview_note_get_for_author(user=request.user, interview=interview)
    happened = services.interview_has_happened(interview)
    context: dict[str, Any] = {
        "interview": interview,
        "side": side,
        "other": interview.other_of(request.user.pk),
        "times": list(interview.times.all()),
        "happened": happened,
        "my_answer": getattr(interview, f"{side}_continues"),
        "propose_form": forms.get("propose_form") or ProposeForm(),
        "pick_form": forms.get("pick_form") or PickForm(interview=interview),
        "decline_form": forms.get("decline_form") or DeclineForm(),
        "note_form": forms.get("note_form")
        or NoteForm(
            initial={"body": note.body, "share_if_continuing": note.share_if_continuing}
            if note
            else None
        ),
        "continue_form": forms.get("continue_form") or ContinueForm(),
        "note": note,
        "origin": origin_of(user=request.user, kind="interview", object_id=interview.pk),
    }
    return render(request, "interviews/detail.html", context)


@login_required
def detail(request: AuthenticatedHttpRequest, interview_id: int) -> HttpResponse:
    interview = interview_get_for_user(user=request.user, interview_id=interview_id)
    return _detail(request, interview)


@login_required
@require_POST
def propose(request: AuthenticatedHttpRequest, interview_id: int) -> HttpResponse:
    interview = interview_get_for_user(user=request.user, interview_id=interview_id)
    form = ProposeForm(request.POST)
    if form.is_valid() and (
        run_service(
            form,
            services.interview_propose_times,
            interview=interview,
            by=request.user,
            times=form.times(),
        )
        is not None
    ):
        messages.success(request, "Your times are sent. We will tell you which one they pick.")
        return redirect("interviews:detail", interview.pk)
    return _detail(request, interview, propose_form=form)


@login_required
@require_POST
def pick(request: AuthenticatedHttpRequest, interview_id: int) -> HttpResponse:
    interview = interview_get_for_user(user=request.user, interview_id=interview_id)
    form = PickForm(request.POST, interview=interview)
    if form.is_valid() and (
        run_service(
            form,
            services.interview_pick_time,
            interview=interview,
            by=request.user,
            time_id=form.cleaned_data["time"].pk,
        )
        is not None
    ):
        messages.success(request, "The time is set. Add it to your calendar below.")
        return redirect("interviews:detail", interview.pk)
    return _detail(request, interview, pick_form=form)


@login_required
@require_POST
def decline(request: AuthenticatedHttpRequest, interview_id: int) -> HttpResponse:
    interview = interview_get_for_user(user=request.user, interview_id=interview_id)
    form = DeclineForm(request.POST)
    if form.is_valid() and (
        run_service(
            form,
            services.interview_decline,
            interview=interview,
            by=request.user,
            reply=form.cleaned_data["reply"],
        )
        is not None
    ):
        messages.success(request, "Your answer is sent. Thank you for replying.")
        return redirect("interviews:detail", interview.pk)
    return _detail(request, interview, decline_form=form)


@login_required
@require_POST
def withdraw(request: AuthenticatedHttpRequest, interview_id: int) -> HttpResponse:
    interview = interview_get_for_user(user=request.user, interview_id=interview_id)
    try:
        services.interview_withdraw(interview=interview, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Your request is withdrawn. You may ask again at any time.")
    return redirect("interviews:detail", interview.pk)


@login_required
@require_POST
def note(request: AuthenticatedHttpRequest, interview_id: int) -> HttpResponse:
    interview = interview_get_for_user(user=request.user, interview_id=interview_id)
    form = NoteForm(request.POST)
    if form.is_valid() and (
        run_service(
            form,
            services.interview_note_write,
            interview=interview,
            by=request.user,
            **form.cleaned_data,
        )
        is not None
    ):
        messages.success(request, "Your notes are saved. Only you can read them.")
        return redirect("interviews:detail", interview.pk)
    return _detail(request, interview, note_form=form)


@login_required
@require_POST
def answer(request: AuthenticatedHttpRequest, interview_id: int) -> HttpResponse:
    interview = interview_get_for_user(user=request.user, interview_id=interview_id)
    form = ContinueForm(request.POST)
    if form.is_valid() and (
        run_service(
            form,
            services.interview_continue_answer,
            interview=interview,
            by=request.user,
            continues=form.cleaned_data["continues"],
        )
        is not None
    ):
        messages.success(request, "Thank you. Your answer stays private.")
        return redirect("interviews:detail", interview.pk)
    return _detail(request, interview, continue_form=form)


@login_required
def ics(request: AuthenticatedHttpRequest, interview_id: int) -> HttpResponse:
    interview = interview_get_for_user(user=request.user, interview_id=interview_id)
    if interview.status != Interview.Status.SCHEDULED:
        raise NotFound("No time agreed yet.")
    response = HttpResponse(
        interview_ics(interview=interview, viewer=request.user), content_type="text/calendar"
    )
    response["Content-Disposition"] = f'attachment; filename="interview-{interview.pk}.ics"'
    return response
