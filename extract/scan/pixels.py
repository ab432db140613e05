"""Page images: ink, skew, orientation and ruling lines, with OpenCV.

Images are numpy arrays, row 0 at the top. Pixel coordinates convert to the pipeline frame
(points, top-left origin) by 72 / dpi. Everything here is a pure function of its inputs.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ..geometry import Segment
from .dashes import dashed_rulings
from .fills import fill_edges


def to_gray_without_red(image: np.ndarray) -> np.ndarray:
    """Grey page with red ink (seals, red headers) turned to paper white. A red seal is
    strong in the red channel and weak in green and blue; black print is weak in all
    three. Taking the red channel where a pixel is clearly red keeps text printed under a
    semi-transparent seal: that text is dark in red as well."""
    if image.ndim == 2:
        return image
    neutral = without_colour_cast(image)
    return _gray_without_red(neutral, _reddish(neutral))


def gray_and_seal(image: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """`to_gray_without_red` and `seal_mask` of one page image, the paper's tint and the
    red ink found once for both."""
    if image.ndim == 2:
        return image, None
    neutral = without_colour_cast(image)
    reddish = _reddish(neutral)
    return _gray_without_red(neutral, reddish), _red_ink_mask(reddish)


def _gray_without_red(image: np.ndarray, reddish: np.ndarray) -> np.ndarray:
    """A neutral BGR page (`without_colour_cast`) as grey, its red ink (`reddish`) whitened."""
    out = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    if not reddish.any():
        return out
    r = image[:, :, 2].astype(np.int16)
    # In the red channel, seal ink on paper is nearly as bright as paper: within about 60
    # of the seal's own level (the 90th percentile over red pixels; ink density varies).
    # Print under the seal stays darker: near 0 under a stamp, around 110-160 under an
    # e-seal blended on top. Red values from 100 below that level up to 60 below it are
    # stretched over the whole grey range: the seal goes white, print under it stays dark.
    seal_level = float(np.percentile(r[reddish], 90))
    low, high = seal_level - 100, seal_level - 60
    out[reddish] = np.clip((r[reddish] - low) * 255 / (high - low), 0, 255).astype(np.uint8)
    return out


# The paper's own colour is measured on every this-many-th pixel, as the brightest
# value of each channel within ~1/20 of the image's width (print and seal strokes, a few
# mm, are narrower: paper lies between them), smoothed over as much again.
_PAPER_SHRINK = 8
# The paper is tinted when this share of it would pass the red-ink test at `_CAST_LEVEL`
# (r - mean(g, b), grey levels): a warm lamp or yellowed paper, not a seal (a seal is
# narrow and leaves the paper's own colour around it).
_CAST_SHARE = 0.05
_CAST_LEVEL = 12


def without_colour_cast(image: np.ndarray) -> np.ndarray:
    """A BGR page image with the paper's tint removed, or the image itself when the paper
    is neutral (a flatbed scan). A phone photo under a warm lamp, or yellowed paper, makes
    the paper itself orange-red: the red-ink test (`_reddish`) would then take the whole
    sheet, or the part of it the lamp lights, for a seal. Each channel is scaled by the
    local paper's grey level over its own level (the tint goes, the light's brightness and
    shadows stay), so the paper turns neutral grey and a seal stays red against it."""
    height, width = image.shape[:2]
    # Every 8th pixel, not an area average: the test runs on every colour page (twice:
    # grey page and seal mask), and the maximum filter below takes the paper between the
    # strokes either way.
    small = np.ascontiguousarray(image[::_PAPER_SHRINK, ::_PAPER_SHRINK])
    reach = max(3, small.shape[1] // 20) | 1
    paper = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (reach, reach)))
    paper = cv2.GaussianBlur(paper.astype(np.float32), (0, 0), reach / 2)
    b, g, r = paper[..., 0], paper[..., 1], paper[..., 2]
    if float(((r - (g + b) / 2) > _CAST_LEVEL).mean()) < _CAST_SHARE:
        return image
    grey = 0.114 * b + 0.587 * g + 0.299 * r
    gains = grey[..., None] / np.maximum(paper, 1.0)
    gains = cv2.resize(gains, (width, height), interpolation=cv2.INTER_LINEAR)
    return np.clip(image.astype(np.float32) * gains + 0.5, 0, 255).astype(np.uint8)


def _reddish(image: np.ndarray) -> np.ndarray:
    """Pixels of red ink. Red against the mean of the other two channels: JPEG chroma blur
    turns a seal's edge pink, which a max() test would miss."""
    # r - floor((g + b) / 2) > 25 is 2r - g - b > 50: one OpenCV pass (its saturation at 0
    # and 255 keeps either side of 50) instead of three 16-bit channel copies.
    excess = cv2.transform(image, np.array([[-1.0, -1.0, 2.0]]))
    return cv2.threshold(excess, 50, 1, cv2.THRESH_BINARY)[1].view(bool)


def seal_mask(image: np.ndarray) -> np.ndarray | None:
    """Red ink (255) on the rest (0), or None for a grey image or one without red. Where
    an opaque stamp lies over a table, whitening it leaves gaps in the rulings: this
    says where a gap has the seal to blame."""
    if image.ndim == 2:
        return None
    return _red_ink_mask(_reddish(without_colour_cast(image)))


