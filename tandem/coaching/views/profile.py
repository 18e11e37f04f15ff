"""The coach's own profile in one program: kind, credentials, approach, rate or hours."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from tandem.coaching.forms.contract import CoachProfileForm
from tandem.coaching.services.profiles import coach_profile_save
from tandem.core.forms import posted, run_service
from tandem.core.http import AuthenticatedHttpRequest
from tandem.policy.access.coaching import coach_profile_get_own


@login_required
def coach_profile(request: AuthenticatedHttpRequest, enrollment_id: int) -> HttpResponse:
    profile = coach_profile_get_own(user=request.user, enrollment_id=enrollment_id)
    enrollment = profile.enrollment
    form = CoachProfileForm(posted(request), instance=profile)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        saved = run_service(
            form,
            coach_profile_save,
            profile=profile,
            kind=data["kind"],
            credentials=data["credentials"],
            approach=data["approach"],
            hourly_rate=data["hourly_rate"],
            currency=data["currency"],
            hours_per_client=data["hours_per_client"],
            availability=data["availability"],
        )
        if saved is not None:
            messages.success(request, "Your coach profile is saved; clients read it.")
            return redirect("programs:person", enrollment.program_id, enrollment.pk)
    return render(
        request,
        "coaching/coach_profile.html",
        {"form": form, "program": enrollment.program, "enrollment": enrollment},
    )
