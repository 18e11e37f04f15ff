import copy

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from tandem.core.errors import DomainError, NotFound
from tandem.core.forms import posted, run_service
from tandem.core.http import AuthenticatedHttpRequest, id_from
from tandem.core.spreadsheets import FORMATS, file_name, spreadsheet_response
from tandem.policy.access import (
    enrollment_get_for_user,
    enrollment_get_own,
    organization_get_for_admin,
    organizations_where_may_create_programs,
    program_get_for_admin,
    program_get_for_user,
    topic_get_for_admin,
    user_administers_program,
)
from tandem.policy.eligibility import circles_held, introduction_refusal
from tandem.programs import selectors, services
from tandem.programs.forms import (
    GoalsForm,
    InviteForm,
    JoinForm,
    OfferForm,
    PracticalitiesForm,
    ProgramForm,
    TopicForm,
)
from tandem.programs.models import Enrollment
from tandem.security.exports import program_export

PROFILE_STEPS = [
    ("goals", "What you want"),
    ("offer", "What you bring"),
    ("practicalities", "How you meet"),
]


@login_required
def program_detail(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = program_get_for_user(user=request.user, program_id=program_id)
    enrollment = enrollment_get_own(user=request.user, program=program)
    missing = services.profile_missing_fields(enrollment) if enrollment else []
    return render(
        request,
        "programs/detail.html",
        {
            "program": program,
            "enrollment": enrollment,
            "missing": missing,
            "is_admin": user_administers_program(user=request.user, program=program),
            "enrollment_open": program.enrollment_is_open(timezone.localdate()),
            "today": timezone.localdate(),
            "partners": list(program.partner_organizations.all()),
            "circle_places": (
                circles_held([enrollment.pk])[enrollment.pk]
                if enrollment is not None and program.is_circles
                else 0
            ),
        },
    )


@login_required
def program_join(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = program_get_for_user(user=request.user, program_id=program_id)
    enrollment = enrollment_get_own(user=request.user, program=program)
    if enrollment is not None and enrollment.status == Enrollment.Status.ACTIVE:
        return redirect("programs:profile", program_id=program.pk)
    # Someone coming back keeps the roles they had; only newcomers choose.
    form: forms.Form = (
        forms.Form(posted(request))
        if enrollment is not None
        else JoinForm(posted(request), program=program)
    )
    if request.method == "POST" and form.is_valid():
        if enrollment is not None:
            joined = run_service(form, services.enrollment_rejoin, enrollment=enrollment)
        else:
            joined = run_service(
                form,
                services.enrollment_create,
                program=program,
                user=request.user,
                roles=form.cleaned_data["roles"],
            )
        if joined is not None:
            messages.success(request, f"You have joined {program}. Now tell us what you want.")
            return redirect("programs:profile", program_id=program.pk)
    return render(
        request, "programs/join.html", {"program": program, "form": form, "rejoin": enrollment}
    )


@login_required
def program_leave(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = program_get_for_user(user=request.user, program_id=program_id)
    enrollment = enrollment_get_own(user=request.user, program=program)
    if enrollment is None or enrollment.status != Enrollment.Status.ACTIVE:
        raise NotFound("You are not in this program.")
    if request.method != "POST":
        return render(request, "programs/leave.html", {"program": program})
    try:
        services.enrollment_withdraw(enrollment=enrollment)
        messages.success(request, f"You have left {program}. Your profile is kept if you return.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("programs:detail", program_id=program.pk)


def _own_active_enrollment(request: AuthenticatedHttpRequest, program_id: int) -> Enrollment:
    program = program_get_for_user(user=request.user, program_id=program_id)
    enrollment = enrollment_get_own(user=request.user, program=program)
    if enrollment is None or enrollment.status != Enrollment.Status.ACTIVE:
        raise NotFound("You are not in this program.")
    return enrollment


def _steps_for(enrollment: Enrollment) -> list[tuple[str, str]]:
    return [(slug, label) for slug, label in PROFILE_STEPS if slug != "goals" or enrollment.seeks]


@login_required
def profile_start(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    enrollment = _own_active_enrollment(request, program_id)
    first = _steps_for(enrollment)[0][0]
    return redirect("programs:profile_step", program_id=program_id, step=first)


@login_required
def profile_step(request: AuthenticatedHttpRequest, program_id: int, step: str) -> HttpResponse:
    enrollment = _own_active_enrollment(request, program_id)
    steps = _steps_for(enrollment)
    slugs = [slug for slug, _ in steps]
    if step not in slugs:
        raise NotFound("No such step.")
    data = posted(request)
    topics = selectors.program_topics(program=enrollment.program)
    form: GoalsForm | OfferForm | PracticalitiesForm
    if step == "goals":
        form = GoalsForm(data, enrollment=enrollment, topics=topics)
    elif step == "offer":
        form = OfferForm(data, enrollment=enrollment, topics=topics)
    else:
        form = PracticalitiesForm(data, enrollment=enrollment)
    if request.method == "POST" and form.is_valid() and _save_step(form, enrollment):
        index = slugs.index(step)
        if index + 1 < len(slugs):
            return redirect("programs:profile_step", program_id=program_id, step=slugs[index + 1])
        missing = services.profile_missing_fields(enrollment)
        if missing:
            messages.warning(request, "Saved. Still to answer: " + ", ".join(missing) + ".")
        else:
            messages.success(request, "Your profile is complete.")
        return redirect("programs:detail", program_id=program_id)
    return render(
        request,
        "programs/profile_step.html",
        {
            "program": enrollment.program,
            "enrollment": enrollment,
            "form": form,
            "steps": steps,
            "step": step,
            "step_number": slugs.index(step) + 1,
        },
    )


def _save_step(form: GoalsForm | OfferForm | PracticalitiesForm, enrollment: Enrollment) -> bool:
    data = form.cleaned_data
    if isinstance(form, GoalsForm):
        saved = run_service(
            form,
            services.profile_save_goals,
            enrollment=enrollment,
            goals=data["goals"],
            focus_areas=form.chosen_topics(),
            mentors_wanted=data.get("mentors_wanted") or 1,
        )
    elif isinstance(form, OfferForm):
        saved = run_service(
            form,
            services.profile_save_offer,
            enrollment=enrollment,
            what_i_bring=data["what_i_bring"],
            why_i_mentor=data.get("why_i_mentor", ""),
            expertise=form.chosen_topics(),
            capacity=data.get("capacity"),
            accepting_now=data.get("accepting_now"),
        )
    else:
        saved = run_service(
            form,
            services.profile_save_practicalities,
            enrollment=enrollment,
            meeting_modes=data["meeting_modes"],
            preferred_cadence=data["preferred_cadence"],
            languages=data["languages"],
            identity_attributes=data["identity_attributes"],
            requested_attributes=data.get("requested_attributes", []),
            identity_use=data["identity_use"],
            time_zone=data.get("time_zone"),
        )
    return saved is not None


@login_required
def person_detail(
    request: AuthenticatedHttpRequest, program_id: int, enrollment_id: int
) -> HttpResponse:
    person = enrollment_get_for_user(user=request.user, enrollment_id=enrollment_id)
    if person.program_id != program_id:
        raise NotFound("No such profile.")
    is_self = person.user_id == request.user.pk
    own = None if is_self else enrollment_get_own(user=request.user, program=person.program)
    return render(
        request,
        "programs/person.html",
        {
            "program": person.program,
            "person": person,
            "topics": selectors.profile_topics(enrollment=person),
            "is_self": is_self,
            # The button shows only to someone the policy lets ask this person now.
            "may_ask_introduction": own is not None
            and introduction_refusal(asker=own, introducer=person) is None,
        },
    )


@login_required
def program_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    organizations = list(organizations_where_may_create_programs(request.user))
    if not organizations:
        raise NotFound("You may not create programs.")
    asked = id_from(request.GET.get("organization"))
    organization = next((o for o in organizations if o.pk == asked), None)
    if organization is None and asked is not None:
        raise NotFound("No such organization.")
    organization = organization or organizations[0]
    form = ProgramForm(posted(request), organization=organization)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "partner_organizations"}
        program = run_service(
            form,
            services.program_create,
            organization=organization,
            created_by=request.user,
            partner_organizations=list(form.cleaned_data["partner_organizations"]),
            **fields,
        )
        if program is not None:
            messages.success(request, f"{program} is created.")
            return redirect("programs:manage", program_id=program.pk)
    return render(
        request,
        "programs/program_form.html",
        {"form": form, "organization": organization, "program": None},
    )


@login_required
def program_edit(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = program_get_for_admin(user=request.user, program_id=program_id)
    # The form validates on a copy: ModelForm writes the typed values onto its instance,
    # and only the service may change the program.
    form = ProgramForm(
        posted(request), instance=copy.copy(program), organization=program.organization
    )
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "partner_organizations"}
        saved = run_service(
            form,
            services.program_update,
            program=program,
            partner_organizations=list(form.cleaned_data["partner_organizations"]),
            **fields,
        )
        if saved is not None:
            messages.success(request, "Program settings saved.")
            return redirect("programs:manage", program_id=program.pk)
    return render(
        request,
        "programs/program_form.html",
        {"form": form, "organization": program.organization, "program": program},
    )


@login_required
def program_manage(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = program_get_for_admin(user=request.user, program_id=program_id)
    return render(
        request,
        "programs/manage.html",
        {
            "program": program,
            "stats": selectors.program_stats(program=program),
            "balance": selectors.topic_balance(program=program),
            "invitations": program.invitations.order_by("-created_at")[:20],
            "invite_form": InviteForm(),
        },
    )


@login_required
def topic_balance_export(
    request: AuthenticatedHttpRequest, program_id: int, file_format: str
) -> HttpResponse:
    """Every topic's demand and supply in the program, as on its manage page."""
    program = program_get_for_admin(user=request.user, program_id=program_id)
    if file_format not in FORMATS:
        raise NotFound("No such format.")
    return spreadsheet_response(
        headers=["Topic", "Want help", "Offer help", "Short by"],
        rows=[
            [row.name, row.wanted, row.offered, max(row.gap, 0)]
            for row in selectors.topic_balance(program=program, limit=None)
        ],
        file_format=file_format,
        name=file_name(slug=program.organization.slug, what="topics", file_format=file_format),
        title="Topics",
    )


@login_required
def invitations_export(
    request: AuthenticatedHttpRequest, program_id: int, file_format: str
) -> HttpResponse:
    """Every invitation to the program: to whom, when, and whether it was taken up."""
    program = program_get_for_admin(user=request.user, program_id=program_id)
    if file_format not in FORMATS:
        raise NotFound("No such format.")
    return program_export(
        request,
        program=program,
        what="invitations",
        title="Invitations",
        headers=["E-mail", "Invited", "State"],
        rows=[
            [
                invitation.email,
                f"{invitation.created_at:%Y-%m-%d}",
                "joined"
                if invitation.accepted_at
                else ("waiting" if invitation.is_usable else "expired"),
            ]
            for invitation in program.invitations.order_by("-created_at")
        ],
        file_format=file_format,
    )


@login_required
def program_invite(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = program_get_for_admin(user=request.user, program_id=program_id)
    form = InviteForm(posted(request))
    if request.method == "POST" and form.is_valid():
        emails = form.cleaned_data["emails"]
        services.program_invite_people(program=program, emails=emails, invited_by=request.user)
        messages.success(
            request,
            f"Invitation{'s' if len(emails) > 1 else ''} sent to {len(emails)} "
            f"{'people' if len(emails) > 1 else 'person'}.",
        )
        return redirect("programs:manage", program_id=program.pk)
    return render(request, "programs/invite.html", {"program": program, "form": form})


@login_required
def topic_list(request: AuthenticatedHttpRequest, organization_id: int) -> HttpResponse:
    organization = organization_get_for_admin(user=request.user, organization_id=organization_id)
    form = TopicForm(posted(request))
    if form.is_bound and form.is_valid():
        topic = run_service(
            form, services.topic_create, organization=organization, **form.cleaned_data
        )
        if topic is not None:
            messages.success(request, f"“{topic}” is added to the vocabulary.")
            return redirect("programs:topics", organization_id=organization.pk)
    return render(
        request,
        "programs/topics.html",
        {
            "organization": organization,
            "topics": organization.topics.order_by("category", "name"),
            "form": form,
        },
    )


@login_required
def topic_edit(request: AuthenticatedHttpRequest, topic_id: int) -> HttpResponse:
    topic = topic_get_for_admin(user=request.user, topic_id=topic_id)
    initial = {
        "name": topic.name,
        "category": topic.category,
        "synonyms": ", ".join(topic.synonyms),
    }
    form = TopicForm(posted(request), initial=initial)
    if (
        form.is_bound
        and form.is_valid()
        and run_service(form, services.topic_update, topic=topic, **form.cleaned_data) is not None
    ):
        messages.success(request, f"“{topic}” is saved.")
        return redirect("programs:topics", organization_id=topic.organization_id)
    return render(request, "programs/topic_edit.html", {"topic": topic, "form": form})
