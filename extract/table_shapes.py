"""Ruling lines -> the shapes of ruled tables: their row and column lines and merged cells.

Pure geometry over `Segment`s (points, top-left origin), shared by the grid builder
(`tables.grid`, which fills a shape with text) and the scan path, which needs a page's
table shapes before any text is read (deskew, flattening, column cuts, picture checks).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from .geometry import Segment, cluster_values, connected_tables, coverage, drop_floating, merge_segments
from .settings import Settings

# Rows or columns thinner than this (pt) are double borders, not cells.
_MIN_CELL_SIDE_PT = 4.0
# A ruled region is a table when it is at least this long one way (pt), at least a text
# line tall the other way, and holds two cells or more: smaller ones are boxes, underlines
# and frames. A table's last row carried alone onto the next page is one row, ~15 pt tall.
_MIN_TABLE_SIDE_PT = 20.0
_MIN_TABLE_THICKNESS_PT = 8.0


def _squeeze(lines: list[float], min_gap: float) -> list[float]:
    kept: list[float] = []
    for v in lines:
        if kept and v - kept[-1] < min_gap:
            kept[-1] = (kept[-1] + v) / 2
        else:
            kept.append(v)
    return kept


def _close_open_edges(
    lines: list[float], crossing: Sequence[Segment], tol: float,
    anchors: Sequence[tuple[float, float]] = (), extent: tuple[float, float] = (0.0, 0.0),
) -> list[float]:
    """Outer lines a table's last (or first) row lacks. A table cut by a page break often
    has no closing border under the last row of the page, or none over the first row of
    the next (WPS draws it only where the table ends); the row's column lines still run
    down (up) to where it ends. When several crossing rulings reach past the outermost
    line to about the same place, that place is the missing edge. A table drawn without
    its outer frame may have one crossing ruling only in that row (四's first header row:
    行政复议 | 行政诉讼): its end is the edge when the row prints text on both sides of it.
    `lines` are the positions of one orientation; `crossing` the perpendicular rulings;
    `anchors` the text's ink centres as (along `lines`' axis, across it); `extent` the
    table's span across (from its rulings along `lines`)."""
    if not lines:
        return lines
    first, last = lines[0], lines[-1]

    def edge(reaching: list[Segment], outer: float, sign: float) -> Optional[float]:
        ends = [sign * (s.end if sign > 0 else s.start) for s in reaching]
        places = cluster_values(ends, tol)
        if not places:
            return None
        # The farthest place that at least two rulings (the table's two sides) reach.
        for place in reversed(places):
            if sum(1 for e in ends if abs(e - place) <= tol) >= 2:
                return sign * place
        if len(reaching) != 1 or not anchors:
            return None
        ruling = reaching[0]
        place = sign * ends[0]
        low, high = sorted((outer, place))
        near, far = extent
        side = [across < ruling.position for along, across in anchors if low < along < high and near <= across <= far]
        return place if any(side) and not all(side) else None

    beyond_last = [s for s in crossing if s.end > last + _MIN_CELL_SIDE_PT and s.start < last + tol]
    beyond_first = [s for s in crossing if s.start < first - _MIN_CELL_SIDE_PT and s.end > first - tol]
    after = edge(beyond_last, last, 1.0)
    before = edge(beyond_first, first, -1.0)
    return ([before] if before is not None else []) + lines + ([after] if after is not None else [])


# A table's side (or top, bottom) is framed when its border covers this share of it.
_FRAME_COVERAGE = 0.5


@dataclass(frozen=True)
class TableShape:
    xs: tuple[float, ...]
    ys: tuple[float, ...]
    spans: tuple[tuple[int, int, int, int], ...]  # (row, col, row_span, col_span)


