"""OFD samples (GB/T 33190, 版式文档) written from the committed digital and scanned samples.

    python samples/make_ofd.py          # writes samples/ofd/<name>.ofd + .expected.json

Each OFD holds the text and ruling lines of a sample PDF (read with pypdfium2: every
character's origin and font size, and the rulings the PDF reader finds), so its expected
JSON is the source's. The packages follow the layout and element names real producers
(ofdrw, Suwell, Foxit) write: OFD.xml -> DocBody/DocInfo + DocRoot -> Doc_N/Document.xml
(CommonData: MaxUnitID, PageArea/PhysicalBox, PublicRes, DocumentRes, TemplatePage; Pages)
-> Doc_N/Pages/Page_K/Content.xml (Content/Layer Type="Body" with TextObject/TextCode,
PathObject/AbbreviatedData, ImageObject), resources in PublicRes.xml/DocumentRes.xml with
media under Res/. Fonts are referenced by name and not embedded (as ofdrw does for system
fonts), so a reader must not need them. Units are millimetres, origin top-left.

Variants:
- ``ofd-lines-<src>``: one TextObject per text line, DeltaX compressed with ``g N v``;
  rulings as stroked PathObjects (``M 0 0 L x y``).
- ``ofd-chars-<src>``: one TextObject per character; rulings as thin filled rectangles
  (``M ... L ... C``, Fill true, Stroke false), as WPS-like producers draw cell borders.
- ``ofd-ctm-<src>``: everything scaled by 0.8 and shifted by CTMs on the TextObjects and
  PathObjects, inside nested PageBlocks.
- ``ofd-turned-<src>``: every page laid sideways on landscape paper (CTM "0 1 -1 0 h 0":
  the text runs down the sheet), as a table turned onto the page; read turned back.
- ``ofd-picture-<src>``: a sample whose table 三 is pasted as pictures: the pictures as
  PNG ImageObjects (MultiMedia in DocumentRes) beside the text layer.
- ``ofd-twodocs-<src>``: the pages split over two documents (two DocBody), each with a
  TemplatePage (a header drawn under every page, ZOrder Background).
- ``ofd-volume-2``: two reports in one OFD (per-line text), expected as a volume.
- ``ofd-scan-<src>``: a scanned sample's JPEG page images, unchanged, as ImageObjects over
  MultiMedia resources (no text).

Deterministic: same sources and pypdfium2 give the same bytes (fixed zip timestamps, IDs
from the page order). Needs pypdfium2, lxml and the extract package (for the rulings).
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from lxml import etree

HERE = Path(__file__).resolve().parent
OUT = HERE / "ofd"
NS = "http://www.ofdspec.org/2016"
PT_TO_MM = 25.4 / 72.0
# Ruling line width as producers draw table borders: 0.25 mm (about 0.7 pt).
LINE_MM = 0.25
# The header of the template page: small grey text above the body.
HEADER = "信息公开专栏"


def q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def fmt(value: float) -> str:
    """Numbers as producers print them: up to 3 decimals, no trailing zeros."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# ---------------------------------------------------------------------------- reading a PDF


@dataclass(frozen=True)
class Char:
    text: str
    x: float  # origin, mm from the page's left
    y: float  # baseline, mm from the page's top
    size: float  # font size, mm


@dataclass(frozen=True)
class Rule:
    orientation: str  # "h" | "v"
    position: float  # mm
    start: float
    end: float


@dataclass(frozen=True)
class SourcePage:
    width: float  # mm
    height: float
    lines: tuple[tuple[Char, ...], ...]
    rules: tuple[Rule, ...]
    # Pictures: (x, y, width, height) in mm and the image as a grey PNG.
    pictures: tuple[tuple[tuple[float, float, float, float], bytes], ...] = ()


