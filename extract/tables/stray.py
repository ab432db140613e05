"""Numbers printed between a page's table rulings but in no grid that was built.

The placement check (`mapping.check_placement`) sees every number inside the grids of the
found tables. A part of a table whose grid could not be built (a table printed without
its outer frame: full-width rows with no vertical line to join them to the rest) holds
numbers that nothing reads; they must be reported, not lost. Coordinates are page points,
top-left origin.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..geometry import BBox, group_into_lines
from ..page import Grid, PageContent, TextBox
from ..text import parse_value

# A number counts as inside a ruled row when horizontal rulings run over it above and
# below, no farther apart than this (pt): a tall merged cell, not the gap between tables.
_MAX_RULED_BAND_PT = 100.0


@dataclass(frozen=True)
class StrayNumber:
    page: int
    text: str
    bbox: BBox


def numbers_outside_grids(page: PageContent, grids: Sequence[Grid]) -> list[StrayNumber]:
    """Standalone numbers of a text-layer page that sit between two horizontal rulings
    (both running over them) and inside no grid. Prose numbers are parts of sentences and
    never stand alone; a page number sits below the last ruling."""
    if page.source != "text" or not page.rulings:
        return []
    frames = [g.bbox for g in grids if g.page == page.number]
    loose = [b for b, point in zip(page.boxes, page.anchors) if not any(_inside(point, f) for f in frames)]
    if not loose:
        return []
    horizontals = [s for s in page.rulings if s.orientation == "h"]
    out = []
    for run in _runs(loose):
        text = "".join(b.text for b in run)
        if not any(ch.isdigit() for ch in text) or not parse_value(text).ok:
            continue
        box = BBox(min(b.bbox.x0 for b in run), min(b.bbox.top for b in run),
                   max(b.bbox.x1 for b in run), max(b.bbox.bottom for b in run))
        x, y = box.center
        above = [s.position for s in horizontals if s.position <= y and s.start <= x <= s.end]
        below = [s.position for s in horizontals if s.position >= y and s.start <= x <= s.end]
        if above and below and min(below) - max(above) <= _MAX_RULED_BAND_PT:
            out.append(StrayNumber(page.number, text, box))
    return out


def _inside(point: tuple[float, float], frame: BBox) -> bool:
    x, y = point
    return frame.x0 <= x <= frame.x1 and frame.top <= y <= frame.bottom


def _runs(boxes: Sequence[TextBox]) -> list[list[TextBox]]:
    """Glyphs in lines, each line cut where the gap is wider than a glyph height."""
    inks = [b.ink or b.bbox for b in boxes]
    runs: list[list[TextBox]] = []
    for line in group_into_lines(boxes, inks, [b.baseline for b in boxes]):
        current: list[TextBox] = []
        for i in line:
            b = boxes[i]
            if current and b.bbox.x0 - current[-1].bbox.x1 > max(b.bbox.height, current[-1].bbox.height):
                runs.append(current)
                current = []
            current.append(b)
        if current:
            runs.append(current)
    return runs
