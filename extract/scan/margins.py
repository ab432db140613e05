"""The head and foot lines of an upright scanned page, read cheaply.

A volume's splitter needs, of every page, whether a report title stands at its top and
which page number is printed at its foot. Full-page OCR (text detection over the whole
page) would cost as much as reading the page's tables. Here the lines are found from the
ink (rows of ink in a band, no detector) and only those crops are recognised, in one
batch: a few lines at the top, the last line at the foot.
"""

from __future__ import annotations

from typing import Optional

import cv2
import numpy as np

from ..geometry import BBox
from ..page import TextBox
from .ocr import OcrEngine
from .pixels import profile_runs, without_rulings

# The head band: the top half of the page (a title stands under a letterhead at most),
# and above the page's first table.
HEAD_BAND = 0.5
# Lines of the head read (a letterhead, a document number and a three-line title).
HEAD_LINES = 6
# The foot band, where page numbers are printed (share of the page height).
FOOT_BAND = 0.12
# A text line is 0.05-0.6 inch tall (body text to a large title).
_LINE_HEIGHT_IN = (0.05, 0.6)
# A title line is printed this much taller than body text (16-22 pt over 12-16 pt; a
# row of body text with brackets 《》（） is up to ~15 % taller than one without).
_TITLE_HEIGHT = 1.25
# A page number is short: under this share of the page width.
_FOOT_WIDTH = 0.4


def _text_rows(ink: np.ndarray, dpi: float) -> list[tuple[int, int, int, int]]:
    """(x0, top, x1, bottom) in pixels of the text lines in a band of ink: components
    that are neither specks nor rulings nor page edges, grouped into rows by projection."""
    if ink.size == 0:
        return []
    text = without_rulings(ink, dpi)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(text, connectivity=8)
    speck = max(3, int((dpi / 100) ** 2 * 3))
    tallest = _LINE_HEIGHT_IN[1] * dpi
    keep = np.zeros(count, dtype=bool)
    keep[1:] = (
        (stats[1:, cv2.CC_STAT_AREA] >= speck)
        & (stats[1:, cv2.CC_STAT_HEIGHT] < tallest)
        & (stats[1:, cv2.CC_STAT_WIDTH] < 0.9 * ink.shape[1])
    )
    mask = keep[labels]
    profile = mask.sum(axis=1)
    gap = max(2, int(dpi * 0.03))
    rows: list[tuple[int, int, int, int]] = []
    low, high = (v * dpi for v in _LINE_HEIGHT_IN)
    for top, bottom in profile_runs(profile, gap):
        if not low <= bottom - top <= high:
            continue
        columns = np.flatnonzero(mask[top:bottom].any(axis=0))
        rows.append((int(columns[0]), top, int(columns[-1]) + 1, bottom))
    return rows


def _head_rows(rows: list[tuple[int, int, int, int]], width: int) -> list[tuple[int, int, int, int]]:
    """The rows worth reading at the head: the leading rows that look like a title block
    (taller than the band's typical row, or centred and short of the full width: a
    letterhead, a document number, the title), and the first row that does not (the
    body's first line, or a section heading), at most HEAD_LINES. A page of prose costs
    one line's recognition."""
    if not rows:
        return []
    typical = float(np.median([bottom - top for _, top, _, bottom in rows]))
    # Centred on the text block, not on the image: a sheet lies anywhere on the scanner.
    left, right = min(r[0] for r in rows), max(r[2] for r in rows)
    chosen = []
    for row in rows[:HEAD_LINES]:
        chosen.append(row)
        x0, top, x1, bottom = row
        taller = bottom - top >= _TITLE_HEIGHT * typical
        # An indented paragraph's first line is off centre by its indent (2 characters).
        centred = abs((x0 + x1) - (left + right)) / 2 < 0.02 * width and x1 - x0 < 0.8 * (right - left)
        if not (taller or centred):
            break
    return chosen


def read_margins(
    gray: np.ndarray,
    ink: np.ndarray,
    dpi: float,
    engine: OcrEngine,
    table_top_px: Optional[int] = None,
    table_bottom_px: Optional[int] = None,
) -> tuple[list[TextBox], list[TextBox], int]:
    """The page's head lines (top to bottom, above its first table, in its top half; see
    `_head_rows`) and its foot line (the last line in the bottom band, below its last
    table, when short enough to be a page number), recognised; boxes in points from the
    image's top-left. And, on a page without tables, how many text rows above the foot
    were found but not read (0 on a page with tables: not counted)."""
    height, width = gray.shape[:2]
    head_limit = int(min(height * HEAD_BAND, table_top_px if table_top_px is not None else height))
    foot_start = max(int(height * (1 - FOOT_BAND)), table_bottom_px or 0)
    if table_top_px is None:
        # A page without tables: every row above the foot is found (so that the page's
        # unread rows are known), the head read from those in the top half, or from the
        # first ones when the top half is empty (a cover's lines stand lower).
        page_rows = _text_rows(ink[:foot_start], dpi)
        rows = [r for r in page_rows if r[3] <= head_limit] or page_rows
    else:
        page_rows = rows = _text_rows(ink[:head_limit], dpi)
    head = _head_rows(rows, width)
    unread = len(page_rows) - len(head) if table_top_px is None else 0
    foot = [
        (x0, top + foot_start, x1, bottom + foot_start)
        for x0, top, x1, bottom in _text_rows(ink[foot_start:], dpi)[-1:]
        if x1 - x0 < _FOOT_WIDTH * width
    ]
    boxes_px = head + foot
    if not boxes_px:
        return [], [], unread
    pad = max(3, int(dpi / 40))
    crops = [
        gray[max(0, top - pad) : min(height, bottom + pad), max(0, x0 - pad) : min(width, x1 + pad)]
        for x0, top, x1, bottom in boxes_px
    ]
    results = engine.recognize_lines(crops)
    scale = 72.0 / dpi
    boxes = [
        TextBox(r.text, BBox(*(v * scale for v in box)), max(0.0, min(1.0, r.confidence)), "ocr")
        for box, r in zip(boxes_px, results, strict=True)
    ]
    keep = [b.text.strip() != "" for b in boxes]
    return (
        [b for b, k in zip(boxes[: len(head)], keep[: len(head)]) if k],
        [b for b, k in zip(boxes[len(head) :], keep[len(head) :]) if k],
        unread,
    )
