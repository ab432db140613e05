"""The report tables as the national template prints them: a grid of merged cells.

A `TableLayout` places every cell of one table on a grid of `n_rows` × `n_cols` positions
(0-based, row-major, top-left first). Each `LayoutCell` covers `row_span` × `col_span`
positions; together the cells cover the grid exactly once. Three kinds of cell:

- `header`: column headings (and the corner note of 三, the 第二十条第（×）项 block rows of 二);
- `label`: row labels, including group labels that span their sub-rows
  (三、本年度办理结果, （三）不予公开 …);
- `value`: where a number is printed; `key` is the record cell key `table.row.column`;
- `text`: a body cell that holds no value: the unit column of a pre-2019 statistics
  table, or a value column left empty on a row.

A pre-2019 report (template "pre2019") has no template tables: its layouts are its
statistics tables (`indicator_layouts`), one per table, built from its `indicators`:
指标名称 / 计量单位 / the printed value columns, one row per indicator with its label
`depth` (how many labels it nests under), and the group headings of the indicators'
paths that are no indicator themselves (一、主动公开情况) printed once on rows of their own.

The terminal tables, the static HTML page, the review app and the XLSX export all draw
from these layouts, so they all show the tables the same way. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Optional

from .template import (
    APPLICATION_COLUMNS,
    APPLICATION_RESULTS_LABEL,
    DEFAULT_OTHER_LAYOUT,
    PROACTIVE_COLUMNS,
    PROACTIVE_ROWS,
    REVIEW_COLUMNS,
    REVIEW_ROWS,
    TABLE_KEYS,
    OtherLayout,
    TemplateVersion,
    application_rows,
    printed_other_layout,
)

CellKind = Literal["header", "label", "value", "text"]

# The section headings the report prints above each table.
TABLE_TITLES: dict[str, str] = {
    "proactive": "二、主动公开政府信息情况",
    "applications": "三、收到和处理政府信息公开申请情况",
    "review_litigation": "四、政府信息公开行政复议、行政诉讼情况",
}

# The note printed in the top-left corner cell (3 × 3) of 三.
APPLICATIONS_CORNER_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

# The rule id of the info finding that says 三 printed （六）其他处理 unlike its version.


@dataclass(frozen=True)
class LayoutCell:
    """One printed cell: its top-left grid position, its spans, and what it holds.

    `key` is the record cell key `table.row.column` for a value cell, `table.row` for the
    leaf label of a row (the label beside that row's values), and "" otherwise. `depth`
    is the nesting of a label in a pre-2019 statistics table (0 for template tables, whose
    nesting is their label columns)."""

    row: int
    col: int
    row_span: int
    col_span: int
    kind: CellKind
    text: str = ""
    key: str = ""
    depth: int = 0

    @property
    def positions(self) -> tuple[tuple[int, int], ...]:
        """Every (row, col) grid position this cell covers."""
        return tuple(
            (r, c)
            for r in range(self.row, self.row + self.row_span)
            for c in range(self.col, self.col + self.col_span)
        )


@dataclass(frozen=True)
class TableLayout:
    """One table as printed: `table` is the record's table key (proactive, applications,
    review_litigation; `indicators-<n>` for the n-th statistics table of a pre-2019
    report), `title` the section heading printed above it."""

    table: str
    title: str
    version: "TemplateVersion | str"
    n_rows: int
    n_cols: int
    cells: tuple[LayoutCell, ...]

    @property
    def value_cells(self) -> tuple[LayoutCell, ...]:
        return tuple(c for c in self.cells if c.kind == "value")

    @property
    def value_keys(self) -> tuple[str, ...]:
        """The record keys of this table's value cells, in printed order (row-major)."""
        return tuple(c.key for c in self.value_cells)

    def cell_at(self, row: int, col: int) -> Optional[LayoutCell]:
        """The cell whose top-left corner is (row, col); None inside a merged cell."""
        return next((c for c in self.cells if c.row == row and c.col == col), None)

    def rows(self) -> tuple[tuple[LayoutCell, ...], ...]:
        """The cells grouped by the grid row their top-left corner is in (HTML <tr> order)."""
        grouped: list[list[LayoutCell]] = [[] for _ in range(self.n_rows)]
        for cell in self.cells:
            grouped[cell.row].append(cell)
        return tuple(tuple(sorted(row, key=lambda c: c.col)) for row in grouped)


