import datetime
import itertools

import pytest
from django.urls import reverse

from tandem.accounts.models import Department
from tandem.insights.fairness.selectors import SOURCES, WINDOWS, Row, fairness_table
from tandem.programs.models import Enrollment, Program
from tandem.relationships.models import JournalEntry, Relationship
from tandem.security.models import SecurityEvent
from tandem.testing.factories import ProgramFactory
from tandem.testing.fixtures import World, client_for

from .builders import pair, person

CANARY = "CANARY-fair-55 private"


def _dept(world: World, name: str) -> Department:
    return Department.objects.create(organization=world.org, name=name)


def _cohort(
    world: World,
    program: Program,
    mentor: Enrollment,
    department: Department,
    *,
    people: int,
    matched: int,
    wait_days: int,
    enrolled_days_ago: int = 60,
    identity: list[str] | None = None,
    consent: bool = False,
    name: str = "",
) -> list[Enrollment]:
    made = []
    for n in range(people):
        mentee = person(
            world,
            f"{name or department.name} {n}",
            department=department,
            program=program,
            enrolled_days_ago=enrolled_days_ago,
            identity=identity,
            consent=consent,
        )
        if n < matched:
            pair(world, mentor, mentee, created_days_ago=enrolled_days_ago - wait_days)
        made.append(mentee)
    return made


@pytest.fixture
def fair(world: World) -> Program:
    """Alpha 12 (6 matched in 10 days), Beta 12 (6 matched in 40 days), Gamma 3 (1 matched)."""
    program = ProgramFactory.create(organization=world.org, name="Fair program")
    program.admins.add(world.admin)
    alpha, beta, gamma = _dept(world, "Alpha"), _dept(world, "Beta"), _dept(world, "Gamma")
    mentor = person(world, "Mentor Alpha", mentor=True, department=alpha, program=program)
    _cohort(world, program, mentor, alpha, people=12, matched=6, wait_days=10)
    _cohort(world, program, mentor, beta, people=12, matched=6, wait_days=40)
    _cohort(world, program, mentor, gamma, people=3, matched=1, wait_days=10)
    return program


def _rows(
    program: Program, dimension: str, window: str = "all", source: str = "all"
) -> dict[str, Row]:
    table = fairness_table(program=program, window=window, source=source)
    return {row.group: row for row in table.rows if row.dimension == dimension}


def test_figures_match_the_hand_built_program(fair: Program) -> None:
    table = fairness_table(program=fair)
    assert (table.total.people, table.total.matched) == (27, 13)
    beta = _rows(fair, "department")["Beta"]
    assert (beta.people, beta.matched, beta.match_rate, beta.median_days) == (12, 6, 50.0, 40.0)
    # Beta's mentor is in Alpha: every Beta match crosses departments, but a share of
    # 6 of 6 would say the other zero, so it stays hidden.
    assert beta.other_department_share is None
    assert beta.flags == ["waits 30 days longer than everyone else"]


def test_a_small_department_is_hidden_and_cannot_be_had_by_subtraction(fair: Program) -> None:
    table = fairness_table(program=fair)
    rows = _rows(fair, "department")
    assert rows["Gamma"].people is None and rows["Gamma"].matched is None
    # The attack: take every figure the page shows for departments from the total.
    shown = [r for r in rows.values() if r.shown]
    for subset in itertools.chain.from_iterable(
        itertools.combinations(shown, k) for k in range(len(shown) + 1)
    ):
        people_left = table.total.counts.people - sum(r.counts.people for r in subset)
        matched_left = table.total.counts.matched - sum(r.counts.matched for r in subset)
        assert (people_left, matched_left) != (3, 1), "Gamma's row was recovered"
    hidden = [r for r in rows.values() if not r.shown]
    assert len(hidden) >= 2
    assert sum(r.counts.people for r in hidden) >= 5
    assert sum(r.counts.matched for r in hidden) >= 5
    assert sum(r.counts.unmatched for r in hidden) >= 5


def test_a_period_cannot_be_taken_from_another_to_reveal_a_few_people(
    world: World, fair: Program
) -> None:
    # Two of Beta's people joined over a year ago: "all" minus "last 12 months" is them.
    beta = Enrollment.objects.filter(program=fair, user__full_name__in=["Beta 10", "Beta 11"])
    for enrollment in beta:
        Enrollment.objects.filter(pk=enrollment.pk).update(
            created_at=enrollment.created_at - datetime.timedelta(days=400)
        )
    for period in ("all", "12", "6"):
        assert _rows(fair, "department", window=period)["Beta"].people is None, period
    # A department shown in one view and hidden in another must not give the hidden
    # figure away: its counts there are never the same, nor a handful apart.
    tables = {
        (window, source): _rows(fair, "department", window=window, source=source)
        for window in WINDOWS
        for source in SOURCES
    }
    for (view, rows), (other, others) in itertools.permutations(tables.items(), 2):
        for name, row in rows.items():
            theirs = others.get(name)
            if row.shown and theirs is not None and not theirs.shown:
                diffs = [
                    abs(row.counts.people - theirs.counts.people),
                    abs(row.counts.matched - theirs.counts.matched),
                    abs(row.counts.unmatched - theirs.counts.unmatched),
                ]
                assert any(diffs), (view, other, name)
                assert all(d == 0 or d >= 5 for d in diffs), (view, other, name, diffs)


