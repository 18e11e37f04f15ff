"""Program health over time: the figures behind each chart, as tables.

Each chart is a function of a `Scope` (the programs and the months) that returns a `Chart`:
its row labels, its series and a sentence saying what it shows. Every figure comes from a
small, fixed number of aggregate queries over the scope, whatever its size; Python only
buckets what the database counted, or ranks the durations one query returned for medians
(SQLite has no percentile function). What people wrote never enters a chart: check-in
scores are averaged only over months with at least five distinct authors, and reasons for
closing only where no count points at fewer than five relationships.
"""

from tandem.insights.health.endings import closure_reasons, cohorts, pauses_and_closures, rematches
from tandem.insights.health.matching import (
    acceptance,
    agreement_times,
    enrolment,
    match_rate,
    percentile,
    time_to_match,
)
from tandem.insights.health.overview import CHARTS, health_charts, program_table
from tandem.insights.health.rhythm import checkin_scores, meetings
from tandem.insights.health.rounds import round_cohorts
from tandem.insights.health.scope import (
    DEFAULT_PERIOD,
    MIN_GROUP,
    PERIODS,
    Cell,
    Chart,
    Scope,
    Series,
    period_months,
    scope_for,
)

__all__ = [
    "CHARTS",
    "DEFAULT_PERIOD",
    "MIN_GROUP",
    "PERIODS",
    "Cell",
    "Chart",
    "Scope",
    "Series",
    "acceptance",
    "agreement_times",
    "checkin_scores",
    "closure_reasons",
    "cohorts",
    "enrolment",
    "health_charts",
    "match_rate",
    "meetings",
    "pauses_and_closures",
    "percentile",
    "period_months",
    "program_table",
    "rematches",
    "round_cohorts",
    "scope_for",
    "time_to_match",
]
