"""Saved web pages: the report's tables read from the HTML itself (lxml), as the browser
lays them out: rowspan/colspan, tables nested in layout tables, labels broken by <br> or
paragraphs, numbers wrapped in <span>/<font>/<strong>, &nbsp;, hidden elements left out.

Government sites serve these pages in UTF-8 or in GB2312/GBK (read as GB18030, the
superset browsers use for all three): the encoding comes from a byte-order mark; bytes
that are valid UTF-8 (and not plain ASCII) are UTF-8; else the <meta charset> or http-equiv
declaration, else whichever of UTF-8 and GB18030 decodes the bytes; a declaration the bytes
contradict (a GBK page declaring UTF-8, a UTF-8 page still declaring gb2312) is overruled.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from pathlib import Path
from typing import Iterator, Optional

from ..errors import InvalidDocument
from ..settings import Settings
from ..text import normalize
from .markup import (
    MAX_SPAN,
    MarkupDocument,
    MarkupTable,
    TextLine,
    cell_text,
    is_layout,
    place_by_spans,
    read_limited,
    table_grid,
    widths_from_cells,
)

# Where a page declares its encoding: <meta charset=gbk>, or
# <meta http-equiv="Content-Type" content="text/html; charset=gb2312">. Word's exports put
# it after long style blocks, so more than the 1 KB a browser prescans is searched.
_DECLARED = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_PRESCAN_BYTES = 64 * 1024
_CHINESE_LEGACY = {"gb2312", "gbk", "x-gbk", "gb_2312-80", "gb_2312", "cp936", "windows-936", "ms936", "euc-cn", "gb18030"}
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")

# Elements that start a new line where they open and close, as a browser renders them.
_BLOCKS = frozenset(
    "address article aside blockquote caption center dd div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td tfoot th thead tr ul".split()
)
# Elements whose content is not displayed text.
_NOT_TEXT = frozenset("head script style noscript template iframe object svg math select option button".split())
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_TITLE_WORDS = "政府信息公开工作年度报告"
_TITLE_SEPARATORS = re.compile(r"[_|｜—–]+|\s-\s")


def decode_page(data: bytes, name: str) -> str:
    """The page's text, decoded as described in the module docstring."""
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InvalidDocument(name, "not an HTML page (binary content)")
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                raise InvalidDocument(name, f"the page is not valid {encoding} despite its byte-order mark") from None
    # Bytes that are valid UTF-8 and not plain ASCII are UTF-8 whatever the page declares:
    # Chinese text in GBK almost never forms valid UTF-8, while GB18030 decodes nearly any
    # bytes, UTF-8 included, into plausible-looking characters (a page re-encoded to UTF-8
    # that kept Word's charset=gb2312 would be silently garbled).
    if not data.isascii():
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    candidates: list[str] = []
    declared = _DECLARED.search(data[:_PRESCAN_BYTES])
    if declared:
        label = declared.group(1).decode("ascii", "replace").lower()
        if label in _CHINESE_LEGACY:
            candidates.append("gb18030")
        else:
            try:
                candidates.append(codecs.lookup(label).name)
            except LookupError:
                pass
    candidates += [e for e in ("utf-8", "gb18030") if e not in candidates]
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    said = f" (it declares {declared.group(1).decode('ascii', 'replace')})" if declared else ""
    raise InvalidDocument(name, f"cannot decode the page: neither UTF-8 nor GB18030{said}")


_MIME_HEAD = re.compile(rb"^(?:[\x21-\x39\x3b-\x7e]+:[^\r\n]*\r?\n(?:[ \t][^\r\n]*\r?\n)*)*?MIME-Version\s*:", re.IGNORECASE)


def mhtml_page(data: bytes, name: str) -> bytes:
    """The HTML part of a web archive (.mht/.mhtml: Word's "single file web page", a
    browser's "save as MHTML"), transfer encoding undone, re-declared in its MIME charset."""
    import email

    message = email.message_from_bytes(data)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True) or b""
            charset = part.get_content_charset()
            if charset:  # the MIME header decides, as it does for a browser
                payload = f'<meta charset="{charset}">'.encode("ascii", "ignore") + payload
            return payload
    raise InvalidDocument(name, "a web archive (MHTML) without an HTML part")


