"""Ruling lines -> tables -> the merged-cell grid, then text into cells.

One grid builder for every page source: it sees only `Segment`s and `TextBox`es.
The chain mirrors the geometry: segments -> connected tables -> row/column lines ->
elementary cells -> merged cells (spans) (`extract.table_shapes`, pure geometry the scan
path uses too) -> cell text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import replace
from typing import Callable, Optional, Sequence

from ..geometry import BBox, group_into_lines
from ..page import Grid, GridCell, PageContent, TextBox
from ..settings import Settings
from ..table_shapes import TableShape, table_shapes
from ..text import normalize, parse_value


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


def grids_on_page(page: PageContent, settings: Settings) -> list[Grid]:
    """Every ruled table on the page, top to bottom, with its text."""
    return [part for shape in table_shapes(page.rulings, settings, page.anchors) for part in split_at_gaps(_fill(page, shape))]


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
    for box, (x, y) in zip(page.boxes, page.anchors):
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
        by_row = _values_by_row(members, ys[r : r + rs + 1]) if cs == 1 else None
        if by_row is not None:
            cells += [
                _cell(page, r + i, c, 1, 1, BBox(xs[c], ys[r + i], xs[c + 1], ys[r + i + 1]), part)
                for i, part in enumerate(by_row)
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
    return _values_between(members, xs, lambda b: (b.x0, b.x1))


def _values_by_row(members: Sequence[TextBox], ys: Sequence[float]) -> Optional[list[list[TextBox]]]:
    """The text boxes of a scanned cell merged over several rows (`ys`: its row lines, top to
    bottom, the table's own: other columns draw them), per row, when the cell prints one
    value per row and the ruling between them was lost in this column ("0" over "2" read as
    one cell "0\n2"). None unless that is certain, as for columns (`_values_by_column`), and
    only for OCR boxes (a text layer's grid is the printed one); a number wrapped inside one
    merged cell stands line to line, not a wide gap apart."""
    if any(b.source != "ocr" for b in members):
        return None
    return _values_between(members, ys, lambda b: (b.top, b.bottom))


def _values_between(
    members: Sequence[TextBox], lines: Sequence[float], extent: Callable[[BBox], tuple[float, float]]
) -> Optional[list[list[TextBox]]]:
    """A merged cell's boxes per band between `lines` (the table's own rulings across the
    cell, ascending), `extent` giving a box's (start, end) along the same axis; None unless
    every box lies inside one band, at least two bands print something, each band's text
    reads as a value, and consecutive bands' ink stands a wide gap apart."""
    if len(lines) < 3 or len(members) < 2:
        return None
    parts: list[list[TextBox]] = [[] for _ in range(len(lines) - 1)]
    for box in members:
        start, end = extent(box.ink or box.bbox)
        inside = [
            j for j in range(len(lines) - 1)
            if start >= lines[j] - _COLUMN_SLACK_PT and end <= lines[j + 1] + _COLUMN_SLACK_PT
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
    for before, after in zip(used, used[1:]):
        end = max(extent(b.ink or b.bbox)[1] for b in parts[before])
        start = min(extent(b.ink or b.bbox)[0] for b in parts[after])
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
    return min(max(bisect_right(bounds, v) - 1, 0), len(bounds) - 2)
