"""Cell borders told by a shaded fill's edge.

Word and WPS shade a table's band rows (二's 第二十条第（八）项, a header row) with a grey
fill that is the cell's own background: it stops exactly at the cell's borders. On a
150 DPI grey JPEG scan the printed 0.5 pt grey border along such a band is 10-20 grey
levels below the fill and breaks wherever a glyph above or below touches it; when the
label over it and the header row under it both touch it, nothing of the line is left to
find or bridge, and the band merges with the row below it. The fill's edge is still
there: a straight step from the fill's grey to the paper's, as long as the band. Such
an edge, running along a table's ruling (one of its ends at a ruling across it), is
taken as the border it is.

Coordinates are pixels of the page image, row 0 at the top; masks are 255 on 0.
"""

from __future__ import annotations

from typing import Optional

import cv2
import numpy as np

# A fill is this many grey levels below the paper at least (Word's lightest shadings,
# 5-15 % grey, scan 15-35 below the paper at 150 DPI; JPEG noise and a camera capture's
# uneven light stay within ~10 over a band's height) and this many at most (a black box
# or a photo is no cell shading: black print on it would not read).
_FILL_MIN_DEPTH = 12
_FILL_MAX_DEPTH = 110
# Across its edge the closed page (print taken out) steps by this much within 6 px: a
# fill's edge is sharp, a capture's shading or a page's gradient spreads over a finger's
# width.
_EDGE_STEP = 10
_EDGE_HALF_WIDTH_PX = 3
# A band is at least this long and as tall as a line of small print (inches).
_MIN_EDGE_IN = 0.5
_MIN_FILL_HEIGHT_IN = 0.08
# An edge is straight: most of its columns (this share) put it within this many pixels
# of its median row (glyphs standing on it dent the closed fill here and there).
_EDGE_STRAIGHT_PX = 2
_EDGE_AGREE = 0.6
# How far (px at 150 dpi, scaled) an edge's end may stand from the ruling across it.
_REACH_150 = 5


def fill_edges(gray: np.ndarray, dpi: float, vertical: np.ndarray, horizontal: np.ndarray) -> Optional[np.ndarray]:
    """The edges of shaded cell fills that run along a table's rulings, as line pixels
    (two pixels thick, on the fill's last rows), or None when the page has none.
    `vertical` and `horizontal` are the page's ruling pixels (`pixels.line_masks`): a
    horizontal edge counts when one of its ends lies at a vertical ruling, and the other
    way round. Pure."""
    histogram = cv2.calcHist([gray], [0], None, [256], [0, 256]).ravel().cumsum()
    paper = float(np.searchsorted(histogram, 0.8 * histogram[-1]))  # most bright pixels are paper
    # A closing as wide as a thick stroke takes print and rulings out (dark and thin), and
    # leaves the fills and the paper.
    width = max(5, int(dpi / 20) | 1)
    closed = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (width, width)))
    fill = cv2.inRange(closed, max(0, paper - _FILL_MAX_DEPTH), paper - _FILL_MIN_DEPTH)
    length = max(9, int(dpi * _MIN_EDGE_IN))
    tall = max(3, int(dpi * _MIN_FILL_HEIGHT_IN))
    if cv2.countNonZero(fill) < length * tall:
        return None  # not one band's worth of fill: most pages, for the cost of the closing
    # Only the part of the page the fill lies in is looked at further (bands are a small
    # part of a page), with room for the edge test and the rulings around it.
    margin = 2 * _EDGE_HALF_WIDTH_PX + max(2, round(_REACH_150 * dpi / 150)) + 1
    x, y, w, h = cv2.boundingRect(fill)
    x0, y0 = max(0, x - margin), max(0, y - margin)
    x1, y1 = min(gray.shape[1], x + w + margin), min(gray.shape[0], y + h + margin)
    fill = fill[y0:y1, x0:x1]
    fill = cv2.morphologyEx(fill, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
    fill = cv2.morphologyEx(fill, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, tall)))
    if not fill.any():
        return None
    out = np.zeros_like(gray)
    part = out[y0:y1, x0:x1]  # a view: written through
    reach = max(2, round(_REACH_150 * dpi / 150))
    levels = closed[y0:y1, x0:x1].astype(np.int16)
    # Vertical edges are horizontal ones of the transposed images (`.T` views: `part.T` is
    # written through).
    for frame_fill, frame_levels, across, target in (
        (fill, levels, vertical[y0:y1, x0:x1], part),
        (fill.T, levels.T, horizontal[y0:y1, x0:x1].T, part.T),
    ):
        _edges_along_rows(frame_fill > 0, frame_levels, np.ascontiguousarray(across), target, length, reach)
    return out if out.any() else None


def _edges_along_rows(
    fill: np.ndarray, levels: np.ndarray, across: np.ndarray, out: np.ndarray, length: int, reach: int
) -> None:
    """Draws into `out` the straight upper and lower edges (rows of the frame) of each
    piece of `fill`: per column of the piece its first and last fill row, where `levels`
    steps sharply across it; the edge is the median of those rows when most columns agree
    with it within a pixel or two (a band's edge is straight on a deskewed page; a
    capture's shading or a dented blob is not), drawn across the columns that agree when
    they span `length` and one end of them lies within `reach` of a line of `across`."""
    height = fill.shape[0]
    d = _EDGE_HALF_WIDTH_PX
    count, labels, stats, _ = cv2.connectedComponentsWithStats(fill.astype(np.uint8), connectivity=4)
    near = cv2.dilate(across, cv2.getStructuringElement(cv2.MORPH_RECT, (2 * reach + 1, 2 * reach + 1))) > 0
    for k in range(1, count):
        x, y, w, h, _ = stats[k]
        if w < length:
            continue
        own = labels[y : y + h, x : x + w] == k
        columns = np.flatnonzero(own.any(axis=0))
        for rows, outward in ((y + own.shape[0] - 1 - np.argmax(own[::-1, columns], axis=0), 1), (y + np.argmax(own[:, columns], axis=0), -1)):
            inside, outside = rows - outward * d, rows + outward * d
            valid = (inside >= 0) & (inside < height) & (outside >= 0) & (outside < height)
            step = np.zeros(columns.size, bool)
            step[valid] = levels[outside[valid], x + columns[valid]] - levels[inside[valid], x + columns[valid]] >= _EDGE_STEP
            if step.sum() < length:
                continue
            row = int(np.median(rows[step]))
            agree = step & (np.abs(rows - row) <= _EDGE_STRAIGHT_PX)
            if agree.sum() < _EDGE_AGREE * columns.size:
                continue
            first, last = x + int(columns[agree].min()), x + int(columns[agree].max())
            if last - first + 1 < length:
                continue
            lo, hi = max(0, row - reach), min(height, row + reach + 1)
            if not (near[lo:hi, max(0, first - reach) : first + reach + 1].any() or near[lo:hi, max(0, last - reach) : last + reach + 1].any()):
                continue  # a shaded area standing on its own (a title bar, a photo) is no cell
            out[row, first : last + 1] = 255
            out[min(height - 1, max(0, row + outward)), first : last + 1] = 255