class _Grid:
    """Collects cells row by row; `add` keeps them sorted later."""

    def __init__(self) -> None:
        self.cells: list[LayoutCell] = []

    def add(self, row: int, col: int, kind: CellKind, text: str = "", key: str = "",
            row_span: int = 1, col_span: int = 1, depth: int = 0) -> None:
        self.cells.append(LayoutCell(row, col, row_span, col_span, kind, text, key, depth))

    def layout(self, table: str, version: TemplateVersion, n_rows: int, n_cols: int) -> TableLayout:
        cells = tuple(sorted(self.cells, key=lambda c: (c.row, c.col)))
        return TableLayout(table, TABLE_TITLES[table], version, n_rows, n_cols, cells)


# ---------------------------------------------------------------- 二 proactive

# 二 is four columns wide: the label column and three value columns. A block of one value
# column prints it across all three, a block of two prints the second across two.
_PROACTIVE_SPANS = {1: ((1, 3),), 2: ((1, 1), (2, 2)), 3: ((1, 1), (2, 1), (3, 1))}


def proactive_layout(version: TemplateVersion) -> TableLayout:
    """二: blocks headed by a 第二十条第（×）项 row across the table, each with a
    信息内容 heading row naming its columns, then one row per item."""
    rows = PROACTIVE_ROWS[version]
    names = PROACTIVE_COLUMNS[version]
    # Consecutive rows under the same heading with the same columns form one block.
    blocks: list[tuple[str, tuple[str, ...], list[str]]] = []
    for row_key, (_, columns, heading) in rows.items():
        if not blocks or blocks[-1][:2] != (heading, columns):
            blocks.append((heading, columns, []))
        blocks[-1][2].append(row_key)

    grid, r = _Grid(), 0
    for heading, columns, row_keys in blocks:
        spans = _PROACTIVE_SPANS[len(columns)]
        grid.add(r, 0, "header", heading, col_span=4)
        grid.add(r + 1, 0, "header", "信息内容")
        for (col, span), column in zip(spans, columns):
            grid.add(r + 1, col, "header", names[column], col_span=span)
        r += 2
        for row_key in row_keys:
            grid.add(r, 0, "label", rows[row_key][0], f"proactive.{row_key}")
            for (col, span), column in zip(spans, columns):
                grid.add(r, col, "value", key=f"proactive.{row_key}.{column}", col_span=span)
            r += 1
    return grid.layout("proactive", version, r, 4)


# ---------------------------------------------------------------- 三 applications

# Three label columns (level 1, 2, 3) then the seven applicant columns.
_LABEL_COLS = 3


def applications_layout(version: TemplateVersion, other_layout: Optional[OtherLayout] = None) -> TableLayout:
    """三: a three-row header (corner note, 申请人情况 › 自然人 / 法人或其他组织 › … / 总计)
    over the rows of `application_rows(version, other_layout)`, their labels nested up to
    three levels through vertically merged cells."""
    rows = application_rows(version, other_layout)
    grid = _Grid()
    n_cols = _LABEL_COLS + len(APPLICATION_COLUMNS)
    grid.add(0, 0, "header", APPLICATIONS_CORNER_NOTE, row_span=3, col_span=_LABEL_COLS)
    grid.add(0, _LABEL_COLS, "header", "申请人情况", col_span=len(APPLICATION_COLUMNS))
    org_start = None
    for j, column in enumerate(APPLICATION_COLUMNS):
        col = _LABEL_COLS + j
        if column.group:
            if org_start is None:
                org_start = col
                span = sum(1 for c in APPLICATION_COLUMNS if c.group == column.group)
                grid.add(1, col, "header", column.group, col_span=span)
            grid.add(2, col, "header", column.label)
        else:
            grid.add(1, col, "header", column.label, row_span=2)

    first = 3
    results = [i for i, row in enumerate(rows) if row.key not in ("new_received", "carried_over", "carried_forward")]
    # Groups of level-3 rows under one merged level-2 label, in printed order.
    group_rows: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        r = first + i
        if row.key in ("new_received", "carried_over", "carried_forward"):
            grid.add(r, 0, "label", row.label, f"applications.{row.key}", col_span=_LABEL_COLS)
        elif row.group:
            group_rows.setdefault(row.group, []).append(r)
            grid.add(r, 2, "label", row.label, f"applications.{row.key}")
        else:
            grid.add(r, 1, "label", row.label, f"applications.{row.key}", col_span=2)
        for j, column in enumerate(APPLICATION_COLUMNS):
            grid.add(r, _LABEL_COLS + j, "value", key=f"applications.{row.key}.{column.key}")
    for group, group_grid_rows in group_rows.items():
        grid.add(group_grid_rows[0], 1, "label", group, row_span=len(group_grid_rows))
    grid.add(first + results[0], 0, "label", APPLICATION_RESULTS_LABEL, row_span=len(results))
    return grid.layout("applications", version, first + len(rows), n_cols)


