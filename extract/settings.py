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
    timeout_s: float = 120.0
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

    # Label matching: a row/column label is accepted when its similarity to the template
    # label reaches this (0..1, character-level).
    min_label_similarity: float = 0.55


DEFAULT_SETTINGS = Settings()
