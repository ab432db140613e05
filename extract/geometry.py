"""Pure geometry on page coordinates.

Every coordinate in the pipeline is in PDF points (1/72 inch) with the origin at the top-left
corner of the page as displayed (after /Rotate), x to the right, y downwards — the convention
of pdfplumber and of image rows, so the text layer and the pixel path share one frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator, Literal, Optional, Sequence, TypeVar


@dataclass(frozen=True)
class BBox:
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def center(self) -> tuple[float, float]:
        return ((self.x0 + self.x1) / 2, (self.top + self.bottom) / 2)

    def contains_point(self, x: float, y: float, slack: float = 0.0) -> bool:
        return (
            self.x0 - slack <= x <= self.x1 + slack and self.top - slack <= y <= self.bottom + slack
        )

    def as_tuple(self, digits: int = 2) -> tuple[float, float, float, float]:
        return (
            round(self.x0, digits),
            round(self.top, digits),
            round(self.x1, digits),
            round(self.bottom, digits),
        )


def overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    """Length of the intersection of intervals [a0, a1] and [b0, b1] (0 when disjoint)."""
    return max(0.0, min(a1, b1) - max(a0, b0))


Orientation = Literal["h", "v"]


@dataclass(frozen=True)
class Segment:
    """An axis-aligned ruling line. For "h": y = position, x runs start..end.
    For "v": x = position, y runs start..end (top-down)."""

    orientation: Orientation
    position: float
    start: float
    end: float

    @property
    def length(self) -> float:
        return self.end - self.start


# A drawn segment whose ends differ by at most this much across its run (points) is
# axis-aligned: a stroked table border drawn by a path.
_AXIS_SLACK_PT = 0.5


def subpath_rulings(points: Sequence[tuple[float, float]], max_width: float, stroked: bool) -> Iterator[Segment]:
    """The ruling lines one straight-edged subpath of a vector path draws (page frame,
    points): a hairline or a thin filled box (at most `max_width` across) is one ruling along
    its long side; a stroked outline (a cell's or a table's frame) gives one ruling per
    axis-aligned edge. The PDF and OFD readers both hand their paths here."""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    w, h = max(xs) - min(xs), max(ys) - min(ys)
    if w <= max_width and h > w:
        yield Segment("v", (min(xs) + max(xs)) / 2, min(ys), max(ys))
    elif h <= max_width and w > h:
        yield Segment("h", (min(ys) + max(ys)) / 2, min(xs), max(xs))
    elif stroked:
        for (x0, y0), (x1, y1) in zip(points, points[1:]):
            if abs(y1 - y0) <= _AXIS_SLACK_PT and abs(x1 - x0) > _AXIS_SLACK_PT:
                yield Segment("h", (y0 + y1) / 2, min(x0, x1), max(x0, x1))
            elif abs(x1 - x0) <= _AXIS_SLACK_PT and abs(y1 - y0) > _AXIS_SLACK_PT:
                yield Segment("v", (x0 + x1) / 2, min(y0, y1), max(y0, y1))


def cluster_values(values: Iterable[float], tolerance: float) -> list[float]:
    """Group sorted values whose neighbours are within tolerance; return each group's mean."""
    ordered = sorted(values)
    if not ordered:
        return []
    groups: list[list[float]] = [[ordered[0]]]
    for v in ordered[1:]:
        if v - groups[-1][-1] <= tolerance:
            groups[-1].append(v)
        else:
            groups.append([v])
    return [sum(g) / len(g) for g in groups]


def merge_segments(segments: Sequence[Segment], tolerance: float) -> list[Segment]:
    """Snap nearly collinear segments of one orientation onto a common line and join those
    that overlap or nearly touch. Word draws one visual border as many short pieces (one
    per cell edge), sometimes doubled and offset by a fraction of a point."""
    merged: list[Segment] = []
    for orientation in ("h", "v"):
        same = [s for s in segments if s.orientation == orientation]
        for line in cluster_values((s.position for s in same), tolerance):
            on_line = sorted(
                (s for s in same if abs(s.position - line) <= tolerance), key=lambda s: s.start
            )
            run_start, run_end = None, None
            for s in on_line:
                if run_start is None:
                    run_start, run_end = s.start, s.end
                elif s.start <= run_end + tolerance:
                    run_end = max(run_end, s.end)
                else:
                    merged.append(Segment(orientation, line, run_start, run_end))
                    run_start, run_end = s.start, s.end
            if run_start is not None:
                merged.append(Segment(orientation, line, run_start, run_end))
    return merged


def segments_touch(h: Segment, v: Segment, tolerance: float) -> bool:
    return (
        h.start - tolerance <= v.position <= h.end + tolerance
        and v.start - tolerance <= h.position <= v.end + tolerance
    )


def drop_floating(segments: Sequence[Segment], tolerance: float) -> list[Segment]:
    """Segments that cross or touch no perpendicular segment: a dash printed as a null
    marker, an underline, a stroke of a digit. A table's rulings always meet another."""
    hs = [s for s in segments if s.orientation == "h"]
    vs = [s for s in segments if s.orientation == "v"]
    keep_h = [h for h in hs if any(segments_touch(h, v, tolerance) for v in vs)]
    keep_v = [v for v in vs if any(segments_touch(h, v, tolerance) for h in hs)]
    return keep_h + keep_v


