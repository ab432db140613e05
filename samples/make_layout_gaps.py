#!/usr/bin/env python3
"""Deterministic generator of the layout-gap samples in ``samples/layout/`` (issue 17,
failure class 4): layouts real producers make that the readers once failed on.

Each one is an existing PDF sample's report (values, prose, title from ``generate.py``
through ``make_markup_samples.load_report``, checked against the committed expected JSON),
written the way a producer writes it:

- ``gridlines-*.pdf``: an Excel/WPS-spreadsheet report as Excel prints it (drawn with
  reportlab, as LibreOffice Calc is not installed here): no cell borders, only the
  sheet's printed gridlines, each cell edge a thin grey filled rectangle over the whole
  used range (A..O, empty cells too); the three tables on one sheet, each under a heading
  row, an empty row between them; rows carried onto a second page.
- ``frameless-*.pdf``: a Word report (python-docx, LibreOffice to PDF) whose tables have
  inner borders only (no outer frame), as a table style "no outer border" prints.
- ``subtotal-*.pdf``: a Word report whose 三 has an extra 小计 column after 法人或其他组织's
  five sub-columns (the sum of the five, printed by the agency), and a 小计 row closing
  （三）不予公开's eight rows (their sums).
- ``outlined-*.pdf``: the report "printed to PDF" with its fonts converted to outlines (as
  a typesetter's or a print driver's export does, Ghostscript's ``-dNoOutputFonts`` here):
  every glyph a filled path, no text layer at all.
- ``textbox-*.docx``: a Word file with 四 inside a text box (``wps:txbx/w:txbxContent``,
  with Word's ``mc:Fallback`` VML copy ``v:textbox/w:txbxContent``).
- ``splitwide-*.html``: a CMS page whose 三 is cut into two ``<table>``s; the first table's
  header cells declare wider widths than its value cells (the editor kept the header's
  widths), the second has value rows only.

Usage: ``python samples/make_layout_gaps.py`` (python-docx, reportlab, LibreOffice, Ghostscript; the
PDFs are post-processed like generate.py's so two runs give identical bytes).
"""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import tempfile
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent
sys.path.insert(0, str(SAMPLES))

import generate as gen  # noqa: E402
import make_markup_samples as mm  # noqa: E402
from docx import Document  # noqa: E402
from docx.enum.section import WD_ORIENT  # noqa: E402
from docx.oxml import OxmlElement, parse_xml  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402
from docx.shared import Cm, Pt  # noqa: E402

OUT = SAMPLES / "layout"
PDF_BASE = "r2022-landscape-review-01"
MARKUP_BASE = "r2023-prose-granted-natural-01"


# ---------------------------------------------------------------- Word documents

def _font(document) -> None:
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(10.5)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), gen.SERIF)


