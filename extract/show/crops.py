"""Cell crops: the piece of the page a value was read from, rendered again from the source
file, so nobody has to keep page images.

A cell record stores its page (1-based) and bbox `[x0, top, x1, bottom]` in PDF points
from the top-left corner of the page *in the frame it was read in*:

- a text page (and a table pasted as a picture into one): the page as displayed, turned
  by its text direction when /Rotate disagrees with it (`pdf.page_frame`);
- a scanned page (a PDF page read by OCR, or a page image): the page image turned upright,
  deskewed and, for a camera capture, flattened (`scanned_page.straighten`), at the
  resolution it was read at.

`DocumentCrops` puts each page into that same frame once (a few pages are cached) and
cuts any number of crops from it: `crop_png(page, bbox)` gives PNG bytes.

Scanned pages need the quarter turns that made them upright. The record does not store
them, so they are decided again the way the reading decided them first (the OCR engine
reads a few long lines); pass `page_turns` when they are known.

A record's pages are numbered as read: a two-page spread (scan/spread.py) is read as two
pages and numbers every later page on by one. The crops find each page's source page and
half again the way the reading cut them (a page of a spread's proportions, read by OCR, is
looked at by `split_spread`); a record read with `--pages` numbers its pages from the
selection's spreads only, which the crops cannot know.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional, Sequence

import numpy as np

from ..errors import ExtractError
from ..files import sha256_file
from ..settings import DEFAULT_SETTINGS, Settings

BBoxPt = Sequence[float]  # x0, top, x1, bottom in points, top-left origin

# Pixels per PDF point of the crops returned (2 = 144 dpi: 10.5 pt digits ~ 30 px high).
DEFAULT_SCALE = 2.0
# Points of page added around a cell's bbox, so the ruling around the value shows.
DEFAULT_MARGIN_PT = 3.0
# Pages kept rendered per document: a report's tables span two or three pages.
_CACHED_PAGES = 4


# Context crops (`DocumentCrops.context_png`): how far left of a table's first value column
# its row labels may print, and how far above its first value row its column headers (points).
LABEL_SPAN_PT = 260.0
HEADER_SPAN_PT = 110.0


def _mosaic(pieces, channels: int) -> np.ndarray:
    """Rows of crops side by side (None: blank), each row as high as its tallest piece and each
    column as wide as its widest, on white, with a grey 2-pixel seam between them."""
    heights = [max((p.shape[0] for p in row if p is not None), default=1) for row in pieces]
    widths = [max((row[i].shape[1] for row in pieces if row[i] is not None), default=1)
              for i in range(len(pieces[0]))]
    seam = 2
    shape = (sum(heights) + seam * (len(heights) - 1), sum(widths) + seam * (len(widths) - 1))
    canvas = np.full(shape + ((channels,) if channels else ()), 255, dtype=np.uint8)
    y = 0
    for r, row in enumerate(pieces):
        x = 0
        for c, piece in enumerate(row):
            if piece is not None:
                canvas[y:y + piece.shape[0], x:x + piece.shape[1]] = piece
            x += widths[c]
            if c < len(row) - 1:
                canvas[y:y + heights[r], x:x + seam] = 160
                x += seam
        y += heights[r]
        if r < len(pieces) - 1:
            canvas[y:y + seam, :] = 160
            y += seam
    return canvas


class CropError(Exception):
    """A crop cannot be made; `str()` is a one-line reason to show a person."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class SourceMissing(CropError):
    """The source file is not where it was, or is not the file the record was read from."""


@dataclass(frozen=True)
class PageRaster:
    """One page in the frame its bboxes were measured in: BGR pixels and their scale."""

    number: int
    image: np.ndarray
    px_per_pt: float
    scanned: bool

    def cut(self, bbox: BBoxPt, margin_pt: float = DEFAULT_MARGIN_PT) -> np.ndarray:
        """The pixels of bbox (points) grown by margin_pt, clipped to the page."""
        h, w = self.image.shape[:2]
        x0, top, x1, bottom = (float(v) for v in bbox)
        s = self.px_per_pt
        left = max(0, int(np.floor((x0 - margin_pt) * s)))
        upper = max(0, int(np.floor((top - margin_pt) * s)))
        right = min(w, int(np.ceil((x1 + margin_pt) * s)))
        lower = min(h, int(np.ceil((bottom + margin_pt) * s)))
        if right <= left or lower <= upper:
            raise ValueError(f"bbox {list(bbox)} lies outside page {self.number}")
        return self.image[upper:lower, left:right]


