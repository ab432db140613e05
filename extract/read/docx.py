"""Word files (.docx, WordprocessingML): the report's tables read from word/document.xml.

Spans come from the markup: w:gridSpan (and the w:hMerge of old Word versions) across,
w:vMerge restart/continue down; w:gridBefore shifts a row's first cell. Cell widths
(w:tcW) are ignored: the grid is by columns, not by measure. Tables nested in a cell are
tables of their own (a layout table holding the report table). Text boxes anchored in a
paragraph (w:txbxContent, in a DrawingML wps:txbx or a VML v:textbox) are read where they
are anchored, after the paragraph's own text, tables included; Word writes a text box
twice (mc:Choice and its VML mc:Fallback copy): only one copy is read. A w:br inside a paragraph
breaks a label's line as a paragraph does. Deleted text of tracked changes (w:delText)
and hidden runs (w:vanish) are not text; inserted and moved-in text (w:ins, w:moveTo) is.

The whole document's text (body paragraphs, and paragraphs in tables not of the report)
feeds the metadata and the prose checks.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path
from typing import Iterator, Optional

from ..errors import InvalidDocument, LimitExceeded
from ..text import normalize
from .markup import (
    MAX_SPAN,
    MarkupDocument,
    MarkupTable,
    PlacedCell,
    TextLine,
    cell_text,
    element_path,
    is_layout,
    table_grid,
)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
PREFIXES = {W: "w"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a .doc, or an encrypted .docx
# document.xml larger than this (uncompressed) is not a report (a zip bomb, or worse).
_MAX_XML_BYTES = 100 * 1024 * 1024


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


_P, _TBL, _TR, _TC, _R, _T, _BR, _CR, _TAB = (_w(t) for t in ("p", "tbl", "tr", "tc", "r", "t", "br", "cr", "tab"))
_SDT, _SDT_CONTENT, _SMART, _CUSTOM, _INS, _MOVE_TO, _HYPERLINK, _FLD = (
    _w(t) for t in ("sdt", "sdtContent", "smartTag", "customXml", "ins", "moveTo", "hyperlink", "fldSimple")
)
# Containers whose children are read as if they stood in their place.
_TRANSPARENT = {_SDT, _SDT_CONTENT, _SMART, _CUSTOM, _INS, _MOVE_TO, _HYPERLINK, _FLD}


_TEXT_BOX = _w("txbxContent")
_FALLBACK, _CHOICE = f"{{{MC}}}Fallback", f"{{{MC}}}Choice"


def _is_fallback_copy(element) -> bool:
    """Inside an mc:Fallback whose mc:AlternateContent offers the same text box in an
    mc:Choice: Word's VML copy of a DrawingML text box, read once through the Choice."""
    node = element.getparent()
    while node is not None:
        if node.tag == _FALLBACK:
            choices = node.getparent().findall(_CHOICE) if node.getparent() is not None else []
            if any(next(choice.iter(_TEXT_BOX), None) is not None for choice in choices):
                return True
        node = node.getparent()
    return False


def _text_boxes(paragraph) -> list:
    """The text boxes anchored in a paragraph (outermost ones, one copy each), in order."""
    found = []
    for box in paragraph.iter(_TEXT_BOX):
        node, nested = box.getparent(), False
        while node is not None and node is not paragraph:
            if node.tag == _TEXT_BOX:
                nested = True
                break
            node = node.getparent()
        if not nested and not _is_fallback_copy(box):
            found.append(box)
    return found


def is_ole_file(data: bytes) -> bool:
    return data.startswith(_OLE_MAGIC)


def _children(element, wanted: str) -> Iterator:
    """`wanted` children of the element, looking through content controls, smart tags,
    custom XML and tracked insertions."""
    for child in element:
        if child.tag == wanted:
            yield child
        elif child.tag in _TRANSPARENT:
            yield from _children(child, wanted)


def _val(element, path: str) -> Optional[str]:
    found = element.find(path, {"w": W})
    return None if found is None else found.get(_w("val"), "")


def _int(text: Optional[str], default: int) -> int:
    try:
        return int(text) if text else default
    except ValueError:
        return default