def _borders(table, outer: bool) -> None:
    """Single 0.5 pt inner borders, and the outer frame only when `outer`."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{side}")
        drawn = outer or side.startswith("inside")
        element.set(qn("w:val"), "single" if drawn else "nil")
        if drawn:
            element.set(qn("w:sz"), "4")
            element.set(qn("w:space"), "0")
            element.set(qn("w:color"), "000000")
        borders.append(element)
    tbl_pr.append(borders)


def _table(document, container, table: mm.Table, outer: bool = True, size: float = 9.0):
    t = container.add_table(rows=len(table.rows), cols=table.ncols)
    _borders(t, outer)
    mm._fill_docx_table(t, table)
    for row in t.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(size)
    return t


def _word_report(report: mm.Report, outer: bool = True, tables=None, landscape: bool = True) -> Document:
    document = Document()
    _font(document)
    section = document.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.0))
    document.core_properties.author = report.agency
    document.core_properties.title = report.title
    title = document.add_paragraph()
    title.add_run(report.title).font.size = Pt(16)
    before, after = mm.body_paragraphs(report)
    for _, text in before:
        document.add_paragraph(text)
    for table in tables or report.tables:
        document.add_paragraph(table.heading)
        _table(document, document, table, outer)
        document.add_paragraph("")
    for _, text in after:
        document.add_paragraph(text)
    return document


def with_subtotal(table: mm.Table, printed: dict) -> mm.Table:
    """三 with a 小计 column after 法人或其他组织's five sub-columns: the header's group
    cell widened over it, its values the sum of the five (blank when all five are)."""
    org_keys = [c.key for c in gen.APPLICATION_COLUMNS[1:6]]
    rows: list[list[mm.Cell]] = []
    for r, row in enumerate(table.rows):
        row = list(row)
        if r == 0:
            row[1] = mm.Cell(row[1].text, row[1].rowspan, row[1].colspan + 1, row[1].kind)
        elif r == 1:
            row[1] = mm.Cell(row[1].text, row[1].rowspan, row[1].colspan + 1, row[1].kind)
        elif r == 2:
            row.append(mm.Cell("小计", kind="head"))
        else:
            values = row[-7:]
            parts = [gen.parse_printed(v.text) for v in values[1:6]]
            numbers = [p for p in parts if isinstance(p, (int, float))]
            subtotal = mm.Cell(str(sum(numbers)) if numbers else "", kind="value")
            row = row[:-1] + [subtotal] + row[-1:]
        rows.append(row)
    return mm.Table(table.key, table.heading, table.ncols + 1, rows)


def with_subtotal_row(table: mm.Table, group: str = "（三）不予公开") -> mm.Table:
    """三 with a 小计 row closing a group of rows (its merged group label and the merged
    三、本年度办理结果 reaching over it), each value the sum of the group's rows."""
    rows = [list(row) for row in table.rows]
    start = next(r for r, row in enumerate(rows) if any(c.text == group and c.rowspan > 1 for c in row))
    size = next(c.rowspan for c in rows[start] if c.text == group)
    n_values = table.ncols - 3  # the label columns take 3
    sums = []
    for k in range(n_values):
        parts = [gen.parse_printed(rows[r][-n_values + k].text) for r in range(start, start + size)]
        numbers = [p for p in parts if isinstance(p, (int, float))]
        sums.append(mm.Cell(str(sum(numbers)) if numbers else "", kind="value"))
    for r, row in enumerate(rows[: start + 1]):
        for i, c in enumerate(row):
            if c.rowspan > 1 and r + c.rowspan >= start + size:  # spans reaching the group's last row
                row[i] = mm.Cell(c.text, c.rowspan + 1, c.colspan, c.kind)
    rows.insert(start + size, [mm.Cell("小计")] + sums)
    return mm.Table(table.key, table.heading, table.ncols, rows)


_TEXTBOX = (
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    ' xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    ' xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"'
    ' xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
    ' xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
    ' xmlns:v="urn:schemas-microsoft-com:vml">'
    '<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
    '<wp:anchor distT="0" distB="0" distL="114300" distR="114300" simplePos="0" relativeHeight="251659264"'
    ' behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
    '<wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
    '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
    '<wp:extent cx="9000000" cy="1800000"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapTopAndBottom/>'
    '<wp:docPr id="1" name="文本框 1"/><wp:cNvGraphicFramePr/>'
    '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
    '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="9000000" cy="1800000"/></a:xfrm>'
    '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr>'
    '<wps:txbx><w:txbxContent/></wps:txbx><wps:bodyPr rot="0" vert="horz" wrap="square"/></wps:wsp>'
    '</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>'
    '<mc:Fallback><w:pict><v:shapetype id="_x0000_t202" coordsize="21600,21600" path="m,l,21600r21600,l21600,xe"/>'
    '<v:shape id="文本框 1" o:spid="_x0000_s1026" type="#_x0000_t202" style="position:absolute;width:708pt;height:141.75pt"'
    ' xmlns:o="urn:schemas-microsoft-com:office:office">'
    '<v:textbox><w:txbxContent/></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>'
)


def textbox_docx(report: mm.Report) -> bytes:
    """二 and 三 in the body; 四 (its heading included) inside a text box, in both the
    DrawingML shape and Word's VML fallback copy, where 四 would stand (before 五)."""
    review = next(t for t in report.tables if t.key == "review_litigation")
    document = _word_report(report, tables=[t for t in report.tables if t.key != "review_litigation"])
    # 四 made at the end of the body, then moved into the text box.
    heading = document.add_paragraph(review.heading)
    table = _table(document, document, review)
    run = parse_xml(_TEXTBOX)
    for content in run.findall(".//" + qn("w:txbxContent")):
        content.append(copy.deepcopy(heading._p))
        content.append(copy.deepcopy(table._tbl))
        content.append(OxmlElement("w:p"))
    heading._p.getparent().remove(heading._p)
    table._tbl.getparent().remove(table._tbl)
    section_five = next(p for p in document.paragraphs if p.text.startswith("五、"))
    holder = section_five.insert_paragraph_before()
    holder._p.append(run)
    return mm._docx_bytes(document)


# ---------------------------------------------------------------- web page

