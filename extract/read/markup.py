"""What the HTML and Word readers share: tables given as cells with spans become the same
`Grid`s the ruled-table builder makes from a PDF page, so mapping, records, validation and
findings run unchanged; the document's text comes as lines for metadata and prose checks.

A markup table has no geometry. Its grid gets synthetic coordinates, one fixed step per
row and column (`_COLUMN_STEP`, `_ROW_STEP`): the mapping compares cells only by their
relative extents (which columns a header spans, what lies left of the value columns),
which the steps preserve exactly. These coordinates never reach the record: a markup
cell's record has no page or bbox, and carries its XPath and (table, row, column) instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Optional, Sequence

from ..files import check_file_size
from ..settings import Settings
from ..page import Grid, GridCell
from ..text import normalize, parse_value

MarkupKind = Literal["html", "docx"]

HTML_SUFFIXES = frozenset({".html", ".htm", ".shtml", ".xhtml", ".mht", ".mhtml"})
WORD_SUFFIXES = frozenset({".docx", ".doc", ".wps", ".rtf"})
MARKUP_SUFFIXES = HTML_SUFFIXES | WORD_SUFFIXES

# Synthetic grid steps (arbitrary units, far above the mapping's snap tolerance).
_COLUMN_STEP = 40.0
_ROW_STEP = 20.0
# A colspan/rowspan above this is a typo (HTML caps colspan at 1000, rowspan at 65534).
MAX_SPAN = 1000

# Spaces as a browser collapses them (not &nbsp; or the ideographic space, which are text).
_COLLAPSIBLE = re.compile(r"[ \t\r\n\f]+")
# A caption printed as the first row of the table itself (三、收到和处理政府信息公开申请情况,
# 表1 …): one cell across the whole table, before any header.
_CAPTION_ROW = re.compile(r"^(?:表\s*\d*[：:．.、]?\s*)?[一二三四五六七八九十]+[、．.]|情况(?:统计)?表?$|^单位[：:]")
_NOT_A_CAPTION = "第二十条"  # section 二's block headings also run across the table


@dataclass(frozen=True)
class PlacedCell:
    """One cell of a markup table, placed on the table's grid (0-based row and column of
    its top-left slot, spans resolved), with its text (lines joined by newlines) and the
    XPath of its element."""

    row: int
    col: int
    row_span: int
    col_span: int
    text: str
    locator: str


@dataclass(frozen=True)
class MarkupTable:
    index: int  # 1-based, document order of the opening tags (an outer table before its nested ones)
    n_rows: int
    n_cols: int
    cells: tuple[PlacedCell, ...]
    # Each column's width as the markup gives it (any one unit), () when unknown. Producers
    # add sliver columns where rows' borders do not line up (LibreOffice's .doc import,
    # Word's HTML): counted as full columns, they would tilt which header a value sits under.
    column_widths: tuple[float, ...] = ()


@dataclass(frozen=True)
class TextLine:
    """A line of the document's visible text (NFKC, no whitespace, as `page_lines` gives
    for a PDF page), with the tables it sits in (1-based indexes; empty outside tables)."""

    text: str
    tables: frozenset[int] = frozenset()


@dataclass(frozen=True)
class MarkupDocument:
    kind: MarkupKind
    grids: tuple[Grid, ...]
    lines: tuple[TextLine, ...]
    # Title lines found apart from the body (an HTML <h1> or <title>): read first.
    title: tuple[str, ...] = ()
    body_from: int = 0  # the first line after the title (menus and breadcrumbs come before it)
    tables_found: int = 0  # every table, layout tables and empty ones included
    pictures_found: int = 0  # images in the document (tables pasted as pictures are not read)

    def nothing_found(self) -> str:
        """Why no report table was found, for the one-line error."""
        seen = f"{self.tables_found} table(s), none of the annual-report template" if self.tables_found else "no tables"
        if self.pictures_found:
            seen += f"; its {self.pictures_found} picture(s) are not read (a table pasted as a picture needs a PDF or image of the page)"
        return f"no report tables found (the {self.kind} document has {seen})"

    def table_of(self, grid: Grid) -> Optional[int]:
        return next((c.place[0] for c in grid.cells if c.place), None)

    def head_lines(self, report_tables: frozenset[int]) -> list[str]:
        """The lines that can hold the title: the separate title, then the body outside
        the report's tables."""
        body = self.lines[self.body_from :]
        return list(self.title) + [line.text for line in body if not line.tables & report_tables]

    def prose(self, report_tables: frozenset[int]) -> str:
        """The text outside the report's tables as one string (lines joined without a
        break, as for PDF pages: a sentence runs on across lines). Text inside a layout
        table that holds the report's tables is prose."""
        return "".join(line.text for line in self.lines if not line.tables & report_tables)

    def all_text(self) -> str:
        return "".join(line.text for line in self.lines)


