"""A searchable copy of a scan: the pages as stored, with an invisible text layer.

What an archive keeps beside the data: the scanned document with its page images
untouched (the page objects, content streams and image XObjects are copied by pikepdf,
never decoded or re-encoded) and, drawn before them, one text object per OCR line
(`PageContent.boxes` of each scanned page, read with `--full-text`: table cells and
prose alike) in text render mode 3 (invisible), in a font of one em-square glyph, so viewers select,
search and copy the text where it is printed. Pages with a text layer of their own (a
mixed document's digital pages) are copied as they are.

The text layer follows OCRmyPDF's hocrtransform: a Type0 font over a CIDFontType2 whose
every CID draws the same empty glyph, Identity-H encoding (a CID is the UTF-16 code
unit of the character) and a ToUnicode map that reads each CID back as itself. Each
line gets its own text matrix: its baseline is the bottom edge of its OCR box, the font
size its box height and the horizontal scaling (Tz) stretches it to its box width, so a
number selected or found lands on its cell.

The OCR boxes are in the page frame of `extract.geometry` for the upright, deskewed
page (points, top-left origin); `PageContent.scan_frame` maps them back onto the image
as scanned, that is the page as displayed, and the page's /Rotate and CropBox take them
to PDF user space (points, bottom-left origin).

The copy is saved as PDF/A-2b with `pikepdf.pdfa.save` (sRGB output intent, XMP
pdfaid, embedded font), which validates the bytes it wrote; a source that cannot
become PDF/A without changing its pages (pikepdf's validator denies it) is saved as a
plain PDF and the result says why.
"""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional, Sequence

from ..errors import ExtractError
from ..geometry import BBox
from ..page import PageContent, ScanFrame

# The font's resource name on each page (a name no producer is likely to use).
_FONT_RESOURCE = "/FExtractOcr"
_UNITS_PER_EM = 1000
# OCR placeholders for ink the recogniser read nothing from (scan/scanned_page.py): no text.
_PLACEHOLDERS = {"?", ""}


class SearchableError(ExtractError):
    """The searchable copy cannot be written (bad output path, a file in the way)."""

    exit_code = 2


@dataclass(frozen=True)
class SearchableResult:
    path: Path
    pages: int  # pages in the copy
    text_pages: int  # pages of the copy that got a text layer (scanned pages)
    lines: int  # OCR lines written
    pdfa: Optional[str]  # "2b" when the copy is PDF/A-2b (validated as written), else None
    note: str = ""  # why the copy is not PDF/A, when it is not


@dataclass(frozen=True)
class CellText:
    """A number of the record where its cell is printed: the text layer must hold it there."""

    page: int  # 1-based
    bbox: BBox  # the cell, page frame of the upright page (points, top-left origin)
    text: str  # the value as printed


def record_cells(reports: Iterable) -> tuple[CellText, ...]:
    """The numeric cells of the records (`ReportInPages` items) on pages: the value as the
    cell prints it (its text, when its digits are the value's), else the value itself."""
    found = []
    for item in reports:
        for cell in item.report.cells.values():
            value = cell.value
            if cell.page is None or cell.bbox is None or isinstance(value, bool) or not isinstance(value, (int, float)):
                continue
            plain = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
            printed = " ".join(cell.text.split())
            text = printed if printed and _digits(printed) == _digits(plain) else plain
            found.append(CellText(cell.page, BBox(*cell.bbox), text))
    return tuple(found)


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def check_output_path(out: Path, source: Path) -> None:
    """Refuse before any OCR is done: an existing file (never overwritten silently), the
    source itself, a folder, or a folder that does not exist."""
    if out.exists() and out.is_dir():
        raise SearchableError(str(out), "is a folder, not a PDF file name")
    if out.exists():
        if source.exists() and out.resolve() == source.resolve():
            raise SearchableError(str(out), "is the input file; the searchable copy needs another name")
        raise SearchableError(str(out), "already exists; not overwritten (remove it or choose another name)")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise SearchableError(str(out), f"cannot write the searchable copy: no such folder {str(parent)!r}")


