"""The round review page at any size: pages, order, filters, the unmatched list and swaps."""

import itertools
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import Department, Membership
from tandem.matching import selectors, services
from tandem.matching.models import MatchingRound, RoundPair
from tandem.programs.models import Enrollment, Program
from tandem.testing.factories import DepartmentFactory, EnrollmentFactory, UserFactory
from tandem.testing.fixtures import World, client_for
from tandem.testing.rounds import round_create_default


def _people(world: World, role: str, count: int, departments: list[Department]) -> list[Enrollment]:
    people = []
    for n in range(count):
        user = UserFactory.create(full_name=f"{role} {n:03d}")
        membership = Membership.objects.create(
            user=user, organization=world.org, department=departments[n % len(departments)]
        )
        people.append(
            EnrollmentFactory.create(
                program=world.program,
                user=user,
                membership=membership,
                is_mentee=role != "Mentor",
                is_mentor=role == "Mentor",
                capacity=20,
                accepting_now=True,
                profile_completed_at=timezone.now(),
            )
        )
    return people


def _ready_round(world: World, *, mentees: int, mentors: int) -> MatchingRound:
    """A round ready for review that pairs every mentee with every mentor, as stored by a run."""
    departments = [
        DepartmentFactory.create(organization=world.org, name=name)
        for name in ("Depots", "Finance", "Planning")
    ]
    world.program.matching_mode = Program.MatchingMode.ROUNDS
    world.program.save()
    created = round_create_default(program=world.program, by=world.admin)
    focus = world.topic("Public speaking")
    rows = [
        RoundPair(
            round=created,
            mentee=mentee,
            mentor=mentor,
            focus=focus,
            score=(n * 37 % 101) / 100,
            reasons=["Shared focus"],
            locked=n % 10 == 0,
        )
        for n, (mentee, mentor) in enumerate(
            itertools.product(
                _people(world, "Mentee", mentees, departments),
                _people(world, "Mentor", mentors, departments[1:] + departments[:1]),
            )
        )
    ]
    RoundPair.objects.bulk_create(rows)
    created.status = MatchingRound.Status.READY
    created.report = {"pairs": len(rows), "score_histogram": [0] * 10, "unmatched": []}
    created.save()
    return created


def _department(enrollment: Enrollment) -> Department:
    assert enrollment.membership is not None and enrollment.membership.department is not None
    return enrollment.membership.department


def _shown(client: Client, matching_round: MatchingRound, query: str = "") -> list[RoundPair]:
    response = client.get(reverse("matching:round", args=[matching_round.pk]) + query)
    assert response.status_code == 200
    shown = list(response.context["review"].pairs)
    html = response.content.decode()
    assert all(p.mentee.user.full_name in html for p in shown)
    return shown


def test_paging_shows_every_pair_exactly_once(world: World) -> None:
    matching_round = _ready_round(world, mentees=12, mentors=10)
    client = client_for(world.admin)
    seen = []
    for page in (1, 2, 3):
        seen += [p.pk for p in _shown(client, matching_round, f"?page={page}")]
    assert len(seen) == 120
    assert set(seen) == set(matching_round.pairs.values_list("pk", flat=True))
    last = client.get(reverse("matching:round", args=[matching_round.pk]) + "?page=3")
    assert "Page 3 of 3" in last.content.decode()


@pytest.mark.parametrize(
    ("sort", "key"),
    [
        ("score", lambda p: (-p.score, p.pk)),
        ("score_low", lambda p: (p.score, -p.pk)),
        ("mentee", lambda p: (p.mentee.user.full_name, p.pk)),
        ("mentor", lambda p: (p.mentor.user.full_name, p.pk)),
        ("department", lambda p: (_department(p.mentee).name, -p.score, p.pk)),
    ],
)
def test_each_order_holds_across_pages(
    world: World, sort: str, key: Callable[[RoundPair], tuple[Any, ...]]
) -> None:
    matching_round = _ready_round(world, mentees=6, mentors=10)
    client = client_for(world.admin)
    shown = _shown(client, matching_round, f"?sort={sort}") + _shown(
        client, matching_round, f"?sort={sort}&page=2"
    )
    assert len(shown) == 60
    assert shown == sorted(shown, key=key)


