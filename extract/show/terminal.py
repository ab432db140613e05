"""The report in a terminal: its three tables laid out as printed, then its findings.

Terminals have no merged cells, so the printed layout (`layout.py`) is approximated:
a group label (三、本年度办理结果, （三）不予公开 …) gets a row of its own, printed once, and
the rows under it are indented; a header cell spanning several columns is printed once,
in its first column; 四, one printed row of fifteen values, is shown as three rows of five
(行政复议, 行政诉讼 › 未经复议直接起诉, 行政诉讼 › 复议后起诉). Column headings are shortened so
that 三 fits 80 columns. Cells named by an error are red, by a warning yellow; a repaired
value is marked `*`, a low-confidence one `?`. Without a terminal (a pipe, a file) the
same text is printed without colours.

A pre-2019 report (template "pre2019") prints its statistics tables instead: one table per
statistics table, its indicators' labels indented by their nesting (the group headings of
their paths on rows of their own, once), a unit column, one column per printed value
column, the cells marked as above. A report that printed no statistics table lists its
sections' headings and says so.
"""

from __future__ import annotations

from typing import Optional

from rich import box
from rich.console import Console, Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from ..records import Report
from ..table_layout import PRE2019, LayoutCell, TableLayout, report_layouts
from .marks import CellMark, cell_marks, report_values, shown_value

# Column headings shortened to fit 80 columns (three-character lines stack in two).
_SHORT_HEADERS = {
    "自然人": "自然人",
    "商业企业": "商业\n企业",
    "科研机构": "科研\n机构",
    "社会公益组织": "公益\n组织",
    "法律服务机构": "法律\n服务",
    "其他": "其他\n组织",
    "总计": "总计",
    "结果维持": "维持",
    "结果纠正": "纠正",
    "其他结果": "其他",
    "尚未审结": "未结",
}
_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow"}
_HEADER_STYLE = "bold"
_GROUP_STYLE = "bold"
# Labels wrap past this many cells (24 Chinese characters) even on a wide terminal, so that
# values stay near their labels.
_MAX_LABEL_WIDTH = 48
# A table whose values all sit in one printed row is shown transposed past this many values.
_MAX_FLAT_VALUES = 8


def value_text(report: Report, key: str, marks: dict[str, CellMark], values: dict) -> Text:
    """A value as shown in a terminal cell: coloured by its worst finding, `*` when
    repaired, `?` when read with low confidence, `·` when the cell was not read."""
    mark = marks.get(key)
    shown = shown_value(report, key, values)
    if key not in report.cells:
        shown = "·"
    style = _SEVERITY_STYLE.get(mark.severity, "") if mark and mark.severity else ""
    if not style and key not in report.cells:
        style = "dim"
    elif not style and values.get(key) is None:
        style = "dim"
    text = Text(shown, style=style)
    if mark and mark.repaired:
        text.append("*", style="magenta")
    if mark and mark.low_confidence:
        text.append("?", style="yellow")
    return text


def _body_start(layout: TableLayout) -> int:
    """The first grid row holding a label or a value: the rows above are the table header."""
    return min(c.row for c in layout.cells if c.kind != "header" or c.col_span == layout.n_cols)


def _value_columns(layout: TableLayout) -> list[int]:
    return sorted({c.col for c in layout.value_cells})


def _headers_over(layout: TableLayout, col: int, below: int) -> list[str]:
    """The header texts covering grid column `col` above row `below`, top first."""
    over = [c for c in layout.cells if c.kind == "header" and c.row < below and c.col <= col < c.col + c.col_span]
    return [c.text for c in sorted(over, key=lambda c: c.row)]