def has_scanned_pages(pages: Sequence[PageContent]) -> bool:
    return any(p.scan_frame is not None for p in pages)


def write_searchable(
    source: Path, pages: Sequence[PageContent], out: Path, pdfa: bool = True, also_keep: Sequence[int] = (),
    cells: Sequence[CellText] = (),
) -> SearchableResult:
    """Write the searchable copy of `source` (a PDF, page images or a scanned OFD) to `out`:
    the pages read (`pages`), each scanned page with its OCR lines as invisible text, and
    the pages numbered in `also_keep` (pages pdfium could not read) as they are; other pages
    (outside a --pages selection) are left out. Pages keep the source's order.

    `cells` (`record_cells` of the reports) are the record's numbers: where the OCR lines
    inside a cell do not hold its value (a seal's lettering read over it, a misread the
    table's arithmetic repaired), those lines give way to the value, so the text found at
    a cell is the number the record gives for it."""
    import pikepdf

    check_output_path(out, source)
    # Pages as read, by the source page they were read from: one, or the two halves of a
    # two-page spread (scan/spread.py), whose frames map onto the spread's whole image.
    by_source: dict[int, list[PageContent]] = {}
    for content in pages:
        by_source.setdefault(content.page_in_source, []).append(content)
    wanted = sorted(set(by_source) | set(also_keep))
    try:
        pdf = _open_source(source)
    except (pikepdf.PdfError, OSError, ValueError) as exc:
        raise SearchableError(str(source), f"cannot open it for the searchable copy: {exc}") from None
    with pdf:
        if max(wanted, default=0) > len(pdf.pages):
            # Pages read that the source does not hold (pages numbered as read, not as
            # stored): a page's lines would land on the wrong image.
            raise SearchableError(str(source), f"page {max(wanted)} was read from a source of {len(pdf.pages)} pages: "
                                  "no searchable copy is written")
        for index in reversed(range(len(pdf.pages))):
            if index + 1 not in wanted:
                del pdf.pages[index]
        font = None
        text_pages = lines = 0
        for page, number in zip(pdf.pages, wanted):
            scanned = [c for c in by_source.get(number, ()) if c.scan_frame is not None]
            if not scanned:
                continue  # a text-layer page, or one pdfium could not read: kept as it is
            font = font if font is not None else _register_font(pdf)
            for content in scanned:
                lines_on_page = _lines(content, [c for c in cells if c.page == content.number])
                lines += _add_text_layer(pdf, page, lines_on_page, content.scan_frame, font)
            text_pages += 1
        return _save(pdf, out, len(wanted), text_pages, lines, pdfa)


def write_reading_copy(source: Path, reading, out: Path) -> Optional[SearchableResult]:
    """The searchable copy of a file as the pipeline read it (`reading`: a
    `pipeline.FileReading`: its pages, the pages pdfium could not read, kept as they are,
    and its records, whose numbers go into their cells); None, and nothing written, when
    it has no scanned page."""
    if not has_scanned_pages(reading.pages):
        return None
    return write_searchable(source, reading.pages, out, also_keep=[number for number, _ in reading.unreadable_pages],
                            cells=record_cells(reading.reports))


def _open_source(source: Path):
    """The source as a pikepdf document: a PDF as it is; page images (PNG, JPEG, TIFF)
    wrapped into one by img2pdf, which embeds JPEG and CCITT data as they are and other
    images losslessly (Flate), one page per image frame, sized by the image's resolution;
    a scanned OFD's page images (their files' own bytes) wrapped the same way, each page
    the size of the OFD page."""
    import pikepdf

    from ..read.images import IMAGE_SUFFIXES

    suffix = source.suffix.lower()
    if suffix in IMAGE_SUFFIXES or suffix == ".ofd":
        import img2pdf

        try:
            if suffix == ".ofd":
                data = _ofd_as_pdf(source)
            else:
                data = img2pdf.convert(str(source), rotation=img2pdf.Rotation.ifvalid)
        except ExtractError:
            raise
        except Exception as exc:  # img2pdf raises its own and PIL's errors
            raise ValueError(f"img2pdf: {exc}") from None
        return pikepdf.open(io.BytesIO(data))
    return pikepdf.open(source)