# ---------------------------------------------------------------- 四 review_litigation


def review_layout(version: TemplateVersion) -> TableLayout:
    """四: 行政复议 (five columns) beside 行政诉讼 › 未经复议直接起诉 / 复议后起诉 (five each),
    one row of fifteen values under a three-row header."""
    grid = _Grid()
    width = len(REVIEW_COLUMNS)
    review, *litigation = REVIEW_ROWS
    grid.add(0, 0, "header", review.label, col_span=width)
    grid.add(0, width, "header", litigation[0].group, col_span=width * len(litigation))
    for j, column in enumerate(REVIEW_COLUMNS):
        grid.add(1, j, "header", column.label, row_span=2)
    for g, row in enumerate(litigation, start=1):
        grid.add(1, g * width, "header", row.label, col_span=width)
        for j, column in enumerate(REVIEW_COLUMNS):
            grid.add(2, g * width + j, "header", column.label)
    for g, row in enumerate(REVIEW_ROWS):
        for j, column in enumerate(REVIEW_COLUMNS):
            grid.add(3, g * width + j, "value", key=f"review_litigation.{row.key}.{column.key}")
    return grid.layout("review_litigation", version, 4, width * len(REVIEW_ROWS))


# ---------------------------------------------------------------- a report's tables


def table_layouts(version: TemplateVersion, other_layout: Optional[OtherLayout] = None) -> tuple[TableLayout, ...]:
    """二, 三 and 四 of a template version, with （六）其他处理 printed in `other_layout`
    (the version's own layout when None), in TABLE_KEYS order."""
    built = {
        "proactive": proactive_layout(version),
        "applications": applications_layout(version, other_layout),
        "review_litigation": review_layout(version),
    }
    return tuple(built[t] for t in TABLE_KEYS)


def report_layouts(report) -> tuple[TableLayout, ...]:
    """The tables of a `records.Report` as it printed them (its version, its （六） layout);
    a pre-2019 report's statistics tables (none when it printed none)."""
    version = report.tables.template
    if version == PRE2019:
        return indicator_layouts(report.indicators)
    return table_layouts(version, printed_other_layout(version, {f.rule for f in report.findings}))


def value_captions(layout: TableLayout) -> dict[str, tuple[str, str]]:
    """Record key -> (row caption, column caption) of each value cell, as a reader names
    it: the row's label (or, in 四, the headings over its group: 行政诉讼 › 复议后起诉) and the
    nearest column heading above the cell (自然人, 本年制发件数, 结果维持 …)."""
    labels = {c.key: c.text for c in layout.cells if c.kind == "label" and c.key}
    captions = {}
    for cell in layout.value_cells:
        over = sorted(
            (c for c in layout.cells
             if c.kind == "header" and c.row < cell.row and c.col <= cell.col < c.col + c.col_span
             and c.col_span < layout.n_cols),
            key=lambda c: c.row,
        )
        # Headings of the block the cell is in: those below the last full-width heading row.
        column = over[-1].text if over else ""
        row_key = cell.key.rsplit(".", 1)[0]
        row = labels.get(row_key) or " › ".join(c.text for c in over[:-1])
        captions[cell.key] = (row, column)
    return captions