def test_filters_show_only_the_pairs_asked_for(world: World) -> None:
    matching_round = _ready_round(world, mentees=6, mentors=5)
    client = client_for(world.admin)
    finance = Department.objects.get(name="Finance")
    in_finance = _shown(client, matching_round, f"?department={finance.pk}")
    assert in_finance
    assert {_department(p.mentee) for p in in_finance} == {finance}
    assert (
        len(in_finance)
        == matching_round.pairs.filter(mentee__membership__department=finance).count()
    )
    low = _shown(client, matching_round, "?flag=low")
    assert low and all(p.score < 0.5 for p in low)
    assert len(low) == matching_round.pairs.filter(score__lt=0.5).count()
    locked = _shown(client, matching_round, "?flag=locked")
    assert locked and all(p.locked for p in locked)
    assert len(locked) == matching_round.pairs.filter(locked=True).count()
    together = _shown(client, matching_round, "?flag=same_department&sort=mentee")
    assert together
    assert all(_department(p.mentee) == _department(p.mentor) for p in together)
    both = _shown(client, matching_round, f"?flag=locked&department={finance.pk}")
    assert {(p.locked, _department(p.mentee)) for p in both} == {(True, finance)}


def test_the_unmatched_list_pages_with_names_and_reasons(world: World) -> None:
    matching_round = _ready_round(world, mentees=2, mentors=2)
    left_out = _people(world, "Alone", 60, list(Department.objects.all()))
    matching_round.report["unmatched"] = [
        {
            "mentee": e.pk,
            "wanted": 1,
            "matched": 0,
            "code": "no_candidate",
            "reasons": ["No mentor offers Python"],
        }
        for e in left_out
    ]
    matching_round.save()
    client = client_for(world.admin)
    url = reverse("matching:round", args=[matching_round.pk])
    first = client.get(url + "?show=unmatched").content.decode()
    second = client.get(url + "?show=unmatched&page=2").content.decode()
    names = [e.user.full_name for e in left_out]
    assert [n for n in names if n in first] == names[:50]
    assert [n for n in names if n in second] == names[50:]
    assert "No mentor offers Python" in second
    assert "Not matched (60)" in client.get(url).content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "?page=abc",
        "?page=-1",
        "?page=99999",
        "?page=1e9",
        "?sort=;drop table matching_roundpair",
        "?sort=__class__",
        "?department=abc",
        "?department=99999999999999999999999",
        "?flag=<script>",
        "?show=everything",
        "?show=unmatched&page=abc",
    ],
)
def test_bad_query_strings_give_a_normal_page(world: World, query: str) -> None:
    matching_round = _ready_round(world, mentees=3, mentors=3)
    response = client_for(world.admin).get(
        reverse("matching:round", args=[matching_round.pk]) + query
    )
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main", 1)[-1]
    assert RoundPair.objects.filter(round=matching_round).count() == 9


def _queries(client: Client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "query", ["", "?page=2", "?sort=department&flag=low", "?show=unmatched", "?sort=mentee"]
)
def test_the_review_page_queries_do_not_grow_with_the_round(world: World, query: str) -> None:
    small = _ready_round(world, mentees=1, mentors=5)
    client = client_for(world.admin)
    few = _queries(client, reverse("matching:round", args=[small.pk]) + query)
    big = round_create_default(program=world.program, by=world.admin)
    big.status, big.report = MatchingRound.Status.READY, {"unmatched": []}
    big.save()
    mentees = Enrollment.objects.filter(
        program=world.program, is_mentee=True, user__full_name__startswith="Mentee"
    )
    mentors = Enrollment.objects.filter(
        program=world.program, is_mentor=True, user__full_name__startswith="Mentor"
    )
    extra = _people(world, "More", 23, list(Department.objects.all()))
    RoundPair.objects.bulk_create(
        RoundPair(round=big, mentee=a, mentor=b, focus=world.topic("Public speaking"), score=0.4)
        for a, b in itertools.product([*mentees, *extra], mentors)
    )
    assert big.pairs.count() == 120
    assert _queries(client, reverse("matching:round", args=[big.pk]) + query) == few


