"""Ruling lines -> tables -> the merged-cell grid, then text into cells.

One grid builder for every page source: it sees only `Segment`s and `TextBox`es.
The chain mirrors the geometry: segments -> connected tables -> row/column lines ->
elementary cells -> merged cells (spans) -> cell text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Optional, Sequence, Union

from ..geometry import (
    BBox,
    Segment,
    cluster_values,
    connected_tables,
    coverage,
    drop_floating,
    group_into_lines,
    merge_segments,
)
from ..page import MarkupSource, PageContent, TextBox, TextSource
from ..settings import Settings
from ..text import normalize, parse_value

# Rows or columns thinner than this (pt) are double borders, not cells.
_MIN_CELL_SIDE_PT = 4.0
# A ruled region is a table when it is at least this long one way (pt), at least a text
# line tall the other way, and holds two cells or more: smaller ones are boxes, underlines
# and frames. A table's last row carried alone onto the next page is one row, ~15 pt tall.
_MIN_TABLE_SIDE_PT = 20.0
_MIN_TABLE_THICKNESS_PT = 8.0


@dataclass(frozen=True)
class GridCell:
    row: int
    col: int
    row_span: int
    col_span: int
    bbox: BBox
    text: str  # lines joined by "\n", in reading order
    confidence: float
    source: Union[TextSource, MarkupSource]
    # Other texts the cell's ink supports (see TextBox.alternatives), best first.
    alternatives: tuple[str, ...] = ()
    # Cells of web pages and Word files (extract/read/markup.py): the XPath of the cell's
    # element and its (table, row, column), 1-based; None for cells drawn on a page.
    locator: Optional[str] = None
    place: Optional[tuple[int, int, int]] = None
    # The text boxes the cell's text was made of (glyphs, or OCR runs): where each part of
    # the text is printed, for a cell that turns out to hold a label and its value
    # (tables/glued.py). Not part of the cell's identity.
    boxes: tuple[TextBox, ...] = field(default=(), repr=False, compare=False)

    @property
    def last_row(self) -> int:
        return self.row + self.row_span - 1


@dataclass(frozen=True)
class Grid:
    """One ruled table as drawn on one page."""

    page: int
    xs: tuple[float, ...]  # column boundaries, left to right
    ys: tuple[float, ...]  # row boundaries, top to bottom
    cells: tuple[GridCell, ...]  # each merged cell once, by (row, col) of its top-left

    @property
    def n_rows(self) -> int:
        return len(self.ys) - 1

    @property
    def n_cols(self) -> int:
        return len(self.xs) - 1

    @property
    def bbox(self) -> BBox:
        return BBox(self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    def row_cells(self, row: int) -> list[GridCell]:
        """Cells covering `row`, left to right (merged cells included once)."""
        return sorted(
            (c for c in self.cells if c.row <= row <= c.last_row), key=lambda c: c.col
        )



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


def cell_text(boxes: Sequence[TextBox]) -> str:
    """Text of the boxes inside one cell: lines top to bottom joined by newlines; within a
    line, a space only where the gap is wider than half a glyph height (CJK prints no
    spaces; wide gaps separate numbers)."""
    if not boxes:
        return ""
    bboxes = [b.bbox for b in boxes]
    inks = [b.ink or b.bbox for b in boxes]
    out_lines = []
    lines = group_into_lines(boxes, inks, [b.baseline for b in boxes])
    raised = _superscripts(boxes, inks, lines)
    for n, line in enumerate(lines):
        if n in raised:
            continue
        parts: list[str] = []
        prev: Optional[BBox] = None
        for i in line:
            b = bboxes[i]
            if prev is not None and b.x0 - prev.x1 > 0.5 * max(b.height, prev.height):
                parts.append(" ")
            parts.append(boxes[i].text)
            prev = b
        reference = lines[n - 1] if n - 1 in raised else []
        out_lines.append("".join(parts) + "".join(boxes[i].text.translate(_SUPERSCRIPT_DIGITS) for i in reference))
    return "\n".join(out_lines)


_SUPERSCRIPT_DIGITS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
# A footnote reference set as a superscript (Word's default: 2/3 of the size, raised by a
# third): its glyphs are at most this share of the line's height ...
_SUPERSCRIPT_SIZE = 0.8
# ... and its baseline is raised by at least this share of it, less than a line's height.
_SUPERSCRIPT_RAISE = 0.2


def _superscripts(boxes: Sequence[TextBox], inks: Sequence[BBox], lines: list[list[int]]) -> set[int]:
    """Indices of the lines that are a footnote reference raised after the end of the line
    below them (30¹, 行政许可²), to be printed at that line's end. Grouped by baseline,
    such a reference is a line of its own above its number, and would join it as wrapped
    digits (30¹ read as 130). Text layer only (glyph baselines)."""
    out: set[int] = set()
    for n in range(len(lines) - 1):
        small, main = lines[n], lines[n + 1]
        if any(boxes[i].baseline is None for i in small + main):
            continue
        if not all(boxes[i].text.isdigit() or boxes[i].text in "*＊" for i in small):
            continue
        height = sorted(inks[i].height for i in main)[len(main) // 2]
        base = sorted(boxes[i].baseline for i in main)[len(main) // 2]  # type: ignore[type-var]
        raise_ = base - max(boxes[i].baseline for i in small)  # type: ignore[type-var]
        digit_heights = [inks[i].height for i in small if boxes[i].text.isdigit()]
        if digit_heights and max(digit_heights) > _SUPERSCRIPT_SIZE * height:
            continue
        if not _SUPERSCRIPT_RAISE * height <= raise_ < height:
            continue
        end_of_main = max(inks[i].x1 for i in main)
        if min(inks[i].x0 for i in small) < end_of_main - 0.2 * height:
            continue  # not after the line's end: a wrapped line above, not a reference
        out.add(n)
    return out


_MAX_ALTERNATIVES = 16


def cell_alternatives(boxes: Sequence[TextBox]) -> tuple[str, ...]:
    """Other texts for a cell with doubtful lines: each line swapped for one of its
    alternative readings, and (when there are several lines) each line on its own, since
    a stray mark can read as an extra line."""
    if not any(b.alternatives for b in boxes) and not (len(boxes) > 1 and any(b.confidence < 1.0 for b in boxes)):
        return ()
    texts: list[str] = []
    for i, box in enumerate(boxes):
        for alt in box.alternatives:
            texts.append(cell_text([*boxes[:i], replace(box, text=alt), *boxes[i + 1 :]]))
        if len(boxes) > 1:
            texts.append(box.text)
            texts.extend(box.alternatives)
    primary = cell_text(boxes)
    return tuple(t for t in dict.fromkeys(texts) if t != primary)[:_MAX_ALTERNATIVES]


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


def grids_on_page(page: PageContent, settings: Settings) -> list[Grid]:
    """Every ruled table on the page, top to bottom, with its text."""
    anchors = [box.anchor for box in page.boxes]
    return [part for shape in table_shapes(page.rulings, settings, anchors) for part in split_at_gaps(_fill(page, shape))]


# The report's title and the headings of its table sections (二、主动公开政府信息情况), as a
# spreadsheet prints them in a row of the sheet between its tables. (A pre-2019 statistics
# table's own section rows, 一、主动公开情况, are rows of one table.)
_TITLE_ROW = re.compile(
    r"^(?:[一二三四五六七八九十]+[、．.](?:主动公开政府信息情况|收到和处理政府信息公开申请情况"
    r"|政府信息公开行政复议[、，,]?行政诉讼情况)|\S*工作年度报告)$"
)


def split_at_gaps(grid: Grid) -> list[Grid]:
    """A sheet printed with gridlines (Excel, WPS spreadsheets) is one grid over every
    table on it: cut it at rows printing only the report's title or a table section's
    heading, and then at its empty rows too, where no merged cell crosses them. Returned
    as is unless that leaves two tables or more. A grid without such a title row is never
    cut (an empty row inside one table, a pre-2019 statistics table's section rows)."""
    separators, titles = [], 0
    for r in range(grid.n_rows):
        cells = grid.row_cells(r)
        if any(c.row_span > 1 for c in cells):
            continue
        texts = [c.text for c in cells if c.text.strip()]
        if len(texts) == 1 and _TITLE_ROW.match(normalize(texts[0])):
            titles += 1
            separators.append(r)
        elif not texts:
            separators.append(r)
    if not titles:
        return [grid]
    bands, start = [], 0
    for r in separators + [grid.n_rows]:
        if r > start:
            bands.append((start, r))
        start = r + 1
    bands = [(a, b) for a, b in bands if any(c.text.strip() for c in grid.cells if a <= c.row < b)]
    if len(bands) < 2:
        return [grid]
    return [
        Grid(
            page=grid.page,
            xs=grid.xs,
            ys=grid.ys[a : b + 1],
            cells=tuple(replace(c, row=c.row - a) for c in grid.cells if a <= c.row < b),
        )
        for a, b in bands
    ]


def _fill(page: PageContent, shape: TableShape) -> Grid:
    xs, ys = shape.xs, shape.ys
    owner: dict[tuple[int, int], int] = {}
    for k, (r, c, rs, cs) in enumerate(shape.spans):
        for rr in range(r, r + rs):
            for cc in range(c, c + cs):
                owner[(rr, cc)] = k
    inside: dict[int, list[TextBox]] = {}
    for box in page.boxes:
        x, y = box.anchor
        if not (xs[0] <= x <= xs[-1] and ys[0] <= y <= ys[-1]):
            continue
        col = _index(xs, x)
        row = _index(ys, y)
        inside.setdefault(owner[(row, col)], []).append(box)
    cells = []
    for k, (r, c, rs, cs) in enumerate(shape.spans):
        members = inside.get(k, [])
        by_column = _values_by_column(members, xs[c : c + cs + 1])
        if by_column is not None:
            cells += [
                _cell(page, r, c + j, rs, 1, BBox(xs[c + j], ys[r], xs[c + j + 1], ys[r + rs]), part)
                for j, part in enumerate(by_column)
            ]
            continue
        cells.append(_cell(page, r, c, rs, cs, BBox(xs[c], ys[r], xs[c + cs], ys[r + rs]), members))
    return Grid(page=page.number, xs=xs, ys=ys, cells=tuple(cells))


def _cell(page: PageContent, r: int, c: int, rs: int, cs: int, bbox: BBox, members: Sequence[TextBox]) -> GridCell:
    text = cell_text(members)
    confidence = min((b.confidence for b in members), default=1.0)
    if _unexplained_wrap(members, text, bbox):
        confidence = min(confidence, _DOUBTFUL_WRAP_CONFIDENCE)
    return GridCell(
        row=r,
        col=c,
        row_span=rs,
        col_span=cs,
        bbox=bbox,
        text=text,
        confidence=confidence,
        source=members[0].source if members else page.source,
        alternatives=cell_alternatives(members),
        boxes=tuple(members),
    )


# Two numbers in neighbouring columns stand at least this share of a glyph's height apart
# (numbers are centred in their columns); the digits of one number stand closer.
_COLUMN_GAP_SHARE = 0.5
# A text box may reach this far (pt) over its column's line and still be inside the column:
# an OCR crop's margin (~1.5 pt at 150 DPI), a ruling's width.
_COLUMN_SLACK_PT = 2.0


def _values_by_column(members: Sequence[TextBox], xs: Sequence[float]) -> Optional[list[list[TextBox]]]:
    """The text boxes of a cell merged over several columns (`xs`: its column lines, left
    to right, the table's own: other rows draw them), per column, when the cell prints one
    value per column and the ruling between them was lost (a faint or broken line on a
    scan). None unless that is certain: every box lies inside one column, at least two
    columns print something, what each prints reads as a value, and the ink on either side
    of every column line between them stands a wide gap apart. Otherwise the cell stays
    merged, and its text, never a value, is reported unplaced by the table readers."""
    if len(xs) < 3 or len(members) < 2:
        return None
    parts: list[list[TextBox]] = [[] for _ in range(len(xs) - 1)]
    for box in members:
        ink = box.ink or box.bbox
        inside = [
            j for j in range(len(xs) - 1)
            if ink.x0 >= xs[j] - _COLUMN_SLACK_PT and ink.x1 <= xs[j + 1] + _COLUMN_SLACK_PT
        ]
        if len(inside) != 1:
            return None
        parts[inside[0]].append(box)
    used = [j for j, part in enumerate(parts) if part]
    if len(used) < 2:
        return None
    for part in parts:
        text = cell_text(part)
        if part and (not text.strip() or not parse_value(text).ok):
            return None
    height = max((b.ink or b.bbox).height for b in members)
    for left, right in zip(used, used[1:]):
        end = max((b.ink or b.bbox).x1 for b in parts[left])
        start = min((b.ink or b.bbox).x0 for b in parts[right])
        if start - end < _COLUMN_GAP_SHARE * height:
            return None
    return parts


# Confidence given to OCR'd digits read as a wrapped number without room to wrap: low
# enough to be reported and settled by the rules among the lines' own readings.
_DOUBTFUL_WRAP_CONFIDENCE = 0.5


def _unexplained_wrap(members: Sequence[TextBox], text: str, cell: BBox) -> bool:
    """OCR read digits on several lines of a cell where the first line had room to go on:
    a number wraps only when it fills its cell, so the other line is more likely a mark
    (a seal's lettering, a stroke of a stamp) than the number's tail. The text layer is
    exact and never doubted."""
    if "\n" not in text or not members or any(b.source != "ocr" for b in members):
        return False
    if not parse_value(text).ok or not any(ch.isdigit() for ch in text):
        return False
    first = min(members, key=lambda b: b.bbox.top)
    return first.bbox.width < 0.6 * cell.width


def _index(bounds: Sequence[float], v: float) -> int:
    """Index i with bounds[i] <= v < bounds[i+1], clamped to the valid range."""
    lo, hi = 0, len(bounds) - 2
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if bounds[mid] <= v:
            lo = mid
        else:
            hi = mid - 1
    return lo