# Text no reader sees, as the PDF reader drops white and microscopic glyphs: hidden runs
# (w:vanish), a font under 2 pt (w:sz is in half-points), white text unless it sits on a
# shading or highlight that is not white. Sizes and colours set by styles are not resolved.
_MIN_HALF_POINTS = 4
_WHITE = {"ffffff", "white"}


def _painted(element, path: str) -> bool:
    """Whether the element's properties at `path` (a w:shd, or w:highlight) paint a colour
    other than white."""
    found = element.find(path, {"w": W})
    if found is None:
        return False
    colour = (found.get(_w("fill")) or found.get(_w("val")) or "").lower()
    return colour not in ("", "auto", "none", "clear", "nil") and colour not in _WHITE


def _is_hidden_run(run, on_shading: bool = False) -> bool:
    vanish = run.find("w:rPr/w:vanish", {"w": W})
    if vanish is not None and vanish.get(_w("val"), "true").lower() not in ("0", "false", "off"):
        return True
    size = _val(run, "w:rPr/w:sz")
    if size is not None and 0 <= _int(size, _MIN_HALF_POINTS) < _MIN_HALF_POINTS:
        return True
    colour = (_val(run, "w:rPr/w:color") or "").lower()
    if colour in _WHITE:
        return not (on_shading or _painted(run, "w:rPr/w:shd") or _painted(run, "w:rPr/w:highlight"))
    return False


def _paragraph_lines(paragraph, on_shading: bool = False) -> list[str]:
    """A paragraph's text, broken at w:br / w:cr (a label's manual line breaks).
    `on_shading`: the paragraph sits in a cell shaded in a colour (white text shows)."""
    lines, parts = [], []
    shaded = on_shading or _painted(paragraph, "w:pPr/w:shd")
    for run in _children(paragraph, _R):
        if _is_hidden_run(run, shaded):
            continue
        for item in run:
            if item.tag == _T:
                parts.append(item.text or "")
            elif item.tag in (_BR, _CR):
                lines.append("".join(parts))
                parts = []
            elif item.tag == _TAB:
                parts.append(" ")
    lines.append("".join(parts))
    return lines


