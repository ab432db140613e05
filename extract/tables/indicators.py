"""Grids -> indicator rows: the statistics tables of pre-2019 reports (政府信息公开情况统计表).

These tables have no national template. What they share (see the spec, "Reports before
2019"): a label column (指标名称 / 统计指标 / 项目), maybe a unit column (计量单位 / 单位),
maybe a serial or code column (序号 / 代码, whose numbers are not values), header rows
(a 甲/乙/1/2 row among them), and one or more value columns (本年度, 历年累计, a split by
level …). Rows are indicators that nest: group headings (一、主动公开情况), parents, 其中
items numbered 1. and (1).

Columns are given their roles by their headers where printed and by what their body cells
hold otherwise; rows by their labels. Every printed number of such a table is either an
indicator's value or listed as unplaced: the same invariant the template tables keep.
Geometry is the grid's (points, top-left origin, see extract.geometry).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Optional, Sequence

from ..indicators import (
    BY_KEY,
    PARTITIONS,
    UNIT_WORDS,
    indicator_core,
    match_indicator,
    numbering,
    unit_in_label,
)
from ..text import parse_value
from .glued import GluedCell, split_glued
from ..page import Grid, GridCell

# ---------------------------------------------------------------- column roles

_SERIAL_HEADER = re.compile(r"^(序号|编号|代码|代号|行次|栏次|序|行号|指标代码)$")
_LABEL_HEADER = re.compile(r"指标|项目|名称|内容|类别|类型|事项")
_UNIT_HEADER = re.compile(r"^(计量单位|单位|计算单位|计量|单 位)$")
_REMARK_HEADER = re.compile(r"^(备注|说明|附注)$")
# A header row of column codes (甲 乙 丙 1 2 3) under the header names.
_CODE_CELL = re.compile(r"^[甲乙丙丁戊己庚辛]$")
_CJK = re.compile(r"[\u3400-\u9fff]")
# "单位：件" printed in a caption row or a header cell.
_UNIT_NOTE = re.compile(r"单位[：:]\s*(人次|万元|千元|元|条|件|次|个|人|篇|项)")


def _core(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _printed(text: str) -> str:
    """A label as printed, whitespace (line breaks, ideographic spaces) removed."""
    return re.sub(r"\s+", "", text)


def _is_value_text(text: str) -> bool:
    """A number or a printed null marker: what a value cell holds."""
    return parse_value(text).ok


def _is_number(text: str) -> bool:
    return any(ch.isdigit() for ch in text) and parse_value(text).ok


def _is_label_text(text: str) -> bool:
    return bool(_CJK.search(text)) and not _is_value_text(text) and _core(text) not in UNIT_WORDS


@dataclass(frozen=True)
class _Columns:
    """Roles of a grid's elementary columns (indexes into grid.xs)."""

    label: tuple[int, ...]
    unit: Optional[int]
    serial: tuple[int, ...]
    values: tuple[int, ...]
    headers: tuple[str, ...]  # per value column: the printed header (levels joined by ' › ')
    header_units: tuple[Optional[str], ...]  # per value column: a unit its header prints


def _cell_at(grid: Grid, row: int, col: int) -> Optional[GridCell]:
    for c in grid.cells:
        if c.row <= row <= c.last_row and c.col <= col < c.col + c.col_span:
            return c
    return None


def _row_starts(grid: Grid, row: int) -> list[GridCell]:
    return [c for c in grid.row_cells(row) if c.row == row]


def _across(grid: Grid, cells: Sequence[GridCell]) -> bool:
    return len(cells) == 1 and cells[0].col == 0 and cells[0].col_span == grid.n_cols and grid.n_cols > 1


def _is_code_row(cells: Sequence[GridCell]) -> bool:
    """甲 | 乙 | 1 | 2: the codes some statistics forms print under their header."""
    texts = [_core(c.text) for c in cells if c.text.strip()]
    return bool(texts) and any(_CODE_CELL.match(t) for t in texts) and all(
        _CODE_CELL.match(t) or re.fullmatch(r"\d{1,2}", t) for t in texts
    )


def _body_row(grid: Grid, row: int) -> bool:
    """A row with a label and, right of it, a value: the first such row ends the header."""
    cells = _row_starts(grid, row)
    if _is_code_row(cells):
        return False
    label_seen = False
    for c in sorted(grid.row_cells(row), key=lambda c: c.col):
        if _is_label_text(c.text):
            label_seen = True
        elif label_seen and c.row == row and _is_value_text(c.text) and c.text.strip():
            return True
    return False


