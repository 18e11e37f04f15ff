"""What a reader sees in a drawn line chart: each line told apart in the legend without
colour."""

import re
import xml.etree.ElementTree as ET

from tandem.insights.charts import chart_svg
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


def _line_dashes(svg: bytes) -> dict[int, str]:
    """Return the dash pattern of each plotted line, from the chart's own style sheet."""
    return {
        int(n): dash.replace(" ", "")
        for n, dash in re.findall(rb"\.series\.serie-(\d)\{[^}]*stroke-dasharray:([^;}]*)", svg)
        for n, dash in [(n.decode(), dash.decode())]
    }


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