def read_pdf(path: Path) -> list[SourcePage]:
    """Every visible character with its origin and size, grouped into lines (one text
    object's run on one baseline), and the page's rulings, in millimetres, top-left origin."""
    from extract.read import pdf as reader
    from extract.settings import DEFAULT_SETTINGS

    doc = pdfium.PdfDocument(str(path))
    pages = []
    try:
        for index in range(len(doc)):
            page = doc[index]
            width, height = page.get_size()
            textpage = page.get_textpage()
            raw = textpage.raw
            x, y = ctypes.c_double(), ctypes.c_double()
            lines: list[list[Char]] = []
            last_key = None
            for i in range(pdfium_c.FPDFText_CountChars(raw)):
                code = pdfium_c.FPDFText_GetUnicode(raw, i)
                if code <= 0x20 or pdfium_c.FPDFText_IsGenerated(raw, i) == 1:
                    continue
                pdfium_c.FPDFText_GetCharOrigin(raw, i, x, y)
                size = pdfium_c.FPDFText_GetFontSize(raw, i)
                char = Char(chr(code), x.value * PT_TO_MM, (height - y.value) * PT_TO_MM, size * PT_TO_MM)
                # One line: the same baseline and size, left to right, no gap wider than
                # two ems (a table cell's text ends where the gap to the next cell begins).
                key = (round(char.y, 2), round(char.size, 3))
                if lines and key == last_key and 0 < char.x - lines[-1][-1].x < 2 * char.size:
                    lines[-1].append(char)
                else:
                    lines.append([char])
                last_key = key
            textpage.close()
            page.close()
            content = reader.read_page(doc, index, DEFAULT_SETTINGS)
            rules = tuple(Rule(s.orientation, s.position * PT_TO_MM, s.start * PT_TO_MM, s.end * PT_TO_MM) for s in content.rulings)
            pages.append(SourcePage(width * PT_TO_MM, height * PT_TO_MM, tuple(tuple(l) for l in lines), rules,
                                    _pictures(doc[index], height)))
    finally:
        doc.close()
    return pages


def _pictures(page, height: float) -> tuple:
    """The page's upright pictures (a table pasted as a screenshot): where they are (mm,
    top-left origin) and their pixels, losslessly as grey PNG (the screenshots are grey)."""
    import cv2

    out = []
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=3):
        left, bottom, right, top = obj.get_bounds()
        pixels = obj.get_bitmap(render=False).to_numpy()
        grey = cv2.cvtColor(pixels[:, :, :3], cv2.COLOR_BGR2GRAY) if pixels.ndim == 3 else pixels
        ok, png = cv2.imencode(".png", grey, [cv2.IMWRITE_PNG_COMPRESSION, 9])
        if not ok:
            raise SystemExit("cannot encode a picture as PNG")
        box = (left * PT_TO_MM, (height - top) * PT_TO_MM, (right - left) * PT_TO_MM, (top - bottom) * PT_TO_MM)
        out.append((box, png.tobytes()))
    page.close()
    return tuple(out)


def read_scan(path: Path) -> list[tuple[float, float, bytes]]:
    """(width mm, height mm, JPEG bytes) of every page of a scanned sample: its one image's
    own stream, not re-encoded."""
    doc = pdfium.PdfDocument(str(path))
    out = []
    try:
        for page in doc:
            width, height = page.get_size()
            images = [o for o in page.get_objects() if o.type == pdfium_c.FPDF_PAGEOBJ_IMAGE]
            if len(images) != 1 or images[0].get_filters() != ["DCTDecode"]:
                raise SystemExit(f"{path}: a page is not one JPEG image")
            out.append((width * PT_TO_MM, height * PT_TO_MM, bytes(images[0].get_data(decode_simple=False))))
    finally:
        doc.close()
    return out


# ---------------------------------------------------------------------------- writing OFD


def compress_deltas(values: list[float]) -> str:
    """DeltaX as producers write it: runs of one value as ``g N value``."""
    parts: list[str] = []
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and fmt(values[j + 1]) == fmt(values[i]):
            j += 1
        run = j - i + 1
        parts.append(f"g {run} {fmt(values[i])}" if run > 1 else fmt(values[i]))
        i = j + 1
    return " ".join(parts)


class Ids:
    def __init__(self) -> None:
        self.last = 0

    def __call__(self) -> str:
        self.last += 1
        return str(self.last)


@dataclass(frozen=True)
class Style:
    per_char: bool = False
    filled_rules: bool = False
    scale: float = 1.0  # CTM zoom (ofd-ctm)
    shift: tuple[float, float] = (0.0, 0.0)  # mm, after the zoom
    blocks: int = 0  # PageBlock nesting depth
    # ofd-turned: the page laid sideways on landscape paper (text running down the sheet);
    # the source page's height in mm, 0 for an upright page.
    turn_height: float = 0.0


def _ctm_boundary(style: Style, x: float, y: float, w: float, h: float) -> tuple[dict, str]:
    """Attributes placing an object whose own frame starts at page point (x, y): with a
    zoom, the object keeps its unscaled coordinates and a CTM scales them."""
    if style.turn_height:
        # Source (x, y) -> sheet (H - y, x): the Boundary is the turned box, and the CTM turns
        # the object's own coordinates into it (its x axis runs down the sheet).
        boundary = f"{fmt(style.turn_height - y - h)} {fmt(x)} {fmt(h)} {fmt(w)}"
        return {"CTM": f"0 1 -1 0 {fmt(h)} 0"}, boundary
    s = style.scale
    bx, by = x * s + style.shift[0], y * s + style.shift[1]
    boundary = f"{fmt(bx)} {fmt(by)} {fmt(w * s)} {fmt(h * s)}"
    return ({"CTM": f"{fmt(s)} 0 0 {fmt(s)} 0 0"} if s != 1.0 else {}), boundary