def _grid_table(layout: TableLayout, report: Report, marks: dict[str, CellMark], values: dict) -> Table:
    """One terminal row per printed row, group labels on rows of their own."""
    start = _body_start(layout)
    columns = _value_columns(layout)
    first_value_col = columns[0]
    table = Table(box=box.SIMPLE_HEAD, show_header=start > 0, padding=(0, 1), pad_edge=False,
                  title=layout.title, title_justify="left", title_style="bold")
    table.add_column("", overflow="fold", max_width=_MAX_LABEL_WIDTH)
    for col in columns:
        heading = _headers_over(layout, col, start)
        leaf = heading[-1] if heading else ""
        table.add_column(_SHORT_HEADERS.get(leaf, leaf), justify="right", overflow="fold", header_style=_HEADER_STYLE)

    for row in layout.rows()[start:]:
        if not row:
            continue
        label_cells = [c for c in row if c.kind == "label"]
        groups = [c for c in label_cells if not c.key]
        for group in groups:
            table.add_row(_indented(group, Text(group.text, style=_GROUP_STYLE)))
        headers = [c for c in row if c.kind == "header"]
        if headers:
            table.add_row(*_positioned(headers, columns, first_value_col, style=_HEADER_STYLE))
            continue
        leaves = [c for c in label_cells if c.key]
        label = _indented(leaves[0], Text(leaves[0].text)) if leaves else Text("")
        cells = {c.col: value_text(report, c.key, marks, values) for c in row if c.kind == "value"}
        table.add_row(label, *(cells.get(col, Text("")) for col in columns))
    return table


def _indented(cell: LayoutCell, text: Text) -> Padding:
    """A label indented by its nesting level (its printed column), wrapped lines too."""
    return Padding(text, (0, 0, 0, 2 * cell.col), expand=False)


def _positioned(cells: list[LayoutCell], columns: list[int], first_value_col: int, style: str) -> list[Text]:
    """Header cells of a body row placed in the terminal columns they start in."""
    out = [Text("")] * (1 + len(columns))
    for cell in cells:
        index = 0 if cell.col < first_value_col else 1 + columns.index(cell.col)
        out[index] = Text(cell.text, style=style, justify="left" if index == 0 else "right")
    return out


def _transposed_table(layout: TableLayout, report: Report, marks: dict[str, CellMark], values: dict) -> Table:
    """A table printed as one row of many values (四): one terminal row per group of
    columns under the same headings, the last heading as the column."""
    start = _body_start(layout)
    groups: dict[tuple[str, ...], list[LayoutCell]] = {}
    for cell in sorted(layout.value_cells, key=lambda c: c.col):
        path = tuple(_headers_over(layout, cell.col, start))
        groups.setdefault(path[:-1], []).append(cell)
    leaves = [_headers_over(layout, c.col, start)[-1] for c in next(iter(groups.values()))]
    table = Table(box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False,
                  title=layout.title, title_justify="left", title_style="bold")
    table.add_column("", overflow="fold", max_width=_MAX_LABEL_WIDTH)
    for leaf in leaves:
        table.add_column(leaf, justify="right", overflow="fold", header_style=_HEADER_STYLE)
    for path, cells in groups.items():
        table.add_row(Text(" › ".join(path)), *(value_text(report, c.key, marks, values) for c in cells))
    return table


def _indicator_table(layout: TableLayout, report: Report, marks: dict[str, CellMark], values: dict) -> Table:
    """A pre-2019 statistics table: label (indented by depth), unit, the value columns
    headed as printed (levels of a multi-level header on lines of their own)."""
    start = _body_start(layout)
    columns = _value_columns(layout)
    text_cols = sorted({c.col for c in layout.cells if c.kind == "text"} - set(columns))
    table = Table(box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False,
                  title=layout.title, title_justify="left", title_style="bold")
    table.add_column("\n".join(_headers_over(layout, 0, start)), overflow="fold", max_width=_MAX_LABEL_WIDTH,
                     header_style=_HEADER_STYLE)
    for col in text_cols:
        table.add_column("\n".join(_headers_over(layout, col, start)), overflow="fold", header_style=_HEADER_STYLE)
    for col in columns:
        table.add_column("\n".join(_headers_over(layout, col, start)), justify="right", overflow="fold",
                         header_style=_HEADER_STYLE)
    for row in layout.rows()[start:]:
        if not row:
            continue
        label = next((c for c in row if c.kind == "label"), None)
        if label is not None and not label.key:
            table.add_row(_nested(label, Text(label.text, style=_GROUP_STYLE)))
            continue
        by_col = {c.col: c for c in row}
        shown = [_nested(label, Text(label.text)) if label else Text("")]
        shown += [Text(by_col[col].text, style="dim") if col in by_col else Text("") for col in text_cols]
        for col in columns:
            cell = by_col.get(col)
            shown.append(value_text(report, cell.key, marks, values) if cell and cell.kind == "value" else Text(""))
        table.add_row(*shown)
    return table


