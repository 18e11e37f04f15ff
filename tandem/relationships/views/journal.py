"""The private journal and growth timeline."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from tandem.accounts.reauthentication import reauthentication_required
from tandem.core.forms import posted, run_service
from tandem.core.http import AuthenticatedHttpRequest
from tandem.people.selectors.my_data import personal_export
from tandem.policy.access import (
    journal_entry_get_for_author,
    reflections_of,
)
from tandem.relationships import selectors, services
from tandem.relationships.forms import (
    JournalForm,
)
from tandem.relationships.views._shared import redirect_with_message
from tandem.security.models import SecurityEvent
from tandem.security.services import security_event_record


@login_required
def journal(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = JournalForm(
        posted(request),
        relationships=selectors.my_relationships(user=request.user),
        enrollments=request.user.enrollments.exclude(goals="").select_related("program"),
    )
    if (
        form.is_bound
        and form.is_valid()
        and run_service(
            form, services.journal_entry_write, author=request.user, **form.cleaned_data
        )
        is not None
    ):
        return redirect_with_message(
            request, "Saved in your private journal.", "relationships:journal"
        )
    return render(
        request,
        "relationships/journal.html",
        {
            "form": form,
            "timeline": selectors.growth_timeline(user=request.user)[:200],
            "reflections": reflections_of(request.user)
            .select_related("relationship__focus", "relationship__mentor__user")
            .order_by("-created_at"),
        },
    )


@login_required
def journal_entry(request: AuthenticatedHttpRequest, entry_id: int) -> HttpResponse:
    entry = journal_entry_get_for_author(user=request.user, entry_id=entry_id)
    if request.method == "POST":
        services.journal_entry_delete(entry=entry, by=request.user)
        return redirect_with_message(request, "Entry deleted.", "relationships:journal")
    return render(request, "relationships/journal_entry.html", {"entry": entry})


@login_required
@reauthentication_required
def export(request: AuthenticatedHttpRequest) -> HttpResponse:
    security_event_record(
        kind=SecurityEvent.Kind.EXPORT, request=request, detail={"what": "my data"}
    )
    response = JsonResponse(personal_export(user=request.user), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = 'attachment; filename="tandem-my-data.json"'
    return response