def header_row_count(grid: Grid) -> int:
    """Rows above the first body row (captions, column names, a code row). A row printing
    only a label at the left edge just above the first body row is a group heading
    (一、主动公开情况), part of the body."""
    first = next((r for r in range(grid.n_rows) if _body_row(grid, r)), grid.n_rows)
    if first == grid.n_rows:
        return first
    while first > 1:
        starts = _row_starts(grid, first - 1)
        # A serial or code (1, 01) printed beside a heading does not make it a header row.
        printed = [c for c in starts if c.text.strip() and not re.fullmatch(r"\d{1,3}", _core(c.text))]
        if not (len(printed) == 1 and printed[0].col <= 1 and _is_label_text(printed[0].text)):
            break
        # Across the table, only a numbered heading (一、主动公开情况) is body: a title or a
        # 单位：件 note across the table is header.
        if _across(grid, starts) and not _group_heading_text(printed[0].text):
            break
        first -= 1
    return first


def _group_heading_text(text: str) -> bool:
    return _rank(text) <= 2.0 and not _UNIT_NOTE.search(text) and len(_printed(text)) <= 40


def _column_texts(grid: Grid, rows: range, col: int) -> list[str]:
    """The texts of the cells covering `col` in `rows`, each merged cell once."""
    seen, texts = set(), []
    for r in rows:
        c = _cell_at(grid, r, col)
        if c is not None and id(c) not in seen:
            seen.add(id(c))
            texts.append(c.text)
    return texts


def _roles(grid: Grid, header_rows: int) -> Optional[_Columns]:
    """Which columns hold labels, units, serial numbers and values."""
    n = grid.n_cols
    header_names: list[list[str]] = []
    for col in range(n):
        names = []
        for text in _column_texts(grid, range(header_rows), col):
            core = _core(text)
            if not core or _CODE_CELL.match(core) or re.fullmatch(r"\d{1,2}", core):
                continue
            names.append(_printed(text))  # as printed: 乡镇（街道） keeps its brackets
        header_names.append(names)
    # A caption across the whole table (单位：件 / 表名) names no column.
    caption_cells = [c for r in range(header_rows) if _across(grid, cs := _row_starts(grid, r)) for c in cs]
    caption_text = "".join(_core(c.text) for c in caption_cells)
    captions = {_core(c.text) for c in caption_cells}
    header_names = [[t for t in names if _core(t) not in captions] for names in header_names]

    body = range(header_rows, grid.n_rows)
    label, serial, values = [], [], []
    unit: Optional[int] = None
    for col in range(n):
        own = _core(header_names[col][-1]) if header_names[col] else ""
        texts = [_core(t) for t in _column_texts(grid, body, col)]
        filled = [t for t in texts if t]
        labels = sum(1 for t in filled if _is_label_text(t))
        units = sum(1 for t in filled if t in UNIT_WORDS or re.fullmatch(r"[（(]?(?:人次|万元|元|条|件|次|个|人|篇|项)[)）]?", t))
        numbers = sum(1 for t in filled if _is_value_text(t))
        if _SERIAL_HEADER.match(own) or (not label and _looks_serial(filled) and col < n - 1):
            serial.append(col)
        elif _UNIT_HEADER.match(own) or (label and filled and units >= 0.6 * len(filled) and not numbers):
            unit = col if unit is None else unit
        elif _REMARK_HEADER.match(own):
            continue
        elif not values and (_LABEL_HEADER.search(own) or (filled and labels >= 0.5 * len(filled))):
            label.append(col)
        elif label and filled and numbers >= 0.5 * len(filled):
            values.append(col)
        elif label and not filled and own:
            values.append(col)  # a value column left blank
    if not label or not values:
        return None
    headers = tuple(" › ".join(dict.fromkeys(header_names[col])) for col in values)
    caption_unit = _UNIT_NOTE.search(caption_text)
    header_units = tuple(
        (m.group(1) if (m := _UNIT_NOTE.search(h) or re.search(r"[（(](人次|万元|元|条|件|次|个|人|篇|项)[)）]", h)) else None)
        or (caption_unit.group(1) if caption_unit else None)
        for h in headers
    )
    return _Columns(tuple(label), unit, tuple(serial), tuple(values), headers, header_units)