def test_the_hidden_department_of_one_period_is_not_shown_in_another(
    world: World, fair: Program
) -> None:
    # Everyone joined 60 days ago: every period holds the same people, so a department
    # hidden to protect Gamma in one is hidden in all.
    for window in WINDOWS:
        rows = _rows(fair, "department", window=window)
        assert [name for name, row in rows.items() if row.shown] == ["Beta"], window


def test_self_described_groups_count_only_consenting_people(world: World, fair: Program) -> None:
    alpha = Department.objects.get(name="Alpha")
    mentor = Enrollment.objects.get(program=fair, user__full_name="Mentor Alpha")
    _cohort(
        world,
        fair,
        mentor,
        alpha,
        people=10,
        matched=5,
        wait_days=5,
        identity=["woman"],
        consent=True,
        name="Consenting",
    )
    _cohort(
        world,
        fair,
        mentor,
        alpha,
        people=4,
        matched=4,
        wait_days=5,
        identity=["woman", "veteran"],
        consent=False,
        name="Private",
    )
    _cohort(
        world,
        fair,
        mentor,
        alpha,
        people=2,
        matched=1,
        wait_days=5,
        identity=["veteran"],
        consent=True,
        name="Few",
    )
    groups = _rows(fair, "group")
    assert groups["Woman"].people == 10
    assert groups["Woman"].matched == 5
    # Two consenting veterans are too few to show, and the four who keep it private never
    # count: the group is not even named.
    assert "Military veteran" not in groups


def test_admin_page_and_export(world: World, fair: Program) -> None:
    JournalEntry.objects.create(
        author=world.mentee,
        body=CANARY,
        relationship=Relationship.objects.filter(program=fair).first(),
    )
    client = client_for(world.admin)
    response = client.get(reverse("insights:fairness", args=[fair.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Beta" in page and "waits 30 days longer" in page and CANARY not in page
    export = client.get(reverse("insights:fairness_export", args=[fair.pk, "csv"]))
    text = export.content.decode("utf-8-sig")
    assert "Department,Beta,12,6,50.0,40.0" in text.replace("\r", "")
    assert "Department,Gamma,hidden" in text
    assert CANARY not in text
    assert (
        client.get(reverse("insights:fairness_export", args=[fair.pk, "xlsx"])).status_code == 200
    )
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT).count() == 2


@pytest.mark.parametrize(
    "query", [{"period": "1000"}, {"source": "magic"}, {"period": ""}, {"period": "<script>"}]
)
def test_bad_choices_fall_back_with_a_message(
    world: World, fair: Program, query: dict[str, str]
) -> None:
    response = client_for(world.admin).get(reverse("insights:fairness", args=[fair.pk]), query)
    assert response.status_code == 200
    assert response.context["table"].window == "all"
    assert "not one of the choices" in response.content.decode()


def test_rounds_and_choice_are_told_apart(world: World, fair: Program) -> None:
    Relationship.objects.filter(program=fair, mentee__user__full_name__startswith="Alpha").update(
        origin=Relationship.Origin.REQUEST
    )
    table = fairness_table(program=fair, source="choice")
    assert table.total.matched == 6
    assert fairness_table(program=fair, source="rounds").total.matched == 7


@pytest.mark.parametrize("who", ["mentor", "mentee", "member", "outsider"])
def test_only_program_admins_see_fairness(world: World, fair: Program, who: str) -> None:
    client = client_for(getattr(world, who))
    assert client.get(reverse("insights:fairness", args=[fair.pk])).status_code == 404
    assert client.get(reverse("insights:fairness_export", args=[fair.pk, "csv"])).status_code == 404


def test_page_queries_do_not_grow_with_people(
    world: World, fair: Program, django_assert_max_num_queries
) -> None:
    client = client_for(world.admin)
    url = reverse("insights:fairness", args=[fair.pk])
    client.get(url)
    with django_assert_max_num_queries(12):
        client.get(url)
    mentor = Enrollment.objects.get(program=fair, user__full_name="Mentor Alpha")
    _cohort(
        world,
        fair,
        mentor,
        Department.objects.get(name="Beta"),
        people=10,
        matched=5,
        wait_days=3,
        name="More",
    )
    with django_assert_max_num_queries(12):
        client.get(url)


def test_a_program_with_too_few_matches_says_so_instead_of_a_table(world: World) -> None:
    response = client_for(world.admin).get(reverse("insights:fairness", args=[world.program.pk]))
    page = response.content.decode()
    assert "Too few people for this table yet" in page
    assert "Median days to match" not in page


def test_an_organization_admin_who_does_not_run_the_program_sees_it_too(
    world: World, fair: Program
) -> None:
    from tandem.accounts.models import Membership
    from tandem.testing.factories import MembershipFactory, UserFactory

    org_admin = UserFactory.create(full_name="Orla Admin")
    MembershipFactory.create(user=org_admin, organization=world.org, role=Membership.Role.ADMIN)
    assert not fair.admins.filter(pk=org_admin.pk).exists()
    client = client_for(org_admin)
    assert client.get(reverse("insights:fairness", args=[fair.pk])).status_code == 200
    assert client.get(reverse("insights:stalled", args=[fair.pk])).status_code == 200
    assert client.get(reverse("insights:impact", args=[fair.pk])).status_code == 200