def _nested(cell: LayoutCell, text: Text) -> Padding:
    """A statistics table's label indented by its depth (the labels it nests under)."""
    return Padding(text, (0, 0, 0, 2 * cell.depth), expand=False)


def table_renderable(layout: TableLayout, report: Report, marks: Optional[dict[str, CellMark]] = None,
                     values: Optional[dict] = None) -> Table:
    """One table of the report as a rich Table."""
    marks = cell_marks(report) if marks is None else marks
    values = report_values(report) if values is None else values
    if layout.version == PRE2019:
        return _indicator_table(layout, report, marks, values)
    rows_with_values = {c.row for c in layout.value_cells}
    if len(rows_with_values) == 1 and len(layout.value_cells) > _MAX_FLAT_VALUES:
        return _transposed_table(layout, report, marks, values)
    return _grid_table(layout, report, marks, values)


def report_header(report: Report) -> str:
    info = report.report
    pages = f"{report.source.pages} pages" if report.source.pages is not None else f"a {report.source.kind} document"
    line = (f"{report.source.file}: {info.agency or '?'} {info.year or '?'} (template {report.tables.template}), "
            f"{pages}, {len(report.cells)} cells read")
    if report.tables.template == PRE2019:
        tables = len({i.table for i in report.indicators})
        line += f", {len({(i.table, i.row) for i in report.indicators})} indicators in {tables} statistics table(s)"
    return line


def sections_renderable(report: Report) -> Text:
    """The report's sections, one line each: number, heading, pages."""
    text = Text(f"sections: {len(report.sections)}")
    for section in report.sections:
        pages = ""
        if section.first_page is not None:
            last = section.last_page or section.first_page
            pages = f"  (p. {section.first_page}" + (f"-{last})" if last != section.first_page else ")")
        text.append("\n  ")
        text.append(section.heading)
        text.append(pages, style="dim")
    return text


def findings_renderable(report: Report, verbose: bool = False) -> Text:
    """The findings count, then each finding (info ones only when verbose), coloured."""
    counts = {s: sum(1 for f in report.findings if f.severity == s) for s in ("error", "warning", "info")}
    from ..checks.accounting import cause_note, describe

    text = Text(f"findings: {counts['error']} error, {counts['warning']} warning, {counts['info']} info; "
                + describe(report.rules))
    for finding in report.findings:
        if finding.severity == "info" and not verbose:
            continue
        text.append("\n  ")
        text.append(f"[{finding.severity}]", style=_SEVERITY_STYLE.get(finding.severity, "dim"))
        text.append(f" {finding.rule}: {finding.message}")
        if finding.cause is not None:
            text.append(cause_note(finding), style="dim")
    return text


def report_renderable(report: Report, verbose: bool = False) -> Group:
    """Header line, the tables as printed, a legend when cells are marked, the findings."""
    marks, values = cell_marks(report), report_values(report)
    parts: list = [Text(report_header(report), style="bold")]
    layouts = report_layouts(report)
    for layout in layouts:
        parts.append(table_renderable(layout, report, marks, values))
    if not layouts and report.tables.template == PRE2019:
        parts.append(sections_renderable(report))
        parts.append(Text("no statistics table: the report states its figures in its text only "
                          "(报告未印制统计表)", style="bold"))
    if marks:
        legend = Text("  ")
        legend.append("red", style=_SEVERITY_STYLE["error"])
        legend.append(": error  ")
        legend.append("yellow", style=_SEVERITY_STYLE["warning"])
        legend.append(": warning  *: repaired  ?: low confidence  ·: not read")
        parts.append(legend)
    parts.append(findings_renderable(report, verbose))
    return Group(*parts)


def print_report(report: Report, console: Optional[Console] = None, verbose: bool = False) -> None:
    """Print the report to `console` (stdout by default; plain text when not a terminal)."""
    (console or Console()).print(report_renderable(report, verbose))