def _looks_serial(texts: Sequence[str]) -> bool:
    """1, 2, 3 … or 01, 02 …: row numbers, not values."""
    numbers = [t for t in texts if re.fullmatch(r"\d{1,3}", t)]
    if len(numbers) < 3 or len(numbers) < 0.7 * len(texts):
        return False
    ints = [int(t) for t in numbers]
    return ints == sorted(ints) and len(set(ints)) == len(ints) and ints[0] <= 1


# ---------------------------------------------------------------- rows

# Nesting by numbering style, outermost first: 一、 then （一） then an unnumbered label,
# then 1. then （1） / ①.
def _rank(label: str) -> float:
    mark = numbering(label)
    if not mark:
        return 3.0
    if re.match(r"^(?:其中[：:，,]?)?[\u2460-\u2473\u2474-\u2487]", _printed(label)):
        return 6.0  # ① under (5)
    if re.match(r"^[一二三四五六七八九十]+[、.．]", mark):
        return 1.0
    if re.match(r"^[（(][一二三四五六七八九十]+", mark):
        return 2.0
    if re.match(r"^\d", mark):
        return 4.0
    return 5.0


def _of_which(label: str) -> bool:
    return bool(re.match(r"^其中", _core(label)))


@dataclass(frozen=True)
class IndicatorValue:
    column: str  # the printed header
    column_index: int  # 0-based among the table's value columns
    header_unit: Optional[str]
    cell: GridCell
    page: int
    # A value read out of a cell that prints the row's label too (the column ruling
    # between them not found): that cell, with the label and all its numbers.
    glued: Optional[GluedCell] = None


@dataclass(frozen=True)
class IndicatorRow:
    label: str  # as printed, whitespace removed
    path: tuple[str, ...]
    key: Optional[str]
    unit: Optional[str]
    values: tuple[IndicatorValue, ...]
    # The key of the indicator row it is printed under (None for a group heading or none).
    parent_key: Optional[str]


@dataclass(frozen=True)
class StatisticsTable:
    fragments: tuple[Grid, ...]
    columns: tuple[str, ...]
    rows: tuple[IndicatorRow, ...]
    # Numbers printed in the table that are no indicator's value: (page, cell).
    unplaced: tuple[tuple[int, GridCell], ...]


@dataclass
class _Frame:
    rank: float
    label: str
    key: Optional[str]
    # A 其中 item, or an unnumbered item printed after one as its sibling.
    of_which: bool = False


# A label cell holding only 其中 (merged down the rows of the items it introduces).
_OF_WHICH_CELL = re.compile(r"^其中[：:，,]?$")
_DASHES = re.compile(r"^[-－—–―/／\\]+$")