def add_text(parent, ids: Ids, chars: tuple[Char, ...], font_id: str, style: Style, colour: str = "0 0 0") -> None:
    size = chars[0].size
    x0, x1 = chars[0].x, chars[-1].x + size
    top = chars[0].y - size
    extra, boundary = _ctm_boundary(style, x0, top, x1 - x0, size * 1.3)
    obj = etree.SubElement(parent, q("TextObject"), ID=ids(), Boundary=boundary, Font=font_id, Size=fmt(size), **extra)
    if colour != "0 0 0":
        etree.SubElement(obj, q("FillColor"), Value=colour)
    code = etree.SubElement(obj, q("TextCode"), X=fmt(chars[0].x - x0), Y=fmt(chars[0].y - top))
    if len(chars) > 1:
        code.set("DeltaX", compress_deltas([b.x - a.x for a, b in zip(chars, chars[1:])]))
    code.text = "".join(c.text for c in chars)


def add_rule(parent, ids: Ids, rule: Rule, style: Style) -> None:
    half = LINE_MM / 2
    if rule.orientation == "h":
        x, y, length = rule.start, rule.position, rule.end - rule.start
        box = (x, y - half, length, LINE_MM)
        line = f"M 0 {fmt(half)} L {fmt(length)} {fmt(half)}"
        rect = f"M 0 0 L {fmt(length)} 0 L {fmt(length)} {fmt(LINE_MM)} L 0 {fmt(LINE_MM)} C"
    else:
        x, y, length = rule.position, rule.start, rule.end - rule.start
        box = (x - half, y, LINE_MM, length)
        line = f"M {fmt(half)} 0 L {fmt(half)} {fmt(length)}"
        rect = f"M 0 0 L {fmt(LINE_MM)} 0 L {fmt(LINE_MM)} {fmt(length)} L 0 {fmt(length)} C"
    extra, boundary = _ctm_boundary(style, *box)
    if style.filled_rules:
        obj = etree.SubElement(parent, q("PathObject"), ID=ids(), Boundary=boundary, Stroke="false", Fill="true", **extra)
        etree.SubElement(obj, q("FillColor"), Value="0 0 0")
        etree.SubElement(obj, q("AbbreviatedData")).text = rect
    else:
        obj = etree.SubElement(parent, q("PathObject"), ID=ids(), Boundary=boundary, LineWidth=fmt(LINE_MM), **extra)
        etree.SubElement(obj, q("StrokeColor"), Value="0 0 0")
        etree.SubElement(obj, q("AbbreviatedData")).text = line


def page_xml(ids: Ids, page: SourcePage, font_id: str, style: Style, template: str = "",
             picture_ids: tuple[str, ...] = ()) -> bytes:
    root = etree.Element(q("Page"), nsmap={"ofd": NS})
    if template:
        etree.SubElement(root, q("Template"), TemplateID=template, ZOrder="Background")
    area = etree.SubElement(root, q("Area"))
    width, height = (page.height, page.width) if style.turn_height else (page.width, page.height)
    etree.SubElement(area, q("PhysicalBox")).text = f"0 0 {fmt(width)} {fmt(height)}"
    content = etree.SubElement(root, q("Content"))
    holder = etree.SubElement(content, q("Layer"), ID=ids(), Type="Body")
    for _ in range(style.blocks):
        holder = etree.SubElement(holder, q("PageBlock"), ID=ids())
    for ((x, y, w, h), _), image_id in zip(page.pictures, picture_ids):
        # The image's unit square scaled by the CTM to the Boundary's size.
        etree.SubElement(holder, q("ImageObject"), ID=ids(), Boundary=f"{fmt(x)} {fmt(y)} {fmt(w)} {fmt(h)}",
                         CTM=f"{fmt(w)} 0 0 {fmt(h)} 0 0", ResourceID=image_id)
    for rule in page.rules:
        add_rule(holder, ids, rule, style)
    for line in page.lines:
        if style.per_char:
            for char in line:
                add_text(holder, ids, (char,), font_id, style)
        else:
            add_text(holder, ids, line, font_id, style)
    return _bytes(root)


