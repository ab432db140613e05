"""What every page source hands to the table stages: text boxes and ruling lines (or, from
a web page or Word file, grids of cells directly), and the grid of cells a table becomes.

The text layer gives one box per glyph; OCR gives one box per recognised text run. Both are
in the page frame of `extract.geometry` (points, top-left origin).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Literal, Optional, Sequence, Union

from .geometry import BBox, Segment

if TYPE_CHECKING:
    import numpy as np

TextSource = Literal["text", "ocr"]


@dataclass(frozen=True)
class PageImage:
    """One page as pixels, what the readers hand to the scan path. `image` is 8-bit BGR or
    grey, rows from the top; dpi maps pixels to points."""

    number: int  # 1-based
    image: "np.ndarray"
    dpi: float
    # The image file carried no plausible resolution: `dpi` takes the image for one A4 page
    # (read/images.py), which a two-page spread is not (scan/spread.py measures it again).
    dpi_guessed: bool = False

    @property
    def scale(self) -> float:
        """Points per pixel."""
        return 72.0 / self.dpi

# Cells read from the markup of a web page or a Word file (no page, no glyphs).
MarkupSource = Literal["html", "docx"]


@dataclass(frozen=True)
class TextBox:
    text: str
    bbox: BBox
    confidence: float
    source: TextSource
    # Other readings of the same ink (OCR of the line prepared differently), kept for
    # doubtful lines so the table's arithmetic can choose among what the image supports.
    alternatives: tuple[str, ...] = ()
    # Text layer only: the glyph's inked extent and the y of its baseline (page frame).
    # A glyph's loose box comes from its font's declared ascent and descent, which some
    # producers' fonts overstate: the ink says which cell a glyph is printed in, and the
    # baseline which line it sits on, whatever the font claims.
    ink: Optional[BBox] = None
    baseline: Optional[float] = None

    @property
    def anchor(self) -> tuple[float, float]:
        """The point that decides which cell holds the text: the centre of its ink."""
        return (self.ink or self.bbox).center


@dataclass(frozen=True)
class ScanFrame:
    """Where a scanned page's frame lies on the image it was read from. `to_image` is a
    3x3 projective matrix (row-major) taking a point of the page frame (points, top-left
    origin, upright and straightened: the frame of `boxes`) to the image as scanned
    (points at the image's resolution, top-left origin, before any turn or deskew);
    `width` x `height` is that image's size in points. A scanned PDF page's image is the
    page as displayed (after /Rotate, over its CropBox). Every correction the scan stage
    makes to the pixels (quarter turns, deskew, keystone) is composed into it, so the
    page can be mapped back to the page as stored (extract/scan/searchable.py)."""

    to_image: tuple[float, float, float, float, float, float, float, float, float]
    width: float
    height: float

    def image_point(self, x: float, y: float) -> tuple[float, float]:
        m = self.to_image
        w = m[6] * x + m[7] * y + m[8]
        return ((m[0] * x + m[1] * y + m[2]) / w, (m[3] * x + m[4] * y + m[5]) / w)

    def on_sheet(self, left: float, top: float, width: float, height: float) -> "ScanFrame":
        """The frame of a page cut out of a larger image (a half of a two-page spread,
        scan/spread.py) mapped onto that whole image: the part's top-left corner lies at
        (`left`, `top`) on it and the whole image is `width` x `height` (points, top-left
        origin, the image's resolution)."""
        m = self.to_image
        moved = (m[0] + left * m[6], m[1] + left * m[7], m[2] + left * m[8],
                 m[3] + top * m[6], m[4] + top * m[7], m[5] + top * m[8], m[6], m[7], m[8])
        return ScanFrame(moved, width, height)


@dataclass(frozen=True)
class PageContent:
    number: int  # 1-based, as printed in page selections and findings
    width: float
    height: float
    boxes: tuple[TextBox, ...]
    rulings: tuple[Segment, ...]
    source: TextSource
    # Glyphs present in the text layer but not visible (render mode invisible, white fill,
    # near-zero size): dropped from `boxes`, counted so the choice is auditable.
    hidden_glyphs: int = 0
    # Glyphs whose font has no usable ToUnicode map: a text layer that cannot be trusted.
    unmapped_glyphs: int = 0
    # Scanned pages: quarter turns (counter-clockwise) that made the page image upright.
    turns: int = 0
    # Scanned pages read with a title check (a volume's pages, see scan/margins.py): text
    # rows outside tables that were found in the ink but not recognised.
    unread_rows: int = 0
    # Scanned pages read with --full-text: every text line outside the tables was read
    # (otherwise only the first page's text above its first table, and a volume's head lines).
    full_text: bool = False
    # Scanned pages: how this page's frame maps back onto the image as scanned.
    scan_frame: Optional[ScanFrame] = None
    # The page of the source file (PDF page, image frame) this page was read from, when it
    # is not `number`: a two-page spread is cut into two pages (scan/spread.py), both read
    # from one source page, and every page after it is numbered on by one.
    source_page: Optional[int] = None

    @property
    def page_in_source(self) -> int:
        return self.source_page if self.source_page is not None else self.number

    @cached_property
    def anchors(self) -> tuple[tuple[float, float], ...]:
        """Each box's anchor (`TextBox.anchor`), in the order of `boxes`. Every table on
        the page, the prose lines and the stray numbers ask for them: computed once."""
        return tuple(box.anchor for box in self.boxes)

    def boxes_outside(self, areas: Sequence[BBox]) -> list[TextBox]:
        """The boxes whose anchor lies in none of `areas` (a page's text outside its tables)."""
        return [b for b, (x, y) in zip(self.boxes, self.anchors) if not any(a.contains_point(x, y) for a in areas)]


@dataclass(frozen=True)
class GridCell:
    row: int
    col: int
    row_span: int
    col_span: int
    bbox: BBox
    text: str  # lines joined by "\n", in reading order
    confidence: float
    source: Union[TextSource, MarkupSource]
    # Other texts the cell's ink supports (see TextBox.alternatives), best first.
    alternatives: tuple[str, ...] = ()
    # Cells of web pages and Word files (extract/read/markup.py): the XPath of the cell's
    # element and its (table, row, column), 1-based; None for cells drawn on a page.
    locator: Optional[str] = None
    place: Optional[tuple[int, int, int]] = None
    # The text boxes the cell's text was made of (glyphs, or OCR runs): where each part of
    # the text is printed, for a cell that turns out to hold a label and its value
    # (tables/glued.py). Not part of the cell's identity.
    boxes: tuple[TextBox, ...] = field(default=(), repr=False, compare=False)

    @property
    def last_row(self) -> int:
        return self.row + self.row_span - 1


@dataclass(frozen=True)
class Grid:
    """One ruled table as drawn on one page."""

    page: int
    xs: tuple[float, ...]  # column boundaries, left to right
    ys: tuple[float, ...]  # row boundaries, top to bottom
    cells: tuple[GridCell, ...]  # each merged cell once, by (row, col) of its top-left

    @property
    def n_rows(self) -> int:
        return len(self.ys) - 1

    @property
    def n_cols(self) -> int:
        return len(self.xs) - 1

    @property
    def bbox(self) -> BBox:
        return BBox(self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    def row_cells(self, row: int) -> list[GridCell]:
        """Cells covering `row`, left to right (merged cells included once)."""
        return sorted(
            (c for c in self.cells if c.row <= row <= c.last_row), key=lambda c: c.col
        )