def _read_rows(fragments: Sequence[tuple[Grid, int, _Columns]]) -> tuple[list[IndicatorRow], list[tuple[int, GridCell]]]:
    rows: list[IndicatorRow] = []
    unplaced: list[tuple[int, GridCell]] = []
    stack: list[_Frame] = []
    previous_rank: Optional[float] = None
    previous_outer: Optional[tuple[str, ...]] = None
    for grid, header_rows, cols in fragments:
        used: set[int] = set()
        for r in range(header_rows, grid.n_rows):
            cells = _row_starts(grid, r)
            across = _across(grid, cells) and not _is_number(cells[0].text)
            if across and _number_in_label(cells[0].text):
                # An indicator row whose column rules were lost (a scan's page edge): read
                # as label + values below when that split is unique, else its number is
                # reported unplaced, never taken for a heading.
                if _split_row(grid, cells[0], cols, _open_frames(stack, (), previous_outer), previous_rank) is None:
                    continue
            elif across:
                # A row across the table: a group heading (一、主动公开情况) or a note.
                text = _printed(cells[0].text)
                if _is_label_text(text) and len(text) <= 40:
                    # 一、 opens a group; （二） across the table opens a subgroup in it.
                    rank = min(_rank(text), 2.0) if numbering(text) else 1.0
                    while stack and stack[-1].rank >= rank:
                        stack.pop()
                    stack.append(_Frame(rank, text, None))
                    previous_rank = rank
                    previous_outer = ()
                used.add(id(cells[0]))
                continue
            label_cells = [c for col in cols.label if (c := _cell_at(grid, r, col)) is not None]
            label_cells = list({id(c): c for c in label_cells}.values())
            for c in label_cells:
                used.add(id(c))
            marker = next((c for c in label_cells if _OF_WHICH_CELL.match(_core(c.text))), None)
            own = [c for c in label_cells if c.text.strip() and c is not marker]
            if not own:
                continue
            label_cell = own[-1]
            outer = tuple(_printed(c.text) for c in own[:-1])
            label = _printed(label_cell.text)
            value_cells: list[tuple[int, GridCell]] = []
            for k, col in enumerate(cols.values):
                c = _cell_at(grid, r, col)
                if c is None or c.row != r or c.col != col:
                    continue
                value_cells.append((k, c))
            glued_unit: Optional[str] = None
            glued: Optional[_GluedRow] = None
            if _spanned_values(label_cell, cols) and _number_in_label(label_cell.text):
                # The label cell runs over value columns (their rulings lost) and prints a
                # number: label + values when the split is unique, else an unplaced number.
                glued = _split_row(grid, label_cell, cols, _open_frames(stack, outer, previous_outer), previous_rank)
                if glued is None:
                    if all(c is not label_cell for _, c in unplaced):
                        unplaced.append((grid.page, label_cell))
                    if _across(grid, cells):
                        continue
                else:
                    label, glued_unit = glued.label, glued.unit
                    value_cells = sorted(value_cells + list(glued.values), key=lambda kc: kc[0])
            printed = [c for _, c in value_cells if c.text.strip()]
            if label_cell.row != r and not printed:
                continue  # a merged label spanning rows: its first row carried it
            if previous_outer is not None and outer != previous_outer:
                # A new category in a left column (rowspan) closes what was open.
                stack = []
                previous_rank = None
            previous_outer = outer

            rank, of_which = _nesting(label, marker, r, stack, previous_rank)
            while stack and stack[-1].rank >= rank:
                stack.pop()
            path_frames = list(stack)
            parent_key = next((f.key for f in reversed(path_frames) if f.key), None)
            path = outer + tuple(f.label for f in path_frames)
            key = match_indicator(label, path, parent_key)
            # The vocabulary knows where an unnumbered item belongs: under its usual parent
            # when that parent is open above it. Numbering printed (① under (5)) outranks it.
            spec = BY_KEY.get(key) if key else None
            if spec is not None and spec.parent and spec.parent != parent_key and not numbering(label):
                for depth in range(len(path_frames) - 1, -1, -1):
                    if path_frames[depth].key == spec.parent:
                        path_frames = path_frames[: depth + 1]
                        stack = list(path_frames)
                        parent_key = spec.parent
                        path = outer + tuple(f.label for f in path_frames)
                        break
            unit_cell = _cell_at(grid, r, cols.unit) if cols.unit is not None else None
            if glued is not None and unit_cell is label_cell:
                unit_cell = None  # the unit is printed inside the label cell: glued.unit
            is_heading = (not printed and (spec is None or rank <= 1.0)) or (
                # 一、主动公开情况 | —— | ——: a heading row whose cells print dashes.
                spec is None
                and printed
                and all(_DASHES.match(_core(c.text)) for c in printed)
                and (unit_cell is None or not _core(unit_cell.text) or _DASHES.match(_core(unit_cell.text)))
            )
            stack.append(_Frame(rank, label, None if is_heading else key, of_which))
            previous_rank = rank
            if is_heading:
                for c in printed:
                    used.add(id(c))
                if unit_cell is not None:
                    used.add(id(unit_cell))
                continue
            unit = None
            if unit_cell is not None:
                used.add(id(unit_cell))
                unit = _printed(unit_cell.text).strip("()（）") or None
            unit = unit or glued_unit or unit_in_label(label)
            values = []
            for k, c in value_cells:
                used.add(id(c))
                from_label = glued.cell if glued is not None and any(c is v for _, v in glued.values) else None
                values.append(IndicatorValue(cols.headers[k], k, cols.header_units[k], c, grid.page, from_label))
            rows.append(IndicatorRow(label, path, key, unit, tuple(values), parent_key))
        for c in grid.cells:
            if id(c) in used or c.row < header_rows:
                continue
            if any(c.col <= col < c.col + c.col_span for col in cols.serial):
                continue
            if _is_number(c.text) or _number_in_label(c.text):
                unplaced.append((grid.page, c))
    return rows, unplaced


