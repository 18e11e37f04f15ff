"""Draw a health chart as a standalone SVG document, with no script, readable without colour.

The page shows each chart as an <img>, so the SVG's own <style> never meets the page's
strict Content-Security-Policy, and an image runs no script anyway; pygal's tooltip
script is switched off all the same. Lines differ by dash pattern as well as by colour,
in the legend as on the plot, and each line carries its name at its last point, moved
apart from the others' with a leader when they end close together; bars differ by fill
pattern (solid, stripes, dots, cross-hatch), in the legend as on the bars, so the chart
reads in grey.
"""

import math
import re
from collections.abc import Sequence
from typing import Any

import pygal
from pygal.style import Style

from tandem.insights.health import Chart

# Solid, long dash, dots, dash-dot: told apart in grey as well as in colour.
DASHES = ("", "12, 6", "3, 5", "12, 5, 3, 5")
# Colours that keep their contrast on white and differ for colour-blind readers (Okabe-Ito).
COLOURS = ("#0b4f8a", "#b35900", "#007a5e", "#a3336f")

# One fill per bar series: the series colour, solid for the first and textured after it,
# so that neighbouring bars differ in grey by texture as well as by shade.
PATTERNS = (
    "",
    '<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="{c}" stroke-width="2.5"/>',
    '<circle cx="2" cy="2" r="1.6" fill="{c}"/><circle cx="6" cy="6" r="1.6" fill="{c}"/>',
    '<path d="M0,0 L8,8 M8,0 L0,8" stroke="{c}" stroke-width="1.6"/>',
)

# A line's legend swatch: long enough to show a whole round of the longest dash pattern.
SWATCH = 30
# End labels stand this far apart, baseline to baseline, and this far right of the point.
LABEL_GAP = 16
LABEL_OFFSET = 14

# pygal's own style sheets, which a chart given more CSS must still list.
PYGAL_CSS = ("file://style.css", "file://graph.css")

SCRIPT = re.compile(rb"<script\b.*?</script>", re.DOTALL)

STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1d2430",
    foreground_strong="#1d2430",
    foreground_subtle="#5b6472",
    colors=COLOURS,
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=12,
    value_label_font_size=12,
    legend_font_size=14,
    title_font_size=16,
    tooltip_font_size=12,
    guide_stroke_color="#d5d9e0",
    major_guide_stroke_color="#c0c6cf",
    stroke_width=3,
)


def _pattern_defs() -> list[str]:
    """Return an SVG <pattern> for each textured bar fill: the colour on a pale ground."""
    defs = []
    for n, drawing in enumerate(PATTERNS):
        if drawing:
            colour = COLOURS[n % len(COLOURS)]
            defs.append(
                f'<pattern xmlns="http://www.w3.org/2000/svg" id="fill-{n}" width="8" '
                f'height="8" patternUnits="userSpaceOnUse"><rect width="8" height="8" '
                f'fill="#ffffff"/>{drawing.format(c=colour)}</pattern>'
            )
    return defs


def _pattern_css() -> str:
    """Fill each bar series, and its legend box, with its pattern, outlined in its colour."""
    rules = []
    for n, drawing in enumerate(PATTERNS):
        colour = COLOURS[n % len(COLOURS)]
        fill = f"url(#fill-{n})" if drawing else colour
        rules.append(
            f".color-{n} .rect, rect.color-{n} {{fill: {fill} !important; "
            f"fill-opacity: 1 !important; stroke: {colour} !important; "
            "stroke-width: 1.5px !important}"
        )
    return "inline:" + "\n".join(rules)


def _config(chart: Chart) -> dict[str, Any]:
    ticks = _value_ticks(chart)
    bars = chart.kind in ("bar", "hbar")
    return {
        "style": STYLE,
        # No tooltip script: the SVG is an image, and the CSP forbids inline script.
        "js": [],
        "disable_xml_declaration": False,
        "width": 760,
        "height": 360,
        "title": None,
        "y_title": chart.axis,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": _legend_columns(chart),
        "show_y_guides": True,
        "show_x_guides": False,
        "x_label_rotation": 0 if len(chart.labels) <= 6 or chart.kind == "hbar" else 35,
        "truncate_label": -1,
        "truncate_legend": -1,
        "allow_interruptions": True,
        "print_labels": True,
        "print_values": bars,
        # Above the bar, on white, where a number reads whatever the fill.
        "print_values_position": "top",
        "value_formatter": _number,
        "no_data_text": "Nothing to show yet",
        # The axis reaches past the largest value, in round steps (whole ones for counts).
        "y_labels": ticks,
        "range": (ticks[0], ticks[-1]),
        "include_x_axis": True,
        "margin_right": 190 if chart.kind == "line" else 40,
        **({"defs": _pattern_defs(), "css": (*PYGAL_CSS, _pattern_css())} if bars else {}),
    }


def _legend_columns(chart: Chart) -> int:
    """Return as many legend columns as fit the longest name without overlapping the next."""
    longest = max((len(s.name) for s in chart.plotted), default=1)
    # About 8 pixels a character at the legend's size, plus the box (or line) and a gap.
    swatch = SWATCH if chart.kind == "line" else 12
    fit = 700 // (longest * 8 + swatch + 28)
    return max(1, min(len(chart.plotted), fit))


def _value_ticks(chart: Chart) -> list[float]:
    """Round ticks from 0 to just above the largest value: whole ones for counts."""
    values = [v for s in chart.plotted for v in s.values if v is not None]
    top = max(values, default=0.0)
    if top <= 0:
        return [0, 1]
    raw = top / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if all(float(v).is_integer() for v in values):
        step = max(1, math.ceil(step))
    ticks = [0.0]
    while ticks[-1] < top:
        ticks.append(round(ticks[-1] + step, 6))
    return ticks


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _labelled_last(label: str, values: Sequence[float | None]) -> list[Any]:
    """Put the label at the line's last point, so that the line is named where it ends."""
    points: list[Any] = list(values)
    for i in range(len(points) - 1, -1, -1):
        if points[i] is not None:
            if label:
                points[i] = {"value": points[i], "label": label}
            break
    return points


