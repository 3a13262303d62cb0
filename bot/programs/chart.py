"""The funnel as a picture: one row per stage, bars for all learners, women and young people.

matplotlib draws the bars, the grid and the axis; it cannot shape Khmer, so it draws no words: every
label is placed afterwards by :mod:`bot.drawing` (Pillow with raqm) at the positions matplotlib
computed. A hidden count gets no bar, only its "<10" (or "–" when it is hidden so that a small one cannot be
worked out).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image, ImageDraw

import bot.drawing as drawing

SERIES_COLOURS = ("#0d6e63", "#c2185b", "#f9a825")  # all, women, young people
INK, MUTED = (28, 37, 54), (100, 110, 125)
DPI = 100


@dataclass(frozen=True)
class ChartText:
    """Every word on the chart, already in the reader's language."""

    title: str
    subtitle: str
    stages: list[str]  # one label per row, top to bottom
    series: list[str]  # legend: all, women, young people
    hidden: str  # "<10"
    masked: str = "–"  # hidden so that a small number cannot be worked out
    number: Callable[[int], str] = str  # the reader's way of writing numbers (Babel)


def render(text: ChartText, values: list[list[int | None]]) -> bytes:
    """``values[s][r]``: series ``s`` at stage row ``r`` (None: hidden). A PNG about 1000 px wide,
    readable on a phone."""
    drawing.require_shaping()
    rows, series = len(text.stages), len(values)
    width_px, row_px, top_px, bottom_px, left_px = 1000, 26 * series + 30, 150, 60, 330
    height_px = top_px + bottom_px + rows * row_px
    fig = Figure(figsize=(width_px / DPI, height_px / DPI), dpi=DPI)  # no pyplot: safe in worker threads
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_axes((left_px / width_px, bottom_px / height_px, 1 - (left_px + 80) / width_px,
                       1 - (top_px + bottom_px) / height_px))
    biggest = max([v for line in values for v in line if v is not None and v >= 0] + [1])
    bar = 0.8 / series
    spots: list[tuple[float, float, int | None]] = []  # (data x of the bar's end, data y, value)
    for s, line in enumerate(values):
        for r, value in enumerate(line):
            y = rows - 1 - r + 0.4 - bar * (s + 0.5)
            if value is not None and value >= 0:
                ax.barh(y, value, height=bar * 0.9, color=SERIES_COLOURS[s % len(SERIES_COLOURS)])
            spots.append((value if value is not None and value >= 0 else 0, y, value))
    ax.set_xlim(0, biggest * 1.12)
    ax.set_ylim(-0.6, rows - 0.4)
    ax.set_yticks([])
    ax.grid(axis="x", color="#dddddd")
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="x", labelsize=11, colors="#646e7d")
    canvas.draw()
    to_pixels = ax.transData.transform
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    image = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    draw = ImageDraw.Draw(image)
    drawing.text(draw, 30, 22, drawing.fit(text.title, 34, True, width_px - 60, 1)[0][0], 34, INK, bold=True)
    drawing.text(draw, 30, 72, text.subtitle, 20, MUTED)
    x = 30.0
    for s, name in enumerate(text.series):  # the legend
        draw.rectangle((x, 112, x + 18, 130), fill=SERIES_COLOURS[s % len(SERIES_COLOURS)])
        drawing.text(draw, x + 26, 106, name, 20, INK)
        x += 26 + drawing.width(name, 20) + 30
    for r, label in enumerate(text.stages):  # stage names, centred on their group of bars
        _, y_px = to_pixels((0, rows - 1 - r))
        lines, size = drawing.fit(label, 22, False, left_px - 50, 2, smallest=14)
        top = height_px - y_px - drawing.line_height(label, size) * len(lines) / 2
        for line in lines:
            drawing.text(draw, 30, top, line, size, INK)
            top += drawing.line_height(line, size)
    for end, y, value in spots:  # the numbers, after each bar
        x_px, y_px = to_pixels((end, y))
        label = text.hidden if value is None else text.masked if value < 0 else text.number(value)
        drawing.text(draw, x_px + 6, height_px - y_px - 11, label, 16, MUTED if value is None or value < 0 else INK)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