def find_source(file: str | Path, sha256: Optional[str] = None, folders: Sequence[str | Path] = ()) -> Path:
    """The source file of a record: `file` itself if it exists (and has `sha256`, when
    given), else a file of that name under `folders`, else (with sha256) any file under
    `folders` with that content. Raises SourceMissing saying where it looked."""
    path = Path(file)
    candidates = [path] if path.is_file() else []
    for folder in map(Path, folders):
        direct = folder / path.name
        if direct.is_file():
            candidates.append(direct)
        elif folder.is_dir():
            candidates += sorted(p for p in folder.rglob(path.name) if p.is_file())
    for candidate in candidates:
        if sha256 is None or sha256_file(candidate) == sha256:
            return candidate
    if sha256:
        size_unknown = [p for folder in map(Path, folders) if folder.is_dir() for p in sorted(folder.rglob("*"))
                        if p.is_file() and p.suffix.lower() == path.suffix.lower() and p not in candidates]
        for candidate in size_unknown:
            if sha256_file(candidate) == sha256:
                return candidate
    where = ", ".join(str(f) for f in folders) or "its path"
    if candidates:
        raise SourceMissing(str(file), f"the file found has changed since it was read (sha256 differs); looked in {where}")
    raise SourceMissing(str(file), f"source file not found (looked in {where})")


