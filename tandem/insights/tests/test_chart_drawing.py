"""What a reader sees in a drawn line chart: each line told apart in the legend without
colour, and the names at the lines' ends never on top of each other."""

import itertools
import re
import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.insights.charts import LABEL_GAP, chart_svg, spread
from tandem.insights.health.scope import Chart, Series

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun"]
NAMES = ["Median (days)", "90th percentile (days)", "Pairs paused", "Pairs closed"]


def _chart(ends: list[float], *, axis: str = "days") -> Chart:
    return Chart(
        slug="time-to-match",
        title="Time to match",
        summary="",
        axis=axis,
        label_header="Month signed",
        labels=MONTHS,
        series=[
            Series(name, [30.0, 12.0, 20.0, 25.0, 5.0 + n, end])
            for n, (name, end) in enumerate(zip(NAMES, ends, strict=False))
        ],
    )


def _svg(chart: Chart) -> ET.Element:
    return ET.fromstring(chart_svg(chart))


def _line_dashes(svg: bytes) -> dict[int, str]:
    """Return the dash pattern of each plotted line, from the chart's own style sheet."""
    return {
        int(n): dash.replace(" ", "")
        for n, dash in re.findall(rb"\.series\.serie-(\d)\{[^}]*stroke-dasharray:([^;}]*)", svg)
        for n, dash in [(n.decode(), dash.decode())]
    }


def _end_labels(root: ET.Element) -> list[tuple[str, float]]:
    overlay = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "plot text-overlay")
    return [
        (text.text or "", float(text.get("y", "0")))
        for text in overlay.iter(f"{SVG}text")
        if text.get("class") == "label"
    ]


def test_each_legend_entry_draws_its_line_with_the_lines_own_dash_and_dot() -> None:
    chart = _chart([10.0, 11.0, 18.0, 2.0])
    svg = chart_svg(chart)
    dashes = _line_dashes(svg)
    # The first line is solid; every other one has its own pattern.
    assert set(dashes) == {1, 2, 3} and len(set(dashes.values())) == 3
    legends = next(g for g in ET.fromstring(svg).iter(f"{SVG}g") if g.get("class") == "legends")
    entries = legends.findall(f"{SVG}g")
    assert [e.find(f"{SVG}text").text for e in entries] == NAMES  # type: ignore[union-attr]
    for n, entry in enumerate(entries):
        assert entry.find(f"{SVG}rect") is None
        swatch = entry.find(f"{SVG}path")
        assert swatch is not None and swatch.get("class") == f"color-{n} legend-line"
        style = dict(part.strip().split(": ") for part in (swatch.get("style") or "").split(";"))
        assert style["stroke-dasharray"].replace(" ", "") == dashes.get(n, "none")
        assert re.fullmatch(r"M[\d.]+ [\d.]+ h30", swatch.get("d") or "")
        dot = entry.find(f"{SVG}circle")
        assert dot is not None and dot.get("class") == f"color-{n} legend-dot"


def test_lines_ending_close_together_are_named_apart_with_a_leader() -> None:
    # 10.5 and 10.9 days: two points a pixel apart, once drawn over 30 days.
    root = _svg(_chart([10.5, 10.9]))
    labels = _end_labels(root)
    assert sorted(name for name, _ in labels) == sorted(NAMES[:2])
    (_, first), (_, second) = labels
    assert abs(first - second) >= LABEL_GAP - 0.1
    leaders = [p for p in root.iter(f"{SVG}path") if p.get("class") == "leader"]
    assert len(leaders) == 2


def test_lines_ending_on_the_same_value_each_keep_their_name() -> None:
    labels = _end_labels(_svg(_chart([4.0, 4.0, 4.0, 4.0])))
    assert sorted(name for name, _ in labels) == sorted(NAMES)
    heights = sorted(y for _, y in labels)
    assert all(b - a >= LABEL_GAP - 0.1 for a, b in itertools.pairwise(heights))


def test_a_line_ending_alone_is_named_at_its_end_without_a_leader() -> None:
    root = _svg(_chart([2.0, 28.0]))
    assert len(_end_labels(root)) == 2
    assert not [p for p in root.iter(f"{SVG}path") if p.get("class") == "leader"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(0, 1), min_size=1, max_size=8),
    st.floats(10, 30),
    st.floats(40, 400),
)
def test_spread_labels_keep_apart_within_bounds_and_in_order(
    shares: list[float], gap: float, high: float
) -> None:
    # Lines end within the plot: from its top (0) to its foot (`high`).
    wanted = [share * high for share in shares]
    placed = spread(wanted, gap, 0, high)
    if gap * (len(wanted) - 1) > high:
        assert placed is None
        return
    assert placed is not None
    ordered = sorted(range(len(wanted)), key=lambda i: (wanted[i], i))
    heights = [placed[i] for i in ordered]
    assert all(b - a >= gap - 1e-6 for a, b in itertools.pairwise(heights))
    assert all(-1e-6 <= h <= high + 1e-6 for h in heights)
    # A label with room around it stays where its line ends.
    for i, want in enumerate(wanted):
        room = gap * len(wanted)
        alone = all(abs(want - other) >= room for j, other in enumerate(wanted) if j != i)
        if alone and gap <= want <= high - gap:
            assert abs(placed[i] - want) < 1e-6
