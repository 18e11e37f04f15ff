"""The fairness table shows self-described groups only where nobody can be picked out.

Admins see by name who was matched and who was not, so a private group's row must not let
them tell, with fewer than five people on either side, who belongs to it.
"""

import numpy as np

from tandem.matching.engine.quality import FairnessRow, build_report


def _rows(groups: list[list[str]], matched: list[bool]) -> dict[tuple[str, str], FairnessRow]:
    """Report on one mentee per entry, each wanting one mentor; matched ones got one."""
    n = len(groups)
    got = np.flatnonzero(matched).astype(np.int64)
    report = build_report(
        mentee_idx=got,
        mentor_idx=np.zeros(got.shape[0], np.int64),
        scores=np.full(got.shape[0], 0.5),
        locked=0,
        wanted=np.ones(n, np.int64),
        capacity=np.array([n], np.int64),
        departments=["Ops"] * n,
        groups=groups,
        blocking_pairs=0,
        unmatched_codes=["not_selected"] * (n - got.shape[0]),
    )
    return {(row.dimension, row.group): row for row in report.fairness}


def test_a_group_of_four_is_left_out() -> None:
    rows = _rows([["veteran"]] * 4 + [[]] * 16, [True] * 20)
    assert ("group", "veteran") not in rows


def test_a_group_that_is_almost_everyone_is_left_out() -> None:
    # Six of eight: the two others are the only ones who might not belong.
    rows = _rows([["veteran"]] * 6 + [[]] * 2, [True] * 8)
    assert ("group", "veteran") not in rows


def test_a_large_enough_group_is_shown_with_its_matched_share() -> None:
    matched = [True] * 6 + [True] * 10 + [False] * 4
    rows = _rows([["veteran"]] * 6 + [[]] * 14, matched)
    row = rows[("group", "veteran")]
    assert (row.mentees, row.matched, row.matched_share, row.mean_score) == (6, 6, 1.0, 0.5)


def test_one_unmatched_member_hides_the_share_but_not_the_size() -> None:
    # Five of six matched: the one unmatched member would be one of four named people.
    matched = [True] * 5 + [False] + [True] * 11 + [False] * 3
    rows = _rows([["veteran"]] * 6 + [[]] * 14, matched)
    row = rows[("group", "veteran")]
    assert row.mentees == 6
    assert (row.matched, row.matched_share, row.mean_score) == (None, None, None)


def test_a_group_that_fills_the_unmatched_list_is_hidden() -> None:
    # All eight unmatched mentees belong: the names on the unmatched list would give them away.
    matched = [False] * 8 + [True] * 12
    rows = _rows([["veteran"]] * 8 + [[]] * 12, matched)
    assert rows[("group", "veteran")].matched_share is None
    # With five unmatched people outside the group as well, the share can be shown.
    matched = [False] * 8 + [True] * 7 + [False] * 5
    rows = _rows([["veteran"]] * 8 + [[]] * 12, matched)
    assert rows[("group", "veteran")].matched_share == 0.0


def test_departments_are_not_private_and_keep_their_rows() -> None:
    rows = _rows([[]] * 6, [True] * 5 + [False])
    assert rows[("department", "Ops")].matched_share == round(5 / 6, 4)