def spread(wanted: Sequence[float], gap: float, low: float, high: float) -> list[float] | None:
    """Place labels as near their wanted heights as may be, at least `gap` apart.

    Labels that would overlap gather round the mean of their wanted heights, and everything
    stays between `low` and `high`; None when they cannot all fit there.
    """
    if not wanted:
        return []
    if gap * (len(wanted) - 1) > high - low:
        return None
    order = sorted(range(len(wanted)), key=lambda i: wanted[i])
    # Each cluster: the height of its first label and its labels, top to bottom.
    clusters: list[tuple[float, list[int]]] = []
    for i in order:
        clusters.append((wanted[i], [i]))
        while len(clusters) > 1:
            (top, above), (start, below) = clusters[-2], clusters[-1]
            if top + gap * len(above) <= start:
                break
            members = above + below
            mean = sum(wanted[m] for m in members) / len(members)
            clusters[-2:] = [(mean - gap * (len(members) - 1) / 2, members)]
    heights = [top + gap * n for top, members in clusters for n in range(len(members))]
    for n in range(len(heights)):
        heights[n] = max(heights[n], low if n == 0 else heights[n - 1] + gap)
    for n in reversed(range(len(heights))):
        heights[n] = min(heights[n], high if n == len(heights) - 1 else heights[n + 1] - gap)
    placed = [0.0] * len(wanted)
    for n, i in enumerate(order):
        placed[i] = heights[n]
    return placed


class _Line(pygal.Line):
    """A line chart whose legend shows each line's dash, and whose end labels never overlap."""

    def _legend(self) -> None:
        super()._legend()
        # pygal draws a square in the series' colour; draw a stretch of the line instead.
        for legends in self.nodes["graph"].iter("g"):
            if legends.get("class") != "legends":
                continue
            for legend in legends.findall("g"):
                number = int(legend.get("id").rsplit("-", 1)[1])
                box, text = legend.find("rect"), legend.find("text")
                x, y = float(box.get("x")), float(box.get("y")) + float(box.get("height")) / 2
                legend.remove(box)
                dash = self.series[number].stroke_style.get("dasharray") or "none"
                swatch = self.svg.node(
                    legend,
                    "path",
                    d=f"M{x:.1f} {y:.1f} h{SWATCH}",
                    class_=f"color-{number} legend-line",
                    style=f"fill: none; stroke-width: 3; stroke-dasharray: {dash}",
                )
                self.svg.node(
                    legend,
                    "circle",
                    cx=f"{x + SWATCH / 2:.1f}",
                    cy=f"{y:.1f}",
                    r=4,
                    class_=f"color-{number} legend-dot",
                )
                legend.remove(swatch)
                legend.insert(0, swatch)
                text.set("x", f"{x + SWATCH + 6:.1f}")

    def _plot(self) -> None:
        self._end_marks: list[tuple[Any, float, float, str]] = []
        super()._plot()
        self._place_end_labels()

    def _static_value(
        self,
        serie_node: Any,
        value: Any,
        x: float,
        y: float,
        metadata: Any,
        align_text: str = "left",
        classes: Any = None,
    ) -> None:
        # Only a line's end carries a label: keep it to place with the others' once all drawn.
        label = metadata and metadata.get("label")
        if label:
            size = self.style.value_font_size
            self._end_marks.append((serie_node["text_overlay"], x - size, y - size, label))
            return
        super()._static_value(serie_node, value, x, y, metadata, align_text, classes)

    def _place_end_labels(self) -> None:
        size = self.style.label_font_size
        heights = spread(
            [y for _, _, y, _ in self._end_marks],
            LABEL_GAP,
            size / 2,
            self.view.height - size / 2,
        )
        if heights is None:
            # Too many to stand apart on this height: the legend names every line.
            return
        for (node, x, y, label), height in zip(self._end_marks, heights, strict=True):
            if abs(height - y) > 1:
                # A thin leader in the line's colour from its last point to its name.
                self.svg.node(
                    node,
                    "path",
                    d=f"M{x + 5:.1f} {y:.1f} L{x + LABEL_OFFSET - 3:.1f} {height:.1f}",
                    class_="leader",
                    style="fill: none; stroke-width: 1; stroke-dasharray: none",
                )
            self.svg.node(
                node,
                "text",
                x=f"{x + LABEL_OFFSET:.1f}",
                y=f"{height + size * 0.35:.1f}",
                class_="label",
            ).text = label


def chart_svg(chart: Chart) -> bytes:
    """Render the chart's plotted series as an SVG document."""
    if chart.kind == "hbar":
        # Long category names read across, beside their bar.
        drawing = pygal.HorizontalBar(**_config(chart))
    elif chart.kind == "bar":
        drawing = pygal.Bar(**_config(chart))
    else:
        drawing = _Line(**_config(chart), dots_size=4)
    drawing.x_labels = chart.labels
    for n, series in enumerate(chart.plotted):
        if chart.kind in ("bar", "hbar"):
            drawing.add(series.name, list(series.values))
        else:
            drawing.add(
                series.name,
                _labelled_last(series.name, series.values),
                stroke_style={"width": 3, "dasharray": DASHES[n % len(DASHES)]},
            )
    # pygal always writes its configuration as an inline script; an image needs none.
    return SCRIPT.sub(b"", bytes(drawing.render()))
