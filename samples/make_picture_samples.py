"""Digital reports whose table 三 is a picture pasted into the page (a screenshot of the
table), the rest of every page keeping its text layer.

    python samples/make_picture_samples.py          # writes samples/<name>.pdf + .expected.json

Each picture sample is made from a generated digital sample: every page fragment of table
三 is rendered with pypdfium2 (at the DPI given per fragment), the fragment's drawing
operations (its text and rulings) are removed from the page's content stream with pypdf,
and the rendering is drawn in their place as an image XObject, scaled to the fragment's
size. The expected JSON is the source sample's, unchanged.

The content-stream surgery relies on how LibreOffice writes pages: every text run and
every ruling is its own `q ... Q` group with absolute coordinates (`Td`/`Tm`, `m`/`l`,
`re`). pdfium's own page editing is not used: regenerating a page's content with it
mixes up the glyphs of LibreOffice's CJK font subsets.

Deterministic: same source PDF, pypdfium2 and pypdf versions give the same bytes.
tests/test_picture_tables.py imports `replace_with_pictures` to build its own variants.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ContentStream,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
)

HERE = Path(__file__).resolve().parent

# Labels that only table 三 prints (its fragments on every page it spans).
_APPLICATION_WORDS = ("申请人情况", "办理结果", "予以公开", "新收到", "结转下年度", "无法提供", "不予处理")


@dataclass(frozen=True)
class Region:
    """A rectangle of one page in the display frame (points, top-left origin)."""

    page: int  # 0-based
    x0: float
    top: float
    x1: float
    bottom: float


def application_regions(path: Path, pad: float = 2.0) -> list[Region]:
    """Where table 三 is printed: one rectangle per page fragment (the ruled grid, padded)."""
    from extract.read import pdf
    from extract.settings import DEFAULT_SETTINGS
    from extract.tables.grid import grids_on_page

    doc = pdfium.PdfDocument(str(path))
    try:
        regions = []
        for index in range(len(doc)):
            page = pdf.read_page(doc, index, DEFAULT_SETTINGS)
            for grid in grids_on_page(page, DEFAULT_SETTINGS):
                text = "".join(c.text for c in grid.cells).replace("\n", "")
                if "行政复议" not in text and any(w in text for w in _APPLICATION_WORDS):
                    b = grid.bbox
                    regions.append(Region(index, b.x0 - pad, b.top - pad, b.x1 + pad, b.bottom + pad))
        return regions
    finally:
        doc.close()


def render_region(doc: pdfium.PdfDocument, region: Region, dpi: float) -> np.ndarray:
    """The region of the page as RGB pixels at `dpi` (what a screenshot of it would hold)."""
    page = doc[region.page]
    try:
        width, height = page.get_size()
        bitmap = page.render(
            scale=dpi / 72.0,
            crop=(region.x0, height - region.bottom, width - region.x1, region.top),
            rev_byteorder=True,
        )
        return np.ascontiguousarray(bitmap.to_numpy()[:, :, :3])
    finally:
        page.close()


def _group_points(ops: list) -> list[tuple[float, float]]:
    """Absolute user-space points a leaf `q ... Q` group draws at."""
    points = []
    for operands, op in ops:
        nums = [float(v) for v in operands if isinstance(v, (int, float)) or hasattr(v, "as_numeric")]
        if op in (b"m", b"l", b"Td") and len(nums) == 2:
            points.append((nums[0], nums[1]))
        elif op == b"re" and len(nums) == 4:
            x, y, w, h = nums
            points += [(x, y), (x + w, y + h)]
        elif op == b"Tm" and len(nums) == 6:
            points.append((nums[4], nums[5]))
        elif op == b"cm":
            return []  # a transformed group: coordinates are not absolute, keep it
    return points


def _image_xobject(rgb: np.ndarray) -> DecodedStreamObject:
    h, w = rgb.shape[:2]
    stream = DecodedStreamObject()
    stream.set_data(rgb.tobytes())
    stream.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(w),
            NameObject("/Height"): NumberObject(h),
            NameObject("/ColorSpace"): NameObject("/DeviceRGB"),
            NameObject("/BitsPerComponent"): NumberObject(8),
        }
    )
    return stream.flate_encode(level=9)


def replace_with_pictures(
    src: Path,
    dest: Path,
    regions: list[Region],
    dpis: list[float],
    extra_pictures: list[tuple[int, tuple[float, float, float, float], np.ndarray]] = (),
) -> None:
    """Copy `src` to `dest` with every region's drawing replaced by a picture of it rendered
    at its dpi. `extra_pictures` (page, (x0, top, x1, bottom) in points, RGB pixels) are
    drawn on top of the pages as well (photos, logos)."""
    source = pdfium.PdfDocument(str(src))
    try:
        pictures = [render_region(source, r, dpi) for r, dpi in zip(regions, dpis, strict=True)]
    finally:
        source.close()
    reader = PdfReader(str(src))
    writer = PdfWriter(clone_from=reader)
    placed: dict[int, list[tuple[tuple[float, float, float, float], np.ndarray, bool]]] = {}
    for region, pixels in zip(regions, pictures):
        placed.setdefault(region.page, []).append(((region.x0, region.top, region.x1, region.bottom), pixels, True))
    for page_index, box, pixels in extra_pictures:
        placed.setdefault(page_index, []).append((box, pixels, False))

    for page_index, items in sorted(placed.items()):
        page = writer.pages[page_index]
        height = float(page.mediabox.height)
        content = ContentStream(page.get_contents(), writer)
        resources = page["/Resources"]
        if "/XObject" not in resources:
            resources[NameObject("/XObject")] = DictionaryObject()
        xobjects = resources["/XObject"]
        if hasattr(xobjects, "get_object"):
            xobjects = xobjects.get_object()
        draws = []
        for k, ((x0, top, x1, bottom), pixels, _) in enumerate(items):
            name = f"/Pic{page_index}x{k}"
            xobjects[NameObject(name)] = writer._add_object(_image_xobject(pixels))
            draws += [
                ([], b"q"),
                ([_num(x1 - x0), _num(0), _num(0), _num(bottom - top), _num(x0), _num(height - bottom)], b"cm"),
                ([NameObject(name)], b"Do"),
                ([], b"Q"),
            ]
        cut = [(x0, height - bottom, x1, height - top) for (x0, top, x1, bottom), _, drop in items if drop]
        content.operations = _without_regions(content.operations, cut, draws)
        page.replace_contents(content)
    writer.add_metadata({"/Producer": "make_picture_samples.py"})
    with open(dest, "wb") as fh:
        writer.write(fh)


def _num(v: float) -> FloatObject:
    return FloatObject(round(v, 3))


def _without_regions(operations: list, cut: list[tuple[float, float, float, float]], draws: list) -> list:
    """The operations with every leaf `q ... Q` group that draws only inside a cut box
    (user space: left, bottom, right, top) removed; `draws` go where the first removed
    group was (or at the end), so the pictures keep the table's place in the page's order."""

    def inside(points) -> bool:
        return bool(points) and any(
            all(l <= x <= r and b <= y <= t for x, y in points) for l, b, r, t in cut
        )

    out: list = []
    stack: list[int] = []  # start index in `out` of each open q
    leaf: list[bool] = []
    inserted = False
    for operands, op in operations:
        if op == b"q":
            if leaf:
                leaf[-1] = False
            stack.append(len(out))
            leaf.append(True)
            out.append((operands, op))
            continue
        out.append((operands, op))
        if op == b"Q" and stack:
            start, is_leaf = stack.pop(), leaf.pop()
            if is_leaf and inside(_group_points(out[start:])):
                del out[start:]
                if not inserted and draws:
                    out += draws
                    inserted = True
    if not inserted:
        out += draws
    return out


# name -> (source sample, DPI of each page fragment of 三). Different DPIs on purpose: a
# picture shrunk to fit the page (200 dpi), one at 150 dpi, one pasted near screen resolution (120 dpi).
SAMPLES = {"r2021-picture-table-01": ("r2021-split-fullwidth-01", [200.0, 150.0, 120.0])}


def main() -> int:
    for name, (source_name, dpis) in SAMPLES.items():
        src = HERE / f"{source_name}.pdf"
        regions = application_regions(src)
        if len(regions) != len(dpis):
            print(f"{name}: {len(regions)} fragments of 三 in {src.name}, expected {len(dpis)}", file=sys.stderr)
            return 1
        dest = HERE / f"{name}.pdf"
        replace_with_pictures(src, dest, regions, dpis)
        shutil.copyfile(HERE / f"{source_name}.expected.json", HERE / f"{name}.expected.json")
        digest = hashlib.sha256(dest.read_bytes()).hexdigest()[:16]
        print(f"{dest.name}: {dest.stat().st_size} bytes, sha256 {digest}, pictures on pages {[r.page + 1 for r in regions]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
