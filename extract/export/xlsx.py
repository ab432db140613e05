"""XLSX (openpyxl): an index sheet, a sheet of cross-year findings, and one sheet per report
rebuilding 二, 三 and 四 the way they are printed (extract/table_layout.py: merged header
cells, merged group label cells, Chinese labels), with the values in effect. A pre-2019
report's sheet lists its statistics tables as printed instead (`indicator_layouts`: 指标名称
indented by nesting depth, 计量单位, one column per value column, group headings on rows of
their own), marked the same way.

Marks (the legend sheet explains them): only the cells a finding singles out are filled: red
for an error, yellow for a warning. A broken rule singles out its suspect cell when the
arithmetic names one, else the printed total it compares (applications.row_total,
column_total, review_litigation.total, indicators.parts_sum), else every cell it involves
(a balance of four cells, a pair); the other cells it involves get a comment only, so one
wrong grand total no longer paints its whole 总计 column. A warning about one cell's reading
(low confidence, repaired, unreadable) fills that cell yellow, except a printed blank (/, —,
无) whose only doubt is a low OCR confidence: it is not a number, it gets a comment only.
A corrected cell is filled blue with a comment giving the value as read.

Sheets: the index, a legend, the findings, sections and prose figures of every report (the
same columns as the CSV and Parquet companion files, tables.COMPANIONS), one sheet per report
(its findings listed under its tables) and the cross-year findings.
Needs openpyxl (the optional `xlsx` extra).
"""

from __future__ import annotations

import math
import re
import unicodedata
from pathlib import Path
from typing import Iterable, Optional, Sequence

from ..errors import ExtractError
from ..table_layout import PRE2019, TableLayout, indicator_layouts, table_layouts
from ..template import printed_other_layout
from .csv_long import csv_text
from .stored import CELL_FLAGS, CrossFindingRow, StoredReport
from .tables import COMPANIONS

ERROR_FILL = "FFC7CE"     # Excel's "bad" red
WARNING_FILL = "FFEB9C"   # Excel's "neutral" yellow
CORRECTED_FILL = "BDD7EE"  # blue: a reviewer's value
HEADER_FILL = "D9D9D9"
INDEX_SHEET = "索引 index"
CROSS_SHEET = "跨年核对 cross-year"
LEGEND_SHEET = "图例 legend"
# Broken rules whose first cell is the printed total the others should add up to.
TOTAL_FIRST_RULES = frozenset({"applications.row_total", "applications.column_total", "review_litigation.total",
                               "indicators.parts_sum"})
# Findings about how one cell was read (not a rule between cells).
READING_RULES = frozenset({"cell.low_confidence", "cell.unreadable", "cell.repaired", "cell.split_from_label",
                           "cell.blank_doubtful"})
# Excel forbids these in sheet names, and caps names at 31 characters.
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


class XlsxUnavailable(ExtractError):
    exit_code = 2


def sheet_name(index: int, report: StoredReport, taken: set[str]) -> str:
    """`001 淮安市人民政府 2024`: numbered (unique, in index order), at most 31 characters."""
    agency = _SHEET_FORBIDDEN.sub("_", report.agency or "?")
    name = f"{index:03d} {agency}"[:26] + f" {report.year or '?'}"
    while name in taken:
        name = name[:-1] + "_"
    taken.add(name)
    return name


def singled_out(finding) -> tuple[str, ...]:
    """The cells an error or warning finding colours: its suspect cell, else the printed total
    of a total rule, else every cell it names."""
    if finding.suspect_cell:
        return (finding.suspect_cell,)
    if finding.rule in TOTAL_FIRST_RULES and len(finding.cells) > 1:
        return finding.cells[:1]
    return tuple(finding.cells)


def _findings_by_cell(report: StoredReport) -> dict[str, list]:
    named: dict[str, list] = {}
    for f in report.findings:
        for key in f.cells:
            named.setdefault(key, []).append(f)
    return named


def _finding_note(f, key: str) -> str:
    note = f"[{f.severity}] {f.rule}: {f.message}"
    if f.cause:
        note += f" (cause: {f.cause}" + (f", suspect: {f.suspect_cell}" if f.suspect_cell else "") + ")"
    if f.severity in ("error", "warning") and key not in singled_out(f):
        note = "involved in " + note
    return note