# Text no reader sees, as the PDF reader drops white and microscopic glyphs: a font size
# under 2 pt (sites slip such characters between digits against copying), and white text
# unless some enclosing element paints a background it would show on.
_FONT_SIZE = re.compile(r"(?:^|;)\s*font-size\s*:\s*([\d.]+)\s*(pt|px|em|rem|%)?", re.IGNORECASE)
_COLOR = re.compile(r"(?:^|;)\s*color\s*:\s*([^;]+)", re.IGNORECASE)
_BACKGROUND = re.compile(r"(?:^|;)\s*background(?:-color)?\s*:\s*([^;]+)", re.IGNORECASE)
_WHITE = re.compile(r"^\s*(?:#fff(?:fff)?|white|rgba?\(\s*255\s*,\s*255\s*,\s*255\s*(?:,\s*1(?:\.0*)?\s*)?\))\s*(?:!important)?\s*$", re.IGNORECASE)
_MIN_FONT_PT = 2.0
_TO_PT = {"pt": 1.0, "px": 0.75}


_NOT_RENDERED = re.compile(r"display\s*:\s*none", re.IGNORECASE)


def _is_removed(element) -> bool:
    """Not laid out at all (hidden, display:none): a cell so marked takes no slot in its row.
    Other invisible text (white, tiny, visibility:hidden) keeps its place, empty."""
    return element.get("hidden") is not None or _NOT_RENDERED.search(element.get("style") or "") is not None


def _is_hidden(element) -> bool:
    if element.get("hidden") is not None:
        return True
    style = element.get("style") or ""
    if _HIDDEN_STYLE.search(style):
        return True
    size = _FONT_SIZE.search(style)
    unit = (size.group(2) or "px").lower() if size else ""
    if size and unit in _TO_PT:
        try:
            if float(size.group(1)) * _TO_PT[unit] < _MIN_FONT_PT:
                return True
        except ValueError:
            pass
    color = _COLOR.search(style)
    shade = color.group(1) if color else (element.get("color") or "" if _tag(element) == "font" else "")
    return bool(shade) and _WHITE.match(shade) is not None and not _on_background(element)


def _on_background(element) -> bool:
    """Whether the nearest element (this one or one around it) that paints a background
    paints it in another colour than white."""
    node = element
    while node is not None and isinstance(node.tag, str):
        m = _BACKGROUND.search(node.get("style") or "")
        painted = (m.group(1) if m else node.get("bgcolor") or "").strip()
        if painted and painted.lower() not in ("transparent", "none", "inherit", "initial"):
            return _WHITE.match(painted) is None
        node = node.getparent()
    return False


def _tag(element) -> Optional[str]:
    return element.tag.lower() if isinstance(element.tag, str) else None


