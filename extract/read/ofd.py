"""OFD input (GB/T 33190, 版式文档): a ZIP of XML read with lxml into the same `PageContent`
the PDF reader makes, so the table stages, volumes, review and exports work unchanged.

The package: OFD.xml -> one or more DocBody/DocRoot -> Document.xml (CommonData: PageArea,
PublicRes/DocumentRes, TemplatePage; Pages/Page BaseLoc) -> Page_N/Content.xml (Area,
Template, Content/Layer/PageBlock/TextObject/PathObject/ImageObject/CompositeObject).
Several documents in one package are read in order as one sequence of pages.

Units and frames: OFD coordinates are millimetres with the origin at the top-left of the
page's PhysicalBox, y downwards, the pipeline's own orientation; they are converted to
points (1 mm = 72/25.4 pt). An object's own coordinates (TextCode X/Y, AbbreviatedData,
an image's unit square) go through its CTM into its Boundary's frame, whose origin is the
Boundary's top-left corner; CompositeObjects nest that once more.

What is kept of each page object:
- TextObject/TextCode: one glyph box per character, from X/Y and DeltaX/DeltaY (with the
  `g N value` repetition), Size and the CTM. Fonts are never opened (embedded or not): the
  box spans the font size (ascent 0.88, descent 0.12 em, the CJK fonts' usual metrics) and the
  character's advance (DeltaX to the next character, else one em for wide and half an em
  for narrow characters). Invisible text (Fill off and Stroke off, Alpha 0, Visible false,
  white fill, below the minimum font size, off the page) is counted, not read.
- PathObject/AbbreviatedData (S/M/L/Q/B/A/C): axis-aligned rulings, as the PDF reader finds
  them (`pdf._rulings`): stroked lines and rectangle outlines, and thin filled rectangles.
- ImageObject -> MultiMedia (PNG/JPEG/TIFF/BMP in the package): page images, so a page that
  is one picture goes to the scan path as a scanned PDF page does, and a table pasted as a
  picture into a text page is handed to the scan path (`table_pictures`, as `read/picture.py`).
A page whose text runs down or up the sheet (turned by CTMs) is turned upright, as the PDF
reader turns such a page.
Not read: annotations (Annots), signatures and seals, vertical text direction
(ReadDirection/CharDirection), clipping areas, DrawParam colours.

A package that is not a ZIP, lacks OFD.xml, holds broken XML or a missing page file, or is
encrypted is an InvalidDocument (exit 4); members are read with the size limits of Settings
(a small file that inflates to gigabytes is refused, not unpacked).
"""

from __future__ import annotations

import io
import math
import posixpath
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional

import cv2
import numpy as np
from lxml import etree

from ..errors import InvalidDocument, LimitExceeded
from ..files import check_file_size
from ..geometry import BBox, Segment, subpath_rulings
from ..page import PageContent, TextBox
from ..settings import Settings
from .ofd_drawing import Drawing, DrawnGlyph, DrawnImage, DrawnPath, Matrix
from .pdf import PageImages

OFD_SUFFIXES = frozenset({".ofd"})

MM_TO_PT = 72.0 / 25.4
# A glyph's loose box around its baseline, in ems: the usual ascent and descent of the CJK
# fonts OFD producers use (SimSun, Noto/Source Han). Fonts are not opened.
_ASCENT, _DESCENT = 0.88, 0.12
# Default line width of a PathObject (GB/T 33190 §9.1): 0.353 mm, one point.
_DEFAULT_LINE_WIDTH_MM = 0.353
# A fill at least this light on every channel (0..255) is white text on a white page.
_WHITE = 245
# Any one XML member larger than this (uncompressed) is not a report page.
_MAX_XML_BYTES = 50 * 1024 * 1024
# Objects nest in PageBlocks and CompositeObjects; deeper than this is a loop or an attack.
_MAX_DEPTH = 16
# Steps per curve when curves are flattened for the page image.
_CURVE_STEPS = 12
# A page's own image pixels are used unresampled when its one image covers the page to
# within this many points and its two axes' resolutions agree to within this share.
_PAGE_COVER_SLACK_PT = 2.0
_SQUARE_PIXELS = 0.01
# Decoded images kept at once (a page's coverage question, then its OCR, reuse one decode).
_CACHED_IMAGES = 2

IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def compose(inner: Matrix, outer: Matrix) -> Matrix:
    """Apply `inner`, then `outer`; OFD's CTM "a b c d e f" maps (x, y) to
    (a x + c y + e, b x + d y + f), the PDF convention."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])


def _translate(dx: float, dy: float) -> Matrix:
    return (1.0, 0.0, 0.0, 1.0, dx, dy)


# ---------------------------------------------------------------------------- XML helpers


def _local(element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""  # comments, processing instructions
    return etree.QName(tag).localname


def _children(element, name: str) -> Iterator:
    """Children by local name: producers write the ofd namespace, a default namespace or none."""
    for child in element:
        if _local(child) == name:
            yield child


def _child(element, name: str):
    return next(_children(element, name), None)


def _numbers(text: Optional[str]) -> list[float]:
    if not text or not text.strip():
        return []
    return [float(t) for t in re.split(r"[\s,]+", text.strip())]


def _box(text: Optional[str]) -> Optional[tuple[float, float, float, float]]:
    values = _numbers(text)
    return (values[0], values[1], values[2], values[3]) if len(values) == 4 else None


def _flag(element, name: str, default: bool) -> bool:
    value = element.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("true", "1")


def _colour(element) -> Optional[tuple[tuple[int, int, int], int]]:
    """(RGB, alpha 0..255) of a FillColor/StrokeColor element; Value is "r g b" in 0..255,
    or "#RR #GG #BB"; without Value, black."""
    if element is None:
        return None
    alpha = int(float(element.get("Alpha", "255")))
    raw = (element.get("Value") or "").split()
    try:
        channels = [int(v[1:], 16) if v.startswith("#") else int(float(v)) for v in raw]
    except ValueError:
        channels = []
    if len(channels) >= 3:
        rgb = (channels[0], channels[1], channels[2])
    elif len(channels) == 1:  # a grey colour space
        rgb = (channels[0],) * 3
    else:
        rgb = (0, 0, 0)
    return rgb, alpha


def deltas(spec: Optional[str], count: int) -> list[float]:
    """DeltaX/DeltaY: offsets between successive characters, with "g N value" standing for
    N repetitions of value (GB/T 33190 §11.3). Expanded up to `count` entries (a huge N
    is not unrolled past the text's length)."""
    if not spec:
        return []
    tokens = spec.split()
    out: list[float] = []
    i = 0
    while i < len(tokens) and len(out) < count:
        if tokens[i] == "g":
            if i + 2 >= len(tokens):
                raise ValueError(f"incomplete 'g' repetition in {spec!r}")
            repeat, value = int(tokens[i + 1]), float(tokens[i + 2])
            out.extend([value] * max(0, min(repeat, count - len(out))))
            i += 3
        else:
            out.append(float(tokens[i]))
            i += 1
    return out


# ---------------------------------------------------------------------------- the package


@dataclass(frozen=True)
class _PageRef:
    """One page of the package: its content file, the templates drawn under and over it,
    and its area (PhysicalBox x, y, w, h in mm)."""

    document: int
    content: str  # member name
    background: tuple[str, ...]  # template content members, drawn first
    foreground: tuple[str, ...]
    area: Optional[tuple[float, float, float, float]]
    resources: "_Resources"


@dataclass
class _Resources:
    """A document's resources: MultiMedia files and CompositeGraphicUnits by ID."""

    media: dict[str, str] = field(default_factory=dict)  # ID -> member name
    composites: dict[str, object] = field(default_factory=dict)  # ID -> CompositeGraphicUnit element
    line_widths: dict[str, float] = field(default_factory=dict)  # DrawParam ID -> LineWidth (mm)


class OfdDocument:
    """An opened OFD package: its pages in reading order across all its documents."""

    def __init__(self, path: Path, archive: zipfile.ZipFile, settings: Settings):
        self.name = str(path)
        self.archive = archive
        self.settings = settings
        self._members = {info.filename: info for info in archive.infolist()}
        self._folded = {n.lower(): n for n in self._members}
        self._read_bytes = 0
        self.pages: list[_PageRef] = []
        self._drawings: dict[int, Drawing] = {}
        self._pixels: dict[str, np.ndarray] = {}
        self._sizes: dict[str, tuple[int, int]] = {}

    def __len__(self) -> int:
        return len(self.pages)

    def close(self) -> None:
        self.archive.close()
        self._drawings.clear()
        self._pixels.clear()

    # -- members

    def member(self, loc: str, base: str) -> str:
        """The member a location names: absolute from the package root when it starts with
        "/", else relative to the folder of `base` (the referring file)."""
        return self.member_in(loc, posixpath.dirname(base))

    def member_in(self, loc: str, folder: str) -> str:
        """The member a location names, relative to `folder` unless it starts with "/"."""
        loc = loc.strip().replace("\\", "/")
        joined = loc.lstrip("/") if loc.startswith("/") else posixpath.join(folder, loc)
        name = posixpath.normpath(joined).lstrip("/")
        if name not in self._members:
            name = self._folded.get(name.lower(), name)  # producers on Windows mix cases
        return name

    def has(self, name: str) -> bool:
        return name in self._members

    def read(self, name: str, limit: int) -> bytes:
        info = self._members.get(name)
        if info is None:
            raise InvalidDocument(self.name, f"the OFD is damaged ({name} is missing from the package)")
        if info.flag_bits & 0x1:
            raise InvalidDocument(self.name, f"the OFD is encrypted ({name} cannot be read without its key)")
        if info.file_size > limit:
            raise LimitExceeded(self.name, f"{name} unpacks to {info.file_size} bytes, over the limit of {limit}")
        try:
            with self.archive.open(info) as fh:
                data = fh.read(limit + 1)  # the declared size can lie: never read past the limit
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError) as exc:
            raise InvalidDocument(self.name, f"the OFD is damaged ({name}: {exc})") from None
        if len(data) > limit:
            raise LimitExceeded(self.name, f"{name} unpacks to over {limit} bytes")
        self._read_bytes += len(data)
        if self._read_bytes > self.settings.max_file_bytes * 4:
            raise LimitExceeded(self.name, f"the package unpacks to over {self.settings.max_file_bytes * 4} bytes")
        return data

    def xml(self, name: str):
        data = self.read(name, _MAX_XML_BYTES)
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        try:
            root = etree.fromstring(data, parser)
        except etree.XMLSyntaxError as exc:
            raise InvalidDocument(self.name, f"the OFD is damaged ({name}: {exc})") from None
        if root is None:
            raise InvalidDocument(self.name, f"the OFD is damaged ({name} is empty)")
        return root

    # -- pages

    def drawing(self, index: int) -> Drawing:
        if index not in self._drawings:
            self._drawings[index] = _draw_page(self, self.pages[index])
        return self._drawings[index]

    def image_size(self, member: str) -> tuple[int, int]:
        """(width, height) in pixels of a MultiMedia image, from its header (not decoded)."""
        if member not in self._sizes:
            from PIL import Image

            data = self.read(member, self.settings.max_file_bytes)
            try:
                with Image.open(io.BytesIO(data)) as probe:
                    self._sizes[member] = probe.size
            except Exception as exc:  # Pillow raises many kinds on a damaged image
                raise InvalidDocument(self.name, f"the OFD is damaged ({member} is not a readable image: {exc})") from None
        return self._sizes[member]

    def pixels(self, member: str) -> np.ndarray:
        """A MultiMedia image decoded as BGR (or grey), checked against the pixel limit."""
        if member not in self._pixels:
            width, height = self.image_size(member)
            if width * height > self.settings.max_image_pixels:
                raise LimitExceeded(self.name, f"{member} is {width} x {height} pixels, over the limit")
            data = self.read(member, self.settings.max_file_bytes)
            array = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
            if array is None:
                raise InvalidDocument(self.name, f"{member}: image format not readable (PNG, JPEG, TIFF or BMP expected)")
            if array.dtype != np.uint8:
                array = cv2.convertScaleAbs(array, alpha=255.0 / max(1.0, float(array.max())))
            if array.ndim == 3 and array.shape[2] == 4:
                alpha = array[:, :, 3:4].astype(np.float32) / 255.0
                array = (array[:, :, :3] * alpha + 255 * (1 - alpha)).astype(np.uint8)  # over white paper
            # Kept for the next question about the same page only: a scan's pages are megabytes each.
            while len(self._pixels) >= _CACHED_IMAGES:
                self._pixels.pop(next(iter(self._pixels)))
            self._pixels[member] = np.ascontiguousarray(array)
        return self._pixels[member]


