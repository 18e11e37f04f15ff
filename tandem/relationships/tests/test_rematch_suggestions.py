"""The plain rules that turn a reflection into suggested asks for the next match."""

from tandem.relationships.rematch import Facts, suggest

FACTS = Facts(
    own_department="Operations",
    mentor_name="Mo",
    mentor_department="Operations",
    cadence="weekly",
    focus_id=1,
    focus_name="Public speaking",
    mentor_level=1,
    time_zone_gap=6.0,
    topics=((1, "Public speaking", ("presenting",)), (2, "Budgeting", ("budgets",))),
)


def _kinds(different: str, keep: str = "", facts: Facts = FACTS) -> dict[str, str]:
    _, suggestions = suggest(keep=keep, different=different, facts=facts)
    return {s.kind: s.text for s in suggestions}


def test_each_rule_fills_its_value_from_the_relationship_that_ended():
    asks, suggestions = suggest(
        keep="She listened well.",
        different="Someone outside my department, meeting monthly, not weekly. The time "
        "difference meant late evening calls. A mentor with more experience, who asks "
        "questions.",
        facts=FACTS,
    )
    assert asks.outside_own_department
    assert asks.outside_departments == ()
    assert asks.cadence == "monthly"
    assert asks.max_time_zone_gap == 3
    assert asks.min_expertise == {1: 2}
    assert asks.words == "asks questions, listens"
    texts = [s.text for s in suggestions]
    assert "Someone outside your department (Operations)" in texts
    assert "Prefer mentors who like to meet every month, not every week" in texts
    assert "Someone within 3 hours of your time zone" in texts
    assert "At least solid experience in Public speaking" in texts
    # Each says what in her words, and which fact, led to it.
    by_kind = {s.kind: s.because for s in suggestions}
    assert "Mo was in your department" in by_kind["department"]
    assert "Mo was 6 hours from you" in by_kind["time_zone"]
    assert "Mo had some experience in Public speaking" in by_kind["experience"]
    assert by_kind["words"].startswith("you wrote “")


def test_nothing_is_suggested_from_a_neutral_reflection():
    asks, suggestions = suggest(keep="", different="We just did not click.", facts=FACTS)
    assert asks.is_empty
    assert suggestions == []


def test_a_rhythm_she_had_or_negates_is_not_suggested_but_too_often_steps_down():
    assert _kinds("We met weekly and it was too often.")["cadence"] == (
        "Prefer mentors who like to meet every two weeks, not every week"
    )
    assert "cadence" not in _kinds("Instead of monthly, weekly was what we did.")
    # Weekly already: nothing is more often than that.
    assert "cadence" not in _kinds("More often please.")
    monthly = Facts(**{**FACTS.__dict__, "cadence": "monthly"})
    assert _kinds("We did not meet often enough.", facts=monthly)["cadence"] == (
        "Prefer mentors who like to meet every two weeks, not every month"
    )
    bimonthly = _kinds("Every two months would suit me, not monthly.")
    assert bimonthly["cadence"].startswith("Prefer mentors who like to meet every two months")


def test_words_she_wants_less_of_are_left_out_but_missing_ones_are_asked_for():
    assert _kinds("Less feedback, please.").get("words") is None
    assert _kinds("He never listened.")["words"] == "Look for “listens” in a mentor's profile"


def test_a_department_other_than_her_own_is_suggested_when_the_mentor_was_elsewhere():
    elsewhere = Facts(**{**FACTS.__dict__, "mentor_department": "Legal"})
    asks, _ = suggest(keep="", different="Someone from a different department.", facts=elsewhere)
    assert asks.outside_own_department
    assert asks.outside_departments == ("Legal",)
    asks, _ = suggest(keep="", different="Someone outside my own team.", facts=elsewhere)
    assert asks.outside_departments == ()


def test_a_topic_she_names_is_the_one_asked_for():
    asks, suggestions = suggest(
        keep="", different="I need someone with deeper knowledge of budgets.", facts=FACTS
    )
    assert asks.min_expertise == {2: 2}
    assert suggestions[0].text == "At least solid experience in Budgeting"


def test_without_facts_nothing_is_made_up():
    bare = Facts(
        own_department=None,
        mentor_name="Mo",
        mentor_department=None,
        cadence=None,
        focus_id=1,
        focus_name="Public speaking",
        mentor_level=0,
        time_zone_gap=None,
    )
    asks, _ = suggest(
        keep="",
        different="Someone from another team; we met too often; the time zone was hard.",
        facts=bare,
    )
    assert not asks.outside_own_department
    assert asks.outside_departments == ()
    assert asks.cadence == ""
    assert asks.max_time_zone_gap == 2