def _ofd_as_pdf(source: Path) -> bytes:
    """A scanned OFD as a PDF: one page per OFD page, the page's one image (its file's own
    bytes: JPEG passed through, other formats lossless) filling a page of the OFD page's
    size in points. An OFD with a page that is not one image covering it (text, paths)
    has no PDF pages to copy: refused."""
    import img2pdf

    from ..read.ofd import open_ofd, scanned_page_file
    from ..settings import DEFAULT_SETTINGS

    doc = open_ofd(source, DEFAULT_SETTINGS)
    try:
        pages = []
        for index in range(len(doc)):
            scanned = scanned_page_file(doc, index)
            if scanned is None:
                raise SearchableError(str(source), f"page {index + 1} is not one scanned image; a searchable copy "
                                      "of an OFD is written only when every page is a scan")
            pages.append(scanned)
        # One call per page: each page gets its own size (img2pdf's layout is per call).
        parts = [img2pdf.convert(image, layout_fun=img2pdf.get_layout_fun((width, height)),
                                 rotation=img2pdf.Rotation.ifvalid) for image, width, height in pages]
    finally:
        doc.close()
    if len(parts) == 1:
        return parts[0]
    import pikepdf

    sources = [pikepdf.open(io.BytesIO(part)) for part in parts]
    try:  # pages copied between documents are read from their source when saved: kept open till then
        merged = pikepdf.new()
        for pdf in sources:
            merged.pages.extend(pdf.pages)
        out = io.BytesIO()
        merged.save(out)
    finally:
        for pdf in sources:
            pdf.close()
    return out.getvalue()


# ---------------------------------------------------------------- the glyphless font


