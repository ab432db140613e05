"""Show-through: the reverse side's print seen through thin paper.

Duplex pages on thin paper carry, under their own print, the other side's tables mirrored
and faint. The faint-ruling pass (`pixels._faint_rulings`, made for pale grey borders)
finds the long lines of that mirrored table, and where they cross or touch this side's
table they join its rulings: a fragment of two rows carried onto the next page became one
table with the mirrored table's border, its grid one spanning cell (held-out round 11 s01).

What tells them apart is the darkness of each line. A table printed on this side is framed
by lines of one printing; a line several times paler than that frame and reaching beyond it
is no part of the table, and nor is a pale line inside a frame whose inner lines are dark
(its pieces between this side's print). A table with black outer borders and pale grey
inner rulings keeps the grey ones: most of its inner lines are pale, inside the frame, and
run from line to line. A table printed pale throughout (a WPS grey
border) has no dark frame to judge by and is left alone, and so is one whose dark lines do
not close a frame (toner fading down the page)."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..geometry import Segment, connected_tables, coverage

# The frame is made of the table's dark lines: at least this share of its darkest line's
# depth below the paper (grey levels), which is at least `_DARK_DEPTH` (print, not a grey
# table). A line below `_PALE_SHARE` of the dark lines' median depth is pale: show-through
# is 15-25 below the paper where this side's black print is 110-150 below it (held-out
# round 11 s01: 22 against 106-150); a grey table's lines are all within a factor of 2.
_DARK_SHARE = 0.6
_DARK_DEPTH = 60.0
_PALE_SHARE = 0.3
# The sides of a closed frame cover this share of its width (height).
_FRAME_COVERAGE = 0.9


def line_depth(segment: Segment, gray: np.ndarray, dpi: float, paper: float) -> float:
    """Grey levels by which a ruling lies below the paper: along its run, the darkest pixel
    within ~1/20 inch across it (a line's position is its pieces' mean: a thick or
    doubled line, a slight tilt, put its ink a few pixels off), the median of those along
    the run (text crossing it, or gaps, do not move it).
    `gray` 8-bit, row 0 at the top; segment in points from the image's top-left corner."""
    px = dpi / 72.0
    reach = max(2, int(dpi / 20))
    pos = int(round(segment.position * px))
    a, b = int(segment.start * px), int(np.ceil(segment.end * px)) + 1
    if segment.orientation == "h":
        band = gray[max(0, pos - reach) : pos + reach + 1, max(0, a) : b]
        darkest = band.min(axis=0) if band.size else np.array([paper])
    else:
        band = gray[max(0, a) : b, max(0, pos - reach) : pos + reach + 1]
        darkest = band.min(axis=1) if band.size else np.array([paper])
    return paper - float(np.median(darkest))


def without_show_through(
    segments: Sequence[Segment], gray: np.ndarray, dpi: float, paper: float, tolerance: float
) -> list[Segment]:
    """The rulings without the pale lines that reach beyond the dark, closed frame of the
    table they touch (see the module's note). `paper` is the page's paper level (grey);
    tolerance in points."""
    out: list[Segment] = []
    for group in connected_tables(segments, tolerance):
        depths = [line_depth(s, gray, dpi, paper) for s in group]
        darkest = max(depths, default=0.0)
        dark = [s for s, d in zip(group, depths) if d >= _DARK_SHARE * darkest]
        frame = _closed_frame(dark, tolerance) if darkest >= _DARK_DEPTH else None
        if frame is None:
            out += group
            continue
        pale = _PALE_SHARE * float(np.median([d for d in depths if d >= _DARK_SHARE * darkest]))
        # Inside the frame a pale line is the table's own only in a table ruled pale inside
        # (black border, grey inner rulings): most of its inner lines are pale, and each
        # runs from line to line.
        inner = [d >= pale for s, d in zip(group, depths) if _inside(s, frame, tolerance) and not _on_side(s, frame, tolerance)]
        ruled_pale_inside = inner.count(False) > inner.count(True)
        out += [
            s
            for s, d in zip(group, depths)
            if d >= pale
            or (ruled_pale_inside and _inside(s, frame, tolerance) and _both_ends_met(s, group, tolerance))
        ]
    return out


def _closed_frame(dark: Sequence[Segment], tolerance: float) -> tuple[float, float, float, float] | None:
    """(left, top, right, bottom) of the box the dark lines enclose when its four sides are
    dark lines covering it, else None."""
    hs = [s for s in dark if s.orientation == "h"]
    vs = [s for s in dark if s.orientation == "v"]
    if len(hs) < 2 or len(vs) < 2:
        return None
    top, bottom = min(s.position for s in hs), max(s.position for s in hs)
    left, right = min(s.position for s in vs), max(s.position for s in vs)
    if bottom - top <= 2 * tolerance or right - left <= 2 * tolerance:
        return None
    sides = (
        coverage(hs, top, left, right, tolerance),
        coverage(hs, bottom, left, right, tolerance),
        coverage(vs, left, top, bottom, tolerance),
        coverage(vs, right, top, bottom, tolerance),
    )
    return (left, top, right, bottom) if min(sides) >= _FRAME_COVERAGE else None


def _both_ends_met(s: Segment, group: Sequence[Segment], tolerance: float) -> bool:
    """Whether both ends of a line stop on a line across it: a pale inner ruling runs
    from border to border; a show-through line inside the frame shows only in pieces
    between this side's print, ending in mid-air."""
    across = [o for o in group if o.orientation != s.orientation]
    return all(
        any(abs(o.position - end) <= tolerance and o.start - tolerance <= s.position <= o.end + tolerance for o in across)
        for end in (s.start, s.end)
    )


def _on_side(s: Segment, frame: tuple[float, float, float, float], tolerance: float) -> bool:
    left, top, right, bottom = frame
    sides = (top, bottom) if s.orientation == "h" else (left, right)
    return any(abs(s.position - side) <= tolerance for side in sides)


def _inside(s: Segment, frame: tuple[float, float, float, float], tolerance: float) -> bool:
    left, top, right, bottom = frame
    if s.orientation == "h":
        return top - tolerance <= s.position <= bottom + tolerance and left - tolerance <= s.start and s.end <= right + tolerance
    return left - tolerance <= s.position <= right + tolerance and top - tolerance <= s.start and s.end <= bottom + tolerance