def _cohort_round(cohort: World, django_capture_on_commit_callbacks: Any) -> MatchingRound:
    with django_capture_on_commit_callbacks(execute=True):
        created = round_create_default(program=cohort.program, by=cohort.admin)
        services.round_start(matching_round=created)
    created.refresh_from_db()
    assert created.status == MatchingRound.Status.READY
    return created


def _search(client: Client, pair: RoundPair, q: str) -> str:
    url = reverse("matching:pair_mentors", args=[pair.round_id, pair.pk])
    response = client.get(url, {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def _offered(html: str) -> list[str]:
    return re.findall(r"Choose ([^<]+)</button>", html)


def test_the_mentor_search_never_offers_someone_the_policy_refuses(
    cohort: World, django_capture_on_commit_callbacks
) -> None:
    matching_round = _cohort_round(cohort, django_capture_on_commit_callbacks)
    # Mia's manager gets room to spare: only the reporting line keeps him off her list.
    boss = Enrollment.objects.get(user__full_name="Mentor 0")
    Enrollment.objects.filter(pk=boss.pk).update(capacity=5)
    client = client_for(cohort.admin)
    mia_pair = matching_round.pairs.get(mentee=cohort.mentee_enrollment)
    assert "Mentor 0" not in _offered(_search(client, mia_pair, "mentor"))
    other = (
        matching_round.pairs.exclude(mentor=boss).exclude(mentee=cohort.mentee_enrollment).first()
    )
    assert other is not None
    html = _search(client, other, "mentor")
    assert "Mentor 0" in _offered(html)
    assert "3 places left" in html  # five places, two taken in this round
    # Mentor 1 holds both places in this round: not offered to anyone.
    assert "Mentor 1" not in _offered(html)
    assert _offered(_search(client, other, "nobody by that name")) == []


def test_a_swap_from_the_search_changes_the_mentor_and_locks_the_pair(
    cohort: World, django_capture_on_commit_callbacks
) -> None:
    matching_round = _cohort_round(cohort, django_capture_on_commit_callbacks)
    boss = Enrollment.objects.get(user__full_name="Mentor 0")
    Enrollment.objects.filter(pk=boss.pk).update(capacity=5)
    pair = (
        matching_round.pairs.exclude(mentor=boss).exclude(mentee=cohort.mentee_enrollment).first()
    )
    assert pair is not None
    client = client_for(cohort.admin)
    html = _search(client, pair, "Mentor 0")
    assert _offered(html) == ["Mentor 0"]
    back = re.search(r'name="back" value="([^"]*)"', html)
    assert back is not None
    response = client.post(
        reverse("matching:act", args=[matching_round.pk]),
        {"action": "swap", "pair": pair.pk, "mentor": boss.pk, "back": "sort=mentee&page=1"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?sort=mentee&page=1")
    pair.refresh_from_db()
    assert pair.mentor == boss
    assert pair.locked
    assert "is now proposed" in client.get(response["Location"]).content.decode()


def test_the_search_comes_in_place_with_htmx_and_as_a_page_without(
    cohort: World, django_capture_on_commit_callbacks
) -> None:
    matching_round = _cohort_round(cohort, django_capture_on_commit_callbacks)
    pair = matching_round.pairs.first()
    assert pair is not None
    client = client_for(cohort.admin)
    url = reverse("matching:pair_mentors", args=[matching_round.pk, pair.pk])
    page = client.get(url).content.decode()
    assert "<html" in page and "Find a mentor for" in page
    inline = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET=f"swap-{pair.pk}")
    assert "<html" not in inline.content.decode() and "Find a mentor for" in inline.content.decode()
    results = client.get(
        url, {"q": "mentor"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET=f"swap-results-{pair.pk}"
    ).content.decode()
    assert results.lstrip().startswith(f'<div id="swap-results-{pair.pk}"')


def test_the_mentor_search_is_for_the_rounds_admins_only(
    cohort: World, django_capture_on_commit_callbacks
) -> None:
    matching_round = _cohort_round(cohort, django_capture_on_commit_callbacks)
    pair = matching_round.pairs.first()
    assert pair is not None
    url = reverse("matching:pair_mentors", args=[matching_round.pk, pair.pk])
    for person in (cohort.mentor, cohort.mentee, cohort.member, cohort.outsider):
        assert client_for(person).get(url, {"q": "mentor"}).status_code == 404
    other_round = round_create_default(program=cohort.program, by=cohort.admin)
    elsewhere = reverse("matching:pair_mentors", args=[other_round.pk, pair.pk])
    assert client_for(cohort.admin).get(elsewhere, {"q": "mentor"}).status_code == 404


def test_the_mentor_search_queries_do_not_grow_with_the_mentors_offered(
    cohort: World, django_capture_on_commit_callbacks
) -> None:
    matching_round = _cohort_round(cohort, django_capture_on_commit_callbacks)
    Enrollment.objects.filter(user__full_name__startswith="Mentor").update(capacity=5)
    pair = matching_round.pairs.exclude(mentee=cohort.mentee_enrollment).first()
    assert pair is not None
    client = client_for(cohort.admin)
    everyone = _offered(_search(client, pair, "Mentor"))
    counts = []
    for q in (everyone[0], "Mentor"):
        with CaptureQueriesContext(connection) as queries:
            offered = _offered(_search(client, pair, q))
        counts.append((len(offered), len(queries)))
    assert counts[0][0] == 1 < counts[1][0]
    assert counts[0][1] == counts[1][1]


def test_the_search_finds_the_same_mentors_one_small_batch_at_a_time(
    cohort: World, django_capture_on_commit_callbacks, monkeypatch: pytest.MonkeyPatch
) -> None:
    matching_round = _cohort_round(cohort, django_capture_on_commit_callbacks)
    Enrollment.objects.filter(user__full_name__startswith="Mentor").update(capacity=5)
    client = client_for(cohort.admin)
    offered = 0
    for pair in matching_round.pairs.all():
        whole = _offered(_search(client, pair, "o"))
        offered += len(whole)
        monkeypatch.setattr(selectors, "SWAP_SEARCH_BATCH", 1)
        assert _offered(_search(client, pair, "o")) == whole
        monkeypatch.undo()
    assert offered
    mia_pair = matching_round.pairs.get(mentee=cohort.mentee_enrollment)
    monkeypatch.setattr(selectors, "SWAP_SEARCH_BATCH", 1)
    assert "Mentor 0" not in _offered(_search(client, mia_pair, "o"))


def test_the_export_holds_every_pair_the_filters_pass_in_their_order(world: World) -> None:
    import csv
    import io

    matching_round = _ready_round(world, mentees=6, mentors=4)
    admin = client_for(world.admin)
    url = reverse("matching:round_export", args=[matching_round.pk, "csv"])
    rows = list(csv.reader(io.StringIO(admin.get(url).content.decode("utf-8-sig"))))
    assert rows[0] == selectors.EXPORT_HEADERS
    assert len(rows) - 1 == matching_round.pairs.count()
    fits = [int(row[5]) for row in rows[1:]]
    assert fits == sorted(fits, reverse=True)
    finance = Department.objects.get(organization=world.org, name="Finance")
    only = list(
        csv.reader(
            io.StringIO(admin.get(f"{url}?department={finance.pk}").content.decode("utf-8-sig"))
        )
    )
    assert {row[1] for row in only[1:]} == {"Finance"}
    assert (
        len(only) - 1 == matching_round.pairs.filter(mentee__membership__department=finance).count()
    )
    xlsx = admin.get(reverse("matching:round_export", args=[matching_round.pk, "xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    for who in (world.mentor, world.mentee, world.member, world.outsider):
        assert client_for(who).get(url).status_code == 404


def test_admins_export_every_round_of_the_program(world: World) -> None:
    import csv
    import io

    matching_round = _ready_round(world, mentees=3, mentors=2)
    url = reverse("matching:rounds_export", args=[world.program.pk, "csv"])
    rows = list(
        csv.reader(io.StringIO(client_for(world.admin).get(url).content.decode("utf-8-sig")))
    )
    assert rows[0] == ["Round", "Way", "Status", "Pairs", "Created", "Published"]
    assert [row[0] for row in rows[1:]] == [matching_round.name]
    assert rows[1][2] == matching_round.get_status_display()
    for who in (world.mentor, world.mentee, world.outsider):
        assert client_for(who).get(url).status_code == 404