@lru_cache(maxsize=1)
def glyphless_font_program() -> bytes:
    """A TrueType font of two glyphs (.notdef and the one every CID draws), each one em
    (1000 units) wide, as the CID font's /DW says (PDF/A wants the widths to agree). The
    glyph is the em square: text render mode 3 paints nothing whatever the outline, and an
    outline gives each character a box (pdfium drops a one-character text object whose
    glyph has no extent: a lone digit in a cell would not be found)."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    builder = FontBuilder(_UNITS_PER_EM, isTTF=True)
    order = [".notdef", "box"]
    builder.setupGlyphOrder(order)
    builder.setupCharacterMap({0x20: "box"})
    pen = TTGlyphPen(None)
    pen.moveTo((0, 0))
    pen.lineTo((0, _UNITS_PER_EM))
    pen.lineTo((_UNITS_PER_EM, _UNITS_PER_EM))
    pen.lineTo((_UNITS_PER_EM, 0))
    pen.closePath()
    square = pen.glyph()
    builder.setupGlyf({name: square for name in order})
    builder.setupHorizontalMetrics({name: (_UNITS_PER_EM, 0) for name in order})
    builder.setupHorizontalHeader(ascent=_UNITS_PER_EM, descent=0)
    builder.setupNameTable({"familyName": "ExtractGlyphless", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=_UNITS_PER_EM, sTypoDescender=0, usWinAscent=_UNITS_PER_EM, usWinDescent=0)
    builder.setupPost()
    out = io.BytesIO()
    builder.save(out)
    return out.getvalue()


def _to_unicode_cmap() -> bytes:
    """Every 2-byte code reads back as the same UTF-16 code unit. One bfrange per high
    byte: a range may vary only its last byte."""
    ranges = [f"<{hi:02X}00> <{hi:02X}FF> <{hi:02X}00>" for hi in range(256) if not 0xD8 <= hi <= 0xDF]
    blocks = []
    for start in range(0, len(ranges), 100):  # at most 100 entries per block
        chunk = ranges[start : start + 100]
        blocks.append(f"{len(chunk)} beginbfrange\n" + "\n".join(chunk) + "\nendbfrange")
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + "\n".join(blocks)
        + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    ).encode("ascii")


def _register_font(pdf):
    """The Type0 font (one indirect object shared by every page)."""
    from pikepdf import Array, Dictionary, Name, Stream

    program = glyphless_font_program()
    descriptor = pdf.make_indirect(Dictionary(
        Type=Name.FontDescriptor, FontName=Name("/ExtractGlyphless"), Flags=4,  # symbolic
        FontBBox=Array([0, 0, _UNITS_PER_EM, _UNITS_PER_EM]), ItalicAngle=0, Ascent=_UNITS_PER_EM, Descent=0,
        CapHeight=_UNITS_PER_EM, StemV=80,
        FontFile2=Stream(pdf, program, Length1=len(program)),
    ))
    # Every CID draws glyph 1.
    cid_to_gid = Stream(pdf, zlib.compress(b"\x00\x01" * 65536), Filter=Name.FlateDecode)
    cid_font = pdf.make_indirect(Dictionary(
        Type=Name.Font, Subtype=Name.CIDFontType2, BaseFont=Name("/ExtractGlyphless"),
        CIDSystemInfo=Dictionary(Registry="Adobe", Ordering="Identity", Supplement=0),
        FontDescriptor=descriptor, DW=_UNITS_PER_EM, CIDToGIDMap=cid_to_gid,
    ))
    return pdf.make_indirect(Dictionary(
        Type=Name.Font, Subtype=Name.Type0, BaseFont=Name("/ExtractGlyphless"), Encoding=Name("/Identity-H"),
        DescendantFonts=Array([cid_font]), ToUnicode=Stream(pdf, _to_unicode_cmap()),
    ))


def _encode(text: str) -> bytes:
    """UTF-16BE code units as 2-byte CIDs; characters outside the BMP (rare in these
    reports) become U+FFFD, one code each, so the Tz scaling stays right."""
    return "".join(c if ord(c) < 0x10000 else "\ufffd" for c in text).encode("utf-16-be")


# ---------------------------------------------------------------- placing the lines


class _PageTransform:
    """Page frame (upright, deskewed; points, top-left) -> PDF user space of the page as
    stored (points, bottom-left), through the image as scanned and the displayed page."""

    def __init__(self, frame: ScanFrame, box: tuple[float, float, float, float], rotate: int):
        self.frame = frame
        self.x0, self.y0, self.x1, self.y1 = box
        self.rotate = rotate % 360
        width, height = self.x1 - self.x0, self.y1 - self.y0
        display_w, display_h = (height, width) if self.rotate in (90, 270) else (width, height)
        # The image covers the displayed page (pdf.scanned_page_image, img2pdf's page size):
        # its points scale onto the page's (1.0 when the resolution was read right).
        self.sx, self.sy = display_w / frame.width, display_h / frame.height

    def __call__(self, x: float, y: float) -> tuple[float, float]:
        u, v = self.frame.image_point(x, y)
        u, v = u * self.sx, v * self.sy  # displayed page: points, top-left origin
        if self.rotate == 90:  # /Rotate turns the page clockwise for display
            return self.x0 + v, self.y0 + u
        if self.rotate == 180:
            return self.x1 - u, self.y0 + v
        if self.rotate == 270:
            return self.x1 - v, self.y1 - u
        return self.x0 + u, self.y1 - v


def page_transform(page, frame: ScanFrame) -> _PageTransform:
    """The transform for a pikepdf page (its CropBox, else MediaBox, and /Rotate)."""
    box = [float(v) for v in page.cropbox]
    return _PageTransform(frame, (min(box[0], box[2]), min(box[1], box[3]), max(box[0], box[2]), max(box[1], box[3])),
                          int(page.obj.get("/Rotate", 0)))


def _lines(content: PageContent, cells: Sequence[CellText]) -> list[tuple[str, BBox]]:
    """The page's OCR lines (text, box in the page frame), placeholders left out, with each
    cell whose value the lines inside it (centre in the cell) do not hold written as its
    value instead of them, in the cell's middle (inset so that the text lies inside it)."""
    lines = [(" ".join(box.text.split()), box.bbox) for box in content.boxes]
    lines = [(text, bbox) for text, bbox in lines if text not in _PLACEHOLDERS]
    for cell in cells:
        c = cell.bbox
        inside = [i for i, (_, b) in enumerate(lines)
                  if c.x0 <= (b.x0 + b.x1) / 2 <= c.x1 and c.top <= (b.top + b.bottom) / 2 <= c.bottom]
        if _digits(cell.text) in _digits("".join(lines[i][0] for i in inside)):
            continue
        lines = [line for i, line in enumerate(lines) if i not in inside]
        # A line a third of the cell high, centred; its width the cell's less a tenth each side.
        middle, half = (c.top + c.bottom) / 2, c.height / 6
        lines.append((cell.text, BBox(c.x0 + c.width / 10, middle - half, c.x1 - c.width / 10, middle + half)))
    return lines


