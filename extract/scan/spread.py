"""A page image that holds two pages side by side (a book scanner's or a copier's A3 spread
of two A4 pages, a bound volume opened flat) is cut into its two pages before anything reads
it: read as one page, the left page's title line and the right page's table header sit on
one text line, and a table's header would be taken for the agency.

A spread is recognised from how it is made, never from its content: the image is landscape
with the proportions of two portrait pages side by side (two A4 pages make 2 x 0.707 = 1.41,
two Letter pages 1.29), and a band near the middle, the fold and the two inner margins, is
free of ink over nearly the full height (a fold's shading is smooth, no ink; a dark line
where the sheets meet runs the full height, and is no text). Both sides carry ink. A page
printed landscape (a wide table, 四 across the page) has rulings or text lines crossing the
middle, so its middle band is never free of ink, and it is left whole.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..page import PageImage

if TYPE_CHECKING:
    import numpy as np

# Width over height of an image that may hold two portrait pages: two Letter pages (1.29)
# to two A4 pages with a margin of the scanner bed (1.41 and a little more).
_MIN_ASPECT = 1.22
# A portrait A4 page's height in inches: a spread's halves, when its resolution is unknown.
_A4_LONG_IN = 297 / 25.4
_MAX_ASPECT = 1.62
# The fold is looked for in this middle share of the width (a spread is seldom laid off
# centre by more than a few centimetres).
_MIDDLE = (0.38, 0.62)
# The free band must be at least this wide: the two pages' inner margins, at least 1 cm
# together even in a tightly bound volume.
_MIN_GUTTER_MM = 8.0
# The band is checked over the height without the scanner lid's edges (top and bottom
# 4 %), and may hold ink in at most this share of those rows (dust, a punched hole's rim).
_EDGE_SHARE = 0.04
_GUTTER_INK_ROWS = 0.01
# Each page must carry ink in at least this share of rows (a blank left or right side is no
# page of a report: the image is left whole).
_SIDE_INK_ROWS = 0.08
# The ink test works at this resolution: strokes stand out of the local background by
# at least _INK_CONTRAST grey levels after a black-hat of about a stroke's size; a fold's
# shading, a smooth gradient, does not.
_WORK_DPI = 100.0
_INK_CONTRAST = 40
# A dark line where the two sheets meet, a sheet's edge against the scanner bed (often
# broken into pieces): thin lines at least _EDGE_LINE_MIN_MM long, at most _EDGE_LINE_MM
# thick and slanted by at most _EDGE_LINE_SLANT (a skewed sheet). No stroke of text is so
# long, and a table's vertical rulings are joined to its horizontal ones, one wide component.
_EDGE_LINE_MIN_MM = 15.0
_EDGE_LINE_MM = 2.0
_EDGE_LINE_SLANT = 0.05  # ~3 degrees
# Text lines: glyphs smeared by this much along a line join (CJK glyphs stand ~0.5-1 mm
# apart, lines 3 mm and more); a run at least _LONG_RUN_MM long and four times longer than
# thick is a line of text (or a ruling).
_LINE_SMEAR_MM = 1.5
_LONG_RUN_MM = 25.0


def may_be_spread(width: float, height: float) -> bool:
    """Whether a page of this size (any unit) has a spread's proportions: the cheap first
    test, before any pixel is looked at."""
    return height > 0 and _MIN_ASPECT <= width / height <= _MAX_ASPECT


def split_spread(page: PageImage) -> tuple[PageImage, ...]:
    """The page image's pages, left first: two halves when it is a spread, else itself."""
    # An image file without a plausible resolution tag was taken for one A4 page (its long
    # side 297 mm); a spread is two pages side by side, each as high as the image: an A4
    # page's long side is the height (1.41 times the guess's pixels per inch otherwise).
    dpi = page.image.shape[0] / _A4_LONG_IN if page.dpi_guessed else page.dpi
    cut = spread_cut(page.image, dpi)
    if cut is None:
        return (page,)
    left = page.image[:, :cut]
    right = page.image[:, cut:]
    return (PageImage(page.number, left.copy(), dpi), PageImage(page.number, right.copy(), dpi))