def clean_line(text: str) -> str:
    """A rendered line of a cell: spaces collapsed as a browser does, &nbsp; as a space,
    ends trimmed."""
    return _COLLAPSIBLE.sub(" ", text).replace("\xa0", " ").strip()


def cell_text(lines: Sequence[str]) -> str:
    return "\n".join(line for line in (clean_line(t) for t in lines) if line)


def read_limited(path: Path, settings: Settings) -> bytes:
    check_file_size(path, settings)
    return path.read_bytes()


# A table that holds tables and has fewer rows or columns than this is a page's layout (a
# menu column beside the article, a frame around it): its tables are read on their own and
# its text is prose. A larger one is a report table with something nested in a cell.
_LAYOUT_MAX_SIDE = 2


def is_layout(table: MarkupTable, holds_tables: bool) -> bool:
    return holds_tables and min(table.n_rows, table.n_cols) <= _LAYOUT_MAX_SIDE


def table_grid(table: MarkupTable, source: MarkupKind) -> Optional[Grid]:
    """The table as a Grid on page 1 (a markup document is one flow, never cut by a page
    break), without the rows that print nothing (an empty first row, a spacer) and without
    a caption row inside the table. None for a table with no text at all."""
    if not table.cells or not any(c.text for c in table.cells):
        return None
    covering: dict[int, list[PlacedCell]] = {}
    for cell in table.cells:
        for r in range(cell.row, cell.row + cell.row_span):
            covering.setdefault(r, []).append(cell)
    dropped: set[int] = set()
    seen_text = False
    for r in range(table.n_rows):
        cells = covering.get(r, [])
        alone = all(c.row == r and c.row_span == 1 for c in cells)
        if alone and not any(c.text for c in cells):
            dropped.add(r)
            continue
        if not seen_text and alone and len(cells) == 1 and cells[0].col_span == table.n_cols:
            core = normalize(cells[0].text)
            if _CAPTION_ROW.search(core) and _NOT_A_CAPTION not in core:
                dropped.add(r)
                continue
        seen_text = True
    # A note printed as the table's last row(s), across the whole table (注：…, 数据来源…).
    for r in reversed(range(table.n_rows)):
        if r in dropped:
            continue
        cells = covering.get(r, [])
        if not (len(cells) == 1 and cells[0].row == r and cells[0].row_span == 1 and cells[0].col_span == table.n_cols):
            break
        if _NOT_A_CAPTION in cells[0].text or any(ch.isdigit() for ch in cells[0].text) and parse_value(cells[0].text).ok:
            break
        dropped.add(r)
    kept = [r for r in range(table.n_rows) if r not in dropped]
    if not kept:
        return None
    new_row = {r: i for i, r in enumerate(kept)}
    xs = _column_lines(table)
    ys = tuple(r * _ROW_STEP for r in range(len(kept) + 1))
    cells = []
    for cell in table.cells:
        if cell.row in dropped:
            continue
        row = new_row[cell.row]
        cells.append(
            GridCell(
                row=row,
                col=cell.col,
                row_span=cell.row_span,
                col_span=cell.col_span,
                bbox=_box(xs, ys, row, cell.col, cell.row_span, cell.col_span),
                text=cell.text,
                confidence=1.0,
                source=source,
                locator=cell.locator,
                place=(table.index, cell.row + 1, cell.col + 1),
            )
        )
    cells.sort(key=lambda c: (c.row, c.col))
    return Grid(page=1, xs=xs, ys=ys, cells=tuple(cells))


def _column_lines(table: MarkupTable) -> tuple[float, ...]:
    """Column boundaries: by the markup's widths when it gives them all (scaled so that an
    average column is one `_COLUMN_STEP`), else one step per column."""
    widths = table.column_widths
    if len(widths) != table.n_cols or not widths or sum(widths) <= 0:
        return tuple(c * _COLUMN_STEP for c in range(table.n_cols + 1))
    mean = sum(widths) / len(widths)
    scale = _COLUMN_STEP / mean
    lines = [0.0]
    for width in widths:
        lines.append(lines[-1] + max(width, _MIN_COLUMN_SHARE * mean) * scale)
    return tuple(lines)


# A column narrower than this share of the average one keeps this width (no zero-width cell).
_MIN_COLUMN_SHARE = 0.02