def _red_ink_mask(reddish: np.ndarray) -> np.ndarray | None:
    """Red-ink pixels (`_reddish`) as 255 on 0, or None when there are none."""
    return reddish.astype(np.uint8) * np.uint8(255) if reddish.any() else None


def bridge_under_seal(segments: list[Segment], seal: np.ndarray, dpi: float, tolerance: float) -> list[Segment]:
    """Collinear ruling pieces joined across a gap the seal covers (at least 60 % of the
    gap's pixels, the seal grown by ~2 pt, is red ink), up to 1.5 inch long: the line ran
    on under the stamp. Segments in points; `seal` in pixels of the same image."""
    scale = dpi / 72.0
    grown = cv2.dilate(seal, np.ones((max(3, int(dpi / 36)),) * 2, np.uint8)) > 0
    height, width = grown.shape

    def covered(seg: Segment, a: float, b: float) -> bool:
        along = np.linspace(a, b, max(2, int((b - a) * scale)))
        across = np.full_like(along, seg.position)
        xs, ys = (along, across) if seg.orientation == "h" else (across, along)
        xi = np.clip((xs * scale).astype(int), 0, width - 1)
        yi = np.clip((ys * scale).astype(int), 0, height - 1)
        return float(grown[yi, xi].mean()) >= 0.6

    out: list[Segment] = []
    for orientation in ("h", "v"):
        pieces = sorted((s for s in segments if s.orientation == orientation), key=lambda s: (round(s.position / tolerance), s.start))
        for seg in pieces:
            last = out[-1] if out and out[-1].orientation == orientation else None
            if (
                last is not None
                and abs(last.position - seg.position) <= tolerance
                and 0 < seg.start - last.end <= 108.0
                and covered(seg, last.end, seg.start)
            ):
                out[-1] = Segment(orientation, (last.position + seg.position) / 2, last.start, max(last.end, seg.end))
            else:
                out.append(seg)
    return out


def ink_mask(gray: np.ndarray, dpi: float, bridge: bool = True) -> np.ndarray:
    """Binary ink (255) on paper (0), robust to uneven lighting: each pixel is compared
    with its neighbourhood (a window about 1/6 inch wide) and with the page's paper/print
    split. Thin pale table borders (WPS prints 0.5 pt grey) fail that split; they are
    added back where they run long and straight (`_faint_rulings`), and, with `bridge`,
    their gaps filled where the page shows the line (`bridge_broken_rulings`; not needed
    for a page's turn and skew, which its glyph lines and long rulings tell)."""
    block = max(15, int(dpi / 6) | 1)
    local = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15)
    # Ink must also be dark on the page's own scale (Otsu's split between paper and
    # print): faint marks a little darker than their surroundings (the pale remains of a
    # red seal, show-through from the back of the sheet) are not print.
    otsu, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    dark = at_most(gray, otsu + 10)
    ink = cv2.bitwise_or(cv2.bitwise_and(local, dark), _faint_rulings(gray, dpi))
    return bridge_broken_rulings(ink, gray, dpi) if bridge else ink


# A pale ruling pixel must be this much darker (grey levels) than the paper just above and
# below it (left and right of a vertical one): a 0.5 pt grey border scanned at 150-200 dpi
# peaks 40-60 below the paper; show-through from the back of the sheet and the whitened
# remains of a red seal stay within about 20 of it.
_FAINT_RULING_CONTRAST = 25
# Long runs may be paler: a light grey 0.5 pt border printed by WPS/Word and scanned at
# 150 dpi falls between two sensor rows and keeps only 15-25 per row, and against a shaded
# row's fill it is 10-20 darker than the fill alone. A run this long (inches) at this
# contrast is no noise (JPEG and sensor noise break such runs within a few pixels) and no
# print (its pixels keep a pixel away from print cores); shaded fills' edges have no
# contrast across them at all (the black-hat measures a thin dark line against both sides).
_FAINT_LONG_CONTRAST = 12
_FAINT_LONG_IN = 0.6
# Print cores: pixels this much darker than the paper. Text strokes reach it; a grey border
# does not (its core stays 40-80 below the paper), and black borders are ink already.
_PRINT_CORE_DEPTH = 120


