"""The mentor directory alone, in-process: median of warm requests, with where the time goes.

Finds the program where mentees choose their mentors (any program not matched in rounds
only) with the most mentors, and a mentee of it who may ask someone now, then asks the
directory as she would, with no filter, ``?all=1`` and ``?mode=video``: a few warm-up
requests, then ``--repeat`` timed ones, one at a time through Django's test client with
DEBUG off (as ``bench.load`` serves it). Prints per page the median total, the queries, and
the median of each stage (inclusive, so they do not add up to the total):

- ``listing``: the pairing policy's query over the program's mentors, with their stamps;
- ``other sql``: every other query of the request;
- ``selector``: the directory's selector (``mentor_directory``) as a whole, of which:
- ``standing``: whether she may ask anyone now (``seeker_refusal``);
- ``profiles``: the kept profiles (``MentorProfiles.get``, reads included);
- ``fits``: scoring every listed mentor (``mentor_fits``), of which ``features`` builds the
  engine's features and ``scoring`` scores the pairs, if the code has them apart;
- ``reasons``: the reasons of the cards shown;
- ``template``: rendering the page.

Usage, on PostgreSQL with the 100k demo loaded (see ``bench.load``)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/load100k \\
        .venv/bin/python -m bench.directory [--repeat 10] [--mentee ENROLLMENT_ID]

Nothing is written but a session, deleted at the end.
"""

import argparse
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from bench.load import _setup_django

PAGES = ("", "?all=1", "?mode=video")


class Stages:
    """Wall time spent in named functions during one request."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)

    def wrap(self, owner: Any, name: str, stage: str) -> None:
        inner = getattr(owner, name, None)
        if inner is None:
            return
        spent = self.spent

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                spent[stage] += time.perf_counter() - start

        setattr(owner, name, timed)

    def sql(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            # The listing query is the only one that reads each mentor's stamp.
            stage = "listing" if '"stamp"' in sql or "AS stamp" in sql else "other sql"
            self.spent[stage] += time.perf_counter() - start
            self.spent["queries"] += 1


def _instrument(stages: Stages) -> None:
    from tandem.matching import recommend
    from tandem.relationships import selectors
    from tandem.relationships.views import requests

    stages.wrap(selectors, "mentor_directory", "selector")
    stages.wrap(selectors, "seeker_refusal", "standing")
    stages.wrap(selectors.mentor_profiles, "get", "profiles")
    stages.wrap(selectors, "mentor_fits", "fits")
    # Before the mentor side was kept: the whole instance's features, then the scores.
    stages.wrap(recommend, "build_features", "features")
    stages.wrap(recommend, "score_pairs", "scoring")
    # Since: the kept mentor side, then the mentee's row against it.
    stages.wrap(recommend.mentor_profiles, "side", "features")
    stages.wrap(recommend, "mentee_features", "features")
    stages.wrap(recommend, "score_listed", "scoring")
    stages.wrap(recommend.MentorFits, "reasons", "reasons")
    stages.wrap(requests, "render", "template")


def _directory() -> tuple[Any, Any]:
    """The biggest directory's program and a mentee of it who may ask someone now."""
    from django.db.models import Count, Q

    from tandem.policy.eligibility import seeker_refusal
    from tandem.programs.models import Enrollment, Program

    active = Q(enrollments__status=Enrollment.Status.ACTIVE, enrollments__is_mentor=True)
    programs = (
        Program.objects.exclude(matching_mode=Program.MatchingMode.ROUNDS)
        .filter(status=Program.Status.ACTIVE)
        .annotate(n=Count("enrollments", filter=active))
        .order_by("-n", "pk")
    )
    for program in programs[:3]:
        mentees = Enrollment.objects.filter(
            program=program,
            is_mentee=True,
            status=Enrollment.Status.ACTIVE,
            profile_completed_at__isnull=False,
        ).select_related("program", "user", "membership")
        for mentee in mentees.order_by("pk")[:200]:
            if seeker_refusal(mentee) is None:
                return program, mentee
    raise SystemExit("No mentee who may ask a mentor: load the demo first.")


@contextmanager
def _session(user: Any) -> Iterator[Any]:
    from django.test import Client

    client = Client()
    client.force_login(user)
    try:
        yield client
    finally:
        client.logout()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--warm", type=int, default=3)
    parser.add_argument("--mentee", type=int, help="an enrollment id; the biggest directory's")
    args = parser.parse_args()
    _setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.urls import reverse

    from tandem.programs.models import Enrollment

    call_command("collectstatic", interactive=False, verbosity=0)  # pages name hashed files
    if args.mentee:
        mentee = Enrollment.objects.select_related("program", "user").get(pk=args.mentee)
        program = mentee.program
    else:
        program, mentee = _directory()
    print(f"{program.name} (program {program.pk}), mentee enrollment {mentee.pk}")
    stages = Stages()
    _instrument(stages)
    url = reverse("relationships:directory", args=[program.pk])
    columns: tuple[str, ...] = ("total", "queries", "listing", "other sql", "selector")
    columns += ("standing", "profiles", "fits")
    columns += ("features", "scoring", "reasons", "template")
    print(f"{'page':<14}" + "".join(f"{c:>10}" for c in columns))
    with _session(mentee.user) as client, connection.execute_wrapper(stages.sql):
        for page in PAGES:
            runs: dict[str, list[float]] = defaultdict(list)
            for n in range(args.warm + args.repeat):
                stages.spent.clear()
                start = time.perf_counter()
                response = client.get(url + page)
                total = time.perf_counter() - start
                if response.status_code != 200:
                    raise SystemExit(f"{url}{page} answered {response.status_code}")
                if n < args.warm:
                    continue
                runs["total"].append(total)
                for stage in columns[1:]:
                    runs[stage].append(stages.spent.get(stage, 0.0))
            cells = []
            for stage in columns:
                value = statistics.median(runs[stage])
                cells.append(f"{value:>10.0f}" if stage == "queries" else f"{value * 1000:>10.1f}")
            print(f"{page or '(none)':<14}" + "".join(cells))
    print("ms, median of", args.repeat, "warm requests; stages are inclusive")


if __name__ == "__main__":
    main()