_ENCRYPTION_TAGS = {"Encryptions", "Encryption", "Encrypt", "EncryptInfo", "EncryptInfos"}


def open_ofd(path: Path, settings: Settings) -> OfdDocument:
    """Open an OFD package and list its pages, or raise an ExtractError saying why not."""
    name = str(path)
    check_file_size(path, settings)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise InvalidDocument(name, "not an OFD (an OFD is a zip archive; this is not one, or it is truncated)") from None
    doc = OfdDocument(path, archive, settings)
    try:
        _list_pages(doc)
    except BaseException:
        archive.close()
        raise
    if not doc.pages:
        archive.close()
        raise InvalidDocument(name, "the OFD has no pages")
    return doc


def _list_pages(doc: OfdDocument) -> None:
    entry = doc.member("OFD.xml", "")
    if not doc.has(entry):
        raise InvalidDocument(doc.name, "not an OFD (the archive has no OFD.xml)")
    root = doc.xml(entry)
    if _local(root) != "OFD":
        raise InvalidDocument(doc.name, f"not an OFD (OFD.xml holds <{_local(root)}>)")
    if any(_local(e) in _ENCRYPTION_TAGS for e in root.iter()) or any(
        posixpath.basename(n).lower().startswith("encrypt") for n in doc._members
    ):
        raise InvalidDocument(doc.name, "the OFD is encrypted (its content cannot be read without its key)")
    bodies = list(_children(root, "DocBody"))
    if not bodies:
        raise InvalidDocument(doc.name, "the OFD is damaged (OFD.xml has no DocBody)")
    for number, body in enumerate(bodies):
        doc_root = _child(body, "DocRoot")
        if doc_root is None or not (doc_root.text or "").strip():
            raise InvalidDocument(doc.name, f"the OFD is damaged (DocBody {number + 1} has no DocRoot)")
        _list_document(doc, number, doc.member(doc_root.text, entry))