def _faint_rulings(gray: np.ndarray, dpi: float) -> np.ndarray:
    """Pixels of pale, thin rulings: straight runs at least 1/5 inch long (as
    `ruling_segments` asks) at `_FAINT_RULING_CONTRAST`, and runs at least
    `_FAINT_LONG_IN` long at the lower `_FAINT_LONG_CONTRAST`. Their contrast is measured
    across the line (a black-hat with
    a kernel ~1/20 inch long across it: the paper on both sides of a thin line, not a
    window mean, which the text printed next to a border darkens; across either
    direction, so that a line keeps its pixels where it crosses another). The cores of
    print strokes (`_PRINT_CORE_DEPTH` below the paper) are no candidates: dark print is
    ink already, and in a row of digits set close ("3988") the strokes and the grey
    between them would otherwise make one run, which would be erased from the text as a
    ruling. Pale marks shorter than 1/5 inch (seal remains, show-through) stay out.
    Pure; gray is 8-bit, row 0 at the top; returns 255 on 0."""
    length = max(9, int(dpi * 0.2))
    across_len = max(5, int(dpi / 20) | 1)  # px; thicker than a blurred 0.5-1 pt line
    # Contrast across a horizontal line (kernel standing) or a vertical one (kernel lying):
    # either counts, so that a line keeps its pixels where it crosses another one.
    contrast = np.maximum(
        cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, cv2.getStructuringElement(cv2.MORPH_RECT, (1, across_len))),
        cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, cv2.getStructuringElement(cv2.MORPH_RECT, (across_len, 1))),
    )
    paper = median_level(gray)  # most of a page is paper
    cores = at_most(gray, paper - _PRINT_CORE_DEPTH)
    strong = cv2.bitwise_and(at_least(contrast, _FAINT_RULING_CONTRAST), cv2.bitwise_not(cores))
    # The pale pass keeps a pixel away from print: the anti-aliased edges of glyph strokes
    # stacked in a wrapped label, or lined up along a bold title, are pale and would
    # otherwise make a long run through the text.
    near_print = cv2.dilate(cores, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    weak = cv2.bitwise_and(at_least(contrast, _FAINT_LONG_CONTRAST), cv2.bitwise_not(near_print))
    # Nor along the image's own edge: the black-hat there compares with what lies past the
    # border, and the sheet's edge or the scanner lid's shadow reads as a long pale line
    # (a prose page got a frame of two "rulings"). A printed table keeps a margin.
    weak[:across_len, :] = 0
    weak[-across_len:, :] = 0
    weak[:, :across_len] = 0
    weak[:, -across_len:] = 0
    return cv2.bitwise_or(
        _straight_runs(strong, dpi, length), _straight_runs(weak, dpi, max(length, int(dpi * _FAINT_LONG_IN)))
    )


def histogram(gray: np.ndarray) -> np.ndarray:
    """Pixel counts of each grey level (256, int64) of an 8-bit image. OpenCV counts in
    float32, exact below 2**24: the image is counted in bands of fewer pixels than that
    (an A3 page at 300 dpi has 17 million)."""
    band = max(1, (1 << 23) // max(1, gray.shape[1]))
    counts = np.zeros(256, np.int64)
    for top in range(0, gray.shape[0], band):
        part = np.ascontiguousarray(gray[top : top + band])
        counts += cv2.calcHist([part], [0], None, [256], [0, 256]).ravel().astype(np.int64)
    return counts


def components_with_stats(mask: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """`cv2.connectedComponentsWithStats(mask, connectivity=8)` without its centroids, for
    sparse masks (ruling pixels): the labels from `cv2.connectedComponents` and each
    component's box and area from its pixels alone (OpenCV's statistics pass visits every
    pixel of the page and costs ~4x the labelling on a 300 dpi page). Row 0 of the
    statistics (the background) holds the whole image and its pixel count."""
    count, labels = cv2.connectedComponents(mask, connectivity=8, ltype=cv2.CV_32S)
    points = cv2.findNonZero(mask)  # (x, y) in raster order; None when there are none
    xs, ys = np.zeros((2, 0), np.int32) if points is None else points.reshape(-1, 2).T
    label = labels[ys, xs]
    order = np.argsort(label, kind="stable")
    label, ys, xs = label[order], ys[order], xs[order]
    starts = np.flatnonzero(np.r_[True, label[1:] != label[:-1]]) if label.size else np.zeros(0, np.intp)
    stats = np.zeros((count, 5), np.int32)
    stats[0] = (0, 0, mask.shape[1], mask.shape[0], mask.size - label.size)
    if starts.size:
        x0, x1 = np.minimum.reduceat(xs, starts), np.maximum.reduceat(xs, starts)
        y0, y1 = ys[starts], np.maximum.reduceat(ys, starts)  # raster order: a label's first pixel is its top
        stats[1:, cv2.CC_STAT_LEFT], stats[1:, cv2.CC_STAT_TOP] = x0, y0
        stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT] = x1 - x0 + 1, y1 - y0 + 1
        stats[1:, cv2.CC_STAT_AREA] = np.diff(np.r_[starts, label.size])
    return count, labels, stats


def median_level(gray: np.ndarray) -> float:
    """`np.median` of an 8-bit image, from its histogram (a page's full sort is ~10x dearer)."""
    cumulative = histogram(gray).cumsum()
    count = int(cumulative[-1])
    # The middle element, or the mean of the two middle ones (0-based order statistics).
    low = int(np.searchsorted(cumulative, (count - 1) // 2 + 1))
    high = int(np.searchsorted(cumulative, count // 2 + 1))
    return (low + high) / 2


def at_least(image: np.ndarray, level: float) -> np.ndarray:
    """255 where an 8-bit image is >= level, else 0 (OpenCV: numpy's comparison and
    scaling go through 64-bit integers, ~10x slower on a 300 dpi page)."""
    return cv2.threshold(image, float(np.ceil(level)) - 1, 255, cv2.THRESH_BINARY)[1]


def at_most(image: np.ndarray, level: float) -> np.ndarray:
    """255 where an 8-bit image is <= level, else 0."""
    return cv2.threshold(image, float(np.floor(level)), 255, cv2.THRESH_BINARY_INV)[1]


def _straight_runs(candidates: np.ndarray, dpi: float, length: int) -> np.ndarray:
    """Candidate pixels (255) in horizontal or vertical runs at least `length` px long.
    The candidates are thickened by one pixel across the run before the opening, so that
    a 1-2 px line tilted by up to ~3 degrees (it steps one pixel row every 20-30 px) still
    makes a long enough run; of that, only candidate pixels are kept, and short breaks
    between two runs are bridged. Every kernel after the thickening lies along the run, so
    each row (column) is its own problem: only those that may hold a run are worked on
    (`_lines_with_runs`; a tenth of a table page's, the same result)."""
    gap = max(3, int(dpi * 0.06))  # ~4 pt: JPEG noise and text touching a line break it
    out = np.zeros_like(candidates)
    # (width, height) kernels: across the run, along it, and the bridge along it.
    for vertical, across, along, bridge in (
        (False, (1, 3), (length, 1), (gap, 1)), (True, (3, 1), (1, length), (1, gap))
    ):
        thick = cv2.dilate(candidates, cv2.getStructuringElement(cv2.MORPH_RECT, across))
        lines = _lines_with_runs(thick, length, vertical)
        if lines.size == 0:
            continue
        everything = lines.size > _GATHER_SHARE * (thick.shape[1] if vertical else thick.shape[0])
        pick = (slice(None), slice(None)) if everything else (slice(None), lines) if vertical else (lines, slice(None))
        runs = cv2.morphologyEx(np.ascontiguousarray(thick[pick]), cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, along))
        # Back to the candidates' own pixels, then breaks between two long runs bridged.
        runs = cv2.bitwise_and(runs, np.ascontiguousarray(candidates[pick]))
        runs = cv2.morphologyEx(runs, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, bridge))
        out[pick] = cv2.bitwise_or(np.ascontiguousarray(out[pick]), runs)
    return out


# Above this share of the rows that may hold a run, the whole image is worked on.
_GATHER_SHARE = 0.4


def _lines_with_runs(mask: np.ndarray, length: int, vertical: bool) -> np.ndarray:
    """Indices of the rows (columns, `vertical`) of a mask (255 on 0) where an opening
    along them with a `length` px line keeps anything: all of them that do, and some that
    do not. The opening's window is clipped at the image's edge, where half of it (the
    anchor is its middle) must be on; a run of that many pixels holds at least `count`
    whole blocks of `block` px in a row, wherever it starts, so rows with no such train
    of all-on blocks are left out (blocks: an erosion with the anchor at the start,
    every block-th pixel)."""
    lines = np.arange(mask.shape[1] if vertical else mask.shape[0])
    half = length - length // 2
    block = max(1, half // 4)
    count = (half + 1) // block - 1
    if count < 1 or (mask.shape[0] if vertical else mask.shape[1]) < length:
        return lines
    blocks = cv2.erode(mask, np.ones((block, 1) if vertical else (1, block), np.uint8), anchor=(0, 0))
    blocks = np.ascontiguousarray(blocks[::block] if vertical else blocks[:, ::block])
    trains = cv2.erode(blocks, np.ones((count, 1) if vertical else (1, count), np.uint8))
    return lines[trains.any(axis=0 if vertical else 1)]


# Bridging a broken ruling (`bridge_broken_rulings`). A gap is bridged only where the
# page shows a thin line along all of it: per pixel across the gap, the darkest pixel
# within one pixel of the line's row must be `_BRIDGE_CONTRAST` grey levels darker than
# the paper 2-5 px beside it (the brighter side), and, where both sides are clean of
# print, `_BRIDGE_OTHER_SIDE` darker than the other side too (a shaded fill's edge is a
# step, not a line: darker on one side only). A 0.5 pt grey border at 150 dpi is 20-50
# below the paper and 10-20 below a shaded fill; JPEG noise moves a pixel by ~5.
_BRIDGE_CONTRAST = 12
_BRIDGE_OTHER_SIDE = 5
# And along the gap as a whole the line stands this far below the paper (median): a grey
# border is 30-45 below it on the faint twins; a camera capture's paper texture and
# lighting make long pale streaks 10-18 below it, which are no rulings.
_BRIDGE_MEDIAN_DEPTH = 22
# Share of the gap's readable pixels that must show the line (print crossing or touching
# the line on both sides makes a pixel unreadable; at least half must be readable).
_BRIDGE_SHARE = 0.9
_BRIDGE_READABLE = 0.5
# A search from a ruling's loose end (no line along it yet: the row line a column line
# stops at) must have this share of its gap clean of print on both sides: glyph strokes
# stacked in a narrow column make a one-sided "line" along their edges.
_BRIDGE_CLEAN_FROM_END = 0.4
# Longest gap (inches): a merged header cell's line spans half a page.
_BRIDGE_MAX_IN = 6.0
# How far (px at 150 dpi, scaled) a line's end may stand off the line it should meet:
# a faint ruling fades a few pixels before the junction.
_BRIDGE_REACH_150 = 5


@dataclass(frozen=True)
class _LineRun:
    """One horizontal run of line pixels (a vertical one transposed): first and last
    column, and the mean row of its pixels in each; pixels, row 0 at the top."""

    x0: int
    y0: float
    x1: int
    y1: float


def bridge_broken_rulings(ink: np.ndarray, gray: np.ndarray, dpi: float) -> np.ndarray:
    """`ink` with the gaps of broken rulings filled where the page shows the line across
    the gap (`_bridge_evidence`). A faint grey border scanned at 150 dpi breaks wherever it
    falls between two sensor rows, JPEG blurs it, or a glyph's top touches it; the pieces
    left are too short to count, and a column whose row line is lost drops out of the grid
    with its header cells. Two kinds of gap are tried: from the end of a line run along its
    row to the next run or perpendicular line on that row (a run broken, or stopping short
    of the frame), and from a column line's loose end (no row line meets it) along the
    row it should meet, to the next perpendicular line (a row line lost outright, as
    along a shaded band). The target is only ever a ruling; the evidence is the page's
    own pixels along the whole gap, so glyph strokes do not vote for one another. Pure;
    returns a new mask (255 on 0)."""
    horizontal, vertical = line_masks(ink, dpi, 0.2)
    # Dashed and dotted borders (Word's "dash"/"dot" styles) are rows of marks each shorter
    # than a ruling run: joined first (`dashes.dashed_rulings`), they are rulings too.
    dashed = dashed_rulings(ink, dpi, horizontal, vertical)
    if dashed.any():
        ink = cv2.bitwise_or(ink, dashed)
        horizontal, vertical = line_masks(ink, dpi, 0.2)
    # A shaded cell's border lost where text touches it from both sides is still where
    # its fill stops (`fills.fill_edges`): drawn first, it is a ruling like the others.
    edges = fill_edges(gray, dpi, vertical, horizontal)
    if edges is not None:
        ink = cv2.bitwise_or(ink, edges)
        horizontal, vertical = line_masks(ink, dpi, 0.2)
    # The paper's level: most bright pixels are paper, even in a camera capture whose
    # desk around the sheet darkens the page's median (print cores must be found there too).
    histogram = cv2.calcHist([gray], [0], None, [256], [0, 256]).ravel().cumsum()
    paper = float(np.searchsorted(histogram, 0.8 * histogram[-1]))
    cores = at_most(gray, paper - _PRINT_CORE_DEPTH)
    print_near = cv2.dilate(cores, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3))) > 0
    scale = dpi / 150
    reach = max(2, round(_BRIDGE_REACH_150 * scale))
    # Within this many pixels of a line counts as meeting it (a junction).
    meet = 2 * max(2, round(2 * scale)) + 1
    rows = _LineMask(horizontal, meet, transposed=False)
    columns = _LineMask(vertical, meet, transposed=True)
    out = ink.copy()
    # Vertical rulings are horizontal ones of the transposed images: `.T` views, so that
    # `out.T` is written through and nothing is copied.
    # Where a perpendicular line lies within `reach` rows of a pixel (the targets a gap may
    # end at), found once for all the searches along the rows.
    span = 2 * reach + 1
    for lines, across, across_near, page, near, target in (
        (rows, columns, cv2.dilate(vertical, np.ones((span, 1), np.uint8)), gray, print_near, out),
        (columns, rows, cv2.dilate(horizontal, np.ones((1, span), np.uint8)).T, gray.T, print_near.T, out.T),
    ):
        _bridge_rows(lines, across, across_near, page, near, target, reach, int(dpi * _BRIDGE_MAX_IN))
    return out


class _LineMask:
    """A mask of line pixels of one orientation and its runs, seen along the runs (a
    vertical mask through `.T`): `near` (pixels within `meet`/2 of a line, a view in that
    frame), `runs` (as `_LineRun`s in that frame)."""

    def __init__(self, mask: np.ndarray, meet: int, transposed: bool) -> None:
        near = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_RECT, (meet, meet))) > 0
        count, labels, stats = components_with_stats(mask)
        self.near = near.T if transposed else near
        # In the image's own frame, shared by both orientations.
        self._near_image, self._labels, self._count = near, labels, count
        self.runs: list[_LineRun] = []
        for k in range(1, count):
            x, y, w, h, _ = stats[k]
            own = labels[y : y + h, x : x + w] == k
            if transposed:  # along the run is down the image
                x, y, w, h, own = y, x, h, w, own.T
            self.runs.append(
                _LineRun(int(x), y + float(np.flatnonzero(own[:, 0]).mean()), int(x + w - 1), y + float(np.flatnonzero(own[:, -1]).mean()))
            )

    def touching(self, other: "_LineMask") -> list[bool]:
        """Per run: whether it meets a line of `other` (crossing it or ending at it)."""
        hits = np.bincount(self._labels[other._near_image], minlength=self._count) > 0
        return [bool(t) for t in hits[1:]]


def _bridge_rows(
    lines: _LineMask, across: _LineMask, across_near: np.ndarray, gray: np.ndarray, near: np.ndarray,
    out: np.ndarray, reach: int, longest: int,
) -> None:
    """Bridges along rows (see `bridge_broken_rulings`): `lines` holds the row lines,
    `across` the column lines (`across_near`: pixels with a column line within `reach`
    rows), all in the frame of `gray`; writes into `out`."""
    # A run bridges to a perpendicular line; to another run on its row only when it is a
    # ruling of a frame (touches a perpendicular line), not a glyph stroke on its own.
    for run, in_frame in zip(lines.runs, lines.touching(across)):
        for direction, x, y in ((1, run.x1, run.y1), (-1, run.x0, run.y0)):
            _bridge_from(direction, x, y, lines.runs if in_frame else [], across_near, gray, near, out, reach, longest, False)
    height = gray.shape[0]
    for column in across.runs:
        for row, x in ((column.x0, column.y0), (column.x1, column.y1)):
            col = int(round(x))
            if not reach < row < height - reach - 1 or lines.near[row, col]:
                continue  # at a row line already, or at the image's edge
            for direction in (1, -1):
                # The column line may stop a few pixels off the row line it meets.
                for shift in sorted(range(-reach, reach + 1), key=abs):
                    if _bridge_from(direction, col + 2 * direction, float(row + shift), [], across_near, gray, near, out, reach, longest, True):
                        break


def _bridge_from(
    direction: int, x: int, y: float, runs: list[_LineRun], across_near: np.ndarray, gray: np.ndarray,
    near: np.ndarray, out: np.ndarray, reach: int, longest: int, from_end: bool,
) -> bool:
    """Bridges from (x, y) along its row in `direction` to the nearest ruling on that row:
    a column line crossing or ending within `reach` rows (`across_near`), or (`runs`) the
    near end of another run on the same row. True when the gap showed the line and was filled."""
    height, width = gray.shape
    row = int(round(y))
    if not reach + 5 < row < height - reach - 6:
        return False
    lo, hi = (x + 1, min(width, x + 1 + longest)) if direction > 0 else (max(0, x - longest), x)
    if lo >= hi:
        return False
    columns = lo + np.flatnonzero(across_near[row, lo:hi])
    columns = _past_own_line(columns if direction > 0 else columns[::-1], x)
    best = (int(columns[0]), y) if columns.size else None
    for other in runs:
        start, start_y = (other.x0, other.y0) if direction > 0 else (other.x1, other.y1)
        if lo <= start < hi and abs(start_y - y) <= 2 and (best is None or (start - best[0]) * direction < 0):
            best = (start, start_y)
    if best is None or abs(best[0] - x) < 2:
        return False
    xs = np.arange(min(x, best[0]) + 1, max(x, best[0]))
    ys = np.rint(np.interp(xs, [x, best[0]] if x < best[0] else [best[0], x], [y, best[1]] if x < best[0] else [best[1], y])).astype(int)
    if not _bridge_evidence(gray, near, xs, ys, from_end):
        return False
    # The gap's row and the line's own darkest pixel beside it: as thick as the line, so
    # that the ruling's position does not move.
    darkest = np.stack([gray[ys + d, xs] for d in (-1, 0, 1)]).argmin(axis=0) - 1
    out[ys, xs] = 255
    out[ys + darkest, xs] = 255
    return True


def _past_own_line(columns: np.ndarray, x: int) -> np.ndarray:
    """`columns` (ordered away from x) without the first run of them touching x: the
    column line the run's end stands on is no target."""
    k, last = 0, x
    while k < columns.size and abs(int(columns[k]) - last) <= 3:
        last = int(columns[k])
        k += 1
    return columns[k:]


# Rows of the window `_bridge_evidence` reads around a gap's row: the line within one row
# (indices 4-6), the paper 2-5 rows above (0-3) and below (7-10).
_EVIDENCE_ROWS = np.arange(-5, 6)[:, None]


def _bridge_evidence(gray: np.ndarray, near: np.ndarray, xs: np.ndarray, ys: np.ndarray, from_end: bool) -> bool:
    """Whether the page shows a thin dark line through (xs, ys) (see `_BRIDGE_CONTRAST`).
    Per pixel: the line is the darkest non-print pixel within one row; each side is the
    brightest of rows 2-5 away; a side with print near it is not paper."""
    rows = ys + _EVIDENCE_ROWS  # one gather of the whole window, rows x gap pixels
    page, printed = gray[rows, xs].astype(int), near[rows, xs]
    line = np.where(printed[4:7], 255, page[4:7]).min(axis=0)
    above = page[:4].max(axis=0) - line
    below = page[7:].max(axis=0) - line
    print_above = printed[:4].any(axis=0)
    print_below = printed[7:].any(axis=0)
    readable = (line < 255) & ~(print_above & print_below)
    clean = (line < 255) & ~print_above & ~print_below
    if readable.mean() < _BRIDGE_READABLE or (from_end and clean.mean() < _BRIDGE_CLEAN_FROM_END):
        return False
    # Depth against the paper: the brighter side where both are clean, the clean side else.
    depth = np.where(clean, np.maximum(above, below), np.where(print_above, below, above))
    shows = (depth >= _BRIDGE_CONTRAST) & (~clean | (np.minimum(above, below) >= _BRIDGE_OTHER_SIDE))
    return bool(shows[readable].mean() >= _BRIDGE_SHARE and np.median(depth[readable]) >= _BRIDGE_MEDIAN_DEPTH)


def line_masks(ink: np.ndarray, dpi: float, length_in: float) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical line pixels: runs of ink longer than `length_in` inches.
    Opening comes first: bridging gaps before it would fuse a row of digits into one long
    run. Small breaks in a scanned line are closed afterwards, on line pixels only."""
    length = max(9, int(dpi * length_in))
    bridge = max(3, int(dpi / 25))
    h = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
    h = cv2.morphologyEx(h, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (bridge, 1)))
    v = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, length)))
    v = cv2.morphologyEx(v, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, bridge)))
    return h, v


def estimate_skew(ink: np.ndarray, dpi: float) -> float:
    """The rotation (degrees, as cv2.getRotationMatrix2D takes it) that levels the long
    horizontal rulings; 0 when the page has none. In image coordinates (y down) a ruling
    rising to the right has a negative slope and needs a negative (clockwise) turn, so
    the angle of the slope is the correction itself. A short opening kernel lets lines
    tilted by a few degrees survive it. A page without long rulings (prose, or borders
    too broken to measure) is levelled by its text lines instead (`_text_skew`)."""
    h, _ = line_masks(ink, dpi, 0.08)
    count, labels, stats = components_with_stats(h)
    min_width = ink.shape[1] / 5
    angles, weights = [], []
    for k in range(1, count):
        x, y, w, hh, _ = stats[k]
        if w < min_width or hh > w / 5:
            continue
        py, px = np.nonzero(labels[y : y + hh, x : x + w] == k)
        slope = np.polyfit(px.astype(np.float64), py.astype(np.float64), 1)[0]
        angles.append(np.degrees(np.arctan(slope)))
        weights.append(w)
    if not angles:
        return _text_skew(ink)
    # Weighted median: long rulings count more than short ones.
    order = np.argsort(angles)
    cumulative = np.cumsum(np.asarray(weights)[order])
    return float(np.asarray(angles)[order][np.searchsorted(cumulative, cumulative[-1] / 2)])


# Text-line skew search: +-3 degrees (scanner feeders stay within ~2.5), 0.1 degree steps
# refined to 0.02; a peak less than 5 % sharper than the level reading is no evidence.
_TEXT_SKEW_MAX_DEG = 3.0
_TEXT_SKEW_MIN_GAIN = 1.05


def _text_skew(ink: np.ndarray) -> float:
    """The correction (degrees, as `estimate_skew`) that makes the rows of ink sharpest:
    projection-profile search. The ink pixels (at half resolution, y down, x from the
    image centre) are projected along each candidate slope; printed lines give the
    tallest, narrowest peaks (largest sum of squared row counts) when the slope is theirs.
    0 when the ink is too little or no slope beats the level one clearly."""
    ys, xs = np.nonzero(ink[::2, ::2])
    if ys.size < 500:
        return 0.0
    if ys.size > 200_000:  # plenty for a profile; the search stays ~10-20 ms per page
        pick = np.random.default_rng(0).choice(ys.size, 200_000, replace=False)
        ys, xs = ys[pick], xs[pick]
    y = ys.astype(np.float64)
    x = xs.astype(np.float64) - xs.mean()
    span = int(np.abs(x).max() * np.tan(np.radians(_TEXT_SKEW_MAX_DEG))) + 2

    def sharpness(deg: float) -> float:
        rows = np.round(y - x * np.tan(np.radians(deg))).astype(np.int64) + span
        return float(np.square(np.bincount(rows).astype(np.float64)).sum())

    coarse = np.arange(-_TEXT_SKEW_MAX_DEG, _TEXT_SKEW_MAX_DEG + 1e-9, 0.1)
    scores = [sharpness(d) for d in coarse]
    best = float(coarse[int(np.argmax(scores))])
    fine = np.arange(best - 0.1, best + 0.1 + 1e-9, 0.02)
    fine_scores = [sharpness(d) for d in fine]
    best_score = max(fine_scores)
    if best_score < _TEXT_SKEW_MIN_GAIN * sharpness(0.0):
        return 0.0
    return float(fine[int(np.argmax(fine_scores))])


def rotate(image: np.ndarray, degrees: float) -> np.ndarray:
    """Rotate about the centre, keeping the size, filling with white."""
    if abs(degrees) < 0.05:
        return image
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    fill = 255 if image.ndim == 2 else (255, 255, 255)
    return cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=fill)


def turn(image: np.ndarray, quarter_turns_ccw: int) -> np.ndarray:
    return np.ascontiguousarray(np.rot90(image, quarter_turns_ccw % 4))


def without_rulings(ink: np.ndarray, dpi: float) -> np.ndarray:
    """Ink minus ruling lines (runs longer than 1/5 inch, grown by 2 px): the print."""
    h, v = line_masks(ink, dpi, 0.2)
    return cv2.bitwise_and(ink, cv2.bitwise_not(cv2.dilate(cv2.bitwise_or(h, v), np.ones((5, 5), np.uint8))))


@dataclass(frozen=True)
class GlyphLine:
    """A run of glyphs along one axis of the image, as found (not yet turned upright)."""

    box: tuple[int, int, int, int]  # x, y, width, height in pixels
    glyphs: int  # ink components in it (a CJK character is one to a few)


# Glyphs of one line are closer than this (inches, ~3 pt: a quarter of a 10.5-12 pt
# character); lines of a wrapped cell and numbers in neighbouring rows are further apart.
_GLYPH_GAP_IN = 0.04
# A line is at least this many times longer than it is thick (a two-character label is 2x).
_LINE_ELONGATION = 2.0
# ... holds at least this many ink components (a lone "1" or "一" is long but one stroke) ...
_LINE_MIN_GLYPHS = 3
# ... and is 0.05-0.3 inch thick (3.6-21.6 pt: body text to headings).
_LINE_THICKNESS_IN = (0.05, 0.3)


def glyph_lines(text_ink: np.ndarray, dpi: float, vertical: bool) -> list[GlyphLine]:
    """Runs of glyphs along the image's rows (vertical=False) or columns (True).

    Printed text is a row of glyphs with small regular gaps; smearing the ink by a little
    more than that gap along the axis joins each line into one long, thin blob. Smeared
    across the lines instead, glyphs stay apart (or fuse into short, wide blocks). This is
    local evidence: aligned columns of numbers, which make a table's whole-page ink
    profile contrasty both ways, are a row height apart and never join."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(text_ink, connectivity=8)
    speck = max(3, int((dpi / 100) ** 2 * 2))  # px area of JPEG noise
    too_big = dpi * 0.5  # px: seal remnants, filled boxes
    keep = np.zeros(count, dtype=bool)
    keep[1:] = (stats[1:, cv2.CC_STAT_AREA] >= speck) & (stats[1:, 2] < too_big) & (stats[1:, 3] < too_big)
    # The kept glyphs' pixels, visited sparsely: most of a page is paper.
    points = cv2.findNonZero(text_ink)
    xs, ys = np.zeros((2, 0), np.int32) if points is None else points.reshape(-1, 2).T
    glyph = labels[ys, xs]
    kept = keep[glyph]
    xs, ys, glyph = xs[kept], ys[kept], glyph[kept]
    on = np.zeros_like(text_ink)
    on[ys, xs] = 255
    gap = max(2, int(dpi * _GLYPH_GAP_IN))
    kernel = (1, gap) if vertical else (gap, 1)  # (width, height)
    smear = cv2.dilate(on, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
    n_blobs, blobs, blob_stats, _ = cv2.connectedComponentsWithStats(smear, connectivity=8)
    # Components per blob: a glyph is connected and the smear only grows it, so each glyph
    # lies in one blob; count the glyphs by their blob.
    blob_of = np.zeros(count, np.int64)
    blob_of[glyph] = blobs[ys, xs]
    per_blob = np.bincount(blob_of[keep], minlength=n_blobs)
    thin, thick = (dpi * t for t in _LINE_THICKNESS_IN)
    x, y, w, h = (blob_stats[:, i].astype(np.int64) for i in range(4))
    along, across = (h, w) if vertical else (w, h)
    line = (per_blob >= _LINE_MIN_GLYPHS) & (along >= _LINE_ELONGATION * across) & (thin < across) & (across < thick)
    line[0] = False  # the paper
    return [GlyphLine((int(x[k]), int(y[k]), int(w[k]), int(h[k])), int(per_blob[k])) for k in np.flatnonzero(line)]


def ruling_segments(ink: np.ndarray, dpi: float) -> tuple[list[Segment], np.ndarray]:
    """Ruling lines as segments in points, and the mask of their pixels (to erase them
    from cell crops before recognition). A run must be 1/5 inch long: longer than any
    stroke of 10-12 pt text, shorter than the smallest cell side."""
    h, v = line_masks(ink, dpi, 0.2)
    scale = 72.0 / dpi
    max_thickness = max(4, int(dpi / 25))  # 1 mm: thicker runs are filled areas, not lines
    segments: list[Segment] = []
    for mask, orientation in ((h, "h"), (v, "v")):
        # Work on horizontal lines; vertical ones are the same problem transposed.
        along = mask if orientation == "h" else mask.T
        count, labels, stats = components_with_stats(along)
        for k in range(1, count):
            x, y, w, thick, _ = stats[k]
            for row0, row1, start, end in _line_rows(labels[y : y + thick, x : x + w] == k, max_thickness):
                position, a, b = (y + (row0 + row1) / 2) * scale, (x + start) * scale, (x + end) * scale
                segments.append(Segment(orientation, position, a, b))
    return segments, cv2.bitwise_or(h, v)


def _line_rows(component: np.ndarray, max_thickness: int) -> list[tuple[int, int, int, int]]:
    """The line(s) inside one connected run of line pixels: (first row, last row + 1,
    start column, end column). A thin component is one line. A thick one is a line fused
    with something that crosses it (the arc of a seal, a stamp's border) or a filled
    area: its line is the band of rows that run most of its width, if that band is thin."""
    thick, width = component.shape
    if thick <= max_thickness * 3:
        return [(0, thick, 0, width)]
    counts = component.sum(axis=1)
    full = np.flatnonzero(counts >= 0.8 * width)
    if full.size == 0 or full[-1] - full[0] + 1 > max_thickness * 2:
        return []
    cols = np.flatnonzero(component[full[0] : full[-1] + 1].any(axis=0))
    return [(int(full[0]), int(full[-1]) + 1, int(cols[0]), int(cols[-1]) + 1)]


def profile_runs(profile: np.ndarray, min_gap: int) -> list[tuple[int, int]]:
    """[start, end) runs where profile > 0, joining runs separated by less than min_gap."""
    on = np.flatnonzero(profile > 0)
    if on.size == 0:
        return []
    runs = []
    start = prev = int(on[0])
    for i in on[1:]:
        i = int(i)
        if i - prev > min_gap:
            runs.append((start, prev + 1))
            start = i
        prev = i
    runs.append((start, prev + 1))
    return runs
