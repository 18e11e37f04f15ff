"""The contract page: the engagement's numbers, sponsor and objectives, next to its scope."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from tandem.coaching.forms.contract import ObjectiveForm, TermsForm
from tandem.coaching.models import OBJECTIVES_MOST, Engagement, Objective
from tandem.coaching.services import contract as services
from tandem.coaching.terms import contract_missing
from tandem.core.errors import DomainError
from tandem.core.forms import run_service
from tandem.core.http import AuthenticatedHttpRequest, id_from
from tandem.policy.access.coaching import engagement_get_for_user, objective_get_for_user

SAVED = {
    "terms": "The contract's terms are saved.",
    "add": "Objective added.",
    "edit": "Objective saved.",
    "remove": "Objective removed.",
    "up": "Objective moved up.",
    "down": "Objective moved down.",
}


@dataclass
class _Forms:
    """The page's forms: the terms, one per objective, and one to add an objective."""

    terms: TermsForm
    add: ObjectiveForm
    objectives: dict[int, ObjectiveForm]

    @classmethod
    def initial(cls, engagement: Engagement, objectives: list[Objective]) -> "_Forms":
        return cls(
            terms=TermsForm(initial=TermsForm.initial_for(engagement)),
            add=ObjectiveForm(prefix="new"),
            objectives={
                o.pk: ObjectiveForm(
                    prefix=f"o{o.pk}", initial=ObjectiveForm.initial_for(o), compact=True
                )
                for o in objectives
            },
        )


@login_required
def contract(request: AuthenticatedHttpRequest, engagement_id: int) -> HttpResponse:
    engagement = engagement_get_for_user(user=request.user, engagement_id=engagement_id)
    objectives = list(engagement.objectives.all())
    forms = _Forms.initial(engagement, objectives)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if not services.contract_is_open(engagement):
            messages.error(request, "The contract is signed by both of you; it no longer changes.")
            return redirect("coaching:contract", engagement.pk)
        if _apply(request, engagement, forms, action):
            messages.success(request, SAVED[action])
            return redirect("coaching:contract", engagement.pk)
    return render(
        request, "coaching/contract.html", _context(request, engagement, objectives, forms)
    )


def _apply(
    request: AuthenticatedHttpRequest, engagement: Engagement, forms: _Forms, action: str
) -> bool:
    """Make the change a form on the page asks for; say whether it was made."""
    data, by = request.POST, request.user
    if action == "terms":
        terms = forms.terms = TermsForm(data)
        return (
            terms.is_valid()
            and run_service(
                terms,
                services.engagement_terms_update,
                engagement=engagement,
                by=by,
                **terms.cleaned_data,
            )
            is not None
        )
    if action == "add":
        added = forms.add = ObjectiveForm(data, prefix="new")
        return (
            added.is_valid()
            and run_service(
                added, services.objective_add, engagement=engagement, by=by, **added.cleaned_data
            )
            is not None
        )
    if action not in ("edit", "remove", "up", "down"):
        messages.error(request, "Choose what to change.")
        return False
    objective = objective_get_for_user(
        user=by, engagement=engagement, objective_id=id_from(data.get("objective")) or 0
    )
    if action != "edit":
        return _change_order(request, objective, action)
    edited = forms.objectives[objective.pk] = ObjectiveForm(
        data, prefix=f"o{objective.pk}", compact=True
    )
    return (
        edited.is_valid()
        and run_service(
            edited, services.objective_update, objective=objective, by=by, **edited.cleaned_data
        )
        is not None
    )


def _change_order(request: AuthenticatedHttpRequest, objective: Objective, action: str) -> bool:
    try:
        if action == "remove":
            services.objective_remove(objective=objective, by=request.user)
        else:
            services.objective_move(
                objective=objective, by=request.user, direction="up" if action == "up" else "down"
            )
    except DomainError as error:
        messages.error(request, error.message)
        return False
    return True


def _context(
    request: AuthenticatedHttpRequest,
    engagement: Engagement,
    objectives: list[Objective],
    forms: _Forms,
) -> dict[str, Any]:
    relationship = engagement.relationship
    agreement = relationship.agreements.order_by("-version").first()
    is_open = services.contract_is_open(engagement)
    return {
        "engagement": engagement,
        "r": relationship,
        "agreement": agreement,
        "is_open": is_open,
        "missing": contract_missing(agreement) if agreement and not agreement.is_signed else [],
        "is_coach": relationship.mentor.user_id == request.user.pk,
        "partner": relationship.partner_of(request.user.pk),
        "terms_form": forms.terms,
        "objectives": [(o, forms.objectives[o.pk]) for o in objectives],
        "add_form": forms.add if len(objectives) < OBJECTIVES_MOST else None,
        "objectives_most": OBJECTIVES_MOST,
    }
