"""Pausing, closing, concerns and rematching; and the program admins' view."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from tandem.core.errors import DomainError, NotFound
from tandem.core.forms import posted, run_service
from tandem.core.http import AuthenticatedHttpRequest
from tandem.core.spreadsheets import FORMATS, Row
from tandem.insights.impact.selectors import words_shared_about
from tandem.policy.access import (
    concern_get_for_user,
    program_get_for_admin,
    reflection_get_own,
    relationship_get_for_admin,
    relationship_get_for_user,
    user_administers_program,
)
from tandem.relationships import selectors, services
from tandem.relationships.forms import (
    CloseForm,
    ConcernForm,
    ConcernUpdateForm,
    PauseForm,
    ReflectionForm,
)
from tandem.relationships.models import Concern, Relationship
from tandem.relationships.views._shared import redirect_with_message
from tandem.security.exports import program_export
from tandem.security.models import SecurityEvent
from tandem.security.services import security_event_record


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
        return redirect_with_message(
            request,
            "Paused. Either of you can resume at any time.",
            "relationships:detail",
            relationship.pk,
        )
    return render(request, "relationships/pause.html", {"r": relationship, "form": form})


@login_required
def resume(request: AuthenticatedHttpRequest, relationship_id: int) -> HttpResponse:
    relationship = relationship_get_for_user(user=request.user, relationship_id=relationship_id)
    if request.method != "POST":
        # The return-date notice links here: a page to choose, since links must not act.
        if relationship.status != Relationship.Status.PAUSED:
            messages.info(request, "This relationship is not paused any more.")
            return redirect("relationships:detail", relationship.pk)
        return render(
            request,
            "relationships/resume.html",
            {
                "r": relationship,
                "partner": relationship.partner_of(request.user.pk),
                "closes_on": services.pause_closes_on(relationship),
            },
        )
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
                return redirect_with_message(
                    request,
                    "Closed. Let's find a better match.",
                    "relationships:reflect",
                    closed.pk,
                )
            return redirect_with_message(
                request,
                "Closed. Everything you shared stays readable here.",
                "relationships:detail",
                closed.pk,
            )
    return render(request, "relationships/close.html", {"r": relationship, "form": form})


@login_required
def concern_new(request: AuthenticatedHttpRequest, relationship_id: int) -> HttpResponse:
    relationship = relationship_get_for_user(user=request.user, relationship_id=relationship_id)
    # A link may preselect what it is about: "beyond the agreed scope" from a coaching session.
    kind = request.GET.get("kind")
    form = ConcernForm(
        posted(request),
        initial={"kind": kind} if kind in Concern.Kind.values else None,
    )
    if form.is_bound and form.is_valid():
        concern = run_service(
            form,
            services.concern_raise,
            relationship=relationship,
            reporter=request.user,
            body=form.cleaned_data["body"],
            kind=form.cleaned_data["kind"],
            submission_key=form.cleaned_data["submission_key"],
        )
        if concern is not None:
            return redirect_with_message(
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
        security_event_record(
            kind=SecurityEvent.Kind.CONCERN_VIEWED,
            request=request,
            organization_id=concern.relationship.program.organization_id,
            detail={"concern": concern.pk},
        )
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
            return redirect_with_message(
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
    if relationship.mentee.user_id != request.user.pk:
        # The reflection is the mentee's alone; her previous mentor cannot even open it.
        raise NotFound("No such reflection.")
    existing = reflection_get_own(user=request.user, relationship=relationship)
    initial = (
        {
            **{name: getattr(existing, name, None) for name in ReflectionForm.base_fields},
            "share_keep_with_mentor": words_shared_about(
                author=request.user, relationship=relationship, source="reflection"
            ).exists(),
        }
        if existing
        else None
    )
    form = ReflectionForm(posted(request), initial=initial)
    if form.is_bound and form.is_valid():
        saved = run_service(
            form,
            services.reflection_save,
            relationship=relationship,
            author=request.user,
            **form.cleaned_data,
        )
        if saved is not None:
            return redirect_with_message(
                request,
                "Saved. Here is what Tandem suggests for your next match: confirm or change it.",
                "relationships:reflection_next_match",
                saved.pk,
            )
    return render(
        request,
        "relationships/reflect.html",
        {"r": relationship, "form": form, "reflection": existing},
    )


@login_required
def program_relationships(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = program_get_for_admin(user=request.user, program_id=program_id)
    stats = selectors.program_relationship_stats(program=program)
    relationships = selectors.program_relationships(program=program)[:200]
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
            "open_concerns": selectors.program_open_concerns(program=program)[:50],
        },
    )


@login_required
def program_relationships_export(
    request: AuthenticatedHttpRequest, program_id: int, file_format: str
) -> HttpResponse:
    """Every pair of the program, as on its list: who, on what, in which state, since when."""
    program = program_get_for_admin(user=request.user, program_id=program_id)
    if file_format not in FORMATS:
        raise NotFound("No such format.")
    rows: list[Row] = [
        [
            r.mentor.user.full_name,
            r.mentee.user.full_name,
            r.focus.name,
            r.get_status_display(),
            f"{r.created_at:%Y-%m-%d}",
            r.get_origin_display(),
        ]
        for r in selectors.program_relationships(program=program).iterator(chunk_size=2000)
    ]
    return program_export(
        request,
        program=program,
        what="relationships",
        title="Relationships",
        headers=["Mentor", "Mentee", "Focus", "Status", "Since", "Started from"],
        rows=rows,
        file_format=file_format,
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
        return redirect_with_message(
            request,
            "Ended; both people are told.",
            "relationships:program",
            relationship.program_id,
        )
    return render(request, "relationships/admin_end.html", {"r": relationship, "form": form})