def splitwide_page(report: mm.Report) -> bytes:
    """A CMS page with 三 cut inside （三）不予公开 into two tables, no repeated header; the
    first table's header cells declare the widths they had before the cut (wider than
    the value cells under them), the second only value widths."""
    report = mm.cut_inside_withheld(report, repeat_header=False)
    labels, value, head = [40, 52, 120], 46, 62  # widths in px

    def width(c: mm.Cell, col: int, header: bool) -> int:
        if col < 3:
            return sum(labels[col:col + c.colspan])
        return (head if header else value) * c.colspan

    def cell(c: mm.Cell, col: int, header: bool) -> str:
        spans = (f" colspan=\"{c.colspan}\"" if c.colspan > 1 else "") + (f" rowspan=\"{c.rowspan}\"" if c.rowspan > 1 else "")
        text = mm.lines_html(c.text, "<br/>") if c.text.strip() else "&nbsp;"
        return f"<td{spans} width=\"{width(c, col, header)}\" valign=\"middle\"><p style=\"text-align:center;\">{text}</p></td>"

    before, after = mm.body_paragraphs(report)

    def para(kind: str, t: str) -> str:
        if kind == "h":
            return f"<p style=\"text-indent:2em;\"><strong>{mm.esc(t)}</strong></p>\n"
        return f"<p style=\"text-indent:2em;line-height:2em;\">{mm.esc(t)}</p>\n"

    parts = [para(k, t) for k, t in before]
    for table in report.tables:
        if table.heading:
            parts.append(para("h", table.heading))
        parts.append("<table border=\"1\" cellspacing=\"0\" cellpadding=\"0\" style=\"border-collapse:collapse;\">\n<tbody>\n")
        taken: set[tuple[int, int]] = set()
        for r, row in enumerate(table.rows):
            header = table.key == "applications" and any(c.kind == "head" for c in row)
            out, col = [], 0
            for c in row:
                while (r, col) in taken:
                    col += 1
                out.append(cell(c, col, header and table.ncols == 10))
                for rr in range(r, r + c.rowspan):
                    for cc in range(col, col + c.colspan):
                        taken.add((rr, cc))
                col += c.colspan
            parts.append("<tr>" + "".join(out) + "</tr>\n")
        parts.append("</tbody>\n</table>\n<p><br/></p>\n")
    parts += [para(k, t) for k, t in after]
    article = "<div class=\"article-content\" id=\"zoom\">\n" + "".join(parts) + "</div>\n"
    page = mm._site_chrome(report, article, "<meta charset=\"utf-8\">", f"{report.agency[:3]}人民政府门户网站")
    return page.encode("utf-8")


# ---------------------------------------------------------------- spreadsheet

# A TrueType CJK font reportlab can embed (Noto CJK is CFF); Excel embeds 宋体 (TrueType).
_SHEET_FONT = Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")
# It has no Latin digits: those (and other ASCII) are set in a Latin TrueType font.
_SHEET_LATIN = Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf")
# Sheet geometry in points: column widths A..O, page (A4 landscape), margins.
_SHEET_COLUMNS = [22.0, 34.0, 150.0] + [42.0] * 12
_PAGE = (841.89, 595.28)
_MARGIN = 36.0
_GRID_GREY = 0.75  # Excel's default gridline colour prints as light grey
_GRID_WIDTH = 0.48  # each edge a thin filled rectangle this thick (pt)


def _sheet_cells(report: mm.Report) -> tuple[list[tuple[int, int, int, int, str, str]], int]:
    """The sheet as (row, col, row_span, col_span, text, kind), 0-based over A..O, and
    its row count: the title, each table under its heading row, an empty row between."""
    layout = {
        4: [(0, 3), (3, 4), (7, 4), (11, 4)],
        10: [(0, 1), (1, 1), (2, 1)] + [(3 + i, 1) for i in range(7)],
        15: [(i, 1) for i in range(15)],
    }
    cells = [(0, 0, 1, 15, report.title, "title")]
    row_at = 2
    for table in report.tables:
        cells.append((row_at, 0, 1, 15, table.heading, "heading"))
        row_at += 1
        taken: set[tuple[int, int]] = set()
        for r, row in enumerate(table.rows):
            col = 0
            for c in row:
                while (r, col) in taken:
                    col += 1
                start = layout[table.ncols][col][0]
                last = layout[table.ncols][col + c.colspan - 1]
                cells.append((row_at + r, start, c.rowspan, last[0] + last[1] - start, c.text.replace("\n", ""), c.kind))
                for rr in range(r, r + c.rowspan):
                    for cc in range(col, col + c.colspan):
                        taken.add((rr, cc))
                col += c.colspan
        row_at += len(table.rows) + 1
    return cells, row_at - 1


