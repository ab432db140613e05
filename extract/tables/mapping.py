"""Grids -> template cells: which ruled table is which section, and which grid cell holds
`table.row.column`.

Cells are placed by their labels (row labels on the left, column headers above), never by
position alone: reports reorder, merge and reword. Fragments of one table on consecutive
pages are read as one table, with or without a repeated header; a merged label cut in two
by the page break is joined again.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Collection, Optional, Sequence

from .. import template as tpl
from ..geometry import BBox, overlap
from ..records import CellLocation, Finding
from ..settings import Settings
from ..text import label_core, parse_value, similarity
from .glued import GluedCell, split_finding, split_glued
from ..page import Grid, GridCell, TextBox

TableKind = str  # one of template.TABLE_KEYS


@dataclass(frozen=True)
class LogicalTable:
    kind: TableKind
    fragments: tuple[Grid, ...]


@dataclass(frozen=True)
class MappedCell:
    key: str  # table.row.column
    cell: GridCell
    page: int
    # A value read out of a cell that prints its row label too (the ruling between them not
    # found): `cell` is the number's part, `glued` the grid's cell and all its numbers.
    glued: Optional[GluedCell] = None


@dataclass
class Mapping:
    cells: dict[str, MappedCell] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    # Evidence for the template version: "2019" / "2021" -> number of distinctive labels seen.
    votes: Counter = field(default_factory=Counter)
    tables: list[LogicalTable] = field(default_factory=list)
    # Printed numbers that are no template cell but were read and checked: a 小计 column an
    # agency adds (its value and check are in an applications.subtotal finding).
    extras: list[GridCell] = field(default_factory=list)


# ---------------------------------------------------------------- which table is which

def _vocabulary() -> dict[TableKind, set[str]]:
    apps = {label_core(r.label) for rows in tpl.APPLICATION_ROWS.values() for r in rows}
    apps |= {label_core(r.group) for rows in tpl.APPLICATION_ROWS.values() for r in rows if r.group}
    apps |= {label_core(c.label) for c in tpl.APPLICATION_COLUMNS} | {"申请人情况", "法人或其他组织"}
    pro = {label_core(label) for rows in tpl.PROACTIVE_ROWS.values() for (label, _, _) in rows.values()}
    pro |= {label_core(v) for cols in tpl.PROACTIVE_COLUMNS.values() for v in cols.values()}
    pro |= {"信息内容", "第二十条"}
    rev = {label_core(c.label) for c in tpl.REVIEW_COLUMNS} | {"行政复议", "行政诉讼"}
    rev |= {label_core(r.label) for r in tpl.REVIEW_ROWS}
    # Words every table prints say nothing about which one this is.
    shared = {"总计", "其他"}
    return {
        "applications": {w for w in apps - shared if len(w) >= 2},
        "proactive": {w for w in pro - shared if len(w) >= 2},
        "review_litigation": {w for w in rev - shared - apps if len(w) >= 2},
    }


_VOCABULARY = _vocabulary()
_MIN_VOCABULARY_HITS = 2


def classify(grids: Sequence[Grid]) -> list[LogicalTable]:
    """Group grids (in reading order) into the report's tables. A grid with too few known
    labels continues the table before it when it starts on a following page; consecutive
    grids of one kind are fragments of one table (a page break, or a table drawn as
    several small ones)."""
    tables: list[LogicalTable] = []
    for grid in grids:
        text = "".join(label_core(c.text) for c in grid.cells)
        hits = {kind: sum(1 for w in words if w in text) for kind, words in _VOCABULARY.items()}
        kind, best = max(hits.items(), key=lambda kv: kv[1])
        if best < _MIN_VOCABULARY_HITS:
            # A later page's table with few labels continues the table before it; so does
            # a piece of one grid cut at an empty row (grid.split_at_gaps: the same column
            # lines, on the same page), whose numbers must not go unseen.
            previous = tables[-1].fragments[-1] if tables else None
            if previous is not None and (
                grid.page > previous.page or (grid.page == previous.page and grid.xs == previous.xs)
            ):
                kind = tables[-1].kind
            else:
                continue
        if tables and tables[-1].kind == kind:
            tables[-1] = LogicalTable(kind, tables[-1].fragments + (grid,))
        else:
            tables.append(LogicalTable(kind, (grid,)))
    return tables


# ---------------------------------------------------------------- shared helpers

def _is_printed_number(cell: GridCell) -> bool:
    """A count or an amount (not a null marker): what must end up in the record."""
    return any(ch.isdigit() for ch in cell.text) and parse_value(cell.text).ok


# Numbering at the start of any line: a label cell holding two rows' labels (the ruling
# between them lost on a poor scan) reads 1.申请人… / 2.申请人….
_CIRCLED_AT_START = re.compile(r"^\s*[①-⑳]", re.M)
_NUMBERING_AT_START = re.compile(r"^\s*(?:[（(]\s*\d+\s*[）)]|\d+\s*[.、．,，])", re.M)
# Digits inside a label that are a count, not a date or an ordinal: a label cell whose
# rulings between label and values were not found reads 行政规范性文件 1 4 11.
# A number after 第/表/图/注 is an ordinal or a reference (表2 in a caption row), not a count.
_EMBEDDED_NUMBER = re.compile(r"(?<![第表图注\d.])\d+(?![\d年月日号])")


def _has_embedded_number(cell: GridCell) -> bool:
    """Text with a label and a number in one cell (not the label's own numbering)."""
    text = unicodedata.normalize("NFKC", _CIRCLED_AT_START.sub("", cell.text))
    if not any(ch.isdigit() for ch in text) or _is_printed_value(cell):
        return False
    return bool(_EMBEDDED_NUMBER.search(_NUMBERING_AT_START.sub("", text)))


def _is_printed_value(cell: GridCell) -> bool:
    """A number or a printed null marker ("/", "—", "无"): never part of a header."""
    return bool(cell.text.strip()) and parse_value(cell.text).ok


def _header_row_count(grid: Grid, vocabulary: frozenset[str]) -> int:
    """Leading rows that name columns and print no number. A row names columns when it
    has two header words of this table (自然人, 商业企业 …; 行政复议, 结果维持 …), or one
    standing over the value columns (申请人情况 beside a blank or reworded corner), or when
    it continues a header. A word at the left edge alone is a body label (（七）总计).
    A continuation fragment without a repeated header has none, even when its first rows
    are blank; a fragment that ends inside its header is all header (its table continues
    on the next page). A null marker counts as a value only over the value columns: the
    corner may hold a "/"."""
    left_part = grid.xs[0] + 0.25 * (grid.xs[-1] - grid.xs[0])
    count = 0
    for r in range(grid.n_rows):
        cells = [c for c in grid.row_cells(r) if c.row == r]
        if any(_is_printed_value(c) and (any(ch.isdigit() for ch in c.text) or c.bbox.x0 >= left_part) for c in cells):
            break
        if _is_caption_row(grid, cells, vocabulary):
            count += 1
            continue
        words = [c for c in cells if _is_header_word(label_core(c.text), vocabulary)]
        if not (len(words) >= 2 or any(c.bbox.x0 >= left_part for c in words) or (count and words)):
            break
        count += 1
    return count


def _is_caption_row(grid: Grid, cells: Sequence[GridCell], vocabulary: frozenset[str]) -> bool:
    """A row that is one cell across the whole table, printing no value and no column
    name: a caption (表2 收到和处理政府信息公开申请情况), a unit (单位：件) or a note that
    producers put inside the table's frame above its header. It names no column."""
    return (
        _across_the_table(grid, cells)
        and not _is_printed_value(cells[0])
        and not _is_header_word(label_core(cells[0].text), vocabulary)
    )


def _across_the_table(grid: Grid, cells: Sequence[GridCell]) -> bool:
    """A row of a table of several columns that is one cell from edge to edge."""
    return len(cells) == 1 and cells[0].col == 0 and cells[0].col_span == grid.n_cols and grid.n_cols > 1


def _is_header_word(core: str, vocabulary: frozenset[str]) -> bool:
    return bool(core) and any(similarity(core, word) >= 0.75 for word in vocabulary)


_APPLICATION_HEADER_WORDS = frozenset(
    {label_core(c.label) for c in tpl.APPLICATION_COLUMNS}
    | {"申请人情况", "法人或其他组织", "本列数据的勾稽关系为第一项加第二项之和等于第三项加第四项之和"}
)
_REVIEW_HEADER_WORDS = frozenset(
    {label_core(c.label) for c in tpl.REVIEW_COLUMNS} | {label_core(r.label) for r in tpl.REVIEW_ROWS} | {"行政诉讼"}
)


@dataclass(frozen=True)
class _HeaderCell:
    x0: float
    x1: float
    text: str


Header = list[list[_HeaderCell]]


def _header_of(grid: Grid, header_rows: int) -> Header:
    """Header rows as cells with their horizontal extent; a merged cell appears once, in
    the row where it starts. A cell across the whole table (a caption or unit row) names
    no column and is left out."""
    rows = [[c for c in grid.row_cells(r) if c.row == r] for r in range(header_rows)]
    return [
        [_HeaderCell(c.bbox.x0, c.bbox.x1, c.text) for c in cells]
        for cells in rows
        if not _across_the_table(grid, cells)
    ]


def _stack_headers(upper: Header, lower: Header) -> Header:
    """A header cut by a page break: the last header row of one page and the first of the
    next hold the two halves of the cells the break went through (自然 / 人, 结果 / 维持).
    Cells that line up join their text; the rest of the lower row stays a row of its own."""
    if not upper:
        return lower
    if not lower:
        return upper
    last, first = upper[-1], lower[0]
    joined_last, rest = list(last), []
    for cell in first:
        for i, above in enumerate(joined_last):
            shared = overlap(above.x0, above.x1, cell.x0, cell.x1)
            if shared >= 0.8 * (above.x1 - above.x0) and shared >= 0.8 * (cell.x1 - cell.x0):
                joined_last[i] = _HeaderCell(above.x0, above.x1, above.text + cell.text)
                break
        else:
            rest.append(cell)
    return upper[:-1] + [joined_last] + ([rest] if rest else []) + lower[1:]


class _HeaderTracker:
    """The header in force while reading a table's fragments in order. A fragment that is
    all header (cut off by the page end) is held and stacked onto the next one's."""

    def __init__(self, vocabulary: frozenset[str]) -> None:
        self.vocabulary = vocabulary
        self.header: Header = []
        self.source: Optional[Grid] = None  # the fragment whose coordinates the header has
        self._complete = False

    def feed(self, grid: Grid) -> int:
        """Take a fragment; return how many of its rows are header rows."""
        count = _header_row_count(grid, self.vocabulary)
        rows = _header_of(grid, count)
        if rows:
            self.header = rows if self._complete else _stack_headers(self.header, rows)
            self.source = grid
        self._complete = count < grid.n_rows
        return count


def _path_above(header: Header, x0: float, x1: float) -> list[_HeaderCell]:
    """Header cells over the span x0..x1, top to bottom: groups first, own label last."""
    width = max(x1 - x0, 1e-6)
    return [h for row in header for h in row if h.text.strip() and overlap(h.x0, h.x1, x0, x1) > 0.5 * width]


@dataclass(frozen=True)
class _Column:
    key: str
    x0: float
    x1: float
    # How closely the header cell's own text reads as the column's label (0 when the
    # column was named by position or carried over).
    score: float = 0.0


def _assign(
    scores: list[tuple[float, int, str]], threshold: float
) -> dict[int, str]:
    """Greedy one-to-one assignment of observations to template keys, best score first."""
    taken_obs: set[int] = set()
    taken_keys: set[str] = set()
    result: dict[int, str] = {}
    for score, obs, key in sorted(scores, key=lambda s: -s[0]):
        if score < threshold or obs in taken_obs or key in taken_keys:
            continue
        result[obs] = key
        taken_obs.add(obs)
        taken_keys.add(key)
    return result


def match_application_rows(
    observations: Sequence[_RowObservation], threshold: float
) -> tuple[dict[int, str], list[tuple[int, str]]]:
    """Observed rows -> template row keys by their own label and enclosing label, one to
    one, best matches first; and the matches that are weak or nearly tied."""
    scores = []
    own_scores: dict[tuple[int, str], float] = {}
    for i, obs in enumerate(observations):
        for cand in _APPLICATION_CANDIDATES:
            s = own_scores[(i, cand.key)] = similarity(obs.own, label_core(cand.label))
            if cand.group and obs.group:
                s += 0.25 * similarity(obs.group, label_core(cand.group))
            scores.append((s, i, cand.key))
    assigned = _assign(scores, threshold)
    return assigned, _doubtful_matches(scores, own_scores, assigned)


# A label matched with less similarity than this, or barely better than its next-best
# template row, is reported: a typo'd label is usually right, but a reader should look.
_CONFIDENT_MATCH = 0.75
_CLEAR_MARGIN = 0.05


def _doubtful_matches(
    scores: list[tuple[float, int, str]], own_scores: dict[tuple[int, str], float], assigned: dict[int, str]
) -> list[tuple[int, str]]:
    """(observation, key) of the assignments whose own label is weak (the enclosing label
    can carry a match, but it does not tell rows of one group apart), or whose score is
    nearly tied with another row's."""
    chosen: dict[int, float] = {}
    runner_up: dict[int, float] = {}
    for score, obs, key in scores:
        if obs not in assigned:
            continue
        if key == assigned[obs]:
            chosen[obs] = score
        else:
            runner_up[obs] = max(runner_up.get(obs, 0.0), score)
    return [
        (obs, key)
        for obs, key in sorted(assigned.items())
        if own_scores[(obs, key)] < _CONFIDENT_MATCH or runner_up.get(obs, 0.0) > chosen[obs] - _CLEAR_MARGIN
    ]


def _column_for(cell: GridCell, columns: Sequence[_Column]) -> Optional[str]:
    """The header column a value cell sits in; None when it sits in none, or spans most of
    two or more (the ruling between them lost in its row: its text may be two columns'
    values read as one, "2" and "1" as "21", so it stays unplaced, never a guess)."""
    best, best_share = None, 0.0
    width = max(cell.bbox.width, 1e-6)
    spanned = 0
    for col in columns:
        share = overlap(cell.bbox.x0, cell.bbox.x1, col.x0, col.x1) / min(width, col.x1 - col.x0)
        spanned += share >= 0.5 and overlap(cell.bbox.x0, cell.bbox.x1, col.x0, col.x1) >= 0.5 * (col.x1 - col.x0)
        if share > best_share:
            best, best_share = col.key, share
    if spanned > 1:
        return None
    return best if best_share >= 0.5 else None


def _header_columns(header: Header, labels: Sequence[tuple[str, str, str]], threshold: float) -> list[_Column]:
    """Columns named by the header's leaf cells (no named cell below them); the cells
    above a leaf are its groups. labels: (key, label, group)."""
    cells = [(r, h) for r, row in enumerate(header) for h in row if h.text.strip()]
    leaves = [
        (r, h)
        for r, h in cells
        if not any(r2 > r and overlap(h.x0, h.x1, h2.x0, h2.x1) >= 0.8 * (h2.x1 - h2.x0) for r2, h2 in cells)
    ]
    leaves = [(r, h) for r, h in leaves if label_core(h.text) not in _SUBTOTAL_WORDS]
    observations = []
    for _, leaf in leaves:
        groups = "".join(label_core(g.text) for g in _path_above(header, leaf.x0, leaf.x1) if g is not leaf)
        observations.append((leaf, label_core(leaf.text), groups))
    scores = []
    for i, (_, own, groups) in enumerate(observations):
        for key, label, group in labels:
            score = similarity(own, label_core(label))
            if group and groups:
                score += 0.1 * similarity(label_core(group), groups)
            scores.append((score, i, key))
    assigned = _assign(scores, threshold)
    columns = [
        _Column(key, observations[i][0].x0, observations[i][0].x1,
                similarity(observations[i][1], label_core(next(lb for k, lb, _ in labels if k == key))))
        for i, key in assigned.items()
    ]
    return sorted(columns, key=lambda c: c.x0)


# A column some agencies add after a group's columns: the sum of that group's columns
# (三: after 法人或其他组织's five). It is no template cell: never named as a column.
_SUBTOTAL_WORDS = frozenset({"小计"})


def _subtotal_columns(header: Header, named: Sequence[_Column]) -> list[_Column]:
    """The header's 小计 columns, each keyed "subtotal:" + the named columns it sums: those
    under the same group cell (the header cell above it), else those left of it back to
    the previous 小计 (总计 never among them). A 小计 summing nothing named is left out
    (its numbers stay unplaced, reported)."""
    cells = [(r, h) for r, row in enumerate(header) for h in row if h.text.strip()]
    out: list[_Column] = []
    start = float("-inf")
    for r, h in sorted(cells, key=lambda rh: rh[1].x0):
        if label_core(h.text) not in _SUBTOTAL_WORDS:
            continue
        width = h.x1 - h.x0
        group = next(
            (g for r2, g in reversed(cells) if r2 < r and overlap(g.x0, g.x1, h.x0, h.x1) >= 0.8 * width and g.x1 - g.x0 > 1.5 * width),
            None,
        )
        if group is not None:
            parts = [c.key for c in named if c.x0 >= group.x0 - 1 and c.x1 <= group.x1 + 1]
        else:
            parts = [c.key for c in named if start <= c.x0 and c.x1 <= h.x0 + 1 and c.key != "total"]
        start = h.x1
        if parts:
            out.append(_Column("subtotal:" + ",".join(parts), h.x0, h.x1))
    return out


def _subtotal_finding(row: str, obs: "_RowObservation", sub: str, cell: GridCell) -> Optional[Finding]:
    """The check of one printed 小计: it equals the sum of its parts in the row (an error
    if not, naming the cells). None when the 小计 prints nothing (no number to place)."""
    printed = parse_value(cell.text)
    # Where the 小计 itself is printed (cell "": no template cell); its parts are located
    # from `cells` as every finding's are.
    where = CellLocation(
        cell="", page=None if cell.locator else obs.page, bbox=None if cell.locator else cell.bbox.as_tuple(),
        locator=cell.locator,
    )
    if not _is_printed_number(cell) or not isinstance(printed.value, (int, float)):
        return None if not cell.text.strip() or printed.ok else _finding(
            "applications.subtotal", "error",
            f"第三部分表格“{obs.text}”行的小计“{cell.text}”无法读作数字",
            f"the 小计 (subtotal) {cell.text!r} of the section 三 row {obs.text!r} does not read as a number",
        ).model_copy(update={"locations": (where,)})
    parts = sub.split(":", 1)[1].split(",")
    by_column = dict(obs.values)
    values = [parse_value(by_column[k].text).value if k in by_column else None for k in parts]
    cells = [f"applications.{row}.{k}" for k in parts]
    if any(v is not None and not isinstance(v, (int, float)) for v in values) or all(v is None for v in values):
        return _finding(
            "applications.subtotal", "warning",
            f"第三部分表格“{obs.text}”行的小计 {cell.text} 无法核对（其各列无数字）",
            f"the 小计 (subtotal) {cell.text} of the section 三 row {obs.text!r} cannot be checked (its columns print no numbers)",
            cells,
        ).model_copy(update={"printed": float(printed.value), "locations": (where,)})
    expected = sum(v for v in values if isinstance(v, (int, float)))
    holds = abs(expected - printed.value) < 1e-6
    finding = _finding(
        "applications.subtotal", "info" if holds else "error",
        f"第三部分表格“{obs.text}”行另印小计 {cell.text}（{'等于' if holds else '不等于'}其各列之和 {expected}）",
        f"the section 三 row {obs.text!r} prints an extra 小计 (subtotal) {cell.text}, "
        f"{'equal' if holds else 'not equal'} to the sum of its columns ({expected})",
        cells,
    )
    return finding.model_copy(update={"expected": float(expected), "printed": float(printed.value), "locations": (where,)})


# A header cell reads as its column's label at least this closely: no misreading moved it.
_PLAIN_HEADER = 0.9


def _complete_by_order(
    named: list[_Column], slots: Sequence[tuple[float, float]], order: Sequence[str]
) -> tuple[list[_Column], list[str], bool]:
    """Check named columns against the template's left-to-right order, and name the value
    columns whose header could not be read (a seal over it, a smudge) when their position
    between two named columns leaves exactly one possibility. Returns the columns, the
    keys named by position, and whether the named order was consistent."""
    rank = {k: i for i, k in enumerate(order)}
    named = sorted(named, key=lambda c: c.x0)
    if [rank[c.key] for c in named] != sorted(rank[c.key] for c in named):
        return named, [], False
    # Value columns (x-extents of body cells) in order, each with the name over it if any.
    slot_keys: list[Optional[str]] = [
        next((c.key for c in named if overlap(c.x0, c.x1, x0, x1) > 0.5 * min(c.x1 - c.x0, x1 - x0)), None)
        for x0, x1 in slots
    ]
    if len(slots) != len(order):
        return named, [], True
    by_position = []
    for i, key in enumerate(slot_keys):
        if key is None:
            # Every slot is one template column when there are exactly as many slots as
            # columns and every named slot sits at its own rank.
            if all(k is None or rank[k] == j for j, k in enumerate(slot_keys)):
                by_position.append(order[i])
                named.append(_Column(order[i], *slots[i]))
    return sorted(named, key=lambda c: c.x0), by_position, True


def _carry_columns(columns: Sequence[_Column], source: Grid, target: Grid) -> list[_Column]:
    """Columns named on one fragment, placed on another: where they are when the target's
    column lines are the source's (pages of one digital document), else by mapping the
    source table's left and right edges onto the target's (scans sit a few points apart
    and scanners rescale). A fragment that lost an outer column (its left border not
    drawn on that page) keeps the lines of its other columns: the edge mapping would
    shift every column."""
    if source.n_cols == target.n_cols and _is_markup(source) and _is_markup(target):
        # Markup tables have no geometry, only columns: two halves of one web-page table
        # with as many columns match column by column, whatever widths each declares.
        def line(x: float, lines: Sequence[float]) -> int:
            return min(range(len(lines)), key=lambda i: abs(lines[i] - x))

        return [_Column(c.key, target.xs[line(c.x0, source.xs)], target.xs[line(c.x1, source.xs)]) for c in columns]
    (a0, a1), (b0, b1) = (source.xs[0], source.xs[-1]), (target.xs[0], target.xs[-1])
    scale = (b1 - b0) / (a1 - a0) if a1 > a0 else 1.0

    def shared_lines(transform) -> int:
        return sum(1 for x in source.xs if any(abs(transform(x) - y) <= 1.0 for y in target.xs))

    if shared_lines(lambda x: x) > shared_lines(lambda x: b0 + (x - a0) * scale):
        return list(columns)
    return [_Column(c.key, b0 + (c.x0 - a0) * scale, b0 + (c.x1 - a0) * scale) for c in columns]


def _is_markup(grid: Grid) -> bool:
    return any(c.locator is not None for c in grid.cells)


def _value_slots(grid: Grid, first_body_row: int) -> list[tuple[float, float]]:
    """Horizontal extents of the body's value columns, left to right: where single-column
    cells print a number or a null marker."""
    extents = sorted(
        {
            (round(c.bbox.x0, 1), round(c.bbox.x1, 1))
            for r in range(first_body_row, grid.n_rows)
            for c in grid.row_cells(r)
            if c.row == r and c.col_span == 1 and _is_printed_value(c)
        }
    )
    slots: list[tuple[float, float]] = []
    for x0, x1 in extents:
        if slots and overlap(slots[-1][0], slots[-1][1], x0, x1) > 0.5 * (x1 - x0):
            continue
        slots.append((x0, x1))
    return slots


def _finding(rule: str, severity: str, zh: str, en: str, cells: Sequence[str] = ()) -> Finding:
    return Finding(rule=rule, severity=severity, message=zh, message_en=en, cells=tuple(cells))


# ---------------------------------------------------------------- section 三

_APPLICATION_CANDIDATES: tuple[tpl.RowSpec, ...] = tpl.APPLICATION_RECORD_ROWS
_APPLICATION_COLUMN_ORDER = tuple(c.key for c in tpl.APPLICATION_COLUMNS)


@dataclass(frozen=True)
class _RowObservation:
    page: int
    own: str  # label core of the row's own label
    group: str  # label core of the nearest enclosing label
    text: str  # printed label, for messages
    values: tuple[tuple[str, GridCell], ...]
    # The row's label cell ran over value columns (their ruling lost) and printed numbers:
    # the cell taken apart; its numbers are among `values` when they fit those columns.
    glued: Optional[GluedCell] = None
    # Cells of an extra 小计 column, by the subtotal column's key ("subtotal:" + the keys
    # of the columns it sums, comma-separated).
    subtotals: tuple[tuple[str, GridCell], ...] = ()


def _join_cut_label(previous: str, continued: str, group_cores: Sequence[str]) -> str:
    """A merged label cut by a page break prints its first part at the bottom of one page
    and the rest at the top of the next. Join them when that reads as a known label
    better than the continuation alone."""
    if not continued:
        return previous
    if not previous:
        return continued
    alone = max((similarity(continued, g) for g in group_cores), default=0.0)
    joined = max((similarity(previous + continued, g) for g in group_cores), default=0.0)
    return previous + continued if joined > alone else continued


def _best_row_similarity(own: str) -> float:
    return max((similarity(own, label_core(c.label)) for c in _APPLICATION_CANDIDATES), default=0.0)


def _join_split_row(observations: list[_RowObservation], first: int) -> None:
    """A table row broken across the page end: its label runs on at the top of the next
    page (要求行政机关确认或重新出 / 具已获取信息), and its values sit in one of the two
    parts, the other part's value cells empty. The two parts become one row when their
    joined label reads as a template label better than either part; two whole rows never
    do."""
    before, after = observations[first - 1], observations[first]
    if any(c.text.strip() for _, c in before.values) and any(c.text.strip() for _, c in after.values):
        return
    joined = before.own + after.own
    if _best_row_similarity(joined) <= max(_best_row_similarity(before.own), _best_row_similarity(after.own)) + 0.05:
        return
    values = before.values if any(c.text.strip() for _, c in before.values) else after.values
    page = before.page if values is before.values else after.page
    observations[first - 1 : first + 1] = [
        _RowObservation(page, joined, before.group or after.group, before.text + after.text, values,
                        before.glued if values is before.values else after.glued,
                        before.subtotals if values is before.values else after.subtotals)
    ]


def _observe_applications(
    table: LogicalTable, settings: Settings
) -> tuple[list[_Column], list[_RowObservation], list[tuple[str, object]]]:
    """The section 三 table's named columns and its body rows, read across fragments: each
    row's own label, its nearest enclosing label (a merged label cut by a page break joined
    again), and its value cells by column key."""
    column_labels = [(c.key, c.label, c.group) for c in tpl.APPLICATION_COLUMNS]
    group_cores = sorted(
        {label_core(r.group) for r in _APPLICATION_CANDIDATES if r.group}
        | {label_core(tpl.APPLICATION_RESULTS_LABEL)}
    )
    columns: list[_Column] = []
    subtotals: list[_Column] = []  # extra 小计 columns (their key: _subtotal_columns)
    named_on: Optional[Grid] = None  # the fragment the columns' coordinates belong to
    observations: list[_RowObservation] = []
    notes: list[tuple[str, object]] = []  # ("by_position", key) / ("disordered", page)
    carried: list[tuple[float, float, str]] = []  # (x0, x1, group core) at the last row
    tracker = _HeaderTracker(_APPLICATION_HEADER_WORDS)
    for index, grid in enumerate(table.fragments):
        header_rows = tracker.feed(grid)
        if header_rows == grid.n_rows:
            continue  # all header: the rest of it is on the next page
        first_of_fragment = len(observations)
        if header_rows or not columns:
            named = _header_columns(tracker.header, column_labels, settings.min_label_similarity)
            if named:
                slots = _value_slots(grid, header_rows)
                named, by_position, ordered = _complete_by_order(named, slots, _APPLICATION_COLUMN_ORDER)
                notes.extend(("by_position", k) for k in by_position)
                if not ordered:
                    # Every column named, each by its own header word: the producer printed
                    # them in another order (法人 first, 总计 last or first) and each value is
                    # placed by its header. Otherwise a misread header may have moved values.
                    plain = len(named) == len(_APPLICATION_COLUMN_ORDER) and all(
                        c.score >= _PLAIN_HEADER for c in named
                    )
                    notes.append(("reordered" if plain else "disordered", grid.page))
            if named:
                columns, named_on = named, tracker.source
                subtotals = _subtotal_columns(tracker.header, named)
        if not columns:
            continue
        if grid is not named_on:
            # Scanned pages sit a few points apart (and scanners rescale slightly): carry
            # the columns over by the table's own edges, not by absolute position.
            subtotals = _carry_columns(subtotals, named_on, grid)
            columns = _carry_columns(columns, named_on, grid)
            named_on = grid
        label_right = min(c.x0 for c in columns) + settings.snap_tolerance_pt
        resolved: dict[int, str] = {}  # id(label cell) -> group core after joining cut labels
        for r in range(header_rows, grid.n_rows):
            cells = grid.row_cells(r)
            label_cells = [c for c in cells if c.bbox.x1 <= label_right and c.text.strip()]
            value_cells = [c for c in cells if c.bbox.x1 > label_right and c.row == r]
            # A cell starting among the labels and running over value columns (the ruling
            # between them lost) is the row's own label with numbers: never a value cell.
            glued_cell = next(
                (c for c in value_cells if c.bbox.x0 < label_right - 2 * settings.snap_tolerance_pt and _has_embedded_number(c)),
                None,
            )
            glued = split_glued(glued_cell) if glued_cell is not None else None
            value_cells = [c for c in value_cells if c is not glued_cell]
            if not value_cells and glued is None:
                continue
            own_cell = min(label_cells, key=lambda c: (c.row_span, -c.col), default=None)
            if glued is not None:
                own_cell = None
            groups = [c for c in label_cells if c is not own_cell]
            for g in groups:
                if id(g) in resolved:
                    continue
                core = label_core(g.text)
                if index > 0 and g.row == 0:
                    previous = next(
                        (t for x0, x1, t in carried if overlap(x0, x1, g.bbox.x0, g.bbox.x1) > 0.5 * g.bbox.width),
                        "",
                    )
                    core = _join_cut_label(previous, core, group_cores)
                resolved[id(g)] = core
            near_group = resolved[id(groups[-1])] if groups else ""
            values, extra = [], []
            for cell in value_cells:
                key = _column_for(cell, columns)
                if key is not None:
                    values.append((key, cell))
                elif (sub := _column_for(cell, subtotals)) is not None:
                    extra.append((sub, cell))
            if glued is not None:
                spanned = _spanned_columns(glued.cell.bbox, columns, {k for k, _ in values})
                extents = [(c.x0, c.x1) for c in spanned]
                glued = split_glued(glued.cell, extents)
                if glued is not None and glued.fits(extents):
                    values += [(c.key, number) for c, number in zip(spanned, glued.numbers)]
                else:
                    glued = None  # its numbers stay unplaced (reported)
            own_text = _own_label_text(grid, own_cell, r, label_right) if own_cell else ""
            observations.append(
                _RowObservation(
                    page=grid.page,
                    own=label_core(glued.label) if glued else label_core(own_text),
                    group=near_group,
                    text=glued.label if glued else own_text,
                    values=tuple(values),
                    glued=glued,
                    subtotals=tuple(extra),
                )
            )
        carried = [
            (c.bbox.x0, c.bbox.x1, resolved[id(c)])
            for c in grid.row_cells(grid.n_rows - 1)
            if id(c) in resolved
        ]
        if 0 < first_of_fragment < len(observations):
            _join_split_row(observations, first_of_fragment)
    return columns, observations, notes


def _own_label_text(grid: Grid, own_cell: GridCell, row: int, label_right: float) -> str:
    """The printed label of grid row `row`, whose own label cell is `own_cell`. When that
    cell spans several rows that each print values, the ruling between their labels was
    lost (a thin line touched by the text above and below it, on a photographed page):
    the cell holds the labels of all of them, and each row's own label is the text printed
    within that row's height. Without this both rows read the same joined label and would
    be told apart by chance."""
    if own_cell.row_span == 1 or not own_cell.boxes:
        return own_cell.text
    printing = [
        r
        for r in range(own_cell.row, own_cell.last_row + 1)
        if any(c.row == r and c.bbox.x1 > label_right and _is_printed_value(c) for c in grid.row_cells(r))
    ]
    if len(printing) < 2:
        return own_cell.text
    top, bottom = grid.ys[row], grid.ys[row + 1]
    inside = [b for b in own_cell.boxes if top <= (b.bbox.top + b.bbox.bottom) / 2 < bottom]
    # Lines top to bottom (a box whose middle lies below the previous line's bottom starts
    # a new one), each read left to right.
    lines: list[list[TextBox]] = []
    for box in sorted(inside, key=lambda b: (b.bbox.top + b.bbox.bottom) / 2):
        if lines and (box.bbox.top + box.bbox.bottom) / 2 < max(b.bbox.bottom for b in lines[-1]):
            lines[-1].append(box)
        else:
            lines.append([box])
    return "\n".join("".join(b.text for b in sorted(line, key=lambda b: b.bbox.x0)) for line in lines)


def _map_applications(table: LogicalTable, settings: Settings, out: Mapping) -> None:
    """Each observed row goes to the template row whose label (and enclosing label) it
    reads most like, one to one, best matches first."""
    columns, observations, notes = _observe_applications(table, settings)
    for kind, detail in notes:
        if kind == "by_position":
            out.findings.append(
                _finding(
                    "applications.column_by_position",
                    "warning",
                    f"第三部分表格一列的表头无法识别，按模板列序判定为 {detail}",
                    f"a section 三 column header could not be read; the column was taken as {detail} by its position",
                )
            )
        elif kind == "reordered":
            out.findings.append(
                _finding(
                    "applications.columns_reordered",
                    "info",
                    f"第{detail}页第三部分表格的列顺序与模板不同，各列按其列标题归属",
                    f"the section 三 columns on page {detail} are printed in another order than the template's; "
                    "each was placed by its own header",
                )
            )
        else:
            out.findings.append(
                _finding(
                    "applications.column_order",
                    "error",
                    f"第{detail}页第三部分表格的列标题顺序与模板不符，数值归属可能有误",
                    f"the section 三 column headers on page {detail} are not in the template's order: values may sit in the wrong columns",
                )
            )
    if not columns:
        out.findings.append(
            _finding(
                "applications.no_header",
                "error",
                "未能识别第三部分表格的列标题（申请人情况）",
                "could not read the column header of the section 三 table",
            )
        )
        return
    # 小计 rows an agency adds after a group's rows: no template row, checked apart.
    subtotal_rows = [
        (sum(1 for o in observations[:i] if o.own not in _SUBTOTAL_WORDS), obs)
        for i, obs in enumerate(observations)
        if obs.own in _SUBTOTAL_WORDS
    ]
    observations = [obs for obs in observations if obs.own not in _SUBTOTAL_WORDS]
    assigned, doubtful = match_application_rows(observations, settings.min_label_similarity)
    for i, key in doubtful:
        obs = observations[i]
        out.findings.append(
            _finding(
                "applications.doubtful_row_label",
                "warning",
                f"第三部分表格第{obs.page}页的行标签“{obs.text}”与模板行 {key} 仅近似相符，请核对该行",
                f"the section 三 row label {obs.text!r} on page {obs.page} only loosely matches the template row {key}: check that row",
                [f"applications.{key}.{column}" for column, _ in obs.values],
            )
        )
    by_position = _rows_by_position(observations, assigned)
    for i, key in by_position.items():
        assigned[i] = key
        obs = observations[i]
        out.findings.append(
            _finding(
                "applications.row_by_position",
                "warning",
                f"第三部分表格第{obs.page}页的行标签“{obs.text}”无法识别，按其在模板中的位置判定为 {key}，请核对该行",
                f"the section 三 row label {obs.text!r} on page {obs.page} could not be read; the row was taken as "
                f"{key} by its place between the rows around it: check that row",
                [f"applications.{key}.{column}" for column, _ in obs.values],
            )
        )
    for i, obs in enumerate(observations):
        key = assigned.get(i)
        if key is None:
            if any(c.text.strip() for _, c in obs.values):
                # A row printing numbers that go nowhere is a loss, not a curiosity.
                numbers = any(_is_printed_number(c) for _, c in obs.values)
                out.findings.append(
                    _finding(
                        "applications.unmatched_row",
                        "error" if numbers else "warning",
                        f"第三部分表格中有一行无法对应到模板行：{obs.text or '（无标签）'}",
                        f"a row of the section 三 table matches no template row: {obs.text or '(no label)'}",
                    )
                )
            continue
        # Numbers split from the row's label cell are placed only under a label that
        # matched plainly: a doubtful or positional row would make the inferred column
        # boundary a second guess (they stay unplaced, an error).
        split_ok = obs.glued is not None and i not in by_position and all(d != i for d, _ in doubtful)
        split_keys = []
        for column, cell in obs.values:
            from_label = obs.glued is not None and any(cell is n for n in obs.glued.numbers)
            if from_label and not split_ok:
                continue
            full = f"applications.{key}.{column}"
            if from_label and full not in out.cells:
                split_keys.append(full)
            out.cells.setdefault(full, MappedCell(full, cell, obs.page, obs.glued if from_label else None))
        if obs.glued is not None and split_keys:
            out.findings.append(split_finding(obs.glued, split_keys, obs.page))
        for sub, cell in obs.subtotals:
            finding = _subtotal_finding(key, obs, sub, cell)
            if finding is not None:
                out.findings.append(finding)
                out.extras.append(cell)
    for position, subtotal in subtotal_rows:
        _check_subtotal_row(subtotal, observations, assigned, position, out)


def _check_subtotal_row(
    subtotal: _RowObservation, observations: Sequence[_RowObservation], assigned: dict[int, str], position: int,
    out: Mapping,
) -> None:
    """A 小计 row closing a group of rows of 三 (after （三）不予公开's eight): each of its
    numbers against the sum of the same column over the group's rows before it (those under
    its own group label, else the run of rows sharing the group of the row above it). Info
    when every column adds up, an error per column that does not (or a warning when the
    group's rows are not all known); its numbers are kept in the findings, never mapped."""
    group = subtotal.group or (observations[position - 1].group if position > 0 else "")
    parts = []
    for j in range(position - 1, -1, -1):
        if not group or observations[j].group != group or j not in assigned:
            break
        parts.append(j)
    printed = [(column, cell) for column, cell in subtotal.values + subtotal.subtotals if _is_printed_number(cell)]
    if not printed:
        return

    def where(cell: GridCell) -> CellLocation:
        return CellLocation(cell="", page=None if cell.locator else subtotal.page,
                            bbox=None if cell.locator else cell.bbox.as_tuple(), locator=cell.locator)

    out.extras.extend(cell for _, cell in printed)
    if not parts:
        out.findings.append(_finding(
            "applications.subtotal", "warning",
            f"第三部分表格第{subtotal.page}页的小计行无法核对（找不到其所属各行）",
            f"a 小计 (subtotal) row of the section 三 table on page {subtotal.page} cannot be checked: the rows it sums were not found",
        ).model_copy(update={"locations": tuple(where(c) for _, c in printed)}))
        return
    rows = [assigned[j] for j in reversed(parts)]
    broken = []
    for column, cell in printed:
        values = [parse_value(c.text).value for j in parts for k, c in observations[j].values + observations[j].subtotals if k == column]
        numbers = [v for v in values if isinstance(v, (int, float))]
        total = parse_value(cell.text).value
        if not numbers or abs(sum(numbers) - total) > 1e-6:  # type: ignore[operator]
            broken.append((column, cell, sum(numbers), total))
    for column, cell, expected, total in broken:
        keys = [f"applications.{row}.{column}" for row in rows] if not column.startswith("subtotal:") else []
        out.findings.append(_finding(
            "applications.subtotal", "error",
            f"第三部分表格小计行的“{column}”列为 {cell.text}，不等于其所属各行之和 {expected}",
            f"the 小计 (subtotal) row of the section 三 table prints {cell.text} in column {column}, not the sum of its rows ({expected})",
            keys,
        ).model_copy(update={"expected": float(expected), "printed": float(total), "locations": (where(cell),)}))
    if not broken:
        out.findings.append(_finding(
            "applications.subtotal", "info",
            f"第三部分表格另印小计行（{'、'.join(rows)} 之和），各列相符",
            f"the section 三 table prints an extra 小计 (subtotal) row (the sum of {', '.join(rows)}); every column adds up",
        ).model_copy(update={"locations": tuple(where(c) for _, c in printed)}))


_APPLICATION_ROW_ORDER = [r.key for r in tpl.APPLICATION_RECORD_ROWS]


def _rows_by_position(observations: Sequence[_RowObservation], assigned: dict[int, str]) -> dict[int, str]:
    """Rows printing numbers whose label matched nothing (a seal or a smudge over it, a
    label misread on a poor scan), named by their place: when the rows just above and
    below such a run of k rows were matched to two template rows with exactly k rows
    between them, none taken, those are its rows in order. (Both layouts of （六） lie
    between their neighbours, so a misread （六） is never named this way.)"""
    rank = {k: i for i, k in enumerate(_APPLICATION_ROW_ORDER)}
    taken = set(assigned.values())
    printed = [i for i, obs in enumerate(observations) if any(c.text.strip() for _, c in obs.values)]
    out: dict[int, str] = {}
    at = 0
    while at < len(printed):
        if printed[at] in assigned:
            at += 1
            continue
        end = at
        while end < len(printed) and printed[end] not in assigned:
            end += 1
        run = printed[at:end]
        above = assigned.get(printed[at - 1]) if at > 0 else None
        below = assigned.get(printed[end]) if end < len(printed) else None
        at = end
        if above is None or below is None or rank[below] - rank[above] != len(run) + 1:
            continue
        keys = _APPLICATION_ROW_ORDER[rank[above] + 1 : rank[below]]
        if taken.isdisjoint(keys) and all(
            any(_is_printed_number(c) for _, c in observations[i].values) for i in run
        ):
            out.update(zip(run, keys))
    return out


# ---------------------------------------------------------------- section 二

_PROACTIVE_ROW_LABELS: list[tuple[str, str]] = sorted(
    {(row, label) for rows in tpl.PROACTIVE_ROWS.values() for row, (label, _, _) in rows.items()}
)
_PROACTIVE_COLUMN_LABELS: list[tuple[str, str, str]] = sorted(
    {(key, label, "") for cols in tpl.PROACTIVE_COLUMNS.values() for key, label in cols.items()}
)
_PROACTIVE_VERSION_COLUMNS = {
    key: version
    for version, other in (("2021", "2019"), ("2019", "2021"))
    for key in set(tpl.PROACTIVE_COLUMNS[version]) - set(tpl.PROACTIVE_COLUMNS[other])
}
_HEADER_MARK = "信息内容"
_BLOCK_HEADING = "第二十条"


def _map_proactive(table: LogicalTable, settings: Settings, out: Mapping) -> None:
    """Section 二 is a stream of blocks: a heading row (第二十条第（一）项), a header row
    starting 信息内容 that names the columns, then data rows. Each value goes to the header
    column above it by horizontal overlap."""
    columns: list[_Column] = []
    for grid in table.fragments:
        for r in range(grid.n_rows):
            # The block heading (第二十条第（一）项) is a row across the table, or a cell
            # merged down the left of its block: either way it is not the row's label.
            cells = [
                own for c in grid.row_cells(r) if c.row == r and (own := _without_block_heading(c)) is not None
            ]
            if not cells:
                continue
            first = label_core(cells[0].text)
            glued_header = _glued_header_text(first)
            if similarity(first, _HEADER_MARK) >= 0.8 or glued_header is not None:
                # 信息内容 | 本年制发件数 | …; with the ruling after 信息内容 lost, the first
                # value column's name is printed in the 信息内容 cell and spans it.
                header = [(c.bbox.x0, c.bbox.x1, c.text) for c in cells[1:]]
                if glued_header is not None:
                    header.insert(0, (cells[0].bbox.x0, cells[0].bbox.x1, glued_header))
                assigned = _assign(
                    [
                        (similarity(label_core(text), label_core(label)), i, key)
                        for i, (_, _, text) in enumerate(header)
                        for key, label, _ in _PROACTIVE_COLUMN_LABELS
                    ],
                    settings.min_label_similarity,
                )
                columns = [_Column(key, header[i][0], header[i][1]) for i, key in assigned.items()]
                for key in assigned.values():
                    if key in _PROACTIVE_VERSION_COLUMNS:
                        out.votes[_PROACTIVE_VERSION_COLUMNS[key]] += 1
                continue
            glued = split_glued(cells[0]) if columns and _has_embedded_number(cells[0]) else None
            if glued is not None:
                first = label_core(glued.label)
            if (len(cells) < 2 and glued is None) or not columns:
                continue  # a block heading, or data before any header
            ranked = sorted(
                ((similarity(first, label_core(label)), row) for row, label in _PROACTIVE_ROW_LABELS), reverse=True
            )
            best = ranked[0] if ranked else (0.0, "")
            if best[0] < settings.min_label_similarity:
                out.findings.append(
                    _finding(
                        "proactive.unmatched_row",
                        "error" if glued is not None or any(_is_printed_number(c) for c in cells[1:]) else "warning",
                        f"第二部分表格中有一行无法对应到模板行：{cells[0].text}",
                        f"a row of the section 二 table matches no template row: {cells[0].text}",
                    )
                )
                continue
            row = best[1]
            taken: set[str] = set()
            for cell in cells[1:]:
                column = _column_for(cell, columns)
                if column is not None:
                    taken.add(column)
                    full = f"proactive.{row}.{column}"
                    out.cells.setdefault(full, MappedCell(full, cell, grid.page))
            runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
            if glued is not None and best[0] >= _CONFIDENT_MATCH and runner_up < best[0] - _CLEAR_MARGIN:
                _place_glued(glued, f"proactive.{row}", columns, taken, grid.page, out)


def _without_block_heading(cell: GridCell) -> Optional[GridCell]:
    """The cell as a cell of its row: itself without a block heading; None when it is the
    heading alone. A heading band is often shaded, and on a faint scan the ruling under it
    can be lost where its label and the header row below both touch it: the band and the
    header row are then one cell, the heading's line(s) above 信息内容 …. Its lines from
    信息内容 on are the header row's cell (its bbox still the merged one's: the header's
    columns are placed by their overlap with it, which the merged cell spans too)."""
    if _BLOCK_HEADING not in label_core(cell.text):
        return cell
    lines = cell.text.split("\n")
    heading = next(i for i, line in enumerate(lines) if _BLOCK_HEADING in label_core(line))
    for k in range(heading + 1, len(lines)):
        core = label_core(lines[k])
        if similarity(core[: len(_HEADER_MARK)], _HEADER_MARK) >= 0.75:
            return replace(cell, text="\n".join(lines[k:]), boxes=())
    return None


def _glued_header_text(core: str) -> Optional[str]:
    """The column name printed after 信息内容 in one cell (the ruling between them lost):
    信息内容本年制发件数 -> 本年制发件数."""
    mark = len(_HEADER_MARK)
    if len(core) > mark and similarity(core[:mark], _HEADER_MARK) >= 0.75:
        return core[mark:]
    return None


def _spanned_columns(box: BBox, columns: Sequence[_Column], taken: Collection[str]) -> list[_Column]:
    """The value columns a glued cell spans (each column mostly under the cell's box) that no
    other cell of its row fills, left to right."""
    return sorted(
        (c for c in columns if c.key not in taken and overlap(c.x0, c.x1, box.x0, box.x1) >= 0.5 * (c.x1 - c.x0)),
        key=lambda c: c.x0,
    )


def _place_glued(
    glued: GluedCell, row: str, columns: Sequence[_Column], taken: set[str], page: int, out: Mapping
) -> None:
    """The numbers of a cell printing a row's label and values go to the value columns the
    cell spans (each column's header cell mostly under it) that no other cell of the row
    fills, left to right, when there are exactly as many columns as numbers. Otherwise the
    split is a guess: nothing is placed and the cell stays an unplaced value (an error)."""
    spanned = _spanned_columns(glued.cell.bbox, columns, taken)
    extents = [(c.x0, c.x1) for c in spanned]
    split = split_glued(glued.cell, extents)
    if split is None or not split.fits(extents):
        return
    keys = []
    for column, number in zip(spanned, split.numbers):
        full = f"{row}.{column.key}"
        if full in out.cells:
            continue  # already printed elsewhere: this number stays unplaced (reported)
        out.cells[full] = MappedCell(full, number, page, split)
        keys.append(full)
    if keys:
        out.findings.append(split_finding(split, keys, page))


# ---------------------------------------------------------------- section 四

def _map_review(table: LogicalTable, settings: Settings, out: Mapping) -> None:
    """Data rows under a two-level header: the group (行政复议 / 未经复议直接起诉 /
    复议后起诉) and the result (结果维持 … 总计) of each column come from the header
    cells above it. The data row may sit on the page after its header, and a page break
    may cut the header itself."""
    # A group is named by its own label or with its enclosing one (行政诉讼未经复议直接起诉).
    group_labels = [
        (r.key, name) for r in tpl.REVIEW_ROWS for name in {label_core(r.label), label_core(r.group + r.label)}
    ]
    column_labels = [(c.key, label_core(c.label)) for c in tpl.REVIEW_COLUMNS]
    tracker = _HeaderTracker(_REVIEW_HEADER_WORDS)
    for grid in table.fragments:
        header_rows = tracker.feed(grid)
        if not tracker.header:
            continue
        header = _split_glued_groups(tracker.header)
        by_position = _review_groups_by_position(header, column_labels, settings.min_label_similarity)
        placed_by_position: list[str] = []
        results_by_rank: list[str] = []
        for data_row in range(header_rows, grid.n_rows):
            for cell in (c for c in grid.row_cells(data_row) if c.row == data_row):
                path = _path_above(header, cell.bbox.x0, cell.bbox.x1)
                if not path or _spans_header_columns(header, cell.bbox):
                    continue
                own = label_core(path[-1].text)
                column_score, column = max((similarity(own, lab), key) for key, lab in column_labels)
                group_score, group = max(
                    (similarity(core, lab), key)
                    for h in path[:-1] or path
                    for core in {label_core(h.text), label_core(h.text, keep_remarks=True)}
                    for key, lab in group_labels
                )
                named = len(path) == 1 and id(path[0]) in by_position
                if named:
                    group_score, group = 1.0, by_position[id(path[0])]
                if column_score < settings.min_label_similarity:
                    by_rank = _result_by_rank(header, path, column_labels, settings.min_label_similarity)
                    if by_rank is not None:
                        column_score, column = 1.0, by_rank
                        results_by_rank.append(f"review_litigation.{group}.{column}")
                if min(column_score, group_score) < settings.min_label_similarity:
                    continue
                full = f"review_litigation.{group}.{column}"
                if full not in out.cells:
                    out.cells[full] = MappedCell(full, cell, grid.page)
                    if named:
                        placed_by_position.append(full)
        if placed_by_position:
            out.findings.append(
                _finding(
                    "review_litigation.groups_by_position",
                    "warning",
                    f"第{grid.page}页第四部分表格的分组表头（行政复议、行政诉讼）未能读出，"
                    "其15列按“结果维持…总计”三次循环依模板顺序归入行政复议、未经复议直接起诉、复议后起诉",
                    f"the group headers (行政复议 / 行政诉讼) of the section 四 table on page {grid.page} were not "
                    "read; its 15 columns, whose labels run 结果维持 … 总计 three times, were given to 行政复议, "
                    "未经复议直接起诉 and 复议后起诉 by the template's order",
                    placed_by_position,
                )
            )
        if results_by_rank:
            out.findings.append(
                _finding(
                    "review_litigation.results_by_position",
                    "warning",
                    f"第{grid.page}页第四部分表格有结果列的表头未能读出，依其在所属分组“结果维持…总计”中的位置归列",
                    f"a result label in the section 四 table on page {grid.page} was not read; its column was "
                    "named by its place among its group's five results (结果维持 … 总计), whose other labels read",
                    results_by_rank,
                )
            )


# A group cell's text read as this close to two or three group names in a row (their
# label cores joined) prints them side by side (`_split_glued_groups`).
_GLUED_GROUPS_SIMILARITY = 0.9


def _split_glued_groups(header: Header) -> Header:
    """四's header with a group cell that prints several group names side by side
    (未经复议直接起诉复议后起诉: the ruling between them lost on a faint scan, so one cell
    over both groups) cut into one cell per name. The names must be the template's groups
    in its order, and the header's leaves under the cell (its own column labels, the
    lowest named cells) exactly five per name: each name takes the next five, left to
    right. Otherwise the header is left as it is (the values under the cell then fit no
    single group and are reported unplaced)."""
    names = [label_core(r.label) for r in tpl.REVIEW_ROWS]
    results = len(tpl.REVIEW_COLUMNS)
    named = [[h for h in row if h.text.strip()] for row in header]
    # The lowest named cells: no named cell below them.
    leaves_of_header = [
        h for r, row in enumerate(named) for h in row
        if not any(overlap(h.x0, h.x1, g.x0, g.x1) > 0 for below in named[r + 1 :] for g in below)
    ]
    out: Header = []
    for row in header:
        new_row: list[_HeaderCell] = []
        for cell in row:
            core = label_core(cell.text)
            score, glued = max(
                (similarity(core, "".join(names[a:b])), names[a:b])
                for a in range(len(names))
                for b in range(a + 2, len(names) + 1)
            )
            if score < _GLUED_GROUPS_SIMILARITY:
                glued = None
            leaves = sorted(
                (h for h in leaves_of_header if h is not cell and cell.x0 <= (h.x0 + h.x1) / 2 <= cell.x1),
                key=lambda h: h.x0,
            )
            if glued is None or len(leaves) != results * len(glued):
                new_row.append(cell)
                continue
            new_row += [
                _HeaderCell(leaves[results * k].x0, leaves[results * (k + 1) - 1].x1, name)
                for k, name in enumerate(glued)
            ]
        out.append(new_row)
    return out


def _result_by_rank(
    header: Header, path: Sequence[_HeaderCell], column_labels: Sequence[tuple[str, str]], threshold: float
) -> Optional[str]:
    """The result (结果维持 … 总计) of a column whose own label did not read (a character
    misread on a skewed or smudged scan: 尚末申结), from its place under its group: the
    group cell over it has exactly the template's five result cells under it, and the
    other four read as their own results in the template's order. None otherwise."""
    if len(path) < 2:
        return None
    leaf, group = path[-1], path[-2]
    rows = [r for r, row in enumerate(header) if any(h is group for h in row)]
    if not rows:
        return None
    siblings = sorted(
        (h for row in header[rows[0] + 1 :] for h in row if h.text.strip() and group.x0 <= (h.x0 + h.x1) / 2 <= group.x1),
        key=lambda h: h.x0,
    )
    order = [key for key, _ in column_labels]
    if len(siblings) != len(order) or not any(h is leaf for h in siblings):
        return None
    mine = next(k for k, h in enumerate(siblings) if h is leaf)
    for k, h in enumerate(siblings):
        if k == mine:
            continue
        score, best = max((similarity(label_core(h.text), lab), key) for key, lab in column_labels)
        if best != order[k] or score < threshold:
            return None
    return order[mine]


def _review_groups_by_position(
    header: Header, column_labels: Sequence[tuple[str, str]], threshold: float
) -> dict[int, str]:
    """Groups for a header that names results only: its one row of cells, left to right,
    reading as the five results (结果维持 … 总计) three times over, with no cell above
    them. 四's group rows (行政复议 / 行政诉讼 › 未经复议直接起诉, 复议后起诉) were then lost
    (printed at the foot of the page before, where no table was found, or under a seal);
    the national template prints the three groups in this order in both of its versions,
    so the k-th run of five is the k-th group. Returns id(header cell) -> group key;
    empty unless the whole header is exactly that (the caller says so in a finding)."""
    if len(header) != 1:
        return {}
    cells = sorted((h for h in header[0] if h.text.strip()), key=lambda h: h.x0)
    order = [key for key, _ in column_labels]
    if len(cells) != len(order) * len(tpl.REVIEW_ROWS):
        return {}
    for k, cell in enumerate(cells):
        own = label_core(cell.text)
        score, best = max((similarity(own, lab), key) for key, lab in column_labels)
        if best != order[k % len(order)] or score < threshold:
            return {}
    return {id(cell): tpl.REVIEW_ROWS[k // len(order)].key for k, cell in enumerate(cells)}


def _spans_header_columns(header: Header, box: BBox) -> bool:
    """Whether a data cell lies under most of two header cells side by side (in any header
    rows: 复议's labels are merged down beside 诉讼's lower ones): a value cell merged over
    several columns, the rulings between them lost in its row. Its text may be several
    columns' values read as one ("2" and "1" as "21"): it is left unplaced (reported),
    never put in the column it happens to overlap a little more."""
    under = [h for row in header for h in row if overlap(h.x0, h.x1, box.x0, box.x1) >= 0.5 * max(h.x1 - h.x0, 1e-6)]
    return any(
        overlap(a.x0, a.x1, b.x0, b.x1) < 0.5 * min(a.x1 - a.x0, b.x1 - b.x0)
        for i, a in enumerate(under)
        for b in under[i + 1 :]
    )


_MAPPERS = {
    "applications": _map_applications,
    "proactive": _map_proactive,
    "review_litigation": _map_review,
}


def map_tables(grids: Sequence[Grid], settings: Settings) -> Mapping:
    out = Mapping()
    out.tables = classify(grids)
    for table in out.tables:
        _MAPPERS[table.kind](table, settings, out)
    return out


@dataclass(frozen=True)
class Placement:
    """How the printed numbers of the found tables were placed: each should sit in exactly
    one record cell."""

    unplaced: tuple[tuple[TableKind, int, GridCell], ...]  # (table, page, cell)
    placed_twice: tuple[tuple[TableKind, int, GridCell, tuple[str, ...]], ...]


# Header words of the tables whose header the mappers read (`_header_row_count`).
_HEADER_WORDS = {"applications": _APPLICATION_HEADER_WORDS, "review_litigation": _REVIEW_HEADER_WORDS}
# A header cell's text without its digits reads as one of its table's header words this
# closely: the digits are marks read beside the label, no count.
_MARKED_LABEL_SIMILARITY = 0.9
_CJK_CHARACTER = re.compile(r"[\u3400-\u9fff]")


def _is_marked_header_label(cell: GridCell, vocabulary: frozenset[str]) -> bool:
    """A header cell printing one of its table's column names (its Chinese characters), with
    stray marks read as a digit beside it ("?4☑申请人情况": a shaded header's fill edge and border left in its
    line crops on a 2-up scan). A header names columns and prints no count; a count that a
    lost ruling glued into a header cell leaves its own template cell missing, which is
    reported (cell.missing), so nothing passes silently."""
    core = "".join(_CJK_CHARACTER.findall(label_core(cell.text)))
    return bool(core) and any(similarity(core, word) >= _MARKED_LABEL_SIMILARITY for word in vocabulary)


def check_placement(mapping: Mapping, recorded: set[str]) -> Placement:
    """Every number printed in a grid of a found table, against the record keys it was
    placed under (`recorded`: the mapped keys the record kept)."""
    keys_of: dict[int, list[str]] = {}
    # Cells printing a label and numbers that were split: how many numbers each prints.
    numbers_in: dict[int, int] = {}
    for key, mapped in mapping.cells.items():
        if mapped.glued is not None:
            numbers_in[id(mapped.glued.cell)] = len(mapped.glued.numbers)
        if key in recorded:
            keys_of.setdefault(id(mapped.cell), []).append(key)
            if mapped.glued is not None:
                keys_of.setdefault(id(mapped.glued.cell), []).append(key)
    unplaced, twice = [], []
    extras = {id(cell) for cell in mapping.extras}
    for table in mapping.tables:
        vocabulary = _HEADER_WORDS.get(table.kind)
        for grid in table.fragments:
            header_rows = _header_row_count(grid, vocabulary) if vocabulary else 0
            for cell in grid.cells:
                if id(cell) in extras:
                    continue  # read and checked as an extra column (applications.subtotal)
                if cell.row < header_rows and _is_marked_header_label(cell, vocabulary):
                    continue
                if id(cell) in numbers_in:
                    # Placed only when every number it prints is in the record.
                    if len(keys_of.get(id(cell), [])) < numbers_in[id(cell)]:
                        unplaced.append((table.kind, grid.page, cell))
                    continue
                if _has_embedded_number(cell) and id(cell) not in keys_of:
                    unplaced.append((table.kind, grid.page, cell))
                    continue
                if not _is_printed_number(cell):
                    continue
                keys = keys_of.get(id(cell), [])
                if not keys:
                    unplaced.append((table.kind, grid.page, cell))
                elif len(keys) > 1:
                    twice.append((table.kind, grid.page, cell, tuple(sorted(keys))))
    return Placement(tuple(unplaced), tuple(twice))