class _Reader:
    def __init__(self, root) -> None:
        # Tables numbered in document order of their opening tags (outer before nested).
        self.index = {t: i + 1 for i, t in enumerate(t for t in root.iter(_TBL) if not _is_fallback_copy(t))}
        self.tables: list[MarkupTable] = []
        self.lines: list[TextLine] = []

    def block(self, element, within: frozenset[int]) -> None:
        """Body-level content: paragraphs become lines, tables are read (and their text
        kept as lines tagged with the tables they sit in)."""
        for child in element:
            if child.tag == _P:
                for line in _paragraph_lines(child):
                    text = normalize(line)
                    if text:
                        self.lines.append(TextLine(text, within))
                for box in _text_boxes(child):
                    self.block(box, within)
            elif child.tag == _TBL:
                self.table(child, within)
            elif child.tag in _TRANSPARENT:
                self.block(child, within)

    def table(self, tbl, within: frozenset[int]) -> None:
        index = self.index[tbl]
        inside = within | {index}
        rows: list[list[tuple[int, int, list]]] = []  # per row: (column, span, [w:tc, …])
        for tr in _children(tbl, _TR):
            column = _int(_val(tr, "w:trPr/w:gridBefore"), 0)
            row: list[tuple[int, int, list]] = []
            for tc in _children(tr, _TC):
                span = max(1, min(_int(_val(tc, "w:tcPr/w:gridSpan"), 1), MAX_SPAN))
                h_merge = _val(tc, "w:tcPr/w:hMerge")
                if h_merge is not None and h_merge != "restart" and row:
                    col0, span0, parts = row[-1]  # old Word's horizontal merge: one wider cell
                    row[-1] = (col0, span0 + span, parts + [tc])
                else:
                    row.append((column, span, [tc]))
                column += span
            rows.append(row)
        placed: dict[tuple[int, int], list] = {}  # (row, column) -> [row, column, rows, span, lines, tc]
        order = []
        for r, row in enumerate(rows):
            for column, span, parts in row:
                tc = parts[0]
                lines = [line for part in parts for line in self._cell_lines(part, inside)]
                merge = _val(tc, "w:tcPr/w:vMerge")
                above = placed.get((r - 1, column))
                if merge is not None and merge != "restart" and above is not None and above[3] == span:
                    above[2] += 1  # a continuation: the cell above reaches one row further down
                    above[4] += lines
                    placed[(r, column)] = above
                    continue
                entry = [r, column, 1, span, lines, tc]
                placed[(r, column)] = entry
                order.append(entry)
        cells = tuple(
            PlacedCell(r, c, rs, cs, cell_text(lines), element_path(tc, PREFIXES)) for r, c, rs, cs, lines, tc in order
        )
        n_cols = max((c + cs for _, c, _, cs, _, _ in order), default=0)
        # The grid's column widths (twips); w:tcW, a cell's preferred width, is not read.
        grid_widths = [_int(col.get(_w("w")), 0) for col in tbl.findall("w:tblGrid/w:gridCol", {"w": W})]
        widths = tuple(float(w) for w in grid_widths[:n_cols]) if len(grid_widths) >= n_cols and all(grid_widths[:n_cols]) else ()
        self.tables.append(MarkupTable(index=index, n_rows=len(rows), n_cols=n_cols, cells=cells, column_widths=widths))

    def _cell_lines(self, tc, inside: frozenset[int], shaded: Optional[bool] = None) -> list[str]:
        """The cell's own lines (its paragraphs'), and its nested tables read as tables;
        the lines also go to the document's text, tagged with the enclosing tables."""
        lines: list[str] = []
        if shaded is None:
            shaded = _painted(tc, "w:tcPr/w:shd")
        for child in tc:
            if child.tag in _TRANSPARENT:
                lines += self._cell_lines(child, inside, shaded)
            elif child.tag == _P:
                for line in _paragraph_lines(child, shaded):
                    lines.append(line)
                    text = normalize(line)
                    if text:
                        self.lines.append(TextLine(text, inside))
                for box in _text_boxes(child):  # a text box anchored in a cell: not the cell's text
                    self.block(box, inside)
            elif child.tag == _TBL:
                self.table(child, inside)
        return lines


def _document_xml(data: bytes, name: str) -> bytes:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise InvalidDocument(name, "not a Word document (.docx is a zip archive; this is not one)") from None
    with archive:
        try:
            info = archive.getinfo("word/document.xml")
        except KeyError:
            raise InvalidDocument(name, "not a Word document (the archive has no word/document.xml)") from None
        if info.file_size > _MAX_XML_BYTES:
            raise LimitExceeded(name, f"word/document.xml is {info.file_size} bytes, over {_MAX_XML_BYTES}")
        try:
            return archive.read(info)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:  # a damaged member
            raise InvalidDocument(name, f"the Word document is damaged ({exc})") from None


def read_docx_bytes(data: bytes, name: str) -> MarkupDocument:
    from lxml import etree

    xml = _document_xml(data, name)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        raise InvalidDocument(name, f"the Word document is damaged (word/document.xml: {exc})") from None
    body = root.find(_w("body"))
    if body is None:
        raise InvalidDocument(name, "not a Word document (word/document.xml has no body)")
    reader = _Reader(root)
    reader.block(body, frozenset())
    tables = sorted(reader.tables, key=lambda t: t.index)
    holding = {reader.index[t] for t in reader.index if t.find(f".//{_TBL}") is not None}
    grids = tuple(
        g for t in tables if not is_layout(t, t.index in holding) and (g := table_grid(t, "docx")) is not None
    )
    pictures = sum(1 for p in body.iter(_w("drawing"), _w("pict")) if next(p.iter(_TEXT_BOX), None) is None)
    return MarkupDocument(
        kind="docx", grids=grids, lines=tuple(reader.lines), tables_found=len(tables), pictures_found=pictures
    )


def read_docx(path: Path, data: bytes) -> MarkupDocument:
    return read_docx_bytes(data, str(path))