def scan_page_xml(ids: Ids, width: float, height: float, image_id: str) -> bytes:
    root = etree.Element(q("Page"), nsmap={"ofd": NS})
    area = etree.SubElement(root, q("Area"))
    etree.SubElement(area, q("PhysicalBox")).text = f"0 0 {fmt(width)} {fmt(height)}"
    content = etree.SubElement(root, q("Content"))
    layer = etree.SubElement(content, q("Layer"), ID=ids(), Type="Body")
    # The image's unit square scaled to the page by its CTM, placed at the page's corner.
    etree.SubElement(layer, q("ImageObject"), ID=ids(), Boundary=f"0 0 {fmt(width)} {fmt(height)}",
                     CTM=f"{fmt(width)} 0 0 {fmt(height)} 0 0", ResourceID=image_id)
    return _bytes(root)


def template_xml(ids: Ids, font_id: str) -> bytes:
    root = etree.Element(q("Page"), nsmap={"ofd": NS})
    content = etree.SubElement(root, q("Content"))
    layer = etree.SubElement(content, q("Layer"), ID=ids(), Type="Background")
    size = 3.0
    chars = tuple(Char(c, 20.0 + k * size, 12.0, size) for k, c in enumerate(HEADER))
    add_text(layer, ids, chars, font_id, Style(), colour="128 128 128")
    return _bytes(root)


def _bytes(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@dataclass(frozen=True)
class DocumentSpec:
    pages: tuple[SourcePage, ...] = ()
    scans: tuple[tuple[float, float, bytes], ...] = ()
    style: Style = Style()
    template: bool = False


def write_ofd(path: Path, documents: list[DocumentSpec]) -> None:
    files: dict[str, bytes] = {}
    root = etree.Element(q("OFD"), nsmap={"ofd": NS}, Version="1.1", DocType="OFD")
    for number, spec in enumerate(documents):
        folder = f"Doc_{number}"
        body = etree.SubElement(root, q("DocBody"))
        info = etree.SubElement(body, q("DocInfo"))
        etree.SubElement(info, q("DocID")).text = hashlib.md5(f"{path.name}/{number}".encode()).hexdigest()
        etree.SubElement(info, q("Creator")).text = "extract samples/make_ofd.py"
        etree.SubElement(info, q("CreationDate")).text = "2026-12-04"
        etree.SubElement(body, q("DocRoot")).text = f"{folder}/Document.xml"
        ids = Ids()
        font_id = ids()
        public = etree.Element(q("Res"), nsmap={"ofd": NS}, BaseLoc="Res")
        fonts = etree.SubElement(public, q("Fonts"))
        # Referenced by name, not embedded: the reader must do without the font file.
        etree.SubElement(fonts, q("Font"), ID=font_id, FontName="宋体", FamilyName="宋体")
        files[f"{folder}/PublicRes.xml"] = _bytes(public)
        template_id = ""
        if spec.template:
            template_id = ids()
            files[f"{folder}/Tpls/Tpl_0/Content.xml"] = template_xml(ids, font_id)
        page_entries = []
        image_ids = []
        if spec.scans:
            document_res = etree.Element(q("Res"), nsmap={"ofd": NS}, BaseLoc="Res")
            medias = etree.SubElement(document_res, q("MultiMedias"))
            for k, (_, _, jpeg) in enumerate(spec.scans):
                image_id = ids()
                image_ids.append(image_id)
                media = etree.SubElement(medias, q("MultiMedia"), ID=image_id, Type="Image", Format="JPEG")
                etree.SubElement(media, q("MediaFile")).text = f"image_{image_id}.jpg"
                files[f"{folder}/Res/image_{image_id}.jpg"] = jpeg
            files[f"{folder}/DocumentRes.xml"] = _bytes(document_res)
            for k, (width, height, _) in enumerate(spec.scans):
                page_id = ids()
                files[f"{folder}/Pages/Page_{k}/Content.xml"] = scan_page_xml(ids, width, height, image_ids[k])
                page_entries.append((page_id, f"Pages/Page_{k}/Content.xml"))
            first = spec.scans[0][:2]
        else:
            document_res = etree.Element(q("Res"), nsmap={"ofd": NS}, BaseLoc="Res")
            medias = etree.SubElement(document_res, q("MultiMedias"))
            for k, page in enumerate(spec.pages):
                picture_ids = []
                for _, png in page.pictures:
                    image_id = ids()
                    picture_ids.append(image_id)
                    media = etree.SubElement(medias, q("MultiMedia"), ID=image_id, Type="Image", Format="PNG")
                    etree.SubElement(media, q("MediaFile")).text = f"image_{image_id}.png"
                    files[f"{folder}/Res/image_{image_id}.png"] = png
                page_id = ids()
                files[f"{folder}/Pages/Page_{k}/Content.xml"] = page_xml(
                    ids, page, font_id, spec.style, template_id, tuple(picture_ids))
                page_entries.append((page_id, f"Pages/Page_{k}/Content.xml"))
            if len(medias):
                files[f"{folder}/DocumentRes.xml"] = _bytes(document_res)
            first = (spec.pages[0].width, spec.pages[0].height)
            if spec.style.turn_height:
                first = first[::-1]
        document = etree.Element(q("Document"), nsmap={"ofd": NS})
        common = etree.SubElement(document, q("CommonData"))
        etree.SubElement(common, q("MaxUnitID")).text = str(ids.last)
        area = etree.SubElement(common, q("PageArea"))
        etree.SubElement(area, q("PhysicalBox")).text = f"0 0 {fmt(first[0])} {fmt(first[1])}"
        etree.SubElement(common, q("PublicRes")).text = "PublicRes.xml"
        if f"{folder}/DocumentRes.xml" in files:
            etree.SubElement(common, q("DocumentRes")).text = "DocumentRes.xml"
        if template_id:
            etree.SubElement(common, q("TemplatePage"), ID=template_id, BaseLoc="Tpls/Tpl_0/Content.xml")
        pages = etree.SubElement(document, q("Pages"))
        for page_id, loc in page_entries:
            etree.SubElement(pages, q("Page"), ID=page_id, BaseLoc=loc)
        files[f"{folder}/Document.xml"] = _bytes(document)
    files = {"OFD.xml": _bytes(root), **files}
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 12, 4, 0, 0, 0))
            # JPEGs are stored: deflating them gains nothing.
            info.compress_type = zipfile.ZIP_STORED if name.endswith((".jpg", ".png")) else zipfile.ZIP_DEFLATED
            archive.writestr(info, data)