def keep_anchored(segments: Sequence[Segment], tolerance: float, free_length: float) -> list[Segment]:
    """Segments whose two ends both meet a perpendicular segment (or fall in a break
    between two pieces of one), or that are at least `free_length` long. A table ruling
    runs from border to border; the straight-looking bits of a seal's ring or star, or of
    a signature, stop in mid-air. Repeated until stable, since dropping one stray piece can
    leave another unanchored."""

    def meets(point_along: float, line: float, others: Sequence[Segment]) -> bool:
        # The perpendicular ruling may be broken right where this one meets it (a border
        # under a shaded row loses contrast in places): pieces of it on both sides count.
        pieces = [o for o in others if abs(o.position - point_along) <= tolerance]
        return any(o.start - tolerance <= line <= o.end + tolerance for o in pieces) or (
            any(o.end <= line for o in pieces) and any(o.start >= line for o in pieces)
        )

    kept = list(segments)
    while True:
        hs = [s for s in kept if s.orientation == "h"]
        vs = [s for s in kept if s.orientation == "v"]
        nxt = [
            s
            for s in kept
            if s.length >= free_length
            or (
                meets(s.start, s.position, vs if s.orientation == "h" else hs)
                and meets(s.end, s.position, vs if s.orientation == "h" else hs)
            )
        ]
        if len(nxt) == len(kept):
            return nxt
        kept = nxt


def connected_tables(segments: Sequence[Segment], tolerance: float) -> list[list[Segment]]:
    """Split rulings into groups that intersect one another: each group is one table."""
    parent = list(range(len(segments)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    hs = [i for i, s in enumerate(segments) if s.orientation == "h"]
    vs = [i for i, s in enumerate(segments) if s.orientation == "v"]
    for i in hs:
        for j in vs:
            if segments_touch(segments[i], segments[j], tolerance):
                parent[find(i)] = find(j)
    groups: dict[int, list[Segment]] = {}
    for i, s in enumerate(segments):
        groups.setdefault(find(i), []).append(s)
    return list(groups.values())


def coverage(segments: Sequence[Segment], position: float, a: float, b: float, tolerance: float) -> float:
    """Share of the interval [a, b] on the line at `position` covered by the given segments
    (all of one orientation)."""
    if b <= a:
        return 0.0
    covered = sorted(
        (max(a, s.start), min(b, s.end))
        for s in segments
        if abs(s.position - position) <= tolerance and s.end > a and s.start < b
    )
    total, cursor = 0.0, a
    for lo, hi in covered:
        lo = max(lo, cursor)
        if hi > lo:
            total += hi - lo
            cursor = hi
    return total / (b - a)


T = TypeVar("T")


def group_into_lines(
    items: Sequence[T], boxes: Sequence[BBox], baselines: Optional[Sequence[Optional[float]]] = None
) -> list[list[int]]:
    """Indices of items grouped into text lines (top to bottom, each left to right).
    With a baseline for every item (the text layer), a line is the items whose baselines
    lie within a third of a glyph height of each other: glyphs of one line share their
    baseline exactly, and lines are at least a glyph height apart however tight the
    spacing. Otherwise (OCR runs) two items share a line when their vertical extents
    overlap by more than half the smaller height."""
    if baselines is not None and items and all(b is not None for b in baselines):
        return _lines_by_baseline(boxes, [float(b) for b in baselines if b is not None])
    order = sorted(range(len(items)), key=lambda i: (boxes[i].top + boxes[i].bottom) / 2)
    lines: list[list[int]] = []
    line_extent: list[tuple[float, float]] = []
    for i in order:
        b = boxes[i]
        placed = False
        for k in range(len(lines) - 1, max(-1, len(lines) - 4), -1):
            top, bottom = line_extent[k]
            smaller = max(1e-6, min(bottom - top, b.height))
            if overlap(top, bottom, b.top, b.bottom) > 0.5 * smaller:
                lines[k].append(i)
                line_extent[k] = (min(top, b.top), max(bottom, b.bottom))
                placed = True
                break
        if not placed:
            lines.append([i])
            line_extent.append((b.top, b.bottom))
    for line in lines:
        line.sort(key=lambda i: boxes[i].x0)
    return lines


def _lines_by_baseline(boxes: Sequence[BBox], baselines: Sequence[float]) -> list[list[int]]:
    heights = sorted([b.bottom - b.top for b in boxes])  # (the property costs more than this, per glyph)
    tolerance = heights[len(heights) // 2] / 3
    order = sorted(range(len(boxes)), key=lambda i: baselines[i])
    lines: list[list[int]] = []
    for i in order:
        if lines and baselines[i] - baselines[lines[-1][-1]] <= tolerance:
            lines[-1].append(i)
        else:
            lines.append([i])
    for line in lines:
        line.sort(key=lambda i: boxes[i].x0)
    return lines
