"""One frozen settings object, passed explicitly through the pipeline (no globals)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Settings:
    # Input limits: a report is a handful of pages; anything far outside is refused early
    # rather than allowed to exhaust memory or time.
    max_pages: int = 300
    max_file_bytes: int = 200 * 1024 * 1024
    # A4 is 595 x 842 pt; A0 is 2384 x 3370 pt. Larger pages are not documents.
    max_page_side_pt: float = 5000.0
    # Whole-file limit; a scanned page costs a few seconds of OCR.
    timeout_s: float = 600.0
    # 1-based page numbers to read; None reads all.
    pages: Optional[tuple[int, ...]] = None

    # Geometry, in PDF points. Rulings closer than this are the same line: Word and WPS
    # draw a cell border as two half-width strokes or a thin filled box up to ~1.5 pt wide.
    snap_tolerance_pt: float = 2.0
    # A stroke no thicker than this is a ruling, not a filled area.
    max_ruling_width_pt: float = 3.0
    # Segments shorter than this (glyph strokes, bullets) are not rulings.
    min_ruling_length_pt: float = 4.0
    # A border counts as present between two grid cells when it covers at least this share
    # of their common edge.
    min_border_coverage: float = 0.6

    # Text-layer characters smaller than this are treated as hidden (pt).
    min_font_size_pt: float = 2.0

    # OCR (scanned pages). Engine by name: "rapidocr" (default) or "paddle".
    ocr_engine: str = "rapidocr"
    ocr: bool = True
    ocr_threads: int = 2
    # Image-only PDF pages render at their scan's own resolution, clamped to this range
    # (dpi): below 150 the strokes of 10 pt digits blur together, above 300 costs time
    # for nothing. Page images (PNG, JPEG, TIFF) finer than the maximum are scaled down to it.
    min_render_dpi: float = 150.0
    max_render_dpi: float = 300.0
    # Page images up to this many pixels (300 dpi A3 is ~17.4 Mpx).
    max_image_pixels: int = 40_000_000
    # A recognised cell below this confidence (0..1) becomes a finding.
    min_ocr_confidence: float = 0.9
    # A text-layer page is read by OCR instead when it has fewer visible glyphs than this
    # and a picture covers most of it (a scan), or when this share of its glyphs have no
    # Unicode mapping (a text layer that cannot be trusted).
    min_text_glyphs: int = 20
    max_unmapped_share: float = 0.3

    # Scanned pages: read every text line of every page (the report's sections and prose
    # figures; `--full-text`), at the cost of a full-page detection pass per page. Off: a
    # scanned page's text outside its tables is read on the first page only, above its
    # first table (the title, agency and year).
    full_text: bool = False

    # Folder for --debug output (page images with rulings and cells, grid dumps); None: off.
    debug_dir: Optional[str] = None

    # Label matching: a row/column label is accepted when its similarity to the template
    # label reaches this (0..1, character-level).
    min_label_similarity: float = 0.55


DEFAULT_SETTINGS = Settings()