def _runs(text: str) -> list[tuple[str, str]]:
    """(font, text) runs: ASCII in the Latin font, the rest in the CJK one."""
    runs: list[tuple[str, str]] = []
    for ch in text:
        font = "SheetLatin" if ord(ch) < 128 else "SheetFont"
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + ch)
        else:
            runs.append((font, ch))
    return runs


def _text_width(text: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return sum(stringWidth(part, font, size) for font, part in _runs(text))


def _draw(pdf, x: float, y: float, text: str, size: float) -> None:
    for font, part in _runs(text):
        pdf.setFont(font, size)
        pdf.drawString(x, y, part)
        x += _text_width(part, size)


def _wrap(text: str, width: float, size: float) -> list[str]:
    lines, line = [], ""
    for ch in text:
        if line and _text_width(line + ch, size) > width:
            lines.append(line)
            line = ""
        line += ch
    return lines + [line] if line else lines


def gridlines_pdf(report: mm.Report) -> bytes:
    """The sheet printed as Excel/WPS prints it with "print gridlines" and no borders: every
    cell edge of the used range (A..O, every row, empty ones too) a thin grey filled
    rectangle, none inside merged cells; rows broken onto a second page where the first is
    full (no repeated rows)."""
    import io

    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("SheetFont", str(_SHEET_FONT)))
    pdfmetrics.registerFont(TTFont("SheetLatin", str(_SHEET_LATIN)))
    cells, n_rows = _sheet_cells(report)
    size = 7.5
    heights = [12.0] * n_rows
    for row, col, rs, cs, text, kind in cells:
        width = sum(_SHEET_COLUMNS[col:col + cs]) - 4
        need = len(_wrap(text, width, size)) * (size + 1.5) + 3
        if rs == 1 and kind not in ("title", "heading"):
            heights[row] = max(heights[row], need)
    heights[0] = 20.0
    owner: dict[tuple[int, int], int] = {}
    for k, (row, col, rs, cs, _, _) in enumerate(cells):
        for rr in range(row, row + rs):
            for cc in range(col, col + cs):
                owner[(rr, cc)] = k
    # Rows per page: break before a row that does not fit (and never inside a merged cell).
    pages, first = [], 0
    while first < n_rows:
        y, last = _MARGIN, first
        while last < n_rows and y + heights[last] <= _PAGE[1] - _MARGIN:
            y += heights[last]
            last += 1
        while last < n_rows and any(cells[owner[(last, c)]][0] < last for c in range(15) if (last, c) in owner) and last > first + 1:
            last -= 1
        pages.append((first, last))
        first = last
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=_PAGE, invariant=1)
    pdf.setTitle(report.title)
    pdf.setAuthor(report.agency)
    xs = [_MARGIN]
    for w in _SHEET_COLUMNS:
        xs.append(xs[-1] + w)
    for first, last in pages:
        ys = [_PAGE[1] - _MARGIN]  # PDF y grows upwards: row tops from the page's top margin
        for r in range(first, last):
            ys.append(ys[-1] - heights[r])
        pdf.setFillGray(_GRID_GREY)
        half = _GRID_WIDTH / 2
        for r in range(first, last + 1):  # horizontal edges, one per cell
            for c in range(15):
                above, below = owner.get((r - 1, c)), owner.get((r, c))
                if r not in (first, last) and above is not None and above == below:
                    continue
                pdf.rect(xs[c], ys[r - first] - half, xs[c + 1] - xs[c], _GRID_WIDTH, stroke=0, fill=1)
        for r in range(first, last):  # vertical edges, one per cell
            for c in range(16):
                left, right = owner.get((r, c - 1)), owner.get((r, c))
                if 0 < c < 15 and left is not None and left == right:
                    continue
                pdf.rect(xs[c] - half, ys[r - first + 1], _GRID_WIDTH, heights[r], stroke=0, fill=1)
        pdf.setFillGray(0)
        for row, col, rs, cs, text, kind in cells:
            if not first <= row < last or not text.strip():
                continue
            bottom_row = min(row + rs, last)
            top, bottom = ys[row - first], ys[bottom_row - first]
            x0, x1 = xs[col], xs[col + cs]
            font_size = {"title": 12.0, "heading": 9.0}.get(kind, size)
            if kind in ("title", "heading"):
                lines = [text]
            else:
                lines = _wrap(text, x1 - x0 - 4, font_size)
            block = len(lines) * (font_size + 1.5)
            y = (top + bottom) / 2 + block / 2 - font_size
            for line in lines:
                if kind in ("title", "heading", "label"):
                    _draw(pdf, x0 + 2, y, line, font_size)
                else:
                    _draw(pdf, (x0 + x1 - _text_width(line, font_size)) / 2, y, line, font_size)
                y -= font_size + 1.5
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def outlined_pdf(source: Path) -> bytes:
    """The PDF with every glyph drawn as a filled path (Ghostscript's pdfwrite with
    -dNoOutputFonts): what a print driver or typesetter exports with "text as curves"."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "outlined.pdf"
        subprocess.run(["gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pdfwrite", "-dNoOutputFonts",
                        f"-sOutputFile={out}", str(source)], check=True, timeout=600,
                       env={**os.environ, "SOURCE_DATE_EPOCH": "1735689600"})  # fixed dates, XMP ids: same bytes
        return out.read_bytes()


# ---------------------------------------------------------------- the samples

def _convert(paths: list[Path], outdir: Path) -> None:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
             "--outdir", str(outdir)] + [str(p) for p in paths],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=1800)


PDF_SAMPLES = {
    "gridlines": "Excel/WPS-like spreadsheet: no borders, printed gridlines only; the three tables on one sheet, "
                 "each under a heading row, an empty row between them",
    "frameless": "Word tables with inner borders only (no outer frame): 四's first header row has one vertical",
    "subtotal": "三 with an extra 小计 column after 法人或其他组织's five sub-columns (their sum) and a 小计 row "
                "closing （三）不予公开's eight rows",
    "outlined": "the report printed to PDF with its fonts converted to outlines: every glyph a filled path, no "
                "text layer (read by OCR from the rendered pages)",
}
MARKUP_SAMPLES = {
    "textbox": (".docx", "四 (heading and table) inside a Word text box: wps:txbx/w:txbxContent and its "
                         "mc:Fallback VML copy v:textbox/w:txbxContent"),
    "splitwide": (".html", "三 cut into two <table>s inside （三）不予公开, no repeated header; the first "
                           "table's header cells declare wider widths than its value cells"),
}


def main() -> int:
    OUT.mkdir(exist_ok=True)
    pdf_report = mm.load_report(PDF_BASE)
    markup_report = mm.load_report(MARKUP_BASE)
    expected = {base: (SAMPLES / f"{base}.expected.json").read_bytes() for base in (PDF_BASE, MARKUP_BASE)}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sources = []
        for kind in PDF_SAMPLES:
            path = folder / f"{kind}-{PDF_BASE}"
            if kind in ("gridlines", "outlined"):
                continue
            tables = pdf_report.tables
            if kind == "subtotal":
                d = gen.build_data(pdf_report.spec)
                tables = [with_subtotal_row(with_subtotal(t, d["printed"]["applications"])) if t.key == "applications" else t
                          for t in tables]
            _word_report(pdf_report, outer=kind != "frameless", tables=tables).save(path.with_suffix(".docx"))
            sources.append(path.with_suffix(".docx"))
        _convert(sources, folder)
        for kind in PDF_SAMPLES:
            name = f"{kind}-{PDF_BASE}"
            if kind == "gridlines":
                data = gridlines_pdf(pdf_report)
            elif kind == "outlined":
                data = gen.normalize_pdf(outlined_pdf(SAMPLES / f"{PDF_BASE}.pdf"), pdf_report.spec)
            else:
                data = gen.normalize_pdf((folder / f"{name}.pdf").read_bytes(), pdf_report.spec)
            (OUT / f"{name}.pdf").write_bytes(data)
            (OUT / f"{name}.expected.json").write_bytes(expected[PDF_BASE])
            print(f"layout/{name}.pdf")
    writers = {"textbox": textbox_docx, "splitwide": splitwide_page}
    for kind, (suffix, _) in MARKUP_SAMPLES.items():
        name = f"{kind}-{MARKUP_BASE}"
        (OUT / f"{name}{suffix}").write_bytes(writers[kind](markup_report))
        (OUT / f"{name}.expected.json").write_bytes(expected[MARKUP_BASE])
        print(f"layout/{name}{suffix}")
    lines = [
        "# layout/: producer layouts the readers once failed on (issue 17, class 4)",
        "",
        "Made by `samples/make_layout_gaps.py` (see its docstring) from the samples named in each",
        "file name: the same values, prose and title, so the same `<name>.expected.json`.",
        "",
        "| file | exercises |",
        "|---|---|",
    ]
    lines += [f"| `{kind}-{PDF_BASE}.pdf` | {what} |" for kind, what in PDF_SAMPLES.items()]
    lines += [f"| `{kind}-{MARKUP_BASE}{suffix}` | {what} |" for kind, (suffix, what) in MARKUP_SAMPLES.items()]
    (OUT / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
