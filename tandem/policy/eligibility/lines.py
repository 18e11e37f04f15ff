"""Reporting lines: who is above or below a person, walked in SQL."""

from django.db import connection
from django.db.models import Count, Q
from django.db.models.expressions import RawSQL

from tandem.accounts.models import Membership
from tandem.programs.models import Enrollment, Program

# The reporting line of one person: every manager above and every report below any of
# their memberships, at any depth, as the people (users) who hold those memberships. A
# person may belong to several organizations (a partner's, say); a line through any of them
# counts. UNION (not UNION ALL) ends the walk even if bad data made a loop.
_LINE_OF_PERSON = """
    WITH RECURSIVE above(id, manager_id, user_id) AS (
        SELECT boss.id, boss.manager_id, boss.user_id FROM accounts_membership mine
        JOIN accounts_membership boss ON boss.id = mine.manager_id WHERE mine.user_id = %s
        UNION
        SELECT boss.id, boss.manager_id, boss.user_id FROM above a
        JOIN accounts_membership boss ON boss.id = a.manager_id
    ), below(id, user_id) AS (
        SELECT m.id, m.user_id FROM accounts_membership m
        JOIN accounts_membership mine ON m.manager_id = mine.id WHERE mine.user_id = %s
        UNION
        SELECT m.id, m.user_id FROM accounts_membership m JOIN below b ON m.manager_id = b.id
    )
    SELECT user_id FROM above UNION SELECT user_id FROM below
"""
# Each step carries the person's user id along, so that no last lookup has to match the
# whole line against every membership (which the planner, guessing a long line, would
# answer by reading the whole table).


def reporting_line_sql(user_id: int) -> RawSQL:
    """Return a subquery of the people above and below this person, at any depth."""
    return RawSQL(_LINE_OF_PERSON, (user_id, user_id))


def reporting_line(user_id: int) -> set[int]:
    """Return the ids of the people above and below this person in any reporting line."""
    with connection.cursor() as cursor:
        cursor.execute(_LINE_OF_PERSON, (user_id, user_id))
        return {row[0] for row in cursor.fetchall()} - {user_id}


# The reporting lines of many people at once: each row is (person, someone in their line).
# The same walk as _LINE_OF_PERSON, started from every person given.
_LINES_OF_PEOPLE = """
    WITH RECURSIVE above(origin, id) AS (
        SELECT user_id, manager_id FROM accounts_membership
        WHERE user_id IN ({people}) AND manager_id IS NOT NULL
        UNION
        SELECT a.origin, m.manager_id FROM accounts_membership m JOIN above a ON m.id = a.id
        WHERE m.manager_id IS NOT NULL
    ), below(origin, id) AS (
        SELECT mine.user_id, m.id FROM accounts_membership m
        JOIN accounts_membership mine ON m.manager_id = mine.id WHERE mine.user_id IN ({people})
        UNION
        SELECT b.origin, m.id FROM accounts_membership m JOIN below b ON m.manager_id = b.id
    )
    SELECT line.origin, m.user_id
    FROM (SELECT origin, id FROM above UNION SELECT origin, id FROM below) line
    JOIN accounts_membership m ON m.id = line.id
"""


def _lines_between(user_pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Return the (person, other) pairs given in which other is in person's reporting line."""
    found: set[tuple[int, int]] = set()
    people = sorted({a for a, _ in user_pairs})
    with connection.cursor() as cursor:
        for start in range(0, len(people), 2000):
            chunk = people[start : start + 2000]
            cursor.execute(
                _LINES_OF_PEOPLE.format(people=", ".join(["%s"] * len(chunk))), [*chunk, *chunk]
            )
            found |= {pair for pair in cursor.fetchall() if pair in user_pairs}
    return found


def _lines_beyond_the_managers_map(
    program: Program, enrollment_of: dict[int, int]
) -> set[tuple[int, int]]:
    """Return pairs in one reporting line that the engine's managers map cannot see.

    The engine follows the line from the membership each person joined through. Someone who
    belongs to several organizations, or joined without a membership, may report to someone
    through another one; walk their line as a person and keep those pairs apart.
    """
    enrolled = Enrollment.objects.filter(program=program)
    several = (
        Membership.objects.filter(user__in=enrolled.values("user"))
        .values("user")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values("user")
    )
    people = set(
        enrolled.filter(Q(membership__isnull=True) | Q(user__in=several)).values_list(
            "user_id", flat=True
        )
    )
    apart: set[tuple[int, int]] = set()
    for person in people:
        for other in reporting_line(person):
            if other in enrollment_of:
                a, b = enrollment_of[person], enrollment_of[other]
                apart |= {(a, b), (b, a)}
    return apart


def managers_of(program: Program) -> dict[int, int]:
    orgs = [program.organization_id, *program.partner_organizations.values_list("pk", flat=True)]
    return dict(
        Membership.objects.filter(organization_id__in=orgs, manager__isnull=False).values_list(
            "pk", "manager_id"
        )
    )
