"""What a chart shows, measured as drawn: the text boxes and the marks of a Matplotlib figure.

The figure is drawn once with the Agg renderer; the texts measured are those the renderer was
asked to draw (a tick label outside the view, a hidden panel's title are not), each with its
box from ``Text.get_window_extent`` (of an annotation, its text without the line back to
its point) — what a reader sees, not what the code meant to place.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text


@dataclass(frozen=True)
class Box:
    """A drawn text: its string, font size (points) and box (points from the bottom left)."""

    text: str
    size: float
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box, tolerance: float = 0.5) -> bool:
        return (min(self.x1, other.x1) - max(self.x0, other.x0) > tolerance
                and min(self.y1, other.y1) - max(self.y0, other.y0) > tolerance)


def drawn_texts(fig: Figure) -> list[Box]:
    """Every text the figure draws, with its box in points.

    The figure is drawn twice: the first draw makes the ticks; in the second each text
    artist is watched, and counted as drawn when the renderer was asked to draw a string
    (a multi-line text draws each line without naming its artist, so artists are watched,
    not the renderer's calls).
    """
    canvas = FigureCanvasAgg(fig)
    renderer = canvas.get_renderer()
    fig.draw(renderer)
    calls = [0]
    draw_text = renderer.draw_text

    def count(*args, **kwargs):
        calls[0] += 1
        return draw_text(*args, **kwargs)

    drawn: dict[int, Text] = {}

    def watch(text: Text):
        draw = text.draw

        def watched(r):
            before = calls[0]
            draw(r)
            if calls[0] > before and text.get_text().strip():
                drawn[id(text)] = text
        return watched

    texts = fig.findobj(Text)
    for text in texts:
        text.draw = watch(text)
    renderer.draw_text = count
    try:
        fig.draw(renderer)
    finally:
        for text in texts:
            del text.draw
        del renderer.draw_text
    scale = 72.0 / fig.dpi
    out = []
    for text in drawn.values():
        box = Text.get_window_extent(text, renderer)  # an annotation's text, not its arrow
        out.append(Box(text.get_text(), float(text.get_fontsize()), box.x0 * scale,
                       box.y0 * scale, box.x1 * scale, box.y1 * scale))
    return out


def text_clashes(fig: Figure) -> list[str]:
    """Texts that overlap each other or leave the figure, in words (empty when none do)."""
    boxes = drawn_texts(fig)
    width, height = (v * 72 for v in fig.get_size_inches())
    out = [f"{a.text!r} over {b.text!r}" for i, a in enumerate(boxes) for b in boxes[i + 1:]
           if a.overlaps(b)]
    out += [f"{b.text!r} leaves the figure" for b in boxes
            if b.x0 < -0.5 or b.y0 < -0.5 or b.x1 > width + 0.5 or b.y1 > height + 0.5]
    return out


def cut_marks(fig: Figure) -> list[str]:
    """Markers that the axes would cut (drawn with clipping and not whole inside the axes)."""
    scale = 72.0 / fig.dpi
    out = []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        box = ax.get_window_extent()
        x0, y0, x1, y1 = (v * scale for v in (box.x0, box.y0, box.x1, box.y1))
        for artist in ax.get_children():
            if isinstance(artist, Line2D) and artist.get_marker() not in (None, "None", ""):
                xy, radius = np.column_stack(artist.get_data()).astype(float), \
                    artist.get_markersize() / 2
            elif isinstance(artist, PathCollection):
                xy = np.asarray(artist.get_offsets(), dtype=float)
                sizes = artist.get_sizes()
                radius = float(np.sqrt(sizes.max()) / 2) if len(sizes) else 0.0
            else:
                continue
            if not artist.get_clip_on() or not len(xy):
                continue
            xy = xy[np.isfinite(xy).all(axis=1)]
            px = ax.transData.transform(xy) * scale
            bad = (px[:, 0] - radius < x0 - 0.5) | (px[:, 0] + radius > x1 + 0.5) | \
                  (px[:, 1] - radius < y0 - 0.5) | (px[:, 1] + radius > y1 + 0.5)
            out += [f"{ax.get_title()!r}: mark at {tuple(p)} cut" for p in xy[bad]]
    return out


def marks_under_legends(fig: Figure) -> list[str]:
    """Bars and markers that a legend drawn inside the axes covers (a reader cannot see them)."""
    from matplotlib.patches import Rectangle

    FigureCanvasAgg(fig).draw()
    out = []
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None or not ax.get_visible():
            continue
        box = legend.get_window_extent()
        for patch in ax.patches:
            if not isinstance(patch, Rectangle) or patch.get_width() == 0 \
                    or patch.get_height() == 0:
                continue
            bar = patch.get_window_extent()
            if min(bar.x1, box.x1) - max(bar.x0, box.x0) > 0.5 \
                    and min(bar.y1, box.y1) - max(bar.y0, box.y0) > 0.5:
                out.append(f"{ax.get_title()!r}: bar {patch.get_label()!r} under the legend")
        for line in ax.get_lines():
            if line.get_marker() in (None, "None", ""):
                continue
            xy = np.column_stack(line.get_data()).astype(float)
            xy = xy[np.isfinite(xy).all(axis=1)]
            for x, y in ax.transData.transform(xy) if len(xy) else []:
                if box.x0 < x < box.x1 and box.y0 < y < box.y1:
                    out.append(f"{ax.get_title()!r}: mark at ({x:.0f}, {y:.0f}) under the legend")
    return out