def grid_shape(
    segments: Sequence[Segment], settings: Settings, anchors: Sequence[tuple[float, float]] = ()
) -> Optional[TableShape]:
    """Row/column lines of one table and its merged cells. A border between two elementary
    cells exists when rulings cover most of their common edge; cells with no border
    between them belong to one merged cell. `anchors`: the page's text (ink centres, x
    and y), which decides an outer edge a frameless table leaves open (_close_open_edges);
    a table of one inner line (a label | value block without its frame) is closed by its
    crossing rulings' ends."""
    tol = settings.snap_tolerance_pt
    hs = [s for s in segments if s.orientation == "h"]
    vs = [s for s in segments if s.orientation == "v"]
    xs = _squeeze(cluster_values((s.position for s in vs), tol), _MIN_CELL_SIDE_PT)
    ys = _squeeze(cluster_values((s.position for s in hs), tol), _MIN_CELL_SIDE_PT)
    if not xs or not ys:
        return None
    # One crossing ruling closes an edge only where the table has no frame: its sides
    # mostly undrawn (for the top and bottom edges), its top and bottom mostly undrawn
    # (for the sides). A framed table's stray stub never does. (The side pieces
    # _join_frameless_pieces adds cover only the rows it joined across.)
    left, right = min(s.start for s in hs), max(s.end for s in hs)
    top, bottom = min(s.start for s in vs), max(s.end for s in vs)
    sides_open = max(coverage(vs, left, top, bottom, tol), coverage(vs, right, top, bottom, tol)) < _FRAME_COVERAGE
    ends_open = max(coverage(hs, top, left, right, tol), coverage(hs, bottom, left, right, tol)) < _FRAME_COVERAGE
    ys = _close_open_edges(ys, vs, tol, [(y, x) for x, y in anchors] if sides_open else (), (left, right))
    xs = _close_open_edges(xs, hs, tol, anchors if ends_open else (), (top, bottom))
    if len(xs) < 2 or len(ys) < 2:
        return None
    width, height = xs[-1] - xs[0], ys[-1] - ys[0]
    if max(width, height) < _MIN_TABLE_SIDE_PT or min(width, height) < _MIN_TABLE_THICKNESS_PT:
        return None
    if (len(xs) - 1) * (len(ys) - 1) < 2:
        return None
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    parent = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(a: int, b: int) -> bool:
        ra, rb = find(a), find(b)
        if ra == rb:
            return False
        parent[max(ra, rb)] = min(ra, rb)
        return True

    # The tolerance doubles here: a border drawn as two offset strokes clusters to their
    # mean, each stroke lying up to one tolerance away from it.
    line_tol = 2 * tol
    for r in range(n_rows):
        for c in range(n_cols - 1):
            if coverage(vs, xs[c + 1], ys[r], ys[r + 1], line_tol) < settings.min_border_coverage:
                join(r * n_cols + c, r * n_cols + c + 1)
    for r in range(n_rows - 1):
        for c in range(n_cols):
            if coverage(hs, ys[r + 1], xs[c], xs[c + 1], line_tol) < settings.min_border_coverage:
                join(r * n_cols + c, (r + 1) * n_cols + c)

    # Missing rulings can leave an L-shaped region; a cell is a rectangle, so grow each
    # region to its bounding box until nothing changes.
    changed = True
    while changed:
        changed = False
        extent: dict[int, list[int]] = {}
        for i in range(n_rows * n_cols):
            r, c = divmod(i, n_cols)
            e = extent.setdefault(find(i), [r, r, c, c])
            e[0], e[1], e[2], e[3] = min(e[0], r), max(e[1], r), min(e[2], c), max(e[3], c)
        for root, (r0, r1, c0, c1) in extent.items():
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    changed |= join(root, r * n_cols + c)

    spans: dict[int, tuple[int, int, int, int]] = {}
    for i in range(n_rows * n_cols):
        r, c = divmod(i, n_cols)
        root = find(i)
        if root not in spans:
            spans[root] = (r, c, 1, 1)
        else:
            r0, c0, _, _ = spans[root]
            prev = spans[root]
            spans[root] = (r0, c0, max(prev[2], r - r0 + 1), max(prev[3], c - c0 + 1))
    return TableShape(tuple(xs), tuple(ys), tuple(sorted(spans.values())))


