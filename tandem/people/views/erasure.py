"""Delete my account; and, for an organization admin, erase a leaver on request."""

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from tandem.core.forms import posted, run_service
from tandem.core.http import AuthenticatedHttpRequest
from tandem.people.forms.erasure import AccountDeleteForm, MemberEraseForm
from tandem.people.selectors.erasure import erasure_preview
from tandem.people.services import erasure
from tandem.policy.access import membership_get_for_org_admin

View = Callable[..., HttpResponse]

# Where the sign-in system offers it, erasing asks the person to sign in again first
# (password, code or passkey, whatever they use); otherwise the form asks for the password.
SIGN_IN_SYSTEM = apps.is_installed("allauth.account")


def _fresh_sign_in(view: View) -> View:
    if not SIGN_IN_SYSTEM:
        return view
    from tandem.accounts.reauthentication import reauthentication_required

    wrapped: View = reauthentication_required(view)
    return wrapped


@login_required
@_fresh_sign_in
def account_delete(request: AuthenticatedHttpRequest) -> HttpResponse:
    person = request.user
    form = AccountDeleteForm(posted(request), user=person, ask_password=not SIGN_IN_SYSTEM)
    if form.is_bound and form.is_valid():
        done = run_service(form, erasure.person_erase, person=person, by=person)
        if done is not None:
            logout(request)
            messages.success(
                request, "Your account is deleted. We sent a last e-mail to confirm it. Goodbye."
            )
            return redirect("home")
    return render(
        request,
        "people/erasure/account_delete.html",
        {"form": form, "preview": erasure_preview(person=person)},
    )


@login_required
def member_erase(
    request: AuthenticatedHttpRequest, organization_id: int, membership_id: int
) -> HttpResponse:
    membership = membership_get_for_org_admin(
        user=request.user, organization_id=organization_id, membership_id=membership_id
    )
    organization, person = membership.organization, membership.user
    refusal = erasure.erasure_refusal_for_org_admin(admin=request.user, membership=membership)
    elsewhere = erasure.belongs_elsewhere(person=person, organization=organization)
    form = MemberEraseForm(posted(request))
    if refusal is None and form.is_bound and form.is_valid():
        done = run_service(
            form,
            erasure.membership_erase,
            admin=request.user,
            membership=membership,
            reason=form.cleaned_data["reason"],
        )
        if done is not None:
            messages.success(request, _done_message(done, organization.name))
            return redirect("people:members", organization_id=organization.pk)
    context: dict[str, Any] = {
        "organization": organization,
        "membership": membership,
        "person": person,
        "refusal": refusal,
        "elsewhere": elsewhere,
        "form": form,
        "preview": erasure_preview(person=person, organization=organization if elsewhere else None),
    }
    status = 403 if refusal and request.method == "POST" else 200
    return render(request, "people/erasure/member_erase.html", context, status=status)


def _done_message(done: erasure.ErasureSummary, organization: str) -> str:
    exports = (
        f" {done.exports_deleted} earlier members export{'s' if done.exports_deleted != 1 else ''}"
        " deleted."
        if done.exports_deleted
        else ""
    )
    if done.erased:
        return (
            "The account is erased. Their partners were told, and what they shared is kept "
            f"under the name “{erasure.ERASED_NAME}”.{exports}"
        )
    return (
        f"Their membership of {organization} has ended. They belong to another organization "
        f"too, so their account stays.{exports}"
    )
