from allauth.account.adapter import get_adapter
from allauth.account.internal.flows.reauthentication import (
    did_recently_reauthenticate,
    resume_request,
)
from allauth.account.utils import get_next_redirect_url, perform_login
from allauth.core import ratelimit
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from tandem.accounts import services
from tandem.accounts.forms import InvitationAcceptForm
from tandem.accounts.models import User
from tandem.accounts.reauthentication import (
    reauthentication_start,
    sign_on_for_reauthentication,
    with_next_url,
)
from tandem.accounts.social import email_domain
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


@login_required
def reauthenticate_sign_on_view(request: HttpRequest) -> HttpResponse:
    """Offer to confirm who one is through one's organization's sign-on, and start it."""
    next_url = get_next_redirect_url(request)
    sign_on = sign_on_for_reauthentication(request, request.user)
    if sign_on is None:
        # Nothing to do with single sign-on: allauth's page offers what this person has.
        return redirect(with_next_url(reverse("account_reauthenticate"), next_url))
    user = request.user
    assert isinstance(user, User)  # a sign-on is found only for a signed-in person
    if request.method == "POST":
        refused = ratelimit.consume_or_429(request, action="reauthenticate", user=request.user)
        return refused or reauthentication_start(request, sign_on=sign_on, next_url=next_url)
    alternatives = [
        {**method, "url": with_next_url(method["url"], next_url)}
        for method in get_adapter(request).get_reauthentication_methods(request.user)
        if method["url"] != request.path
    ]
    response = render(
        request,
        "account/reauthenticate_sign_on.html",
        {
            "sign_on": sign_on,
            "domain": email_domain(user.email),
            "next_url": next_url,
            "reauthentication_alternatives": alternatives,
        },
    )
    # The form's answer redirects to the provider; the CSP's form-action must name its
    # origin or the browser stops there (as on the sign-in entry's "continue" page).
    if sign_on.authorization_origin:
        response._csp_update = {"form-action": [sign_on.authorization_origin]}  # type: ignore[attr-defined]
    return response


@login_required
def reauthenticate_sign_on_finish_view(request: HttpRequest) -> HttpResponse:
    """Carry on with the step that asked who one is, once the provider has confirmed it."""
    if not did_recently_reauthenticate(request):
        next_url = get_next_redirect_url(request)
        return redirect(with_next_url(reverse("accounts:reauthenticate_sign_on"), next_url))
    # The suspended request (the export form's POST) runs now, as after allauth's own forms.
    return resume_request(request) or redirect(get_adapter(request).get_login_redirect_url(request))