# ---------------------------------------------------------------- pre-2019 statistics tables

PRE2019 = "pre2019"
STATISTICS_TITLE = "政府信息公开情况统计表"
LABEL_HEADER = "指标名称"
UNIT_HEADER = "计量单位"
# How a multi-level column header is joined in `Indicator.column`.
COLUMN_LEVELS = " › "


def _row_id(cell_key: str) -> str:
    """`indicators.<row id>.<column id>` -> `indicators.<row id>`."""
    return cell_key.rsplit(".", 1)[0]


def _value_columns_of(rows: "list[list]") -> list[str]:
    """The printed value columns of one table in printed order: each row's columns in its
    order, a column first seen on a later row placed after the one before it there."""
    columns: list[str] = []
    for cells in rows:
        previous = -1
        for ind in cells:
            if ind.column in columns:
                previous = columns.index(ind.column)
            else:
                columns.insert(previous + 1, ind.column)
                previous += 1
    return columns


def _row_units(cells) -> str:
    return "/".join(dict.fromkeys(i.unit for i in cells if i.unit))


def indicator_layouts(indicators) -> tuple[TableLayout, ...]:
    """One layout per statistics table of a pre-2019 report (`records.Indicator`s, in any
    order): a header (指标名称, 计量单位 when any unit is known, the value columns as
    printed, multi-level headers merged), then per indicator row its label (depth = len of
    its path), its unit(s) and its values; a label of a path that is no indicator row (a
    group heading) gets a full-width row of its own the first time it is met."""
    tables: dict[int, dict[int, list]] = {}
    for ind in indicators:
        tables.setdefault(ind.table, {}).setdefault(ind.row, []).append(ind)
    several = len(tables) > 1
    layouts = []
    for number in sorted(tables):
        rows = [tables[number][r] for r in sorted(tables[number])]
        columns = _value_columns_of(rows)
        has_unit = any(i.unit for cells in rows for i in cells)
        first_value = 2 if has_unit else 1
        n_cols = first_value + len(columns)
        levels = [column.split(COLUMN_LEVELS) for column in columns]
        height = max((len(lv) for lv in levels), default=1)

        grid = _Grid()
        grid.add(0, 0, "header", LABEL_HEADER, row_span=height)
        if has_unit:
            grid.add(0, 1, "header", UNIT_HEADER, row_span=height)
        for j, parts in enumerate(levels):
            for level, text in enumerate(parts):
                leaf = level == len(parts) - 1
                prefix = parts[: level + 1]
                if j and not leaf and len(levels[j - 1]) > level + 1 and levels[j - 1][: level + 1] == prefix:
                    continue  # under the heading the column before opened
                span = 1
                while (not leaf and j + span < len(levels) and len(levels[j + span]) > level + 1
                       and levels[j + span][: level + 1] == prefix):
                    span += 1
                grid.add(level, first_value + j, "header", text,
                         row_span=height - level if leaf else 1, col_span=span)

        r = height
        met: set[tuple[str, ...]] = set()
        for cells in rows:
            head = cells[0]
            for depth in range(len(head.path)):
                prefix = tuple(head.path[: depth + 1])
                if prefix not in met:
                    met.add(prefix)
                    grid.add(r, 0, "label", head.path[depth], depth=depth, col_span=n_cols)
                    r += 1
            met.add(tuple(head.path) + (head.label,))
            grid.add(r, 0, "label", head.label, _row_id(head.cell), depth=len(head.path))
            if has_unit:
                grid.add(r, 1, "text", _row_units(cells))
            placed = {}
            for ind in cells:
                placed.setdefault(columns.index(ind.column), ind.cell)
            for j in range(len(columns)):
                if j in placed:
                    grid.add(r, first_value + j, "value", key=placed[j])
                else:
                    grid.add(r, first_value + j, "text")
            r += 1
        title = f"{STATISTICS_TITLE}（{number}）" if several else STATISTICS_TITLE
        cells_sorted = tuple(sorted(grid.cells, key=lambda c: (c.row, c.col)))
        layouts.append(TableLayout(f"indicators-{number}", title, PRE2019, r, n_cols, cells_sorted))
    return tuple(layouts)
