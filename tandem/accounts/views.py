from allauth.account.utils import perform_login
from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from tandem.accounts import services
from tandem.accounts.forms import InvitationAcceptForm
from tandem.core.forms import posted, run_service
from tandem.policy.access import invitation_get_by_token


def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_get_by_token(token=token)
    user = request.user if request.user.is_authenticated else None
    # Someone already signed in only confirms; a newcomer also creates an account.
    data = posted(request)
    form: forms.Form = forms.Form(data) if user is not None else InvitationAcceptForm(data)
    if form.is_bound and form.is_valid():
        accepted = run_service(
            form, services.invitation_accept, invitation=invitation, user=user, **form.cleaned_data
        )
        if accepted is not None:
            if invitation.program_id:
                messages.success(
                    request, "Your invitation is accepted. Choose how you want to take part."
                )
                target = reverse("programs:join", args=[invitation.program_id])
            else:
                messages.success(request, f"You have joined {invitation.organization}.")
                target = reverse("home")
            if user is None:
                # The newcomer signs in through allauth's own steps, as after any sign-in.
                return perform_login(request, accepted, redirect_url=target)
            return redirect(target)
    return render(
        request,
        "accounts/invitation.html",
        {"form": form, "invitation": invitation, "signed_in_user": user},
    )