def _nesting(
    label: str, marker: Optional[GridCell], row: int, stack: Sequence[_Frame], previous_rank: Optional[float]
) -> tuple[float, bool]:
    """The rank of a row (smaller is outer) and whether it is a 其中 item.

    Numbering gives the rank (_rank). A 其中 item sits under the row before it. An
    unnumbered label after a 其中 item is one more item of the same 其中 when a merged 其中
    cell covers it, or, without that cell, unless the vocabulary knows it as an indicator
    with another parent (主动公开政府信息数 / 其中：全文电子化 / 申请总数: 申请总数 is no
    part of 主动公开)."""
    rank = _rank(label)
    starts_of_which = _of_which(label) or (marker is not None and marker.row == row)
    if starts_of_which:
        if previous_rank is not None and rank <= previous_rank:
            rank = previous_rank + 0.5
        return rank, True
    if numbering(label) or not stack:
        return rank, False
    top = stack[-1]
    if not top.of_which:
        # 申请总数 / 当面申请 / 网上申请 printed without 其中 or indent: the vocabulary
        # knows 当面申请 as an item of 申请总数.
        candidate = match_indicator(label, tuple(f.label for f in stack), top.key) if top.key else None
        if candidate is not None and top.key is not None and _usual_item(candidate, top.key):
            return top.rank + 0.5, True
        return rank, False
    if marker is not None:
        return top.rank, True
    parents = list(stack[:-1])
    parent_key = next((f.key for f in reversed(parents) if f.key), None)
    candidate = match_indicator(label, tuple(f.label for f in parents), parent_key)
    if candidate is not None and not _may_be_under(candidate, parent_key):
        return rank, False
    return stack[-1].rank, True


def _usual_item(key: str, parent_key: str) -> bool:
    spec = BY_KEY[key]
    return spec.parent == parent_key or any(p.parent == parent_key and key in p.parts for p in PARTITIONS)


def _may_be_under(key: str, parent_key: Optional[str]) -> bool:
    """Whether indicator `key` may be printed as an item under another row: false only for
    the vocabulary's roots (申请总数, 行政复议数, 专项经费 …), which no table prints as a 其中
    item. An item under an unusual parent (部分公开 under 已办结数) is kept where printed."""
    spec = BY_KEY[key]
    return spec.parent is not None or any(key in p.parts for p in PARTITIONS)


@dataclass(frozen=True)
class _GluedRow:
    """A label cell that prints its row's values too, taken apart."""

    cell: GluedCell
    label: str  # as printed, whitespace removed, without the unit
    unit: Optional[str]  # a unit word printed between label and number (the unit column's)
    values: tuple[tuple[int, GridCell], ...]  # (value column index, the number's cell)


def _spanned_values(cell: GridCell, cols: _Columns) -> list[int]:
    """Indexes (among the value columns) of the value columns a cell runs over."""
    return [k for k, col in enumerate(cols.values) if cell.col <= col < cell.col + cell.col_span]


def _open_frames(stack: Sequence[_Frame], outer: tuple[str, ...], previous_outer: Optional[tuple[str, ...]]) -> list[_Frame]:
    """The frames a row would nest in: none when a new category opens in a left column."""
    return [] if previous_outer is not None and outer != previous_outer else list(stack)


def _split_row(
    grid: Grid, cell: GridCell, cols: _Columns, stack: Sequence[_Frame], previous_rank: Optional[float]
) -> Optional[_GluedRow]:
    """A label cell running over value columns and printing numbers, read as the row's
    label (and unit) and its values, or None when that is not unique: every value column
    it spans gets one number, left to right, exactly as many numbers as columns (each
    inside its column when there are several, see GluedCell.fits); and the
    label is an indicator of the vocabulary where the row stands (a label outside it could
    end in a digit of its own). The column boundary is inferred, so the caller reports it."""
    spanned = _spanned_values(cell, cols)
    extents = [(grid.xs[cols.values[k]], grid.xs[cols.values[k] + 1]) for k in spanned]
    glued = split_glued(cell, extents)
    if glued is None or not glued.fits(extents):
        return None
    label, unit = _printed(glued.label), None
    if cols.unit is not None and cell.col <= cols.unit < cell.col + cell.col_span:
        for word in sorted(UNIT_WORDS, key=len, reverse=True):
            if label.endswith(word) and len(label) > len(word):
                label, unit = label[: -len(word)], word
                break
    rank, _ = _nesting(label, None, cell.row, stack, previous_rank)
    frames = [f for f in stack]
    while frames and frames[-1].rank >= rank:
        frames.pop()
    parent_key = next((f.key for f in reversed(frames) if f.key), None)
    if match_indicator(label, tuple(f.label for f in frames), parent_key) is None:
        return None
    return _GluedRow(glued, label, unit, tuple(zip(spanned, glued.numbers)))