def table_shapes(
    rulings: Sequence[Segment], settings: Settings, anchors: Sequence[tuple[float, float]] = ()
) -> list[TableShape]:
    """Every ruled table drawn by these rulings, top to bottom. `anchors`: the page's text
    as ink centres (x, y), when known: it joins the pieces of a table drawn without its
    outer frame and closes its open edges."""
    tol = settings.snap_tolerance_pt
    merged = merge_segments([s for s in rulings if s.length >= settings.min_ruling_length_pt], tol)
    merged = drop_floating(merged, tol)
    groups = connected_tables(merged, tol)
    if anchors:
        groups = _join_frameless_pieces(groups, anchors, tol)
    shapes = [shape for group in groups if (shape := grid_shape(group, settings, anchors)) is not None]
    return sorted(shapes, key=lambda s: (s.ys[0], s.xs[0]))


def _open_sides(group: Sequence[Segment], tol: float) -> Optional[tuple[float, float, float, float]]:
    """(left, right, top, bottom) of a group of rulings whose horizontals all run from one
    left end to one right end with no vertical at either end: a table without its side
    borders. None for any other group."""
    hs = [s for s in group if s.orientation == "h"]
    vs = [s for s in group if s.orientation == "v"]
    if len(hs) < 2:
        return None
    left, right = min(s.start for s in hs), max(s.end for s in hs)
    if any(abs(s.start - left) > tol or abs(s.end - right) > tol for s in hs):
        return None
    if any(abs(v.position - left) <= tol or abs(v.position - right) <= tol for v in vs):
        return None
    return left, right, min(s.position for s in hs), max(s.position for s in hs)


def _join_frameless_pieces(
    groups: list[list[Segment]], anchors: Sequence[tuple[float, float]], tol: float
) -> list[list[Segment]]:
    """A table without its outer frame falls apart at every row that has no inner vertical
    (二's 第二十条第（五）项 heading across the table): nothing connects the rulings above
    it to those below. Two such pieces, one right under the other, with the same left and
    right ends, are one table when the band between them prints one line of text (a row
    across the table); two separate frameless tables have at least their own last and
    first rows between them (no outer border under or over those), two lines or more.
    The band gets its side borders, so the row is a cell across the table."""
    pieces = sorted(groups, key=lambda g: min(s.position if s.orientation == "h" else s.start for s in g))
    out: list[list[Segment]] = []
    for group in pieces:
        below = _open_sides(group, tol)
        above = _open_sides(out[-1], tol) if out else None
        if above is not None and below is not None and _one_line_between(above, below, anchors, tol):
            left, right, _, bottom = above
            top = below[2]
            out[-1] = out[-1] + group + [Segment("v", left, bottom, top), Segment("v", right, bottom, top)]
        else:
            out.append(group)
    return out


def _one_line_between(
    above: tuple[float, float, float, float], below: tuple[float, float, float, float],
    anchors: Sequence[tuple[float, float]], tol: float,
) -> bool:
    (left, right, _, bottom), (left2, right2, top, _) = above, below
    if abs(left - left2) > tol or abs(right - right2) > tol or top <= bottom:
        return False
    band = [y for x, y in anchors if left < x < right and bottom < y < top]
    if not band:
        return False
    # One printed line: every ink centre within a line's height of the others; the band no
    # taller than two such lines (a row's padding).
    return max(band) - min(band) <= _ONE_LINE_SPREAD_PT and top - bottom <= _MAX_BAND_ROW_PT


# Ink centres of one line of table text lie this close together (pt; CJK and digits differ
# by ~2 pt at 9-12 pt) ...
_ONE_LINE_SPREAD_PT = 4.0
# ... and a one-line row across a table is no taller than this (pt).
_MAX_BAND_ROW_PT = 40.0