def spread_cut(image: "np.ndarray", dpi: float) -> int | None:
    """The x (pixels from the left) to cut a two-page spread at, the middle of the free
    band between its pages; None when the image is not a spread."""
    import cv2
    import numpy as np

    height, width = image.shape[:2]
    if not may_be_spread(width, height):
        return None
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    factor = min(1.0, _WORK_DPI / dpi)
    small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA) if factor < 1 else gray
    work_dpi = dpi * factor
    stroke = max(3, int(round(work_dpi * 2.5 / 25.4)) | 1)  # ~2.5 mm: wider than a stroke
    blackhat = cv2.morphologyEx(small, cv2.MORPH_BLACKHAT, cv2.getStructuringElement(cv2.MORPH_RECT, (stroke, stroke)))
    ink = blackhat >= _INK_CONTRAST
    h, w = ink.shape
    edge = int(h * _EDGE_SHARE)
    ink = _without_edge_lines(ink[edge : h - edge], work_dpi)
    rows = ink.shape[0]
    per_column = ink.sum(axis=0)
    free = _bridge_narrow_gaps(per_column <= _GUTTER_INK_ROWS * rows, int(_EDGE_LINE_MM / 25.4 * work_dpi))
    lo, hi = int(w * _MIDDLE[0]), int(w * _MIDDLE[1])
    best: tuple[int, int] | None = None
    start = None
    for x in range(lo, hi + 1):
        if x < hi and free[x]:
            start = x if start is None else start
            continue
        if start is not None and (best is None or x - start > best[1] - best[0]):
            best = (start, x)
        start = None
    min_gutter = _MIN_GUTTER_MM / 25.4 * work_dpi
    if best is None or best[1] - best[0] < min_gutter:
        return None
    for side in (ink[:, : best[0]], ink[:, best[1] :]):
        if np.count_nonzero(side.any(axis=1)) < _SIDE_INK_ROWS * rows:
            return None
    if not _lines_run_across(ink, work_dpi):
        return None
    middle = (best[0] + best[1]) / 2
    return int(round(middle / factor))


def _lines_run_across(ink: "np.ndarray", dpi: float) -> bool:
    """Whether the text lines run across the image (two upright pages) rather than down it
    (one portrait page scanned turned a quarter, whose gap between two paragraphs can look
    like a fold): glyphs smeared along a line by about a glyph's spacing join into long
    thin runs, in the direction the lines run."""
    import cv2

    reach = max(3, int(round(_LINE_SMEAR_MM / 25.4 * dpi)))
    mask = ink.view("uint8")
    along = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_RECT, (reach, 1)))
    down = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_RECT, (1, reach)))
    long_run = _LONG_RUN_MM / 25.4 * dpi

    def runs(smeared, axis_long: int, axis_short: int) -> int:
        _, _, stats, _ = cv2.connectedComponentsWithStats(smeared, connectivity=8)
        stats = stats[1:]
        return int(((stats[:, axis_long] >= long_run) & (stats[:, axis_long] >= 4 * stats[:, axis_short])).sum())

    across = runs(along, cv2.CC_STAT_WIDTH, cv2.CC_STAT_HEIGHT)
    downward = runs(down, cv2.CC_STAT_HEIGHT, cv2.CC_STAT_WIDTH)
    return across > downward


def _bridge_narrow_gaps(free: "np.ndarray", widest: int) -> "np.ndarray":
    """Free columns with runs of at most `widest` inked columns between free ones counted
    free too: what is left of a broken sheet edge once its long pieces are gone."""
    out = free.copy()
    x, n = 0, len(free)
    while x < n:
        if free[x]:
            x += 1
            continue
        end = x
        while end < n and not free[end]:
            end += 1
        if x > 0 and end < n and end - x <= widest:
            out[x:end] = True
        x = end
    return out


def _without_edge_lines(ink: "np.ndarray", dpi: float) -> "np.ndarray":
    """The ink mask without long thin vertical lines (sheet edges, the fold's dark line)."""
    import cv2

    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink.view("uint8"), connectivity=8)
    tall = stats[:, cv2.CC_STAT_HEIGHT] >= _EDGE_LINE_MIN_MM / 25.4 * dpi
    thin = stats[:, cv2.CC_STAT_WIDTH] <= _EDGE_LINE_MM / 25.4 * dpi + _EDGE_LINE_SLANT * stats[:, cv2.CC_STAT_HEIGHT]
    lines = tall & thin
    lines[0] = False  # the background
    if not lines.any():
        return ink
    return ink & ~lines[labels]