def cell_mark(stored, findings: Sequence) -> tuple[Optional[str], list[str]]:
    """(fill, comment lines) of one value cell: `findings` those naming it."""
    notes = [_finding_note(f, stored.key if stored is not None else "") for f in findings]
    fill = None
    marking = [f for f in findings if f.severity in ("error", "warning") and stored is not None
               and stored.key in singled_out(f)]
    blank = stored is not None and "blank" in stored.flags
    if blank and all(f.rule == "cell.low_confidence" for f in marking):
        marking = []  # a printed blank read with low confidence: not a doubtful number
        if findings:
            notes.append("a printed blank (not a number): not marked")
    if marking:
        fill = ERROR_FILL if any(f.severity == "error" for f in marking) else WARNING_FILL
    elif stored is not None and "repaired" in stored.flags:
        fill = WARNING_FILL
        notes.append("repaired: read as " + str(stored.read_value))
    if stored is not None and stored.corrected:
        fill = CORRECTED_FILL
        read = "" if stored.read_value is None else stored.read_value
        notes.insert(0, f"corrected by a reviewer; read: {read!s}")
    return fill, notes


LINE_HEIGHT_PT = 15.0
COLUMN_WIDTHS = {1: 16, 2: 16, 3: 40}  # label columns; the others VALUE_WIDTH
VALUE_WIDTH = 10
# A pre-2019 statistics table: 指标名称 (indented by depth), 计量单位, the value columns.
PRE2019_COLUMN_WIDTHS = {1: 48, 2: 9}
PRE2019_VALUE_WIDTH = 14


def _column_width(col: int, pre2019: bool = False) -> float:
    if pre2019:
        return PRE2019_COLUMN_WIDTHS.get(col, PRE2019_VALUE_WIDTH)
    return COLUMN_WIDTHS.get(col, VALUE_WIDTH)


def report_layouts(report: StoredReport) -> tuple[TableLayout, ...]:
    """The tables of a stored report as printed: 二, 三 and 四 of its template (its （六）
    layout), or a pre-2019 report's statistics tables (none for a prose-only report)."""
    if report.is_pre2019:
        from ..checks.revalidate import indicators_of

        return indicator_layouts(indicators_of(report.record))
    version = report.template or (report.record.get("tables") or {}).get("template") or "2021"
    rules = {f.get("rule") for f in report.record.get("findings", ())}
    return table_layouts(version, printed_other_layout(version, rules))


def _fit_height(ws, text: str, row: int, row_span: int, col: int, col_span: int, pre2019: bool = False) -> None:
    """Give the rows under a wrapped label enough height for its lines: neither Excel nor
    LibreOffice fits rows to merged cells. Widths are in Excel's units (one digit), a CJK
    character takes two."""
    width = sum(_column_width(c, pre2019) for c in range(col, col + col_span)) - 1
    units = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    lines = max(1, math.ceil(units / max(width, 1)))
    per_row = lines * LINE_HEIGHT_PT / row_span
    for r in range(row, row + row_span):
        current = ws.row_dimensions[r].height or LINE_HEIGHT_PT
        if per_row > current:
            ws.row_dimensions[r].height = per_row


STYLE_TITLE = "extract title"
STYLE_HEADER = "extract header"
STYLE_LABEL = "extract label"
STYLE_VALUE = "extract value"
STYLE_COVERED = "extract covered"  # inside a merged cell: only its border
VALUE_STYLES = {None: STYLE_VALUE, ERROR_FILL: "extract value error", WARNING_FILL: "extract value warning",
                CORRECTED_FILL: "extract value corrected"}


def _add_named_styles(wb) -> None:
    """Register the few cell styles once: assigning a named style is cheap, while building
    Font/Fill/Border objects per cell makes openpyxl compare styles for every cell (a
    thousand reports took minutes)."""
    from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side

    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)

    def add(name, *, font=None, fill=None, alignment=None, framed=True):
        style = NamedStyle(name=name)
        if framed:
            style.border = border
        if font is not None:
            style.font = font
        if fill is not None:
            style.fill = PatternFill("solid", start_color=fill, end_color=fill)
        if alignment is not None:
            style.alignment = alignment
        wb.add_named_style(style)

    add(STYLE_TITLE, font=Font(bold=True, size=12), framed=False)
    add(STYLE_HEADER, font=Font(bold=True), fill=HEADER_FILL,
        alignment=Alignment(wrap_text=True, vertical="center", horizontal="center"))
    add(STYLE_LABEL, alignment=Alignment(wrap_text=True, vertical="center", horizontal="left"))
    add(STYLE_COVERED)
    for fill, name in VALUE_STYLES.items():
        add(name, fill=fill, alignment=Alignment(horizontal="right", vertical="center"))