def _list_document(doc: OfdDocument, number: int, document: str) -> None:
    root = doc.xml(document)
    common = _child(root, "CommonData")
    resources = _Resources()
    default_area = None
    templates: dict[str, tuple[str, str]] = {}  # ID -> (member, default ZOrder)
    if common is not None:
        default_area = _area(_child(common, "PageArea"))
        for tag in ("PublicRes", "DocumentRes"):
            for res in _children(common, tag):
                if (res.text or "").strip():
                    _read_resources(doc, doc.member(res.text, document), resources)
        for template in _children(common, "TemplatePage"):
            loc = template.get("BaseLoc")
            if loc:
                templates[template.get("ID", "")] = (doc.member(loc, document), template.get("ZOrder", "Background"))
    pages = _child(root, "Pages")
    for page in (_children(pages, "Page") if pages is not None else ()):
        loc = page.get("BaseLoc")
        if not loc:
            raise InvalidDocument(doc.name, f"the OFD is damaged (a page of {document} has no BaseLoc)")
        if len(doc.pages) >= doc.settings.max_pages:  # refused before every page is parsed
            raise LimitExceeded(doc.name, f"over {doc.settings.max_pages} pages, the limit")
        content = doc.member(loc, document)
        if not doc.has(content):
            raise InvalidDocument(doc.name, f"the OFD is damaged (page {len(doc.pages) + 1}: {content} is missing)")
        page_root = doc.xml(content)
        for res in _children(page_root, "PageRes"):
            if (res.text or "").strip():
                _read_resources(doc, doc.member(res.text, content), resources)
        background, foreground = [], []
        area = _area(_child(page_root, "Area"))
        for use in _children(page_root, "Template"):
            found = templates.get(use.get("TemplateID", ""))
            if found is None:
                raise InvalidDocument(doc.name, f"the OFD is damaged ({content} uses template {use.get('TemplateID')!r}, not declared)")
            member, default_order = found
            if not doc.has(member):
                raise InvalidDocument(doc.name, f"the OFD is damaged (template {member} is missing)")
            order = use.get("ZOrder", default_order)
            (foreground if order == "Foreground" else background).append(member)
            if area is None:
                area = _area(_child(doc.xml(member), "Area"))
        doc.pages.append(_PageRef(number, content, tuple(background), tuple(foreground), area or default_area, resources))


def _area(element) -> Optional[tuple[float, float, float, float]]:
    if element is None:
        return None
    for tag in ("PhysicalBox", "ApplicationBox"):
        found = _child(element, tag)
        if found is not None:
            box = _box(found.text)
            if box and box[2] > 0 and box[3] > 0:
                return box
    return None


def _read_resources(doc: OfdDocument, member: str, resources: _Resources) -> None:
    if not doc.has(member):
        raise InvalidDocument(doc.name, f"the OFD is damaged (resource file {member} is missing)")
    root = doc.xml(member)
    # Media files are relative to the Res's BaseLoc folder, itself relative to the Res file.
    base_loc = root.get("BaseLoc", "")
    folder = doc.member(base_loc, member) if base_loc else posixpath.dirname(member)
    for group in root:
        kind = _local(group)
        if kind == "MultiMedias":
            for media in _children(group, "MultiMedia"):
                file = _child(media, "MediaFile")
                if file is not None and (file.text or "").strip():
                    resources.media[media.get("ID", "")] = doc.member_in(file.text, folder)
        elif kind == "CompositeGraphicUnits":
            for unit in _children(group, "CompositeGraphicUnit"):
                resources.composites[unit.get("ID", "")] = unit
        elif kind == "DrawParams":
            for param in _children(group, "DrawParam"):
                if param.get("LineWidth"):
                    resources.line_widths[param.get("ID", "")] = float(param.get("LineWidth"))


# ---------------------------------------------------------------------------- page objects


def _draw_page(doc: OfdDocument, ref: _PageRef) -> Drawing:
    """The page's objects in points, in the frame where its text reads upright: a page whose
    text mostly runs down or up the paper (a table turned sideways onto the sheet) is turned
    as the PDF reader turns such a page (`pdf.page_frame`), so its glyphs get baselines and
    its rulings are horizontal and vertical as the table stages expect."""
    area = ref.area or (0.0, 0.0, 210.0, 297.0)  # no area anywhere: A4, the standard's example
    x0, y0, w_mm, h_mm = area
    width, height = w_mm * MM_TO_PT, h_mm * MM_TO_PT
    # Page mm (origin at the PhysicalBox's corner) -> points.
    page_matrix: Matrix = (MM_TO_PT, 0.0, 0.0, MM_TO_PT, -x0 * MM_TO_PT, -y0 * MM_TO_PT)
    drawing = _collect(doc, ref, page_matrix, width, height)
    votes: dict[int, int] = {}
    for glyph in drawing.glyphs:
        if glyph.visible:
            votes[glyph.angle] = votes.get(glyph.angle, 0) + 1
    angle = max(votes, key=votes.__getitem__) if votes else 0
    if angle == 0:
        return drawing
    # Turn the page against its text's direction (angles clockwise, y down): the text's
    # direction becomes +x, the page's corner stays at the origin.
    turn: Matrix = {90: (0.0, -1.0, 1.0, 0.0, 0.0, width),
                    180: (-1.0, 0.0, 0.0, -1.0, width, height),
                    270: (0.0, 1.0, -1.0, 0.0, height, 0.0)}[angle]
    turned = (height, width) if angle in (90, 270) else (width, height)
    return _collect(doc, ref, compose(page_matrix, turn), *turned)


