from django import forms
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.tokens import default_token_generator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.views.decorators.http import require_POST

from tandem.accounts import services
from tandem.accounts.forms import InvitationAcceptForm, LoginForm, SignupForm
from tandem.accounts.models import User
from tandem.core.errors import DomainError
from tandem.core.forms import posted, run_service
from tandem.policy.access import invitation_get_by_token


def _next_url(request: HttpRequest, default: str = "home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    form = LoginForm(posted(request), request=request)
    if request.method == "POST" and form.is_valid() and form.user is not None:
        login(request, form.user)
        return redirect(_next_url(request))
    return render(
        request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")}
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, "You are signed out.")
    return redirect("home")


def signup(request: HttpRequest) -> HttpResponse:
    form = SignupForm(posted(request))
    if form.is_bound and form.is_valid():
        try:
            services.user_sign_up(**form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return render(
                request, "accounts/signup_sent.html", {"email": form.cleaned_data["email"]}
            )
    return render(request, "accounts/signup.html", {"form": form})


def confirm_email(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    try:
        user_id = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, UnicodeDecodeError):
        user_id = None
    user = User.objects.filter(pk=user_id).first() if user_id else None
    if user is None or not default_token_generator.check_token(user, token):
        return render(request, "accounts/confirm_failed.html", status=400)
    user = services.user_confirm_email(user=user)
    login(request, user, backend="tandem.accounts.backends.EmailBackend")
    messages.success(request, f"Your address is confirmed. Welcome to Tandem, {user.display_name}.")
    return redirect("home")


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
            if user is None:
                login(request, accepted, backend="tandem.accounts.backends.EmailBackend")
            if invitation.program_id:
                messages.success(
                    request, "Your invitation is accepted. Choose how you want to take part."
                )
                return redirect("programs:join", program_id=invitation.program_id)
            messages.success(request, f"You have joined {invitation.organization}.")
            return redirect("home")
    return render(
        request,
        "accounts/invitation.html",
        {"form": form, "invitation": invitation, "signed_in_user": user},
    )
