"""PDF input through pypdfium2: open with clear errors, and read each page's text layer and
ruling lines into `PageContent`.

pdfium reports coordinates in PDF user space (points, origin bottom-left of the unrotated
page). `_Frame` maps them into the pipeline frame: top-left origin of the page as displayed.
"""

from __future__ import annotations

import ctypes
import dataclasses
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Optional

import cv2
import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..errors import InvalidDocument, LimitExceeded, PasswordProtected
from ..files import check_file_size
from ..geometry import BBox, Segment, subpath_rulings
from ..page import PageContent, TextBox
from ..settings import Settings

# pdfium's FPDF_GetLastError codes (fpdfview.h).
_ERR_PASSWORD = 4
_ERR_FORMAT = 3
_ERR_FILE = 2

# Text render modes (PDF 32000 §9.3.6): 3 = neither fill nor stroke, 7 = clip only.
_INVISIBLE_RENDER_MODES = {3, 7}
# A fill at least this light on every channel (0..255) is white text on a white page.
_WHITE = 245
# A watermark set along the axes: glyphs at least _WATERMARK_MIN_PT (a report's headings are
# at most 22 pt, a red-headed document's masthead is red) in a pale grey (every channel at
# least _PALE_GREY and within _GREY_SPREAD of each other).
_WATERMARK_MIN_PT = 28.0
_PALE_GREY = 150
_GREY_SPREAD = 24
# Glyphs turned further than this from the page's axes (degrees) are a watermark's, not text
# of the report (which is set along the axes; a skewed scan's OCR layer is invisible).
_SLANTED_DEG = 10.0