def _collect(doc: OfdDocument, ref: _PageRef, page_matrix: Matrix, width: float, height: float) -> Drawing:
    drawing = _Collector(doc, ref.resources, width, height)
    for member in (*ref.background, ref.content, *ref.foreground):
        root = doc.xml(member)
        content = _child(root, "Content")
        if content is None:
            continue  # a blank page
        try:
            for layer in _children(content, "Layer"):
                drawing.block(layer, page_matrix, 0)
        except (ValueError, IndexError) as exc:  # a malformed number, a short attribute
            raise InvalidDocument(doc.name, f"the OFD is damaged ({member}: {exc})") from None
    return Drawing(drawing.width, drawing.height, tuple(drawing.glyphs), tuple(drawing.paths), tuple(drawing.images))


class _Collector:
    """Walks a page's objects, turning each into glyphs, paths and images in points."""

    def __init__(self, doc: OfdDocument, resources: _Resources, width: float, height: float):
        self.doc = doc
        self.resources = resources
        self.width = width
        self.height = height
        self.glyphs: list[DrawnGlyph] = []
        self.paths: list[DrawnPath] = []
        self.images: list[DrawnImage] = []

    def block(self, element, parent: Matrix, depth: int) -> None:
        if depth > _MAX_DEPTH:
            raise InvalidDocument(self.doc.name, f"the OFD nests page blocks deeper than {_MAX_DEPTH}")
        for child in element:
            kind = _local(child)
            if kind == "PageBlock":
                self.block(child, parent, depth + 1)
                continue
            if kind not in ("TextObject", "PathObject", "ImageObject", "CompositeObject"):
                continue
            if not _flag(child, "Visible", True):
                if kind == "TextObject":
                    self.text(child, self.matrix(child, parent), visible=False)
                continue
            matrix = self.matrix(child, parent)
            if kind == "TextObject":
                self.text(child, matrix, visible=int(float(child.get("Alpha", "255"))) > 0)
            elif kind == "PathObject":
                self.path(child, matrix)
            elif kind == "ImageObject":
                media = self.resources.media.get(child.get("ResourceID", ""))
                if media is not None:
                    self.images.append(DrawnImage(media, matrix))
            else:
                unit = self.resources.composites.get(child.get("ResourceID", ""))
                content = _child(unit, "Content") if unit is not None else None
                if content is not None:
                    self.block(content, matrix, depth + 1)

    @staticmethod
    def matrix(element, parent: Matrix) -> Matrix:
        """Object space -> CTM -> the Boundary's frame (origin at its top-left) -> parent."""
        boundary = _box(element.get("Boundary")) or (0.0, 0.0, 0.0, 0.0)
        ctm = _numbers(element.get("CTM"))
        own: Matrix = tuple(ctm) if len(ctm) == 6 else IDENTITY  # type: ignore[assignment]
        return compose(compose(own, _translate(boundary[0], boundary[1])), parent)

    def text(self, element, matrix: Matrix, visible: bool) -> None:
        size_mm = float(element.get("Size", "0") or 0)
        fill = _colour(_child(element, "FillColor"))
        rgb, alpha = fill if fill is not None else ((0, 0, 0), 255)
        filled, stroked = _flag(element, "Fill", True), _flag(element, "Stroke", False)
        if not filled and stroked:
            # Outlined text without a StrokeColor is drawn in the default, transparent.
            stroke = _colour(_child(element, "StrokeColor"))
            rgb, alpha = stroke if stroke is not None else ((0, 0, 0), 0)
        shown = visible and (filled or stroked) and alpha > 0 and min(rgb) < _WHITE
        h_scale = float(element.get("HScale", "1") or 1)
        scale = math.sqrt(abs(matrix[0] * matrix[3] - matrix[1] * matrix[2]))  # mm -> pt, with the CTM's zoom
        size_pt = size_mm * scale
        upright = abs(matrix[1]) < 1e-6 and abs(matrix[2]) < 1e-6 and matrix[0] > 0 and matrix[3] > 0
        # The direction the text runs on the page: where the object's x axis points.
        angle = round(math.degrees(math.atan2(matrix[1], matrix[0])) / 90) * 90 % 360
        x = y = 0.0
        for code in _children(element, "TextCode"):
            chars = code.text or ""
            x = float(code.get("X", x))
            y = float(code.get("Y", y))
            dx = deltas(code.get("DeltaX"), max(0, len(chars) - 1))
            dy = deltas(code.get("DeltaY"), max(0, len(chars) - 1))
            for i, char in enumerate(chars):
                if i:
                    # Offsets missing at the end of the list repeat its last value; without
                    # any DeltaX the characters follow by their own (estimated) advance.
                    step = dx[i - 1] if i - 1 < len(dx) else (dx[-1] if dx else _advance(chars[i - 1], size_mm, h_scale))
                    x += step
                    y += dy[i - 1] if i - 1 < len(dy) else 0.0
                if ord(char) <= 0x20 or char == "\u3000":
                    continue
                advance = _advance(char, size_mm, h_scale)
                if i + 1 < len(chars) and i < len(dx) and 0 < dx[i] < advance:
                    advance = dx[i]  # tighter spacing than the estimate: the next glyph starts there
                corners = [apply(matrix, cx, cy) for cx, cy in (
                    (x, y - _ASCENT * size_mm), (x + advance, y - _ASCENT * size_mm),
                    (x, y + _DESCENT * size_mm), (x + advance, y + _DESCENT * size_mm))]
                xs, ys = [p[0] for p in corners], [p[1] for p in corners]
                box = BBox(min(xs), min(ys), max(xs), max(ys))
                origin = apply(matrix, x, y)
                self.glyphs.append(DrawnGlyph(
                    char, box, origin[1] if upright else None, size_pt, origin, rgb,
                    shown and size_pt > 0, angle,
                ))

    def path(self, element, matrix: Matrix) -> None:
        stroked, filled = _flag(element, "Stroke", True), _flag(element, "Fill", False)
        stroke = _colour(_child(element, "StrokeColor")) or ((0, 0, 0), 255)
        fill = _colour(_child(element, "FillColor")) or ((0, 0, 0), 255)
        stroked = stroked and stroke[1] > 0
        filled = filled and fill[1] > 0
        if not (stroked or filled):
            return
        width_mm = element.get("LineWidth")
        if width_mm is None:
            width_mm = self.resources.line_widths.get(element.get("DrawParam", ""), _DEFAULT_LINE_WIDTH_MM)
        scale = math.sqrt(abs(matrix[0] * matrix[3] - matrix[1] * matrix[2]))
        data = _child(element, "AbbreviatedData")
        if data is None or not (data.text or "").strip():
            return
        subpaths, straight, closed = _outline(data.text, matrix)
        self.paths.append(DrawnPath(
            tuple(tuple(s) for s in subpaths), tuple(straight), tuple(closed), stroked, filled,
            float(width_mm) * scale, stroke[0], fill[0],
        ))