def widths_from_cells(n_cols: int, spans: Sequence[tuple[int, int, float]]) -> tuple[float, ...]:
    """Column widths from the widths of cells (column, column span, width). A cell with one
    column still unknown gives it exactly what is left of its width; when none has, the cell
    with the fewest unknown columns shares what is left evenly among them. () when some
    column stays unknown."""
    widths: list[Optional[float]] = [None] * n_cols
    cells = [(col, span, width) for col, span, width in spans if width > 0 and col + span <= n_cols]

    def unknown(col: int, span: int) -> list[int]:
        return [c for c in range(col, col + span) if widths[c] is None]

    def left(col: int, span: int, width: float) -> float:
        return max(width - sum(widths[c] or 0.0 for c in range(col, col + span)), 0.0)

    while any(w is None for w in widths):
        exact = [(col, span, width) for col, span, width in cells if len(unknown(col, span)) == 1]
        if exact:
            for col, span, width in exact:
                missing = unknown(col, span)
                if missing:
                    widths[missing[0]] = left(col, span, width)
            continue
        open_cells = [(len(unknown(col, span)), col, span, width) for col, span, width in cells if unknown(col, span)]
        if not open_cells:
            return ()
        _, col, span, width = min(open_cells)
        missing = unknown(col, span)
        share = left(col, span, width) / len(missing)
        for c in missing:
            widths[c] = share
    return tuple(float(w) for w in widths)  # type: ignore[arg-type]


def _box(xs: Sequence[float], ys: Sequence[float], row: int, col: int, row_span: int, col_span: int):
    from ..geometry import BBox

    return BBox(xs[col], ys[row], xs[col + col_span], ys[row + row_span])


def place_by_spans(rows: Sequence[Sequence[tuple[int, int, str, str]]]) -> tuple[int, int, list[PlacedCell]]:
    """HTML's table model: cells given row by row as (rowspan, colspan, text, locator), each
    put in the first free slot of its row, left to right; a rowspan reaches down into the
    next rows' slots (rowspan 0: to the last row). A slot already taken by an overlapping
    span (bad markup) stays with the first cell. Returns (rows, columns, cells)."""
    n_rows = len(rows)
    taken: set[tuple[int, int]] = set()
    placed: list[PlacedCell] = []
    n_cols = 0
    for r, row in enumerate(rows):
        c = 0
        for row_span, col_span, text, locator in row:
            while (r, c) in taken:
                c += 1
            row_span = n_rows - r if row_span <= 0 else min(row_span, n_rows - r)
            col_span = max(1, min(col_span, MAX_SPAN))
            # Shrink a span that runs into a slot another cell holds.
            while col_span > 1 and any((r, cc) in taken for cc in range(c, c + col_span)):
                col_span -= 1
            while row_span > 1 and any((rr, cc) in taken for rr in range(r, r + row_span) for cc in range(c, c + col_span)):
                row_span -= 1
            for rr in range(r, r + row_span):
                for cc in range(c, c + col_span):
                    taken.add((rr, cc))
            placed.append(PlacedCell(r, c, row_span, col_span, text, locator))
            c += col_span
            n_cols = max(n_cols, c)
    return n_rows, n_cols, placed


def element_path(element, prefixes: Optional[dict[str, str]] = None) -> str:
    """An absolute XPath 1.0 path to the element: each step its tag and its position among
    the preceding siblings of the same tag (always written, so a path stays unambiguous).
    `prefixes` maps namespace URIs to the prefixes to write (Word's w:)."""
    steps = []
    node = element
    while node is not None:
        tag = node.tag
        parent = node.getparent()
        same = [s for s in parent if s.tag == tag] if parent is not None else [node]
        steps.append(f"{_qualified(tag, prefixes)}[{same.index(node) + 1}]")
        node = parent
    return "/" + "/".join(reversed(steps))


def _qualified(tag: str, prefixes: Optional[dict[str, str]]) -> str:
    if tag.startswith("{") and prefixes:
        uri, _, local = tag[1:].partition("}")
        return f"{prefixes[uri]}:{local}" if uri in prefixes else f"*[local-name()='{local}']"
    return tag


def write_markup_debug(folder: Path, document: MarkupDocument, mapped_cells: dict) -> None:
    """`--debug DIR` for a web page or Word file (nothing to draw): `tables.txt`, each grid
    with its cells (row, column, spans, text, locator) and the template cell each was
    mapped to; `text.txt`, the document's lines with the tables they sit in.
    `mapped_cells`: template key -> MappedCell (tables.mapping)."""
    folder.mkdir(parents=True, exist_ok=True)
    where = {id(m.cell): key for key, m in mapped_cells.items()}
    out = []
    for grid in document.grids:
        out.append(f"table {document.table_of(grid)}: {grid.n_rows} rows x {grid.n_cols} columns")
        for cell in grid.cells:
            key = where.get(id(cell), "")
            out.append(
                f"  r{cell.row} c{cell.col} span {cell.row_span}x{cell.col_span}: {cell.text.replace(chr(10), '/')!r}"
                f"  {cell.locator}" + (f"  -> {key}" if key else "")
            )
    (folder / "tables.txt").write_text("\n".join(out) + "\n", encoding="utf-8")
    text = [f"{sorted(line.tables) or ''} {line.text}" for line in document.lines]
    (folder / "text.txt").write_text("\n".join(text) + "\n", encoding="utf-8")