def _merge(ws, top: int, left: int, bottom: int, right: int) -> None:
    """Merge a range whose cells all carry the framed covered style. Worksheet.merge_cells
    would redraw the edge borders cell by cell through style arithmetic (most of the export's
    time for a thousand reports); the cells here are framed already, so only the range is
    recorded and the covered cells become MergedCells, as merge_cells does."""
    from openpyxl.cell.cell import MergedCell
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.merge import MergedCellRange

    cells = getattr(ws, "_cells", None)
    if cells is None:  # another openpyxl: the public, slower way
        ws.merge_cells(start_row=top, start_column=left, end_row=bottom, end_column=right)
        return
    mcr = MergedCellRange(ws, f"{get_column_letter(left)}{top}:{get_column_letter(right)}{bottom}")
    ws.merged_cells.add(mcr)
    for r in range(top, bottom + 1):
        for c in range(left, right + 1):
            if (r, c) != (top, left):
                covered = MergedCell(ws, row=r, column=c)
                covered.style = STYLE_COVERED
                cells[(r, c)] = covered


def _write_table(ws, layout: TableLayout, top: int, report: StoredReport, named: dict[str, list]) -> int:
    """Write one table with its title on row `top` (1-based); returns the next free row."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment

    pre2019 = layout.version == PRE2019
    ws.cell(top, 1, layout.title).style = STYLE_TITLE
    first = top + 1
    for cell in layout.cells:
        row, col = first + cell.row, 1 + cell.col
        target = ws.cell(row, col)
        if cell.kind == "value":
            stored = report.cells.get(cell.key)
            value = stored.value if stored is not None else None
            if value is None and stored is not None and stored.printed:
                value = stored.printed  # "/", "—", "无": shown as printed
            target.value = value
            fill, notes = cell_mark(stored, [f for f in named.get(cell.key, ()) if f.severity in ("error", "warning")])
            target.style = VALUE_STYLES[fill]
            if notes:
                target.comment = Comment("\n".join(notes), "extract", width=360, height=40 + 18 * len(notes))
        else:
            target.value = cell.text
            target.style = STYLE_HEADER if cell.kind == "header" else STYLE_LABEL
            if cell.kind == "label" and cell.depth:
                # A pre-2019 indicator nested under others: indented by its depth.
                target.alignment = Alignment(wrap_text=True, vertical="center", horizontal="left",
                                             indent=2 * cell.depth)
            if cell.text:
                _fit_height(ws, cell.text, row, cell.row_span, col, cell.col_span, pre2019)
        if cell.row_span > 1 or cell.col_span > 1:
            _merge(ws, row, col, row + cell.row_span - 1, col + cell.col_span - 1)
    return first + layout.n_rows + 1


def _report_sheet(ws, report: StoredReport, index_link: str, cross: Sequence[CrossFindingRow] = (),
                  names: Optional[dict] = None) -> None:
    """`cross`: the cross-year findings naming this report; `names`: report -> sheet name."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws.cell(1, 1, f"{report.agency or '?'} {report.year or '?'}").font = Font(bold=True, size=14)
    ws.cell(2, 1, f"template {report.template or '?'} · {report.path} · sha256 {report.sha256} · first page "
                  f"{report.first_page} · {report.errors} error, {report.warnings} warning"
                  f"{' · ' + str(len(report.corrected_keys)) + ' corrected' if report.corrected_keys else ''}")
    back = ws.cell(3, 1, "← index")
    back.hyperlink = index_link
    back.font = Font(color="0563C1", underline="single")
    named = _findings_by_cell(report)
    row = 5
    layouts = report_layouts(report)
    if report.is_pre2019 and not layouts:
        ws.cell(row, 1, "（报告未印制统计表 no statistics table: the figures are stated in the text only）")
        row += 2
    for layout in layouts:
        row = _write_table(ws, layout, row, report, named)
    ws.cell(row, 1, "findings").font = Font(bold=True, size=12)
    for i, f in enumerate(report.findings, start=row + 1):
        ws.cell(i, 1, f.severity)
        ws.cell(i, 2, f.rule)
        ws.cell(i, 3, f.message)
        if f.cause:
            ws.cell(i, 4, f"cause: {f.cause}" + (f"; suspect: {f.suspect_cell}" if f.suspect_cell else ""))
    ident = (report.sha256, report.first_page)
    if cross:
        row = ws.max_row + 2
        ws.cell(row, 1, "cross-year findings (extract check)").font = Font(bold=True, size=12)
        for i, f in enumerate(cross, start=row + 1):
            other = f.later if f.earlier == ident else f.earlier
            ws.cell(i, 1, f.severity)
            ws.cell(i, 2, f.rule)
            ws.cell(i, 3, f.message)
            if names and other in names:
                ws.cell(i, 2).hyperlink = f"#'{names[other]}'!A1"
    for col in range(1, 16):
        ws.column_dimensions[get_column_letter(col)].width = _column_width(col, report.is_pre2019)
    # Printed (or saved as PDF) one page wide, as the report prints its tables.
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_setup.orientation = "landscape"
    ws.print_area = f"A1:{get_column_letter(max((l.n_cols for l in layouts), default=3))}{ws.max_row}"