# A count printed inside a label cell (the ruling between label and value lost): digits
# outside the numbering and outside a bracketed remark (计1条), not part of a date.
_STANDING_NUMBER = re.compile(r"(?<![第\d.])\d+(?![\d年月日号])")


def _number_in_label(text: str) -> bool:
    core = indicator_core(text)
    return bool(_STANDING_NUMBER.search(core)) and bool(_CJK.search(core))


# ---------------------------------------------------------------- tables

_MIN_INDICATOR_ROWS = 2


def _same_columns(a: Grid, b: Grid) -> bool:
    if a.n_cols != b.n_cols:
        return False
    width = max(a.xs[-1] - a.xs[0], 1.0)
    return all(abs(x - y) <= 0.03 * width for x, y in zip(a.xs, b.xs))


def statistics_tables(grids: Sequence[Grid]) -> list[StatisticsTable]:
    """The statistics tables among `grids` (in reading order; grids of the template tables
    already left out). A grid without a header whose columns line up with the previous
    table's, on a following page (or next in a web page or Word file), continues it."""
    tables: list[list[tuple[Grid, int, _Columns]]] = []
    for grid in grids:
        header_rows = header_row_count(grid)
        if header_rows >= grid.n_rows:
            continue
        previous = tables[-1][-1] if tables else None
        continues = (
            previous is not None
            and previous[0] is not grid
            and (grid.page > previous[0].page or grid.cells[0].locator is not None)
            and _same_columns(previous[0], grid)
            and (header_rows == 0 or _header_repeats(previous[0], previous[1], grid, header_rows))
        )
        if continues:
            assert previous is not None
            cols = _roles(grid, header_rows) if header_rows else None
            tables[-1].append((grid, header_rows, cols or previous[2]))
            continue
        if previous is not None and header_rows == 0 and grid.page > previous[0].page:
            # A continuation whose page lost a column rule (the 其中 column of a two-column
            # label): its columns are the previous page's, some of them merged.
            cols = _merged_columns(previous[0], previous[2], grid)
            if cols is not None:
                tables[-1].append((grid, 0, cols))
                continue
        cols = _roles(grid, header_rows)
        if cols is None:
            continue
        tables.append([(grid, header_rows, cols)])
    out = []
    for fragments in tables:
        rows, unplaced = _read_rows(fragments)
        if len(rows) < _MIN_INDICATOR_ROWS:
            continue
        out.append(StatisticsTable(tuple(g for g, _, _ in fragments), fragments[0][2].headers, tuple(rows), tuple(unplaced)))
    return out


def _merged_columns(first: Grid, cols: _Columns, grid: Grid) -> Optional[_Columns]:
    """The roles of `grid`'s columns when each is one or several adjacent columns of
    `first` (same outer edges, every rule of `grid` one of `first`'s), else None."""
    width = max(first.xs[-1] - first.xs[0], 1.0)

    def index(x: float) -> Optional[int]:
        return next((i for i, fx in enumerate(first.xs) if abs(fx - x) <= 0.03 * width), None)

    edges = [index(x) for x in grid.xs]
    if any(e is None for e in edges) or edges[0] != 0 or edges[-1] != first.n_cols or grid.n_cols >= first.n_cols:
        return None
    label, serial, values, headers, units = [], [], [], [], []
    unit: Optional[int] = None
    for j in range(grid.n_cols):
        covered = range(edges[j], edges[j + 1])  # type: ignore[arg-type]
        value_of = [k for k, col in enumerate(cols.values) if col in covered]
        if len(value_of) == 1 and len(covered) == 1:
            values.append(j)
            headers.append(cols.headers[value_of[0]])
            units.append(cols.header_units[value_of[0]])
        elif value_of:
            return None  # value columns merged: no telling whose the number is
        elif any(c in cols.label for c in covered):
            label.append(j)
        elif cols.unit in covered:
            unit = j
        elif any(c in cols.serial for c in covered):
            serial.append(j)
    if not label or len(values) != len(cols.values):
        return None
    return _Columns(tuple(label), unit, tuple(serial), tuple(values), tuple(headers), tuple(units))


def _header_repeats(first: Grid, first_header: int, grid: Grid, header_rows: int) -> bool:
    """A continuation that prints the header again."""
    def text(g: Grid, n: int) -> str:
        return "".join(_core(c.text) for c in g.cells if c.row < n)

    return text(first, first_header) == text(grid, header_rows)