class DocumentCrops:
    """Crops of one source document, each page rendered once (a small LRU cache).

    `scale` is pixels per point of the crops returned. Use as a context manager, or call
    `close()`, to release the PDF."""

    def __init__(
        self,
        path: str | Path,
        *,
        scale: float = DEFAULT_SCALE,
        settings: Settings = DEFAULT_SETTINGS,
        page_turns: Optional[Mapping[int, int]] = None,
    ):
        self.path = Path(path)
        if not self.path.is_file():
            raise SourceMissing(str(path), "source file not found")
        self.scale = scale
        self.settings = settings
        # page -> quarter turns (counter-clockwise) of a scanned page: given, or decided once.
        self.page_turns = dict(page_turns or {})
        self._pages: OrderedDict[int, PageRaster] = OrderedDict()
        self._doc = None
        self._images = None  # page images of an image input, loaded once
        # Pages as read, in order: (source page, half of a two-page spread or None), found as
        # far as a page asked for (`_in_source`); sources looked at so far.
        self._read_pages: list[tuple[int, Optional[int]]] = []
        self._sources_seen = 0

    # ------------------------------------------------------------------ public

    def crop(self, page: int, bbox: BBoxPt, margin_pt: float = DEFAULT_MARGIN_PT) -> np.ndarray:
        """The BGR pixels of bbox on page (1-based), grown by margin_pt, at `scale` px/pt."""
        if page is None or bbox is None:  # a cell of a web page or Word file: no page image
            raise CropError(str(self.path), "the cell has no page image (read from markup)")
        raster = self.page(page)
        pixels = raster.cut(bbox, margin_pt)
        if abs(raster.px_per_pt - self.scale) > 1e-6:
            import cv2

            factor = self.scale / raster.px_per_pt
            size = (max(1, round(pixels.shape[1] * factor)), max(1, round(pixels.shape[0] * factor)))
            pixels = cv2.resize(pixels, size, interpolation=cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC)
        return pixels

    def crop_png(self, page: int, bbox: BBoxPt, margin_pt: float = DEFAULT_MARGIN_PT) -> bytes:
        """The crop as PNG bytes."""
        import cv2

        # Level 9: half the bytes of the default on a scan's grey, noisy paper; still lossless.
        ok, encoded = cv2.imencode(".png", self.crop(page, bbox, margin_pt), [cv2.IMWRITE_PNG_COMPRESSION, 9])
        if not ok:
            raise CropError(str(self.path), f"cannot encode the crop of page {page} as PNG")
        return encoded.tobytes()

    def context_png(self, page: int, bbox: BBoxPt, table_corner: tuple[float, float],
                    margin_pt: float = DEFAULT_MARGIN_PT) -> bytes:
        """The cell with its context, as PNG: a 2 x 2 mosaic of the table's corner, the
        cell's column header above it, its row label left of it, and the cell (framed red).
        `table_corner` is where the table's value cells start on the page (left, top in
        points, top-left origin): the labels print in the LABEL_SPAN_PT left of it, the
        headers in the HEADER_SPAN_PT above it (clipped to the page)."""
        import cv2

        x0, top, x1, bottom = (float(v) for v in bbox)
        left, upper = table_corner
        label = (max(0.0, left - LABEL_SPAN_PT), max(0.0, left - margin_pt))
        header = (max(0.0, upper - HEADER_SPAN_PT), max(0.0, upper - margin_pt))
        cell = self.crop(page, bbox, margin_pt).copy()  # a view of the cached page: never draw on it
        h, w = cell.shape[:2]
        cv2.rectangle(cell, (0, 0), (w - 1, h - 1), (40, 40, 220), 2)  # BGR: red frame
        pieces = []
        for ys, cell_row in ((header, False), ((top, bottom), True)):
            row = []
            for xs, cell_column in ((label, False), ((x0, x1), True)):
                if cell_row and cell_column:
                    row.append(cell)
                    continue
                if ys[1] - ys[0] < 1 or xs[1] - xs[0] < 1:
                    row.append(None)
                    continue
                row.append(self.crop(page, (xs[0], ys[0], xs[1], ys[1]), margin_pt if cell_row or cell_column else 0))
            pieces.append(row)
        mosaic = _mosaic(pieces, cell.shape[2] if cell.ndim == 3 else 0)
        ok, encoded = cv2.imencode(".png", mosaic, [cv2.IMWRITE_PNG_COMPRESSION, 9])
        if not ok:
            raise CropError(str(self.path), f"cannot encode the crop of page {page} as PNG")
        return encoded.tobytes()

    def page(self, number: int) -> PageRaster:
        """Page `number` (1-based) in its reading frame, rendered once."""
        if number in self._pages:
            self._pages.move_to_end(number)
            return self._pages[number]
        raster = self._render(number)
        self._pages[number] = raster
        while len(self._pages) > _CACHED_PAGES:
            self._pages.popitem(last=False)
        return raster

    def close(self) -> None:
        if self._doc is not None:
            self._doc.close()
            self._doc = None
        self._pages.clear()
        self._images = None

    def __enter__(self) -> "DocumentCrops":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ rendering

    def _render(self, number: int) -> PageRaster:
        from ..read.images import IMAGE_SUFFIXES

        try:
            if self.path.suffix.lower() in IMAGE_SUFFIXES:
                return self._render_image(number)
            if self.path.suffix.lower() == ".ofd":
                return self._render_ofd(number)
            return self._render_pdf(number)
        except CropError:
            raise
        except ExtractError as exc:
            raise CropError(str(self.path), exc.reason) from None
        except FileNotFoundError:
            raise SourceMissing(str(self.path), "source file not found") from None
        except Exception as exc:  # pdfium and OpenCV raise plain errors on a damaged page
            raise CropError(str(self.path), f"page {number} cannot be rendered: {exc or type(exc).__name__}") from None

    def _render_image(self, number: int) -> PageRaster:
        from ..read.images import load_image_pages
        from ..scan.spread import may_be_spread

        if self._images is None:
            self._images = load_image_pages(self.path, self.settings)
        images = self._images

        def scanned_image(source: int):
            # Only a page of a spread's proportions is decoded to be looked at for a cut.
            size = images.size(source - 1)
            return images[source - 1] if size is None or may_be_spread(*size) else None

        source, half = self._in_source(number, len(images), scanned_image)
        if source is None:
            raise CropError(str(self.path), f"page {number} does not exist (the image has {len(images)} pages)")
        return self._upright(_half(images[source - 1], half, number))

    def _in_source(self, number: int, sources: int, scanned_image) -> tuple[Optional[int], Optional[int]]:
        """(source page, half) of page `number` as read, (None, None) past the source's
        end. `scanned_image(source)` is that source page's image when it was read by OCR and
        has a spread's proportions (else None): only those are looked at for a cut."""
        from ..scan.spread import split_spread

        while len(self._read_pages) < number and self._sources_seen < sources:
            self._sources_seen += 1
            image = scanned_image(self._sources_seen)
            halves = len(split_spread(image)) if image is not None else 1
            if halves == 1:
                self._read_pages.append((self._sources_seen, None))
            else:
                self._read_pages += [(self._sources_seen, half) for half in range(halves)]
        if not 1 <= number <= len(self._read_pages):
            return None, None
        return self._read_pages[number - 1]

    def _paged(self, reader, open_document, kind: str, number: int):
        """(document, 0-based index, the upright page raster when the page was read by OCR,
        else None) for a page of a PDF or an OFD (`reader`: read.pdf or read.ofd, which
        share their page calls). A scanned page is cut from the pixels the pipeline read
        (the page's own image where it has one): the deskew and a camera capture's
        flattening are measured on them again, and must come out as they did when the page
        was read."""
        from ..read import pdf
        from ..scan.spread import may_be_spread

        if self._doc is None:
            self._doc = open_document(self.path, self.settings)
        doc = self._doc

        def scanned_image(source: int, spreads_only: bool = True):
            index = source - 1
            content = reader.read_page(doc, index, self.settings)
            if spreads_only and not may_be_spread(content.width, content.height):
                return None
            images = reader.page_images(doc, index)
            if not pdf.needs_ocr(content, images, self.settings, lambda: reader.outlined_glyphs(doc, index)):
                return None
            return reader.scanned_page_image(doc, index, images, self.settings.min_render_dpi,
                                             self.settings.max_render_dpi)

        source, half = self._in_source(number, len(doc), scanned_image)
        if source is None:
            raise CropError(str(self.path), f"page {number} does not exist (the {kind} has {len(doc)} pages)")
        image = scanned_image(source, spreads_only=False)
        if image is None:
            return doc, source - 1, None
        return doc, source - 1, self._upright(_half(image, half, number))

    def _render_ofd(self, number: int) -> PageRaster:
        """An OFD page drawn from its content (`read.ofd_render`); a scanned page as the
        pipeline read it (its image's own pixels), turned and deskewed."""
        from ..read import ofd

        doc, index, scanned = self._paged(ofd, ofd.open_ofd, "OFD", number)
        if scanned is not None:
            return scanned
        image = ofd.render_page(doc, index, self.scale * 72.0)
        return PageRaster(number, np.ascontiguousarray(image.image), self.scale, scanned=False)

    def _render_pdf(self, number: int) -> PageRaster:
        from ..read import pdf

        doc, index, scanned = self._paged(pdf, pdf.open_pdf, "PDF", number)
        if scanned is not None:
            return scanned
        page = doc[index]
        textpage = page.get_textpage()
        try:
            frame = pdf.page_frame(page, textpage)
            # pdfium renders the page as displayed (its /Rotate); a frame turned by the text
            # direction needs the difference on top (both clockwise).
            extra = (frame.rotation - page.get_rotation()) % 360
            bitmap = page.render(scale=self.scale, rotation=extra)
            array = bitmap.to_numpy()
        finally:
            textpage.close()
            page.close()
        if array.ndim == 3 and array.shape[2] == 4:
            array = array[:, :, :3]
        return PageRaster(number, np.ascontiguousarray(array), self.scale, scanned=False)

    def _upright(self, image) -> PageRaster:
        """A scanned page turned, deskewed and flattened (a camera capture's perspective and
        curl) as `scanned_page.straighten` does, in colour."""
        from ..scan.perspective import estimate_flattening
        from ..scan.pixels import (
            estimate_skew,
            ink_mask,
            rotate,
            to_gray_without_red,
            turn,
        )
        from ..scan.scanned_page import geometry_view

        pixels = image.image if image.image.ndim == 3 else np.dstack([image.image] * 3)
        turns = self.page_turns.get(image.number)
        if turns is None:
            # Kept: a page rendered again after leaving the cache is not decided again.
            turns = self.page_turns[image.number] = self._decide_turns(image)
        if turns % 4:
            pixels = turn(pixels, turns)
        gray = to_gray_without_red(pixels)
        # Measured as straighten measures it: on the page as scanned, at the geometry
        # resolution, its ink turned.
        small, small_dpi = geometry_view(to_gray_without_red(image.image), image.dpi)
        skew = estimate_skew(turn(ink_mask(small, small_dpi), turns), small_dpi)
        if abs(skew) >= 0.05:
            pixels = rotate(pixels, skew)
            gray = rotate(gray, skew)
        ink = ink_mask(gray, image.dpi)
        flattening = estimate_flattening(gray, ink, image.dpi)
        if flattening is not None:
            pixels = flattening.apply(pixels)
        return PageRaster(image.number, np.ascontiguousarray(pixels), image.dpi / 72.0, scanned=True)

    def _decide_turns(self, image) -> int:
        from ..scan.ocr import EngineUnavailable, get_engine
        from ..scan.pixels import ink_mask, to_gray_without_red
        from ..scan.scanned_page import geometry_view, upright_turns

        try:
            engine = get_engine(self.settings.ocr_engine, self.settings.ocr_threads)
        except EngineUnavailable as exc:
            raise CropError(str(self.path), f"cannot turn the scanned page upright: {exc}") from None
        gray, dpi = geometry_view(to_gray_without_red(image.image), image.dpi)
        return upright_turns(gray, ink_mask(gray, dpi), dpi, engine)


def _half(image, half: Optional[int], number: int):
    """The page image as read: a half of a two-page spread cut as the reading cut it, each
    numbered as read (`page_turns` are keyed by the record's page numbers)."""
    from ..page import PageImage
    from ..scan.spread import split_spread

    if half is None:
        return PageImage(number, image.image, image.dpi)
    part = split_spread(image)[half]
    return PageImage(number, part.image, part.dpi)