INDEX_COLUMNS = ("#", "agency", "year", "template", "kind", "errors", "warnings", "corrected", "cross-year errors",
                 "cross-year warnings", "reviewed by", "rules checked", "rules broken", "rules unchecked", "copies",
                 "copy of", "path", "sha256", "first page", "sheet")


def write_xlsx(reports: Sequence[StoredReport], out: Path, cross: Iterable[CrossFindingRow] = (), *,
               original: bool = False) -> int:
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Font, PatternFill
    except ImportError:
        raise XlsxUnavailable(str(out), "XLSX needs openpyxl: pip install 'extract[xlsx]'") from None
    cross = list(cross)
    wb = Workbook()
    _add_named_styles(wb)
    index = wb.active
    index.title = INDEX_SHEET
    index_link = f"#'{INDEX_SHEET}'!A1"
    _legend_sheet(wb.create_sheet(LEGEND_SHEET))
    for table in COMPANIONS:
        _table_sheet(wb.create_sheet(table.sheet), table, reports)
    taken = {INDEX_SHEET, CROSS_SHEET, LEGEND_SHEET, *(t.sheet for t in COMPANIONS)}
    names: dict[tuple[str, int], str] = {}
    for i, report in enumerate(reports, start=1):
        names[(report.sha256, report.first_page)] = sheet_name(i, report, taken)

    counts: dict[tuple[str, int], list[int]] = {}
    naming: dict[tuple[str, int], list[CrossFindingRow]] = {}
    for f in cross:
        for side in {f.earlier, f.later}:
            c = counts.setdefault(side, [0, 0])
            c[0 if f.severity == "error" else 1] += f.severity in ("error", "warning")
            naming.setdefault(side, []).append(f)

    index.append(INDEX_COLUMNS)
    for cell in index[1]:
        cell.font = Font(bold=True)
    for i, report in enumerate(reports, start=1):
        ident = (report.sha256, report.first_page)
        name = names[ident]
        cross_counts = counts.get(ident, [0, 0])
        index.append((i, report.agency, report.year, report.template, report.kind, report.errors, report.warnings,
                      len(report.corrected_keys), cross_counts[0], cross_counts[1], report.reviewed_by,
                      *((report.record.get("rules") or {}).get(n) for n in ("checked", "broken", "unchecked")),
                      report.n_copies, report.copy_of, report.path, report.sha256, report.first_page, name))
        link = index.cell(i + 1, len(INDEX_COLUMNS))
        link.hyperlink = f"#'{name}'!A1"
        link.font = Font(color="0563C1", underline="single")
        if report.errors:
            index.cell(i + 1, 6).fill = PatternFill("solid", start_color=ERROR_FILL, end_color=ERROR_FILL)
        _report_sheet(wb.create_sheet(name), report, index_link, naming.get(ident, ()), names)
    index.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHIJKLMNOPQRST", (5, 30, 6, 8, 8, 6, 8, 9, 8, 8, 12, 8, 8, 8, 6, 20, 40, 20, 6, 30)):
        index.column_dimensions[letter].width = width
    if original:
        index.cell(len(reports) + 3, 1, "values as read: corrections ignored (--original)")

    sheet = wb.create_sheet(CROSS_SHEET)
    sheet.append(("severity", "rule", "message", "earlier report", "later report", "cells"))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for f in cross:
        sheet.append((f.severity, f.rule, f.message, names.get(f.earlier, f.earlier[0][:12]),
                      names.get(f.later, f.later[0][:12]), ", ".join(f.cells)))
        for col, side in ((4, f.earlier), (5, f.later)):
            if side in names:
                sheet.cell(sheet.max_row, col).hyperlink = f"#'{names[side]}'!A1"
    for letter, width in zip("ABCDEF", (9, 24, 90, 28, 28, 60)):
        sheet.column_dimensions[letter].width = width
    wb.save(out)
    return len(reports)