# ---------------------------------------------------------------------------- the samples


def _expected(source: Path) -> dict:
    return json.loads(source.with_name(f"{source.stem}.expected.json").read_text(encoding="utf-8"))


def _write_expected(path: Path, expected) -> None:
    path.with_name(f"{path.stem}.expected.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )


SOURCES = {
    "lines": "r2019-basic-procurement-01",
    "chars": "r2022-nulls-slash-01",
    "ctm": "r2023-bignumbers-thousands-01",
    "twodocs": "r2024-pagebreak-exact-01",
    "turned": "r2020-wrap-bigfont-01",
    "picture": "r2021-picture-table-01",
}
VOLUME_MEMBERS = ("r2022-error-leaf-01", "r2024-zeros-small-01")
SCAN_SOURCE = "scan-r2022-other-single-01"


def build(out: Path = OUT) -> list[Path]:
    written = []
    styles = {"lines": Style(), "chars": Style(per_char=True, filled_rules=True),
              "ctm": Style(scale=0.8, shift=(15.0, 20.0), blocks=2)}
    for variant, name in SOURCES.items():
        source = HERE / f"{name}.pdf"
        pages = read_pdf(source)
        path = out / f"ofd-{variant}-{name}.ofd"
        if variant == "picture":
            documents = [DocumentSpec(tuple(pages))]
        elif variant == "turned":
            documents = [DocumentSpec(tuple(pages), style=Style(turn_height=pages[0].height))]
        elif variant == "twodocs":
            half = len(pages) // 2
            documents = [DocumentSpec(tuple(pages[:half]), template=True), DocumentSpec(tuple(pages[half:]), template=True)]
        else:
            documents = [DocumentSpec(tuple(pages), style=styles[variant])]
        write_ofd(path, documents)
        _write_expected(path, _expected(source))
        written.append(path)

    path = out / "ofd-volume-2.ofd"
    all_pages: list[SourcePage] = []
    expected = []
    for name in VOLUME_MEMBERS:
        source = HERE / f"{name}.pdf"
        pages = read_pdf(source)
        expected.append({**_expected(source), "source": {"file": path.name, "first_page": len(all_pages) + 1,
                                                         "last_page": len(all_pages) + len(pages)}})
        all_pages += pages
    write_ofd(path, [DocumentSpec(tuple(all_pages))])
    _write_expected(path, expected)
    written.append(path)

    source = HERE / "scanned" / f"{SCAN_SOURCE}.pdf"
    path = out / f"ofd-{SCAN_SOURCE}.ofd"
    write_ofd(path, [DocumentSpec(scans=tuple(read_scan(source)))])
    _write_expected(path, _expected(source))
    written.append(path)
    return written


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    for written in build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT):
        print(written.relative_to(HERE.parent) if written.is_relative_to(HERE.parent) else written, written.stat().st_size)
