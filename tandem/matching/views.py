from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from tandem.core.errors import DomainError
from tandem.core.forms import posted, run_service
from tandem.core.http import AuthenticatedHttpRequest, id_from
from tandem.matching import selectors, services
from tandem.matching.forms import RoundForm
from tandem.matching.models import MatchingRound
from tandem.policy.access import program_get_for_admin, round_get_for_admin


@login_required
def round_list(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = program_get_for_admin(user=request.user, program_id=program_id)
    form = RoundForm(posted(request))
    if form.is_bound and form.is_valid():
        created = run_service(
            form,
            services.round_create,
            program=program,
            by=request.user,
            name=form.cleaned_data["name"],
            solver=form.cleaned_data["solver"],
            participation_first=form.cleaned_data["participation_first"],
            weights=form.weights(),
            rules=form.rules(),
            seed=form.cleaned_data["seed"],
        )
        if created is not None:
            services.round_start(matching_round=created)
            messages.success(request, "The round is running. This page updates by itself.")
            return redirect("matching:round", created.pk)
    return render(
        request,
        "matching/rounds.html",
        {
            "program": program,
            "form": form,
            "rounds": selectors.rounds_of(program),
        },
    )


@login_required
def round_detail(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    matching_round = round_get_for_admin(user=request.user, round_id=round_id)
    if request.htmx and not request.htmx.history_restore_request:
        # The progress card polls this page while the round runs. Once it has finished,
        # reload the whole page: the card alone cannot hold the results.
        if matching_round.status != MatchingRound.Status.RUNNING:
            return HttpResponseClientRefresh()
        return render(request, "matching/round.html#progress", {"r": matching_round})
    sort = request.GET.get("sort", "score")
    review = selectors.round_review(matching_round=matching_round, sort=sort)
    report = review.report
    return render(
        request,
        "matching/round.html",
        {
            "r": matching_round,
            "pairs": review.pairs,
            "sort": sort,
            "report": report,
            "unmatched": review.unmatched,
            "mentors": review.swap_candidates,
            "histogram": list(enumerate(report.get("score_histogram", []))),
            "histogram_max": max(report.get("score_histogram", [1]) or [1]),
        },
    )


@login_required
@require_POST
def round_action(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    matching_round = round_get_for_admin(user=request.user, round_id=round_id)
    action = request.POST.get("action", "")
    pair_id = id_from(request.POST.get("pair")) or 0
    try:
        if action == "rerun":
            services.round_start(matching_round=matching_round)
            messages.success(request, "Running again around the locked pairs.")
        elif action == "publish":
            count = services.round_publish(matching_round=matching_round)
            messages.success(
                request,
                f"Published: {count} proposals are on their way. Nothing "
                "starts until both people say yes.",
            )
        elif action == "cancel":
            services.round_cancel(matching_round=matching_round)
            messages.success(request, "Round cancelled.")
        elif action in ("lock", "unlock"):
            services.pair_lock(
                matching_round=matching_round, pair_id=pair_id, locked=action == "lock"
            )
        elif action == "remove":
            services.pair_remove(matching_round=matching_round, pair_id=pair_id)
            messages.success(request, "Pair removed from this round.")
        elif action == "swap":
            mentor = selectors.swap_candidate(
                matching_round=matching_round,
                enrollment_id=id_from(request.POST.get("mentor")) or 0,
            )
            if mentor is None:
                raise DomainError("Choose a mentor from the list.")
            services.pair_swap_mentor(matching_round=matching_round, pair_id=pair_id, mentor=mentor)
            messages.success(
                request, f"{mentor.user.full_name} is now proposed; the pair is locked."
            )
        else:
            raise DomainError("Unknown action.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("matching:round", matching_round.pk)