def _table_sheet(ws, table, reports: Sequence[StoredReport]) -> None:
    """One companion table (findings, sections, prose figures) of every report, with the CSV's
    column names; lists as in the CSV (cell keys separated by spaces)."""
    from openpyxl.styles import Font

    ws.append(table.column_names)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for report in reports:
        for row in table.rows(report):
            ws.append([_sheet_text(csv_text(row[c.name], c.name)) if c.kind == "list" else _sheet_text(row[c.name])
                       for c in table.columns])
    ws.freeze_panes = "A2"


# Excel holds at most 32767 characters in a cell and no control characters.
CELL_TEXT_LIMIT = 32767


def _sheet_text(value):
    """A text as an Excel cell can hold it: control characters shown as U+FFFD, a text over
    the cell limit cut with a note saying so (the CSV, Parquet and JSONL exports keep it whole)."""
    if not isinstance(value, str):
        return value
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    if len(value) > CELL_TEXT_LIMIT:
        note = f"…[cut: {len(value)} characters; whole in the CSV, Parquet and JSONL exports]"
        value = value[: CELL_TEXT_LIMIT - len(note)] + note
    return value


LEGEND_FILLS = (
    (ERROR_FILL, "红 red", "an error finding singles the cell out: a broken rule's suspect cell, else the printed "
                          "total it compares, else every cell of a small rule (balance, a pair); a value lost"),
    (WARNING_FILL, "黄 yellow", "a warning singles the cell out: a doubtful reading (low OCR confidence, not a "
                               "number, split from its label) or an OCR misread the arithmetic repaired"),
    (CORRECTED_FILL, "蓝 blue", "a reviewer's value; the comment gives the value as read"),
    (None, "无色 no fill", "read plainly; a cell a broken rule involves without singling it out, or a printed blank "
                           "(/, —, 无) read with low OCR confidence, has a comment only (a red corner)"),
)


def _legend_sheet(ws) -> None:
    """What the fills mean, and the per-cell flags of the CSV and Parquet exports."""
    from openpyxl.styles import Font, PatternFill

    ws.append(("图例 legend", ""))
    ws.cell(1, 1).font = Font(bold=True, size=12)
    for fill, name, meaning in LEGEND_FILLS:
        ws.append((name, meaning))
        if fill:
            ws.cell(ws.max_row, 1).fill = PatternFill("solid", start_color=fill, end_color=fill)
    ws.append(())
    ws.append(("cause", "a broken rule: publication (every cell read with certainty: the report's own "
                        "inconsistency) | reading (an OCR reading is involved: possibly a misreading)"))
    ws.append(())
    ws.append(("flags", "per-cell flags of the CSV and Parquet exports (flags, <key>__flags)"))
    ws.cell(ws.max_row, 1).font = Font(bold=True)
    for name, meaning in CELL_FLAGS:
        ws.append((name, meaning))
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 110


def find_value_cell(ws, key: str, report: StoredReport) -> Optional[tuple[int, int]]:
    """(row, column), 1-based, where `key`'s value is on a report sheet written by
    write_xlsx (for readers and tests: the layout decides it)."""
    row = 5
    if report.is_pre2019 and not report_layouts(report):
        return None
    for layout in report_layouts(report):
        first = row + 1
        for cell in layout.value_cells:
            if cell.key == key:
                return first + cell.row, 1 + cell.col
        row = first + layout.n_rows + 1
    return None