def _add_text_layer(pdf, page, lines: Sequence[tuple[str, BBox]], frame: ScanFrame, font) -> int:
    """Prepend one content stream (q BT ... ET Q) holding the page's OCR lines; the page's
    own streams follow untouched, so the image is drawn over the (invisible) text."""
    import math

    from pikepdf import Dictionary, Matrix, Name, Stream
    from pikepdf.canvas import ContentStreamBuilder

    to_pdf = page_transform(page, frame)
    builder = ContentStreamBuilder()
    builder.push().begin_text().set_text_rendering(3)
    written = 0
    for text, b in lines:
        origin = to_pdf(b.x0, b.bottom)
        right = to_pdf(b.x1, b.bottom)
        top = to_pdf(b.x0, b.top)
        ax, ay = right[0] - origin[0], right[1] - origin[1]
        ux, uy = top[0] - origin[0], top[1] - origin[1]
        length, size = math.hypot(ax, ay), math.hypot(ux, uy)
        if length < 0.5 or size < 0.5:
            continue
        # Unit vectors along the line and up its glyphs: the text matrix without scale.
        builder.set_text_matrix(Matrix(ax / length, ay / length, ux / size, uy / size, origin[0], origin[1]))
        builder.set_text_font(Name(_FONT_RESOURCE), round(size, 3))
        builder.set_text_horizontal_scaling(round(100.0 * length / (size * len(text)), 3))
        builder.show_text(_encode(text))
        written += 1
    builder.end_text().pop()
    resources = page.obj.get("/Resources")
    if resources is None:
        page.obj.Resources = resources = Dictionary()
    if "/Font" not in resources:
        resources.Font = Dictionary()
    resources.Font[_FONT_RESOURCE] = font
    page.contents_add(Stream(pdf, builder.build()), prepend=True)
    return written


# ---------------------------------------------------------------- saving


def _save(pdf, out: Path, pages: int, text_pages: int, lines: int, pdfa: bool) -> SearchableResult:
    try:
        if pdfa:
            from pikepdf import pdfa as pikepdf_pdfa

            try:
                pikepdf_pdfa.save(pdf, out, "2b")
                return SearchableResult(out, pages, text_pages, lines, "2b")
            except pikepdf_pdfa.PdfaError as exc:
                findings = exc.report.findings
                why = f"{findings[0].rule}: {findings[0].message}" if findings else "pikepdf's validator denied it"
                note = f"not PDF/A-2b ({why})"
        else:
            note = "PDF/A not asked for"
        pdf.save(out)
    except OSError as exc:
        raise SearchableError(str(out), f"cannot write the searchable copy: {exc.strerror or exc}") from None
    return SearchableResult(out, pages, text_pages, lines, None, note)