class _LineWriter:
    """Text pieces -> lines, broken where a browser breaks them (blocks and <br>)."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, frozenset[int]]] = []
        self._parts: list[str] = []
        self._tables: frozenset[int] = frozenset()

    def add(self, text: Optional[str], tables: frozenset[int]) -> None:
        if text:
            self._parts.append(text)
            self._tables = self._tables | tables

    def end_line(self) -> None:
        if self._parts:
            self.lines.append(("".join(self._parts), self._tables))
        self._parts, self._tables = [], frozenset()


def _walk_text(root, writer: _LineWriter, table_index: dict, skip_tables: bool) -> None:
    """Every displayed text piece under `root` (its tail excluded), in order; nested tables
    skipped when `skip_tables` (a cell's own text), else their lines carry their index."""
    from lxml import etree

    stack: list[int] = []
    skipped = set()  # elements whose content is not shown (their end event still comes)
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = _tag(element)
        if event == "start":
            if tag is None:
                continue  # a comment or processing instruction: only its tail is text
            if element is not root and (tag in _NOT_TEXT or _is_hidden(element) or (skip_tables and tag == "table")):
                walker.skip_subtree()
                skipped.add(element)
                continue
            if tag == "table":
                stack.append(table_index[element])
            if tag in _BLOCKS:
                writer.end_line()
            if tag == "br":
                writer.end_line()
            writer.add(element.text, frozenset(stack))
        else:
            shown = element not in skipped
            if tag == "table" and shown:
                stack.pop()
            if tag in _BLOCKS and shown:
                writer.end_line()
            if element is not root:
                writer.add(element.tail, frozenset(stack))


def _rows(table) -> Iterator:
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            yield child
        elif tag in ("thead", "tbody", "tfoot"):
            yield from (row for row in child if _tag(row) == "tr")


def _span(element, name: str) -> int:
    m = re.match(r"\s*(\d+)", element.get(name) or "")
    return min(int(m.group(1)), MAX_SPAN) if m else 1


_STYLE_WIDTH = re.compile(r"(?:^|;)\s*width\s*:\s*([\d.]+)\s*(pt|px|cm|mm|in|%)?", re.IGNORECASE)
_ATTRIBUTE_WIDTH = re.compile(r"^\s*([\d.]+)\s*(%|px)?\s*$", re.IGNORECASE)
_TO_PX = {"pt": 4 / 3, "px": 1.0, "cm": 96 / 2.54, "mm": 96 / 25.4, "in": 96.0}


def _width(cell) -> Optional[tuple[float, str]]:
    """The cell's declared width as (value, "px" | "%"): its style's (Word exports it in
    pt), else its width attribute (pixels, or a percentage)."""
    for pattern, text in ((_STYLE_WIDTH, cell.get("style") or ""), (_ATTRIBUTE_WIDTH, cell.get("width") or "")):
        m = pattern.search(text)
        if m:
            try:
                value = float(m.group(1))
            except ValueError:
                continue
            unit = (m.group(2) or "px").lower()
            return (value, "%") if unit == "%" else (value * _TO_PX[unit], "px")
    return None


def _declared_columns(table) -> list[Optional[tuple[float, str]]]:
    """Widths the table declares per column (<col>, inside <colgroup> or not; span repeats)."""
    columns: list[Optional[tuple[float, str]]] = []
    for child in table:
        cols = [child] if _tag(child) == "col" else [c for c in child if _tag(c) == "col"] if _tag(child) == "colgroup" else []
        for col in cols:
            columns += [_width(col)] * max(1, min(_span(col, "span"), MAX_SPAN))
    return columns


def _column_widths(n_cols: int, placed, widths, declared) -> tuple[float, ...]:
    """The <col> widths when the table declares one per column in one unit, else the
    widths its cells declare."""
    if len(declared) == n_cols and all(declared) and len({w[1] for w in declared}) == 1:
        return tuple(w[0] for w in declared)
    for unit in ("px", "%"):
        # A column's own cells may disagree: an editor keeps a header row's old widths over
        # value cells laid out narrower (a table cut in two keeps them on one half only).
        # Each column takes the width most of its one-column cells declare; cells over
        # several columns only fill columns no one-column cell gives.
        single: dict[int, Counter] = {}
        for p, w in zip(placed, widths):
            if w is not None and w[1] == unit and p.col_span == 1:
                single.setdefault(p.col, Counter())[w[0]] += 1
        spans = [(col, 1, counts.most_common(1)[0][0]) for col, counts in sorted(single.items())]
        spans += [(p.col, p.col_span, w[0]) for p, w in zip(placed, widths) if w is not None and w[1] == unit and p.col_span > 1]
        found = widths_from_cells(n_cols, spans)
        if found:
            return found
    return ()


def _read_table(table, index: int, table_index: dict) -> MarkupTable:
    tree = table.getroottree()
    rows = []
    widths = []
    for tr in _rows(table):
        if _is_removed(tr):
            continue
        cells = []
        for td in tr:
            if _tag(td) not in ("td", "th") or _is_removed(td):
                continue
            writer = _LineWriter()
            if not _is_hidden(td):  # a cell whose text nobody sees is an empty cell
                _walk_text(td, writer, table_index, skip_tables=True)
            writer.end_line()
            text = cell_text([line for line, _ in writer.lines])
            # rowspan="0" reaches to the last row (place_by_spans).
            cells.append((_span(td, "rowspan"), _span(td, "colspan"), text, tree.getpath(td)))
            widths.append(_width(td))
        rows.append(cells)
    n_rows, n_cols, placed = place_by_spans(rows)
    return MarkupTable(
        index=index, n_rows=n_rows, n_cols=n_cols, cells=tuple(placed), column_widths=_column_widths(n_cols, placed, widths, _declared_columns(table))
    )


_HEADING_RANK = {"h1": 0, "h2": 1, "h3": 2, "h4": 3}


def _title_lines(root) -> tuple[tuple[str, ...], Optional[object]]:
    """The report's title as the page shows it, and its element: the heading that names the
    report as the page's <title> does, else the highest heading naming it (h1 before h2 …,
    an element of class *title* last: sidebars list other reports under lesser headings);
    else the <title>'s part that names it (sites append their own name:
    「…年度报告_政务公开_××市人民政府」)."""
    in_title: Optional[str] = None
    title = root.find(".//title")
    if title is not None and title.text:
        in_title = next((normalize(p) for p in _TITLE_SEPARATORS.split(title.text) if _TITLE_WORDS in normalize(p)), None)
    candidates = []
    for order, element in enumerate(root.iter()):
        tag = _tag(element)
        if tag in _HEADING_RANK or "title" in (element.get("class") or "").lower():
            writer = _LineWriter()
            _walk_text(element, writer, {}, skip_tables=True)
            writer.end_line()
            lines = tuple(line for line in (normalize(t) for t, _ in writer.lines) if line)
            text = "".join(lines)
            if _TITLE_WORDS in text and len(text) <= 80:
                candidates.append((text != in_title, _HEADING_RANK.get(tag or "", 4), order, lines, element))
    if candidates:
        _, _, _, lines, element = min(candidates, key=lambda c: c[:3])
        return lines, element
    return ((in_title,), None) if in_title else ((), None)


def read_html(path: Path, settings: Settings) -> MarkupDocument:
    """The page's tables as grids and its visible text as lines."""
    from lxml import etree, html

    name = str(path)
    data = read_limited(path, settings)
    if _MIME_HEAD.match(data[:8192]):
        data = mhtml_page(data, name)
    text = _XML_DECLARATION.sub("", decode_page(data, name), count=1)
    if not text.strip():
        raise InvalidDocument(name, "the page is empty")
    try:
        root = html.document_fromstring(text, parser=html.HTMLParser(remove_comments=True, remove_pis=True))
    except (etree.ParserError, ValueError) as exc:
        raise InvalidDocument(name, f"not an HTML page ({exc})") from None
    tables = [t for t in root.iter("table")]
    table_index = {t: i + 1 for i, t in enumerate(tables)}
    grids = []
    for table in tables:
        if _is_hidden(table) or any(_is_hidden(a) or _tag(a) in _NOT_TEXT for a in table.iterancestors()):
            continue  # not shown: hidden, or inside <noscript>, <template> …
        read = _read_table(table, table_index[table], table_index)
        if is_layout(read, next(table.iterdescendants("table"), None) is not None):
            continue
        grid = table_grid(read, "html")
        if grid is not None:
            grids.append(grid)
    title, title_element = _title_lines(root)
    body = root.find("body")
    writer = _LineWriter()
    if body is not None:
        _walk_text(body, writer, table_index, skip_tables=False)
        writer.end_line()
    lines = [TextLine(normalize(t), tables) for t, tables in writer.lines]
    lines = [line for line in lines if line.text]
    # Metadata reads the title from the first lines: a site's menus, breadcrumbs and
    # article info come before the title in the body, so the body is read from the title on.
    named = next((i for i, line in enumerate(lines) if _TITLE_WORDS in line.text and len(line.text) <= 80), None)
    body_from = 0
    if title_element is not None:
        heading = "".join(title)
        # The heading's own first line; a shorter line inside it (a sidebar headed 年度报告
        # listing other years' reports) is not the title.
        at = next((i for i, line in enumerate(lines) if line.text == title[0]), None)
        if at is None:
            at = next((i for i, line in enumerate(lines) if line.text in heading and 2 * len(line.text) >= len(title[0])), None)
        body_from = 0 if at is None else at + len(title)
    elif named is not None:
        # After the line that repeats the <title>'s words; with no title, from a few lines
        # before the first line naming the report (its agency may sit on the line above).
        body_from = named + 1 if title else max(0, named - 3)
    return MarkupDocument(
        kind="html", grids=tuple(grids), lines=tuple(lines), title=title, body_from=body_from, tables_found=len(tables),
        pictures_found=sum(1 for image in body.iter("img") if not any(_is_hidden(a) for a in image.iterancestors()))
        if body is not None
        else 0,
    )