def open_pdf(path: Path, settings: Settings) -> pdfium.PdfDocument:
    """Open a PDF or raise an ExtractError saying why not. Permissions-only encryption (an
    owner password and an empty user password) opens without asking, as in any viewer."""
    name = str(path)
    check_file_size(path, settings)
    with open(path, "rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" not in head:
        raise InvalidDocument(name, "not a PDF (no %PDF- header)")
    try:
        doc = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == _ERR_PASSWORD:
            raise PasswordProtected(name, "the PDF is password-protected") from None
        if code == _ERR_FORMAT:
            raise InvalidDocument(name, "the PDF is corrupt or truncated") from None
        raise InvalidDocument(name, f"cannot open the PDF ({exc})") from None
    n_pages = len(doc)
    if n_pages == 0:
        doc.close()
        raise InvalidDocument(name, "the PDF has no pages")
    if n_pages > settings.max_pages:
        doc.close()
        raise LimitExceeded(name, f"{n_pages} pages, over the limit of {settings.max_pages}")
    return doc


@dataclass(frozen=True)
class _Frame:
    """User space -> display frame for one page."""

    left: float
    bottom: float
    width: float  # unrotated
    height: float
    rotation: int  # clockwise display rotation, degrees

    @property
    def display_size(self) -> tuple[float, float]:
        if self.rotation in (90, 270):
            return self.height, self.width
        return self.width, self.height

    def point(self, x: float, y: float) -> tuple[float, float]:
        # Unrotated top-left frame first, then rotate clockwise for display.
        u, v = x - self.left, (self.bottom + self.height) - y
        if self.rotation == 90:
            return self.height - v, u
        if self.rotation == 180:
            return self.width - u, self.height - v
        if self.rotation == 270:
            return v, self.width - u
        return u, v

    def box(self, left: float, bottom: float, right: float, top: float) -> BBox:
        if self.rotation == 0:  # most pages: a shift and a flip, called twice per glyph
            page_top = self.bottom + self.height
            x0, x1 = (left, right) if left <= right else (right, left)
            y0, y1 = (bottom, top) if bottom <= top else (top, bottom)
            return BBox(x0 - self.left, page_top - y1, x1 - self.left, page_top - y0)
        xa, ya = self.point(left, bottom)
        xb, yb = self.point(right, top)
        return BBox(min(xa, xb), min(ya, yb), max(xa, xb), max(ya, yb))


def _text_angle(textpage: pdfium.PdfTextPage) -> int | None:
    """Dominant direction of the glyphs in user space, as pdfium reports it (degrees,
    clockwise, a multiple of 90); None on a page without text."""
    raw = textpage.raw
    votes: dict[int, int] = {}
    count = pdfium_c.FPDFText_CountChars(raw)
    for i in range(0, count, max(1, count // 200)):
        if pdfium_c.FPDFText_GetUnicode(raw, i) <= 0x20:
            continue
        angle = round(math.degrees(pdfium_c.FPDFText_GetCharAngle(raw, i)) / 90) * 90 % 360
        votes[angle] = votes.get(angle, 0) + 1
    return max(votes, key=votes.__getitem__) if votes else None


def page_frame(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage) -> _Frame:
    """The page turned so that its text reads upright. For a well-formed page that is the
    page as displayed (text direction = /Rotate); a page whose /Rotate disagrees with its
    text (sideways landscape tables, wrong scanner metadata) is turned by the text."""
    left, bottom, right, top = page.get_cropbox()
    angle = _text_angle(textpage)
    # pdfium measures glyph angles clockwise; the frame turns the opposite way to undo them.
    rotation = page.get_rotation() % 360 if angle is None else (360 - angle) % 360
    return _Frame(left, bottom, right - left, top - bottom, rotation)


def _check_size(page: pdfium.PdfPage, name: str, index: int, settings: Settings) -> None:
    width, height = page.get_size()
    if max(width, height) > settings.max_page_side_pt or min(width, height) <= 0:
        raise LimitExceeded(
            name, f"page {index + 1} is {width:.0f} x {height:.0f} pt, outside the page-size limit"
        )


def read_checked_page(
    doc: pdfium.PdfDocument, name: str, index: int, settings: Settings, with_images: bool
) -> tuple[PageContent, Optional[PageImages]]:
    """The pipeline's one visit to a page: size check, text and rulings, and (for the scan
    decision) its pictures. Loading a page costs pdfium a parse of its content stream, so it
    is loaded once, not once per question."""
    page = doc[index]
    try:
        _check_size(page, name, index, settings)
        images = _images_on(page)
        content = _read_loaded(page, index, settings, images)
        return content, (images if with_images else None)
    finally:
        page.close()


def read_page(doc: pdfium.PdfDocument, index: int, settings: Settings) -> PageContent:
    page = doc[index]
    try:
        return _read_loaded(page, index, settings, _images_on(page))
    finally:
        page.close()


def _read_loaded(page: pdfium.PdfPage, index: int, settings: Settings, images: "PageImages") -> PageContent:
    textpage = page.get_textpage()
    try:
        frame = page_frame(page, textpage)
        covers = _text_under_pictures(page, images.covers) if images.covers else None
        boxes, hidden, unmapped = _text_boxes(textpage, frame, settings, covers)
        rulings = tuple(_rulings(page, frame, settings))
        width, height = frame.display_size
        return PageContent(
            number=index + 1,
            width=width,
            height=height,
            boxes=tuple(boxes),
            rulings=rulings,
            source="text",
            hidden_glyphs=hidden,
            unmapped_glyphs=unmapped,
        )
    finally:
        textpage.close()


# A frozen dataclass's __init__ sets each field through object.__setattr__: ~0.4 us a field,
# 11 fields and three objects per glyph, a quarter of the text layer's cost. A glyph's boxes
# are built by filling the instance's __dict__ directly (the same fields, equal and hashed
# alike), while the classes have exactly the fields written here; otherwise through __init__.
_new = object.__new__
_BBOX_FIELDS = ("x0", "top", "x1", "bottom")
_TEXT_BOX_FIELDS = ("text", "bbox", "confidence", "source", "alternatives", "ink", "baseline")


def _fast_bbox(x0: float, top: float, x1: float, bottom: float) -> BBox:
    box = _new(BBox)
    fields = box.__dict__
    fields["x0"] = x0
    fields["top"] = top
    fields["x1"] = x1
    fields["bottom"] = bottom
    return box


def _fast_glyph(text: str, box: BBox, ink: Optional[BBox], baseline: Optional[float]) -> TextBox:
    glyph = _new(TextBox)
    fields = glyph.__dict__
    fields["text"] = text
    fields["bbox"] = box
    fields["confidence"] = 1.0
    fields["source"] = "text"
    fields["alternatives"] = ()
    fields["ink"] = ink
    fields["baseline"] = baseline
    return glyph


def _glyph(text: str, box: BBox, ink: Optional[BBox], baseline: Optional[float]) -> TextBox:
    return TextBox(text, box, 1.0, "text", ink=ink, baseline=baseline)


def _field_names(cls) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


_make_bbox = _fast_bbox if _field_names(BBox) == _BBOX_FIELDS and not hasattr(BBox, "__slots__") else BBox
_make_glyph = _fast_glyph if _field_names(TextBox) == _TEXT_BOX_FIELDS and not hasattr(TextBox, "__slots__") else _glyph


def _redeclared(function, restype, *argtypes):
    """The same pdfium entry point with page objects passed and returned as plain int
    addresses. pypdfium2 declares them as ctypes pointers, which cannot key a dict without
    a ctypes.cast per call (~1 us, twice the call itself)."""
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(function, ctypes.c_void_p).value)


_TEXT_OBJECT_ADDRESS = _redeclared(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p, pdfium_c.FPDF_TEXTPAGE, ctypes.c_int)
_RENDER_MODE_AT_ADDRESS = _redeclared(pdfium_c.FPDFTextObj_GetTextRenderMode, ctypes.c_int, ctypes.c_void_p)


def _text_boxes(
    textpage: pdfium.PdfTextPage, frame: _Frame, settings: Settings, covers: Optional["_Covers"] = None
) -> tuple[list[TextBox], int, int]:
    """One TextBox per visible glyph, with its loose box, ink and baseline in the page frame.
    `covers`: text objects drawn before a large picture over them (`_text_under_pictures`);
    a glyph of one inside such a picture's bounds is hidden.

    This loop runs once per glyph (~500 a page) and each pdfium call through ctypes costs
    ~0.5 us, mostly ctypes' own overhead: what a glyph takes from its text object (render
    mode, fill colour, font size, direction) is asked once per object, the entry points
    are bound to locals, and unrotated pages (nearly all) are flipped inline."""
    raw = textpage.raw
    get_unicode = pdfium_c.FPDFText_GetUnicode
    has_map_error = pdfium_c.FPDFText_HasUnicodeMapError
    text_object_at = _TEXT_OBJECT_ADDRESS
    get_loose_box = pdfium_c.FPDFText_GetLooseCharBox
    get_ink_box = pdfium_c.FPDFText_GetCharBox
    get_origin = pdfium_c.FPDFText_GetCharOrigin
    rect = pdfium_c.FS_RECTF()
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    # Glyphs turned like the page's text have their baseline horizontal in the frame.
    upright_angle = (360 - frame.rotation) % 360
    page_width, page_height = frame.display_size
    to_box, to_point = frame.box, frame.point
    plain = frame.rotation == 0
    shift_x, flip_y = frame.left, frame.bottom + frame.height
    # Text object address -> (drawn visibly, upright): the same for every glyph it shows.
    styles: dict[int, tuple[bool, bool]] = {}
    boxes: list[TextBox] = []
    append = boxes.append
    make_bbox, make_glyph, glyph_style = _make_bbox, _make_glyph, _glyph_style
    colour = tuple(ctypes.c_uint() for _ in range(4))
    hidden = unmapped = 0
    for i in range(pdfium_c.FPDFText_CountChars(raw)):
        # Spaces and line breaks, pdfium's synthetic separators among them: pdfium generates
        # only ' ', '\r' and '\n' (CPDF_TextPage::GenerateCharInfo), so a glyph above 0x20
        # needs no FPDFText_IsGenerated call.
        code = get_unicode(raw, i)
        if code <= 0x20:
            continue
        if has_map_error(raw, i) == 1:
            unmapped += 1
        address = text_object_at(raw, i)
        style = styles.get(address) if address else None
        if style is None:
            style = glyph_style(raw, i, address, upright_angle, colour, settings)
            if address:
                styles[address] = style
        visible, upright = style
        if not visible:
            hidden += 1
            continue
        # The loose box spans the font's ascent to descent, the same for every glyph of a
        # line: a comma or an opening quote then sits on its line instead of below it.
        if not get_loose_box(raw, i, rect):
            continue
        if covers is not None and covers.hides(address, (rect.left + rect.right) / 2, (rect.bottom + rect.top) / 2):
            hidden += 1  # a picture is drawn over it: what the page shows is the picture
            continue
        if plain:  # unrotated page: shift to the crop box and flip y, inline
            x0, x1, y0, y1 = rect.left - shift_x, rect.right - shift_x, flip_y - rect.top, flip_y - rect.bottom
            if x0 > x1:
                x0, x1 = x1, x0
            if y0 > y1:
                y0, y1 = y1, y0
            if x1 < 0 or y1 < 0 or x0 > page_width or y0 > page_height:
                hidden += 1  # outside the visible page
                continue
            box = make_bbox(x0, y0, x1, y1)
        else:
            box = to_box(rect.left, rect.bottom, rect.right, rect.top)
            if box.x1 < 0 or box.bottom < 0 or box.x0 > page_width or box.top > page_height:
                hidden += 1  # outside the visible page
                continue
        ink = None
        if get_ink_box(raw, i, left, right, bottom, top):
            if plain:
                x0, x1, y0, y1 = left.value - shift_x, right.value - shift_x, flip_y - top.value, flip_y - bottom.value
                if x0 > x1:
                    x0, x1 = x1, x0
                if y0 > y1:
                    y0, y1 = y1, y0
                if x1 - x0 > 0.05 and y1 - y0 > 0.05:
                    ink = make_bbox(x0, y0, x1, y1)
            else:
                tight = to_box(left.value, bottom.value, right.value, top.value)
                if tight.x1 - tight.x0 > 0.05 and tight.bottom - tight.top > 0.05:
                    ink = tight
        baseline = None
        if upright and get_origin(raw, i, origin_x, origin_y):
            baseline = flip_y - origin_y.value if plain else to_point(origin_x.value, origin_y.value)[1]
        append(make_glyph(chr(code), box, ink, baseline))
    return boxes, hidden, unmapped


# A picture drawn after text and over it hides that text from every viewer: a scanner's or
# an OCR program's "text under the page image" (a visible text layer, often its own OCR
# with its misreadings, painted over by the scan), or a page pasted over an older one. Such
# text is no more what the page shows than an invisible OCR layer: it is hidden. Pictures
# counted: top-level image objects covering at least _COVER_SHARE of the page (a scan, not a
# logo or an electronic seal, which are drawn over a signature on purpose and let it show).
_COVER_SHARE = 0.25
_OBJECT_AT = _redeclared(pdfium_c.FPDFPage_GetObject, ctypes.c_void_p, pdfium_c.FPDF_PAGE, ctypes.c_int)
_FORM_OBJECT_AT = _redeclared(pdfium_c.FPDFFormObj_GetObject, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_ulong)
_FORM_COUNT = _redeclared(pdfium_c.FPDFFormObj_CountObjects, ctypes.c_int, ctypes.c_void_p)
_TYPE_AT = _redeclared(pdfium_c.FPDFPageObj_GetType, ctypes.c_int, ctypes.c_void_p)


@dataclass(frozen=True)
class _Covers:
    """Text objects (address -> the page-level position of the object holding them, in
    drawing order) and the large pictures drawn over the page (position, PDF user-space
    bounds left, bottom, right, top)."""

    order: dict[int, int]
    pictures: tuple[tuple[int, float, float, float, float], ...]

    def hides(self, text_object: int, x: float, y: float) -> bool:
        drawn = self.order.get(text_object)
        if drawn is None:
            return False
        return any(position > drawn and left <= x <= right and bottom <= y <= top
                   for position, left, bottom, right, top in self.pictures)


def _text_under_pictures(page: pdfium.PdfPage, pictures: tuple[tuple[int, float, float, float, float], ...]) -> Optional[_Covers]:
    """The text objects drawn before the last of `pictures` (`PageImages.covers`), by their
    page-level position (an object inside a form XObject takes its form's)."""
    last = max(position for position, *_ in pictures)
    text, form = pdfium_c.FPDF_PAGEOBJ_TEXT, pdfium_c.FPDF_PAGEOBJ_FORM
    order: dict[int, int] = {}

    def walk(address: int, position: int, depth: int) -> None:
        kind = _TYPE_AT(address)
        if kind == text:
            order[address] = position
        elif kind == form and depth < 3:
            for k in range(_FORM_COUNT(address)):
                child = _FORM_OBJECT_AT(address, k)
                if child:
                    walk(child, position, depth + 1)

    for position in range(min(last, pdfium_c.FPDFPage_CountObjects(page.raw))):
        address = _OBJECT_AT(page.raw, position)
        if address:
            walk(address, position, 0)
    return _Covers(order, pictures) if order else None


def _glyph_style(raw, index: int, text_object: int, upright_angle: int, colour, settings: Settings) -> tuple[bool, bool]:
    """(drawn visibly, upright) for the glyph at `index`: pdfium takes its render mode, fill
    colour, font size and angle from the glyph's text object, so they hold for every glyph
    of that object. Hidden: invisible render modes (OCR layers), white or fully transparent
    fill, a font below the minimum size. `colour` is four ctypes.c_uint to fill (r, g, b, a)."""
    if text_object and _RENDER_MODE_AT_ADDRESS(text_object) in _INVISIBLE_RENDER_MODES:
        return False, False
    r, g, b, a = colour
    filled = pdfium_c.FPDFText_GetFillColor(raw, index, r, g, b, a)
    if filled and (a.value == 0 or min(r.value, g.value, b.value) >= _WHITE):
        return False, False
    size = pdfium_c.FPDFText_GetFontSize(raw, index)
    if size < settings.min_font_size_pt:
        return False, False
    if filled and size >= _WATERMARK_MIN_PT and min(r.value, g.value, b.value) >= _PALE_GREY and \
            max(r.value, g.value, b.value) - min(r.value, g.value, b.value) <= _GREY_SPREAD:
        return False, False  # a watermark set level: large pale grey words across the page
    degrees = math.degrees(pdfium_c.FPDFText_GetCharAngle(raw, index))
    angle = round(degrees / 90) * 90
    if abs(degrees - angle) > _SLANTED_DEG:
        # Text set at a slant (a diagonal watermark, "仅供参考" or the agency's name across the
        # page) is no line of the report: its glyphs would fall into table cells.
        return False, False
    return True, angle % 360 == upright_angle


Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
# Form XObjects nest; generators that wrap a whole page in one (imposition tools, some
# WPS exports) put every ruling one or two levels down.
MAX_FORM_DEPTH = 4


def compose(inner: Matrix, outer: Matrix) -> Matrix:
    """The matrix of applying `inner`, then `outer` (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def object_matrix(raw) -> Matrix:
    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(raw, m):
        return IDENTITY
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _path_objects(page: pdfium.PdfPage) -> Iterator[tuple[object, Matrix]]:
    """Every path object on the page with its full matrix to user space, inside forms too."""

    get_type, path, form = pdfium_c.FPDFPageObj_GetType, pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM

    def walk(objects: list, parent: Matrix, depth: int) -> Iterator[tuple[object, Matrix]]:
        for raw in objects:
            # Most objects are text runs: their matrix is never needed here.
            kind = get_type(raw)
            if kind == path:
                yield raw, compose(object_matrix(raw), parent)
            elif kind == form and depth < MAX_FORM_DEPTH:
                children = [pdfium_c.FPDFFormObj_GetObject(raw, i) for i in range(pdfium_c.FPDFFormObj_CountObjects(raw))]
                yield from walk(children, compose(object_matrix(raw), parent), depth + 1)

    top = [pdfium_c.FPDFPage_GetObject(page.raw, i) for i in range(pdfium_c.FPDFPage_CountObjects(page.raw))]
    yield from walk(top, IDENTITY, 0)


def _rulings(page: pdfium.PdfPage, frame: _Frame, settings: Settings) -> Iterator[Segment]:
    """Axis-aligned ruling lines drawn by path objects: stroked lines, stroked rectangle
    outlines, and thin filled rectangles (how WPS and Word draw cell borders)."""
    x, y = ctypes.c_float(), ctypes.c_float()
    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    width = ctypes.c_float()
    max_w = settings.max_ruling_width_pt
    # Bound once: WPS draws every cell border as its own path, thousands of segments a page.
    get_segment, get_point = pdfium_c.FPDFPath_GetPathSegment, pdfium_c.FPDFPathSegment_GetPoint
    get_kind, get_close = pdfium_c.FPDFPathSegment_GetType, pdfium_c.FPDFPathSegment_GetClose
    move_to, line_to = pdfium_c.FPDF_SEGMENT_MOVETO, pdfium_c.FPDF_SEGMENT_LINETO
    to_frame = frame.point
    for raw, matrix in _path_objects(page):
        pdfium_c.FPDFPath_GetDrawMode(raw, fill_mode, stroke)
        stroked = bool(stroke.value)
        if stroked:
            pdfium_c.FPDFPageObj_GetStrokeWidth(raw, width)
            if width.value > max_w:
                stroked = False
        a, b, c, d, e, f = matrix
        subpaths: list[list[tuple[float, float]]] = []
        for k in range(pdfium_c.FPDFPath_CountSegments(raw)):
            seg = get_segment(raw, k)
            get_point(seg, x, y)
            px = a * x.value + c * y.value + e
            py = b * x.value + d * y.value + f
            point = to_frame(px, py)
            kind = get_kind(seg)
            if kind == move_to or not subpaths:
                subpaths.append([point])
            elif kind == line_to:
                subpaths[-1].append(point)
                if get_close(seg):
                    subpaths[-1].append(subpaths[-1][0])
            else:
                subpaths.append([])  # curves are never rulings
        for points in subpaths:
            if len(points) >= 2:
                yield from subpath_rulings(points, max_w, stroked)


@dataclass(frozen=True)
class PageImages:
    """What pictures a page holds: the share of the page they cover (0..1) and the
    resolution of the largest one (pixels per inch as placed), 0 without pictures."""

    coverage: float
    native_dpi: float
    # Top-level pictures covering at least _COVER_SHARE of the page: (position in the page's
    # drawing order, bounds left, bottom, right, top in PDF user space).
    covers: tuple[tuple[int, float, float, float, float], ...] = ()


def page_images(doc: pdfium.PdfDocument, index: int) -> PageImages:
    page = doc[index]
    try:
        return _images_on(page)
    finally:
        page.close()


def _image_objects(page: pdfium.PdfPage) -> Iterator[tuple[int, bool, object]]:
    """The raw image objects on the page and inside its top-level forms, in drawing order,
    each with its page-level position and whether it is drawn at the page level. Raw pdfium
    calls: pypdfium2's `get_objects` wraps every object (text runs included, hundreds a
    page) in a helper object before filtering."""
    get_type, image, form = pdfium_c.FPDFPageObj_GetType, pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_FORM
    for i in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        raw = pdfium_c.FPDFPage_GetObject(page.raw, i)
        kind = get_type(raw)
        if kind == image:
            yield i, True, raw
        elif kind == form:
            for k in range(pdfium_c.FPDFFormObj_CountObjects(raw)):
                child = pdfium_c.FPDFFormObj_GetObject(raw, k)
                if get_type(child) == image:
                    yield i, False, child


def _images_on(page: pdfium.PdfPage) -> PageImages:
    width, height = page.get_size()
    covered = 0.0
    best_area, best_dpi = 0.0, 0.0
    bound = [ctypes.c_float() for _ in range(4)]
    px_w, px_h = ctypes.c_uint(), ctypes.c_uint()
    covers = []
    for position, top_level, raw in _image_objects(page):
        if not pdfium_c.FPDFPageObj_GetBounds(raw, *bound):
            raise pdfium.PdfiumError("Failed to locate pageobject.")
        left, bottom, right, top = (b.value for b in bound)
        w_pt, h_pt = max(0.0, right - left), max(0.0, top - bottom)
        area = w_pt * h_pt
        covered += area
        if top_level and area >= _COVER_SHARE * width * height:
            covers.append((position, left, bottom, right, top))
        if area > best_area:
            if not pdfium_c.FPDFImageObj_GetImagePixelSize(raw, px_w, px_h):
                raise pdfium.PdfiumError("Failed to get image size.")
            # A sideways-placed image swaps its pixel axes against the page's.
            long_px, long_pt = max(px_w.value, px_h.value), max(w_pt, h_pt)
            best_area, best_dpi = area, (long_px / (long_pt / 72.0) if long_pt else 0.0)
    return PageImages(min(1.0, covered / (width * height)) if width and height else 0.0, best_dpi, tuple(covers))


# Text printed as glyph outlines ("print to PDF" with fonts converted to curves, a
# typesetter's outlined export): no text layer, one filled path per glyph. A path counts as a
# glyph when its box is at most GLYPH_MAX_PT on its longer side (a CJK glyph at 10-22 pt
# with its side bearing) and not a ruling's piece (both sides over GLYPH_MIN_PT: a ruling
# is 0.25-1.5 pt thick). A page with at least OUTLINED_TEXT_GLYPHS of them and almost no
# text is read by OCR from its rendering, as a scan is.
GLYPH_MAX_PT = 40.0
GLYPH_MIN_PT = 1.8
OUTLINED_TEXT_GLYPHS = 100


def outlined_glyphs(doc: pdfium.PdfDocument, index: int) -> int:
    """Filled paths of a glyph's size on the page and in its forms (`_path_objects`)."""
    page = doc[index]
    bound = [ctypes.c_float() for _ in range(4)]
    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    try:
        found = 0
        for raw, _ in _path_objects(page):
            if not pdfium_c.FPDFPageObj_GetBounds(raw, *bound):
                continue
            if not pdfium_c.FPDFPath_GetDrawMode(raw, fill_mode, stroke) or fill_mode.value == pdfium_c.FPDF_FILLMODE_NONE:
                continue
            left, bottom, right, top = (b.value for b in bound)
            w, h = right - left, top - bottom
            found += max(w, h) <= GLYPH_MAX_PT and min(w, h) >= GLYPH_MIN_PT
        return found
    finally:
        page.close()


def needs_ocr(page: PageContent, images: PageImages, settings: Settings, outlined: Callable[[], int]) -> bool:
    """Whether a page is read by OCR: a scan (a picture over most of the page, little or no
    visible text: an invisible OCR layer does not count), text printed as outlines
    (`outlined()`, asked only for a page without text), or a text layer whose glyphs mostly
    have no Unicode mapping."""
    glyphs = len(page.boxes) + page.unmapped_glyphs
    if glyphs and page.unmapped_glyphs / glyphs > settings.max_unmapped_share:
        return True
    if len(page.boxes) >= settings.min_text_glyphs:
        return False
    return images.coverage > 0.5 or outlined() >= OUTLINED_TEXT_GLYPHS


# A scanned page's own pixels are used as they are (no resampling) when its image covers
# the page to within this many points on every side and its two axes' resolutions agree
# to within this share.
_PAGE_COVER_SLACK_PT = 2.0
_SQUARE_PIXELS = 0.01
# FPDFImageObj_GetBitmap formats that map to numpy directly: grey, BGR, BGRx, BGRA.
_PLAIN_FORMATS = (pdfium_c.FPDFBitmap_Gray, pdfium_c.FPDFBitmap_BGR, pdfium_c.FPDFBitmap_BGRx, pdfium_c.FPDFBitmap_BGRA)
# Mean grey-level difference (0-255) allowed between the page's own pixels and pdfium's
# rendering of the page, both at a thumbnail's resolution: a decode array, a stencil mask
# or a colour space the raw bitmap does not apply shows up as a large difference.
_RAW_VS_RENDERED_MAX = 12.0
_CHECK_DPI = 24.0


def scanned_page_image(doc: pdfium.PdfDocument, index: int, images: PageImages, min_dpi: float, max_dpi: float):
    """The page as displayed, at the resolution it was scanned at: the page's own image
    pixels when the page is one upright image covering it (how scanners and scan-to-PDF
    software write pages), else a rendering at the image's resolution clamped to
    [min_dpi, max_dpi].

    Rendering resamples: pdfium's page size in pixels rounds up, so even at the native
    resolution a 1-2 px grey table border is smeared over neighbouring pixels and loses
    half its contrast, enough for a faint 0.3-0.5 pt border to vanish from one page and
    not from another depending on the sub-pixel phase. `images` is the page's
    `page_images` (the caller has it from deciding that the page needs OCR)."""
    native = _native_pixels(doc, index, min_dpi, max_dpi)
    if native is not None:
        return native
    return render_page(doc, index, min(max(images.native_dpi, min_dpi), max_dpi))


def _native_pixels(doc: pdfium.PdfDocument, index: int, min_dpi: float, max_dpi: float):
    from ..page import PageImage

    page = doc[index]
    try:
        if page.get_rotation() % 360:
            return None
        objects = list(page.get_objects(max_depth=1))
        pictures = [o for o in objects if o.type == pdfium_c.FPDF_PAGEOBJ_IMAGE]
        # Anything drawn besides the picture and text (an OCR layer is text) would be lost.
        if len(pictures) != 1 or any(o.type not in (pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_TEXT) for o in objects):
            return None
        picture = pictures[0]
        a, b, c, d, _, _ = picture.get_matrix().get()
        if b or c or a <= 0 or d <= 0:  # turned, mirrored or sheared in placement
            return None
        left, bottom, right, top = picture.get_bounds()
        x0, y0, x1, y1 = page.get_bbox()
        if max(abs(left - x0), abs(bottom - y0), abs(right - x1), abs(top - y1)) > _PAGE_COVER_SLACK_PT:
            return None
        px_w, px_h = picture.get_px_size()
        dpi_x, dpi_y = px_w / ((x1 - x0) / 72.0), px_h / ((y1 - y0) / 72.0)
        # A 300 dpi scan of an A4 page measures 300.08 dpi against the page box: in range.
        if abs(dpi_x - dpi_y) > _SQUARE_PIXELS * dpi_x or not (1 - _SQUARE_PIXELS) * min_dpi <= dpi_x <= (1 + _SQUARE_PIXELS) * max_dpi:
            return None
        bitmap = picture.get_bitmap(render=False)
        if bitmap.format not in _PLAIN_FORMATS:
            return None
        array = bitmap.to_numpy()
        if array.ndim == 3 and array.shape[2] == 4:
            array = array[:, :, :3]
        if array.shape[:2] != (px_h, px_w):
            return None
        array = np.ascontiguousarray(array)
        thumbnail = page.render(scale=_CHECK_DPI / 72.0, grayscale=True).to_numpy()
    finally:
        page.close()
    thumbnail = thumbnail[:, :, 0] if thumbnail.ndim == 3 else thumbnail
    gray = array if array.ndim == 2 else cv2.cvtColor(array, cv2.COLOR_BGR2GRAY)
    small = cv2.resize(gray, (thumbnail.shape[1], thumbnail.shape[0]), interpolation=cv2.INTER_AREA)
    if float(np.abs(small.astype(np.int16) - thumbnail.astype(np.int16)).mean()) > _RAW_VS_RENDERED_MAX:
        return None
    return PageImage(index + 1, array, (dpi_x + dpi_y) / 2)


def render_page(doc: pdfium.PdfDocument, index: int, dpi: float):
    """The page as displayed (after /Rotate), as a BGR numpy array."""
    from ..page import PageImage

    page = doc[index]
    try:
        bitmap = page.render(scale=dpi / 72.0)
        array = bitmap.to_numpy()
        if array.ndim == 3 and array.shape[2] == 4:
            array = array[:, :, :3]
        return PageImage(index + 1, array.copy(), dpi)
    finally:
        page.close()