def _advance(char: str, size_mm: float, h_scale: float) -> float:
    wide = unicodedata.east_asian_width(char) in ("W", "F")
    return size_mm * h_scale * (1.0 if wide else 0.5)


_OPERANDS = {"S": 2, "M": 2, "L": 2, "Q": 4, "B": 6, "A": 7, "C": 0, "Z": 0}


# Operators and numbers; producers separate them by spaces, some by commas or not at all ("M0 0L5 0").
_PATH_TOKEN = re.compile(r"[A-Za-z]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _outline(text: str, matrix: Matrix) -> tuple[list[list[tuple[float, float]]], list[bool], list[bool]]:
    """AbbreviatedData (GB/T 33190 §9.1, table 36) as subpaths of page points. Curves (Q,
    B) are flattened and mark their subpath as curved; an arc (A) is drawn as its chord and
    marks it too: neither is ever a ruling."""
    tokens = _PATH_TOKEN.findall(text)
    subpaths: list[list[tuple[float, float]]] = []
    straight: list[bool] = []
    closed: list[bool] = []
    current = (0.0, 0.0)
    start = current
    i = 0

    def begin(point: tuple[float, float]) -> None:
        subpaths.append([apply(matrix, *point)])
        straight.append(True)
        closed.append(False)

    while i < len(tokens):
        op = tokens[i]
        if op not in _OPERANDS:
            raise ValueError(f"unknown path operator {op!r}")
        count = _OPERANDS[op]
        args = [float(t) for t in tokens[i + 1:i + 1 + count]]
        if len(args) != count:
            raise ValueError(f"path operator {op} needs {count} numbers")
        i += 1 + count
        if op in ("S", "M"):
            current = start = (args[0], args[1])
            begin(current)
            continue
        if not subpaths:
            begin(current)
        if op == "L":
            current = (args[0], args[1])
            subpaths[-1].append(apply(matrix, *current))
        elif op in ("Q", "B"):
            points = [current] + [(args[k], args[k + 1]) for k in range(0, count, 2)]
            for step in range(1, _CURVE_STEPS + 1):
                subpaths[-1].append(apply(matrix, *_bezier(points, step / _CURVE_STEPS)))
            current = points[-1]
            straight[-1] = False
        elif op == "A":
            current = (args[5], args[6])
            subpaths[-1].append(apply(matrix, *current))
            straight[-1] = False
        else:  # C, Z: close back to the subpath's start
            subpaths[-1].append(apply(matrix, *start))
            closed[-1] = True
            current = start
            begin(current)
    keep = [k for k, s in enumerate(subpaths) if len(s) >= 2]
    return [subpaths[k] for k in keep], [straight[k] for k in keep], [closed[k] for k in keep]


def _bezier(points: list[tuple[float, float]], t: float) -> tuple[float, float]:
    while len(points) > 1:
        points = [((1 - t) * a[0] + t * b[0], (1 - t) * a[1] + t * b[1]) for a, b in zip(points, points[1:])]
    return points[0]


# ---------------------------------------------------------------------------- what the pipeline asks


def check_page_size(doc: OfdDocument, name: str, index: int, settings: Settings) -> None:
    ref = doc.pages[index]
    area = ref.area or (0.0, 0.0, 210.0, 297.0)
    width, height = area[2] * MM_TO_PT, area[3] * MM_TO_PT
    if max(width, height) > settings.max_page_side_pt or min(width, height) <= 0:
        raise LimitExceeded(name, f"page {index + 1} is {width:.0f} x {height:.0f} pt, outside the page-size limit")


def read_checked_page(
    doc: OfdDocument, name: str, index: int, settings: Settings, with_images: bool
) -> tuple[PageContent, Optional[PageImages]]:
    """The pipeline's visit to a page, as `pdf.read_checked_page`: size check, text and
    rulings, and (for the scan decision) its pictures."""
    check_page_size(doc, name, index, settings)
    return read_page(doc, index, settings), (page_images(doc, index) if with_images else None)


def read_page(doc: OfdDocument, index: int, settings: Settings) -> PageContent:
    drawing = doc.drawing(index)
    boxes: list[TextBox] = []
    hidden = 0
    for glyph in drawing.glyphs:
        box = glyph.box
        off_page = box.x1 < 0 or box.bottom < 0 or box.x0 > drawing.width or box.top > drawing.height
        if not glyph.visible or glyph.size_pt < settings.min_font_size_pt or off_page:
            hidden += 1
            continue
        boxes.append(TextBox(glyph.text, box, 1.0, "text", baseline=glyph.baseline))
    return PageContent(
        number=index + 1,
        width=drawing.width,
        height=drawing.height,
        boxes=tuple(boxes),
        rulings=tuple(_rulings(drawing.paths, settings)),
        source="text",
        hidden_glyphs=hidden,
    )


def _rulings(paths: tuple[DrawnPath, ...], settings: Settings) -> Iterator[Segment]:
    """Axis-aligned ruling lines, by the PDF reader's rules (`pdf._rulings`): a thin
    subpath (a hairline or a thin filled box) is one ruling along its length; a stroked
    outline gives one ruling per axis-aligned edge."""
    max_w = settings.max_ruling_width_pt
    for path in paths:
        stroked = path.stroked and path.line_width_pt <= max_w
        for points, straight in zip(path.subpaths, path.straight):
            if straight:
                yield from subpath_rulings(points, max_w, stroked)


def _image_bounds(image: DrawnImage) -> BBox:
    corners = [apply(image.matrix, u, v) for u, v in ((0, 0), (1, 0), (0, 1), (1, 1))]
    xs, ys = [p[0] for p in corners], [p[1] for p in corners]
    return BBox(min(xs), min(ys), max(xs), max(ys))


def page_images(doc: OfdDocument, index: int) -> PageImages:
    drawing = doc.drawing(index)
    covered = 0.0
    best_area, best_dpi = 0.0, 0.0
    for image in drawing.images:
        bounds = _image_bounds(image)
        area = bounds.width * bounds.height
        covered += area
        if area > best_area:
            long_px, long_pt = max(doc.image_size(image.member)), max(bounds.width, bounds.height)
            best_area, best_dpi = area, (long_px / (long_pt / 72.0) if long_pt else 0.0)
    page_area = drawing.width * drawing.height
    return PageImages(min(1.0, covered / page_area) if page_area else 0.0, best_dpi)


def outlined_glyphs(doc: OfdDocument, index: int) -> int:
    """Filled paths of a glyph's size on the page: text drawn as outlines (read.pdf's
    `outlined_glyphs`, the same sizes)."""
    from .pdf import GLYPH_MAX_PT, GLYPH_MIN_PT

    found = 0
    for path in doc.drawing(index).paths:
        points = [point for subpath in path.subpaths for point in subpath]
        if not path.filled or not points:
            continue
        xs, ys = [x for x, _ in points], [y for _, y in points]
        w, h = max(xs) - min(xs), max(ys) - min(ys)
        found += max(w, h) <= GLYPH_MAX_PT and min(w, h) >= GLYPH_MIN_PT
    return found


def table_pictures(doc: OfdDocument, index: int, page: PageContent, settings: Settings) -> Iterator[tuple[np.ndarray, BBox]]:
    """The pictures on page `index` that may hold a table (pasted as a screenshot into a
    text page), one at a time, as `picture.table_pictures` gives them for a PDF page: each
    one's pixels as displayed and where it is displayed in the page frame."""
    from .picture import axis_aligned, may_hold_table

    drawing = doc.drawing(index)
    for image in drawing.images:
        # The image's columns run along (a, b) on the page, its rows along (c, d).
        a, b, c, d, _, _ = image.matrix
        if not axis_aligned((a, b), (c, d)):
            continue  # placed at an angle: not read, as in a PDF
        rect = _image_bounds(image)
        if may_hold_table(rect, doc.image_size(image.member), page, settings.min_text_glyphs):
            yield _as_displayed(doc.pixels(image.member), (a, b), (c, d)), rect


def _as_displayed(pixels: np.ndarray, across: tuple[float, float], down: tuple[float, float]) -> np.ndarray:
    """An axis-aligned image's pixels turned and flipped as it is displayed on the page."""
    if abs(across[0]) >= abs(across[1]):  # columns run along x
        out, column_step, row_step = pixels, across[0], down[1]
    else:  # a quarter turn: columns run along y
        out, column_step, row_step = np.swapaxes(pixels, 0, 1), down[0], across[1]
    if column_step < 0:
        out = out[:, ::-1]
    if row_step < 0:
        out = out[::-1]
    return np.ascontiguousarray(out)


def _sole_page_image(drawing: Drawing) -> Optional[DrawnImage]:
    """The page's one image when it is all the page shows, upright and covering the page
    (how scanners write OFD), else None."""
    if len(drawing.images) != 1 or drawing.paths or any(g.visible for g in drawing.glyphs):
        return None
    image = drawing.images[0]
    a, b, c, d, _, _ = image.matrix
    bounds = _image_bounds(image)
    covers = max(abs(bounds.x0), abs(bounds.top), abs(bounds.x1 - drawing.width),
                 abs(bounds.bottom - drawing.height)) <= _PAGE_COVER_SLACK_PT
    return image if not b and not c and a > 0 and d > 0 and covers else None


def scanned_page_file(doc: OfdDocument, index: int) -> Optional[tuple[bytes, float, float]]:
    """A scanned page as stored: its one image file's own bytes (the MultiMedia member, not
    decoded) and the page's width and height in points, when the page is that image alone
    covering it; else None (a page of text, paths or several images)."""
    drawing = doc.drawing(index)
    image = _sole_page_image(drawing)
    if image is None:
        return None
    return doc.read(image.member, doc.settings.max_file_bytes), drawing.width, drawing.height


def page_image_files(doc: OfdDocument, index: int) -> list[bytes]:
    """The page's images as stored in the package (their members' own bytes), in draw order."""
    return [doc.read(image.member, doc.settings.max_file_bytes) for image in doc.drawing(index).images]


def scanned_page_image(doc: OfdDocument, index: int, images: PageImages, min_dpi: float, max_dpi: float):
    """The page at the resolution it was scanned at: the image's own pixels when the page
    is one upright image covering it (how scanners write OFD), else a rendering at the
    image's resolution clamped to [min_dpi, max_dpi] (see `pdf.scanned_page_image`)."""
    from ..page import PageImage

    drawing = doc.drawing(index)
    image = _sole_page_image(drawing)
    if image is not None:
        pixels = doc.pixels(image.member)
        px_h, px_w = pixels.shape[:2]
        dpi_x, dpi_y = px_w / (drawing.width / 72.0), px_h / (drawing.height / 72.0)
        if abs(dpi_x - dpi_y) <= _SQUARE_PIXELS * dpi_x and (1 - _SQUARE_PIXELS) * min_dpi <= dpi_x <= (1 + _SQUARE_PIXELS) * max_dpi:
            return PageImage(index + 1, pixels.copy(), (dpi_x + dpi_y) / 2)
    return render_page(doc, index, min(max(images.native_dpi, min_dpi), max_dpi))


def render_page(doc: OfdDocument, index: int, dpi: float):
    """The page drawn from its content as a BGR array (images, paths, then text in a CJK
    font from the system, or glyph boxes without one): for a reviewer's crop, the debug
    pictures and the scan path of a page that is not one plain image."""
    from ..page import PageImage

    from .ofd_render import render

    return PageImage(index + 1, render(doc.pixels, doc.drawing(index), dpi), dpi)
