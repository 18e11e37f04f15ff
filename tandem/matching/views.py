from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from tandem.core.errors import DomainError, NotFound
from tandem.core.forms import posted, run_service
from tandem.core.http import AuthenticatedHttpRequest, id_from
from tandem.core.spreadsheets import FORMATS
from tandem.matching import selectors, services
from tandem.matching.circle_views import circle_review_url, circle_round_review
from tandem.matching.forms import CircleRoundForm, ReviewForm, RoundForm, SwapSearchForm
from tandem.matching.models import MatchingRound
from tandem.policy.access import program_get_for_admin, round_get_for_admin
from tandem.programs.models import Program
from tandem.security.exports import program_export


@login_required
def round_list(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = program_get_for_admin(user=request.user, program_id=program_id)
    if program.is_circles:
        return _circle_round_list(request, program)
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
            return _started(request, created)
    return render(
        request,
        "matching/rounds.html",
        {
            "program": program,
            "form": form,
            "rounds": selectors.rounds_of(program),
        },
    )


def _started(request: AuthenticatedHttpRequest, created: MatchingRound) -> HttpResponse:
    """Start the new round and open its page, saying whether it is still running."""
    services.round_start(matching_round=created)
    # With tasks run in-process the round has already finished here.
    created.refresh_from_db(fields=["status"])
    if created.status == MatchingRound.Status.RUNNING:
        messages.success(request, "The round is running. This page updates by itself.")
    return redirect("matching:round", created.pk)


def _circle_round_list(request: AuthenticatedHttpRequest, program: Program) -> HttpResponse:
    form = CircleRoundForm(posted(request))
    if form.is_bound and form.is_valid():
        created = run_service(
            form,
            services.round_create,
            program=program,
            by=request.user,
            name=form.cleaned_data["name"],
            solver=MatchingRound.Solver.OPTIMAL,
            participation_first=True,
            weights={},
            rules={},
            seed=form.cleaned_data["seed"],
        )
        if created is not None:
            return _started(request, created)
    return render(
        request,
        "matching/rounds.html",
        {"program": program, "form": form, "rounds": selectors.rounds_of(program)},
    )


def _progress_context(matching_round: MatchingRound) -> dict[str, Any]:
    context: dict[str, Any] = {"r": matching_round}
    if matching_round.status == MatchingRound.Status.PUBLISHING:
        shown = (
            matching_round.circles if matching_round.program.is_circles else matching_round.pairs
        )
        context["publishing"] = shown.count()
    elif (
        matching_round.status == MatchingRound.Status.READY
        and not matching_round.program.is_circles
    ):
        # A publishing that stopped mid-way left some proposals sent: the rest go next.
        context["sent"] = matching_round.pairs.filter(proposal__isnull=False).count()
    return context


@login_required
def round_detail(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    matching_round = round_get_for_admin(user=request.user, round_id=round_id)
    if (
        request.htmx
        and request.htmx.target != "review"
        and not request.htmx.history_restore_request
    ):
        # The progress card polls this page while the round runs. Once it has finished,
        # reload the whole page: the card alone cannot hold the results.
        if matching_round.status not in (
            MatchingRound.Status.RUNNING,
            MatchingRound.Status.PUBLISHING,
        ):
            return HttpResponseClientRefresh()
        return render(request, "matching/round.html#progress", _progress_context(matching_round))
    if matching_round.program.is_circles:
        return circle_round_review(request, matching_round, _progress_context(matching_round))
    review_form = ReviewForm(request.GET)
    filters = review_form.filters()
    context: dict[str, Any] = {
        **_progress_context(matching_round),
        "filters": filters,
        "sorts": review_form.fields["sort"].choices,  # type: ignore[attr-defined]
        "flags": review_form.fields["flag"].choices,  # type: ignore[attr-defined]
    }
    if filters.show == "unmatched":
        context["unmatched"] = selectors.round_unmatched(
            matching_round=matching_round, page=request.GET.get("page")
        )
    else:
        review = selectors.round_review(
            matching_round=matching_round, filters=filters, page=request.GET.get("page")
        )
        context["review"] = review
        # Actions on a pair come back to the same page of the same view.
        context["back"] = filters.query(page=review.pairs.number)
    if request.htmx and request.htmx.target == "review":
        return render(request, "matching/round.html#review", context)
    report = matching_round.report or {}
    return render(
        request,
        "matching/round.html",
        {
            **context,
            "report": report,
            "histogram": list(enumerate(report.get("score_histogram", []))),
            "histogram_max": max(report.get("score_histogram", [1]) or [1]),
        },
    )


@login_required
def pair_mentor_search(
    request: AuthenticatedHttpRequest, round_id: int, pair_id: int
) -> HttpResponse:
    matching_round = round_get_for_admin(user=request.user, round_id=round_id)
    pair = selectors.round_pair(matching_round=matching_round, pair_id=pair_id)
    form = SwapSearchForm(request.GET)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    search = selectors.swap_mentors(matching_round=matching_round, pair=pair, q=q) if q else None
    back = ReviewForm(request.GET).filters().query(page=id_from(request.GET.get("page")) or "")
    context = {
        "r": matching_round,
        "pair": pair,
        "form": form,
        "search": search,
        "back": back,
        "back_fields": list(QueryDict(back).items()),
    }
    if request.htmx and request.htmx.target == f"swap-results-{pair.pk}":
        return render(request, "matching/swap.html#results", context)
    if request.htmx:
        return render(request, "matching/swap.html#search", context)
    return render(request, "matching/swap.html", context)


@login_required
@require_POST
def round_action(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    matching_round = round_get_for_admin(user=request.user, round_id=round_id)
    action = request.POST.get("action", "")
    pair_id = id_from(request.POST.get("pair")) or 0
    try:
        if action == "rerun":
            services.round_start(matching_round=matching_round)
            kept = (
                "circles and the people placed by hand"
                if matching_round.program.is_circles
                else "pairs"
            )
            messages.success(request, f"Running again around the locked {kept}.")
        elif action == "publish":
            services.round_publish_start(matching_round=matching_round)
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
    if matching_round.program.is_circles:
        return redirect(circle_review_url(matching_round, request.POST.get("back", "")))
    return redirect(_review_url(matching_round, request.POST.get("back", "")))


def _review_url(matching_round: MatchingRound, back: str) -> str:
    """Return the review page the admin acted from, its query string parsed again."""
    query = QueryDict(back)
    page = id_from(query.get("page"))
    shown = ReviewForm(query).filters().query(page=page or "")
    url = reverse("matching:round", args=[matching_round.pk])
    return f"{url}?{shown}" if shown else url


@login_required
def round_export(
    request: AuthenticatedHttpRequest, round_id: int, file_format: str
) -> HttpResponse:
    """Every pair of the round that the review's filters pass, as CSV or Excel."""
    matching_round = round_get_for_admin(user=request.user, round_id=round_id)
    if file_format not in FORMATS:
        raise NotFound("No such format.")
    filters = ReviewForm(request.GET).filters()
    return program_export(
        request,
        program=matching_round.program,
        what="round-pairs",
        title=f"Round {matching_round.name}"[:31],
        headers=selectors.EXPORT_HEADERS,
        rows=selectors.round_pair_rows(matching_round=matching_round, filters=filters),
        file_format=file_format,
        detail={"round": matching_round.pk, "filters": filters.query()},
    )


@login_required
def round_list_export(
    request: AuthenticatedHttpRequest, program_id: int, file_format: str
) -> HttpResponse:
    """Every round of the program, as its rounds page lists them."""
    program = program_get_for_admin(user=request.user, program_id=program_id)
    if file_format not in FORMATS:
        raise NotFound("No such format.")
    return program_export(
        request,
        program=program,
        what="rounds",
        title="Rounds",
        headers=["Round", "Way", "Status", "Pairs", "Created", "Published"],
        rows=[
            [
                r.name,
                r.get_solver_display(),
                r.get_status_display(),
                (r.report or {}).get("pairs", ""),
                f"{r.created_at:%Y-%m-%d}",
                f"{r.published_at:%Y-%m-%d}" if r.published_at else "",
            ]
            for r in MatchingRound.objects.filter(program=program).order_by("-created_at")
        ],
        file_format=file_format,
    )
